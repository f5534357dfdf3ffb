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

import pytest

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
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "verifier.cli", *args],
            cwd=cwd,
            text=True,
            env=dict(os.environ, PYTHONHASHSEED=seed, COLUMNS="200"),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for seed in hashseeds
    ]
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
    derivation_dir(
        "evil",
        textwrap.dedent(f"""
        from verifier import Claim, Derivation
        payload = "__import__('pathlib').Path({str(marker)!r}).write_text('x')"
        derivation = Derivation(name="evil", title="t", claims=[Claim("c", lhs=payload, rhs=payload)])
        """),
    )
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
    for args in (
        ["--all", "--dir", str(folder)],
        ["--mutate", "mixed", "--dir", str(folder), "--timeout", "30"],
        ["--list", "--dir", str(folder)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "verifier.cli", *args],
            cwd=work,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0 and "mixed" in done.stdout, (args, done.stdout[-2000:], done.stderr[-2000:])
    assert _snapshot(work) == before_work
    assert _snapshot(folder) == before_folder  # not even __pycache__


# -- loading a derivation file runs under the time limit, in a child process ----------------

GOOD = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation
    a, b = symbols("a b", real=True)
    derivation = Derivation(name="good", title="still checked",
                            claims=[Claim("expand", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2)])
    """
)

HOSTILE = {
    "spins": ("while True:\n    pass\n", "time limit of 5 s"),
    "escapes": ("class Escape(BaseException):\n    pass\n\nraise Escape('out')\n", "Escape (a BaseException)"),
    "exits": ("import os\nos._exit(0)\n", "ended early: worker process died (exit code 0)"),
    "exits_nonzero": ("import os\nos._exit(3)\n", "exit code 3"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))  # a step's limit of 3 s; loading gets at least 5 s
def test_a_hostile_file_is_one_line_and_the_others_are_still_checked(name, derivation_dir, capsys):
    from verifier.cli import main

    source, says = HOSTILE[name]
    bad = derivation_dir(name, source)
    derivation_dir("good", GOOD)
    assert main(["--all", "--dir", str(derivation_dir.folder), "--timeout", "3", "--no-cache"]) == 2
    out, err = capsys.readouterr()
    errors = [line for line in err.splitlines() if line.startswith("verify:")]
    assert len(errors) == 1 and str(bad) in errors[0] and says in errors[0], err
    assert "good" in out and "1/1" in out  # the good derivation was decided, as expected


def test_a_hostile_file_named_alone_exits_2(derivation_dir, capsys):
    from verifier.cli import main

    bad = derivation_dir("exits", HOSTILE["exits"][0])
    assert main([str(bad), "--timeout", "3"]) == 2
    assert str(bad) in capsys.readouterr().err


def test_loading_leaves_this_process_alone(derivation_dir):
    """The file's imports and module-level state stay in the child that ran it."""
    from verifier.load import load_isolated

    derivation_dir("_side", "import sys\nsys.flags_from_helper = True\n")
    path = derivation_dir("good", "import _side\n" + GOOD)
    loaded = load_isolated(path, timeout=30)
    assert [d.name for d in loaded.derivations] == ["good"]
    assert "_side" not in sys.modules and not hasattr(sys, "flags_from_helper")
    assert str(derivation_dir.folder / "_side.py") in loaded.imported


def test_derivations_that_do_not_pickle_are_loaded_here(derivation_dir):
    """A Function subclass of the file's own cannot travel back by pickle: it is run again here."""
    from verifier.load import load_isolated

    own_function = "from sympy import Function\nclass f(Function):\n    pass\n"
    path = derivation_dir("own", own_function + GOOD.replace("lhs=(a + b) ** 2", "lhs=(a + b) ** 2 + f(a) - f(a)"))
    loaded = load_isolated(path, timeout=30)
    assert [d.name for d in loaded.derivations] == ["good"]


@pytest.mark.slow
def test_bundled_derivations_survive_the_trip_back_unchanged():
    """Loaded in a child and unpickled here, every claim equals the one built in this process."""
    from verifier.load import discover, load_isolated

    for path in discover(DERIVATIONS):
        isolated, here = load_isolated(path, timeout=120).derivations, load_isolated(path, timeout=None).derivations
        assert isolated == here
        for a, b in zip(isolated, here, strict=True):
            assert [(c.lhs, c.rhs, c.given, c.where) for c in a.claims] == [
                (c.lhs, c.rhs, c.given, c.where) for c in b.claims
            ]
            assert [(c.line, a.file) for c in a.claims] == [(c.line, b.file) for c in b.claims]
