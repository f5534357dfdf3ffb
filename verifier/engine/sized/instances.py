"""Claims over symbolic sizes, instantiated at concrete sizes.

``concrete(expr, values)`` replaces the sizes and free indices by integers, writes
every ``Sum`` out term by term, turns each entry ``z[3]`` into an ordinary symbol
``z[3]`` with the domain of its ``IndexedBase``, and only then evaluates the
``Derivative`` nodes, with ordinary calculus. It shares no code with the index
calculus in ``indexed``, so the two check each other: the numeric cross-check of an
all-size proof evaluates these instances at random points satisfying the
instantiated assumptions.

``evaluate_fast`` evaluates a (differentiated) indexed expression at one point
without writing sums out, for large sizes (n = 1000): closed sums are computed
once, and a sum over a KroneckerDelta with concrete arguments is its one term.
"""

from __future__ import annotations

import functools
import itertools
import random
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import TypeAlias

import mpmath
import sympy as sp

from ...model import Indices, as_sympy
from ..assumptions import Context, build_context, satisfies_domain
from ..numeric import Point, Sampler, Witness

__all__ = ["concrete", "entry_symbol", "index_values", "ScaledSampler", "evaluate_fast", "instance"]

#: Integer values of the sizes and free indices at one instance.
Env: TypeAlias = Mapping[sp.Symbol, int | sp.Integer]
#: A number the fast evaluator computes with.
Mp: TypeAlias = mpmath.mpf | mpmath.mpc
#: The value of an entry (base, (indices...)), or of a scalar symbol (symbol, None), at the point.
EntryValue: TypeAlias = Callable[[sp.Basic, tuple[int, ...] | None], Mp]


def entry_symbol(base: sp.IndexedBase, indices: Iterable[object]) -> sp.Symbol:
    """The ordinary symbol for the entry ``base[indices]``, with the base's domain."""
    return _entry_symbol(base, tuple(int(i) if isinstance(i, (int, sp.Integer)) else i for i in indices))


@functools.lru_cache(maxsize=8192)
def _entry_symbol(base: sp.IndexedBase, indices: tuple[object, ...]) -> sp.Symbol:
    """Kept per (base, indices): a written-out sum and the fast evaluator ask for the same
    entries again and again, and the name is printed by SymPy's printer. (Bases with the
    same label and different domains are different keys: IndexedBase compares its
    assumptions.)"""
    name = f"{base.label}[{','.join(str(i) for i in indices)}]"
    return sp.Symbol(name, **base.assumptions0)


def all_symbols(expr: sp.Basic, memo: dict[sp.Basic, frozenset[sp.Symbol]]) -> frozenset[sp.Symbol]:
    """All symbols in ``expr``, bound ones too, computed once per subexpression (in ``memo``)."""
    found = memo.get(expr)
    if found is None:
        if isinstance(expr, sp.Symbol):
            found = frozenset((expr,))
        else:
            found = frozenset().union(*(all_symbols(a, memo) for a in expr.args if isinstance(a, sp.Basic)))
        memo[expr] = found
    return found


class DefinedAtom(sp.Function):
    """A shared subexpression kept whole at a concrete size (such as S = sum_d exp(z_d)).

    Each subclass carries its ``definition`` (the written-out subexpression, in the
    ``variables`` it depends on). Its derivatives are the derivatives of that
    definition, computed by ordinary calculus, and its value is the definition's: the
    atom is only a name for the definition, so an identity proved with atoms as
    independent generators holds with the definitions put back.
    """

    definition = sp.S.Zero
    variables: tuple[sp.Symbol, ...] = ()

    @classmethod
    def eval(cls, *args: sp.Basic) -> None:
        return None  # never rewritten automatically: that is the point of the atom

    def _mapping(self) -> dict[sp.Symbol, sp.Basic]:
        return dict(zip(self.variables, self.args))

    def fdiff(self, argindex: int = 1) -> sp.Basic:
        variable = self.variables[argindex - 1]
        cache = type(self).__dict__.get("_derivatives")
        if cache is None:
            cache = {}
            type(self)._derivatives = cache
        if variable not in cache:
            cache[variable] = sp.diff(self.definition, variable)
        return cache[variable].xreplace(self._mapping())

    def _fact(self, name: str) -> bool | None:
        """A property of the definition, asked once per class (for the atom's own variables)."""
        if self.args != self.variables:
            fact: bool | None = getattr(self.definition.xreplace(self._mapping()), name)
            return fact
        facts = type(self).__dict__.get("_facts")
        if facts is None:
            facts = {}
            type(self)._facts = facts
        if name not in facts:
            facts[name] = getattr(self.definition, name)
        known: bool | None = facts[name]
        return known

    def _eval_is_positive(self) -> bool | None:
        return self._fact("is_positive")

    def _eval_is_real(self) -> bool | None:
        return self._fact("is_real")

    def _eval_evalf(self, prec: int) -> sp.Basic:
        from mpmath.libmp import prec_to_dps

        return self.definition.xreplace(self._mapping()).evalf(prec_to_dps(prec))


#: A subexpression free of the variable is held as a symbol while differentiating when it has
#: at least this many nodes (holding small ones costs more than it saves).
HELD_AT_LEAST = 40
#: Functions whose derivative rule depends on the domain of their argument.
_DOMAIN_RULES = (sp.Abs, sp.sign, sp.re, sp.im, sp.arg, sp.conjugate, sp.Heaviside, sp.Max, sp.Min, sp.Piecewise)


class _Concrete:
    def __init__(self, atoms: bool = False, fixed: Iterable[sp.Symbol] = (), indices: Iterable[sp.Symbol] = ()) -> None:
        self.atoms = atoms
        self.fixed = frozenset(fixed) | frozenset(indices)  # constant over the instance
        self.indices = frozenset(indices)  # the free indices: they differ between entries
        self.atom_classes: dict[sp.Basic, type[DefinedAtom]] = {}
        self.memo: dict[tuple[sp.Basic, tuple[tuple[str, int | sp.Integer], ...]], sp.Basic] = {}
        # (function, variable) -> derivative, shared by mixed partials
        self.derivatives: dict[tuple[sp.Basic, sp.Basic], sp.Basic] = {}
        self.symbols: dict[sp.Basic, frozenset[sp.Symbol]] = {}
        self.sizes: dict[sp.Basic, int] = {}
        # subexpression -> the symbol that stands for it while differentiating
        self.held: dict[sp.Basic, sp.Dummy] = {}

    def _symbols(self, expr: sp.Basic) -> frozenset[sp.Symbol]:
        return all_symbols(expr, self.symbols)

    def __call__(self, expr: sp.Basic, env: Env) -> sp.Basic:
        if not isinstance(expr, sp.Basic):
            return expr
        if isinstance(expr, sp.Symbol):
            return sp.Integer(env[expr]) if expr in env else expr
        if not expr.args:
            return expr
        # A subexpression's value depends only on the integers its symbols take. All
        # symbols, not free_symbols: Derivative(f, z[j]).free_symbols leaves out j.
        symbols = self._symbols(expr)
        key = (expr, tuple(sorted(((s.name, v) for s, v in env.items() if s in symbols))))
        if key in self.memo:
            return self.memo[key]
        value = self._build(expr, env)
        self.memo[key] = value
        return value

    def _build(self, expr: sp.Basic, env: Env) -> sp.Basic:
        if isinstance(expr, sp.Indexed):
            indices = [self(i, env) for i in expr.indices]
            if not all(i.is_Integer for i in indices):
                raise ValueError(f"entry {expr} has a non-integer index at this size")
            return entry_symbol(expr.base, indices)
        if isinstance(expr, sp.Sum):
            index, lo, hi = expr.limits[-1]
            inner = sp.Sum(expr.function, *expr.limits[:-1]) if len(expr.limits) > 1 else expr.function
            lo, hi = self(lo, env), self(hi, env)
            if not (lo.is_Integer and hi.is_Integer):
                raise ValueError(f"sum limits {lo}, {hi} are not integers at this size")
            lo, hi = int(lo), int(hi)
            if hi >= lo - 1:
                written = sp.Add(*[self(inner, {**env, index: value}) for value in range(lo, hi + 1)])
            else:  # Karr's convention for a sum that runs backwards
                written = -sp.Add(*[self(inner, {**env, index: value}) for value in range(hi + 1, lo)])
            if self.atoms and self._shared(expr, env, index, written):
                return self._atom(written)
            return written
        if isinstance(expr, sp.Derivative):
            function = self(expr.expr, env)
            for variable, count in expr.variable_count:
                variable = self(variable, env)
                for _ in range(int(count)):
                    key = (function, variable)
                    if key not in self.derivatives:
                        self.derivatives[key] = self._derivative(function, variable)
                    function = self.derivatives[key]
            return function
        return expr.func(*[self(a, env) for a in expr.args])

    def _derivative(self, function: sp.Basic, variable: sp.Basic) -> sp.Basic:
        """d function / d variable by ordinary calculus, each subexpression free of ``variable``
        held as a symbol meanwhile: SymPy asks every node for its free symbols again and again,
        which is slow on written-out sums, and a subexpression free of the variable is a
        constant, whatever it is. Not where a derivative rule looks at its argument's domain
        (|f|, sign, re, ...): a held symbol has none, so that rule would take another branch."""
        if function.has(*_DOMAIN_RULES):
            return sp.diff(function, variable)
        held: dict[sp.Dummy, sp.Basic] = {}
        memo: dict[sp.Basic, sp.Basic] = {}

        def hold(e: sp.Basic) -> sp.Basic:
            if not e.args:
                return e
            if e in memo:
                return memo[e]
            if isinstance(e, sp.Expr) and variable not in self._symbols(e) and self._size(e) >= HELD_AT_LEAST:
                # one symbol per subexpression for the whole instance: SymPy's cache then
                # serves the derivatives that several entries share
                out = self.held.setdefault(e, sp.Dummy())
                held[out] = e
            else:
                args = [hold(a) for a in e.args]
                out = e if all(new is old for new, old in zip(args, e.args)) else e.func(*args)
            memo[e] = out
            return out

        derivative = sp.diff(hold(function), variable)
        return derivative.xreplace(held) if held else derivative

    def _size(self, expr: sp.Basic) -> int:
        """The number of nodes of ``expr`` (counted once per subexpression)."""
        found = self.sizes.get(expr)
        if found is None:
            found = self.sizes[expr] = 1 + sum(self._size(a) for a in expr.args)
        return found

    def _shared(self, expr: sp.Sum, env: Env, index: sp.Symbol, written: sp.Basic) -> bool:
        """Whether a sum is kept as an atom: the same for every entry (it depends on no
        enclosing sum's index and on no free index) and not linear in what it depends
        on (a linear sum such as sum_i y_i or the mean is cheap written out, and
        identities such as sum_m (x_m - mu) = 0 need it written out)."""
        used = {s for s in env if s in self._symbols(expr) and s != index}
        if not used <= self.fixed or used & self.indices:
            return False
        if len(sp.Add.make_args(written)) < 2:
            return False
        variables = sorted(written.free_symbols, key=sp.default_sort_key)
        linear: bool = written.is_polynomial(*variables) and sp.Poly(written, *variables).total_degree() <= 1
        return not linear

    def _atom(self, written: sp.Basic) -> DefinedAtom:
        """The atom named for the written-out sum ``written`` (one class per distinct sum)."""
        if written not in self.atom_classes:
            variables = tuple(sorted(written.free_symbols, key=sp.default_sort_key))
            name = f"S{len(self.atom_classes) + 1}"
            cls = type(name, (DefinedAtom,), {"definition": written, "variables": variables})
            self.atom_classes[written] = cls
        cls = self.atom_classes[written]
        return cls(*cls.variables)


def builder(atoms: bool = False, fixed: Iterable[sp.Symbol] = (), indices: Iterable[sp.Symbol] = ()) -> _Concrete:
    """A concrete-instance builder whose cache is shared by the calls made with it.

    With ``atoms``, each sum shared by all entries (it depends only on ``fixed``,
    the sizes, and not on the free ``indices``) and not linear is kept as a
    ``DefinedAtom`` instead of its written-out terms.
    """
    return _Concrete(atoms, fixed, indices)


def concrete(expr: sp.Basic, values: Env) -> sp.Basic:
    """``expr`` at the sizes and indices in ``values``: sums written out, entries as symbols."""
    return _Concrete()(expr, dict(values))


def index_values(
    indices: Indices, sizes: Mapping[sp.Basic, sp.Basic | int], limit: int, rng: random.Random
) -> list[dict[sp.Symbol, int]]:
    """Values of the free indices at concrete sizes: every combination when few, else a
    sample that keeps the boundary values and the combinations where indices coincide."""
    ranges = []
    for _index, lo, hi in indices:
        lo, hi = (
            int(as_sympy(lo, "a bound or expression").xreplace(sizes)),
            int(as_sympy(hi, "a bound or expression").xreplace(sizes)),
        )
        ranges.append(list(range(lo, hi + 1)))
    if any(not r for r in ranges):
        return []
    combos = list(itertools.product(*ranges)) if _count(ranges) <= limit else []
    if not combos:
        picks = {tuple(r[0] for r in ranges), tuple(r[-1] for r in ranges)}
        common = set(ranges[0]).intersection(*ranges[1:]) if ranges else set()
        if common:
            picks.add(tuple([max(common)] * len(ranges)))
        while len(picks) < limit:
            picks.add(tuple(rng.choice(r) for r in ranges))
        combos = sorted(picks)
    symbols = [index for index, _, _ in indices]
    return [dict(zip(symbols, combo)) for combo in combos]


def _count(ranges: Iterable[Sequence[int]]) -> int:
    total = 1
    for r in ranges:
        total *= len(r)
    return total


def scaled_value(symbol: sp.Basic, rng: random.Random, size: int) -> sp.Basic:
    """A random value in the symbol's domain; a nonnegative one is at most 1/size."""
    for _ in range(40):
        if symbol.is_integer:
            value = sp.Integer(rng.randint(-3, 3))
        elif symbol.is_nonnegative or symbol.is_positive:
            value = sp.Rational(rng.randint(1, 12), 12 * size)
        elif symbol.is_real:
            value = sp.Rational(rng.randint(-24, 24), 12)
        else:
            value = sp.Rational(rng.randint(-24, 24), 12) + sp.I * sp.Rational(rng.randint(-24, 24), 12)
        if satisfies_domain(symbol, value):
            return value
    raise ValueError(f"no value found in the domain of {symbol}")


class ScaledSampler(Sampler):
    """Random points for many entries: values shrink with their number, so that facts
    such as sum_i y_i = 1 over nonnegative y leave the eliminated entry feasible."""

    def points(self, count: int, tries: int = 200) -> Iterator[Point]:
        found = 0
        size = max(1, len(self.free))
        for _ in range(tries):
            if found >= count:
                return
            point = {symbol: scaled_value(symbol, self.rng, size) for symbol in self.free}
            for symbol, expr in self.context.sample_elimination:
                point[symbol] = expr.xreplace(point)
            if self.feasible(point):
                found += 1
                yield point
            else:
                self.rejected += 1


def _assumptions_at(
    build: _Concrete, given: Iterable[sp.Basic], where: Iterable[sp.Basic], values: Env
) -> tuple[list[sp.Basic], list[sp.Basic], Context]:
    """(facts, regions, context): the given facts and regions at the concrete sizes ``values``."""
    facts = [sp.Eq(build(g.lhs, values), build(g.rhs, values)) if isinstance(g, sp.Equality) else g for g in given]
    regions = [build(w, values) for w in where]
    return facts, regions, build_context(facts, regions)


def instance(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    values: Env,
    seed: int,
    scaled: bool,
    build: _Concrete | None = None,
) -> tuple[sp.Basic, sp.Basic, Sampler, Context]:
    """(lhs, rhs, sampler, context) of the claim at ``values``; the sampler satisfies the
    instantiated assumptions. ``build`` (from ``builder()``) shares work between instances."""
    build = build if build is not None else _Concrete()
    left, right = (
        build(as_sympy(lhs, "a bound or expression"), values),
        build(as_sympy(rhs, "a bound or expression"), values),
    )
    _, _, context = _assumptions_at(build, given, where, values)
    symbols = left.free_symbols | right.free_symbols
    sampler = (ScaledSampler if scaled else Sampler)(context, symbols, seed)
    return left, right, sampler, context


# --- fast numeric evaluation for large sizes ---------------------------------------------


#: A sum worked out once: (index, lo, hi, summand, symbols, (delta's other argument, the rest) or None).
_SumShape: TypeAlias = tuple[sp.Symbol, sp.Basic, sp.Basic, sp.Basic, set[sp.Symbol], tuple[sp.Basic, sp.Basic] | None]


class _Fast:
    """Evaluates an indexed expression with mpmath; entries come from ``entry(base, indices)``."""

    def __init__(self, entry: EntryValue, env: Mapping[sp.Basic, int | sp.Basic]) -> None:
        self.entry = entry
        self.env = env
        self.closed: dict[tuple[sp.Basic, tuple[tuple[str, Mp], ...]], Mp] = {}
        self.values: dict[sp.Basic, Mp] = {}  # outside every sum a node's value is one number: computed once
        self.shapes: dict[sp.Sum, _SumShape] = {}
        self.symbols: dict[sp.Basic, frozenset[sp.Symbol]] = {}

    def _symbols(self, expr: sp.Basic) -> frozenset[sp.Symbol]:
        return all_symbols(expr, self.symbols)

    def __call__(self, expr: sp.Basic, bound: Mapping[sp.Symbol, Mp]) -> Mp:
        if bound and not self._symbols(expr).isdisjoint(bound):
            return self._value(expr, bound)
        if expr not in self.values:
            self.values[expr] = self._value(expr, bound)
        return self.values[expr]

    def _value(self, expr: sp.Basic, bound: Mapping[sp.Symbol, Mp]) -> Mp:
        if expr is sp.I:
            return mpmath.mpc(0, 1)
        if expr.is_Integer or expr.is_Rational:
            return mpmath.mpf(expr.p) / expr.q
        if expr.is_Number or expr in (sp.pi, sp.E):
            return mpmath.mpf(sp.N(expr, mpmath.mp.dps + 5))
        if isinstance(expr, sp.Symbol):
            if expr in bound:
                return bound[expr]
            if expr in self.env:
                return _to_mp(self.env[expr])
            return self.entry(expr, None)  # a scalar symbol: its value comes from the point
        if isinstance(expr, sp.Indexed):
            return self.entry(expr.base, tuple(int(self(i, bound)) for i in expr.indices))
        if isinstance(expr, sp.Add):
            return mpmath.fsum(self(a, bound) for a in expr.args)
        if isinstance(expr, sp.Mul):
            value = mpmath.mpf(1)
            for a in expr.args:
                value *= self(a, bound)
            return value
        if isinstance(expr, sp.Pow):
            return self(expr.base, bound) ** self(expr.exp, bound)
        if isinstance(expr, sp.exp):
            return mpmath.exp(self(expr.args[0], bound))
        if isinstance(expr, sp.log):
            return mpmath.log(self(expr.args[0], bound))
        if isinstance(expr, sp.KroneckerDelta):
            return mpmath.mpf(1) if self(expr.args[0], bound) == self(expr.args[1], bound) else mpmath.mpf(0)
        if isinstance(expr, sp.Sum):
            return self._sum(expr, bound)
        if isinstance(expr, sp.Piecewise):
            for value, cond in expr.args:
                if self._truth(cond, bound):
                    return self(value, bound)
            raise ValueError("no branch of a Piecewise holds")
        return self._function(expr, bound)

    def _function(self, expr: sp.Basic, bound: Mapping[sp.Symbol, Mp]) -> Mp:
        """A function of known meaning: piecewise-linear ones, and those with an mpmath twin."""
        if isinstance(expr, (sp.Abs, sp.Max, sp.Min, sp.sign, sp.Heaviside)):
            return self._piecewise_linear(expr, [self(a, bound) for a in expr.args])
        name = _MPMATH_FUNCTIONS.get(type(expr))
        if name is not None:
            return getattr(mpmath, name)(*(self(a, bound) for a in expr.args))
        raise ValueError(f"cannot evaluate {type(expr).__name__} quickly")

    @staticmethod
    def _piecewise_linear(expr: sp.Basic, args: list[Mp]) -> Mp:
        if isinstance(expr, sp.Abs):
            return abs(args[0])
        if any(isinstance(a, mpmath.mpc) and a.imag != 0 for a in args):
            raise ValueError(f"{type(expr).__name__} of a non-real number")
        args = [mpmath.re(a) for a in args]
        if isinstance(expr, sp.Max):
            return max(args)
        if isinstance(expr, sp.Min):
            return min(args)
        if isinstance(expr, sp.sign):
            return mpmath.sign(args[0])
        x = args[0]  # Heaviside(x, h0): the value at 0 is h0 (SymPy's default 1/2)
        if x == 0:
            return args[1] if len(args) > 1 else mpmath.mpf(1) / 2
        return mpmath.mpf(1) if x > 0 else mpmath.mpf(0)

    def _truth(self, cond: sp.Basic, bound: Mapping[sp.Symbol, Mp]) -> bool:
        if cond in (sp.true, True):
            return True
        if isinstance(cond, sp.And):
            return all(self._truth(c, bound) for c in cond.args)
        if isinstance(cond, sp.Or):
            return any(self._truth(c, bound) for c in cond.args)
        left, right = self(cond.lhs, bound), self(cond.rhs, bound)
        holds: bool = {
            ">=": left >= right,
            ">": left > right,
            "<=": left <= right,
            "<": left < right,
            "==": left == right,
            "!=": left != right,
        }[cond.rel_op]
        return holds

    def _shape(self, expr: sp.Sum) -> _SumShape:
        """(index, lo, hi, summand, symbols, delta) of a sum, worked out once per sum."""
        if expr not in self.shapes:
            index, lo, hi = expr.limits[-1]
            inner = sp.Sum(expr.function, *expr.limits[:-1]) if len(expr.limits) > 1 else expr.function
            delta = None
            factors = sp.Mul.make_args(inner)
            for position, factor in enumerate(factors):
                if isinstance(factor, sp.KroneckerDelta) and index in factor.args:
                    other = factor.args[1] if factor.args[0] == index else factor.args[0]
                    if index not in other.free_symbols:
                        delta = (other, sp.Mul(*(factors[:position] + factors[position + 1 :])))
                        break
            # all symbols, bound ones too: a superset of the free ones, safe for a cache key
            self.shapes[expr] = (index, lo, hi, inner, expr.atoms(sp.Symbol), delta)
        return self.shapes[expr]

    def _sum(self, expr: sp.Sum, bound: Mapping[sp.Symbol, Mp]) -> Mp:
        index, lo, hi, inner, symbols, delta = self._shape(expr)
        lo, hi = int(self(lo, bound)), int(self(hi, bound))
        sign, values = (1, range(lo, hi + 1)) if hi >= lo - 1 else (-1, range(hi + 1, lo))
        key = (expr, tuple(sorted((s.name, v) for s, v in bound.items() if s in symbols)))
        if key in self.closed:
            return self.closed[key]
        if delta is not None:
            # a KroneckerDelta(index, a) factor with a concrete here leaves one term
            other, rest = delta
            value = self(other, bound)
            at = int(value) if mpmath.isint(value) else None  # at k/2 for odd k no term has index = k/2
            total = self(rest, {**bound, index: at}) if at is not None and at in values else mpmath.mpf(0)
        else:
            total = mpmath.fsum(self(inner, {**bound, index: v}) for v in values)
        self.closed[key] = sign * total
        return sign * total


#: SymPy functions with an mpmath twin of the same meaning (principal branches alike).
_MPMATH_FUNCTIONS = {
    sp.sin: "sin",
    sp.cos: "cos",
    sp.tan: "tan",
    sp.sinh: "sinh",
    sp.cosh: "cosh",
    sp.tanh: "tanh",
    sp.asin: "asin",
    sp.acos: "acos",
    sp.atan: "atan",
    sp.asinh: "asinh",
    sp.acosh: "acosh",
    sp.atanh: "atanh",
    sp.erf: "erf",
    sp.gamma: "gamma",
}


def _to_mp(value: int | Mp | sp.Basic) -> Mp:
    """An mpmath number for an int or a SymPy number (rationals exactly)."""
    if isinstance(value, (int, mpmath.mpf, mpmath.mpc)):
        return value
    if value.is_Rational:
        return mpmath.mpf(value.p) / value.q
    re, im = value.as_real_imag()
    return mpmath.mpc(_to_mp(re), _to_mp(im)) if im != 0 else _to_mp(re)


def _no_entries(base: sp.Basic, indices: tuple[int, ...] | None) -> Mp:
    raise ValueError("an indexed entry is left in a concrete expression")


def agree(
    left: sp.Basic, right: sp.Basic, sampler: Sampler, count: int, digits: int = 30
) -> tuple[Witness | None, int]:
    """(witness or None, points where both sides agree) for a concrete instance.

    Each side is evaluated once per point with shared subexpressions (SymPy's
    ``evalf`` walks the tree and recomputes them); a difference is re-checked from
    scratch by ``numeric.recheck`` at 60 digits before it counts. Expressions the
    fast evaluator does not know fall back to ``numeric.find_counterexample``.
    """
    from ..numeric import _tolerance, find_counterexample, readable_witness, recheck

    agreed = 0
    for point in sampler.points(count):
        try:
            with mpmath.workdps(digits):
                fast = _Fast(_no_entries, point)
                lv, rv = fast(left, {}), fast(right, {})
                gap = lv - rv
        except (ZeroDivisionError, ValueError, KeyError, TypeError):
            witness, ok, _ = find_counterexample(left, right, sampler, count)
            return witness, agreed + ok
        if not (mpmath.isfinite(lv) and mpmath.isfinite(rv)):
            continue
        if abs(complex(gap)) <= _tolerance(digits, complex(lv), complex(rv)):
            agreed += 1
            continue
        first = recheck(left, right, point, sampler)
        if first is not None:
            return readable_witness(left, right, point, first, None, sampler), agreed
    return None, agreed


def evaluate_fast(expr: sp.Basic, env: Mapping[sp.Basic, int | sp.Basic], entry: EntryValue, digits: int = 30) -> Mp:
    """The value of ``expr`` (no Derivative nodes) at the sizes/indices ``env`` and entries ``entry``."""
    with mpmath.workdps(digits):
        value: Mp = _Fast(entry, env)(expr, {})
        return value


#: The values of the entries met so far at one point, by (base, indices).
_Known: TypeAlias = dict[tuple[sp.Basic, tuple[int, ...] | None], Mp]


def agree_fast(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    values: Env,
    seed: int,
    count: int,
    digits: int = 30,
) -> tuple[int, Point | None]:
    """(points where both sides agree, a point where they differ or None) at a large size.

    ``lhs`` and ``rhs`` hold no Derivative nodes. The entries the given facts
    mention are sampled to satisfy them (as in ``instance``); every other entry gets a
    random value in its domain when the evaluation first needs it. Sums are not
    written out (see ``evaluate_fast``), so this stays fast at n = 1000.
    """
    facts, regions, context = _assumptions_at(_Concrete(), given, where, values)
    mentioned: set[sp.Basic] = set()
    for fact in facts + regions:
        mentioned |= fact.free_symbols
    size = max([1] + [int(v) for v in values.values()])
    sampler = ScaledSampler(context, mentioned, seed)
    rng = random.Random(seed + 1)
    agreed = 0
    for start in sampler.points(count):
        point = dict(start)
        known: _Known = {}  # a sum meets each entry n times

        def entry(base: sp.Basic, indices: tuple[int, ...] | None, point: Point = point, known: _Known = known) -> Mp:
            value = known.get((base, indices))
            if value is None:
                symbol = base if indices is None else entry_symbol(base, indices)
                if symbol not in point:
                    point[symbol] = scaled_value(symbol, rng, size)
                value = known[(base, indices)] = _to_mp(point[symbol])
            return value

        with mpmath.workdps(digits):
            try:
                left, right = _Fast(entry, values)(lhs, {}), _Fast(entry, values)(rhs, {})
            except ZeroDivisionError:
                continue
            if not (mpmath.isfinite(left) and mpmath.isfinite(right)):
                continue
            from ..numeric import _tolerance

            if abs(complex(left - right)) <= _tolerance(digits, complex(left), complex(right)):
                agreed += 1
                continue
        return agreed, point
    return agreed, None
