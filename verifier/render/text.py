"""Plain-text failure reports, for pytest and logs: why a claim missed its expectation.

No rich: pytest prints this as it is. Shows the failing step, the tail of its
tactic trace and the counterexample with both sides' values.
"""

from __future__ import annotations

import sympy as sp

from .. import wording
from ..model import Status
from ..report import ClaimReport, Result, StepReport
from .unicode import one_line

__all__ = ["failure_text", "verdict_line"]


def _short(expr: sp.Basic) -> str:
    return one_line(expr)


def verdict_line(report: ClaimReport) -> str:
    """One line per claim: 'claim 7.1: proved directly for all k >= 1, by cancel; step 2 undecided'."""
    said = wording.verdict(report)
    line = f"claim {report.claim.name!r}: {said.sentence}"
    if said.expectation:
        line += f" (not as expected: {said.expectation})"
    elif said.erratum:
        line += f" ({said.erratum})"
    return line


def _failing_step(report: ClaimReport) -> StepReport | None:
    """The first refuted step, else the first one not proved."""
    for wanted in (Status.REFUTED, Status.UNDECIDED):
        for step in report.steps:
            if step.result.status is wanted:
                return step
    return None


def _verdict_lines(result: Result, indent: str, tail: int) -> list[str]:
    lines = []
    if result.status is Status.PROVED:
        lines.append(f"{indent}proved by {result.tactic}")
    elif result.status is Status.UNDECIDED:
        lines.append(f"{indent}undecided: {result.reason}")
    else:
        lines.append(f"{indent}refuted: counterexample {wording.PRECISION}")
        entry = f"[{result.entry[0]}, {result.entry[1]}]" if result.entry is not None else ""
        lines.append(f"{indent}counterexample:")
        for symbol, value in (result.counterexample or {}).items():
            lines.append(f"{indent}    {one_line(symbol)} = {one_line(value)}")
        lines.append(f"{indent}    lhs{entry} = {one_line(result.lhs_value)}")
        lines.append(f"{indent}    rhs{entry} = {one_line(result.rhs_value)}")
    if result.used:
        lines.append(f"{indent}assumptions used: {'; '.join(result.used)}")
    attempts = result.steps[-tail:] if tail > 0 else ()
    if attempts:
        skipped = len(result.steps) - len(attempts)
        lines.append(
            f"{indent}tactic trace" + (f" (last {len(attempts)} of {len(result.steps)})" if skipped else "") + ":"
        )
        for a in attempts:
            lines.append(f"{indent}    {a.tactic}: {a.outcome}  {a.detail}  ({a.seconds:.2f} s)")
    return lines


def failure_text(report: ClaimReport, file: str | None = None, tail: int = 6) -> str:
    """Why ``report`` does not meet its claim's expectation, in plain text."""
    claim = report.claim
    where = f"{file}:{claim.line}" if file and claim.line else (file or "")
    lines = [
        f"claim {claim.name!r}: expected {claim.expect.value}, got {report.status.value}"
        + (f" ({wording.scope_text(report)})" if claim.scope else ""),
        "at " + (where or "?") + (f", source {claim.source}" if claim.source else ""),
        "verdict: " + wording.verdict(report).sentence,
    ]
    if report.status is claim.expect and report.broken_steps:
        lines.append("the statement holds, but a step of the chain is false")
    step = _failing_step(report)
    if step is not None:
        lines.append(
            f"failing step {step.index} of {len(report.steps)}, by={step.step.by}"
            + (f" ({step.step.note})" if step.step.note else "")
            + (f", line {step.step.line}" if step.step.line else "")
            + ":"
        )
        lines.append(f"    previous: {_short(step.previous)}")
        lines.append(f"    this rhs: {_short(step.step.rhs)}")
        lines += _verdict_lines(step.result, "    ", tail)
    elif claim.expect is not Status.PROVED:
        lines.append(f"every step was proved, so the claim holds: it is not {claim.expect.value}")
    conclusion = report.conclusion
    if conclusion is not None and (step is None or conclusion is not step.result):
        lines.append("the statement lhs = rhs, checked directly:")
        lines += _verdict_lines(conclusion, "    ", tail=0 if step is not None else tail)
    if report.correction is not None:
        words = wording.correction_words(report)
        lines.append(f"{words.heading}:")
        lines.append(
            f"    {words.lhs} ({words.checked})" + (f": {one_line(report.correction.lhs)}" if words.show_lhs else "")
        )
        lines.append(f"    {words.residual}: {one_line(report.correction.residual)}")
    return "\n".join(lines)
