import sys
from pathlib import Path

import pytest

from verifier.engine.timeout import restart_worker

ROOT = Path(__file__).resolve().parent.parent
DERIVATIONS = ROOT / "derivations"


class _Restarting:
    """A MonkeyPatch whose changes to code reach the engine's worker process.

    The worker (``verifier.engine.timeout``) is a copy of the test process as it was
    when it started: after each setattr/setitem (and their undoing at teardown) it is
    restarted, so that ``check(..., timeout=...)`` runs with the patched engine.
    """

    CHANGES = ("setattr", "delattr", "setitem", "delitem")

    def __init__(self, patch: pytest.MonkeyPatch) -> None:
        self._patch = patch
        self.changed = False

    def __getattr__(self, name: str):
        attr = getattr(self._patch, name)
        if name not in self.CHANGES:
            return attr

        def changed(*args, **kwargs):
            result = attr(*args, **kwargs)
            self.changed = True
            restart_worker()
            return result

        return changed


@pytest.fixture
def monkeypatch(monkeypatch):
    patch = _Restarting(monkeypatch)
    yield patch
    monkeypatch.undo()
    if patch.changed:
        restart_worker()


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch):
    """Rich wraps at the terminal width; a fixed wide one keeps assertions on output stable."""
    monkeypatch.setenv("COLUMNS", "220")


@pytest.fixture(autouse=True)
def forget_helper_modules(tmp_path):
    """Helpers that a test's derivations import (``from _slow import Slow``) stay in
    sys.modules; drop them after the test, so the next test imports its own."""
    yield
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


@pytest.fixture(autouse=True)
def private_result_cache(tmp_path, monkeypatch):
    """Each test gets its own empty result cache, never ./.verifier_cache of the checkout."""
    monkeypatch.setenv("VERIFIER_CACHE_DIR", str(tmp_path / "verifier_cache"))


@pytest.fixture
def derivation_dir(tmp_path):
    """A folder of derivation files written by the test: write(name, source)."""
    folder = tmp_path / "derivations"
    folder.mkdir()

    def write(name: str, source: str) -> Path:
        path = folder / f"{name}.py"
        path.write_text(source)
        return path

    write.folder = folder
    return write


#: Fixtures that make a test slow (they decide the whole bundled library) or need TeX.
SLOW_FIXTURES = {"bundled_reports", "bundled_mutation"}
LATEX_FIXTURES = {"tex_tools"}
#: Other slow tests, by node id prefix: each runs the whole bundled library, or the
#: CLI in subprocesses (`verify --all` alone takes over a minute cold on 2 cores).
SLOW_TESTS = (
    "tests/test_cli.py::test_every_bundled_derivation_meets_its_expectations",
    "tests/test_cli.py::test_softmax_hessian_trace_exits_0",
    "tests/test_determinism_security.py::test_same_report_across_runs_and_hash_seeds",
    "tests/test_determinism_security.py::test_bundled_report_is_the_same_under_two_hash_seeds",
    "tests/test_determinism_security.py::test_nothing_is_written_outside_the_named_folders",
)


def pytest_collection_modifyitems(items):
    """Mark the slow and LaTeX tests in one place: plain `pytest` skips them (pyproject's
    addopts), `pytest -m "slow or latex"` runs them (.ci/run runs both)."""
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & LATEX_FIXTURES:
            item.add_marker(pytest.mark.latex)
        if fixtures & SLOW_FIXTURES or item.nodeid.startswith(SLOW_TESTS):
            item.add_marker(pytest.mark.slow)
