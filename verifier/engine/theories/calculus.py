"""The calculus rung: a difference with zero derivative that vanishes at one point is zero.

Theorem used: if D = f - g is differentiable on an open box B (a product of open
intervals, so convex and connected), every partial derivative of D is zero on B,
and D(c) = 0 at one point c of B, then D = 0 on B. On a closed end of an interval
(x >= 0) the claim is the same question one dimension lower, and is decided the
same way with that variable fixed.

Everything that matters for soundness is checked here, conservatively:

* D is built only from + * / powers, exp, log, roots, sin, cos, sinh, cosh, tanh,
  atan, asinh and asin, acos, acot, acosh, atanh (no Abs, sign, Piecewise, floor, Max, ...);
* on B every denominator is nonzero, every log, root or non-integer power has a
  positive argument, asin/acos/atanh arguments lie in (-1, 1), acosh ones above 1.
  Each condition is shown by SymPy's assumptions after each variable is written as
  a bijection of a positive symbol t onto its interval (``a + t``, ``b - t``,
  ``(a + b t)/(1 + t)``); when SymPy cannot show it, there is no proof;
* the partial derivatives and the value at the point are proved zero by the
  caller's ``is_zero`` (the ladder), exactly: never numerically.

``constant_difference`` is a pure function; the caller supplies the intervals
(from the declared domains and the regions, see ``declared_interval`` and
``intervals_from``) and ``is_zero``.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

import sympy as sp

from ...model import as_sympy

__all__ = ["CalculusProof", "constant_difference", "declared_interval", "intervals_from", "smoothness_conditions"]

#: Entire functions: smooth for every complex argument.
_ENTIRE = (sp.exp, sp.sin, sp.cos, sp.sinh, sp.cosh)
#: Smooth for every real argument (poles or branch points off the real line).
_REAL_SMOOTH = (sp.tanh, sp.atan, sp.asinh)
#: Rational points tried, in this order, for the value at one point.
_CANDIDATES = tuple(sp.Rational(v) for v in ("0", "1/2", "-1/2", "1", "-1", "2", "-2", "3", "1/3", "-3"))


@dataclass(frozen=True)
class CalculusProof:
    """Evidence: the box, the point where the difference was proved zero, the side
    conditions checked (in words), and the proofs on closed faces of the box."""

    interval: tuple[tuple[sp.Symbol, sp.Interval], ...]
    point: tuple[tuple[sp.Symbol, sp.Rational], ...]
    conditions: tuple[str, ...]
    faces: tuple[tuple[sp.Symbol, sp.Basic, CalculusProof], ...] = ()  # per closed end: (symbol, value, proof)

    def describe(self) -> str:
        box = ", ".join(f"{s} in {i}" for s, i in self.interval)
        at = ", ".join(f"{s} = {v}" for s, v in self.point)
        text = f"zero derivative on {box}, zero at {at}" if self.interval else f"zero at {at or 'the face'}"
        for symbol, value, _ in self.faces:
            text += f"; also zero at {symbol} = {value}"
        return text


def declared_interval(symbol: sp.Symbol) -> sp.Interval | None:
    """The interval a real symbol's assumptions give, or None when it is not real."""
    if symbol.is_extended_real is not True:
        return None
    if symbol.is_positive:
        return sp.Interval.open(0, sp.oo)
    if symbol.is_nonnegative:
        return sp.Interval(0, sp.oo, right_open=True)
    if symbol.is_negative:
        return sp.Interval.open(-sp.oo, 0)
    if symbol.is_nonpositive:
        return sp.Interval(-sp.oo, 0, left_open=True)
    return sp.Interval.open(-sp.oo, sp.oo)


def intervals_from(symbols: Iterable[sp.Symbol], where: Iterable[sp.Basic] = ()) -> dict[sp.Symbol, sp.Interval]:
    """Declared interval of each real symbol, cut by region relations with constant
    bounds (``u > -1``, ``u < 1``); a relation that is not of that form is ignored,
    which only makes the interval larger than the region (never a wrong proof: the
    claim is then proved on a larger set, or not at all)."""
    result: dict[sp.Symbol, sp.Interval] = {}
    for symbol in symbols:
        interval = declared_interval(symbol)
        if interval is None:
            continue
        for relation in where:
            if not isinstance(relation, sp.core.relational.Relational) or relation.free_symbols != {symbol}:
                continue
            try:
                interval = interval.intersect(_solved(relation, symbol))
            except Exception:
                continue
        if isinstance(interval, sp.Interval) and interval.measure > 0:
            result[symbol] = interval
    return result


#: The set where ``symbol op c`` holds, for a real constant c, per relation.
_BOUND = {
    ">": lambda c: sp.Interval.open(c, sp.oo),
    ">=": lambda c: sp.Interval(c, sp.oo),
    "<": lambda c: sp.Interval.open(-sp.oo, c),
    "<=": lambda c: sp.Interval(-sp.oo, c),
}
_FLIPPED = {">": "<", ">=": "<=", "<": ">", "<=": ">="}


def _solved(relation: sp.core.relational.Relational, symbol: sp.Symbol) -> sp.Set:
    """The real solutions of a relation in one symbol: read off directly for ``symbol op c``
    (or ``c op symbol``) with a real constant c, else by ``solveset``."""
    lhs, rhs, op = relation.lhs, relation.rhs, relation.rel_op
    if lhs != symbol and rhs == symbol:
        lhs, rhs, op = rhs, lhs, _FLIPPED.get(op, op)
    if lhs == symbol and op in _BOUND and rhs.is_number and rhs.is_extended_real:
        return _BOUND[op](rhs)
    return sp.solveset(relation, symbol, sp.S.Reals)


@functools.lru_cache(maxsize=256)
def _onto(symbol: sp.Symbol, interval: sp.Interval) -> sp.Basic:
    """An expression in a positive t of its own that runs over the open interval exactly.

    Kept per (symbol, interval): t only names the point of the interval inside one proof,
    so the same t serves every claim about that symbol on that interval, and SymPy's cache
    then serves the side conditions (1 - u > 0 for u in (-1, 1)) that such claims share."""
    a, b = interval.start, interval.end
    if a == -sp.oo and b == sp.oo:
        return sp.Dummy(f"{symbol}_real", real=True)
    t = sp.Dummy(f"{symbol}_t", positive=True)
    if b == sp.oo:
        return a + t
    if a == -sp.oo:
        return b - t
    return (a + b * t) / (1 + t)


def _shown(fact: Callable[[sp.Basic], object], expr: sp.Basic) -> bool:
    """Whether SymPy's assumptions show ``fact`` of expr's factored form, of expr as it
    stands, or of its cancelled form. Factored first: on the corpus it shows 34 of 41
    conditions, and asking the unfactored form first cost three times as much."""
    for form in (sp.factor, lambda e: e, lambda e: sp.factor(sp.cancel(sp.together(e)))):
        try:
            if fact(form(expr)) is True:
                return True
        except Exception:
            continue
    return False


def _positive(expr: sp.Basic) -> bool:
    return _shown(lambda e: e.is_positive, expr) or _exceeds_root(expr)


def _exceeds_root(expr: sp.Basic) -> bool:
    """``expr`` = P - c*sqrt(B) > 0, shown from P > 0, B > 0 and P**2 - c**2*B > 0 (c a
    positive number): then c*sqrt(B) is real and nonnegative, and P > c*sqrt(B) follows
    from P**2 > (c*sqrt(B))**2. SymPy's assumptions do not reason this way: 1 - sqrt(1 - v**2)
    > 0 for 0 < v < 1 is v**2 > 0."""
    if not isinstance(expr, sp.Add):
        return False
    roots = []
    for term in expr.args:
        c, rest = (-term).as_coeff_Mul()
        if c.is_positive and c.is_number and rest.is_Pow and rest.exp == sp.S.Half:
            roots.append((term, c, rest.base))
    if len(roots) != 1:
        return False
    term, c, radicand = roots[0]
    p = expr - term
    return (
        _shown(lambda e: e.is_positive, p)
        and _shown(lambda e: e.is_positive, radicand)
        and _shown(lambda e: e.is_positive, p**2 - c**2 * radicand)
    )


def _nonzero(expr: sp.Basic) -> bool:
    return _shown(lambda e: e.is_positive or e.is_negative or (e.is_zero is False and e.is_finite is True), expr)


def smoothness_conditions(
    expr: sp.Basic, substitution: Mapping[sp.Symbol, sp.Basic], variables: set[sp.Symbol]
) -> list[str] | None:
    """Side conditions under which ``expr`` is smooth on the open box, checked; None when
    one cannot be shown (or expr holds a function this rung does not handle)."""
    conditions: list[str] = []

    def need(holds: bool, text: str) -> bool:
        if holds and text not in conditions:
            conditions.append(text)
        return holds

    def real(e: sp.Basic) -> bool:
        """``e`` (already accepted by ``visit``) is real on the box: each rule ``visit``
        accepts maps real arguments in its checked domain to a real value, so it is enough
        that every symbol and every constant part is real."""
        if not (e.free_symbols & variables):
            return e.is_extended_real is True
        if isinstance(e, sp.Symbol):
            return e.is_extended_real is True
        return all(real(a) for a in e.args)

    def visit(e: sp.Basic) -> bool:
        if not (e.free_symbols & variables):
            # constant on the box: its derivative is 0 wherever it is defined
            return not e.has(sp.zoo, sp.nan, sp.oo, -sp.oo)
        if isinstance(e, sp.Symbol):
            return True
        if not all(visit(a) for a in e.args):
            return False
        if isinstance(e, (sp.Add, sp.Mul, *_ENTIRE)):
            return True
        if not e.args:
            return False  # a leaf that is not a symbol: nothing this rung knows
        # the argument on the box (not the function of it: building atan(...) of the
        # substituted argument makes SymPy query its assumptions for nothing)
        inner = e.args[0].xreplace(substitution)
        if isinstance(e, _REAL_SMOOTH):
            return need(real(e.args[0]) or _shown(lambda a: a.is_extended_real, inner), f"{e.args[0]} real")
        if e.is_Pow:
            base, exponent = e.args
            if exponent.is_Integer:
                return exponent > 0 or need(_nonzero(inner), f"{base} != 0")
            return need(_positive(inner), f"{base} > 0")
        if isinstance(e, sp.log):
            return need(_positive(inner), f"{e.args[0]} > 0")
        if isinstance(e, (sp.asin, sp.acos, sp.atanh)):
            return need(_positive(1 - inner) and _positive(1 + inner), f"-1 < {e.args[0]} < 1")
        if isinstance(e, sp.acot):  # SymPy's real acot jumps at 0
            return need(
                (real(e.args[0]) or _shown(lambda a: a.is_extended_real, inner)) and _nonzero(inner),
                f"{e.args[0]} real and != 0",
            )
        if isinstance(e, sp.acosh):
            return need(_positive(inner - 1), f"{e.args[0]} > 1")
        return False  # Abs, sign, Piecewise, floor, Max, undefined functions, ...

    return conditions if visit(as_sympy(expr, "an expression")) else None


def _points(box: Mapping[sp.Symbol, sp.Interval]) -> Iterator[dict[sp.Symbol, sp.Rational]]:
    """Rational points of the open box to try, nicest first."""
    choices = []
    for interval in box.values():
        inside = [c for c in _CANDIDATES if interval.start < c < interval.end]
        if interval.start.is_finite and interval.end.is_finite:
            inside.append((interval.start + interval.end) / 2)
        elif interval.start.is_finite:
            inside.append(interval.start + 1)
        elif interval.end.is_finite:
            inside.append(interval.end - 1)
        inside = [c for c in dict.fromkeys(inside) if c.is_Rational]
        choices.append(inside[:4])
    for values in itertools.islice(itertools.product(*choices), 16):
        yield dict(zip(box, values))


def _zero_on_box(
    derivative: sp.Basic,
    substitution: Mapping[sp.Symbol, sp.Basic],
    is_zero: Callable[[sp.Expr], bool],
    quick: Callable[[sp.Expr], bool] | None = None,
) -> bool:
    """Whether ``is_zero`` proves the derivative zero, as it stands or with each variable
    written as its bijection onto the interval (where SymPy then knows 1 - u > 0 and
    1 + u > 0 for u in (-1, 1), and can split roots). Zero for every t > 0 is zero on
    the whole open interval, since the bijection is onto.

    ``quick`` (a cheaper exact test) is tried on both forms before ``is_zero`` on either.
    The second form is built only when the first is not proved zero, and not at all where
    each bijection is a renaming (a symbol of the same sign, for the whole line or a
    half-line at 0): it would say nothing new.
    """
    renaming = all(
        isinstance(v, sp.Symbol) and v.is_positive == s.is_positive and v.is_extended_real == s.is_extended_real
        for s, v in substitution.items()
    )
    built: list[sp.Basic] = [derivative]

    def forms() -> Iterator[sp.Basic]:
        yield derivative
        if not renaming:
            if len(built) == 1:
                built.append(derivative.xreplace(substitution))  # costly: only when needed, once
            yield built[1]

    for test in (quick, is_zero):
        if test is None:
            continue
        for form in forms():
            try:
                if test(form):
                    return True
            except Exception:
                continue
    return False


def _zero_point(
    diff: sp.Basic,
    box: Mapping[sp.Symbol, sp.Interval],
    is_zero: Callable[[sp.Expr], bool],
    point_value: Callable[[sp.Expr, dict[sp.Symbol, sp.Rational]], sp.Expr],
) -> dict[sp.Symbol, sp.Rational] | None:
    """A point of the box where ``diff`` is proved 0: first one where its value is 0 as
    SymPy evaluates it (atan(1) is pi/4), then one where ``is_zero`` proves it."""
    values = []
    for point in _points(box):
        try:
            value = point_value(diff, point)
        except Exception:
            continue
        if value == 0:
            return point
        values.append((point, value))
    for point, value in values:
        try:
            if is_zero(value):
                return point
        except Exception:
            continue
    return None


def _default_value(expr: sp.Expr, point: Mapping[sp.Symbol, sp.Basic]) -> sp.Expr:
    return expr.xreplace(point)


def constant_difference(
    diff: sp.Basic,
    interval_of: Mapping[sp.Symbol, sp.Interval],
    is_zero: Callable[[sp.Expr], bool],
    point_value: Callable[[sp.Expr, dict[sp.Symbol, sp.Rational]], sp.Expr] = _default_value,
    quick: Callable[[sp.Expr], bool] | None = None,
) -> CalculusProof | None:
    """A proof that ``diff == 0`` on the box ``interval_of`` (symbol -> Interval), or None.

    ``is_zero(e)`` must return True only when e is proved exactly zero (the ladder), and
    so must ``quick(e)``, a cheaper test tried first on each form of a derivative;
    ``point_value(diff, point)`` evaluates diff exactly at a rational point. Symbols of
    ``diff`` outside the box are parameters: the proof holds for each of their values
    (the conditions are shown for all of them, and ``is_zero`` proves the value at the
    point for all of them).
    """
    diff = as_sympy(diff, "an expression")
    box = {s: i for s, i in interval_of.items() if s in diff.free_symbols}
    if not box:
        return None
    for symbol, interval in box.items():
        if not isinstance(interval, sp.Interval) or not interval.measure > 0 or symbol.is_extended_real is not True:
            return None
    variables = set(box)
    substitution = {s: _onto(s, i) for s, i in box.items()}
    conditions = smoothness_conditions(diff, substitution, variables)
    if conditions is None:
        return None
    for symbol in sorted(box, key=sp.default_sort_key):
        if not _zero_on_box(sp.diff(diff, symbol), substitution, is_zero, quick):
            return None
    found = _zero_point(diff, box, is_zero, point_value)
    if found is None:
        return None
    faces = []
    for symbol, interval in sorted(box.items(), key=lambda item: sp.default_sort_key(item[0])):
        for end, is_open in ((interval.start, interval.left_open), (interval.end, interval.right_open)):
            if is_open or not end.is_finite:
                continue
            face = diff.xreplace({symbol: end})
            rest = {s: i for s, i in box.items() if s != symbol}
            sub = (
                constant_difference(face, rest, is_zero, point_value, quick)
                if rest and face.free_symbols & set(rest)
                else None
            )
            if sub is None:
                try:
                    if not is_zero(face):
                        return None
                except Exception:
                    return None
                sub = CalculusProof((), (), (), ())
            faces.append((symbol, end, sub))
    words = tuple(conditions) + tuple(f"d/d{s} of lhs - rhs is 0" for s in sorted(box, key=sp.default_sort_key))
    return CalculusProof(
        tuple(sorted(box.items(), key=lambda item: sp.default_sort_key(item[0]))),
        tuple(sorted(found.items(), key=lambda item: sp.default_sort_key(item[0]))),
        words,
        tuple(faces),
    )
