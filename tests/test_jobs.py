"""`verify --jobs N`: derivations in worker processes, reported in the input order."""

import json
import textwrap
import time

from verifier.cli import main
from verifier.load import discover, load_all
from verifier.model import Status
from verifier.runner import run

# Slow(x) is x, but takes `delay` seconds to evaluate at a number: a derivation that
# uses it finishes late without using the CPU (the machine is shared).
SLOW = textwrap.dedent(
    """
    import time
    from sympy import Function

    def slow_function(delay):
        class Slow(Function):
            @classmethod
            def eval(cls, x):
                if x.is_Number:
                    time.sleep(delay)
                    return x
        Slow.__name__ = Slow.__qualname__ = f"Slow{int(delay * 1000)}"
        return Slow

    Slow50 = slow_function(0.05)
    Slow60000 = slow_function(60)
    """
)


def slow_derivation(name: str, function: str) -> str:
    return textwrap.dedent(
        f"""
        from sympy import Symbol
        from verifier import Claim, Derivation, Status
        from _slow import {function} as Slow
        x = Symbol("x", real=True)
        derivation = Derivation(
            name="{name}",
            title="{name}",
            claims=[
                Claim("difference of squares", lhs=Slow(x)**2 - 1, rhs=(Slow(x) - 1)*(Slow(x) + 1), by="expand"),
                Claim("erratum", lhs=Slow(x)**2 - 1, rhs=(Slow(x) - 1)**2, expect=Status.REFUTED),
            ],
        )
        """
    )


def quick_derivation(name: str, power: int) -> str:
    return textwrap.dedent(
        f"""
        from sympy import symbols
        from verifier import Claim, Derivation, Status
        a, b = symbols("a b", real=True)
        derivation = Derivation(
            name="{name}",
            title="{name}",
            claims=[
                Claim("power", lhs=(a + b) ** {power}, rhs=((a + b) ** {power}).expand(), by="expand"),
                Claim("erratum", lhs=(a + b) ** {power}, rhs=a**{power} + b**{power}, expect=Status.REFUTED),
            ],
        )
        """
    )


def three_derivations(derivation_dir):
    """The first one in file order finishes last."""
    derivation_dir("_slow", SLOW)
    derivation_dir("a_slow", slow_derivation("a_slow", "Slow50"))
    derivation_dir("b_quick", quick_derivation("b_quick", 2))
    derivation_dir("c_quick", quick_derivation("c_quick", 3))
    return derivation_dir.folder


def without_times(doc):
    """The JSON report without what legitimately differs between runs."""
    if isinstance(doc, dict):
        return {k: without_times(v) for k, v in doc.items() if k not in ("seconds", "cached")}
    if isinstance(doc, list):
        return [without_times(v) for v in doc]
    return doc


def test_jobs_2_gives_the_same_report_as_jobs_1(derivation_dir, tmp_path, capsys):
    folder = three_derivations(derivation_dir)
    docs, outputs = [], []
    for jobs in ("1", "2"):
        target = tmp_path / f"jobs{jobs}.json"
        assert main(["--all", "--dir", str(folder), "--no-cache", "--jobs", jobs, "--json", str(target)]) == 0
        docs.append(json.loads(target.read_text()))
        outputs.append(capsys.readouterr().out)
    assert without_times(docs[0]) == without_times(docs[1])
    assert [d["name"] for d in docs[1]["derivations"]] == ["a_slow", "b_quick", "c_quick"]
    for out in outputs:
        assert out.index("a_slow") < out.index("b_quick") < out.index("c_quick")


def test_reports_come_in_the_input_order_when_workers_finish_out_of_order(derivation_dir):
    loaded = load_all(discover(three_derivations(derivation_dir)))
    finished = []
    outcomes = run(
        loaded.derivations,
        timeout=60,
        seed=0,
        jobs=2,
        on_report=lambda outcome: finished.append(outcome.report.derivation.name),
    )
    assert finished == ["a_slow", "b_quick", "c_quick"]
    assert [o.report.derivation.name for o in outcomes] == finished
    assert all(o.report.derivation is d for o, d in zip(outcomes, loaded.derivations))
    assert all(o.report.ok for o in outcomes)


def test_time_limits_still_work_under_jobs_2(derivation_dir, tmp_path):
    """Workers are not daemonic: each can still fork the child that is stopped at the limit."""
    derivation_dir("_slow", SLOW)
    derivation_dir("hang", slow_derivation("hang", "Slow60000"))
    derivation_dir("quick", quick_derivation("quick", 2))
    target = tmp_path / "report.json"
    started = time.monotonic()
    code = main(
        [
            "--all",
            "--dir",
            str(derivation_dir.folder),
            "--no-cache",
            "--jobs",
            "2",
            "--timeout",
            "1",
            "--json",
            str(target),
        ]
    )
    took = time.monotonic() - started
    doc = json.loads(target.read_text())
    hang, quick = doc["derivations"]
    assert code == 1  # the hanging claim is undecided, not proved
    assert took < 40  # each check is stopped after 1 s, not after its 60 s sleep
    assert [c["status"] for c in hang["claims"]] == [Status.UNDECIDED, Status.UNDECIDED]
    assert all("time limit 1 s" in c["reason"] for c in hang["claims"])
    assert quick["ok"] and [c["status"] for c in quick["claims"]] == [Status.PROVED, Status.REFUTED]


def test_report_that_cannot_travel_back_is_decided_in_the_main_process(derivation_dir, capsys):
    derivation_dir(
        "own",
        textwrap.dedent(
            """
        from sympy import Function, Symbol
        from verifier import Claim, Derivation

        class double(Function):  # defined in the derivation module: pickle cannot import it
            @classmethod
            def eval(cls, x):
                if x.is_Number:
                    return 2 * x

        x = Symbol("x", real=True)
        derivation = Derivation(name="own", title="own function",
                                claims=[Claim("square", lhs=double(x) ** 2, rhs=double(x) * double(x))])
        """
        ),
    )
    derivation_dir("quick", quick_derivation("quick", 2))
    assert main(["--all", "--dir", str(derivation_dir.folder), "--no-cache", "--jobs", "2"]) == 0
    out = capsys.readouterr().out
    assert out.index("own function") < out.index("quick")


def test_jobs_must_be_positive(derivation_dir, capsys):
    derivation_dir("quick", quick_derivation("quick", 2))
    assert main(["--all", "--dir", str(derivation_dir.folder), "--jobs", "0"]) == 2
    assert "--jobs must be at least 1" in capsys.readouterr().err


def test_derivations_of_a_worker_that_died_are_decided_in_the_main_process(derivation_dir):
    """Without a time limit the checks run in the worker itself; here it dies at the first number."""
    derivation_dir(
        "_fatal",
        textwrap.dedent(
            """
        import multiprocessing, os
        from sympy import Function

        class Fatal(Function):
            @classmethod
            def eval(cls, x):
                if x.is_Number:
                    if multiprocessing.parent_process() is not None:
                        os._exit(3)  # only in a worker
                    return x
        """
        ),
    )
    derivation_dir("a_fatal", slow_derivation("a_fatal", "Fatal").replace("from _slow", "from _fatal"))
    derivation_dir("b_quick", quick_derivation("b_quick", 2))
    loaded = load_all(discover(derivation_dir.folder))
    outcomes = run(loaded.derivations, timeout=None, seed=0, jobs=2)
    assert [o.report.derivation.name for o in outcomes] == ["a_fatal", "b_quick"]
    assert [[c.status for c in o.report.claims] for o in outcomes] == [[Status.PROVED, Status.REFUTED]] * 2
