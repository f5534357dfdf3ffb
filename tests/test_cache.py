"""The result cache: an unchanged derivation is not decided again; anything else is.

conftest gives each test its own empty cache folder through $VERIFIER_CACHE_DIR.
"""

import os
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest
import sympy as sp
from sympy.core.parameters import global_parameters

import verifier.cache
import verifier.runner
from verifier.cache import ResultCache
from verifier.cli import main
from verifier.load import discover, load_file
from verifier.model import Status

from conftest import ROOT

SQUARE = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation, Status
    a, b = symbols("a b", real=True)
    derivation = Derivation(
        name="square",
        title="binomial square",
        claims=[
            Claim("expand", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2, by="expand"),
            Claim("erratum", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED),
        ],
    )
    """
)


@pytest.fixture
def engine_calls(monkeypatch):
    """Counts the runner's calls into the engine (it still decides)."""
    calls = []
    real = verifier.runner.decide
    real_workers = verifier.runner._in_workers

    def counting(derivation, **kwargs):
        calls.append(derivation.name)
        return real(derivation, **kwargs)

    def in_workers(derivations, todo, *args, **kwargs):  # claim by claim, in worker processes
        left = real_workers(derivations, todo, *args, **kwargs)
        calls.extend(derivations[i].name for i in todo if i not in left)
        return left

    monkeypatch.setattr(verifier.runner, "decide", counting)
    monkeypatch.setattr(verifier.runner, "_in_workers", in_workers)
    return calls


def verify(folder, *extra):
    return main(["--all", "--dir", str(folder), *extra])


def cache_entries() -> list[Path]:
    return sorted(Path(os.environ["VERIFIER_CACHE_DIR"]).glob("*.pickle"))


def file_entries() -> list[Path]:
    """Entries of whole files (looked up before running them)."""
    return [p for p in cache_entries() if p.name.endswith(".file.pickle")]


def test_warm_run_does_not_call_the_engine(derivation_dir, monkeypatch, capsys):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    cold = capsys.readouterr().out
    assert len(file_entries()) == 1 and len(cache_entries()) == 2  # the file, and its one derivation

    def engine_must_not_run(*args, **kwargs):
        raise AssertionError("the engine ran on a warm cache")

    monkeypatch.setattr(verifier.runner, "decide", engine_must_not_run)
    assert verify(derivation_dir.folder) == 0
    warm = capsys.readouterr().out
    assert "(1 from the cache)" in warm
    for text in ("binomial square", "2/2", "refuted as expected"):
        assert text in cold and text in warm


def test_cached_report_is_the_engines_report_for_the_current_claims(derivation_dir):
    path = derivation_dir("square", SQUARE)
    derivation = load_file(path)[0]
    fresh = verifier.runner.run([derivation], timeout=60, seed=0, cache=ResultCache())[0]
    assert not fresh.cached
    again = load_file(path)[0]  # a new load: new objects, same content
    hit = verifier.runner.run([again], timeout=60, seed=0, cache=ResultCache())[0]
    assert hit.cached
    assert [c.status for c in hit.report.claims] == [Status.PROVED, Status.REFUTED]
    assert [c.status for c in hit.report.claims] == [c.status for c in fresh.report.claims]
    assert hit.report.claims[1].witness.counterexample == fresh.report.claims[1].witness.counterexample
    assert hit.report.derivation is again
    assert all(c.claim is claim for c, claim in zip(hit.report.claims, again.claims))
    for cached, computed in zip(hit.report.claims, fresh.report.claims):
        for a, b in zip(cached.steps, computed.steps):
            assert sp.srepr(a.previous) == sp.srepr(b.previous) and a.previous == b.previous
            assert a.result == replace(b.result, seconds=a.result.seconds)


def test_whole_file_entry_gives_back_equal_derivations_and_reports(derivation_dir, tmp_path):
    """The stored expressions are rebuilt without evaluation: they must be the same trees."""
    derivation_dir("square", SQUARE)
    derivation_dir(
        "softmax",
        (ROOT / "derivations" / "softmax_hessian.py").read_text().replace("for k in (2, 3, 4)", "for k in (2,)"),
    )
    paths = discover(derivation_dir.folder)
    cold_cache = ResultCache()
    cold = verifier.runner.run(cold_cache.load_all(paths, 60, 0).derivations, timeout=60, seed=0, cache=cold_cache)
    warm_cache = ResultCache()
    loaded = warm_cache.load_all(paths, 60, 0)
    warm = verifier.runner.run(loaded.derivations, timeout=60, seed=0, cache=warm_cache)
    assert all(o.cached for o in warm) and not any(o.cached for o in cold)
    for w, c in zip(warm, cold):
        assert w.report.derivation == c.report.derivation
        for cw, cc in zip(w.report.claims, c.report.claims):
            assert sp.srepr(cw.claim.lhs) == sp.srepr(cc.claim.lhs)
            assert hash(cw.claim.lhs) == hash(cc.claim.lhs)
            assert cw.status is cc.status and cw.conclusion == cc.conclusion
            assert [s.result for s in cw.steps] == [s.result for s in cc.steps]


def test_changed_file_is_decided_again(derivation_dir, engine_calls):
    path = derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    path.write_text(SQUARE.replace("rhs=a**2 + 2*a*b + b**2", "rhs=a**2 + 3*a*b + b**2"))
    assert verify(derivation_dir.folder) == 1  # now a false claim: the cached proof must not be served
    assert engine_calls == ["square", "square"]


def test_changed_comment_is_decided_again(derivation_dir, engine_calls):
    """The key is the file's bytes: any edit is a miss (cheap and never stale)."""
    path = derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    path.write_text(SQUARE + "# a comment\n")
    assert verify(derivation_dir.folder) == 0
    assert engine_calls == ["square", "square"]


def test_changed_helper_module_is_decided_again(derivation_dir, engine_calls, monkeypatch):
    helper = derivation_dir("_shared", "CROSS = 2\n")
    derivation_dir("square", "from _shared import CROSS\n" + SQUARE.replace("2*a*b", "CROSS*a*b"))
    assert verify(derivation_dir.folder) == 0
    assert "_shared" not in sys.modules  # the file ran in a child process
    helper.write_text("CROSS = 3\n")
    assert verify(derivation_dir.folder) == 1
    assert engine_calls == ["square", "square"]


@pytest.mark.parametrize("options", [["--seed", "1"], ["--timeout", "30"]])
def test_options_that_change_results_are_part_of_the_key(derivation_dir, engine_calls, options):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder, *options) == 0
    assert engine_calls == ["square", "square"]


def test_a_changed_verifier_is_a_miss(derivation_dir, engine_calls, monkeypatch):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    monkeypatch.setattr(verifier.cache, "_verifier_fingerprint", lambda: "another engine")
    assert verify(derivation_dir.folder) == 0
    assert engine_calls == ["square", "square"]


def test_no_cache_neither_reads_nor_writes(derivation_dir, engine_calls):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder, "--no-cache") == 0
    assert cache_entries() == []
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder, "--no-cache") == 0
    assert engine_calls == ["square", "square", "square"]


@pytest.mark.parametrize("garbage", [b"", b"not a pickle", b"\x80\x04\x95\xff\xff"])
def test_corrupt_entry_is_ignored_and_replaced(derivation_dir, engine_calls, garbage, capsys):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    assert len(cache_entries()) == 2
    for entry in cache_entries():
        entry.write_bytes(garbage)
    assert verify(derivation_dir.folder) == 0
    assert engine_calls == ["square", "square"]
    assert verify(derivation_dir.folder) == 0  # the entry was written again: a hit
    assert engine_calls == ["square", "square"]
    assert "verify:" not in capsys.readouterr().err


def test_entry_of_another_derivation_is_ignored(derivation_dir):
    """A file that unpickles fine but holds the wrong report is a miss, not a verdict."""
    path = derivation_dir("square", SQUARE)
    other = derivation_dir("other", SQUARE.replace('name="square"', 'name="other"'))
    cache = ResultCache()
    square, impostor = load_file(path)[0], load_file(other)[0]
    report = verifier.runner.run([impostor], timeout=60, seed=0)[0].report
    cache.folder.mkdir(parents=True)
    (cache.folder / f"{cache.key(square, 60, 0)}.pickle").write_bytes(__import__("pickle").dumps(report))
    assert cache.load(square, 60, 0) is None


def test_unwritable_cache_folder_is_not_fatal(derivation_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("VERIFIER_CACHE_DIR", str(blocker))
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0


def test_report_that_cannot_be_pickled_is_simply_not_cached(derivation_dir, engine_calls):
    """A Function class defined in the derivation module is not importable by pickle."""
    derivation_dir(
        "own_function",
        textwrap.dedent(
            """
        from sympy import Function, Symbol
        from verifier import Claim, Derivation

        class double(Function):
            @classmethod
            def eval(cls, x):
                if x.is_Number:
                    return 2 * x

        x = Symbol("x", real=True)
        derivation = Derivation(name="own_function", title="own function",
                                claims=[Claim("sum", lhs=double(x) ** 2, rhs=double(x) * double(x))])
        """
        ),
    )
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder) == 0
    assert engine_calls == ["own_function", "own_function"]


def test_cache_folder_is_ignored_by_git_wherever_it_is(derivation_dir):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    folder = Path(os.environ["VERIFIER_CACHE_DIR"])
    assert (folder / ".gitignore").read_text().strip().endswith("*")
    assert (folder / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")


def test_verdict_that_ran_out_of_time_is_not_cached(derivation_dir, engine_calls):
    """A time limit depends on the machine's load, not on the key: decide it again next time."""
    derivation_dir(
        "_slow",
        "import time\nfrom sympy import Function\n\n"
        "class Slow(Function):\n    @classmethod\n    def eval(cls, x):\n"
        "        if x.is_Number:\n            time.sleep(60)\n            return x\n",
    )
    derivation_dir(
        "hang",
        textwrap.dedent(
            """
        from sympy import Symbol
        from verifier import Claim, Derivation
        from _slow import Slow
        x = Symbol("x", real=True)
        derivation = Derivation(name="hang", title="hang",
                                claims=[Claim("same", lhs=Slow(x)**2 - 1, rhs=(Slow(x) - 1)*(Slow(x) + 1))])
        """
        ),
    )
    assert verify(derivation_dir.folder, "--timeout", "0.5") == 1
    assert verify(derivation_dir.folder, "--timeout", "0.5") == 1
    assert engine_calls == ["hang", "hang"]
    assert cache_entries() == []


LOGGED = SQUARE.replace(
    "from sympy import symbols",
    "from pathlib import Path\nwith open(Path(__file__).with_suffix('.log'), 'a') as log:\n"
    "    log.write('ran\\n')\nfrom sympy import symbols",
)


def runs_of(path: Path) -> int:
    log = path.with_suffix(".log")
    return len(log.read_text().splitlines()) if log.exists() else 0


def test_warm_all_does_not_even_run_unchanged_files(derivation_dir, engine_calls, tmp_path):
    path = derivation_dir("square", LOGGED)
    report = tmp_path / "report.json"
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder, "--json", str(report)) == 0
    assert runs_of(path) == 1 and engine_calls == ["square"]
    doc = __import__("json").loads(report.read_text())
    assert doc["derivations"][0]["cached"] is True
    assert [c["status"] for c in doc["derivations"][0]["claims"]] == ["proved", "refuted"]


def test_changed_module_imported_from_elsewhere_is_decided_again(derivation_dir, engine_calls, tmp_path, monkeypatch):
    library = tmp_path / "library"
    library.mkdir()
    (library / "model.py").write_text("CROSS = 2\n")
    monkeypatch.syspath_prepend(str(library))
    path = derivation_dir("square", "from model import CROSS\n" + LOGGED.replace("2*a*b", "CROSS*a*b"))
    assert verify(derivation_dir.folder) == 0
    assert "model" not in sys.modules  # the file ran in a child process
    (library / "model.py").write_text("CROSS = 2  # same value, new bytes\n")
    assert verify(derivation_dir.folder) == 0
    assert runs_of(path) == 2  # the file ran again: an imported module changed...
    # ...and its code may run inside the engine (a Function's own derivative), which the
    # derivation's pickle does not show: decided again.
    assert engine_calls == ["square", "square"]
    (library / "model.py").write_text("CROSS = 3\n")
    assert verify(derivation_dir.folder) == 1
    assert runs_of(path) == 3 and engine_calls == ["square", "square", "square"]
    assert verify(derivation_dir.folder) == 1
    assert runs_of(path) == 3 and engine_calls == ["square", "square", "square"]  # unchanged: a hit


def test_verify_by_name_uses_the_derivation_entries(derivation_dir, engine_calls, capsys):
    derivation_dir("square", SQUARE)
    assert verify(derivation_dir.folder) == 0
    assert main(["square", "--dir", str(derivation_dir.folder)]) == 0
    assert engine_calls == ["square"]
    assert "binomial square" in capsys.readouterr().out


def test_reading_an_entry_leaves_evaluation_on(derivation_dir):
    """Entries are read with evaluate(False); later constructions must still evaluate."""
    derivation_dir(
        "unevaluated",
        textwrap.dedent(
            """
        from sympy import Integer, Matrix, Pow, Symbol
        from verifier import Claim, Derivation
        x = Symbol("x", real=True)
        nine = Pow(Integer(3), Integer(2), evaluate=False)
        derivation = Derivation(name="unevaluated", title="3**2 as written",
                                claims=[Claim("nine", lhs=Matrix([nine * x]), rhs=Matrix([9 * x]))])
        """
        ),
    )
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder) == 0  # read back from the cache
    assert sp.Pow(sp.Integer(3), sp.Integer(2)) == 9 and sp.Pow(sp.Integer(3), sp.Integer(2)).is_Integer
    assert global_parameters.evaluate is True


HELPER_BY_PATH = """
import runpy
from pathlib import Path
CROSS = runpy.run_path(str(Path(__file__).parent.parent / "lib" / "cross.py"))["CROSS"]
"""


def test_a_helper_run_by_path_is_part_of_the_key(derivation_dir, engine_calls, tmp_path):
    """A module run by file path never reaches sys.modules; the audit hook still sees it read."""
    lib = tmp_path / "lib"
    lib.mkdir()
    (lib / "cross.py").write_text("CROSS = 2\n")
    derivation_dir("square", HELPER_BY_PATH + SQUARE.replace("2*a*b", "CROSS*a*b"))
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder) == 0
    assert engine_calls == ["square"]
    (lib / "cross.py").write_text("CROSS = 3\n")
    assert verify(derivation_dir.folder) == 1  # a stale entry would say 0
    assert engine_calls == ["square", "square"]


def test_a_data_file_read_while_loading_is_part_of_the_key(derivation_dir, engine_calls, tmp_path):
    (tmp_path / "cross.txt").write_text("2")
    reads = 'CROSS = int((Path(__file__).parent.parent / "cross.txt").read_text())\nfrom pathlib import Path\n'
    derivation_dir("square", "from pathlib import Path\n" + reads + SQUARE.replace("2*a*b", "CROSS*a*b"))
    assert verify(derivation_dir.folder) == 0
    (tmp_path / "cross.txt").write_text("3")
    assert verify(derivation_dir.folder) == 1
    assert engine_calls == ["square", "square"]


LIMIT = """
from sympy import Limit, Symbol, sin
from verifier import Claim, Derivation, Status
x = Symbol("x", real=True)
derivation = Derivation(name="limit", title="a limit: beyond what the engine decides", claims=[
    Claim("wiggle", lhs=Limit(x * sin(1 / x), x, 0), rhs=0, expect=Status.UNDECIDED),  # outside the limit rules
])
"""


def test_a_claim_beyond_the_engine_is_stored_like_any_verdict(derivation_dir, engine_calls):
    """Undecided because it is a limit is not a machine's time limit: a warm run serves it."""
    derivation_dir("limit", LIMIT)
    assert verify(derivation_dir.folder) == 0
    assert verify(derivation_dir.folder) == 0
    assert engine_calls == ["limit"]
