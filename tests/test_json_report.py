"""`verify --json FILE`: the documented, versioned report (docs/json-schema.md)."""

import json
import re
import textwrap

import sympy as sp

from verifier.cli import main

from conftest import ROOT

ALGEBRA = textwrap.dedent(
    """
    from sympy import symbols
    from verifier import Claim, Derivation, Status, Step
    a, b = symbols("a b", real=True)
    derivation = Derivation(
        name="algebra",
        title="binomials",
        source="notes 2",
        claims=[
            Claim("square", lhs=(a + b) ** 2, rhs=a**2 + 2*a*b + b**2, by="expand", source="notes 2.1"),
            Claim("erratum", lhs=(a + b) ** 2, rhs=a**2 + b**2, expect=Status.REFUTED),
            Claim("freshman", lhs=(a + b) ** 2,
                  steps=[Step(a**2 + b**2, by="expand"), Step(b**2 + a**2, by="expand")]),
        ],
    )
    """
)

SIMPLEX = textwrap.dedent(
    """
    from sympy import Eq, Matrix, symbols
    from verifier import Claim, Derivation, Status
    y1, y2 = symbols("y1 y2", nonnegative=True)
    derivation = Derivation(
        name="simplex",
        title="a probability vector",
        claims=[
            Claim("complement", lhs=Matrix([y1, y2]), rhs=Matrix([1 - y2, y2]), by="given",
                  given=[Eq(y1 + y2, 1)], scope="k = 2"),
            Claim("wrong entry", lhs=Matrix([y1, y2]), rhs=Matrix([y1, 1 + y2]), expect=Status.REFUTED,
                  given=[Eq(y1 + y2, 1)], scope="k = 2"),
        ],
    )
    """
)

TYPES = {
    "document": {
        "schema_version": int,
        "verifier_version": str,
        "sympy_version": str,
        "options": dict,
        "ok": bool,
        "summary": dict,
        "errors": list,
        "derivations": list,
    },
    "derivation": {
        "name": str,
        "title": str,
        "source": str,
        "file": (str, type(None)),
        "line": (int, type(None)),
        "assumptions": list,
        "given": list,
        "where": list,
        "ok": bool,
        "cached": bool,
        "seconds": float,
        "counts": dict,
        "claims": list,
        "names": dict,
    },
    "claim": {
        "derivation": str,
        "name": str,
        "title": str,
        "source": str,
        "line": (int, type(None)),
        "expected": str,
        "status": str,
        "meets_expectation": bool,
        "scope": str,
        "scope_text": str,
        "decided_by": str,
        "tactic": (str, type(None)),
        "used": list,
        "domains": list,
        "given": list,
        "where": list,
        "lhs": str,
        "rhs": str,
        "reason": str,
        "refuted_steps": list,
        "seconds": float,
        "counterexample": (dict, type(None)),
        "entry": (list, type(None)),
        "lhs_value": (str, type(None)),
        "rhs_value": (str, type(None)),
        "steps": list,
        "verdict_text": str,
        "caveat": str,
        "open_steps": list,
        "correction": (dict, type(None)),
    },
    "step": {
        "index": int,
        "by": str,
        "note": str,
        "line": (int, type(None)),
        "rhs": str,
        "status": str,
        "tactic": (str, type(None)),
        "used": list,
        "domains": list,
        "reason": str,
        "seconds": float,
        "counterexample": (dict, type(None)),
        "entry": (list, type(None)),
        "lhs_value": (str, type(None)),
        "rhs_value": (str, type(None)),
        "attempts": list,
    },
    "attempt": {"tactic": str, "outcome": str, "detail": str, "seconds": float},
}
STATUSES = {"proved", "refuted", "undecided"}


def assert_shape(obj, kind):
    assert set(obj) == set(TYPES[kind]), (kind, set(obj) ^ set(TYPES[kind]))
    for key, expected in TYPES[kind].items():
        assert isinstance(obj[key], expected), (kind, key, obj[key])


def validate(doc):
    """Every field present with its documented type, and the cross-field rules."""
    assert_shape(doc, "document")
    assert doc["schema_version"] == 2
    assert set(doc["options"]) == {"timeout", "seed"}
    assert all(isinstance(v, int) for v in doc["summary"].values())
    for d in doc["derivations"]:
        assert_shape(d, "derivation")
        assert set(d["counts"]) == STATUSES
        for c in d["claims"]:
            assert_shape(c, "claim")
            assert c["derivation"] == d["name"]
            assert c["status"] in STATUSES and c["expected"] in STATUSES
            assert c["decided_by"] in {"steps", "statement"}
            for item in ("used", "domains", "given", "where"):
                assert all(isinstance(x, str) for x in c[item])
            for holder in [c] + c["steps"]:
                if holder["counterexample"] is not None:
                    assert holder["status"] == "refuted"
                    assert all(isinstance(k, str) and isinstance(v, str) for k, v in holder["counterexample"].items())
                    assert isinstance(holder["lhs_value"], str) and isinstance(holder["rhs_value"], str)
            for step in c["steps"]:
                assert_shape(step, "step")
                assert step["status"] in STATUSES
                for attempt in step["attempts"]:
                    assert_shape(attempt, "attempt")


def run_json(derivation_dir, tmp_path, *extra):
    derivation_dir("algebra", ALGEBRA)
    derivation_dir("simplex", SIMPLEX)
    out = tmp_path / "report.json"
    code = main(["--all", "--dir", str(derivation_dir.folder), "--json", str(out), *extra])
    return code, json.loads(out.read_text())


def claims_by_name(doc):
    return {c["name"]: c for d in doc["derivations"] for c in d["claims"]}


def test_report_has_every_documented_field_with_its_type(derivation_dir, tmp_path):
    code, doc = run_json(derivation_dir, tmp_path)
    assert code == 1  # freshman has a false step
    validate(doc)
    assert [d["name"] for d in doc["derivations"]] == ["algebra", "simplex"]
    assert doc["ok"] is False
    assert doc["summary"] == {
        "derivations": 2,
        "claims": 5,
        "proved": 2,
        "refuted": 3,
        "undecided": 0,
        "as_expected": 4,
        "not_as_expected": 1,
        "errors": 0,
    }


def test_claim_fields_say_what_was_decided_and_how(derivation_dir, tmp_path):
    _, doc = run_json(derivation_dir, tmp_path)
    claims = claims_by_name(doc)
    square = claims["square"]
    assert (square["expected"], square["status"], square["meets_expectation"]) == ("proved", "proved", True)
    assert square["source"] == "notes 2.1" and square["tactic"] == "expand" and square["decided_by"] == "steps"
    assert square["lhs"] == "(a + b)**2" and square["rhs"] == "a**2 + 2*a*b + b**2"
    assert square["scope_text"] == "for all values allowed by the assumptions"
    assert square["counterexample"] is None

    freshman = claims["freshman"]
    assert freshman["meets_expectation"] is False and freshman["refuted_steps"] == [1]
    assert [s["status"] for s in freshman["steps"]] == ["refuted", "proved"]

    complement = claims["complement"]
    assert complement["scope"] == "k = 2" and complement["scope_text"] == "at k = 2 only"
    assert complement["used"] == ["y1 + y2 = 1"]
    assert complement["domains"] == ["y1, y2 nonnegative"]


def test_counterexample_really_separates_the_two_sides(derivation_dir, tmp_path):
    _, doc = run_json(derivation_dir, tmp_path)
    for name in ("erratum", "wrong entry"):
        claim = claims_by_name(doc)[name]
        assert claim["status"] == "refuted" and claim["meets_expectation"]
        point = {sp.Symbol(k): sp.sympify(v) for k, v in claim["counterexample"].items()}
        lhs, rhs = sp.sympify(claim["lhs"]), sp.sympify(claim["rhs"])
        if claim["entry"] is not None:
            lhs, rhs = lhs[tuple(claim["entry"])], rhs[tuple(claim["entry"])]
        at_lhs, at_rhs = lhs.subs(point), rhs.subs(point)
        assert at_lhs != at_rhs
        assert abs(sp.sympify(claim["lhs_value"]) - at_lhs) < 1e-12
        assert abs(sp.sympify(claim["rhs_value"]) - at_rhs) < 1e-12
    assert claims_by_name(doc)["wrong entry"]["entry"] == [1, 0]


def test_json_to_stdout_is_pure_json_and_the_trace_goes_to_stderr(derivation_dir, capsys):
    derivation_dir("algebra", ALGEBRA)
    code = main(["--all", "--dir", str(derivation_dir.folder), "--json", "-"])
    captured = capsys.readouterr()
    assert code == 1
    doc = json.loads(captured.out)
    validate(doc)
    assert "summary" in captured.err and "binomials" in captured.err


def test_broken_file_is_listed_in_errors(derivation_dir, tmp_path):
    derivation_dir("broken", "x = (\n")
    code, doc = run_json(derivation_dir, tmp_path)
    assert code == 2
    validate(doc)
    assert doc["summary"]["errors"] == 1 and doc["ok"] is False
    assert len(doc["errors"]) == 1 and "broken.py" in doc["errors"][0]


def test_unwritable_target_is_a_one_line_usage_error(derivation_dir, tmp_path, capsys):
    derivation_dir("algebra", ALGEBRA)
    code = main(["--all", "--dir", str(derivation_dir.folder), "--json", str(tmp_path / "no" / "such" / "r.json")])
    err = capsys.readouterr().err
    assert code == 2
    assert "cannot write the JSON report" in err and len(err.strip().splitlines()) == 1


def test_every_emitted_field_is_documented(derivation_dir, tmp_path):
    doc_text = (ROOT / "docs" / "json-schema.md").read_text()
    documented = set(re.findall(r"`([a-z_]+)`", doc_text))
    for kind, fields in TYPES.items():
        missing = set(fields) - documented
        assert not missing, (kind, missing)


def test_file_is_relative_to_the_current_folder_when_inside_it(derivation_dir, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, doc = run_json(derivation_dir, tmp_path)
    assert [d["file"] for d in doc["derivations"]] == ["derivations/algebra.py", "derivations/simplex.py"]
