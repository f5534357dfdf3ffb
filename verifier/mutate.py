"""Mutation self-test: break each proved claim on purpose and check that the engine notices.

For every claim expected to be proved, mutants of what it claims are generated: of
the final right-hand side (the statement ``lhs == rhs``) and of each step's
right-hand side (the step ``previous == rhs``). Operators: flip the sign of a term,
drop a term, scale by 2, change a numeric constant, swap two symbols of the same
domain, transpose a matrix, and drop a given fact the proof used.

A mutant that is still equal to the original is not a mistake and is skipped: it is
*equivalent* when ``mutant - original`` reduces to exactly 0 by ``expand`` or
``cancel`` (given facts substituted) **and** is 0 at sample points that satisfy the
assumptions. Every other mutant is a false claim: the engine must never prove it,
and should refute it with a counterexample (which ``check`` re-checks independently).
A proved mutant is an engine bug.

The module is plain Python over the engine; the CLI prints :func:`report_lines`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from .engine import check
from .engine.context import build_context, replace_symbols
from .engine.numeric import NotNumeric, Sampler, evaluate, find_counterexample
from .engine.tactics import cancel
from .model import Claim, Derivation, Status
from .report import Result
from .notation import check_shapes, shape_of

__all__ = ["Mutant", "MutantOutcome", "DerivationMutation", "mutants_of", "mutate_derivation", "report_lines",
           "MAX_PER_TARGET"]

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
    given: tuple
    where: tuple
    by: str = "auto"
    sizes: tuple = ()  # a claim over symbolic sizes keeps its sizes and index ranges
    indices: tuple = ()


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


def _terms(expr) -> list:
    """(Add node, term) pairs: the terms of every sum in ``expr``, outermost first."""
    pairs = []
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Add):
            pairs += [(node, term) for term in node.args[:TERMS_PER_OPERATOR]]
    return pairs


def _scalar_mutants(expr):
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
    pairs_of_symbols = [(a, b) for j, a in enumerate(symbols) for b in symbols[j + 1:]
                        if _swappable(a, b, labels)]
    for a, b in pairs_of_symbols[:TERMS_PER_OPERATOR]:
        yield f"swap {a} and {b}", expr.xreplace({a: b, b: a})


def _matrix_mutants(matrix):
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
    pairs_of_symbols = [(a, b) for j, a in enumerate(symbols) for b in symbols[j + 1:]
                        if _swappable(a, b, labels)]
    for a, b in pairs_of_symbols[:TERMS_PER_OPERATOR]:
        yield f"swap {a} and {b}", matrix.xreplace({a: b, b: a})


def _swappable(a, b, labels) -> bool:
    """Two plain symbols of one domain and one role: not a vector's name (g in g[i]) with a scalar."""
    return (isinstance(a, sp.Symbol) and isinstance(b, sp.Symbol) and a.assumptions0 == b.assumptions0
            and (a in labels) == (b in labels))


def _expression_mutants(expr):
    if isinstance(expr, sp.MatrixBase):
        return list(_matrix_mutants(expr))
    return list(_scalar_mutants(expr))


# --- equivalence: a mutant still equal to the original is skipped -------------------------------


def _equivalent(mutant, original, given, where, seed: int, sizes=(), indices=()) -> bool:
    """``mutant == original`` under the assumptions, shown by expand/cancel *and* at sample points.

    Both are required: a transform alone could hide an engine bug (a mutant wrongly
    reduced to the original would be skipped instead of counted), and sample points
    alone are evidence, not equality.
    """
    if mutant == original:
        return True
    if sizes:
        # Over symbolic sizes no point can be sampled here; the sized engine's proof is
        # itself double: the index rules, and a cross-check at k = 1, 2, 3, 7 with
        # derivatives taken independently, which vetoes any proof it contradicts.
        same = check(mutant, original, given, where, seed=seed, sizes=sizes, indices=indices, timeout=60)
        return same.status is Status.PROVED
    ctx = build_context(given, where)
    if ctx.unsatisfiable:
        return False
    diff = sp.ImmutableMatrix(mutant - original) if isinstance(mutant, sp.MatrixBase) else mutant - original
    entries = list(diff) if isinstance(diff, sp.MatrixBase) else [diff]
    # The sample points first: they dismiss a genuine mutant cheaply.
    sampler = Sampler(ctx, set().union(*(e.free_symbols for e in entries)) if entries else set(), seed)
    try:
        for point in sampler.points(5):
            for entry in entries:
                value = evaluate(entry, point)
                if value is not None and abs(complex(value)) > 1e-20:
                    return False
    except NotNumeric:
        pass
    for entry in entries:
        if entry == 0:
            continue
        reduced = ctx.for_proof(entry, with_given=True)
        if reduced.has(sp.Derivative, sp.Sum):  # evaluate d(beta)/dx = 0, sums with concrete limits
            reduced = reduced.doit()
        if sp.expand(reduced) != 0 and cancel(reduced) != 0:
            return False
    return True


def _well_formed(mutated, original) -> bool:
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


def mutants_of(claim: Claim, given=(), where=(), seed: int = 0) -> tuple[list[Mutant], int]:
    """The mutants of a claim, and how many were skipped as equivalent to the original.

    A "drop a given fact" mutant is kept here; whether the fact was needed at all is
    settled after it is decided (see :func:`mutate_derivation`).
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
            candidates.append(Mutant(claim.name, target, operator, lhs, mutated, given, where, by, claim.sizes, claim.indices))
        if given:
            for j, fact in enumerate(given):
                others = given[:j] + given[j + 1:]
                text = sp.sstr(fact.lhs) + " = " + sp.sstr(fact.rhs) if isinstance(fact, sp.Equality) else sp.sstr(fact)
                candidates.append(Mutant(claim.name, target, f"drop the given fact {text}", lhs, rhs, others, where, by,
                                          claim.sizes, claim.indices))
        count = 0
        for m in _interleaved(candidates):
            if count >= MAX_PER_TARGET:
                break
            if any(_same_claim(m, k) for k in kept) or not _well_formed(m.rhs, rhs):
                continue
            if m.given == given and _equivalent(m.rhs, rhs, given, where, seed, claim.sizes, claim.indices):
                equivalent += 1
                continue
            kept.append(m)
            count += 1
    return kept, equivalent


def _fact_was_needed(mutant: Mutant, given, seed: int, timeout) -> bool:
    """Whether the proof of the original (with every fact) used the given facts.

    A "drop a given fact" mutant that comes out proved is equivalent, not an engine
    bug, when the original was proved without using the facts at all: the mutant is
    then the very same check.
    """
    original = check(mutant.lhs, mutant.rhs, given, mutant.where, by=mutant.by, timeout=timeout, seed=seed,
                     sizes=mutant.sizes, indices=mutant.indices)
    facts = {f"{sp.sstr(g.lhs)} = {sp.sstr(g.rhs)}" for g in given if isinstance(g, sp.Equality)}
    return original.status is not Status.PROVED or bool(set(original.used) & facts)


def _second_opinion(mutant: Mutant, seed: int) -> str:
    """For a proved mutant: do the sides differ at sample points (an engine bug for sure), or agree?"""
    ctx = build_context(mutant.given, mutant.where)
    lhs, rhs = mutant.lhs, mutant.rhs
    sampler = Sampler(ctx, lhs.free_symbols | rhs.free_symbols, seed + 1)
    try:
        witness, agreed, _ = find_counterexample(lhs, rhs, sampler, 40)
    except NotNumeric:
        return "no numeric comparison possible"
    if witness is not None:
        point = ", ".join(f"{k} = {v}" for k, v in witness.point.items())
        return f"the sides differ at {point}: the engine proved a false claim"
    return f"equal at {agreed} sample points: an equivalent mutant the filter missed, or a bug"


def mutate_derivation(derivation: Derivation, timeout: float | None = 20.0, seed: int = 0,
                      on_mutant=None) -> DerivationMutation:
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
            result = check(mutant.lhs, mutant.rhs, mutant.given, mutant.where, by=mutant.by, timeout=timeout, seed=seed,
                           sizes=mutant.sizes, indices=mutant.indices)
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
    lines = [f"{'derivation':28s} {'claims':>6s} {'mutants':>7s} {'refuted':>7s} {'undecided':>9s} "
             f"{'proved':>6s} {'equivalent':>10s} {'time':>7s}"]
    total = {"mutants": 0, "refuted": 0, "undecided": 0, "proved": 0, "equivalent": 0}
    for r in results:
        refuted, undecided, proved = r.count(Status.REFUTED), r.count(Status.UNDECIDED), r.count(Status.PROVED)
        lines.append(f"{r.derivation:28s} {r.claims:6d} {len(r.outcomes):7d} {refuted:7d} {undecided:9d} "
                     f"{proved:6d} {r.equivalent:10d} {r.seconds:6.1f}s")
        for key, value in (("mutants", len(r.outcomes)), ("refuted", refuted), ("undecided", undecided),
                           ("proved", proved), ("equivalent", r.equivalent)):
            total[key] += value
    rate = 100.0 * total["refuted"] / total["mutants"] if total["mutants"] else 100.0
    lines.append(f"total: {total['mutants']} mutants, {total['refuted']} refuted ({rate:.1f}%), "
                 f"{total['undecided']} undecided, {total['proved']} proved, {total['equivalent']} equivalent skipped")
    for r in results:
        for o in r.outcomes:
            m = o.mutant
            if o.result.status is Status.PROVED:
                lines.append(f"ENGINE BUG: mutant proved: {r.derivation}: {m.claim}, {m.target}: {m.operator} ({o.note})")
            elif o.result.status is Status.UNDECIDED:
                lines.append(f"undecided: {r.derivation}: {m.claim}, {m.target}: {m.operator} ({o.result.reason})")
    return lines
