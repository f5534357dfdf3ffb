"""Suggested corrections: for a refuted claim, what the left side actually is.

The engine's own computation, labelled as such by every renderer: the left side
with derivatives taken (``doit()``) and simplified, checked equal to the left side
by the engine under the claim's assumptions, and the simplified residual
``lhs - rhs``. A correction whose equality was not proved is reported with that
verdict and never stated as the left side's value.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import sympy as sp

from ..model import Indices, Sizes, Status
from ..report import Correction
from .timeout import TimeLimit, WorkerError, call_with_time_limit

if TYPE_CHECKING:
    from .assumptions import Context

__all__ = ["correction"]


#: ``simplify`` is tried only on entries up to this many operations (it can take minutes
#: on large ones); ``cancel`` always.
SIMPLIFY_LIMIT = 120


def _entry_forms(expr: sp.Basic, context: Context | None = None) -> list[sp.Basic]:
    """Candidate simplified forms of one scalar entry, shortest first (duplicates dropped)."""
    done = expr.doit()
    bases = [done]
    if context is not None and context.proof_elimination:
        bases.append(context.for_proof(done, with_given=True))
    forms = [done]  # as it is, when nothing below is shorter
    for base in bases:
        forms.append(sp.cancel(base))
        if sp.count_ops(base) <= SIMPLIFY_LIMIT:
            forms.append(sp.simplify(base))
    return sorted(dict.fromkeys(forms), key=sp.count_ops)


def _forms(
    expr: sp.Basic,
    sizes: Sizes = (),
    indices: Indices = (),
    context: Context | None = None,
    given: Iterable[sp.Basic] = (),
) -> list[sp.Basic]:
    """Candidate simplified forms of ``expr`` (derivatives taken), best first.

    Over symbolic sizes the index calculus does it (deltas contracted inside the
    declared ranges, Piecewise conditions settled by them, a given fact about a sum
    substituted); otherwise ``cancel`` and (for small entries) ``simplify``, with and
    without the given facts' elimination. A matrix gets the best form of each entry,
    then the first alternative of each.
    """
    if isinstance(expr, sp.MatrixBase):
        per_entry = [_forms(e, sizes, indices, context, given) for e in expr]
        best = sp.ImmutableMatrix(expr.rows, expr.cols, [f[0] for f in per_entry])
        other = sp.ImmutableMatrix(expr.rows, expr.cols, [f[1] if len(f) > 1 else f[0] for f in per_entry])
        return [best] if other == best else [best, other]
    if sizes or expr.has(sp.Indexed):
        from .sized.indexed import Known, Proof, differentiate, normalise

        known = Known(tuple(sizes), tuple(indices), frozenset(i for i, _, _ in indices))
        done = normalise(differentiate(expr), known, 0, Proof())
        facts = {g.lhs: g.rhs for g in given if isinstance(g, sp.Equality) and isinstance(g.lhs, sp.Sum)}
        done = done.xreplace(facts) if facts else done  # a given fact about a sum, such as sum_c y_c = 1
        forms = [done, sp.simplify(done) if not done.has(sp.Sum) else sp.factor_terms(done)]
        return sorted(dict.fromkeys(forms), key=sp.count_ops)
    return _entry_forms(expr, context)


def _compute(
    lhs: sp.Basic,
    rhs: sp.Basic,
    given: tuple[sp.Basic, ...],
    where: tuple[sp.Basic, ...],
    sizes: Sizes,
    indices: Indices,
) -> tuple[list[sp.Basic], sp.Basic]:
    context: Context | None = None
    if given or where:
        from .assumptions import build_context

        context = build_context(given, where)
        context = None if context.unsatisfiable else context
    return _forms(lhs, sizes, indices, context, given), _forms(lhs - rhs, sizes, indices, context, given)[0]


def correction(
    claim_lhs: sp.Basic,
    claim_rhs: sp.Basic,
    given: Iterable[sp.Basic] = (),
    where: Iterable[sp.Basic] = (),
    timeout: float | None = 30.0,
    sizes: Sizes = (),
    indices: Indices = (),
    seed: int = 0,
) -> Correction | None:
    """The engine's simplified left side and residual for a refuted ``claim_lhs == claim_rhs``.

    None when the relation is not an equation the engine can simplify (or simplifying
    ran out of time). The simplified left side is then checked equal to the left side
    by :func:`verifier.engine.check`, under the same assumptions and time limit.
    """
    args = (claim_lhs, claim_rhs, tuple(given), tuple(where), tuple(sizes), tuple(indices), seed)
    try:  # one child process for the simplification and the checks of its forms
        found: Correction | None = call_with_time_limit(_correct, args, timeout)
        return found
    except (TimeLimit, WorkerError):
        return None


def _correct(
    claim_lhs: sp.Basic,
    claim_rhs: sp.Basic,
    given: tuple[sp.Basic, ...],
    where: tuple[sp.Basic, ...],
    sizes: Sizes,
    indices: Indices,
    seed: int,
) -> Correction | None:
    """In the caller's process: the simplified forms, the first the engine proves equal to the left side."""
    from . import check

    candidates, residual = _compute(claim_lhs, claim_rhs, given, where, sizes, indices)
    first = None
    for simple_lhs in candidates:  # the first one the engine proves equal to the left side
        if simple_lhs == claim_lhs:
            return Correction(simple_lhs, residual, Status.PROVED, "structural")
        result = check(simple_lhs, claim_lhs, given, where, timeout=None, seed=seed, sizes=sizes, indices=indices)
        found = Correction(simple_lhs, residual, result.status, result.tactic, result.reason)
        if result.status is Status.PROVED:
            return found
        first = first or found
    return first
