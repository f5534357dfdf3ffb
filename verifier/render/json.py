"""The JSON report: reports as plain data, for CI and other programs.

The layout is documented in docs/json-schema.md and versioned by
``schema_version``: fields may be added within a version, never removed or
changed in meaning. Every expression and value is a ``sympy.sstr`` string, so
the output never depends on how a reader parses numbers. No rich here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Hashable, Iterable, Sequence
from typing import TypeAlias, TypeVar

import sympy as sp

from .. import __version__, wording
from ..model import Status, title_text
from ..report import (
    Attempt,
    ClaimReport,
    Correction,
    DerivationReport,
    Result,
    StepReport,
)
from ..wording import scope_text

__all__ = ["SCHEMA_VERSION", "document", "dumps"]

#: A JSON object: what every function here builds (strings, numbers, None, lists and objects).
Object: TypeAlias = dict[str, object]

SCHEMA_VERSION = 2


def _text(expr: sp.Basic | None) -> str | None:
    return None if expr is None else sp.sstr(expr)


def _seconds(value: float) -> float:
    return round(float(value), 4)


def _point(result: Result | None) -> dict[str, str] | None:
    if result is None or result.counterexample is None:
        return None
    return {sp.sstr(symbol): sp.sstr(value) for symbol, value in result.counterexample.items()}


def _attempt(attempt: Attempt) -> Object:
    return {
        "tactic": attempt.tactic,
        "outcome": attempt.outcome,
        "detail": attempt.detail,
        "seconds": _seconds(attempt.seconds),
    }


def _witness_fields(result: Result | None) -> Object:
    """Counterexample, the refuted entry and both sides' values there (all None when there is none)."""
    if result is None or result.status is not Status.REFUTED:
        return {"counterexample": None, "entry": None, "lhs_value": None, "rhs_value": None}
    return {
        "counterexample": _point(result),
        "entry": list(result.entry) if result.entry is not None else None,
        "lhs_value": _text(result.lhs_value),
        "rhs_value": _text(result.rhs_value),
    }


def _step(step_report: StepReport) -> Object:
    result, step = step_report.result, step_report.step
    return {
        "index": step_report.index,
        "by": step.by,
        "note": step.note,
        "line": step.line,
        "rhs": _text(step.rhs),
        "status": result.status.value,
        "tactic": result.tactic,
        "used": list(result.used),
        "domains": list(result.domains),
        "reason": result.reason,
        "seconds": _seconds(result.seconds),
        **_witness_fields(result),
        "attempts": [_attempt(a) for a in result.steps],
    }


def _correction(correction: Correction | None) -> Object | None:
    """A refuted claim's suggested correction: the engine's computation, labelled as such."""
    if correction is None:
        return None
    return {
        "label": wording.CORRECTION_LABEL,
        "lhs": _text(correction.lhs),
        "residual": _text(correction.residual),
        "lhs_checked": correction.status.value,
        "tactic": correction.tactic,
        "reason": correction.reason,
    }


_T = TypeVar("_T", bound=Hashable)


def _unique(items: Iterable[_T]) -> list[_T]:
    return list(dict.fromkeys(items))


def claim(report: ClaimReport, derivation_name: str) -> Object:
    """One claim: its statement, expectation, verdict and each step's verdict."""
    c = report.claim
    said = wording.verdict(report)
    conclusion = report.conclusion
    by_steps = conclusion is None
    tactic: str | None
    if conclusion is None:
        tactic = "+".join(_unique(s.result.tactic for s in report.steps if s.result.tactic))
        used = _unique(u for s in report.steps for u in s.result.used)
        domains = _unique(d for s in report.steps for d in s.result.domains)
    else:
        tactic = conclusion.tactic
        used, domains = list(conclusion.used), list(conclusion.domains)
    return {
        "derivation": derivation_name,
        "name": c.name,
        "title": title_text(c.title),
        "source": c.source,
        "line": c.line,
        "expected": c.expect.value,
        "status": report.status.value,
        "meets_expectation": report.meets_expectation,
        "scope": c.scope,
        "scope_text": scope_text(report),
        "verdict_text": said.sentence,
        "caveat": said.caveat,
        "open_steps": [s.index for s in report.open_steps],
        "decided_by": "steps" if by_steps else "statement",
        "tactic": tactic or None,
        "used": used,
        "domains": domains,
        "given": [sp.sstr(g) for g in c.given],
        "where": [sp.sstr(w) for w in c.where],
        "lhs": _text(c.lhs),
        "rhs": _text(c.rhs),
        "reason": conclusion.reason if conclusion is not None else "",
        "refuted_steps": [s.index for s in report.broken_steps],
        "seconds": _seconds(report.seconds),
        **_witness_fields(report.witness),
        "correction": _correction(report.correction),
        "steps": [_step(s) for s in report.steps],
    }


def _relative(file: str | None) -> str | None:
    """The path from the current folder when the file is inside it (stable across checkouts)."""
    if not file:
        return None
    path = os.path.abspath(file)
    here = os.getcwd()
    return os.path.relpath(path, here) if path.startswith(here + os.sep) else path


def derivation(report: DerivationReport, cached: bool = False) -> Object:
    d = report.derivation
    return {
        "name": d.name,
        "title": title_text(d.title),
        "names": {sp.sstr(k): sp.sstr(v) for k, v in d.names},
        "source": d.source,
        "file": _relative(d.file),
        "line": d.line,
        "assumptions": list(d.assumptions),
        "given": [sp.sstr(g) for g in d.given],
        "where": [sp.sstr(w) for w in d.where],
        "ok": report.ok,
        "cached": cached,
        "seconds": _seconds(report.seconds),
        "counts": {s.value: report.count(s) for s in Status},
        "claims": [claim(c, d.name) for c in report.claims],
    }


def document(
    reports: Iterable[DerivationReport],
    errors: Sequence[str] = (),
    timeout: float | None = None,
    seed: int | None = None,
    cached: Iterable[bool] | None = None,
) -> Object:
    """The whole JSON document for a run: ``reports`` in order, load ``errors`` as lines.

    ``cached`` holds one bool per report (the verdicts came from the result cache).
    """
    reports = list(reports)
    cached = list(cached) if cached is not None else [False] * len(reports)
    claims = [c for r in reports for c in r.claims]
    return {
        "schema_version": SCHEMA_VERSION,
        "verifier_version": __version__,
        "sympy_version": sp.__version__,
        "options": {"timeout": timeout, "seed": seed},
        "ok": not errors and all(r.ok for r in reports),
        "summary": {
            "derivations": len(reports),
            "claims": len(claims),
            **{s.value: sum(c.status is s for c in claims) for s in Status},
            "as_expected": sum(c.meets_expectation for c in claims),
            "not_as_expected": sum(not c.meets_expectation for c in claims),
            "errors": len(errors),
        },
        "errors": list(errors),
        "derivations": [derivation(r, hit) for r, hit in zip(reports, cached)],
    }


def dumps(doc: Object) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
