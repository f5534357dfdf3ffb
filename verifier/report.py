"""What the engine returns: verdicts and the trace that led to them.

Plain frozen dataclasses, consumed by the renderers (terminal, LaTeX, JSON).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import sympy as sp

from .model import Claim, Derivation, Status, Step

__all__ = ["Outcome", "Attempt", "Result", "StepReport", "ClaimReport", "DerivationReport", "Correction", "scope_text"]


class Outcome(str, enum.Enum):
    """What one stage of the pipeline or one rung of the ladder gave (a line of the trace)."""

    ZERO = "zero"  # lhs - rhs reduced to exactly 0
    PARTIAL = "partial"  # some entries of a matrix reduced to 0, not all
    NONZERO = "nonzero"  # a rung ran and left a nonzero expression
    REFUTED = "refuted"  # a re-checked counterexample
    AGREES = "agrees"  # the sides agreed at every sampled point
    SKIPPED = "skipped"  # the stage did not apply, or was skipped (by='sorry')
    ERROR = "error"  # SymPy (or the engine) raised
    TIME_LIMIT = "time limit"
    NO_POINT = "no point"  # no point satisfies the assumptions
    UNDEFINED = "undefined"  # a side is undefined at every feasible point
    UNSATISFIABLE = "unsatisfiable"  # the assumptions contradict each other
    BEYOND = "beyond"  # the statement is of a kind the engine does not decide
    REWRITTEN = "rewritten"  # a sound rewrite of the claim (limits, expectations)
    DISAGREEMENT = "disagreement"  # a proof and a counterexample: an engine bug
    CERTIFIED = "certified"  # a certificate's identity or sign was established
    UNCERTIFIED = "uncertified"  # a certificate is missing, or its identity or sign was not established
    EVIDENCE = "evidence"  # a numerical witness, never a proof

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Attempt:
    """One line of the trace: a tactic tried, and what it gave."""

    tactic: str
    outcome: Outcome
    detail: str = ""
    seconds: float = 0.0


@dataclass(frozen=True)
class Result:
    """The verdict on one equality ``lhs == rhs`` under assumptions.

    ``counterexample`` maps every free symbol to its value when refuted; ``entry``
    is the (row, column) of the refuted entry for matrices; ``lhs_value`` and
    ``rhs_value`` are both sides' values there, re-checked at high precision.
    ``used`` lists the given facts and regions the verdict relied on (for a
    counterexample: all of them, since it satisfies each); ``domains`` lists the
    declared symbol domains in force.
    """

    status: Status
    steps: tuple[Attempt, ...]
    tactic: str | None = None
    counterexample: dict[sp.Basic, sp.Basic] | None = None
    lhs_value: sp.Basic | None = None
    rhs_value: sp.Basic | None = None
    entry: tuple[int, int] | None = None
    used: tuple[str, ...] = ()
    domains: tuple[str, ...] = ()
    reason: str = ""
    seconds: float = 0.0
    #: The relation decided ("==", ">=", ...); for a refuted matrix inequality,
    #: ``vector`` is the v with v^T (lhs - rhs) v on the wrong side of 0, and
    #: ``lhs_value``/``rhs_value`` are v^T lhs v and v^T rhs v.
    relation: str = "=="
    vector: tuple[sp.Basic, ...] | None = None
    #: For a refutation of a claim about undefined functions: the concrete functions
    #: ((f, Lambda), ...) the counterexample uses (the claim must hold for every f).
    interpretation: tuple[tuple[sp.Basic, sp.Lambda], ...] = ()


@dataclass(frozen=True)
class StepReport:
    """A step of a claim's chain, checked on its own: ``previous == step.rhs``."""

    index: int  # 1-based
    previous: sp.Basic
    step: Step
    result: Result


@dataclass(frozen=True)
class Correction:
    """The engine's own computation for a refuted claim: what the left side is.

    ``lhs`` is the engine's simplified form of the left side (for a derivative, the
    derivative it computed, ``doit()`` then simplified); ``residual`` is the simplified
    ``lhs - rhs``. ``status`` is the verdict of ``check(lhs, claim.lhs)`` under the
    claim's assumptions: only a PROVED correction is stated as equal to the left side.
    """

    lhs: sp.Basic
    residual: sp.Basic
    status: Status
    tactic: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class ClaimReport:
    """A claim's verdict: its statement ``lhs == rhs`` and each step's.

    ``status`` is the verdict on the statement. It is proved when every step is
    proved (the chain is transitive) or when the engine proved the statement
    directly (``conclusion``); refuted only with a checked counterexample to the
    statement itself.
    """

    claim: Claim
    status: Status
    steps: tuple[StepReport, ...]
    conclusion: Result | None
    seconds: float
    #: For a refuted claim: the engine's simplified left side and the residual.
    correction: Correction | None = None

    @property
    def open_steps(self) -> tuple[StepReport, ...]:
        """Steps not proved (undecided or refuted), whatever the verdict on the statement."""
        return tuple(s for s in self.steps if s.result.status is not Status.PROVED)

    @property
    def proved_directly(self) -> bool:
        """Proved through the statement itself, not through the chain of steps."""
        return self.status is Status.PROVED and self.conclusion is not None

    @property
    def broken_steps(self) -> tuple[StepReport, ...]:
        return tuple(s for s in self.steps if s.result.status is Status.REFUTED)

    @property
    def meets_expectation(self) -> bool:
        """The verdict is the expected one, and an expected proof has no false step."""
        if self.status is not self.claim.expect:
            return False
        return not (self.claim.expect is Status.PROVED and self.broken_steps)

    @property
    def witness(self) -> Result | None:
        """The result that carries the counterexample of a refuted claim."""
        if self.conclusion is not None and self.conclusion.status is Status.REFUTED:
            return self.conclusion
        return None


@dataclass(frozen=True)
class DerivationReport:
    derivation: Derivation
    claims: tuple[ClaimReport, ...]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(c.meets_expectation for c in self.claims)

    def count(self, status: Status) -> int:
        return sum(1 for c in self.claims if c.status is status)


def scope_text(report: ClaimReport) -> str:
    """What a verdict covers, in words (decided in :mod:`verifier.wording`)."""
    from .wording import scope_text as words

    return words(report)
