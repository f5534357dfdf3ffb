"""The seed library: every claim of the seed encoded with its citation, each erratum
kept as written next to its correction (verdicts themselves: test_cli runs verify --all)."""

from sympy import Matrix

from conftest import DERIVATIONS
from verifier import Status, decide_claim
from verifier.load import discover, load_all

# Section 2 and claim 7.4 belong to the all-n work (batch_norm.py and the softmax rewrite).
CLAIMS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "3.1", "3.2", "3.3", "3.4", "3.5", "3.6",
          "4.1", "4.2", "5.1", "5.2", "5.3", "6.1", "6.2", "6.3", "6.4", "6.5", "7.1", "7.2", "7.3"]
ERRATA = ["1.1e", "1.3e", "1.5e", "3.2e", "6.4e"]


def _library():
    loaded = load_all(discover(DERIVATIONS))
    assert not loaded.errors, loaded.errors
    return loaded.derivations


def test_every_claim_and_erratum_is_cited():
    sources = {c.source for d in _library() for c in d.claims}
    missing = [n for n in CLAIMS + ERRATA if f"seed {n}" not in sources]
    assert not missing, missing


def test_each_erratum_is_expected_refuted_and_has_a_correction():
    claims = [c for d in _library() for c in d.claims]
    sources = {c.source for c in claims}
    for c in claims:
        if c.source.startswith("seed ") and c.source.endswith("e"):
            assert c.expect is Status.REFUTED, c.name
            assert c.source[:-1] in sources, f"{c.source} has no corrected claim"


def _claim(derivation_name, claim_name):
    for d in _library():
        if d.name == derivation_name:
            return next(c for c in d.claims if c.name == claim_name)
    raise LookupError(derivation_name)


def test_definiteness_erratum_is_refuted_by_a_rank_deficient_x():
    claim = _claim("logistic_regression", "1.5e Hessian positive definite as written [n=2, p=2]")
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.REFUTED
    result = report.conclusion
    point = result.counterexample
    X = Matrix(2, 2, lambda i, j: point[next(s for s in point if str(s) == f"x{i + 1}{j + 1}")])
    v = Matrix(result.vector)
    assert X.rank() < 2 and X * v == Matrix([0, 0])


def test_limits_of_newton_are_undecided_with_a_witness():
    claim = _claim("newton", "6.3 quadratic convergence")
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.UNDECIDED
    assert "limit" in report.conclusion.reason and "numerical witness" in report.conclusion.reason
