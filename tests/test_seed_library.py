"""The seed library: every claim of the seed encoded with its citation, each erratum
kept as written next to its correction, the claims the seed makes for any size stated
for symbolic sizes (verdicts of the whole library: test_cli runs verify --all)."""

import re

import pytest
from sympy import Matrix

from verifier import Status, decide_claim
from verifier.load import discover, load_all

from conftest import DERIVATIONS

CLAIMS = [
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "1.6",
    "2.1",
    "2.2",
    "2.3",
    "2.4",
    "2.5",
    "2.6",
    "3.1",
    "3.2",
    "3.3",
    "3.4",
    "3.5",
    "3.6",
    "4.1",
    "4.2",
    "5.1",
    "5.2",
    "5.3",
    "6.1",
    "6.2",
    "6.3",
    "6.4",
    "6.5",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
]
ERRATA = [
    "1.1e",
    "1.3e",
    "1.5e",
    "2.5e",
    "3.2e",
    "6.4e",  # the first reading
    "1.3be",
    "5.2e",
    "7.1e-a",
    "7.1e-b",
    "7.2e",
    "7.3e",
]  # the second reading
#: Claims the seed states for any number of examples, features, classes or units.
GENERAL_SIZES = ["1.2", "1.3", "1.4", "1.5", "1.6", "3.1", "3.4", "3.5", "3.6", "4.1", "5.1", "7.1", "7.2", "7.3"]

_CITED = re.compile(r"\d+\.\d+(?:[a-z]+(?:-[a-z])?)?")


def _library():
    loaded = load_all(discover(DERIVATIONS))
    assert not loaded.errors, loaded.errors
    return loaded.derivations


def _claims():
    return [c for d in _library() for c in d.claims]


def cited(claim) -> set[str]:
    """The seed numbers a claim cites: 'seed 7.1, 3.2' cites 7.1 and 3.2."""
    if not claim.source.startswith("seed "):
        return set()
    return set(_CITED.findall(claim.source.split("(")[0]))


def test_citations_are_read_as_numbers():
    class Source:
        def __init__(self, source):
            self.source = source

    assert cited(Source("seed 7.1, 3.2")) == {"7.1", "3.2"}
    assert cited(Source("seed 7.1e-b")) == {"7.1e-b"}
    assert cited(Source("seed 2.5e (support: the arithmetic)")) == {"2.5e"}


def test_every_claim_and_erratum_is_cited():
    sources = set().union(*(cited(c) for c in _claims()))
    missing = [n for n in CLAIMS + ERRATA if n not in sources]
    assert not missing, missing


def test_each_erratum_is_expected_refuted_and_has_a_correction():
    claims = _claims()
    corrected = {n for c in claims if c.expect is Status.PROVED for n in cited(c)}
    # (a claim whose source says "support" proves the arithmetic behind an erratum's counterexample)
    errata = [(c, n) for c in claims for n in cited(c) if not n[-1].isdigit() and "support" not in c.source]
    assert {n for _, n in errata} == set(ERRATA)
    for claim, number in errata:
        assert claim.expect is Status.REFUTED, claim.name
        assert re.match(r"\d+\.\d+", number).group() in corrected, f"{number} has no corrected claim"


def test_claims_the_seed_makes_for_any_size_are_stated_for_symbolic_sizes():
    sized = {n for c in _claims() if c.sizes and c.expect is Status.PROVED for n in cited(c)}
    missing = [n for n in GENERAL_SIZES if n not in sized]
    assert not missing, missing


def test_explicit_sizes_are_kept_only_next_to_an_undecided_all_size_form_or_at_the_seeds_own_size():
    # a claim at an explicit size costs time; the cross-check of the all-size claim covers it
    explicit = [c for c in _claims() if "[" in c.name and c.scope and not c.sizes]
    allowed = {"1.5", "1.5e", "7.3", "7.3e", "5.2", "5.3"}
    assert all(cited(c) <= allowed for c in explicit), [c.name for c in explicit if not cited(c) <= allowed]


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


def test_newton_limits_are_proved_by_rules_that_name_the_hypotheses():
    report = decide_claim(_claim("newton", "6.3 quadratic convergence"), timeout=None)
    assert report.status is Status.PROVED
    notes = " ".join(a.detail for s in report.steps for a in s.result.steps if a.tactic == "limit")
    assert "L'Hopital" in notes and "f(x*) = 0" in notes and "!= 0" in notes


def test_newton_without_the_nonzero_derivative_is_not_proved():
    from verifier import Claim

    claim = _claim("newton", "6.3 quadratic convergence")
    report = decide_claim(
        Claim("6.3 without f'(x*) != 0", lhs=claim.lhs, rhs=claim.rhs, given=claim.given), timeout=None
    )
    assert report.status is not Status.PROVED


def test_erratum_7_1e_b_is_refuted_off_the_simplex_only():
    report = decide_claim(_claim("softmax_hessian", "7.1e-b log-sum term as written"), timeout=None)
    assert report.status is Status.REFUTED
    point = report.conclusion.counterexample
    ys = [value for symbol, value in point.items() if str(symbol).startswith("y[")]
    assert ys and sum(ys) != 1


def test_descent_step_is_stated_for_all_sizes_along_the_gradient():
    # 1.6 as the seed states it: the step along -grad, for symbolic n and p, ending in "<= 0"
    claim = _claim("logistic_regression", "1.6 descent step")
    assert [str(s) for s, _ in claim.sizes] == ["n", "p"]
    assert claim.relation == "<=" and claim.steps[-1].rhs == 0
    assert not [c for c in _claims() if "1.6" in cited(c) and not c.sizes]


@pytest.mark.slow
def test_descent_step_is_proved_for_all_sizes_and_a_missing_square_is_refuted():
    from verifier import Claim, Step
    from verifier.render.terminal import scope_text

    claim = _claim("logistic_regression", "1.6 descent step")
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.PROVED
    assert scope_text(report) == "for all n >= 1, p >= 1"
    # the seed's last step with the square dropped: sum_m dE/dw_m is not |dE/dw|^2
    chain, squares, _ = claim.steps
    dropped = squares.rhs.replace(lambda e: e.is_Pow and e.exp == 2, lambda e: e.base)
    broken = Claim("1.6 without the square", lhs=chain.rhs, rhs=dropped, given=claim.given, sizes=claim.sizes)
    assert decide_claim(broken, timeout=None).status is Status.REFUTED
    flipped = Claim(
        "1.6 ascent",
        lhs=claim.lhs,
        steps=[chain, squares, Step(0, relation=">=")],
        given=claim.given,
        sizes=claim.sizes,
    )
    assert decide_claim(flipped, timeout=None).status is Status.REFUTED


def test_jacobian_for_all_sizes_is_proved_for_a_generic_function_with_the_cross_check_run():
    from sympy import Indexed
    from sympy.core.function import AppliedUndef

    from verifier import Claim
    from verifier.render.terminal import scope_text

    claim = _claim("jacobian_hessian", "4.1 Jacobian is n x m")
    assert claim.lhs.atoms(AppliedUndef)  # an undefined function, not a concrete layer
    report = decide_claim(claim, timeout=None)
    assert report.status is Status.PROVED
    assert scope_text(report) == "for all n >= 1, m >= 1"
    checks = [a for s in report.steps for a in s.result.steps if a.tactic == "cross-check"]
    assert checks and all(a.outcome == "agrees" for a in checks)
    points = [int(re.search(r"equal at (\d+) points", a.detail).group(1)) for a in checks]
    assert min(points) > 0 and all("n = 16" in a.detail for a in checks)
    # without the second argument's contribution, or with the direction doubled: refuted
    # with polynomials standing in for f
    second = lambda e: isinstance(e, Indexed) and str(e.base) == "B"  # noqa: E731
    for rhs in (claim.rhs.replace(second, lambda e: 0), 2 * claim.rhs):
        mutant = Claim(
            "4.1 mutant", lhs=claim.lhs, rhs=rhs, given=claim.given, sizes=claim.sizes, indices=claim.indices
        )
        assert mutant.rhs != claim.rhs
        result = decide_claim(mutant, timeout=None)
        assert result.status is Status.REFUTED
        assert result.conclusion.interpretation  # the concrete f it used
