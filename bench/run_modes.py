"""Benchmark (not a test): `verify --all` on the bundled derivations, four ways, in one run.

    python bench/run_modes.py [--dir DIR] [--rounds N]

- cold:   an empty result cache, --jobs 1 (decides everything, fills the cache)
- warm:   the same cache again (every derivation is a hit)
- jobs 1: --no-cache --jobs 1
- jobs 2: --no-cache --jobs 2

Each mode is a fresh `python -m verifier.cli` process, timed from outside, so the
times include start-up (the `startup` line: importing the CLI, for reference). CPU
seconds (the process and its workers and time-limit children) show the work done;
on a shared machine the wall-clock ratio of --jobs 2 also reflects the others' load
(the load average is printed before and after).
Ratios are against the other modes of the same run, since the machine is shared and
absolute times drift. It also checks that every mode printed the same verdicts.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict) -> tuple[float, float, int]:
    """Wall seconds, CPU seconds of the process and all its children, exit code."""
    cpu, started = _children_cpu(), time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    took, cpu = time.perf_counter() - started, _children_cpu() - cpu
    if done.returncode not in (0, 1):
        sys.exit(f"bench: {' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return took, cpu, done.returncode


def verdicts(path: Path) -> list:
    doc = json.loads(path.read_text())
    return [(c["derivation"], c["name"], c["status"]) for d in doc["derivations"] for c in d["claims"]]


def derivation_seconds(path: Path) -> list[float]:
    return [d["seconds"] for d in json.loads(path.read_text())["derivations"]]


def best_split(seconds: list[float], workers: int) -> float:
    """The longest worker's share when derivations (longest first) go to the least loaded worker."""
    loads = [0.0] * workers
    for s in sorted(seconds, reverse=True):
        loads[loads.index(min(loads))] += s
    return max(loads)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=ROOT / "derivations")
    parser.add_argument("--rounds", type=int, default=1, help="repeat jobs 1 / jobs 2 (alternating) this many times")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="verifier-bench-"))
    env = dict(os.environ, VERIFIER_CACHE_DIR=str(work / "cache"), COLUMNS="120")
    verify = [sys.executable, "-m", "verifier.cli", "--all", "--dir", str(args.dir)]
    times: dict[str, list[float]] = {}
    reports = {}
    per_derivation: dict[str, list] = {}

    def measure(mode: str, extra: list[str]) -> None:
        report = work / f"{mode.replace(' ', '')}-{len(times.get(mode, []))}.json"
        took, cpu, code = timed(verify + extra + ["--json", str(report)], env)
        times.setdefault(mode, []).append(took)
        reports[mode] = verdicts(report)
        if mode.startswith("jobs"):
            per_derivation.setdefault(mode, []).append((took, derivation_seconds(report)))
        print(f"  {mode:8s} {took:7.2f} s wall  {cpu:7.2f} s CPU  (exit {code})", flush=True)

    print(
        f"verify --all --dir {args.dir}  ({os.cpu_count()} CPUs; python {sys.version.split()[0]}; "
        f"load average {os.getloadavg()[0]:.1f})"
    )
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", "import verifier.cli"], cwd=ROOT, check=True)
    startup = time.perf_counter() - started
    print(f"  startup  {startup:7.2f} s  (python -c 'import verifier.cli')")
    measure("cold", ["--jobs", "1"])
    measure("warm", ["--jobs", "1"])
    for _ in range(args.rounds):
        measure("jobs 1", ["--no-cache", "--jobs", "1"])
        measure("jobs 2", ["--no-cache", "--jobs", "2"])

    best = {mode: min(values) for mode, values in times.items()}
    print()
    print(
        f"warm / cold      = {best['warm'] / best['cold']:.3f}  (warm {best['warm']:.2f} s, cold {best['cold']:.2f} s)"
    )
    print(
        f"jobs 1 / jobs 2  = {best['jobs 1'] / best['jobs 2']:.2f}x speed-up  "
        f"(jobs 1 {best['jobs 1']:.2f} s, jobs 2 {best['jobs 2']:.2f} s; best of {args.rounds})"
    )
    seconds = per_derivation["jobs 1"][-1][1]
    print(
        f"bound for jobs 2 from the derivations' own times ({', '.join(f'{s:.1f}' for s in seconds)} s): "
        f"{sum(seconds) / best_split(seconds, 2):.2f}x"
    )
    # Derivation seconds summed over the wall time: about 1 when they ran one after the
    # other, about 2 when two ran at once (even if each then ran at half speed).
    for mode in ("jobs 1", "jobs 2"):
        overlap = [sum(s) / wall for wall, s in per_derivation[mode]]
        print(f"{mode}: derivation seconds / wall = {', '.join(f'{o:.2f}' for o in overlap)}")
    autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled")
    if autogroup.exists() and autogroup.read_text().strip() == "1":
        print(
            "note: the kernel shares the CPU between sessions (sched_autogroup), so on a busy machine "
            "a second worker in this session gets no extra CPU time"
        )
    print(f"load average at the end: {os.getloadavg()[0]:.1f}")
    same = all(v == reports["cold"] for v in reports.values())
    print(f"same verdicts in every mode: {same}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
