"""Benchmark (not a test): the speed targets of issue #13, side by side in one run.

    python bench/speed.py [--suite] [--dir DIR]

Each command is a fresh process, timed from outside (wall and CPU seconds of the
process and all its children), with its own empty result cache where it says cold:

- cold `verify --all --no-cache`                 target <= 15 s
- cold `verify softmax_hessian --no-cache`       target <= 3 s
- warm `verify --all` (after a run that fills the cache)   target <= 1 s
- `pytest -n 2 derivations/`, cold then warm (the plugin uses the same cache)
- with --suite: the README's `python -m pytest`  target <= 5 min (it is long)

The machine is shared, so absolute times drift with the load: the first line,
`python -c "import sympy"`, is the baseline of this run, and every row also shows
its time as a multiple of it. The load average is printed before and after.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINUTE = 60.0


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str], ok: tuple[int, ...] = (0, 1)) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the process and all its children, exit code."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode not in ok:
        sys.exit(f"bench: {' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-800:]}")
    return took, cpu, done.returncode


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="store_true", help="also time the README's `python -m pytest` (minutes)")
    parser.add_argument("--dir", default="derivations", help="folder of derivations (default: derivations)")
    parser.add_argument("--name", default="softmax_hessian", help="the single derivation timed cold")
    args = parser.parse_args()

    python = sys.executable
    verify = [python, "-m", "verifier.cli"]
    base = dict(os.environ, PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""), COLUMNS="100")
    rows: list[tuple[str, float, float, int, float | None]] = []
    print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores", flush=True)

    with tempfile.TemporaryDirectory(prefix="verifier-speed-") as scratch:

        def cache(name: str) -> dict[str, str]:
            return dict(base, VERIFIER_CACHE_DIR=str(Path(scratch) / name))

        def row(label: str, command: list[str], env: dict[str, str], target: float | None) -> None:
            wall, cpu, code = timed(command, env)
            rows.append((label, wall, cpu, code, target))
            print(f"  {label}: {wall:.1f} s", flush=True)

        row('baseline: python -c "import sympy"', [python, "-c", "import sympy"], base, None)
        row("cold verify --all --no-cache", [*verify, "--all", "--dir", args.dir, "--no-cache"], base, 15)
        row(f"cold verify {args.name} --no-cache", [*verify, args.name, "--dir", args.dir, "--no-cache"], base, 3)
        timed([*verify, "--all", "--dir", args.dir], cache("verify"))  # fills the cache, not a row
        row("warm verify --all", [*verify, "--all", "--dir", args.dir], cache("verify"), 1)
        pytest_derivations = [python, "-m", "pytest", "-p", "no:cacheprovider", "-q", "-n", "2", args.dir]
        row("cold pytest -n 2 derivations/", pytest_derivations, cache("pytest"), None)
        row("warm pytest -n 2 derivations/", pytest_derivations, cache("pytest"), None)
        if args.suite:
            row("README: python -m pytest", [python, "-m", "pytest", "-p", "no:cacheprovider", "-q"], base, 5 * MINUTE)

    baseline = rows[0][1]
    print(f"load average after: {os.getloadavg()[0]:.2f}\n")
    header = f"{'command':<40} {'wall s':>8} {'cpu s':>8} {'x base':>7} {'target s':>9}  met"
    print(header)
    print("-" * len(header))
    for label, wall, cpu, code, target in rows:
        met = "" if target is None else ("yes" if wall <= target else "NO")
        goal = "" if target is None else f"{target:g}"
        note = f"  (exit {code})" if code else ""
        print(f"{label:<40} {wall:>8.1f} {cpu:>8.1f} {wall / baseline:>7.1f} {goal:>9}  {met}{note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
