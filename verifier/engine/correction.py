"""Suggested corrections: for a refuted claim, what the left side actually is.

The engine's own computation, labelled as such by every renderer: the left side
with derivatives taken (``doit()``) and simplified, checked equal to the left side
by the engine under the claim's assumptions, and the simplified residual
``lhs - rhs``. A correction whose equality was not proved is reported with that
verdict and never stated as the left side's value.
"""

from __future__ import annotations

import sympy as sp

from ..model import Status
from ..report import Correction
from .timeout import TimeLimit, WorkerError, call_with_time_limit

__all__ = ["correction"]


def _simplified(expr):
    """``expr`` with derivatives and sums evaluated where SymPy can, then simplified entry by entry."""
    done = expr.doit()
    if isinstance(done, sp.MatrixBase):
        return sp.ImmutableMatrix(done.applyfunc(sp.simplify))
    return sp.simplify(done)


def _compute(lhs, rhs):
    return _simplified(lhs), _simplified(lhs - rhs)


def correction(claim_lhs, claim_rhs, given=(), where=(), timeout: float | None = 30.0, sizes=(), indices=(),
               seed: int = 0) -> Correction | None:
    """The engine's simplified left side and residual for a refuted ``claim_lhs == claim_rhs``.

    None when the relation is not an equation the engine can simplify (or simplifying
    ran out of time). The simplified left side is then checked equal to the left side
    by :func:`verifier.engine.check`, under the same assumptions and time limit.
    """
    from . import check

    try:
        simple_lhs, residual = call_with_time_limit(_compute, (claim_lhs, claim_rhs), timeout)
    except (TimeLimit, WorkerError):
        return None
    if simple_lhs == claim_lhs:
        return Correction(simple_lhs, residual, Status.PROVED, "structural")
    result = check(simple_lhs, claim_lhs, given, where, timeout=timeout, seed=seed, sizes=sizes, indices=indices)
    return Correction(simple_lhs, residual, result.status, result.tactic, result.reason)
