"""Index calculus: proofs of claims over vectors of symbolic size, for every size.

A claim such as ``d L / d z[j] == yhat_j - y_j`` with ``L`` written with
``IndexedBase`` entries and ``Sum(..., (d, 1, k))`` is proved for every k in its
declared range by rewriting ``lhs - rhs`` to exactly zero with rules that hold for
every size:

* derivatives are taken by SymPy's indexed calculus, after every bound index has
  been renamed apart from the free ones (so ``d/dz[i]`` cannot capture a bound i);
* ``Sum(f(d) * KroneckerDelta(d, a), (d, lo, hi)) -> f(a)`` only when
  ``lo <= a <= hi`` follows from the declared index ranges (the trace records
  which range was used); ``Piecewise`` conditions are resolved the same way;
* linearity (one sum per term of the expanded summand), index-free factors pulled
  out, ``Sum(c, (d, lo, hi)) -> c * (hi - lo + 1)`` (true for every lo, hi in SymPy's
  Karr convention);
* bound indices renamed canonically **by nesting depth** (one name for all would
  capture variables of nested sums: ``X[m, m]``);
* each remaining sum becomes a symbol (equal sums up to renaming share one), each
  ``A**(m/2)`` a power of a symbol for ``sqrt(A)``; then ``cancel``. A rational
  function that is zero in independent symbols stays zero for any values of them;
* given facts about sums (``Sum(y[i], (i, 1, k)) = 1``) are normalised the same
  way and substituted for their sum symbol;
* given values of plain symbols (``eta = 0``) are put in once the derivatives are taken;
* if that leaves a residue: sums with the same limits are merged back by linearity
  and each merged summand is proved zero on its own (a sufficient condition), and
  a ``KroneckerDelta(i, j)`` between free indices is split into the cases i = j and
  i != j;
* or products of sums are brought to the front as one sum over fresh indices (a
  power of a sum as a product of copies, ``prenex``); when no limit of a term
  mentions another of its indices, the order of its sums is free (Fubini for finite
  sums), so the terms whose sums have the same ranges are merged into one summand,
  symmetrised over the renamings that keep each index's range, and each merged
  summand is proved zero: sum_i a_i sum_m x_im sum_k x_km a_k and
  sum_m (sum_i a_i x_im)^2 become one. A term with dependent limits
  (sum_i sum_{j <= i}) is never reordered.

Every rule is an equality for all values of the sizes and indices in range, so a
zero result proves the claim for all of them. Concrete sizes (``instances``) give
the numeric cross-check.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeAlias

import sympy as sp
from sympy.logic.boolalg import BooleanFalse, BooleanTrue

from ...model import Indices, Sizes, as_sympy
from .. import tactics
from ..assumptions import _eliminate

__all__ = ["Known", "Proof", "prove_zero", "smallest_leftover", "rename_bound", "differentiate", "nonnegative"]

#: Bound indices are renamed to iota0, iota1, ... by depth while normalising, and to
#: kappa0, kappa1, ... inside a sum taken as an atom. They are Dummies (one per family
#: and depth, made once), so no symbol of a claim can ever be taken for one.
ITER, KEY = "ι", "κ"
_BOUND: dict[tuple[str, int], sp.Dummy] = {}
#: A sum with concrete limits and at most this many terms is written out.
WRITE_OUT = 16
#: One limit of a sum: (index, lo, hi).
SumLimit: TypeAlias = tuple[sp.Symbol, sp.Basic, sp.Basic]
#: The ranges (lo, hi) of a merged sum's indices, outermost first.
Ranges: TypeAlias = tuple[tuple[sp.Basic, sp.Basic], ...]
#: A merge: (the terms left as they are, {ranges: merged summand}).
Merged: TypeAlias = tuple[sp.Basic, dict[Ranges, sp.Basic]]


def _bound(depth: int, family: str = ITER) -> sp.Dummy:
    key = (family, depth)
    if key not in _BOUND:
        _BOUND[key] = sp.Dummy(f"{family}{depth}", integer=True)
    return _BOUND[key]


@dataclass(frozen=True)
class Known:
    """What holds for the integer symbols: size lower bounds and index ranges."""

    sizes: Sizes = ()  # ((symbol, least), ...)
    ranges: Indices = ()  # ((index, lo, hi), ...), free indices first, then bound ones
    free: frozenset[sp.Symbol] = frozenset()  # the declared free indices

    def with_index(self, index: sp.Symbol, lo: sp.Basic, hi: sp.Basic) -> Known:
        return Known(self.sizes, self.ranges + ((index, lo, hi),), self.free)

    def range_of(self, index: sp.Basic) -> tuple[sp.Basic, sp.Basic] | None:
        for symbol, lo, hi in reversed(self.ranges):
            if symbol == index:
                return lo, hi
        return None


@dataclass
class Proof:
    """What a proof attempt used: rules (for the trace) and assumptions (for ``used``)."""

    rules: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    given: bool = False
    #: when the proof fails: the smallest term left after normalisation, sums and roots
    #: written back (for the trace), or None
    residue: sp.Basic | None = None

    def rule(self, text: str) -> None:
        if text not in self.rules:
            self.rules.append(text)

    def range_used(self, index: sp.Basic, known: Known) -> None:
        """Record a free index's declared range when a rewrite relied on it."""
        if index in known.free:
            found = known.range_of(index)
            assert found is not None  # a free index is one of the ranges (Known is built so)
            lo, hi = found
            text = f"{index} in [{lo}, {hi}]"
            if text not in self.ranges:
                self.ranges.append(text)


# --- ranges ---------------------------------------------------------------------


def nonnegative(expr: sp.Basic, known: Known) -> bool:
    """Whether ``expr >= 0`` follows from the index ranges and size bounds.

    ``expr`` must be linear in the indices with constant coefficients: each index is
    replaced by the end of its range that makes ``expr`` smallest (innermost ranges
    first, since their ends may mention outer indices), then each size k by
    ``least + t`` with t a nonnegative integer, and SymPy must see the result is
    nonnegative.
    """
    expr = sp.expand(as_sympy(expr, "a bound or expression"))
    for _ in range(50):
        indices = [s for s, _, _ in reversed(known.ranges) if s in expr.free_symbols]
        if not indices:
            break
        index = indices[0]
        slope = sp.diff(expr, index)
        if not slope.is_number:
            return False
        found = known.range_of(index)
        assert found is not None  # index was taken from known.ranges
        lo, hi = found
        expr = sp.expand(expr.xreplace({index: lo if slope > 0 else hi}))
    else:
        return False
    shift = {s: least + sp.Dummy(f"{s}_extra", integer=True, nonnegative=True) for s, least in known.sizes}
    expr = sp.expand(expr.xreplace(shift))
    return expr.is_nonnegative is True


def _integer_valued(expr: sp.Basic) -> bool:
    """Known to be an integer (k/2 with k an integer is not: its parity is unknown)."""
    return expr.is_integer is True


def condition_holds(cond: object, known: Known) -> bool | None:
    """True or False when the index ranges decide ``cond``, else None."""
    if isinstance(cond, (bool, BooleanTrue, BooleanFalse)):
        return bool(cond)
    if isinstance(cond, sp.And):
        values = [condition_holds(c, known) for c in cond.args]
        return False if False in values else (True if all(v is True for v in values) else None)
    if isinstance(cond, sp.Or):
        values = [condition_holds(c, known) for c in cond.args]
        return True if True in values else (False if all(v is False for v in values) else None)
    if not isinstance(cond, sp.core.relational.Relational):
        return None
    gap = cond.lhs - cond.rhs  # cond is "gap op 0"
    if not _integer_valued(gap):
        return None
    op = cond.rel_op
    at_least = {">=": gap, ">": gap - 1, "<=": -gap, "<": -gap - 1}.get(op)
    never = {">=": -gap - 1, ">": -gap, "<=": gap - 1, "<": gap}.get(op)
    if at_least is None:
        return None
    if nonnegative(at_least, known):
        return True
    if nonnegative(never, known):
        return False
    return None


# --- renaming and derivatives ---------------------------------------------------------


def outer_limit(expr: sp.Sum) -> tuple[sp.Symbol, sp.Basic, sp.Basic, sp.Basic]:
    """(index, lo, hi, summand) of the outermost limit; SymPy folds Sum(Sum(f, a), b) into
    Sum(f, a, b), so the summand of a sum with several limits is itself a sum."""
    index, lo, hi = expr.limits[-1]
    inner = sp.Sum(expr.function, *expr.limits[:-1]) if len(expr.limits) > 1 else expr.function
    return index, lo, hi, inner


def _fresh(expr: sp.Basic, memo: dict[sp.Basic, sp.Basic]) -> sp.Basic:
    """Every bound index renamed to a fresh Dummy (equal subtrees share one renaming: they are
    separate sums, each binding its own index, so no capture can arise)."""
    if not isinstance(expr, sp.Basic) or not expr.args:
        return expr
    if expr in memo:
        return memo[expr]
    if isinstance(expr, sp.Sum):
        index, lo, hi, inner = outer_limit(expr)
        new = sp.Dummy(index.name, integer=True)
        out = sp.Sum(_fresh(inner.xreplace({index: new}), memo), (new, _fresh(lo, memo), _fresh(hi, memo)))
    elif not expr.has(sp.Sum):
        out = expr
    else:
        out = expr.func(*[_fresh(a, memo) for a in expr.args])
    memo[expr] = out
    return out


def _by_depth(
    expr: sp.Basic,
    depth: int,
    family: str,
    env: dict[sp.Basic, sp.Basic],
    memo: dict[tuple[sp.Basic, int, tuple[tuple[sp.Basic, sp.Basic], ...]], sp.Basic],
) -> sp.Basic:
    """``expr`` with the bound indices renamed by depth and each free one in ``env`` (the
    indices bound by enclosing sums) replaced by its new name, in one pass: a sum binds its
    index for its summand only (its limits are read outside it), and an inner sum binding the
    same name shadows the outer one, so nothing is captured."""
    if not isinstance(expr, sp.Basic):
        return expr
    if not expr.args:
        return env.get(expr, expr)
    key = (expr, depth, tuple(env.items()))
    found = memo.get(key)
    if found is not None:
        return found
    if isinstance(expr, sp.Sum):
        index, lo, hi, inner = outer_limit(expr)
        new = _bound(depth, family)
        body = _by_depth(inner, depth + 1, family, {**env, index: new}, memo)
        limits = (new, _by_depth(lo, depth, family, env, memo), _by_depth(hi, depth, family, env, memo))
        out = sp.Sum(body, limits)
    else:
        args = [_by_depth(a, depth, family, env, memo) for a in expr.args]
        out = expr if all(a is b for a, b in zip(args, expr.args, strict=True)) else expr.func(*args)
    memo[key] = out
    return out


@functools.lru_cache(maxsize=4096)
def rename_bound(expr: sp.Basic, depth: int = 0, family: str = ITER) -> sp.Basic:
    """Bound indices renamed by nesting depth, starting at ``depth``: the sum at nesting
    depth d binds ``family + d``. ``expr`` may hold free indices of this family only below
    ``depth`` (those of enclosing sums): a free one at ``depth`` or deeper would be captured.
    """
    return _by_depth(expr, depth, family, {}, {})


def differentiate(expr: sp.Basic) -> sp.Basic:
    """Evaluate the ``Derivative`` nodes with SymPy's indexed calculus, innermost first."""
    if not expr.has(sp.Derivative):
        return expr
    return expr.replace(lambda e: isinstance(e, sp.Derivative), lambda e: e.doit(deep=False))


# --- normal form ----------------------------------------------------------------------


def _expand(expr: sp.Basic) -> sp.Basic:
    """``expand`` with each sum held as a symbol: SymPy would turn exp(Sum) into a Product."""
    held: dict[sp.Basic, sp.Dummy] = {}

    def hold(e: sp.Basic) -> sp.Basic:
        if isinstance(e, sp.Sum):
            return held.setdefault(e, sp.Dummy("held"))
        if not isinstance(e, sp.Basic) or not e.args or not e.has(sp.Sum):
            return e
        return e.func(*[hold(a) for a in e.args])

    expanded = sp.expand(hold(expr))
    return expanded.xreplace({d: e for e, d in held.items()}) if held else expanded


def _delta_factor(factors: Sequence[sp.Basic], index: sp.Basic) -> tuple[int, sp.Basic] | None:
    """(position, other argument) of a KroneckerDelta(index, a) factor with a free of index."""
    for position, factor in enumerate(factors):
        base = factor.base if factor.is_Pow and factor.exp.is_Integer and factor.exp > 0 else factor
        if isinstance(base, sp.KroneckerDelta):
            p, q = base.args
            if p == index and index not in q.free_symbols:
                return position, q
            if q == index and index not in p.free_symbols:
                return position, p
    return None


def _resolve_piecewise(expr: sp.Piecewise, known: Known, proof: Proof) -> sp.Basic:
    for value, cond in expr.args:
        holds = condition_holds(cond, known)
        if holds is None:
            return expr  # not decided by the ranges: left as it is
        if holds:
            for symbol in cond.free_symbols:
                proof.range_used(symbol, known)
            proof.rule("Piecewise resolved by the index ranges")
            return value
    return expr


def normalise(expr: sp.Basic, known: Known, depth: int, proof: Proof) -> sp.Basic:
    """Sums split by linearity, with index-free factors outside and deltas contracted."""
    if not isinstance(expr, sp.Basic) or not expr.args or not expr.has(sp.Sum, sp.Piecewise):
        return expr
    if isinstance(expr, sp.Sum):
        return _normalise_sum(expr, known, depth, proof)
    args = [normalise(a, known, depth, proof) for a in expr.args]
    if isinstance(expr, sp.Piecewise):
        return _resolve_piecewise(sp.Piecewise(*args), known, proof)
    return expr.func(*args)


def _normalise_sum(expr: sp.Sum, known: Known, depth: int, proof: Proof) -> sp.Basic:
    index, lo, hi, summand = outer_limit(expr)
    # Inside the sum the index lies in [lo, hi], unless the sum runs backwards
    # (hi < lo - 1, Karr's convention), where it lies elsewhere: then say nothing.
    inner = known.with_index(index, lo, hi) if nonnegative(hi - lo + 1, known) else known
    body = _expand(normalise(summand, inner, depth + 1, proof))
    count = sp.expand(hi - lo + 1)
    if count.is_Integer and 0 <= count <= WRITE_OUT:
        # concrete limits: the sum is its terms, by definition
        proof.rule("sums with concrete limits written out")
        return sp.Add(*[normalise(body.xreplace({index: lo + t}), known, depth, proof) for t in range(int(count))])
    terms: list[sp.Basic] = []
    for term in sp.Add.make_args(body):
        factors = sp.Mul.make_args(term)
        outside = sp.Mul(*[f for f in factors if index not in f.free_symbols])
        inside = [f for f in factors if index in f.free_symbols]
        if not inside:
            proof.rule("Sum(c, (d, lo, hi)) = (hi - lo + 1) c")
            terms.append(outside * (hi - lo + 1))
            continue
        if outside != 1:
            proof.rule("index-free factors out of sums")
        found = _delta_factor(inside, index)
        if found is not None:
            position, other = found
            if other.is_integer is True and nonnegative(other - lo, known) and nonnegative(hi - other, known):
                # sum_d f(d) delta(d, a) = f(a), because a is an integer and lo <= a <= hi
                # (at a non-integer a, such as k/2 for odd k, the sum is 0)
                rest = sp.Mul(*(inside[:position] + inside[position + 1 :])).xreplace({index: other})
                for symbol in other.free_symbols:
                    proof.range_used(symbol, known)
                proof.rule("sum_d f(d) delta(d, a) = f(a) for an integer a in [lo, hi]")
                terms.append(outside * normalise(rest, known, depth, proof))
                continue
        terms.append(outside * sp.Sum(sp.Mul(*inside), (index, lo, hi)))
    if len(terms) > 1:
        proof.rule("linearity of sums")
    return sp.Add(*terms)


def commuted(key: sp.Basic, most: int = 4) -> sp.Basic:
    """Nested sums whose limits do not mention each other's indices, in a canonical order.

    Finite sums over independent ranges commute (Fubini; also in Karr's convention,
    each being a finite signed sum), so Tr(AB) and Tr(BA) get one key: of every
    order of the limits, renamed by depth, the least by SymPy's sort key.
    """
    limits: list[SumLimit] = []
    body = key
    while isinstance(body, sp.Sum):
        index, lo, hi, body = outer_limit(body)
        limits.append((index, lo, hi))
    bound = {index for index, _, _ in limits}
    if not 2 <= len(limits) <= most or any((lo.free_symbols | hi.free_symbols) & bound for _, lo, hi in limits):
        return key
    orders = (rename_bound(sp.Sum(body, *order), 0, KEY) for order in itertools.permutations(limits))
    return min(orders, key=sp.default_sort_key)


# --- atoms ----------------------------------------------------------------------------


def _canonical(expr: sp.Basic) -> sp.Basic:
    """One form for equal rational functions of the atoms, so equal radicands share a symbol."""
    try:
        return sp.cancel(sp.together(expr))
    except Exception:  # SymPy raises on some inputs: the expression itself is the key
        return expr


@functools.lru_cache(maxsize=4096)
def _sum_key(expr: sp.Sum) -> sp.Basic:
    """One form for sums equal up to renaming and order of independent limits (cached: every
    attempt of a proof keys the same sums again)."""
    return commuted(rename_bound(expr, 0, KEY))


class Atoms:
    """Symbols for sums (up to renaming of bound indices) and for square roots."""

    def __init__(self, known: Known) -> None:
        self.known = known
        self.table: dict[tuple[str, sp.Basic], sp.Dummy] = {}

    def _symbol(self, key: tuple[str, sp.Basic], name: str, positive: bool) -> sp.Dummy:
        if key not in self.table:
            # a Dummy: a claim's own Symbol("Σ0", positive=True) is never this atom
            self.table[key] = (
                sp.Dummy(f"{name}{len(self.table)}", positive=True)
                if positive
                else sp.Dummy(f"{name}{len(self.table)}")
            )
        return self.table[key]

    def _sum_symbol(self, expr: sp.Sum) -> sp.Dummy:
        key = _sum_key(expr)
        index, lo, hi, summand = outer_limit(key)
        # positive when every term is (SymPy sees it from the entries' domains) and there is one
        positive = summand.is_positive is True and nonnegative(hi - lo, self.known)
        return self._symbol(("sum", key), "Σ", positive)

    def replace(self, expr: sp.Basic) -> sp.Basic:
        if not isinstance(expr, sp.Basic) or not expr.args:
            return expr
        if isinstance(expr, sp.Sum):
            return self._sum_symbol(expr)
        args = [self.replace(a) for a in expr.args]
        if expr.is_Pow and args[1].is_Rational and args[1].q == 2:
            # A**(m/2) = sqrt(A)**m: sqrt(A) is taken as a symbol of its own
            # keyed by the radicand's canonical form: the same radicand can arrive expanded
            # (from inside a contracted sum) or not, e.g. 1 + (n - 2*S)/n and 2 - 2*S/n
            base = args[0]
            key = _canonical(base)
            root = self._symbol(("sqrt", key), "√", base.is_positive is True or key.is_positive is True)
            return root ** args[1].p
        return expr.func(*args)


def _zero_by_ladder(expr: sp.Basic) -> bool:
    for rung in (tactics.expand, tactics.cancel, tactics.powers):
        try:
            if rung(expr) == 0:
                return True
        except Exception:  # SymPy raises on some inputs; that rung proves nothing
            continue
    return False


def _given_substitution(
    given: Iterable[sp.Basic], known: Known, atoms: Atoms, proof: Proof
) -> dict[sp.Symbol, sp.Basic]:
    """Given equalities normalised and solved (linearly) for one of their symbols."""
    facts: list[sp.Basic] = []
    for fact in given:
        if isinstance(fact, (BooleanTrue, BooleanFalse)):
            continue
        expr = normalise(rename_bound(differentiate(rename_bound(fact.lhs - fact.rhs))), known, 0, proof)
        facts.append(sp.Eq(atoms.replace(expr), 0))
    solutions, _, _ = _eliminate(facts)
    return dict(solutions)


def prove_zero(
    expr: sp.Basic,
    known: Known,
    given: Sequence[sp.Basic] = (),
    depth: int = 0,
    proof: Proof | None = None,
    _split: bool = True,
) -> tuple[bool, Proof]:
    """Whether the rules reduce ``expr`` to exactly zero for all sizes and indices in range.

    When they do not, ``proof.residue`` names the smallest term left after normalisation.
    """
    proof = proof if proof is not None else Proof()
    proved, proof = _prove_zero(expr, known, given, depth, proof, _split)
    if not proved and proof.residue is None:
        try:
            normal = rename_bound(
                normalise(rename_bound(differentiate(rename_bound(expr, depth)), depth), known, depth, Proof()), depth
            )
            proof.residue = smallest_leftover(normal, known)
        except Exception:  # naming the residue is for the trace only; never fail the attempt
            proof.residue = None
    return proved, proof


def smallest_leftover(normal: sp.Basic, known: Known) -> sp.Basic | None:
    """The smallest term of ``normal``'s reduced numerator (sums and roots as atoms, then
    ``cancel``), with the atoms written back; None when it reduces to zero."""
    atoms = Atoms(known)
    reduced = tactics.cancel(atoms.replace(normal))
    if reduced == 0:
        return None
    numerator, _ = sp.fraction(sp.together(reduced))
    terms = sp.Add.make_args(sp.expand(numerator))
    smallest = min(terms, key=lambda t: (sp.count_ops(t), sp.default_sort_key(t)))
    back = {symbol: (sp.sqrt(key[1]) if key[0] == "sqrt" else key[1]) for key, symbol in atoms.table.items()}
    return smallest.xreplace(back)


def _prove_zero(
    expr: sp.Basic,
    known: Known,
    given: Sequence[sp.Basic] = (),
    depth: int = 0,
    proof: Proof | None = None,
    _split: bool = True,
) -> tuple[bool, Proof]:
    proof = proof if proof is not None else Proof()
    expr = _put_values(rename_bound(differentiate(rename_bound(expr, depth)), depth), given, proof)
    normal = rename_bound(normalise(expr, known, depth, proof), depth)
    if _closed(normal, known, given, proof):
        return True, proof
    # Cases i = j and i != j for a delta between free indices.
    if _split:
        for delta in sorted(normal.atoms(sp.KroneckerDelta), key=sp.default_sort_key):
            a, b = delta.args
            if a in known.free and b in known.free:
                equal, _ = _prove_zero(expr.subs(b, a), known, given, depth, proof, _split=True)
                apart = equal and _closed(normal.xreplace({delta: 0}), known, given, proof)
                if equal and apart:
                    proof.rule(f"cases {a} = {b} and {a} != {b}")
                    proof.range_used(a, known)
                    proof.range_used(b, known)
                    return True, proof
    # Merge sums with the same limits and prove each merged summand zero; or first bring
    # products of sums to one sum over independent indices and merge those by their ranges
    # (tried first when there is a product of sums: the first merge leaves it to the rest).
    merges = [(_merge_sums, MERGED_SUMS), (_merge_products, MERGED_PRODUCTS)]
    if _has_product_of_sums(normal):
        merges.reverse()
    for merge, rule in merges:
        merged = merge(normal, depth)
        if merged is not None and _groups_zero(merged, known, given, depth, proof):
            proof.rule(rule)
            return True, proof
    return False, proof


MERGED_SUMS = "sums with equal limits merged, each summand zero"
MERGED_PRODUCTS = (
    "products of sums as one sum over fresh indices (a power as copies), independent limits exchanged, "
    "summands symmetrised in indices of equal range, each merged summand zero"
)


def _has_product_of_sums(normal: sp.Basic) -> bool:
    """Whether a term of ``normal`` multiplies sums, at its top or inside a sum's summand."""
    return any(len(prenex(term)[0]) > 1 for term in sp.Add.make_args(_expand(normal)))


def _groups_zero(merged: Merged, known: Known, given: Sequence[sp.Basic], depth: int, proof: Proof) -> bool:
    """Whether the rest is zero and so is each group's summand, its indices ranging over their limits."""
    rest, groups = merged
    if not _closed(rest, known, given, proof):
        return False
    for limits, body in groups.items():
        inner = known
        for position, (lo, hi) in enumerate(limits):
            if nonnegative(hi - lo + 1, inner):
                inner = inner.with_index(_bound(depth + position), lo, hi)
        ok, _ = _prove_zero(body, inner, given, depth + len(limits), proof)
        if not ok:
            return False
    return True


def _put_values(expr: sp.Basic, given: Iterable[sp.Basic], proof: Proof) -> sp.Basic:
    """``expr`` with each given value of a plain symbol put in (eta = 0 at a step's end), once
    the derivatives are taken. A symbol that an unevaluated derivative differentiates by keeps
    its place (d/d eta f(eta) at eta = 0 is not d/d0 f(0)), and so does one that a ``Subs``, an
    integral, a product or a ``Lambda`` binds; elsewhere in them it is a parameter, and putting
    in its value commutes with them. The sums' indices are renamed apart by now, so a sum binds
    none of the given symbols."""
    values: dict[sp.Symbol, sp.Basic] = {}
    for fact in given:
        if not isinstance(fact, sp.Equality):
            continue
        for symbol, value in ((fact.lhs, fact.rhs), (fact.rhs, fact.lhs)):
            if isinstance(symbol, sp.Symbol) and symbol not in value.free_symbols:
                values.setdefault(symbol, value)
                break
    if not values:
        return expr
    held: set[sp.Basic] = set()
    for node in expr.atoms(sp.Derivative, sp.Subs, sp.Integral, sp.Product, sp.Lambda):
        held |= set(node.variables)
    values = {symbol: value for symbol, value in values.items() if symbol not in held and symbol in expr.free_symbols}
    if not values:
        return expr
    proof.given = True
    return expr.xreplace(values)


def _closed(normal: sp.Basic, known: Known, given: Sequence[sp.Basic], proof: Proof) -> bool:
    """Sums and roots as symbols, then the ladder; the given facts only if needed."""
    atoms = Atoms(known)
    reduced = atoms.replace(normal)
    if _zero_by_ladder(reduced):
        return True
    if not given:
        return False
    substitution = _given_substitution(given, known, atoms, proof)
    if not substitution:
        return False
    for symbol, value in substitution.items():
        reduced = reduced.xreplace({symbol: value})
    if _zero_by_ladder(reduced):
        proof.given = True
        return True
    return False


def _merge_sums(normal: sp.Basic, depth: int) -> Merged | None:
    """(rest, {limits: merged summand}) by linearity, or None when there is no sum to merge."""
    index = _bound(depth)
    rest: list[sp.Basic] = []
    groups: dict[tuple[sp.Basic, sp.Basic], sp.Basic] = {}
    for term in sp.Add.make_args(_expand(normal)):
        factors = sp.Mul.make_args(term)
        sums = [f for f in factors if isinstance(f, sp.Sum)]
        if len(sums) != 1:
            rest.append(term)
            continue
        the_sum = sums[0]
        outside = sp.Mul(*[f for f in factors if f is not the_sum])
        old, lo, hi, summand = outer_limit(the_sum)
        if index in outside.free_symbols or index in lo.free_symbols or index in hi.free_symbols:
            rest.append(term)
            continue
        # c * Sum(f(d)) = Sum(c * f(d)) for c free of d: the summand with d named by depth
        body = outside * summand.xreplace({old: index})
        groups[(lo, hi)] = groups.get((lo, hi), 0) + body
    if not groups:
        return None
    return sp.Add(*rest), {(limits,): body for limits, body in groups.items()}


#: A power of a sum is written as at most this many copies.
POWER_COPIES = 4
#: A merged summand is symmetrised over at most this many renamings of its indices.
SYMMETRISED_AT_MOST = 24


def prenex(expr: sp.Basic) -> tuple[list[SumLimit], sp.Basic]:
    """(limits, body): ``expr`` as one nested sum over fresh indices (outermost first) of a body
    with no sum left as a factor, or ([], expr) when no sum is a factor.

    Each rule holds for finite sums in every size (also in Karr's convention, each sum being
    linear in its summand):

    * ``Sum(f(d), (d, lo, hi))`` binds a fresh index in place of d (so nothing is captured);
      its limits keep the enclosing indices they mention, which come earlier in the list;
    * ``c * Sum(f(d)) = Sum(c * f(d))`` and ``Sum(f(a)) * Sum(g(b)) = Sum_a Sum_b f(a) g(b)``:
      a product of sums is one sum over distinct indices;
    * ``Sum(f)**e`` for an integer 2 <= e <= POWER_COPIES is a product of e copies, each with
      its own fresh index.

    Sums inside any other function (exp, a quotient's denominator, ...) stay in the body.
    """
    if isinstance(expr, sp.Sum):
        index, lo, hi, inner = outer_limit(expr)
        new = sp.Dummy(index.name, integer=True)
        limits, body = prenex(inner.xreplace({index: new}))
        return [(new, lo, hi), *limits], body
    if isinstance(expr, sp.Mul) and expr.has(sp.Sum):
        limits, factors = [], []
        for factor in expr.args:
            more, body = prenex(factor)
            limits += more
            factors.append(body)
        return limits, sp.Mul(*factors)
    if expr.is_Pow and isinstance(expr.base, sp.Sum) and expr.exp.is_Integer and 2 <= expr.exp <= POWER_COPIES:
        limits, factors = [], []
        for _ in range(int(expr.exp)):
            more, body = prenex(expr.base)  # fresh indices for every copy
            limits += more
            factors.append(body)
        return limits, sp.Mul(*factors)
    return [], expr


def _renamings(ranges: Ranges, canonical: Sequence[sp.Dummy]) -> list[dict[sp.Dummy, sp.Dummy]]:
    """Every renaming of the indices that keeps each one's range (identity only if there are
    too many): each is a substitution on the canonical indices."""
    classes: dict[tuple[sp.Basic, sp.Basic], list[sp.Dummy]] = {}
    for position, key in enumerate(ranges):
        classes.setdefault(key, []).append(canonical[position])
    choices = [list(itertools.permutations(members)) for members in classes.values()]
    count = 1
    for options in choices:
        count *= len(options)
    if count > SYMMETRISED_AT_MOST:
        return [{}]
    out = []
    for picked in itertools.product(*choices):
        mapping = {}
        for members, image in zip(classes.values(), picked, strict=True):
            mapping.update(dict(zip(members, image, strict=True)))
        out.append(mapping)
    return out


def _merge_products(normal: sp.Basic, depth: int) -> Merged | None:
    """(rest, {ranges: merged summand}): each term's sums brought to the front (``prenex``), then
    the terms whose sums have the same ranges merged into one sum over canonical indices.

    Side condition: no limit of a term mentions another of its bound indices (then the sums
    are over a product of ranges: they may be taken in any order, Fubini for finite sums, and
    indices of equal range may be renamed into one another). A term with dependent limits
    stays in the rest. Each term's summand is summed over every renaming of its indices that
    keeps the ranges (the sum is unchanged by each), so the result does not depend on which
    index a term happened to bind first: sum_i a_i (sum_k b_k) and sum_k a_k (sum_i b_i)
    merge into one summand.
    """
    rest: list[sp.Basic] = []
    groups: dict[Ranges, sp.Basic] = {}
    for term in sp.Add.make_args(_expand(normal)):
        limits, body = prenex(term)
        bound = {index for index, _, _ in limits}
        if not limits or any((lo.free_symbols | hi.free_symbols) & bound for _, lo, hi in limits):
            rest.append(term)
            continue
        # the term's indices in order of their ranges; sums left inside the body get fresh
        # indices first, so naming the term's indices canonically captures nothing
        ordered = sorted(limits, key=lambda limit: sp.default_sort_key((limit[1], limit[2])))
        ranges = tuple((lo, hi) for _, lo, hi in ordered)
        canonical = [_bound(depth + position) for position in range(len(ordered))]
        body = _fresh(body, {}).xreplace({index: c for (index, _, _), c in zip(ordered, canonical, strict=True)})
        symmetrised = sp.Add(*[body.xreplace(mapping) for mapping in _renamings(ranges, canonical)])
        groups[ranges] = groups.get(ranges, 0) + symmetrised
    if not groups:
        return None
    return sp.Add(*rest), groups
