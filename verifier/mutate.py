"""Mutation self-test: break each proved claim on purpose and check that the engine notices.

For every claim expected to be proved, mutants of what it claims are generated: of
the final right-hand side (the statement ``lhs == rhs``) and of each step's
right-hand side (the step ``previous == rhs``). Operators: flip the sign of a term,
drop a term, scale by 2, change a numeric constant, swap two symbols of the same
domain, transpose a matrix, and drop a given fact the proof used.

A mutant that is still equal to the original is not a mistake and is skipped. Whether
it is equal is never left to the engine under test: it is decided by :func:`compare`,
this module's own evaluator, which writes sums out at concrete sizes (distinct per size
symbol, odd and even), takes derivatives with SymPy, draws exact random points in every
domain that satisfy the given facts and regions, and compares at 50 digits. A mutant is
*equivalent* when it agrees with the original at every such point, and (without sizes)
``mutant - original`` also reduces to exactly 0 by ``expand`` or ``cancel``. A dropped
given fact is equivalent when the claim's sides still agree at points that ignore it.
Every other mutant is a false claim: the engine must never prove it, and should refute
it with a counterexample (which ``check`` re-checks independently). A proved mutant is
an engine bug, and :func:`compare` says whether the sides really differ.

The module is plain Python over the engine; the CLI prints :func:`report_lines`.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import sympy as sp
from sympy.core.function import AppliedUndef

from .engine import check
from .engine.assumptions import build_context
from .engine.tactics import cancel
from .model import Claim, Derivation, Indices, Sizes, Status, as_sympy
from .notation import check_shapes, shape_of
from .report import Result

__all__ = [
    "Mutant",
    "MutantOutcome",
    "DerivationMutation",
    "mutants_of",
    "mutate_derivation",
    "report_lines",
    "MAX_PER_TARGET",
]

#: Mutants kept per mutated expression (the statement, or one step), so the cost stays bounded.
MAX_PER_TARGET = 8
#: Terms tried per operator within one expression.
TERMS_PER_OPERATOR = 2


@dataclass(frozen=True)
class Mutant:
    """A deliberately wrong version of a claim (or of one of its steps)."""

    claim: str
    target: str  # "statement" or "step 2"
    operator: str  # "flip sign of a term", ...
    lhs: sp.Basic
    rhs: sp.Basic
    given: tuple[sp.Basic, ...]
    where: tuple[sp.Basic, ...]
    by: str = "auto"
    sizes: Sizes = ()  # a claim over symbolic sizes keeps its sizes and index ranges
    indices: Indices = ()


@dataclass(frozen=True)
class MutantOutcome:
    mutant: Mutant
    result: Result
    note: str = ""  # for a proved mutant: what an independent numeric comparison says


@dataclass(frozen=True)
class DerivationMutation:
    derivation: str
    outcomes: tuple[MutantOutcome, ...]
    equivalent: int  # mutants skipped as still equal to the original
    seconds: float
    claims: int = 0

    def count(self, status: Status) -> int:
        return sum(1 for o in self.outcomes if o.result.status is status)

    @property
    def proved(self) -> tuple[MutantOutcome, ...]:
        return tuple(o for o in self.outcomes if o.result.status is Status.PROVED)


# --- operators: each yields (operator name, mutated expression) ---------------------------------


def _basic(value: object) -> sp.Basic:
    """A SymPy object (relations included) for a value of a claim: numbers become SymPy numbers."""
    return value if isinstance(value, sp.Basic) else as_sympy(value, "a value")


def _terms(expr: sp.Basic) -> list[tuple[sp.Add, sp.Basic]]:
    """(Add node, term) pairs: the terms of every sum in ``expr``, outermost first."""
    pairs = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Add):
            pairs += [(node, term) for term in node.args[:TERMS_PER_OPERATOR]]
    return pairs


def _scalar_mutants(expr: sp.Basic) -> Iterator[tuple[str, sp.Basic]]:
    pairs = _terms(expr)
    for node, term in pairs[:TERMS_PER_OPERATOR]:
        yield "flip the sign of a term", expr.xreplace({node: node - 2 * term})
    for node, term in pairs[:TERMS_PER_OPERATOR]:
        yield "drop a term", expr.xreplace({node: node - term})
    yield "scale by 2", 2 * expr
    numbers = sorted((a for a in expr.atoms(sp.Rational) if a not in (0, -1)), key=sp.default_sort_key)
    for c in numbers[:TERMS_PER_OPERATOR]:
        yield f"change the constant {c}", expr.xreplace({c: c + 1})
    symbols = sorted(expr.free_symbols, key=sp.default_sort_key)
    labels = {base.label for base in expr.atoms(sp.IndexedBase)}
    pairs_of_symbols = [(a, b) for j, a in enumerate(symbols) for b in symbols[j + 1 :] if _swappable(a, b, labels)]
    for a, b in pairs_of_symbols[:TERMS_PER_OPERATOR]:
        yield f"swap {a} and {b}", expr.xreplace({a: b, b: a})


def _matrix_mutants(matrix: sp.MatrixBase) -> Iterator[tuple[str, sp.Basic]]:
    """Entry mutants in the first and the last entry that holds a sum, then whole-matrix ones."""
    entries = [(i, j) for i in range(matrix.rows) for j in range(matrix.cols)]
    with_sums = [e for e in entries if matrix[e].atoms(sp.Add)] or entries[:1]
    chosen = list(dict.fromkeys([with_sums[0], with_sums[-1]]))
    for entry in chosen:
        for name, value in _scalar_mutants(matrix[entry]):
            if name == "scale by 2" or name.startswith("swap"):
                continue
            mutated = sp.Matrix(matrix)
            mutated[entry] = value
            yield f"{name} in entry {entry}", sp.ImmutableMatrix(mutated)
    if matrix.rows == matrix.cols:
        yield "transpose", matrix.T
    else:
        mutated = sp.Matrix(matrix)
        mutated[0, 0], mutated[-1, -1] = matrix[-1, -1], matrix[0, 0]
        yield "swap the first and the last entry", sp.ImmutableMatrix(mutated)
    yield "scale by 2", 2 * matrix
    symbols = sorted(matrix.free_symbols, key=sp.default_sort_key)
    labels = {base.label for base in matrix.atoms(sp.IndexedBase)}
    pairs_of_symbols = [(a, b) for j, a in enumerate(symbols) for b in symbols[j + 1 :] if _swappable(a, b, labels)]
    for a, b in pairs_of_symbols[:TERMS_PER_OPERATOR]:
        yield f"swap {a} and {b}", matrix.xreplace({a: b, b: a})


def _swappable(a: sp.Basic, b: sp.Basic, labels: set[sp.Basic]) -> bool:
    """Two plain symbols of one domain and one role: not a vector's name (g in g[i]) with a scalar."""
    return (
        isinstance(a, sp.Symbol)
        and isinstance(b, sp.Symbol)
        and a.assumptions0 == b.assumptions0
        and (a in labels) == (b in labels)
    )


def _expression_mutants(expr: sp.Basic) -> list[tuple[str, sp.Basic]]:
    if isinstance(expr, sp.MatrixBase):
        return list(_matrix_mutants(expr))
    return list(_scalar_mutants(expr))


# --- an independent judge: concrete sizes, exact random feasible points, 50 digits ----------------

#: Points compared per concrete instance, and attempts to draw one that meets the assumptions.
POINTS, ATTEMPTS = 3, 40
DIGITS = 50


@dataclass(frozen=True)
class Comparison:
    """What :func:`compare` found: a point where the sides differ, or how many points agreed."""

    differs_at: dict[sp.Basic, sp.Basic] | None  # sizes, indices and values of a point where the sides differ
    agreed: int  # points where both sides were defined and equal to DIGITS digits

    @property
    def differs(self) -> bool:
        return self.differs_at is not None

    @property
    def agrees(self) -> bool:
        return self.differs_at is None and self.agreed > 0


def _instances(sizes: Sizes, indices: Indices, rng: random.Random) -> Iterator[dict[sp.Symbol, sp.Basic]]:
    """Concrete sizes (distinct per symbol, odd and even, beyond the least) with index values in range."""
    if not sizes:
        yield {}
        return
    for shift in range(3):
        at = {s: least + (shift + k) % 3 for k, (s, least) in enumerate(sizes)}
        choices: list[dict[sp.Symbol, sp.Basic]] = [{}]
        for index, lo, hi in indices:
            lo_v, hi_v = int(as_sympy(lo, "an expression").subs(at)), int(as_sympy(hi, "an expression").subs(at))
            choices = [{**c, index: v} for c in choices for v in range(lo_v, hi_v + 1)]
        for choice in rng.sample(choices, min(3, len(choices))) if choices else []:
            yield {**at, **choice}


def _written_out(expr: sp.Basic, at: dict[sp.Symbol, sp.Basic]) -> sp.Basic:
    """``expr`` at concrete sizes and indices: sums written out, derivatives taken, by SymPy."""
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(lambda e: _written_out(e, at))
    # xreplace, not subs: subs leaves the variable of Derivative(f, x[i]) alone
    expr = _basic(expr)
    return expr.xreplace(at).doit() if at else expr.doit()


def _unknowns(*exprs: sp.Basic) -> list[sp.Basic]:
    """The symbols and entries (x[1, 2]) a point must give values to, in a fixed order."""
    found: set[sp.Basic] = set()
    for e in exprs:
        entries = e.atoms(sp.Indexed)
        found |= entries | {s for s in e.free_symbols if not any(s in i.free_symbols for i in entries)}
    return sorted(found, key=sp.default_sort_key)


def _draw(atom: sp.Basic, rng: random.Random, small: bool) -> sp.Basic:
    """An exact value in the atom's domain: small ones for atoms of a given fact, so one can be solved for."""
    top = 10 if small else 30
    if atom.is_integer:
        lo = 1 if atom.is_positive else (0 if atom.is_nonnegative else -3)
        return sp.Integer(rng.randint(lo, 3))
    if atom.is_positive or atom.is_nonnegative:
        value = sp.Rational(rng.randint(1, top), 10 * (4 if small else 1))
        return value if atom.is_positive or rng.random() > 0.2 else sp.Integer(0)
    if atom.is_negative:
        return -sp.Rational(rng.randint(1, top), 10)
    real = sp.Rational(rng.randint(-top, top), 10)
    return real if atom.is_real else real + sp.I * sp.Rational(rng.randint(-top, top), 10)


def _in_domain(atom: sp.Basic, value: sp.Basic) -> bool:
    return all(
        getattr(value, f"is_{key}") is wanted
        for key, wanted in (atom.assumptions0 if isinstance(atom, sp.Symbol) else {}).items()
        if key in ("real", "positive", "negative", "nonnegative", "nonpositive", "integer", "zero")
    )


def _point(
    unknowns: Sequence[sp.Basic], facts: Sequence[sp.Equality], regions: Sequence[sp.Basic], rng: random.Random
) -> dict[sp.Basic, sp.Basic] | None:
    """Exact values for ``unknowns`` meeting each given fact (one unknown solved for, per fact) and region."""
    in_facts = set().union(*(f.free_symbols | f.atoms(sp.Indexed) for f in facts)) if facts else set()
    for _ in range(ATTEMPTS):
        values = {u: _draw(u, rng, u in in_facts) for u in unknowns}
        ok = True
        for fact in facts:
            gap = sp.expand(fact.lhs - fact.rhs)
            # the last unknown with a constant nonzero coefficient, solved for exactly
            solvable = [(u, sp.diff(gap, u)) for u in reversed(_unknowns(gap)) if not _unknowns(sp.diff(gap, u))]
            solvable = [(u, c) for u, c in solvable if c != 0]
            if not solvable:
                ok = False
                break
            u, coefficient = solvable[0]
            value = sp.expand(-gap.xreplace({**{v: values[v] for v in values if v != u}, u: 0}) / coefficient)
            if _unknowns(value) or not _in_domain(u, value):
                ok = False
                break
            values[u] = value
        if not ok:
            continue
        if all(sp.expand((f.lhs - f.rhs).xreplace(values)) == 0 for f in facts) and all(
            bool(w.xreplace(values)) for w in regions
        ):
            return values
    return None


def _number(expr: sp.Basic) -> sp.Number | None:
    value = sp.N(expr, DIGITS)
    return value if value.is_number and value.is_finite else None


def compare(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    sizes: Sizes = (),
    indices: Indices = (),
    seed: int = 0,
    points: int = POINTS,
) -> Comparison:
    """Do ``lhs`` and ``rhs`` differ under the assumptions? Decided here, without the engine.

    At each concrete instance (see :func:`_instances`) the sums are written out and the
    derivatives taken by SymPy; exact random points are drawn in every symbol's and
    entry's domain, a given fact fixing one of its unknowns; both sides are evaluated
    at DIGITS digits. A point where a side is undefined is not counted.
    """
    rng = random.Random(seed)
    facts = [g for g in given if isinstance(g, sp.Equality)]
    exprs = [_basic(e) for e in (lhs, rhs, *facts)]
    if any(
        e.has(AppliedUndef, sp.Limit) or any(type(a).__name__ == "Expectation" for a in sp.preorder_traversal(e))
        for e in exprs
    ):
        return Comparison(None, 0)  # undefined functions, limits, E[...]: nothing to evaluate here
    agreed = 0
    for at in _instances(tuple(sizes), tuple(indices), rng):
        try:
            left, right = _written_out(lhs, at), _written_out(rhs, at)
            written_facts = [sp.Eq(_written_out(f.lhs, at), _written_out(f.rhs, at)) for f in facts]
            regions = [_written_out(w, at) for w in where]
        except (ValueError, TypeError, NotImplementedError):
            continue
        pairs = list(zip(left, right)) if isinstance(left, sp.MatrixBase) else [(left, right)]
        unknowns = _unknowns(
            left,
            right,
            *[f.lhs - f.rhs for f in written_facts],
            *[w.lhs - w.rhs for w in regions if isinstance(w, sp.core.relational.Relational)],
        )
        for _ in range(points):
            values = _point(unknowns, written_facts, regions, rng)
            if values is None:
                break
            for a, b in pairs:
                try:
                    va, vb = _number(a.xreplace(values)), _number(b.xreplace(values))
                except (TypeError, ValueError, ZeroDivisionError):
                    va = vb = None
                if va is None or vb is None:
                    continue
                if abs(complex(va - vb)) > 1e-30 * max(1.0, abs(complex(va))):
                    return Comparison({**at, **values}, agreed)
                agreed += 1
    return Comparison(None, agreed)


# --- equivalence: a mutant still equal to the original is skipped -------------------------------


def _equivalent(
    mutant: sp.Basic,
    original: sp.Basic,
    given: tuple[sp.Basic, ...],
    where: tuple[sp.Basic, ...],
    seed: int,
    sizes: Sizes = (),
    indices: Indices = (),
) -> bool:
    """``mutant == original`` under the assumptions, by :func:`compare` (and, without sizes, expand/cancel).

    The engine under test never decides this: a mutant it wrongly reduced to the original
    would be skipped instead of counted. Without sizes the agreement at points must be
    backed by an exact reduction to 0 too (which alone decides where nothing can be
    evaluated, as with E[...]); over symbolic sizes no finite computation is exact, so
    agreement at every concrete instance and point decides.
    """
    if mutant == original:
        return True
    found = compare(mutant, original, given, where, sizes, indices, seed)
    if found.differs:
        return False
    if sizes:
        return found.agrees
    ctx = build_context(given, where)
    if ctx.unsatisfiable:
        return False
    diff = sp.ImmutableMatrix(mutant - original) if isinstance(mutant, sp.MatrixBase) else mutant - original
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    for entry in entries:
        if entry == 0:
            continue
        reduced = ctx.for_proof(entry, with_given=True)
        if reduced.has(sp.Derivative, sp.Sum):  # evaluate d(beta)/dx = 0, sums with concrete limits
            reduced = reduced.doit()
        if sp.expand(reduced) != 0 and cancel(reduced) != 0:
            return False
    return True


def _well_formed(mutated: sp.Basic, original: sp.Basic) -> bool:
    """A mutant in matrix notation keeps its shape and matching products: a constant changed
    inside a dimension (w: p x 1 -> p x 2) breaks the claim rather than mutating it."""
    try:
        check_shapes(mutated, "a mutant")
    except ValueError:
        return False
    return shape_of(mutated) == shape_of(original)


def _interleaved(candidates: list[Mutant]) -> list[Mutant]:
    """One mutant of each operator in turn, so the cap keeps every kind of mistake."""
    kinds: dict[str, list[Mutant]] = {}
    for m in candidates:
        kind = m.operator.split(" in entry")[0].split(" the constant")[0]
        kind = "swap" if kind.startswith("swap") else ("drop a given" if kind.startswith("drop the given") else kind)
        kinds.setdefault(kind, []).append(m)
    out = []
    while any(kinds.values()):
        for queue in kinds.values():
            if queue:
                out.append(queue.pop(0))
    return out


def _same_claim(a: Mutant, b: Mutant) -> bool:
    return a.lhs == b.lhs and a.rhs == b.rhs and a.given == b.given and a.where == b.where


def mutants_of(
    claim: Claim, given: Iterable[sp.Basic] = (), where: Iterable[sp.Basic] = (), seed: int = 0
) -> tuple[list[Mutant], int]:
    """The mutants of a claim, and how many were skipped as equivalent to the original.

    A "drop a given fact" mutant whose sides still agree at every point of
    :func:`compare` (two seeds) is equivalent; where nothing can be evaluated, it is
    kept, and whether the fact was needed is settled after it is decided (see
    :func:`mutate_derivation`).
    """
    given = tuple(given) + claim.given
    where = tuple(where) + claim.where
    targets = [("statement", claim.lhs, claim.rhs, "auto")]
    previous = claim.lhs
    if len(claim.steps) > 1:
        for index, step in enumerate(claim.steps, 1):
            targets.append((f"step {index}", previous, step.rhs, step.by))
            previous = step.rhs
    kept: list[Mutant] = []
    equivalent = 0
    for target, lhs, rhs, by in targets:
        candidates = []
        for operator, mutated in _expression_mutants(rhs):
            candidates.append(
                Mutant(claim.name, target, operator, lhs, mutated, given, where, by, claim.sizes, claim.indices)
            )
        if given:
            for j, fact in enumerate(given):
                others = given[:j] + given[j + 1 :]
                text = sp.sstr(fact.lhs) + " = " + sp.sstr(fact.rhs) if isinstance(fact, sp.Equality) else sp.sstr(fact)
                candidates.append(
                    Mutant(
                        claim.name,
                        target,
                        f"drop the given fact {text}",
                        lhs,
                        rhs,
                        others,
                        where,
                        by,
                        claim.sizes,
                        claim.indices,
                    )
                )
        count = 0
        for m in _interleaved(candidates):
            if count >= MAX_PER_TARGET:
                break
            if any(_same_claim(m, k) for k in kept) or not _well_formed(m.rhs, rhs):
                continue
            if m.given == given and _equivalent(m.rhs, rhs, given, where, seed, claim.sizes, claim.indices):
                equivalent += 1
                continue
            if (
                m.given != given
                and compare(lhs, rhs, m.given, where, claim.sizes, claim.indices, seed).agreed >= POINTS
                and not compare(lhs, rhs, m.given, where, claim.sizes, claim.indices, seed + 1).differs
            ):
                equivalent += 1  # the sides agree without the fact too: it was not needed
                continue
            kept.append(m)
            count += 1
    return kept, equivalent


def _fact_was_needed(mutant: Mutant, given: tuple[sp.Basic, ...], seed: int, timeout: float | None) -> bool:
    """Whether the claim can be false without the dropped fact, for a "drop a given fact" mutant that was proved.

    Decided by :func:`compare` under the remaining facts: sides that differ somewhere
    make the mutant a false claim (its proof an engine bug); sides that agree at every
    point make it equivalent. Only where nothing can be evaluated (E[...], undefined
    functions) does the original's own proof say whether it used the facts.
    """
    found = compare(mutant.lhs, mutant.rhs, mutant.given, mutant.where, mutant.sizes, mutant.indices, seed)
    if found.differs or found.agrees:
        return found.differs
    original = check(
        mutant.lhs,
        mutant.rhs,
        given,
        mutant.where,
        by=mutant.by,
        timeout=timeout,
        seed=seed,
        sizes=mutant.sizes,
        indices=mutant.indices,
    )
    facts = {f"{sp.sstr(g.lhs)} = {sp.sstr(g.rhs)}" for g in given if isinstance(g, sp.Equality)}
    return original.status is not Status.PROVED or bool(set(original.used) & facts)


def _second_opinion(mutant: Mutant, seed: int) -> str:
    """For a proved mutant: do the sides differ at a point (an engine bug for sure), or agree?"""
    found = compare(
        mutant.lhs, mutant.rhs, mutant.given, mutant.where, mutant.sizes, mutant.indices, seed + 1, points=8
    )
    if found.differs_at is not None:
        point = ", ".join(f"{k} = {v}" for k, v in found.differs_at.items())
        return f"the sides differ at {point}: the engine proved a false claim"
    if not found.agreed:
        return "no numeric comparison possible"
    return f"equal at {found.agreed} sample points: an equivalent mutant the filter missed, or a bug"


def mutate_derivation(
    derivation: Derivation,
    timeout: float | None = 20.0,
    seed: int = 0,
    on_mutant: Callable[[MutantOutcome], object] | None = None,
) -> DerivationMutation:
    """Generate and decide the mutants of every claim of ``derivation`` expected to be proved."""
    started = time.perf_counter()
    outcomes: list[MutantOutcome] = []
    equivalent = claims = 0
    for claim in derivation.claims:
        if claim.expect is not Status.PROVED:
            continue
        claims += 1
        mutants, same = mutants_of(claim, derivation.given, derivation.where, seed)
        equivalent += same
        given = tuple(derivation.given) + claim.given
        for mutant in mutants:
            result = check(
                mutant.lhs,
                mutant.rhs,
                mutant.given,
                mutant.where,
                by=mutant.by,
                timeout=timeout,
                seed=seed,
                sizes=mutant.sizes,
                indices=mutant.indices,
            )
            dropped_a_fact = len(mutant.given) < len(given)
            if result.status is Status.PROVED and dropped_a_fact and not _fact_was_needed(mutant, given, seed, timeout):
                equivalent += 1
                continue
            note = _second_opinion(mutant, seed) if result.status is Status.PROVED else ""
            outcome = MutantOutcome(mutant, result, note)
            outcomes.append(outcome)
            if on_mutant is not None:
                on_mutant(outcome)
    return DerivationMutation(derivation.name, tuple(outcomes), equivalent, time.perf_counter() - started, claims)


def report_lines(results: list[DerivationMutation]) -> list[str]:
    """The mutation report as plain lines: one per derivation, then the totals and any proved mutant."""
    lines = [
        f"{'derivation':28s} {'claims':>6s} {'mutants':>7s} {'refuted':>7s} {'undecided':>9s} "
        f"{'proved':>6s} {'equivalent':>10s} {'time':>7s}"
    ]
    total = {"mutants": 0, "refuted": 0, "undecided": 0, "proved": 0, "equivalent": 0}
    for r in results:
        refuted, undecided, proved = r.count(Status.REFUTED), r.count(Status.UNDECIDED), r.count(Status.PROVED)
        lines.append(
            f"{r.derivation:28s} {r.claims:6d} {len(r.outcomes):7d} {refuted:7d} {undecided:9d} "
            f"{proved:6d} {r.equivalent:10d} {r.seconds:6.1f}s"
        )
        for key, value in (
            ("mutants", len(r.outcomes)),
            ("refuted", refuted),
            ("undecided", undecided),
            ("proved", proved),
            ("equivalent", r.equivalent),
        ):
            total[key] += value
    rate = 100.0 * total["refuted"] / total["mutants"] if total["mutants"] else 100.0
    lines.append(
        f"total: {total['mutants']} mutants, {total['refuted']} refuted ({rate:.1f}%), "
        f"{total['undecided']} undecided, {total['proved']} proved, {total['equivalent']} equivalent skipped"
    )
    for r in results:
        for o in r.outcomes:
            m = o.mutant
            if o.result.status is Status.PROVED:
                lines.append(
                    f"ENGINE BUG: mutant proved: {r.derivation}: {m.claim}, {m.target}: {m.operator} ({o.note})"
                )
            elif o.result.status is Status.UNDECIDED:
                lines.append(f"undecided: {r.derivation}: {m.claim}, {m.target}: {m.operator} ({o.result.reason})")
    return lines
