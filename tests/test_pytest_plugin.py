"""The pytest plugin: `pytest derivations/` runs each claim as a test item.

The inner pytest runs (pytester) get the plugin the way users do, through the
`pytest11` entry point of the installed package: no test passes `-p`.
"""

import importlib.metadata
import textwrap

import pytest

import verifier.pytest_plugin

pytest_plugins = ["pytester"]

ALGEBRA = textwrap.dedent(
    """\
    from sympy import symbols
    from verifier import Claim, Derivation, Status, Step

    a, b = symbols("a b", real=True)
    derivation = Derivation(
        name="algebra",
        title="binomials",
        claims=[
            Claim("square", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2, by="expand"),
            Claim("erratum", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED),
            Claim("freshman", lhs=(a + b) ** 2, source="notes 2.1",
                  steps=[Step(a**2 + b**2, by="expand", note="drop the cross term"),
                         Step(b**2 + a**2, by="expand")]),
        ],
    )
    """
)
FRESHMAN_LINE = ALGEBRA.splitlines().index('        Claim("freshman", lhs=(a + b) ** 2, source="notes 2.1",') + 1


def write(pytester, relative: str, source: str):
    path = pytester.path / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(source)
    return path


def test_plugin_is_registered_through_the_pytest11_entry_point(pytester):
    entry_points = importlib.metadata.entry_points(group="pytest11")
    assert any(ep.name == "verifier" and ep.value == "verifier.pytest_plugin" for ep in entry_points)
    config = pytester.parseconfig()
    assert config.pluginmanager.get_plugin("verifier") is verifier.pytest_plugin
    loaded_from = {
        dist.project_name
        for plugin, dist in config.pluginmanager.list_plugin_distinfo()
        if plugin is verifier.pytest_plugin
    }
    assert loaded_from == {"verifier"}


def test_collects_file_then_derivation_then_claim(pytester):
    write(pytester, "derivations/algebra.py", ALGEBRA)
    result = pytester.runpytest("derivations", "--collect-only", "-q")
    result.stdout.fnmatch_lines(
        [
            "derivations/algebra.py::algebra::square",
            "derivations/algebra.py::algebra::erratum",
            "derivations/algebra.py::algebra::freshman",
            "3 tests collected*",
        ]
    )
    tree = pytester.runpytest("derivations", "--collect-only")
    tree.stdout.fnmatch_lines(["*<DerivationFile algebra.py>", "*<DerivationNode algebra>", "*<ClaimItem square>"])


def test_a_claim_passes_when_it_meets_its_expectation(pytester):
    write(pytester, "derivations/algebra.py", ALGEBRA)
    result = pytester.runpytest("derivations", "-v")
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(
        [
            "*algebra.py::algebra::square PASSED*",
            "*algebra.py::algebra::erratum PASSED*",
            "*algebra.py::algebra::freshman FAILED*",
        ]
    )


def test_failure_shows_the_failing_step_trace_and_counterexample_at_the_claim_line(pytester):
    write(pytester, "derivations/algebra.py", ALGEBRA)
    result = pytester.runpytest("derivations")
    result.stdout.fnmatch_lines(
        [
            "*algebra: freshman*",
            "claim 'freshman': expected proved, got refuted",
            f"at derivations/algebra.py:{FRESHMAN_LINE}, source notes 2.1",
            "failing step 1 of 2, by=expand (drop the cross term)*",
            "    previous: (a + b)²",
            "    this rhs: a² + b²",
            "    counterexample:",
            "        a = *",
            "        b = *",
            "        lhs = *",
            "        rhs = *",
            "    tactic trace:",
            "        numeric: refuted*",
        ]
    )
    assert "Traceback" not in result.stdout.str() and "def runtest" not in result.stdout.str()


def test_report_location_is_the_claims_line(pytester):
    write(pytester, "derivations/algebra.py", ALGEBRA)
    recorded = pytester.inline_run("derivations")
    failed = [r for r in recorded.getreports("pytest_runtest_logreport") if r.when == "call" and r.failed]
    assert len(failed) == 1
    assert failed[0].location == ("derivations/algebra.py", FRESHMAN_LINE - 1, "algebra: freshman")


def test_derivation_module_is_not_also_collected_as_a_test_module(pytester):
    source = ALGEBRA + "\n\ndef test_not_a_test():\n    raise AssertionError('derivation module collected as tests')\n"
    write(pytester, "derivations/test_named.py", source)
    for args in (["derivations"], ["derivations/test_named.py"]):
        result = pytester.runpytest(*args, "--collect-only", "-q")
        out = result.stdout.str()
        assert "test_not_a_test" not in out
        assert "derivations/test_named.py::algebra::square" in out


def test_ordinary_test_runs_are_unaffected(pytester):
    pytester.makeini("[pytest]\ntestpaths = tests\n")
    write(pytester, "tests/test_plain.py", "def test_ok():\n    pass\n")
    write(pytester, "derivations/algebra.py", ALGEBRA)
    write(pytester, "derivations/_helper.py", "raise AssertionError('helpers are not derivations')\n")
    write(pytester, "elsewhere/test_algebra.py", ALGEBRA.replace('name="algebra"', 'name="elsewhere"'))
    result = pytester.runpytest()
    result.assert_outcomes(passed=1)
    # a file outside a derivations folder is an ordinary test module (here: one without tests)
    other = pytester.runpytest("elsewhere", "--collect-only", "-q")
    assert "::elsewhere::" not in other.stdout.str()


def test_ini_option_names_the_derivation_folders(pytester):
    pytester.makeini("[pytest]\nderivation_dirs = proofs\n")
    write(pytester, "proofs/algebra.py", ALGEBRA)
    write(pytester, "derivations/other.py", ALGEBRA.replace('name="algebra"', 'name="other"'))
    result = pytester.runpytest("proofs", "derivations", "--collect-only", "-q")
    out = result.stdout.str()
    assert "proofs/algebra.py::algebra::square" in out
    assert "::other::" not in out


def test_broken_derivation_file_is_a_one_line_collection_error(pytester):
    write(pytester, "derivations/algebra.py", ALGEBRA)
    write(pytester, "derivations/broken.py", "from sympy import symbols\nx = symbols('x'\n")
    result = pytester.runpytest("derivations", "--continue-on-collection-errors")
    result.assert_outcomes(passed=2, failed=1, errors=1)
    result.stdout.fnmatch_lines(["*derivations/broken.py:2: syntax error*"])
    assert "Traceback" not in result.stdout.str()


def test_options_reach_the_engine(pytester):
    """A tiny time limit leaves a slow claim undecided, which fails an expected proof."""
    write(
        pytester,
        "derivations/_slow.py",
        textwrap.dedent(
            """\
        import time
        from sympy import Function

        class Slow(Function):
            @classmethod
            def eval(cls, x):
                if x.is_Number:
                    time.sleep(30)
                    return x
        """
        ),
    )
    write(
        pytester,
        "derivations/slow.py",
        textwrap.dedent(
            """\
        from sympy import Symbol
        from verifier import Claim, Derivation
        from _slow import Slow

        x = Symbol("x", real=True)
        derivation = Derivation(name="slow", title="slow", claims=[Claim("same", lhs=Slow(x)**2 - 1, rhs=(Slow(x) - 1)*(Slow(x) + 1))])
        """
        ),
    )
    result = pytester.runpytest("derivations", "--verifier-timeout", "0.5")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["claim 'same': expected proved, got undecided", "*time limit 0.5 s*"])


# -- the result cache: the same one as `verify` ------------------------------------------

LOGGED = ALGEBRA.replace(
    "from sympy import symbols",
    (
        "from pathlib import Path\n"
        "with open(Path(__file__).with_suffix('.log'), 'a') as log:\n"
        "    log.write('ran\\n')\n"
        "from sympy import symbols"
    ),
)


def runs_of(path) -> int:
    log = path.with_suffix(".log")
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_a_warm_run_is_served_from_the_cache(pytester, monkeypatch):
    path = write(pytester, "derivations/algebra.py", LOGGED)
    pytester.runpytest("derivations").assert_outcomes(passed=2, failed=1)
    assert runs_of(path) == 1

    def engine_must_not_run(*args, **kwargs):
        raise AssertionError("the engine ran on a warm cache")

    monkeypatch.setattr(verifier.pytest_plugin, "decide_claim", engine_must_not_run)
    result = pytester.runpytest("derivations")
    result.assert_outcomes(passed=2, failed=1)  # the same verdicts, and the failure still explained
    result.stdout.fnmatch_lines(["*claim 'freshman': expected proved, got *"])
    assert runs_of(path) == 1  # the unchanged file was not even run


def test_verify_and_pytest_share_the_cache(pytester, monkeypatch):
    from verifier.cli import main

    write(pytester, "derivations/algebra.py", ALGEBRA)
    pytester.runpytest("derivations").assert_outcomes(passed=2, failed=1)
    monkeypatch.setattr("verifier.runner.decide", lambda *a, **k: (_ for _ in ()).throw(AssertionError("decided")))
    assert main(["--all", "--dir", str(pytester.path / "derivations")]) == 1  # freshman fails, from the cache


def test_no_cache_option_decides_again(pytester, monkeypatch):
    write(pytester, "derivations/algebra.py", ALGEBRA)
    pytester.runpytest("derivations").assert_outcomes(passed=2, failed=1)
    calls = []
    real = verifier.pytest_plugin.decide_claim
    monkeypatch.setattr(verifier.pytest_plugin, "decide_claim", lambda *a, **k: calls.append(1) or real(*a, **k))
    pytester.runpytest("derivations", "--verifier-no-cache").assert_outcomes(passed=2, failed=1)
    assert len(calls) == 3


@pytest.mark.slow  # two pytest processes, each starting two workers
def test_xdist_workers_pass_and_fill_the_cache(pytester):
    """`pytest -n 2 derivations/`: claims spread over two workers; the second run is served."""
    path = write(pytester, "derivations/algebra.py", LOGGED)
    write(pytester, "derivations/other.py", ALGEBRA.replace('name="algebra"', 'name="other"'))
    cold = pytester.runpytest_subprocess("-n", "2", "derivations")
    cold.assert_outcomes(passed=4, failed=2)
    ran = runs_of(path)  # each worker collects (runs) the file once
    warm = pytester.runpytest_subprocess("-n", "2", "derivations")
    warm.assert_outcomes(passed=4, failed=2)
    assert runs_of(path) == ran  # not run again: every worker found the file's entry
