"""Reach: the engine against naive ``simplify(doit(lhs - rhs)) == 0`` on bench/corpus.py.

    PYTHONPATH=. python bench/reach.py [--quick] [--timeout S] [--family NAME]

For every identity and mutant of the corpus, in one run:

* naive: ``simplify(doit(lhs - rhs)) == 0`` in a child process with the time limit;
* ladder: a stand-in for the engine's pipeline, calling the rungs directly in their
  registry order (``tactics.RUNGS``, each under its share of the time limit) on the
  evaluated difference with the regions and given facts substituted as the engine does,
  then the calculus rung (``calculus.constant_difference`` backed by the rungs). Claims
  over symbolic sizes go to the index calculus through ``check`` instead;
* check: the public ``verifier.check`` as it is today (numeric gate, then its ladder);
  its refutations are the engine's, and a stand-in proof counts only if ``check`` did
  not refute the claim (the gate runs first in the pipeline).

One table: per family and in total, the true identities proved by each, the mutants
refuted, false proofs (must be 0), the time of each; then by name the identities that
naive proves and the engine does not, and any corpus entry whose verdict is suspicious.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import CORPUS, Identity, quick  # noqa: E402
from verifier import Status, check  # noqa: E402
from verifier.engine import tactics  # noqa: E402
from verifier.engine.assumptions import build_context  # noqa: E402
from verifier.engine.theories import calculus  # noqa: E402
from verifier.engine.timeout import TimeLimit, WorkerError, call_with_time_limit  # noqa: E402

#: Share of the time limit for the calculus rung, after the ladder.
CALCULUS_SHARE = 0.3


@dataclass(frozen=True)
class Row:
    entry: Identity
    naive: bool
    naive_seconds: float
    ladder: str | None  # the rung (or "calculus", "index calculus") that proved it
    ladder_seconds: float
    status: Status  # of check()
    check_seconds: float


def _entries(expr):
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _naive(lhs, rhs) -> bool:
    diff = lhs - rhs
    diff = diff.doit() if hasattr(diff, "doit") else diff
    return all(sp.simplify(e) == 0 for e in _entries(diff))


def _limited(fn, args, seconds):
    try:
        return call_with_time_limit(fn, args, seconds)
    except (TimeLimit, WorkerError):
        return None


def _is_zero(expr) -> bool:
    """The calculus rung's ``is_zero``: some rung before ``simplify`` reduces expr to 0."""
    for rung in tactics.RUNGS[:-1]:
        try:
            if rung.transform(expr) == 0:
                return True
        except Exception:
            continue
    return False


def _calculus(diff, where) -> bool:
    box = calculus.intervals_from(diff.free_symbols, where)
    return calculus.constant_difference(diff, box, _is_zero) is not None


def ladder(entry: Identity, timeout: float) -> str | None:
    """The rungs in registry order, then the calculus rung: the name of what proved it."""
    ctx = build_context(entry.given, entry.where)
    if ctx.unsatisfiable:
        return None
    diff = tactics.evaluate(entry.lhs - entry.rhs)
    open_entries = [e for e in _entries(diff) if e != 0]
    views = [False] + ([True] if ctx.proof_elimination else [])
    proved_by = []
    for rung in tactics.RUNGS:
        still = []
        for e in open_entries:
            if not any(
                _limited(rung.transform, (ctx.for_proof(e, given),), rung.share * timeout) == 0 for given in views
            ):
                still.append(e)
        if len(still) < len(open_entries):
            proved_by.append(rung.name)
        open_entries = still
        if not open_entries:
            return "+".join(proved_by) or "structural"
    if all(_limited(_calculus, (e, entry.where), CALCULUS_SHARE * timeout) for e in open_entries):
        return "+".join(proved_by + ["calculus"])
    return None


def run(entry: Identity, timeout: float) -> Row:
    started = time.perf_counter()
    naive = bool(_limited(_naive, (entry.lhs, entry.rhs), timeout))
    naive_seconds = time.perf_counter() - started
    started = time.perf_counter()
    result = check(entry.lhs, entry.rhs, timeout=timeout, **entry.check_args())
    check_seconds = time.perf_counter() - started
    started = time.perf_counter()
    if entry.sizes:
        by = "index calculus" if result.status is Status.PROVED else None
    else:
        by = ladder(entry, timeout)  # on refuted mutants too: the rungs must not prove them even ungated
    # In the pipeline the gate runs first: the ladder's time counts only where it would run.
    ladder_seconds = 0.0 if result.status is Status.REFUTED else time.perf_counter() - started
    return Row(entry, naive, naive_seconds, by, ladder_seconds, result.status, check_seconds)


def table(rows: list[Row]) -> list[str]:
    families = list(dict.fromkeys(r.entry.family for r in rows))
    head = (
        f"{'family':<11}{'true':>5}{'naive':>6}{'ladder':>7}{'check':>6}{'engine':>7}{'muts':>6}{'refut':>6}{'false':>6}"
        f"{'naive s':>9}{'ladder s':>9}{'check s':>9}"
    )
    lines = [head, "-" * len(head)]
    for family in families + ["total"]:
        group = [r for r in rows if family in ("total", r.entry.family)]
        true = [r for r in group if r.entry.true]
        false = [r for r in group if not r.entry.true]
        engine = [r for r in true if _engine_proved(r)]
        false_proofs = [r for r in false if _engine_proved(r) or r.ladder or r.status is Status.PROVED]
        lines.append(
            f"{family:<11}{len(true):>5}{sum(r.naive for r in true):>6}{sum(bool(r.ladder) for r in true):>7}"
            f"{sum(r.status is Status.PROVED for r in true):>6}{len(engine):>7}{len(false):>6}"
            f"{sum(r.status is Status.REFUTED for r in false):>6}{len(false_proofs):>6}"
            f"{sum(r.naive_seconds for r in group):>9.1f}{sum(r.ladder_seconds for r in group):>9.1f}"
            f"{sum(r.check_seconds for r in group):>9.1f}"
        )
    return lines


def _engine_proved(row: Row) -> bool:
    """The pipeline's verdict, stood in for: the gate (check's refutation) first, then the
    ladder and calculus rungs, or check's own proof."""
    return row.status is not Status.REFUTED and (bool(row.ladder) or row.status is Status.PROVED)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small subset (the issue's identities and a few more)")
    parser.add_argument("--timeout", type=float, default=20.0, help="time limit per claim for each side (s)")
    parser.add_argument("--family", help="only this family")
    parser.add_argument("--verbose", action="store_true", help="one line per claim")
    args = parser.parse_args(argv)
    entries = quick() if args.quick else CORPUS
    if args.family:
        entries = [e for e in entries if e.family == args.family]
    rows = []
    for entry in entries:
        row = run(entry, args.timeout)
        rows.append(row)
        if args.verbose:
            print(
                f"{entry.name:<45} {'T' if entry.true else 'F'} naive={row.naive!s:<5} ladder={row.ladder} "
                f"check={row.status.value} ({row.naive_seconds:.1f}/{row.ladder_seconds:.1f}/{row.check_seconds:.1f} s)",
                flush=True,
            )
    print("\n".join(table(rows)))
    print(
        "columns: true identities; proved by naive simplify(doit(lhs - rhs)), by the ladder stand-in, by check() today,"
        " by the engine (ladder or check, unless check refuted); mutants; refuted by check; false proofs; seconds"
    )
    naive_only = [r.entry.name for r in rows if r.entry.true and r.naive and not _engine_proved(r)]
    print(f"proved by naive, not by the engine ({len(naive_only)}): {', '.join(naive_only) or '-'}")
    false_proofs = [r.entry.name for r in rows if not r.entry.true and (r.ladder or r.status is Status.PROVED)]
    print(f"false proofs ({len(false_proofs)}): {', '.join(false_proofs) or '-'}")
    suspicious = [r.entry.name for r in rows if r.entry.true and r.status is Status.REFUTED]
    print(
        f"true identities refuted by check (corpus or engine error) ({len(suspicious)}): {', '.join(suspicious) or '-'}"
    )
    unrefuted = [r.entry.name for r in rows if not r.entry.true and r.status is not Status.REFUTED]
    print(f"mutants not refuted ({len(unrefuted)}): {', '.join(unrefuted) or '-'}")
    beyond = [r.entry.name for r in rows if r.entry.true and not r.naive and not _engine_proved(r)]
    print(f"true identities neither proves ({len(beyond)}): {', '.join(beyond) or '-'}")
    return 1 if false_proofs else 0


if __name__ == "__main__":
    raise SystemExit(main())
