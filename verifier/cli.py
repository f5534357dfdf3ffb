"""``verify``: the command line. Argument parsing and exit codes, nothing else.

Exit codes: 0 when every claim meets its expectation, 1 when one does not,
2 for usage errors and broken derivation files (the others are still verified).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from . import __version__
from .engine import DEFAULT_TIMEOUT, decide
from .load import DEFAULT_DIR, LoadError, Loaded, discover, load_all, resolve
from .render.terminal import derivation_trace, listing, summary_table

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="verify",
        description="Check the derivations in ./derivations/: each claim comes out proved, "
        "refuted with a counterexample, or undecided with the reason.",
    )
    p.add_argument("names", nargs="*", metavar="NAME", help="derivation name, or path to a derivation file")
    p.add_argument("--all", action="store_true", help="verify every derivation, then print a summary table")
    p.add_argument("--list", action="store_true", help="list the derivations and exit")
    p.add_argument("--dir", type=Path, default=DEFAULT_DIR, metavar="DIR", help="folder of derivations (default: ./derivations)")
    p.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S", help=f"time limit per step, in seconds (default: {DEFAULT_TIMEOUT:g})")
    p.add_argument("--seed", type=int, default=0, help="seed for the random points (default: 0)")
    p.add_argument("--trace", action="store_true", help="with --all: print every claim's steps, not only failures")
    p.add_argument("--mutate", action="store_true",
                   help="mutation self-test: break each proved claim (all, or the NAMEs) and report what the engine made of each mutant")
    p.add_argument("--version", action="version", version=f"verifier {__version__}")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    out = Console()
    err = Console(stderr=True)

    def usage(message: str) -> int:
        err.print(f"verify: {message}", style="red", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE

    if args.timeout is not None and not 0 < args.timeout < float("inf"):  # also rejects nan
        return usage("--timeout must be a positive, finite number of seconds")
    if args.list or args.all or (args.mutate and not args.names):
        if args.names:
            return usage("give derivation names or --all/--list, not both")
        if not args.dir.is_dir():
            return usage(f"there is no folder {args.dir}/ here (use --dir DIR)")
        loaded = load_all(discover(args.dir))
    elif args.names:
        derivations, errors = [], []
        for name in args.names:
            try:
                found = resolve(name, args.dir)
            except LoadError as exc:
                return usage(str(exc))
            derivations += found.derivations
            errors += found.errors
        loaded = Loaded(tuple(derivations), tuple(errors))
    else:
        return usage("name a derivation, or use --all or --list (see verify --help)")

    for error in loaded.errors:
        err.print(f"verify: {error}", style="red", markup=False, highlight=False, soft_wrap=True)
    if args.list:
        out.print(listing(loaded.derivations))
        return EXIT_USAGE if loaded.errors else EXIT_OK

    if args.mutate:
        return _mutate(loaded, args, out)

    started = time.perf_counter()
    reports = []
    total = sum(len(d.claims) for d in loaded.derivations)
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        console=err, transient=True, disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("verifying", total=total)
        for derivation in loaded.derivations:
            progress.update(task, description=derivation.name)
            report = decide(derivation, timeout=args.timeout, seed=args.seed, on_claim=lambda _: progress.advance(task))
            reports.append(report)
            out.print(derivation_trace(report, detail=args.trace or not args.all))
    if args.all:
        out.print(summary_table(reports, loaded.errors))
        out.print(f"{len(reports)} derivations, {total} claims in {time.perf_counter() - started:.1f} s")
    if loaded.errors:
        return EXIT_USAGE
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED


def _mutate(loaded: Loaded, args, out) -> int:
    """``--mutate``: exit 1 if the engine proved any mutant (a soundness bug), 2 on broken files."""
    from .mutate import mutate_derivation, report_lines

    results = [mutate_derivation(d, timeout=args.timeout, seed=args.seed) for d in loaded.derivations]
    for line in report_lines(results):
        out.print(line, markup=False, highlight=False, soft_wrap=True)
    if loaded.errors:
        return EXIT_USAGE
    return EXIT_FAILED if any(r.proved for r in results) else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
