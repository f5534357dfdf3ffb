"""Benchmarks: the engine against a naive baseline, in one process and one table.

    .venv/bin/python bench/run.py [--timeout S] [--sizes 2,4,8,16,32,64]

Three sections, each row timed in this run (ratios, not absolute times, are the
point: the machine is shared and timings are noisy):

* seed: every claim in ./derivations, decided by the engine (``decide_claim``) and
  by the naive baseline ``simplify(lhs - rhs) == 0`` (derivatives evaluated, entry by
  entry for matrices), each under the same time limit;
* scaling: the softmax cross-entropy Hessian (7.2) and the full batch-norm backward
  pass (2.6) at concrete n, every entry: the engine's concrete mode
  (``at_size.prove_at_size``: shared sums as atoms) against the naive baseline on the
  written-out instance (given facts eliminated the same way), until each times out;
* all-n: the proofs for every size (index calculus alone, and the whole decision
  with its cross-check), and the numeric cross-check of the softmax Hessian at
  n = 1000.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import sympy as sp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from verifier import Status, decide_claim  # noqa: E402
from verifier.engine.assumptions import build_context  # noqa: E402
from verifier.engine.sized.at_size import prove_at_size  # noqa: E402
from verifier.engine.sized.indexed import Known, differentiate, prove_zero, rename_bound  # noqa: E402
from verifier.engine.sized.instances import agree_fast, index_values  # noqa: E402
from verifier.engine.sized.instances import concrete as written_out  # noqa: E402
from verifier.engine.timeout import TimeLimit, WorkerError, call_with_time_limit  # noqa: E402
from verifier.load import discover, load_all  # noqa: E402

ROWS: list[tuple] = []


def timed(fn, *args, limit: float):
    """(value, seconds) of fn(*args) in a child stopped at ``limit``; value 'time limit' or 'error: ...'."""
    started = time.perf_counter()
    try:
        value = call_with_time_limit(fn, args, limit)
    except TimeLimit:
        value = "time limit"
    except WorkerError as exc:
        value = f"error: {str(exc)[:40]}"
    return value, time.perf_counter() - started


def row(section, case, engine, engine_s, naive, naive_s):
    # a ratio compares like with like: both decided the case, or naive ran out of time
    if engine_s and naive_s and naive in ("proved", "time limit"):
        ratio = f"{naive_s / engine_s:.1f}x" + ("+" if naive == "time limit" else "")
    else:
        ratio = "-"
    ROWS.append(
        (
            section,
            case,
            engine,
            f"{engine_s:.2f}" if engine_s else "-",
            naive,
            f"{naive_s:.2f}" if naive_s else "-",
            ratio,
        )
    )
    print(" | ".join(map(str, ROWS[-1])), file=sys.stderr, flush=True)  # progress while running


# --- naive baseline ------------------------------------------------------------------------


def naive(lhs, rhs) -> str:
    """simplify(lhs - rhs) == 0, derivatives evaluated, entry by entry."""
    difference = (sp.sympify(lhs) - sp.sympify(rhs)).doit()
    entries = list(difference) if isinstance(difference, sp.MatrixBase) else [difference]
    return "proved" if all(sp.simplify(e) == 0 for e in entries) else "not proved"


def naive_at_size(claim, values: dict) -> str:
    """The naive baseline on the written-out instance: every entry, given facts eliminated."""
    facts = [sp.Eq(written_out(g.lhs, values), written_out(g.rhs, values)) for g in claim.given]
    context = build_context(facts, [])
    rng = random.Random(0)
    for combo in index_values(claim.indices, values, 10**9, rng):
        at = {**values, **combo}
        difference = context.for_proof(written_out(claim.lhs, at) - written_out(claim.rhs, at), with_given=True)
        if sp.simplify(difference) != 0:
            return "not proved"
    return "proved"


# --- sections --------------------------------------------------------------------------------


def seed_section(derivations, limit: float) -> None:
    for derivation in derivations:
        for claim in derivation.claims:
            started = time.perf_counter()
            report = decide_claim(claim, derivation.given, derivation.where, timeout=limit)
            engine_s = time.perf_counter() - started
            scope = (
                f"for all {claim.size_text}"
                if claim.sizes and report.status is Status.PROVED
                else (f"at {claim.scope}" if claim.scope else "")
            )
            engine = report.status.value + (f" ({scope})" if scope else "")
            verdict, naive_s = timed(naive, claim.lhs, claim.rhs, limit=limit)
            row("seed", f"{derivation.name}: {claim.name}", engine, engine_s, verdict, naive_s)


def _claim(derivations, derivation_name: str, claim_name: str):
    for d in derivations:
        if d.name == derivation_name:
            for c in d.claims:
                if c.name == claim_name:
                    return c
    return None


def scaling_section(derivations, sizes, limit: float) -> None:
    for derivation_name, claim_name, label in (
        ("softmax_hessian", "7.2 Hessian", "softmax-CE Hessian"),
        ("batch_norm", "2.6 full batch norm", "batch-norm backward"),
    ):
        claim = _claim(derivations, derivation_name, claim_name)
        if claim is None:
            continue
        size_symbol = claim.sizes[0][0]
        engine_done = naive_done = False
        for size in sizes:
            if engine_done and naive_done:
                break
            values = {size_symbol: size}
            if engine_done:
                engine, engine_s = "skipped", 0.0
            else:
                result, engine_s = timed(
                    prove_at_size, claim.lhs, claim.rhs, claim.given, claim.where, claim.indices, values, limit=limit
                )
                engine = result if isinstance(result, str) else result.status.value
                engine_done = engine == "time limit"
            if naive_done:
                verdict, naive_s = "skipped", 0.0
            else:
                verdict, naive_s = timed(naive_at_size, claim, values, limit=limit)
                naive_done = verdict == "time limit"
            row("scaling", f"{label} at {size_symbol} = {size}", engine, engine_s, verdict, naive_s)


def all_sizes_section(derivations, limit: float) -> None:
    for derivation in derivations:
        for claim in derivation.claims:
            if not claim.sizes:
                continue
            known = Known(claim.sizes, claim.indices, frozenset(i for i, _, _ in claim.indices))
            given = tuple(derivation.given) + claim.given
            started = time.perf_counter()
            proved, _ = prove_zero(claim.lhs - claim.rhs, known, given)
            proof_s = time.perf_counter() - started
            verdict = "proved for all " + claim.size_text if proved else "no proof"
            if claim.expect is Status.REFUTED:
                verdict += " (erratum)"
            row("all-n", f"{derivation.name}: {claim.name} (index calculus alone)", verdict, proof_s, "-", 0.0)
    claim = _claim(derivations, "softmax_hessian", "7.2 Hessian")
    if claim is not None:
        k = claim.sizes[0][0]
        i, j = claim.indices[0][0], claim.indices[1][0]
        lhs, rhs = (differentiate(rename_bound(e)) for e in (claim.lhs, claim.rhs))
        for size in (1000,):
            started = time.perf_counter()
            agreed = 0
            for a, b in ((1, 1), (3, 997)):
                ok, differs = agree_fast(lhs, rhs, claim.given, (), {k: size, i: a, j: b}, seed=0, count=1)
                agreed += ok
            took = time.perf_counter() - started
            verdict = f"agrees at {agreed} points" if differs is None else "DIFFERS"
            row("all-n", f"softmax-CE Hessian numeric cross-check at k = {size} (2 entries)", verdict, took, "-", 0.0)


def print_table() -> None:
    header = ("section", "case", "engine", "engine s", "naive simplify", "naive s", "naive/engine")
    widths = [max(len(str(r[c])) for r in ROWS + [header]) for c in range(len(header))]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("-" * len(line))
    for r in ROWS:
        print("  ".join(str(v).ljust(w) for v, w in zip(r, widths)))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="engine against naive simplify, one table")
    parser.add_argument(
        "--timeout", type=float, default=20.0, help="time limit per case, engine and naive alike (default 20 s)"
    )
    parser.add_argument("--sizes", default="2,4,8,16,32,64", help="concrete sizes of the scaling series")
    parser.add_argument("--dir", type=Path, default=ROOT / "derivations")
    parser.add_argument("--skip-seed", action="store_true", help="leave out the seed section (it is the longest)")
    args = parser.parse_args(argv)
    loaded = load_all(discover(args.dir))
    for error in loaded.errors:
        print(f"bench: {error}", file=sys.stderr)
    started = time.perf_counter()
    if not args.skip_seed:
        seed_section(loaded.derivations, args.timeout)
    scaling_section(loaded.derivations, [int(s) for s in args.sizes.split(",")], args.timeout)
    all_sizes_section(loaded.derivations, args.timeout)
    print_table()
    print(
        f"\n{len(ROWS)} rows in {time.perf_counter() - started:.0f} s; time limit {args.timeout:g} s per case; "
        "'+' on a ratio: naive hit the limit, so the ratio is at least that; "
        "no ratio where naive did not prove (it cannot refute, nor use the given facts)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
