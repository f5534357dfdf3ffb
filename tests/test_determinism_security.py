"""Determinism (same report on every run and under any PYTHONHASHSEED) and security (nothing
from the command line or a file is evaluated as a string; nothing is written outside the
folders the user names)."""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from conftest import DERIVATIONS, ROOT

MIXED = textwrap.dedent(
    """
    from sympy import Eq, Matrix, Max, exp, log, sqrt, symbols
    from verifier import Claim, Derivation, Status, Step
    x, y, w = symbols("x y w")
    r, s = symbols("r s", real=True)
    p, q = symbols("p q", positive=True)
    y1, y2, y3 = symbols("y1:4", nonnegative=True)
    simplex = Eq(y1 + y2 + y3, 1)
    derivation = Derivation(name="mixed", title="many symbols, sets and dicts inside", claims=[
        Claim("simplex", lhs=y1 + y2, rhs=1 - y3, given=[simplex]),
        Claim("simplex wrong", lhs=2 * y1, rhs=y1 + y3, given=[simplex], expect=Status.REFUTED),
        Claim("complex branch", lhs=sqrt(exp(x)), rhs=exp(x / 2), expect=Status.REFUTED),
        Claim("many symbols", lhs=(x + y + w + r + s) ** 2, rhs=x**2 + y**2 + w**2 + r**2 + s**2, expect=Status.REFUTED),
        Claim("log", lhs=log(p * q), rhs=log(p) + log(q)),
        Claim("relu", lhs=Max(r, 0), rhs=r, where=[r > -1], expect=Status.REFUTED),
        Claim("matrix", lhs=Matrix([[r, s], [s, r]]) * Matrix([x, y]), rhs=Matrix([r*x + s*y, s*x + r*x])
              , expect=Status.REFUTED),
        Claim("chain", lhs=(p + q) ** 2, steps=[Step(p**2 + 2*p*q + q**2, by="expand"), Step(p*(p + 2*q) + q**2, by="cancel")]),
    ])
    """
)

#: Timings: "0.12 s", "3 s" in traces and the bare "22.9" of the summary's time column
#: (values and counterexamples print as fractions or with 15 digits, so are kept).
TIMING = re.compile(r"\b\d+(\.\d{1,2})? ?s\b|\b\d+\.\d{1,2}\b")
BLANKS = re.compile(r"[ \t]+")


def _runs(args, cwd, hashseeds) -> list[str]:
    """The reports of ``verify ARGS`` under each PYTHONHASHSEED, run side by side, timings masked."""
    processes = [subprocess.Popen([sys.executable, "-m", "verifier.cli", *args], cwd=cwd, text=True,
                                  env=dict(os.environ, PYTHONHASHSEED=seed, COLUMNS="200"),
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE) for seed in hashseeds]
    reports = []
    for process in processes:
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, out[-2000:] + err
        # Padding follows the width of the timings, so runs of blanks are compared as one.
        reports.append(BLANKS.sub(" ", TIMING.sub("<t>", out)))
    return reports


def test_same_report_across_runs_and_hash_seeds(tmp_path):
    folder = tmp_path / "derivations"
    folder.mkdir()
    (folder / "mixed.py").write_text(MIXED)
    reports = _runs(["mixed", "--dir", str(folder), "--trace"], tmp_path, ("0", "0", "1", "4242"))
    assert "complex branch" in reports[0] and "simplex wrong" in reports[0]
    assert all(r == reports[0] for r in reports[1:])


def test_bundled_report_is_the_same_under_two_hash_seeds(tmp_path):
    first, second = _runs(["--all", "--dir", str(DERIVATIONS), "--trace"], tmp_path, ("1", "987"))
    assert first == second and "softmax_hessian" in first


# --- security ------------------------------------------------------------------------------------

#: sympify and S parse strings ("x + 1" becomes code); numbers are built with Integer,
#: Rational and Float instead. exec_module in load.py runs the derivation file itself.
FORBIDDEN_CALLS = {"eval", "exec", "compile", "sympify", "S", "parse_expr", "parse_latex", "__import__"}


def test_the_package_never_evaluates_strings():
    """No eval/exec/sympify/parse_expr anywhere in the package; the only code run is the
    derivation file itself, through importlib (load.py), like pytest runs test files."""
    offenders = []
    for path in sorted((ROOT / "verifier").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
                regex = isinstance(func, ast.Attribute) and getattr(func.value, "id", None) == "re"
                if name in FORBIDDEN_CALLS and not regex:  # re.compile builds a regex, it runs nothing
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}(...)")
    assert offenders == [], "these calls can evaluate strings; build SymPy objects directly instead"


def test_a_string_claim_is_rejected_not_parsed(derivation_dir, capsys):
    """A string that would do harm if evaluated is rejected before anything looks at it."""
    from verifier.cli import main

    marker = derivation_dir.folder / "pwned"
    derivation_dir("evil", textwrap.dedent(f"""
        from verifier import Claim, Derivation
        payload = "__import__('pathlib').Path({str(marker)!r}).write_text('x')"
        derivation = Derivation(name="evil", title="t", claims=[Claim("c", lhs=payload, rhs=payload)])
        """))
    assert main(["evil", "--dir", str(derivation_dir.folder)]) == 2
    assert "strings are never parsed" in capsys.readouterr().err
    assert not marker.exists()


def test_command_line_arguments_are_never_evaluated(tmp_path, capsys):
    from verifier.cli import main

    marker = tmp_path / "pwned"
    name = f"__import__('pathlib').Path({str(marker)!r}).write_text('x')"
    assert main([name, "--dir", str(DERIVATIONS)]) == 2
    assert "no derivation named" in capsys.readouterr().err
    assert not marker.exists()


def _snapshot(folder: Path) -> set:
    return {p.relative_to(folder) for p in folder.rglob("*")}


def test_nothing_is_written_outside_the_named_folders(tmp_path):
    """verify and verify --mutate leave the working folder and the derivations folder as they were."""
    work = tmp_path / "work"
    work.mkdir()
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "mixed.py").write_text(MIXED)
    before_work, before_folder = _snapshot(work), _snapshot(folder)
    env = dict(os.environ, PYTHONHASHSEED="0")
    for args in (["--all", "--dir", str(folder)], ["--mutate", "mixed", "--dir", str(folder), "--timeout", "30"],
                 ["--list", "--dir", str(folder)]):
        done = subprocess.run([sys.executable, "-m", "verifier.cli", *args], cwd=work, env=env, capture_output=True,
                              text=True, timeout=600)
        assert done.returncode == 0 and "mixed" in done.stdout, (args, done.stdout[-2000:], done.stderr[-2000:])
    assert _snapshot(work) == before_work
    assert _snapshot(folder) == before_folder  # not even __pycache__
