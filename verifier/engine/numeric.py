"""Numeric refutation: seeded points that satisfy every assumption, high precision.

A point gives every free symbol an exact value (an integer, a fraction, or a
Gaussian rational for a complex symbol) chosen to satisfy its declared domain;
eliminated symbols are computed from the given facts, and regions and unsolved
facts are checked on the point. Both sides are evaluated with mpmath through
``evalf``; a difference is only reported after it is re-computed independently at
higher precision, together with the domains, facts and regions at that point.
Agreement at many points is evidence, never a proof.
"""

from __future__ import annotations

import enum
import functools
import random
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TypeAlias

import mpmath
import sympy as sp
from sympy.logic.boolalg import BooleanTrue
from sympy.printing.pycode import MpmathPrinter

from .assumptions import Context, fact_holds, region_holds, replace_symbols, satisfies_domain

__all__ = [
    "Sampler",
    "Witness",
    "NotNumeric",
    "evaluate",
    "find_counterexample",
    "recheck",
    "special_values",
    "in_exponents",
]

R = sp.Rational
#: A point: a value for each free symbol.
Point: TypeAlias = dict[sp.Basic, sp.Basic]
#: One entry of a claim: ((row, column) or None for a scalar, lhs entry, rhs entry).
Entry: TypeAlias = tuple[tuple[int, int] | None, sp.Basic, sp.Basic]
#: Readable values tried first, so counterexamples are small when they can be.
SIMPLE = tuple(
    map(
        R, (1, 2, -1, R(1, 2), 3, -2, R(1, 3), R(-1, 2), R(2, 3), R(1, 4), R(3, 2), -3, R(1, 5), 4, R(1, 6), R(3, 4), 5)
    )
)
#: Non-real values for symbols declared without a real domain: a complex claim must
#: also hold off the real line (|Im| > pi/2 and > pi reach the branch cuts of sqrt
#: and log of exp: sqrt(exp(x)) != exp(x/2) at x = 4i).
COMPLEX = (sp.I, 4 * sp.I, 1 + sp.I, R(-1, 3) + R(7, 2) * sp.I, -2 - 3 * sp.I, R(1, 2) - sp.I, -1 + 2 * sp.I)
#: Values off the beaten track, tried on every third point after the first few:
#: 0 and -1, values in (-1, 0), magnitudes up to 10^6 (a false claim may hold on
#: every small value: Heaviside(x - x^3/10^4 - 1) = 1 for 1 < x < 100).
WIDE = tuple(
    map(
        R,
        (
            0,
            -1,
            R(-1, 3),
            10,
            -10,
            101,
            R(-2, 3),
            1000,
            -1000,
            R(1, 1000),
            10**4,
            -(10**5),
            10**6,
            R(-1, 100),
            -(10**6),
        ),
    )
)
#: For symbols inside an exponent (exp(1000 x) costs SymPy's evalf millions of bits):
#: the wide values up to magnitude 10.
WIDE_TAME = tuple(v for v in WIDE if abs(v) <= 10)
#: Offsets from a pole or branch point of the claim (a root of a denominator or of a
#: log's argument), on both sides.
NEAR = tuple(map(R, (R(1, 1000), R(-1, 1000), R(1, 7), R(-1, 7))))
DIGITS = 30
#: Agreeing points after which the gate asks whether the claim is settled exactly (a false
#: claim has mostly differed by then, so the question is rarely asked in vain).
SETTLED_AFTER = 5
RECHECK_DIGITS = 60
#: The precision (in digits) a strict evaluation may work at before it gives up.
STRICT_MAX_DIGITS = 2000


class NotNumeric(Exception):
    """An expression that cannot be evaluated at a point (it holds an undefined function)."""


@dataclass(frozen=True)
class Witness:
    point: Point
    entry: tuple[int, int] | None
    lhs_value: sp.Basic
    rhs_value: sp.Basic
    difference: sp.Basic


def evaluate(
    expr: sp.Basic, point: Mapping[sp.Basic, sp.Basic], digits: int = DIGITS, strict: bool = False
) -> sp.Basic | None:
    """The value of ``expr`` at ``point``, or None where it is undefined there.

    SymPy raises on some points (Max of a non-real number, a comparison in a
    Piecewise): the expression is then taken as undefined there, never as a value.
    ``strict``: the value must carry ``digits`` correct digits (SymPy's evalf, which
    otherwise may return 1 - 1/(exp(-10201) + 1) as 7e-4283 instead of 1); if it
    cannot, None. Used wherever a value is evidence against a claim.
    """
    try:
        value = replace_symbols(expr, point)
        if value.has(sp.Subs, sp.Derivative):
            value = value.doit()
        if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        if strict and value.is_number and value != 0:
            value = value.evalf(digits, strict=True, maxn=STRICT_MAX_DIGITS)
        else:
            value = sp.N(value, digits)
    except NotNumeric:
        raise
    except Exception:  # PrecisionExhausted among them: no trustworthy value here
        return None
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo, sp.AccumBounds):
        return None  # undefined at this point (atan at a pole gives AccumBounds): not a value
    if not value.is_number:
        if value.free_symbols or value.atoms(sp.core.function.AppliedUndef):
            raise NotNumeric(f"cannot evaluate {sp.sstr(value)[:80]} numerically")
        return None
    return value


def _tolerance(digits: int, *values: complex | sp.Basic) -> float:
    scale = 1 + max(abs(complex(v)) for v in values)
    return scale * 10.0 ** (-(digits * 2) // 3)


def _symbols(*exprs: sp.Basic) -> set[sp.Basic]:
    out: set[sp.Basic] = set()
    for e in exprs:
        out |= e.free_symbols
    return out


class Sampler:
    """Points that satisfy every assumption in ``context``, from a seeded generator."""

    def __init__(
        self,
        context: Context,
        symbols: Iterable[sp.Basic],
        seed: int = 0,
        special: Mapping[sp.Basic, Iterable[sp.Basic]] | None = None,
        tame: Iterable[sp.Basic] = frozenset(),
    ) -> None:
        self.context = context
        #: per symbol, values worth trying besides WIDE (near the claim's poles)
        self.special = special or {}
        #: symbols that occur in an exponent: no huge magnitudes for them
        self.tame = frozenset(tame)
        eliminated = {s for s, _ in context.sample_elimination}
        extra = _symbols(*(v for _, v in context.sample_elimination))
        for fact in tuple(context.residual_given) + tuple(context.where):
            if not isinstance(fact, BooleanTrue):
                extra |= fact.free_symbols
        self.free = sorted((set(symbols) | extra) - eliminated, key=sp.default_sort_key)
        self.rng = random.Random(seed)
        self.rejected = 0

    def _value(self, symbol: sp.Symbol, phase: str, index: int, attempt: int = 0) -> sp.Basic | None:
        """A value in the symbol's domain: from SIMPLE in turn, SIMPLE at random, or a random fraction.

        A symbol that may be non-real gets a value from COMPLEX every other time
        after the first six sweep points (which stay real, hence readable).
        """
        rng = self.rng
        may_be_complex = symbol.is_real is not True
        for shift in range(40):
            if phase == "small":
                # small values, shrinking with the number of symbols: a fact such as
                # y1 + ... + yk = 1 over nonnegative y leaves the eliminated one feasible
                value = R(rng.randint(0, 12), 12 * max(1, len(self.free)))
                if not symbol.is_nonnegative and rng.random() < 0.5:
                    value = -value
            elif phase == "wide":
                pool = tuple(self.special.get(symbol, ())) + (WIDE_TAME if symbol in self.tame else WIDE)
                value = pool[(index + shift) % len(pool)] if shift < len(pool) else rng.choice(SIMPLE)
            elif phase == "random":
                if symbol.is_integer:
                    value = sp.Integer(rng.randint(-12, 12))
                else:
                    value = R(rng.randint(-24, 24), rng.randint(1, 12))
                    if may_be_complex and rng.random() < 0.5:
                        value += sp.I * R(rng.randint(-24, 24), rng.randint(1, 12))
            elif may_be_complex and attempt >= 6 and (index + shift) % 2 == 1:
                value = COMPLEX[((index + shift) // 2) % len(COMPLEX)]
            elif phase == "sweep":
                value = SIMPLE[(index + shift) % len(SIMPLE)]
            else:
                value = rng.choice(SIMPLE)
            if satisfies_domain(symbol, value):
                return value
        return None

    def feasible(self, point: Mapping[sp.Basic, sp.Basic]) -> bool:
        """Every domain, given fact and region holds at ``point`` (re-checked exactly or at high precision)."""
        ctx = self.context
        for symbol, value in point.items():
            # Every value a finite number (a complex symbol is a complex number): 1/c with
            # c = log(6) - log(2) - log(3), which is 0, is not a value.
            if not satisfies_domain(symbol, value) or value.is_finite is not True:
                return False
        for fact in ctx.given:
            holds = fact_holds(fact, point)
            if holds is None:
                raise NotNumeric(f"the given fact {sp.sstr(fact)[:60]} cannot be evaluated numerically")
            if not holds:
                return False
        return all(region_holds(region, point) for region in ctx.where)

    def points(self, count: int, tries: int = 400) -> Iterator[Point]:
        """Up to ``count`` feasible points, the first ones made of small, readable values.

        First a sweep through SIMPLE (symbol j starts 3j places further on, so the
        symbols differ), then SIMPLE values at random, then random fractions (and
        Gaussian fractions for complex symbols).
        """
        not_symbols = [s for s in self.free if not isinstance(s, sp.Symbol)]
        if not_symbols:
            raise NotNumeric(f"{sp.sstr(not_symbols[0])} is not a scalar symbol; no numeric check")
        found = 0
        for attempt in range(tries):
            if found >= count:
                return
            if attempt >= 6 and attempt % 3 == 2:
                phase = "wide"
            elif attempt >= len(SIMPLE) and attempt % 3 == 1:
                phase = "small"
            else:
                phase = "sweep" if attempt < len(SIMPLE) else ("simple" if attempt < len(SIMPLE) + count else "random")
            # The wide pool is walked by its own count, so that its first values come first:
            # every symbol at 0, then every symbol at -1 (degenerate points, e = w1 x1 + w2 x2 = 0),
            # then the symbols apart.
            position = (attempt - 6) // 3 if phase == "wide" else attempt
            spread = 0 if phase == "wide" and position < 2 else 3
            point: Point = {}
            for j, symbol in enumerate(self.free):
                value = self._value(symbol, phase, position + spread * j, attempt)
                if value is None:
                    break
                point[symbol] = value
            else:
                for symbol, expr in self.context.sample_elimination:
                    point[symbol] = replace_symbols(expr, point)
                if self.feasible(point):
                    found += 1
                    yield point
                    continue
            self.rejected += 1


def special_values(exprs: Iterable[object], symbols: Collection[sp.Basic]) -> dict[sp.Basic, list[sp.Basic]]:
    """Per symbol, points next to the claim's poles and branch points.

    Each denominator and log argument that is linear in one symbol with rational
    coefficients has a root r; r plus and minus the NEAR offsets are returned.
    """
    out: dict[sp.Basic, list[sp.Basic]] = {}
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        nodes = [
            e.base for e in expr.atoms(sp.Pow) if e.exp.is_negative or (e.exp.is_Rational and not e.exp.is_Integer)
        ]
        nodes += [e.args[0] for e in expr.atoms(sp.log)]
        for base in nodes:
            free = base.free_symbols & set(symbols)
            if len(free) != 1 or base.free_symbols != free:
                continue
            (symbol,) = free
            try:
                poly = sp.Poly(base, symbol)
            except sp.PolynomialError:
                continue
            if poly.degree() != 1 or not all(c.is_Rational for c in poly.all_coeffs()):
                continue
            a, b = poly.all_coeffs()
            root = -b / a
            for offset in NEAR:
                if root + offset not in out.setdefault(symbol, []):
                    out[symbol].append(root + offset)
    return out


def in_exponents(exprs: Iterable[object]) -> frozenset[sp.Basic]:
    """The symbols that occur in an exponent (exp, hyperbolic functions, a symbolic power)."""
    found: set[sp.Basic] = set()
    for expr in exprs:
        if not isinstance(expr, sp.Basic):
            continue
        for node in expr.atoms(sp.exp, sp.sinh, sp.cosh, sp.tanh, sp.Pow):
            argument = node.exp if isinstance(node, sp.Pow) else node.args[0]
            found |= argument.free_symbols
    return frozenset(found)


def _entries(lhs: sp.Basic, rhs: sp.Basic) -> list[Entry]:
    if isinstance(lhs, sp.MatrixBase):
        return [((i, j), lhs[i, j], rhs[i, j]) for i in range(lhs.rows) for j in range(lhs.cols)]
    return [(None, lhs, rhs)]


def recheck(lhs: sp.Basic, rhs: sp.Basic, point: Point, sampler: Sampler) -> Witness | None:
    """Re-derive a counterexample from scratch at higher precision; None if it does not hold up."""
    if not sampler.feasible(point):
        return None
    left = evaluate(lhs, point, RECHECK_DIGITS, strict=True)
    right = evaluate(rhs, point, RECHECK_DIGITS, strict=True)
    if left is not None and right is not None:
        # Each side carries RECHECK_DIGITS correct digits, so their difference is off by far
        # less than the tolerance below: a third strict evaluation, of lhs - rhs, adds nothing.
        gap = left - right
    else:
        gap = evaluate(lhs - rhs, point, RECHECK_DIGITS, strict=True)
        if gap is None:
            return None
        # A side whose terms cancel to exactly 0 has no digits a strict evaluation can certify
        # (a Hessian row sum written out). Where it is defined, it is the other side plus or
        # minus the certified gap.
        if left is None and right is not None and evaluate(lhs, point, RECHECK_DIGITS) is not None:
            left = right + gap
        elif right is None and left is not None and evaluate(rhs, point, RECHECK_DIGITS) is not None:
            right = left - gap
        if left is None or right is None:
            return None
    if abs(complex(gap)) <= _tolerance(RECHECK_DIGITS, left, right):
        return None
    return Witness(point, None, sp.N(left, 15), sp.N(right, 15), sp.N(gap, 15))


def find_counterexample(
    lhs: sp.Basic, rhs: sp.Basic, sampler: Sampler, count: int, settled: Callable[[], bool] | None = None
) -> tuple[Witness | None, int, int]:
    """Search ``count`` feasible points for a re-checked counterexample.

    Returns (witness or None, points where both sides agreed, feasible points seen).
    ``settled`` is asked once, when SETTLED_AFTER points have agreed: True (the claim is
    already decided exactly, and no point can differ) ends the search there.
    Raises NotNumeric when the claim cannot be evaluated at all.
    """
    entries = _entries(lhs, rhs)
    screens = {entry: (_Screen(left), _Screen(right)) for entry, left, right in entries}
    agreed = seen = 0
    for point in sampler.points(count):
        seen += 1
        defined = True
        for entry, left, right in entries:
            screened = _screened(screens[entry], point)
            if screened is _Screened.EQUAL:
                continue  # equal to screening precision: the exact evaluation below would agree too
            if screened is _Screened.DIFFERENT:  # compiled values differ: to the strict re-check, at the simplest point
                found = readable_witness(left, right, point, None, entry, sampler, screens[entry])
                if found is not None:
                    return found, agreed, seen
            gap = evaluate(left - right, point)
            if gap is None:
                defined = False
                break
            if gap == 0 or screened is _Screened.DIFFERENT:
                continue
            lv, rv = evaluate(left, point), evaluate(right, point)
            if lv is None or rv is None or abs(complex(gap)) <= _tolerance(DIGITS, lv, rv):
                continue
            first = recheck(left, right, point, sampler)
            if first is not None:
                return readable_witness(left, right, point, first, entry, sampler, screens[entry]), agreed, seen
        if defined:
            agreed += 1
            if agreed == SETTLED_AFTER and settled is not None and settled():
                break
    return None, agreed, seen


def readable_witness(
    left: sp.Basic,
    right: sp.Basic,
    point: Point,
    witness: Witness | None,
    entry: tuple[int, int] | None,
    sampler: Sampler,
    screens: tuple[_Screen, _Screen] | None = None,
) -> Witness | None:
    """The witness at the simplest point found (``_simplest``), its coordinates in order.

    ``witness`` is the re-checked witness at ``point``, or None when ``point`` has not been
    re-checked yet: it is then re-checked only if no simpler point holds up, and None is
    returned when neither does.
    """
    simplest, found = _simplest(left, right, point, sampler, screens)
    if found is None:
        simplest, found = point, witness if witness is not None else recheck(left, right, point, sampler)
        if found is None:
            return None
    simplest = dict(sorted(simplest.items(), key=lambda kv: sp.default_sort_key(kv[0])))
    return Witness(simplest, entry, found.lhs_value, found.rhs_value, found.difference)


#: Expressions the compiled screen does not evaluate (their meaning needs SymPy).
_UNCOMPILED = (
    sp.Subs,
    sp.Derivative,
    sp.Integral,
    sp.Sum,
    sp.Product,
    sp.Limit,
    sp.Piecewise,
    sp.Heaviside,
    sp.core.function.AppliedUndef,
    sp.Indexed,
)


class _ScreenPrinter(MpmathPrinter):
    """lambdify's mpmath printer, with terms in stored order (sorting them as for display
    evaluates each one numerically, which was half of the printing), and each symbol
    printed as the name of its argument (``_0``, ``_1``, ...), never as its own name."""

    def __init__(self, names: Mapping[sp.Basic, str]) -> None:
        super().__init__(
            {
                "fully_qualified_modules": False,
                "inline": True,
                "allow_unknown_functions": True,
                "user_functions": {},
                "order": "none",
            }
        )
        self.names = names

    def _print_Symbol(self, expr: sp.Symbol) -> str:
        return self.names[expr]  # a bound symbol (a Lambda's) raises: no screen

    _print_Dummy = _print_Symbol


@functools.lru_cache(maxsize=1024)
def _compiled(expr: sp.Basic) -> tuple[list[sp.Symbol], Callable[..., object] | None]:
    """``expr`` as an mpmath function of its free symbols, sorted (None when lambdify cannot).

    The arguments are ``_0``, ``_1``, ... (``_ScreenPrinter``): named after the symbols,
    an argument ``pi`` shadowed the constant pi in the compiled code, which then computed
    a wrong number. (lambdify still puts each symbol into the code's namespace under its
    name; a symbol called ``pi`` or ``gamma`` then makes the constant or function a SymPy
    symbol there, the side comes out as no number, and the exact path decides.) Kept per
    expression: the worker meets the same side again (a claim's mutants, its steps, its
    correction).
    """
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    if any(not isinstance(a, sp.Basic) for a in sp.preorder_traversal(expr)):
        return symbols, None
    arguments = [sp.Symbol(f"_{i}") for i in range(len(symbols))]
    printer = _ScreenPrinter({s: a.name for s, a in zip(symbols, arguments)})
    try:  # no docstring: it prints the expression again
        return symbols, sp.lambdify(arguments, expr, modules="mpmath", docstring_limit=0, printer=printer)
    except Exception:  # a function lambdify cannot print: no screen, the exact path decides
        return symbols, None


class _Screen:
    """One side compiled to an mpmath function of the sampled symbols (None when it cannot be).

    Screening only ever says "equal": a point where the compiled sides differ, or where
    either is not a finite number, is evaluated again exactly (``evaluate``), which
    decides whether it is undefined, equal or a counterexample.
    """

    def __init__(self, expr: sp.Basic) -> None:
        self.function: Callable[..., object] | None = None
        self.symbols: list[sp.Symbol] = []
        if not isinstance(expr, sp.Basic) or expr.has(*_UNCOMPILED):
            return
        self.symbols, self.function = _compiled(expr)

    def __call__(self, values: Mapping[sp.Basic, mpmath.mpf | mpmath.mpc]) -> mpmath.mpf | mpmath.mpc | None:
        """The side at the point's values, already converted (under ``mpmath.workdps(DIGITS)``)."""
        if self.function is None:
            return None
        try:
            value = self.function(*[values[s] for s in self.symbols])
            if not isinstance(value, (mpmath.mpf, mpmath.mpc)):
                # a constant side comes back as Python's 1 or 1j, or as mpmath's pi
                number = isinstance(value, (int, float, complex)) or hasattr(value, "_mpf_")
                value = mpmath.mpmathify(value) if number else None
        except Exception:
            return None
        if value is None or not mpmath.isfinite(value):
            return None
        return value


@functools.lru_cache(maxsize=4096)
def _to_mpmath(value: sp.Basic) -> mpmath.mpf | mpmath.mpc:
    """A rational or Gaussian rational point value at the working precision (kept: the
    sampled values repeat; the precision is always DIGITS here). Any other value (an
    eliminated symbol's log(3)/2) raises ValueError: the screen has no word there."""
    if value.is_Integer:
        return mpmath.mpf(int(value))
    if value.is_Rational:
        return mpmath.mpf(int(value.p)) / int(value.q)
    re, im = value.as_real_imag()
    if not (re.is_Rational and im.is_Rational):
        raise ValueError(f"not a Gaussian rational: {value}")
    return mpmath.mpc(_to_mpmath(re), _to_mpmath(im))


class _Screened(enum.Enum):
    """What the compiled sides say at a point."""

    EQUAL = "equal"  # to screening precision
    DIFFERENT = "different"  # both finite numbers, and apart
    UNKNOWN = "unknown"  # not compiled, or not a finite number there


def _screened(screens: tuple[_Screen, _Screen], point: Point) -> _Screened:
    with mpmath.workdps(DIGITS):  # the arguments too: 1/3 at 15 digits would spoil the comparison
        try:
            values = {s: _to_mpmath(point[s]) for screen in screens for s in screen.symbols}
        except (ValueError, TypeError):
            return _Screened.UNKNOWN  # evaluated exactly instead
        left, right = screens[0](values), screens[1](values)
        if left is None or right is None:
            return _Screened.UNKNOWN
        gap = abs(complex(left - right))
    tolerance = _tolerance(DIGITS, complex(left), complex(right))
    if gap <= tolerance / 100:
        return _Screened.EQUAL
    return _Screened.DIFFERENT if gap > tolerance * 100 else _Screened.UNKNOWN


def _simplest(
    left: sp.Basic, right: sp.Basic, point: Point, sampler: Sampler, screens: tuple[_Screen, _Screen] | None = None
) -> tuple[Point, Witness | None]:
    """Make a counterexample more readable: try 0, 1, -1, 2, 1/2 for each free coordinate.

    Returns the point and its re-checked witness (None when no coordinate changed, or the
    simpler point did not hold up). A trial the compiled screen finds apart (and feasible)
    is taken without the strict re-check, which then runs once, on the point found.
    """
    best: Point = dict(point)
    found: Witness | None = None
    screened_only = False
    eliminated = [s for s, _ in sampler.context.sample_elimination]
    for symbol in sampler.free:
        for value in map(R, (0, 1, -1, 2, R(1, 2))):
            if best.get(symbol) == value:
                break
            trial = dict(best)
            trial[symbol] = value
            for s, expr in sampler.context.sample_elimination:
                trial[s] = replace_symbols(expr, trial)
            if not satisfies_domain(symbol, trial[symbol]) or not all(
                satisfies_domain(s, trial[s]) for s in eliminated
            ):
                continue
            screened = _screened(screens, trial) if screens is not None else _Screened.UNKNOWN
            if screened is _Screened.EQUAL:
                continue
            if screened is _Screened.DIFFERENT:
                try:
                    feasible = sampler.feasible(trial)
                except NotNumeric:
                    continue
                if feasible:
                    best, screened_only = trial, True
                    break
                continue
            try:
                witness = recheck(left, right, trial, sampler)
            except NotNumeric:
                continue
            if witness is not None:
                best, found, screened_only = trial, witness, False
                break
    if screened_only:  # the last step was taken on the screen's word: re-check the point found
        try:
            found = recheck(left, right, best, sampler)
        except NotNumeric:
            found = None
        if found is None:
            return dict(point), None
    return best, found
