"""Inequalities over symbolic sizes: refuted at concrete sizes, proved by a certificate for all.

The pipeline's gate and prover for ``Kind.SIZED_RELATION``: ``lhs relation rhs``
(``>=``, ``>``, ``<=``, ``<``) for a claim written with ``IndexedBase`` entries and
``Sum``s over declared sizes, or in matrix notation (``MatrixSymbol``s of symbolic
shape, see ``matrix``):

1. Refutation (``search``, the gate): the claim is instantiated at concrete sizes (``sized``'s check
   sizes up to ``CONCRETE_DERIVATIVES_UP_TO``, for matrices up to
   ``MATRIX_SIZES_UP_TO``, by ``instances``' builder) and the
   points of the instantiated assumptions are searched, as for concrete claims
   (``certificates``), for one on the wrong side of 0, re-checked at 60 digits. A
   square matrix claim is decided in the Loewner order: the instance is an explicit
   matrix, diagonalised at each point; the witness is a vector v.
2. Proof (``prove``), scalar: a certificate ``c`` (``certificate=`` or ``lhs - rhs`` itself) with
   ``lhs - rhs == c`` proved for every size by the index calculus, and ``c``
   nonnegative by its form (``certificates.is_nonnegative``: a Sum of nonnegative
   terms is nonnegative), each size k >= 1 read as a positive integer.
3. Proof, matrix: a Gram factor ``A`` in matrix notation with ``lhs - rhs == A^T A``
   proved for every dimension and every entry of ``A`` real by its form. Positive
   definiteness (``>``) is never proved, only refuted.
"""

from __future__ import annotations

import random
from collections.abc import Iterable

import sympy as sp

from ...model import Indices, Sizes, Status, as_sympy, relation_text
from ...report import Attempt, Outcome, Result
from ..assumptions import build_context
from ..numeric import NotNumeric, Point, Sampler
from ..problem import Evidence, Found, Problem, Proof, Run
from ..theories.certificates import is_nonnegative, is_positive, is_real
from ..theories.certificates import matrix_counterexample as _matrix_counterexample
from ..theories.certificates import orient as _orient
from ..theories.certificates import scalar_counterexample as _scalar_counterexample
from . import CONCRETE_DERIVATIVES_UP_TO, matrix
from . import size_assignments as _size_values
from .indexed import rename_bound
from .instances import builder, index_values, instance

__all__ = ["search", "prove"]


#: Matrix inequalities are searched at sizes up to this one: each point diagonalises
#: the instance at 30 digits, which is slow at 7 x 7 and finds nothing new there.
MATRIX_SIZES_UP_TO = 3


def _checked_sizes(sizes: Sizes, most: int = CONCRETE_DERIVATIVES_UP_TO) -> list[dict[sp.Symbol, int]]:
    """The cross-check's size assignments whose instances are written out (up to ``most``),
    then, with several sizes, two where they differ (n = 1, p = 2 and n = 2, p = 1): a
    claim may fail only for rectangular shapes."""
    values = [v for v in _size_values(sizes) if max(v.values(), default=1) <= most]
    if len(sizes) > 1:
        for order in (list(sizes), list(reversed(sizes))):
            apart = {s: max(int(least), position + 1) for position, (s, least) in enumerate(order)}
            if apart not in values and max(apart.values()) <= most:
                values.append(apart)
    return values


def _refute_scalar(
    lhs: sp.Basic,
    rhs: sp.Basic,
    relation: str,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    sizes: Sizes,
    indices: Indices,
    seed: int,
) -> tuple[dict[sp.Symbol, int] | None, Point | None, sp.Basic | None, sp.Basic | None, list[str], None]:
    """(at, point, lhs value, rhs value, sizes checked) of an instance on the wrong side, or at None."""
    rng = random.Random(seed)
    checked: list[str] = []
    for values in _checked_sizes(sizes):
        build = builder()
        largest = max(values.values(), default=1)
        for combo in index_values(indices, values, 9, rng) if indices else [{}]:
            at = {**values, **combo}
            left, right, sampler, context = instance(lhs, rhs, given, where, at, seed, scaled=largest > 3, build=build)
            if context.unsatisfiable:
                continue
            diff, strict = _orient(left, right, relation)
            point, _, _ = _scalar_counterexample(diff, strict, sampler, 8)
            if point is not None:
                return at, point, left.xreplace(point), right.xreplace(point), checked, None
        checked.append(", ".join(f"{s} = {v}" for s, v in values.items()))
    return None, None, None, None, checked, None


def _refute_matrix(
    lhs_entry: sp.Basic,
    rhs_entry: sp.Basic,
    free: Indices,
    relation: str,
    given: Iterable[sp.Basic],
    where: Iterable[sp.Basic],
    sizes: Sizes,
    seed: int,
) -> tuple[
    dict[sp.Symbol, int] | None, Point | None, list[sp.Rational] | None, tuple[sp.Basic, sp.Basic] | None, list[str]
]:
    """(at, point, v, v^T lhs v, v^T rhs v, sizes checked) of an instance with v^T (lhs - rhs) v on the wrong side."""
    row, col = free
    checked: list[str] = []
    for values in _checked_sizes(sizes, MATRIX_SIZES_UP_TO):
        build = builder()
        n = int(as_sympy(row[2], "an expression").xreplace(values))
        at = [[{**values, row[0]: a + 1, col[0]: b + 1} for b in range(n)] for a in range(n)]
        left = sp.Matrix([[build(lhs_entry, point) for point in line] for line in at])
        right = sp.Matrix([[build(rhs_entry, point) for point in line] for line in at])
        facts = [sp.Eq(build(g.lhs, values), build(g.rhs, values)) if isinstance(g, sp.Equality) else g for g in given]
        context = build_context(facts, [build(w, values) for w in where])
        if context.unsatisfiable:
            continue
        sampler = Sampler(context, left.free_symbols | right.free_symbols, seed)
        diff, strict = _orient(left, right, relation)
        point, v, _, _ = _matrix_counterexample(diff, strict, sampler, 8, seed)
        if point is not None:
            vec = sp.Matrix(v)
            shown = (vec.T * left.xreplace(point) * vec)[0, 0], (vec.T * right.xreplace(point) * vec)[0, 0]
            return values, point, v, shown, checked
        checked.append(", ".join(f"{s} = {v}" for s, v in values.items()))
    return None, None, None, None, checked


def _sizes_positive(expr: sp.Basic, sizes: Sizes) -> sp.Basic:
    """``expr`` with each size k >= 1 as a positive integer symbol of the same name (same values in range)."""
    return expr.xreplace({s: sp.Symbol(s.name, integer=True, positive=True) for s, least in sizes if least >= 1})


def _translated(
    problem: Problem,
) -> tuple[bool, sp.Basic, sp.Basic, sp.Basic, sp.Basic, tuple[sp.Basic, ...], Sizes, Indices, tuple[sp.Symbol, ...]]:
    """(is_matrix, lhs, rhs, left, right, given, sizes, indices, free): the claim in index notation."""
    lhs, rhs, given, sizes, indices = problem.lhs, problem.rhs, problem.given, problem.sizes, problem.indices
    if not matrix.is_matrix_notation(lhs, rhs, *[side for g in given if isinstance(g, sp.Equality) for side in g.args]):
        return False, lhs, rhs, lhs, rhs, given, sizes, indices, ()
    is_matrix = False
    shape = matrix.side_shape(lhs) or matrix.side_shape(rhs)
    if shape is not None and shape != (1, 1):
        if shape[0] != shape[1]:
            raise matrix.NotTranslated(f"a matrix inequality needs square matrices, not {shape[0]} x {shape[1]}")
        is_matrix = True
        zero = sp.ZeroMatrix(*shape)
        lhs, rhs = (zero if s == 0 else s for s in (lhs, rhs))
    claim = matrix.translate(lhs, rhs, sizes, indices, given)
    return is_matrix, lhs, rhs, claim.lhs, claim.rhs, claim.given, claim.sizes, claim.indices, claim.free


def search(problem: Problem) -> Evidence:
    """The gate: an instance at a concrete size on the wrong side of 0, re-checked; or how far it held."""
    try:
        is_matrix, _, _, left, right, given, sizes, indices, free = _translated(problem)
    except matrix.NotTranslated as exc:
        return Evidence("cross-check", False, detail=f"not translated into index notation: {exc}")
    relation, where, seed = problem.relation, problem.where, problem.seed
    try:
        if is_matrix:
            full = tuple(i for i in indices if i[0] in free)
            at, point, vector, shown, checked = _refute_matrix(left, right, full, relation, given, where, sizes, seed)
        else:
            at, point, lhs_value, rhs_value, checked, _ = _refute_scalar(
                left, right, relation, given, where, sizes, indices, seed
            )
    except NotNumeric as exc:
        return Evidence("cross-check", False, detail=f"no numeric check possible: {exc}")
    if at is not None:
        assert point is not None, "an instance on the wrong side comes with its point"
        counterexample = {
            **{s: sp.Integer(v) for s, v in at.items()},
            **dict(sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0]))),
        }
        if is_matrix:
            assert vector is not None and shown is not None, "a matrix instance comes with v and both forms"
            for position, c in enumerate(vector, 1):
                counterexample[sp.Symbol(f"v[{position}]")] = c
            lhs_value, rhs_value = shown
            what = f"v^T (lhs - rhs) v on the wrong side of 0 with v = ({', '.join(map(str, vector))})"
        else:
            what = f"lhs = {sp.N(lhs_value, 6)}, rhs = {sp.N(rhs_value, 6)}"
        text = ", ".join(f"{k} = {v}" for k, v in counterexample.items())
        found = Found(
            counterexample,
            sp.N(lhs_value, 15),
            sp.N(rhs_value, 15),
            vector=tuple(vector) if is_matrix and vector is not None else None,
        )
        return Evidence("cross-check", True, 1, 0, found, f"not lhs {relation} rhs: {what}, at {text}")
    evidence = f"holds at sampled points at {'; '.join(checked) or 'no size'}"
    return Evidence(
        "cross-check",
        True,
        len(checked),
        len(checked),
        None,
        evidence,
        where_text=" at any checked size",
        agreement=evidence,
    )


def prove(run: Run) -> Proof | None:
    """The certificate: an identity for every size (a sub-problem for the pipeline), then a sign by form."""
    p = run.problem
    is_matrix, lhs, rhs, left, right, given, sizes, indices, _ = _translated(p)
    certificate, relation, where, seed = p.certificate, p.relation, p.where, p.seed
    assert run.evidence is not None, "the pipeline's gate ran first"
    evidence = run.evidence.summary
    facts = tuple(relation_text(g) for g in given if isinstance(g, sp.Equality))
    side = "rhs - lhs" if relation in ("<=", "<") else "lhs - rhs"
    strict = relation in (">", "<")

    def give_up(reason: str) -> None:
        run.why_not = reason
        run.trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))

    def decide(a: sp.Basic, b: sp.Basic, id_sizes: Sizes, id_indices: Indices) -> Result:
        a, b, id_given, id_sizes, id_indices = matrix.to_index_claim(a, b, given, id_sizes, id_indices)
        remaining = run.remaining()
        assert run.decide is not None, "the pipeline passes itself to its provers"
        return run.decide(
            Problem(
                a, b, given=tuple(id_given), where=where, sizes=tuple(id_sizes), indices=tuple(id_indices), seed=seed
            ),
            None if remaining is None else max(remaining, 1.0),
        )

    if is_matrix:
        if certificate is None or matrix.side_shape(certificate) is None:
            give_up(
                f"{evidence}; a matrix inequality is proved only with a Gram factor A in matrix notation ({side} = A^T A)"
            )
            return None
        # big - small = A^T A, stated as big = small + A^T A: a side may be a derivative
        # (a Hessian), which SymPy does not subtract from a matrix expression
        big, small = (lhs, rhs) if side == "lhs - rhs" else (rhs, lhs)
        gram = certificate.T * certificate
        target, shown_as = (gram if isinstance(small, sp.ZeroMatrix) else small + gram), "A^T A"
        identity = decide(big, target, p.sizes, ())
    else:
        difference = left - right if side == "lhs - rhs" else right - left
        if certificate is not None:
            target, shown_as = certificate, "the certificate"
            identity = decide(difference, certificate, sizes, indices)
        else:
            target, shown_as, identity = difference, side, None
    used_given = False
    if identity is not None:
        if identity.status is not Status.PROVED:
            why = "is false" if identity.status is Status.REFUTED else f"was not proved ({identity.reason})"
            give_up(f"{evidence}; the certificate identity {side} = {shown_as} {why}")
            return None
        used_given = bool(set(identity.used) & set(facts))
        run.trace.append(
            Attempt("certificate", Outcome.CERTIFIED, f"{side} = {shown_as} for all sizes by {identity.tactic}")
        )
    if is_matrix:
        entry = matrix.translate(certificate, certificate, sizes, ()).lhs
        if not is_real(_sizes_positive(entry, sizes)):
            give_up(f"{evidence}; the factor A has entries not known to be real: {sp.sstr(entry)[:80]}")
            return None
        if strict:
            give_up(
                f"{evidence}; {side} = A^T A is PSD, but definiteness needs A of full column rank, which is not checked"
            )
            return None
        run.trace.append(
            Attempt("certificate", Outcome.CERTIFIED, "A is real, so v^T A^T A v = |A v|^2 >= 0 for every size")
        )
    else:
        if certificate is not None:
            target = matrix.to_index_claim(target, target, (), sizes, indices)[0]
        # bound indices renamed by depth: two copies of one sum become equal, their product a square
        form = rename_bound(_sizes_positive(target, sizes))
        if not (is_positive(form) if strict else is_nonnegative(form)):
            give_up(f"{evidence}; the form does not show {shown_as} {'> 0' if strict else '>= 0'}")
            return None
        sign = "positive" if strict else "nonnegative"
        run.trace.append(
            Attempt("certificate", Outcome.CERTIFIED, f"{shown_as} is {sign} by its form (sums of nonnegative terms)")
        )
    return Proof("certificate", facts if used_given else ())
