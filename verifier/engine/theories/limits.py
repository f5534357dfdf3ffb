"""Limits: the rules that evaluate them with checked hypotheses, and numerical witnesses.

A claim that holds a SymPy ``Limit`` is a statement of analysis. ``sympy.limit`` is
never trusted; a limit is replaced by its value only when one of these rules applies,
each with its hypotheses checked:

* n -> oo of a rational function of n, by degrees (the leading coefficient of the
  denominator must be known nonzero);
* x -> p at a finite real point, for x real: the expression written as N/D with N, D
  polynomials in x, in values f(x), f'(x), ... of real functions declared C^s
  (``smooth_function``) and in exp/sin/cos of polynomials in x. Powers of (x - p) are
  cancelled (exact for x != p, which is all a limit sees); then
  - **continuity**: D(p) != 0 (proved: a product of nonzero numbers, nonzero symbols
    and expressions stated nonzero in ``where``), every f^(k) continuous at p
    (k <= s): the limit is N(p)/D(p);
  - **L'Hopital**: N(p) = D(p) = 0 (proved, given facts substituted), N and D
    differentiable near p (every f^(k) with k + 1 <= s), and the limit of N'/D'
    found by these same rules, which also shows D' != 0 near p;
  - **a pole**: after the cancellation, N = n1 and D = (x - p)^k d1 with k >= 1, n1(p) and
    d1(p) proved nonzero (n1, d1 continuous at p, so D != 0 near p): |N/D| -> oo. The
    value is +oo or -oo where the sign of n1(p)/d1(p) is known and the same on every side
    approached (k even, or a one-sided limit), else ``zoo``, read "|N/D| -> oo" (for
    x -> p from both sides with k odd, no limit at all). Through L'Hopital a pole of
    N'/D' is one of N/D too (the rule holds for infinite limits, side by side);
  - |u| -> |L| when u -> L, sums term by term (one divergent term and finite others
    diverge alike; two divergent terms: the sum as one fraction N/D), and
    |u| * (x - p)^(2m) = |u (x - p)^(2m)|.
* n -> oo of a rational function whose numerator has the larger degree: +-oo by the
  sign of the ratio of the leading coefficients (known nonzero).
* Where the expression has no other symbol and no undefined function, the value is
  re-checked numerically just beside p at 30 digits (an infinite one: growing like a
  pole, with its sign); a rule whose value fails that is not used.

An infinite value is never put into an expression as a number: a limit that diverges
stays a limit, except where a caller asks for it as a whole side (``infinite=True``)
to compare it with the other side: at the concrete points of the gate and the re-check,
where a divergent limit differs from any finite value (``apart``), and in the rewrite,
where a statement "lim = +oo" that the rules confirm holds.

Anything else stays a limit, and the claim undecided with that reason, unless the gate
finds a point where the sides differ (``find_limit_counterexample``). A derivation may
attach a witness: pairs (term, target) of numbers, such as the ratios e_{k+1}/e_k^2 of
Newton iterates on a concrete f. The trace shows each term's value and its gap to the
target: evidence for a reader, never a proof.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

import sympy as sp
from sympy.core.function import UndefinedFunction

from ...report import Attempt, Outcome, Result

if TYPE_CHECKING:
    from ..numeric import Sampler, Witness

__all__ = [
    "INFINITE",
    "apart",
    "beyond_engine",
    "evaluate_limits",
    "find_limit_counterexample",
    "infinity",
    "rational_limits",
    "smooth_function",
    "witness_text",
    "with_witness",
]

WITNESS_DIGITS = 40
#: The values a divergent limit takes: +oo, -oo, and zoo for "|u| -> oo" (the sign unknown,
#: or different on the two sides: then there is no limit at all).
INFINITE = (sp.oo, -sp.oo, sp.zoo)


def _rational_limit(limit: sp.Limit) -> sp.Basic | None:
    """The value of Limit(P(n)/Q(n), n, oo) for polynomials P, Q in n, or None.

    Decided by degrees alone: deg P < deg Q gives 0, equal degrees the ratio of the
    leading coefficients, deg P > deg Q +oo or -oo by the sign of that ratio (n^d > 0).
    Only when the leading coefficient of Q is known to be nonzero (else the degree could
    drop), and for a divergent one that of P too, with the ratio's sign known; a
    non-rational one is left alone.
    """
    expr, var, point = limit.args[0], limit.args[1], limit.args[2]
    if point is not sp.oo:
        return None
    num, den = sp.fraction(sp.together(expr))
    try:
        top, bottom = sp.Poly(num, var), sp.Poly(den, var)
    except sp.PolynomialError:
        return None
    if any(var in c.free_symbols for c in top.coeffs() + bottom.coeffs()):
        return None
    lead = bottom.LC()
    if lead.is_zero is not False:
        return None
    if top.is_zero or top.degree() < bottom.degree():
        return sp.Integer(0)
    if top.degree() == bottom.degree():
        return top.LC() / lead
    ratio = top.LC() / lead
    if ratio.is_positive:
        return sp.oo
    if ratio.is_negative:
        return -sp.oo
    return None


def smooth_function(name: str, order: int) -> UndefinedFunction:
    """A real function of one variable declared C^order: f, f', ..., f^(order) exist and are continuous.

    The limit rules read the order (``f.smoothness``) as a hypothesis: they use
    continuity of f^(k) only for k <= order, and differentiate f^(k) only for k < order.
    An undefined ``Function`` without it is assumed nothing (not even continuous).
    """
    if not (isinstance(order, int) and order >= 0):
        raise ValueError(f"smooth_function({name!r}, {order!r}): the order must be an integer >= 0")
    return sp.Function(name, real=True, smoothness=order)


class _NoRule(Exception):
    """No rule applies (a hypothesis could not be checked): the limit stays a limit."""


class _Facts:
    """The given equalities and the stated nonzero expressions, for checking hypotheses."""

    def __init__(self, given: Iterable[sp.Basic], where: Iterable[sp.Basic]) -> None:
        self.equal: dict[sp.Basic, sp.Basic] = {}
        for fact in given:
            if isinstance(fact, sp.Equality) and not isinstance(fact.lhs, sp.MatrixBase):
                self.equal[fact.lhs] = fact.rhs
        self.nonzero: set[sp.Basic] = set()
        for fact in where:
            # a != b, a > b and a < b all say a - b != 0
            if isinstance(fact, sp.core.relational.Relational) and fact.rel_op in ("!=", ">", "<"):
                gap = sp.expand(fact.lhs - fact.rhs)
                self.nonzero |= {gap, sp.expand(-gap)}
        self.used: list[str] = []

    def substituted(self, value: sp.Basic) -> sp.Basic:
        """value with the given facts substituted, but never inside a derivative: f(x*) = 0
        says nothing about f'(x*), though SymPy writes f'(x*) as Derivative(f(x*), x*)."""

        def replace(node: sp.Basic) -> sp.Basic:
            if node in self.equal:
                return self.equal[node]
            if node.is_Atom or isinstance(node, (sp.Derivative, sp.Subs)):
                return node
            return node.func(*[replace(arg) for arg in node.args])

        return sp.expand(replace(value)) if self.equal else sp.expand(value)

    def is_zero(self, value: sp.Basic) -> bool:
        reduced = self.substituted(value)
        if reduced == 0:
            if reduced != sp.expand(value):
                self.used.extend(f"{sp.sstr(k)} = {sp.sstr(v)}" for k, v in self.equal.items() if value.has(k))
            return True
        return bool(reduced.is_number) and reduced.is_zero is True

    def is_nonzero(self, value: sp.Basic) -> bool:
        """Proved nonzero: a nonzero number, a stated nonzero expression, or products, integer
        powers and absolute values of those, exp of a real."""
        value = self.substituted(value)
        if value == 0:
            return False
        if value.is_number:
            return value.is_zero is False or abs(sp.N(value, 30)) > sp.Float("1e-20")
        if value in self.nonzero:
            self.used.append(f"{sp.sstr(value)} != 0")
            return True
        factored = sp.factor_terms(value)
        if isinstance(factored, sp.Mul):
            return all(self.is_nonzero(factor) for factor in factored.args)
        if isinstance(factored, sp.Pow) and factored.exp.is_integer:
            return self.is_nonzero(factored.base)
        if isinstance(factored, sp.Abs):
            return self.is_nonzero(factored.args[0])
        if isinstance(factored, sp.exp):
            return factored.args[0].is_real is True
        return factored.is_zero is False


_ENTIRE = (sp.exp, sp.sin, sp.cos)  # continuous and differentiable everywhere, derivatives of the same kind


class _AtPoint:
    """Limits of expressions in the real variable x as x -> p (p finite and real)."""

    def __init__(self, x: sp.Symbol, p: sp.Basic, facts: _Facts, direction: str = "+-") -> None:
        if x.is_real is not True or p.is_real is not True or x in p.free_symbols:
            raise _NoRule
        self.x, self.p, self.facts = x, p, facts
        self.sides: tuple[int, ...] = {"+": (1,), "-": (-1,)}.get(direction, (1, -1))  # x - p > 0, < 0 or both
        self.e = sp.Dummy("e")
        self.steps: list[str] = []

    def order(self, atom: sp.Basic) -> tuple[int, int] | None:
        """k for f^(k)(x) with f declared C^s (s = f.smoothness), checked real; else None."""
        base, k = (atom.expr, sum(c for _, c in atom.variable_count)) if isinstance(atom, sp.Derivative) else (atom, 0)
        if isinstance(atom, sp.Derivative) and any(v != self.x for v, _ in atom.variable_count):
            return None
        if not (isinstance(base, sp.core.function.AppliedUndef) and base.args == (self.x,)):
            return None
        s = getattr(base.func, "smoothness", None)
        if not isinstance(s, int) or base.is_real is not True:
            return None
        return k, s

    def atoms(self, expr: sp.Basic) -> dict[sp.Basic, sp.Dummy]:
        """Each x-dependent atom (f^(k)(x), exp/sin/cos of a polynomial) mapped to a symbol.

        Raises _NoRule when expr is not a polynomial in x and these atoms (a division,
        a root, an unknown function, a power with x in its exponent).
        """
        mapping: dict[sp.Basic, sp.Dummy] = {}

        def visit(node: sp.Basic) -> None:
            if self.x not in node.free_symbols or node == self.x:
                return
            if isinstance(node, (sp.core.function.AppliedUndef, sp.Derivative)):
                if self.order(node) is None:
                    raise _NoRule
                mapping.setdefault(node, sp.Dummy("F"))
            elif isinstance(node, _ENTIRE):
                arg = node.args[0]
                if arg.has(sp.Function, sp.Derivative) or not arg.is_polynomial(self.x):
                    raise _NoRule
                mapping.setdefault(node, sp.Dummy("G"))
            elif isinstance(node, (sp.Add, sp.Mul)) or (isinstance(node, sp.Pow) and node.exp.is_Integer):
                for arg in node.args:
                    visit(arg)
            else:
                raise _NoRule

        visit(expr)
        return mapping

    def value_at(self, expr: sp.Basic) -> sp.Basic:
        """expr at x = p; every f^(k) in it must be continuous there (k <= s)."""
        for atom in self.atoms(expr):
            order = self.order(atom)
            if order is not None and order[0] > order[1]:
                raise _NoRule
        return expr.subs(self.x, self.p)

    def split(self, expr: sp.Basic) -> tuple[int | None, sp.Basic]:
        """(a, rest): expr = (x - p)^a rest, exactly, with a as large as the polynomial structure shows."""
        mapping = self.atoms(expr)
        inverse = {v: k for k, v in mapping.items()}
        shifted = sp.expand(expr.xreplace(mapping).subs(self.x, self.p + self.e))
        if shifted == 0:
            return None, sp.Integer(0)
        poly = sp.Poly(shifted, self.e)
        a = min(monom[0] for monom in poly.monoms())
        rest = sp.expand(sp.cancel(shifted / self.e**a)).subs(self.e, self.x - self.p).xreplace(inverse)
        return a, rest

    def limit(self, expr: sp.Basic, depth: int = 3) -> sp.Basic:
        x = self.x
        if x not in expr.free_symbols:
            return expr
        if expr.has(sp.I) or any(s.is_real is not True for s in expr.free_symbols):
            raise _NoRule  # L'Hopital as used here is for real-valued functions
        if isinstance(expr, sp.Abs):
            return sp.Abs(self.limit(expr.args[0], depth))  # |+-oo| = |zoo| = oo
        if isinstance(expr, sp.Add):
            values = [self.limit(term, depth) for term in expr.args]
            infinite = [v for v in values if v in INFINITE]
            if not infinite:
                return sp.Add(*values)
            if len(infinite) > 1:  # oo - oo says nothing: the sum as one fraction
                num, den = sp.fraction(sp.together(expr))
                return self.quotient(num, den, depth)
            self.steps.append("a divergent term plus finite ones diverges alike")
            return infinite[0]  # every other value is a finite real (the rules give no other)
        if isinstance(expr, sp.Mul) and any(isinstance(f, sp.Abs) for f in expr.args):
            inside: list[sp.Basic] = []
            outside: list[sp.Basic] = []
            for factor in expr.args:
                even = isinstance(factor, sp.Pow) and factor.exp.is_even and factor.base.is_real is True
                (
                    inside
                    if isinstance(factor, sp.Abs) or even or (factor.is_number and factor.is_positive)
                    else outside
                ).append(factor)
            if not outside:  # |u| w = |u w| for w > 0 (x != p)
                merged = sp.Mul(*[f.args[0] if isinstance(f, sp.Abs) else f for f in inside])
                self.steps.append("|u| w = |u w| for w > 0")
                return sp.Abs(self.limit(merged, depth))
            raise _NoRule
        num, den = sp.fraction(sp.together(expr))
        return self.quotient(num, den, depth)

    def quotient(self, num: sp.Basic, den: sp.Basic, depth: int) -> sp.Basic:
        """lim num/den for num, den polynomials in x, f^(k)(x) and entire functions of x."""
        b, d1 = self.split(den)
        if b is None:
            raise _NoRule  # division by zero
        a, n1 = self.split(num)
        if a is None:  # 0/den -> 0, when den != 0 near p (den = (x - p)^b d1 with d1(p) != 0)
            if self.facts.is_nonzero(self.value_at(d1)):
                self.steps.append("numerator identically 0, denominator nonzero near the point")
                return sp.Integer(0)
            raise _NoRule
        gap = self.x - self.p
        top, bottom = (gap ** (a - b) * n1, d1) if a >= b else (n1, gap ** (b - a) * d1)
        if min(a, b):
            self.steps.append(f"cancel (x - p)^{min(a, b)} (x != p)")
        bottom_value = self.value_at(bottom)
        if self.facts.is_nonzero(bottom_value):
            value = self.value_at(top) / bottom_value
            self.steps.append("continuous at the point, denominator nonzero there")
            return value
        top_value = self.value_at(top)
        if a < b and self.facts.is_nonzero(top_value):
            d1_value = self.value_at(d1)
            if self.facts.is_nonzero(d1_value):
                self.steps.append(
                    f"a pole: numerator nonzero at the point, denominator (x - p)^{b - a} times a factor nonzero there"
                )
                return self.pole(top_value / d1_value, b - a)
        if depth <= 0 or not (self.facts.is_zero(bottom_value) and self.facts.is_zero(top_value)):
            raise _NoRule
        for atom in self.atoms(top) | self.atoms(bottom):
            order = self.order(atom)
            if order is not None and order[0] + 1 > order[1]:
                raise _NoRule  # f^(k) not known differentiable
        self.steps.append("L'Hopital: 0/0 at the point")
        return self.quotient(sp.expand(sp.diff(top, self.x)), sp.expand(sp.diff(bottom, self.x)), depth - 1)

    def pole(self, c: sp.Basic, k: int) -> sp.Basic:
        """lim c(x) / (x - p)^k where c(x) -> c != 0 (k >= 1), on the sides approached.

        On the side x - p = s (s = +1 or -1) the quotient tends to sign(c) s^k oo: +oo or
        -oo when that is one sign on every side approached, else zoo ("|.| -> oo"; from
        both sides with k odd there is no limit). zoo too when the sign of c is not known.
        """
        sign = 1 if c.is_positive else (-1 if c.is_negative else 0)
        signs = {sign * s**k for s in self.sides}
        if sign == 0 or len(signs) > 1:
            return sp.zoo
        return sp.oo if signs == {1} else -sp.oo


def _near_point_agrees(expr: sp.Basic, x: sp.Basic, p: sp.Basic, value: sp.Basic, direction: str) -> bool | None:
    """Whether expr beside p (at p +- 10^-12, 30 digits) is within 10^-4 of value; None if not numeric."""
    others = (expr.free_symbols | p.free_symbols | value.free_symbols) - {x}
    if others or expr.has(sp.core.function.AppliedUndef, sp.Derivative) or not value.is_number:
        return None
    sides = {"+": (1,), "-": (-1,)}.get(str(direction), (1, -1))
    target = sp.N(value, 30)
    for side in sides:
        near = sp.N(expr.subs(x, p + side * sp.Rational(1, 10**12)), 30)
        if not near.is_number or abs(sp.N(near - target, 30)) > sp.Float("1e-4") * (1 + abs(target)):
            return False
    return True


def _near_point_diverges(expr: sp.Basic, x: sp.Basic, p: sp.Basic, value: sp.Basic, direction: str) -> bool | None:
    """Whether expr beside p grows like a pole: |expr| at p +- 10^-12 at least 10^3 times |expr|
    at p +- 10^-6 (a pole of order k gives 10^(6k)), with the sign of +oo or -oo; None if not numeric."""
    others = (expr.free_symbols | p.free_symbols) - {x}
    if others or expr.has(sp.core.function.AppliedUndef, sp.Derivative):
        return None
    sides = {"+": (1,), "-": (-1,)}.get(str(direction), (1, -1))
    for side in sides:
        near, nearer = (sp.N(expr.subs(x, p + side * sp.Rational(1, 10**j)), 30) for j in (6, 12))
        if not (near.is_real and nearer.is_real and abs(nearer) > 1000 * abs(near)):
            return False
        if (value is sp.oo and not nearer > 0) or (value is -sp.oo and not nearer < 0):
            return False
    return True


def _finite_limit(
    limit: sp.Limit, given: Iterable[sp.Basic], where: Iterable[sp.Basic]
) -> tuple[sp.Basic | None, str | None]:
    """(value, note) for a limit at a finite point by the rules above, or (None, None).

    The value is a finite expression, or one of ``INFINITE`` when the rules show a pole.
    """
    expr, var, point = limit.args[0], limit.args[1], limit.args[2]
    direction = str(limit.args[3]) if len(limit.args) > 3 else "+"
    facts = _Facts(given, where)
    try:
        rules = _AtPoint(var, point, facts, direction)
        value = rules.limit(expr)
    except (_NoRule, sp.PolynomialError, sp.GeneratorsNeeded, ValueError, TypeError, ZeroDivisionError):
        return None, None
    if value in INFINITE:
        checked = _near_point_diverges(expr, var, point, value, direction)
    else:
        checked = _near_point_agrees(expr, var, point, value, direction)
    if checked is False:
        return (
            None,
            f"lim {sp.sstr(var)}->{sp.sstr(point)}: the rules gave {sp.sstr(value)} but the values beside the point disagree (not used)",
        )
    how = "; ".join(dict.fromkeys(rules.steps))
    uses = "; uses " + ", ".join(dict.fromkeys(facts.used)) if facts.used else ""
    near = "; checked numerically beside the point" if checked else ""
    return value, f"lim {sp.sstr(var)}->{sp.sstr(point)} = {sp.sstr(value)} ({how}{uses}{near})"


def _at_point(limit: sp.Limit, point: Mapping[sp.Basic, sp.Basic]) -> sp.Limit:
    """The limit with the values of ``point`` put in for its free symbols (not its own variable)."""
    var = limit.args[1]
    values = {k: v for k, v in point.items() if k != var}
    expr, at = limit.args[0].xreplace(values), limit.args[2].xreplace(values)
    return sp.Limit(expr, var, at, str(limit.args[3])) if len(limit.args) > 3 else sp.Limit(expr, var, at)


def evaluate_limits(
    *exprs: sp.Basic,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    point: Mapping[sp.Basic, sp.Basic] | None = None,
    infinite: bool = False,
) -> tuple[tuple[sp.Basic, ...], tuple[str, ...]]:
    """``exprs`` with each limit a rule decides replaced by its finite value, and a note per limit.

    With ``point`` (values of the free symbols, as in a counterexample) each limit is
    evaluated there, at concrete numbers, where its value is also checked numerically.
    A limit found divergent stays a limit, except that with ``infinite`` an expression
    that is a limit and nothing else becomes its value, +oo, -oo or zoo (see ``INFINITE``).
    """
    out, notes = [], []
    for expr in exprs:
        if isinstance(expr, sp.Basic) and expr.has(sp.Limit):
            values = {}
            for original in expr.atoms(sp.Limit):
                limit = _at_point(original, point) if point else original
                if limit.args[2] is sp.oo:
                    value = _rational_limit(limit)
                    note = (
                        f"lim {sp.sstr(limit.args[1])}->oo of a rational function = {sp.sstr(value)} (by degrees)"
                        if value is not None
                        else None
                    )
                elif limit.args[2].is_finite:
                    value, note = _finite_limit(limit, given, where)
                else:
                    value, note = None, None
                if value is not None and (value not in INFINITE or (infinite and original == expr)):
                    values[original] = value
                if note:
                    notes.append(note)
            expr = expr.xreplace(values)
        out.append(expr)
    return tuple(out), tuple(dict.fromkeys(notes))


def rational_limits(
    *exprs: sp.Basic,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    point: Mapping[sp.Basic, sp.Basic] | None = None,
) -> tuple[tuple[sp.Basic, ...], tuple[str, ...]]:
    """The former name of :func:`evaluate_limits` (kept for callers not yet renamed)."""
    return evaluate_limits(*exprs, given=given, where=where, point=point)


def infinity(stated: sp.Basic, value: sp.Basic) -> sp.Basic | None:
    """The infinite value of a side, or None: a side stated as +oo or -oo, or a side stated as a
    limit that the rules found divergent (``value``, from ``evaluate_limits(..., infinite=True)``).
    A stated zoo (1/0) is no value: only a divergent limit is read as "|.| -> oo"."""
    if value in (sp.oo, -sp.oo) or (value is sp.zoo and isinstance(stated, sp.Limit)):
        return value
    return None


def apart(left: sp.Basic, right: sp.Basic) -> bool | None:
    """For two values of which at least one is infinite (the other a finite number or infinite):
    True if they differ, False if they are the same infinity, None if that cannot be told.

    A divergent limit is no finite number, and +oo is not -oo. zoo ("|.| -> oo") differs from
    every finite number, but may be +oo or -oo, or be another limit that does not exist.
    """
    if left in INFINITE and right in INFINITE:
        if sp.zoo in (left, right):
            return None
        return bool(left != right)  # SymPy's != on two of INFINITE is a bool already
    return True


def find_limit_counterexample(
    lhs: sp.Basic, rhs: sp.Basic, sampler: Sampler, count: int
) -> tuple[Witness | None, int, int]:
    """``numeric.find_counterexample`` for sides that hold limits: (witness or None, agreed, seen).

    At each feasible point the limits are evaluated by the rules, at the point's numbers;
    a side that is a divergent limit there differs from a finite other side (``apart``).
    A point where a limit has no rule tells nothing. Raises NotNumeric for an undefined
    function (the gate then lets concrete functions stand in for it).
    """
    from ..numeric import DIGITS, RECHECK_DIGITS, NotNumeric, Witness, _tolerance, evaluate, recheck

    if any(isinstance(side, sp.Basic) and side.has(sp.core.function.AppliedUndef) for side in (lhs, rhs)):
        raise NotNumeric("a limit of an undefined function has no value at a point")
    agreed = seen = 0
    for point in sampler.points(count):
        seen += 1
        try:
            (left, right), _ = evaluate_limits(lhs, rhs, point=point, infinite=True)
        except Exception:  # SymPy raised on the rules' numeric check at this point: it tells nothing
            continue
        if left.has(sp.Limit) or right.has(sp.Limit):
            continue  # no rule decides a limit at this point
        ends = (infinity(lhs, left), infinity(rhs, right))
        if ends != (None, None):
            values = [
                end if end is not None else evaluate(side, point, RECHECK_DIGITS, strict=True)
                for end, side in zip(ends, (left, right))
            ]
            if None in values:
                continue
            differ = apart(*values)
            if differ:
                shown = [v if v in INFINITE else sp.N(v, 15) for v in values]
                return Witness(dict(point), None, shown[0], shown[1], sp.oo), agreed, seen
            agreed += differ is False
            continue
        gap = evaluate(left - right, point)
        lv, rv = evaluate(left, point), evaluate(right, point)
        if gap is None or lv is None or rv is None:
            continue
        if gap == 0 or abs(complex(gap)) <= _tolerance(DIGITS, lv, rv):
            agreed += 1
            continue
        witness = recheck(left, right, point, sampler)
        if witness is not None:
            return witness, agreed, seen
    return None, agreed, seen


def beyond_engine(*exprs: object) -> str | None:
    """Why a statement is outside what the engine decides, or None."""
    for expr in exprs:
        if isinstance(expr, sp.Basic) and expr.has(sp.Limit):
            return "the statement is a limit: the engine decides identities and certified inequalities, not limits (not evaluated)"
    return None


def witness_text(pairs: Iterable[tuple[sp.Basic, sp.Basic]]) -> str:
    """'t1 (gap g1), t2 (gap g2), ... -> target' at 40 digits, shown to 6."""
    parts = []
    targets = []
    for term, target in pairs:
        value = sp.N(term, WITNESS_DIGITS)
        goal = sp.N(target, WITNESS_DIGITS)
        gap = sp.N(term - target, WITNESS_DIGITS)
        if not (value.is_number and goal.is_number and gap.is_number):
            parts.append(f"{sp.sstr(term)[:40]} (not a number)")
            continue
        parts.append(f"{sp.N(value, 6)} (gap {float(abs(gap)):.1e})")
        targets.append(sp.N(goal, 6))
    aim = f" -> {targets[0]}" if targets and all(t == targets[0] for t in targets) else ""
    return ", ".join(parts) + aim


def with_witness(result: Result, pairs: Iterable[tuple[sp.Basic, sp.Basic]]) -> Result:
    """An undecided result with the numerical witness appended to its trace and reason."""
    text = witness_text(pairs)
    steps = result.steps + (Attempt("witness", Outcome.EVIDENCE, text + " (numerical evidence, not a proof)"),)
    return replace(result, steps=steps, reason=f"{result.reason}; numerical witness: {text}")
