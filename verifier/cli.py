"""``verify``: the command line. Argument parsing and exit codes, nothing else.

Exit codes: 0 when every claim meets its expectation, 1 when one does not,
2 for usage errors and broken derivation files (the others are still verified).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
)

from . import __version__
from .cache import ResultCache
from .engine import DEFAULT_TIMEOUT
from .load import DEFAULT_DIR, Loaded, LoadError, discover, load_all, resolve
from .model import Claim, Derivation
from .render import json as json_report
from .render.pdf import LatexError
from .render.terminal import derivation_trace, listing, summary_table, undecided_table
from .report import DerivationReport
from .runner import Outcome, run

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
    p.add_argument(
        "--dir", type=Path, default=DEFAULT_DIR, metavar="DIR", help="folder of derivations (default: ./derivations)"
    )
    p.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"time limit per step, in seconds (default: {DEFAULT_TIMEOUT:g})",
    )
    p.add_argument("--seed", type=int, default=0, help="seed for the random points (default: 0)")
    p.add_argument("--trace", action="store_true", help="with --all: print every claim's steps, not only failures")
    p.add_argument(
        "--latex",
        type=Path,
        metavar="DIR",
        help="also write the proofs as LaTeX: DIR/NAME.tex per derivation and DIR/appendix.tex",
    )
    p.add_argument(
        "--standalone", action="store_true", help="with --latex: also write DIR/main.tex, a complete document"
    )
    p.add_argument(
        "--pdf",
        action="store_true",
        help="with --latex: write DIR/main.tex and compile it to DIR/main.pdf (latexmk or pdflatex)",
    )
    p.add_argument(
        "--json",
        metavar="FILE",
        help="also write the report as JSON to FILE ('-': stdout; the trace then goes to stderr)",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="decide derivations in N worker processes (default: the number of cores); output keeps the input order",
    )
    p.add_argument(
        "--no-cache", action="store_true", help="decide everything again: neither read nor write ./.verifier_cache"
    )
    p.add_argument(
        "--mutate",
        action="store_true",
        help="mutation self-test: break each proved claim (all, or the NAMEs) and report what the engine made of each mutant",
    )
    p.add_argument("--version", action="version", version=f"verifier {__version__}")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Console(width=_width(sys.stdout))
    err = Console(stderr=True, width=_width(sys.stderr))

    def usage(message: str) -> int:
        err.print(f"verify: {message}", style="red", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE

    if args.timeout is not None and not 0 < args.timeout < float("inf"):  # also rejects nan
        return usage("--timeout must be a positive, finite number of seconds")
    if (args.standalone or args.pdf) and args.latex is None:
        return usage("--standalone and --pdf need --latex DIR")
    if args.jobs < 1:
        return usage("--jobs must be at least 1")
    if args.json == "-":
        out = err  # stdout carries the JSON alone
    cache = None if args.no_cache else ResultCache()
    if args.list or args.all or (args.mutate and not args.names):
        if args.names:
            return usage("give derivation names or --all/--list, not both")
        if not args.dir.is_dir():
            return usage(f"there is no folder {args.dir}/ here (use --dir DIR)")
        # With the cache, files unchanged since a cached run are not even run.
        loaded = (
            cache.load_all(discover(args.dir), args.timeout, args.seed, args.timeout)
            if cache
            else load_all(discover(args.dir), args.timeout)
        )
    elif args.names:
        derivations: list[Derivation] = []
        errors: list[str] = []
        for name in args.names:
            try:
                found = resolve(
                    name, args.dir, args.timeout, cache.loader(args.timeout, args.seed, args.timeout) if cache else None
                )
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
    reports: list[DerivationReport] = []
    cached: list[bool] = []
    total = sum(len(d.claims) for d in loaded.derivations)
    with Progress(
        TextColumn("{task.description}", style="bold"),
        BarColumn(bar_width=20),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("verifying", total=total)

        def show(outcome: Outcome) -> None:  # called in the input order, whatever order workers finish in
            reports.append(outcome.report)
            cached.append(outcome.cached)
            progress.update(
                task, completed=sum(len(r.claims) for r in reports), description=outcome.report.derivation.name
            )
            out.print(derivation_trace(outcome.report, detail=args.trace or not args.all))

        def starting(derivation: Derivation, claim: Claim) -> None:  # the claim in progress, by name
            progress.update(task, description=f"{derivation.name}: {claim.name}")

        run(
            loaded.derivations,
            timeout=args.timeout,
            seed=args.seed,
            jobs=args.jobs,
            cache=cache,
            on_claim=lambda _: progress.advance(task),
            on_report=show,
            on_start=starting,
        )
    if args.all:
        out.print(summary_table(reports, loaded.errors))
        undecided = undecided_table(reports)
        if undecided is not None:
            out.print(undecided)
        hits = f" ({sum(cached)} from the cache)" if any(cached) else ""
        out.print(f"{len(reports)} derivations{hits}, {total} claims in {time.perf_counter() - started:.1f} s")
    if args.latex is not None:
        try:
            written_latex(reports, args.latex, args.standalone or args.pdf, args.pdf, out)
        except OSError as exc:
            return usage(f"cannot write the LaTeX files to {args.latex}/: {exc.strerror or exc}")
        except LatexError as exc:
            return usage(str(exc))
    if args.json is not None:
        try:
            write_json(args.json, json_report.document(reports, loaded.errors, args.timeout, args.seed, cached))
        except OSError as exc:
            return usage(f"cannot write the JSON report to {args.json}: {exc.strerror or exc}")
    if loaded.errors:
        return EXIT_USAGE
    return EXIT_OK if all(r.ok for r in reports) else EXIT_FAILED


def _width(stream: TextIO) -> int | None:
    """The console width: the terminal's, else $COLUMNS, else 80 (a CI log, a pipe)."""
    try:
        if stream.isatty():
            return None
    except (AttributeError, ValueError):
        pass
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) >= 40 else 80


def written_latex(reports: Sequence[DerivationReport], folder: Path, standalone: bool, pdf: bool, out: Console) -> None:
    """Write the LaTeX appendix (and compile it); raises OSError or LatexError."""
    from .render.latex import write_appendix
    from .render.pdf import compile_pdf

    paths = write_appendix(reports, folder, standalone=standalone)
    out.print(f"wrote {len(paths)} LaTeX files to {folder}/", highlight=False)
    if pdf:
        out.print(f"wrote {compile_pdf(folder / 'main.tex')}", highlight=False)


def write_json(target: str, doc: dict[str, object]) -> None:
    text = json_report.dumps(doc)
    if target == "-":
        sys.stdout.write(text)
        sys.stdout.flush()
    else:
        Path(target).write_text(text, encoding="utf-8")


def _mutate(loaded: Loaded, args: argparse.Namespace, out: Console) -> int:
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
