"""Reach: the engine against naive ``simplify(doit(lhs - rhs)) == 0`` on bench/corpus.py.

    PYTHONPATH=. python bench/reach.py [--quick] [--timeout S] [--family NAME] [--verbose] [--repeat N]
                                       [--block N | --passes]

For every identity and mutant of the corpus, in one run and under the same harness:

* naive: ``simplify(doit(lhs - rhs)) == 0`` (entry by entry for a matrix);
* engine: the public ``verifier.check`` (the whole pipeline: rewrites, assumptions,
  the numeric gate, feasibility, then every registered prover).

Each side runs in a process of its own with its own long-lived worker process
(``verifier.engine.timeout``: the mechanism ``check`` itself uses, stopped at the time
limit), so neither side's SymPy caches warm the other's, and both keep their caches
from one entry to the next as a user's session would.

The two sides take turns (``interleaved``), block by block: one side decides a block of
``--block`` consecutive entries (16 by default), then the other side the same block, and
which side goes first alternates. The machine's speed drifts within seconds, and turns
of a second or two meet both sides with the same machine. Within its turn a side runs
its entries back to back, as a user's run does: entry by entry (``--block 1``) each side
sits idle while the other runs, and a process woken after an idle gap runs its next
entry slower here (the engine's 392 decisions: 2.8-3.1 s back to back, 3.9-4.1 s with
a sleep as long as naive's entry before each), a cost of the harness that both sides
pay per entry and that weighs most on the side whose entries are short. ``--passes``
runs all of one side, then all of the other.

One table: per family and in total, the true identities proved by each, the mutants
refuted, false proofs (must be 0), the seconds of each side and their ratio; then by
name the identities that naive proves and the engine does not, and any corpus entry
whose verdict is suspicious.
"""

from __future__ import annotations

import argparse
import multiprocessing
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

import sympy as sp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.corpus import CORPUS, Identity, quick  # noqa: E402
from verifier import Status, check  # noqa: E402
from verifier.engine import timeout as time_limits  # noqa: E402
from verifier.engine.timeout import TimeLimit, WorkerError, call_with_time_limit  # noqa: E402


@dataclass(frozen=True)
class Row:
    entry: Identity
    naive: bool
    naive_seconds: float
    status: Status  # of check()
    check_seconds: float


def _entries(expr):
    return list(expr) if isinstance(expr, sp.MatrixBase) else [expr]


def _naive(lhs, rhs) -> bool:
    diff = lhs - rhs
    diff = diff.doit() if hasattr(diff, "doit") else diff
    return all(sp.simplify(e) == 0 for e in _entries(diff))


def _naive_entry(entry: Identity, timeout: float) -> tuple[bool, float]:
    started = time.perf_counter()
    try:
        proved = bool(call_with_time_limit(_naive, (entry.lhs, entry.rhs), timeout))
    except (TimeLimit, WorkerError):
        proved = False
    return proved, time.perf_counter() - started


def _engine_entry(entry: Identity, timeout: float) -> tuple[Status, float]:
    started = time.perf_counter()
    result = check(entry.lhs, entry.rhs, timeout=timeout, **entry.check_args())
    return result.status, time.perf_counter() - started


def _trust_this_module() -> None:
    # This module does not change while it runs: its _naive may go to the worker, as check's calls do.
    time_limits.TRUSTED_MODULES = time_limits.TRUSTED_MODULES | {__name__.partition(".")[0]}


def naive_pass(entries: list[Identity], timeout: float) -> list[tuple[bool, float]]:
    """naive on every entry, in a worker of its own."""
    _trust_this_module()
    time_limits.restart_worker()
    return [_naive_entry(entry, timeout) for entry in entries]


def engine_pass(entries: list[Identity], timeout: float) -> list[tuple[Status, float]]:
    """check() on every entry, in a worker of its own."""
    time_limits.restart_worker()
    return [_engine_entry(entry, timeout) for entry in entries]


def _side(
    conn: Connection, entries: list[Identity], run: Callable[[Identity, float], tuple[object, float]], timeout: float
) -> None:
    """One side in a process of its own (with its own worker): an entry's index in, its (verdict, seconds) out."""
    _trust_this_module()
    time_limits.restart_worker()
    while True:
        try:
            index = conn.recv()
        except EOFError:  # the parent is gone
            return
        if index is None:
            return
        conn.send(run(entries[index], timeout))


def interleaved(
    entries: list[Identity], timeout: float, block: int = 16
) -> tuple[list[tuple[bool, float]], list[tuple[Status, float]]]:
    """Both sides, a block of entries at a time in turn, each in a process (and worker) of its own.

    The machine's speed drifts (a shared host: the same loop takes 0.2 s or 0.4 s a few
    seconds apart): passes run one after the other see different machines, a block's two
    runs, side by side, see the same one. Which side goes first alternates. Within a turn
    the side's entries run back to back (see the module's docstring for why not one by one).
    """
    ctx = multiprocessing.get_context("fork")
    ends = []
    for run in (_naive_entry, _engine_entry):
        mine, theirs = ctx.Pipe()
        process = ctx.Process(target=_side, args=(theirs, entries, run, timeout))  # not daemonic: it has a worker
        process.start()
        ends.append((mine, process))
    results: tuple[dict[int, tuple[bool, float]], dict[int, tuple[Status, float]]] = ({}, {})
    for turn, start in enumerate(range(0, len(entries), max(1, block))):
        chunk = range(start, min(start + max(1, block), len(entries)))
        for side in (0, 1) if turn % 2 == 0 else (1, 0):
            conn = ends[side][0]
            for index in chunk:
                conn.send(index)
                results[side][index] = conn.recv()
    for conn, process in ends:
        conn.send(None)
        process.join()
    naive, engine = ([found[i] for i in range(len(entries))] for found in results)
    return naive, engine  # type: ignore[return-value]


def table(rows: list[Row]) -> list[str]:
    families = list(dict.fromkeys(r.entry.family for r in rows))
    head = (
        f"{'family':<11}{'true':>5}{'naive':>6}{'engine':>7}{'muts':>6}{'refut':>6}{'false':>6}"
        f"{'naive s':>9}{'engine s':>9}{'ratio':>7}"
    )
    lines = [head, "-" * len(head)]
    for family in families + ["total"]:
        group = [r for r in rows if family in ("total", r.entry.family)]
        true = [r for r in group if r.entry.true]
        false = [r for r in group if not r.entry.true]
        naive_s = sum(r.naive_seconds for r in group)
        engine_s = sum(r.check_seconds for r in group)
        lines.append(
            f"{family:<11}{len(true):>5}{sum(r.naive for r in true):>6}{sum(r.status is Status.PROVED for r in true):>7}"
            f"{len(false):>6}{sum(r.status is Status.REFUTED for r in false):>6}"
            f"{sum(r.status is Status.PROVED for r in false):>6}"
            f"{naive_s:>9.1f}{engine_s:>9.1f}{engine_s / naive_s if naive_s else 0:>7.2f}"
        )
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small subset (the issue's identities and a few more)")
    parser.add_argument("--timeout", type=float, default=20.0, help="time limit per claim for each side (s)")
    parser.add_argument("--family", help="only this family")
    parser.add_argument("--verbose", action="store_true", help="one line per claim")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="run the whole comparison this many times, each in fresh workers; every run's ratio is printed, and "
        "the table is the run with the median ratio (both sides from the same run: they saw the same machine)",
    )
    parser.add_argument(
        "--passes",
        action="store_true",
        help="run all of naive, then all of the engine (the default: the sides take turns, --block entries at a time, "
        "each side in a process of its own, so that both see the machine at the same speed)",
    )
    parser.add_argument(
        "--block",
        type=int,
        default=16,
        help="entries per turn when the sides take turns (default 16; 1: entry by entry)",
    )
    args = parser.parse_args(argv)
    entries = quick() if args.quick else CORPUS
    if args.family:
        entries = [e for e in entries if e.family == args.family]
    naive_runs, engine_runs = [], []
    for _ in range(max(1, args.repeat)):
        if args.passes:
            naive_runs.append(naive_pass(entries, args.timeout))
            engine_runs.append(engine_pass(entries, args.timeout))
        else:
            naive_run, engine_run = interleaved(entries, args.timeout, args.block)
            naive_runs.append(naive_run)
            engine_runs.append(engine_run)
    seconds = [(sum(s for _, s in n), sum(s for _, s in e)) for n, e in zip(naive_runs, engine_runs, strict=True)]
    ratios = [e / n if n else 0.0 for n, e in seconds]
    median = sorted(range(len(ratios)), key=ratios.__getitem__)[len(ratios) // 2]  # the upper one of an even count
    if args.repeat > 1:
        print("runs (naive s / engine s = ratio): " + "; ".join(f"{n:.1f} / {e:.1f} = {e / n:.3f}" for n, e in seconds))
        print(f"median ratio {ratios[median]:.3f} (the table is that run)")
        for side, runs in (("naive", naive_runs), ("engine", engine_runs)):
            if any([v for v, _ in run] != [v for v, _ in runs[0]] for run in runs):
                print(f"warning: the {side} verdicts differ between runs (a time limit reached in some)")
    naive, engine = naive_runs[median], engine_runs[median]
    rows = [Row(e, n, ns, st, es) for e, (n, ns), (st, es) in zip(entries, naive, engine, strict=True)]
    if args.verbose:
        for row in rows:
            print(
                f"{row.entry.name:<45} {'T' if row.entry.true else 'F'} naive={row.naive!s:<5} "
                f"check={row.status.value:<9} ({row.naive_seconds:.2f} / {row.check_seconds:.2f} s)"
            )
    print("\n".join(table(rows)))
    print(
        "columns: true identities; proved by naive simplify(doit(lhs - rhs)); proved by the engine (check);"
        " mutants; refuted by the engine; false proofs; seconds of each pass; engine / naive"
    )
    layout = "one whole pass after the other" if args.passes else f"in turns of {max(1, args.block)} entries"
    print(f"timing: each side in a process and worker of its own, {layout}")
    proved = {r.entry.name for r in rows if r.status is Status.PROVED}
    naive_only = [r.entry.name for r in rows if r.entry.true and r.naive and r.entry.name not in proved]
    print(f"proved by naive, not by the engine ({len(naive_only)}): {', '.join(naive_only) or '-'}")
    false_proofs = [r.entry.name for r in rows if not r.entry.true and r.status is Status.PROVED]
    print(f"false proofs ({len(false_proofs)}): {', '.join(false_proofs) or '-'}")
    suspicious = [r.entry.name for r in rows if r.entry.true and r.status is Status.REFUTED]
    print(
        f"true identities refuted by check (corpus or engine error) ({len(suspicious)}): {', '.join(suspicious) or '-'}"
    )
    unrefuted = [r.entry.name for r in rows if not r.entry.true and r.status is not Status.REFUTED]
    print(f"mutants not refuted ({len(unrefuted)}): {', '.join(unrefuted) or '-'}")
    beyond = [r.entry.name for r in rows if r.entry.true and not r.naive and r.entry.name not in proved]
    print(f"true identities neither proves ({len(beyond)}): {', '.join(beyond) or '-'}")
    return 1 if false_proofs else 0


if __name__ == "__main__":
    raise SystemExit(main())
