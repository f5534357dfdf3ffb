"""Inequalities over symbolic sizes: refuted at concrete sizes, proved by a certificate for all.

``decide_sized_relation`` decides ``lhs relation rhs`` (``>=``, ``>``, ``<=``, ``<``)
for a claim written with ``IndexedBase`` entries and ``Sum``s over declared sizes,
or in matrix notation (``MatrixSymbol``s of symbolic shape, see ``matrix``):

1. Refutation: the claim is instantiated at concrete sizes (``sized``'s check
   sizes up to ``CONCRETE_DERIVATIVES_UP_TO``, for matrices up to
   ``MATRIX_SIZES_UP_TO``, by ``instances``' builder) and the
   points of the instantiated assumptions are searched, as for concrete claims
   (``certificates``), for one on the wrong side of 0, re-checked at 60 digits. A
   square matrix claim is decided in the Loewner order: the instance is an explicit
   matrix, diagonalised at each point; the witness is a vector v.
2. Proof, scalar: a certificate ``c`` (``certificate=`` or ``lhs - rhs`` itself) with
   ``lhs - rhs == c`` proved for every size by the index calculus, and ``c``
   nonnegative by its form (``certificates.is_nonnegative``: a Sum of nonnegative
   terms is nonnegative), each size k >= 1 read as a positive integer.
3. Proof, matrix: a Gram factor ``A`` in matrix notation with ``lhs - rhs == A^T A``
   proved for every dimension and every entry of ``A`` real by its form. Positive
   definiteness (``>``) is never proved, only refuted.
"""

from __future__ import annotations

import random
import time
from dataclasses import replace

import sympy as sp

from ..model import Status
from ..report import Attempt, Outcome, Result
from . import certificates, matrix, sized
from .certificates import is_nonnegative, is_positive, is_real
from .context import build_context, relation_text
from .indexed import rename_bound
from .instances import builder, index_values, instance
from .numeric import NotNumeric, Sampler
from .timeout import TimeLimit, WorkerError, call_with_time_limit

__all__ = ["check_sized_relation", "decide_sized_relation"]

# The engine's 2026-12 rewrite made these helpers public (orient, size_assignments, ...);
# either name is the same function. (Drop the fallbacks once both branches are merged.)
_orient = getattr(certificates, "orient", None) or certificates._orient
_scalar_counterexample = getattr(certificates, "scalar_counterexample", None) or certificates._scalar_counterexample
_matrix_counterexample = getattr(certificates, "matrix_counterexample", None) or certificates._matrix_counterexample
_size_values = getattr(sized, "size_assignments", None) or sized._size_values
CONCRETE_DERIVATIVES_UP_TO = sized.CONCRETE_DERIVATIVES_UP_TO


def check_sized_relation(lhs, rhs, relation, certificate, given, where, by, timeout, seed, sizes, indices) -> Result:
    """``decide_sized_relation`` under the time limit ``timeout`` (seconds, None for none), timed."""
    started = time.perf_counter()
    args = (lhs, rhs, relation, certificate, tuple(given), tuple(where), by, seed, tuple(sizes), tuple(indices), timeout)
    try:
        result = call_with_time_limit(decide_sized_relation, args, timeout)
    except TimeLimit as exc:
        result = _undecided([Attempt("engine", Outcome.TIME_LIMIT, str(exc))], str(exc), relation)
    except WorkerError as exc:
        result = _undecided([Attempt("engine", Outcome.ERROR, str(exc))], f"engine error: {exc}", relation)
    return replace(result, seconds=time.perf_counter() - started)


def _undecided(trace, reason, relation) -> Result:
    return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)


#: Matrix inequalities are searched at sizes up to this one: each point diagonalises
#: the instance at 30 digits, which is slow at 7 x 7 and finds nothing new there.
MATRIX_SIZES_UP_TO = 3


def _checked_sizes(sizes, most: int = CONCRETE_DERIVATIVES_UP_TO):
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


def _refute_scalar(lhs, rhs, relation, given, where, sizes, indices, seed):
    """(at, point, lhs value, rhs value, sizes checked) of an instance on the wrong side, or at None."""
    rng = random.Random(seed)
    checked = []
    for values in _checked_sizes(sizes):
        build = builder()
        largest = max(values.values(), default=1)
        for combo in (index_values(indices, values, 9, rng) if indices else [{}]):
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


def _refute_matrix(lhs_entry, rhs_entry, free, relation, given, where, sizes, seed):
    """(at, point, v, v^T lhs v, v^T rhs v, sizes checked) of an instance with v^T (lhs - rhs) v on the wrong side."""
    row, col = free
    checked = []
    for values in _checked_sizes(sizes, MATRIX_SIZES_UP_TO):
        build = builder()
        n = int(sp.sympify(row[2]).xreplace(values))
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


def _sizes_positive(expr, sizes):
    """``expr`` with each size k >= 1 as a positive integer symbol of the same name (same values in range)."""
    return expr.xreplace({s: sp.Symbol(s.name, integer=True, positive=True) for s, least in sizes if least >= 1})


def decide_sized_relation(lhs, rhs, relation, certificate, given, where, by, seed, sizes, indices, budget) -> Result:
    """Decide ``lhs relation rhs`` over symbolic sizes (see the module docstring)."""
    from . import (
        check,  # the equality engine (public entry, in this process), for the certificate identity
    )

    trace: list[Attempt] = []
    is_matrix = False
    if matrix.is_matrix_notation(lhs, rhs, *[side for g in given if isinstance(g, sp.Equality) for side in g.args]):
        shape = matrix.side_shape(lhs) or matrix.side_shape(rhs)
        if shape is not None and shape != (1, 1):
            if shape[0] != shape[1]:
                reason = f"a matrix inequality needs square matrices, not {shape[0]} x {shape[1]}"
                return _undecided([Attempt("relation", Outcome.ERROR, reason)], reason, relation)
            is_matrix = True
            zero = sp.ZeroMatrix(*shape)
            lhs, rhs = (zero if s == 0 else s for s in (lhs, rhs))
        try:
            claim = matrix.translate(lhs, rhs, sizes, indices, given)
            left, right, given, sizes, indices, free = claim.lhs, claim.rhs, claim.given, claim.sizes, claim.indices, claim.free
        except matrix.NotTranslated as exc:
            reason = f"not translated into index notation: {exc}"
            return _undecided([Attempt("matrix notation", Outcome.BEYOND, str(exc))], reason, relation)
    else:
        left, right, free = lhs, rhs, ()
    facts = tuple(relation_text(g) for g in given if isinstance(g, sp.Equality))

    # 1. refutation at concrete sizes
    started = time.perf_counter()
    try:
        if is_matrix:
            full = tuple(i for i in indices if i[0] in free)
            at, point, vector, shown, checked = _refute_matrix(left, right, full, relation, given, where, sizes, seed)
        else:
            at, point, lhs_value, rhs_value, checked, _ = _refute_scalar(left, right, relation, given, where, sizes, indices, seed)
    except NotNumeric as exc:
        reason = f"no numeric check possible: {exc}"
        return _undecided([Attempt("cross-check", Outcome.SKIPPED, reason, time.perf_counter() - started)], reason, relation)
    took = time.perf_counter() - started
    if at is not None:
        counterexample = {**{s: sp.Integer(v) for s, v in at.items()}, **dict(sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0])))}
        if is_matrix:
            for position, c in enumerate(vector, 1):
                counterexample[sp.Symbol(f"v[{position}]")] = c
            lhs_value, rhs_value = shown
            what = f"v^T (lhs - rhs) v on the wrong side of 0 with v = ({', '.join(map(str, vector))})"
        else:
            what = f"lhs = {sp.N(lhs_value, 6)}, rhs = {sp.N(rhs_value, 6)}"
        text = ", ".join(f"{k} = {v}" for k, v in counterexample.items())
        trace.append(Attempt("cross-check", Outcome.REFUTED, f"not lhs {relation} rhs: {what}, at {text}", took))
        return Result(Status.REFUTED, tuple(trace), tactic="cross-check", counterexample=counterexample,
                      lhs_value=sp.N(lhs_value, 15), rhs_value=sp.N(rhs_value, 15), used=facts, relation=relation,
                      vector=tuple(vector) if is_matrix else None)
    sizes_text = "; ".join(checked) or "no size"
    evidence = f"holds at sampled points at {sizes_text}"
    trace.append(Attempt("cross-check", Outcome.AGREES, evidence, took))
    if by == "sorry":
        trace.append(Attempt("sorry", Outcome.SKIPPED, "step not justified (by='sorry')"))
        return _undecided(trace, f"skipped (by='sorry'); {evidence}", relation)

    # 2./3. the certificate: an identity for all sizes, then a sign read off its form
    side = "rhs - lhs" if relation in ("<=", "<") else "lhs - rhs"
    strict = relation in (">", "<")
    if is_matrix:
        if certificate is None or matrix.side_shape(certificate) is None:
            reason = f"{evidence}; a matrix inequality is proved only with a Gram factor A in matrix notation ({side} = A^T A)"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return _undecided(trace, reason, relation)
        # big - small = A^T A, stated as big = small + A^T A: a side may be a derivative
        # (a Hessian), which SymPy does not subtract from a matrix expression
        big, small = (lhs, rhs) if side == "lhs - rhs" else (rhs, lhs)
        gram = certificate.T * certificate
        target, shown_as = (gram if isinstance(small, sp.ZeroMatrix) else small + gram), "A^T A"
        id_left, id_right, _, id_sizes, id_indices = matrix.to_index_claim(big, target, (), sizes, ())
        identity = check(id_left, id_right, given, where, seed=seed, sizes=id_sizes, indices=id_indices)
    else:
        difference = left - right if side == "lhs - rhs" else right - left
        if certificate is not None:
            cert_left, cert_right, _, sizes, indices = matrix.to_index_claim(difference, certificate, (), sizes, indices)
            target, shown_as = cert_right, "the certificate"
            identity = check(cert_left, cert_right, given, where, seed=seed, sizes=sizes, indices=indices)
        else:
            target, shown_as, identity = difference, side, None
    used_given = False
    if identity is not None:
        if identity.status is not Status.PROVED:
            why = "is false" if identity.status is Status.REFUTED else f"was not proved ({identity.reason})"
            reason = f"{evidence}; the certificate identity {side} = {shown_as} {why}"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return _undecided(trace, reason, relation)
        used_given = bool(set(identity.used) & set(facts))
        trace.append(Attempt("certificate", Outcome.CERTIFIED, f"{side} = {shown_as} for all sizes by {identity.tactic}"))
    if is_matrix:
        entry = matrix.translate(certificate, certificate, sizes, ()).lhs
        if not is_real(_sizes_positive(entry, sizes)):
            reason = f"{evidence}; the factor A has entries not known to be real: {sp.sstr(entry)[:80]}"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return _undecided(trace, reason, relation)
        if strict:
            reason = f"{evidence}; {side} = A^T A is PSD, but definiteness needs A of full column rank, which is not checked"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return _undecided(trace, reason, relation)
        trace.append(Attempt("certificate", Outcome.CERTIFIED, "A is real, so v^T A^T A v = |A v|^2 >= 0 for every size"))
    else:
        # bound indices renamed by depth: two copies of one sum become equal, their product a square
        form = rename_bound(_sizes_positive(target, sizes))
        if not (is_positive(form) if strict else is_nonnegative(form)):
            reason = f"{evidence}; the form does not show {shown_as} {'> 0' if strict else '>= 0'}"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return _undecided(trace, reason, relation)
        trace.append(Attempt("certificate", Outcome.CERTIFIED, f"{shown_as} is {'positive' if strict else 'nonnegative'} by its form (sums of nonnegative terms)"))
    used = (facts if used_given else ())
    return Result(Status.PROVED, tuple(trace), tactic="certificate", used=used, relation=relation)
