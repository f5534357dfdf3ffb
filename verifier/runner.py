"""Running many derivations: the result cache, worker processes, a deterministic order.

The CLI calls :func:`run`; it decides each derivation with the same
:func:`verifier.engine.decide` as a single run, so a report is the same whether it
came from this process, a worker or the cache.

Workers are forked (``concurrent.futures.ProcessPoolExecutor`` with the fork
context), and each is given one claim at a time, so that the claims of a single
derivation are spread over the cores as well as many derivations are. Unlike ``multiprocessing.Pool`` workers they are not daemonic, so each
can still fork the child that enforces a step's time limit
(:mod:`verifier.engine.timeout`). Fork also means the derivations reach the
workers without pickling: a worker is given an index into :data:`_FORKED`, the
list the parent held when it forked. Only the report travels back, so a
derivation that cannot be pickled (one with its own ``Function`` class, say) is
decided in this process instead, as is one whose worker died.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .engine import DEFAULT_TIMEOUT, decide, decide_claim
from .model import Claim, Derivation
from .report import ClaimReport, DerivationReport

if TYPE_CHECKING:
    from .cache import ResultCache

__all__ = ["Outcome", "run"]

#: The derivations of the current parallel run, inherited by forked workers.
_FORKED: tuple[Derivation, ...] = ()


@dataclass(frozen=True)
class Outcome:
    """One derivation's report, and whether its verdicts came from the cache."""

    report: DerivationReport
    cached: bool = False


def _decide_forked(index: int, claim: int, timeout: float | None, seed: int) -> ClaimReport:
    """In a worker: decide claim number ``claim`` of the derivation the parent holds at ``index``."""
    derivation = _FORKED[index]
    return decide_claim(derivation.claims[claim], derivation.given, derivation.where, timeout=timeout, seed=seed)


def run(
    derivations: Iterable[Derivation],
    timeout: float | None = DEFAULT_TIMEOUT,
    seed: int = 0,
    jobs: int = 1,
    cache: ResultCache | None = None,
    on_claim: Callable[[ClaimReport], object] | None = None,
    on_report: Callable[[Outcome], object] | None = None,
    on_start: Callable[[Derivation, Claim], object] | None = None,
) -> list[Outcome]:
    """Decide every derivation; outcomes come back in the input order.

    ``cache`` is a :class:`verifier.cache.ResultCache` or None. ``jobs`` > 1 decides
    the claims of the derivations that are not cached in that many worker processes.
    ``on_report(outcome)`` is called for each derivation in the input order, as
    soon as it and every derivation before it are done; ``on_claim(claim_report)``
    after each claim (in the input order), and ``on_start(derivation, claim)``
    before it, for claims decided in this process only.
    """
    derivations = tuple(derivations)
    outcomes: list[Outcome | None] = [None] * len(derivations)
    emitted = 0

    def emit() -> None:
        nonlocal emitted
        while emitted < len(outcomes):
            outcome = outcomes[emitted]
            if outcome is None:
                return
            if on_report is not None:
                on_report(outcome)
            emitted += 1

    def done(index: int, report: DerivationReport) -> None:
        if cache is not None:
            cache.store(derivations[index], timeout, seed, report)
        outcomes[index] = Outcome(report)
        emit()

    todo = []
    for index, derivation in enumerate(derivations):
        hit = cache.load(derivation, timeout, seed) if cache is not None else None
        if hit is not None:
            outcomes[index] = Outcome(hit, cached=True)
        else:
            todo.append(index)
    emit()

    if jobs > 1 and sum(len(derivations[i].claims) for i in todo) > 1 and os.name == "posix":
        # A derivation that does not pickle would give a report that cannot travel back.
        parallel = [i for i in todo if _pickles(derivations[i])]
        here = [i for i in todo if i not in parallel]
        todo = here + _in_workers(derivations, parallel, timeout, seed, jobs, done, on_claim)
    for index in todo:
        done(index, decide(derivations[index], timeout=timeout, seed=seed, on_claim=on_claim, on_start=on_start))
    return [outcome for outcome in outcomes if outcome is not None]  # every one is set by now


def _pickles(value: object) -> bool:
    try:
        pickle.dumps(value)
    except Exception:
        return False
    return True


def _in_workers(
    derivations: tuple[Derivation, ...],
    todo: list[int],
    timeout: float | None,
    seed: int,
    jobs: int,
    done: Callable[[int, DerivationReport], None],
    on_claim: Callable[[ClaimReport], object] | None = None,
) -> list[int]:
    """Decide the claims of ``todo`` in ``jobs`` forked workers; returns the indices left to decide here."""
    global _FORKED
    if not todo:
        return []
    _FORKED = derivations
    left = []
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
            futures = {
                index: [pool.submit(_decide_forked, index, claim, timeout, seed) for claim in range(len(d.claims))]
                for index, d in ((i, derivations[i]) for i in todo)
            }
            # Wait in the input order: later reports are held until earlier ones are in.
            for index in todo:
                derivation = derivations[index]
                claims = []
                try:
                    for claim, future in zip(derivation.claims, futures[index], strict=True):
                        claims.append(replace(future.result(), claim=claim))  # this process's own claim object
                        if on_claim is not None:
                            on_claim(claims[-1])
                except Exception:  # a report did not pickle, or the worker died: decide it here
                    left.append(index)
                    continue
                done(index, DerivationReport(derivation, tuple(claims), sum(c.seconds for c in claims)))
    finally:
        _FORKED = ()
    return left


def rebind(report: DerivationReport, derivation: Derivation) -> DerivationReport:
    """The report with this process's own derivation and claim objects (equal values)."""
    claims = tuple(replace(c, claim=claim) for c, claim in zip(report.claims, derivation.claims))
    return replace(report, derivation=derivation, claims=claims)
