"""The data every stage of the pipeline reads and writes: the problem, its kind, a run, a proof.

Kept apart from pipeline.py so that the provers (ladder, certificates, sized) import
these types without importing the pipeline that calls them.
"""

from __future__ import annotations

import enum
import functools
import time
from dataclasses import dataclass, field
from typing import Any, Callable

import sympy as sp

from ..model import Indices, Sizes, Status
from ..report import Attempt, Outcome, Result
from .assumptions import Context

__all__ = ["Kind", "Problem", "Run", "Proof", "Evidence", "Found"]


class Kind(enum.Enum):
    """What the claim states: an equality, an inequality (or Loewner order), or either over symbolic sizes."""

    EQUALITY = "equality"
    RELATION = "relation"
    SIZED = "sized"
    SIZED_RELATION = "sized relation"


@dataclass(frozen=True)
class Problem:
    """One statement ``lhs relation rhs`` with everything it is decided under."""

    lhs: sp.Basic
    rhs: sp.Basic
    relation: str = "=="
    certificate: sp.Basic | None = None
    given: tuple[sp.Basic, ...] = ()
    where: tuple[sp.Basic, ...] = ()
    sizes: Sizes = ()
    indices: Indices = ()
    by: str = "auto"
    seed: int = 0

    @functools.cached_property  # asked at every stage; the sides never change
    def kind(self) -> Kind:
        sides = (self.lhs, self.rhs)
        sized = (
            bool(self.sizes)
            or any(isinstance(e, sp.Basic) and e.has(sp.Indexed) for e in sides)
            or any(isinstance(e, sp.MatrixExpr) and not isinstance(e, sp.MatrixBase) for e in sides)
        )  # matrix notation
        if self.relation == "==":
            return Kind.SIZED if sized else Kind.EQUALITY
        return Kind.SIZED_RELATION if sized else Kind.RELATION


@dataclass(frozen=True)
class Found:
    """A re-checked counterexample: a value for every free symbol, and both sides' values there."""

    point: dict[sp.Basic, sp.Basic]
    lhs_value: sp.Basic | None
    rhs_value: sp.Basic | None
    entry: tuple[int, int] | None = None
    vector: tuple[sp.Basic, ...] | None = None  # for a matrix inequality: v with v^T (lhs - rhs) v on the wrong side
    interpretation: tuple[
        tuple[sp.Basic, sp.Lambda], ...
    ] = ()  # concrete functions ((f, Lambda), ...) standing in for undefined ones
    interpretation_only: bool = False  # false only under a stand-in that may lack the functions' stated properties


@dataclass(frozen=True)
class Evidence:
    """What the gate saw."""

    tactic: str  # "numeric" or "cross-check", for the trace
    ran: bool  # False: the claim could not be evaluated at any point
    seen: int = 0  # feasible points evaluated
    agreed: int = 0  # of those, points where both sides were defined and agreed
    witness: Found | None = None
    detail: str = ""  # in words, for the trace
    seconds: float = 0.0
    where_text: str = ""  # " at any checked size" for claims over sizes
    agreement: str = ""  # in words, what agreed ("numerically equal at 20 points"), for reasons

    @property
    def summary(self) -> str:
        if not self.ran:
            return "no numeric check possible"
        return self.agreement or self.detail


@dataclass
class Run:
    """What the stages have established so far about one problem (internal to a decision)."""

    problem: Problem
    deadline: float | None
    budget: float | None
    trace: list[Attempt] = field(default_factory=list)
    used: tuple[str, ...] = ()  # rewrites and assumptions the verdict rests on, in words
    context: Context | None = None
    evidence: Evidence | None = None
    domains: tuple[str, ...] = ()
    why_not: str = ""  # set by a prover that gave up, for the reason
    beyond: str = ""  # why no prover decides the statement (a limit no rule evaluates): only the gate may
    stated: tuple[
        sp.Basic, ...
    ] = ()  # the sides as stated, where a rewrite left none of their symbols (lim = oo, settled)
    rewrites: list[str] = field(default_factory=list)  # exact rewrites applied (part of the proof's tactic)
    dropped: tuple[sp.Basic, ...] = ()  # assumptions about other symbols: a counterexample must still satisfy them
    open_entries: list[tuple[int, int]] | None = None  # the entries of a matrix claim the ladder left open
    #: the pipeline itself, for a prover that decides a sub-problem (a certificate's identity)
    decide: Callable[["Problem", float | None], Result] | None = None

    def result(self, status: Status, reason: str = "", **extra: Any) -> Result:
        return Result(
            status, tuple(self.trace), reason=reason, domains=self.domains, relation=self.problem.relation, **extra
        )

    def undecided(self, tactic: str, outcome: Outcome, reason: str, detail: str | None = None) -> Result:
        self.trace.append(Attempt(tactic, outcome, detail if detail is not None else reason))
        return self.result(Status.UNDECIDED, reason)

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()


@dataclass(frozen=True)
class Proof:
    """What a prover established: the tactics that closed it and what it relied on."""

    tactic: str
    used: tuple[str, ...] = ()
