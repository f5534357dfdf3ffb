"""How a verdict is said, decided once from the typed report.

The terminal, LaTeX, JSON and plain-text renderers only format what this module
returns: the verdict sentence, the scope ("for all k >= 1", "at k = 3 only"), how a
claim was proved, a proof that left a step open, an expectation not met, and the
precision a counterexample was re-checked at. Nothing here parses text back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sympy as sp

from .engine.numeric import RECHECK_DIGITS
from .model import Claim, Derivation, Status
from .report import ClaimReport, Result

__all__ = [
    "CORRECTION_LABEL",
    "PRECISION",
    "CorrectionWords",
    "Verdict",
    "caveat",
    "closing_tactics",
    "correction_words",
    "erratum_text",
    "expectation_text",
    "how",
    "relations_by_text",
    "scope_text",
    "scope_words",
    "verdict",
]

#: How every renderer labels a suggested correction: it is the engine's computation.
CORRECTION_LABEL = "the engine's computation"

#: How every counterexample was checked before it is reported.
PRECISION = f"re-checked at {RECHECK_DIGITS} digits"


def scope_words(report: ClaimReport) -> str:
    """What the verdict covers, without the verdict: 'for all k >= 1', 'at k = 3 only', 'at k = 2'.

    'for all' only for a proof over symbolic sizes; a claim at explicit entries is
    proved at its size only; a refutation is at the size of its counterexample.
    """
    claim = report.claim
    if claim.sizes:
        if report.status is Status.PROVED:
            return f"for all {claim.size_text}"
        if report.status is Status.REFUTED:
            witness = report.witness
            point = witness.counterexample if witness is not None and witness.counterexample is not None else {}
            at = ", ".join(f"{s} = {point[s]}" for s, _ in claim.sizes if s in point)
            return f"at {at}" if at else ""
        return f"not proved for all {claim.size_text}"
    scope = claim.scope
    if report.status is Status.REFUTED:
        return f"at {scope}" if scope else ""
    if not scope:
        return "for all values allowed by the assumptions" if report.status is Status.PROVED else ""
    return f"at {scope} only" if report.status is Status.PROVED else f"at {scope}"


def scope_text(report: ClaimReport) -> str:
    """The scope as the summary and the JSON ``scope_text`` say it ('refuted at k = 3' for a refutation)."""
    words = scope_words(report)
    if report.status is Status.REFUTED:
        return f"refuted {words}" if words else "refuted"
    return words


def _steps_phrase(indices: Iterable[int]) -> str:
    indices = list(indices)
    if len(indices) == 1:
        return f"step {indices[0]}"
    return "steps " + ", ".join(map(str, indices[:-1])) + f" and {indices[-1]}"


def caveat(report: ClaimReport) -> str:
    """For a claim proved while a step of its chain is not: 'step 2 undecided' (else '').

    The statement was then proved directly, so the verdict stands, but the chain as
    written is not a proof: every renderer says so next to the verdict.
    """
    if report.status is not Status.PROVED:
        return ""
    parts = []
    for status, word in ((Status.UNDECIDED, "undecided"), (Status.REFUTED, "false")):
        indices = [s.index for s in report.steps if s.result.status is status]
        if indices:
            parts.append(f"{_steps_phrase(indices)} {word}")
    return "; ".join(parts)


def expectation_text(report: ClaimReport) -> str:
    """Why a claim misses its expectation, in words ('' when it meets it)."""
    if report.meets_expectation:
        return ""
    claim = report.claim
    if report.status is claim.expect and report.broken_steps:
        return "the statement holds, but a step is false"
    return f"expected {claim.expect.value}, got {report.status.value}"


def erratum_text(report: ClaimReport) -> str:
    """For a claim expected not to be proved, and meeting that: 'erratum, refuted as expected'."""
    if not report.meets_expectation or report.claim.expect is Status.PROVED:
        return ""
    if report.claim.expect is Status.REFUTED:
        return "erratum kept as written, refuted as expected"
    return "undecided, as expected"


def closing_tactics(result: Result) -> list[str]:
    """The rungs that closed a proof, in order ('structural' alone: the sides are identical)."""
    return [t for t in (result.tactic or "").split("+") if t]


def relations_by_text(derivation: Derivation, claim: Claim) -> dict[str, sp.Basic]:
    """The given facts and regions in force, by the text the engine records in ``Result.used``.

    A renderer prints a used fact from its relation, with its own printer.
    """
    from .engine.assumptions import relation_text

    found: dict[str, sp.Basic] = {}
    for rel in tuple(derivation.given) + tuple(claim.given) + tuple(derivation.where) + tuple(claim.where):
        for key in (relation_text(rel), sp.sstr(rel)):
            found.setdefault(key, rel)
    return found


def how(result: Result, show_used: Callable[[str], str] = str) -> str:
    """How one step or statement was decided, in words.

    ``show_used`` formats each entry of ``result.used`` (the engine's text; a renderer
    maps it to the relation through :func:`relations_by_text` and prints that).
    """
    if result.status is Status.PROVED:
        closed = closing_tactics(result)
        text = "the sides are identical" if closed == ["structural"] else "by " + " + ".join(closed)
        return text + (f"; uses {'; '.join(show_used(u) for u in result.used)}" if result.used else "")
    if result.status is Status.REFUTED:
        return f"counterexample {PRECISION}"
    return result.reason or "no step decided"


@dataclass(frozen=True)
class Verdict:
    """Everything said about one claim's verdict; renderers format these fields, nothing else."""

    status: Status
    head: str  # 'proved for all k >= 1', 'proved directly at k = 3 only', 'refuted at k = 2', 'undecided'
    detail: str  # 'each of the 3 steps proved', 'counterexample re-checked at 60 digits', the reason
    caveat: str  # 'step 2 undecided' for a proof that left a step open, else ''
    expectation: str  # why the expectation is not met, else ''
    erratum: str  # 'erratum kept as written, refuted as expected', else ''

    @property
    def sentence(self) -> str:
        """One sentence: 'proved directly at k = 3 only; step 2 undecided'."""
        text = self.head
        if self.detail:
            text += (", " if self.status is Status.PROVED else ": ") + self.detail
        if self.caveat:
            text += "; " + self.caveat
        return text


def verdict(report: ClaimReport, show_used: Callable[[str], str] = str) -> Verdict:
    """The words for ``report``'s verdict (``show_used`` as in :func:`how`)."""
    status = report.status
    words = scope_words(report)
    head = status.value
    if report.proved_directly:
        head += " directly"
    head += f" {words}" if words else ""
    if status is Status.PROVED:
        if report.conclusion is not None:  # proved directly
            detail = how(report.conclusion, show_used)
        elif len(report.steps) > 1:
            detail = f"each of the {len(report.steps)} steps proved"
        else:
            detail = how(report.steps[0].result, show_used)
    elif status is Status.REFUTED:
        detail = f"counterexample {PRECISION}"
    else:
        result = report.conclusion if report.conclusion is not None else report.steps[-1].result
        detail = (result.reason or "no step decided").rstrip(". ")
    return Verdict(status, head, detail, caveat(report), expectation_text(report), erratum_text(report))


@dataclass(frozen=True)
class CorrectionWords:
    """The labels of a suggested correction, the same in every renderer."""

    heading: str  # 'Suggested correction (the engine's computation)'
    lhs: str  # 'the left side, as the engine computes it'
    checked: str  # 'proved equal to the left side by cancel' / 'not proved equal to the left side: ...'
    residual: str  # 'lhs - rhs, simplified'
    trusted: bool  # the simplified left side was proved equal to the left side
    show_lhs: bool  # False when it is the claim's left side as written (said once, not twice)


def correction_words(report: ClaimReport) -> CorrectionWords:
    """How a claim's :class:`verifier.report.Correction` is introduced; only a proved one is stated as the left side."""
    correction = report.correction
    assert correction is not None, "correction_words is for a report with a correction"
    trusted = correction.status is Status.PROVED
    if correction.lhs == report.claim.lhs:
        return CorrectionWords(
            f"Suggested correction ({CORRECTION_LABEL})",
            "the left side",
            "already in its simplest form",
            "lhs - rhs, simplified",
            True,
            False,
        )
    if trusted:
        closed = [t for t in (correction.tactic or "").split("+") if t]
        checked = "proved equal to the left side" + (
            f" by {' + '.join(closed)}" if closed and closed != ["structural"] else ""
        )
    else:
        checked = (
            f"not proved equal to the left side ({correction.status.value}"
            + (f": {correction.reason}" if correction.reason else "")
            + ")"
        )
    return CorrectionWords(
        heading=f"Suggested correction ({CORRECTION_LABEL})",
        lhs="the left side, as the engine computes it",
        checked=checked,
        residual="lhs - rhs, simplified",
        trusted=trusted,
        show_lhs=True,
    )
