"""The five defects of issue #10, their reproducers and our variants: never proved.

Every claim here is false (or stated under assumptions that nothing satisfies, or
undefined at every feasible point), and the comment next to it says where it fails,
worked out by hand, not by the engine. A claim comes out refuted or undecided,
never proved. The cross-check cases (n != p, odd sizes) are false at a concrete
size the engine must try, so they are asserted refuted.

Before the one pipeline (issue #10) nineteen of these came out proved or undecided
where they are now refuted or undecided; each was written first as a strict xfail.
"""

from __future__ import annotations

import pytest
from sympy import (
    Abs,
    Eq,
    Function,
    Heaviside,
    IndexedBase,
    Integral,
    KroneckerDelta,
    Max,
    Subs,
    Sum,
    Symbol,
    symbols,
)

from verifier import Status, check, independent

x = Symbol("x", real=True)
s, t = symbols("s t", real=True)
k = Symbol("k", integer=True, positive=True)
n = Symbol("n", integer=True, positive=True)
p = Symbol("p", integer=True, positive=True)
d = Symbol("d", integer=True)
z = IndexedBase("z", real=True)
w = IndexedBase("w", positive=True)

g_positive = Function("g", positive=True)
h = Function("h")
f = Function("f")
c0 = Function("c")()  # an undefined function of arity 0
E = independent([t], mean=1, variance=s**2)
bend = x - x**3 / 10**4  # > 1 for x slightly above 1, < 1 again from x ~ 99.5 on (at x = 101: -2.03)


# (id, thunk, what must come out). "not proved": refuted or undecided. "refuted": refuted.
CASES = [
    # --- defect 1: region rewrites reach inside binders; the sampler stays in |x| <= 24 ---------
    pytest.param(
        lambda: check(Subs(Heaviside(x - 1), x, bend), 1, where=[x - 1 > 0], timeout=60),
        "refuted",
        id="1-issue-Subs-Heaviside",
    ),  # x = 101: Heaviside(-2.03) = 0
    pytest.param(
        lambda: check(Subs(Abs(x - 1), x, bend), bend - 1, where=[x - 1 > 0], timeout=60), "refuted", id="1-Subs-Abs"
    ),  # x = 101: |-3.03| != -3.03
    pytest.param(
        lambda: check(Subs(Max(x - 1, 0), x, bend), bend - 1, where=[x - 1 > 0], timeout=60), "refuted", id="1-Subs-Max"
    ),  # x = 101: 0 != -3.03
    pytest.param(
        lambda: check(Integral(Heaviside(x - 1), (x, 0, 2)) + x, 2 + x, where=[x - 1 > 0], timeout=60),
        "refuted",
        id="1-Integral-binds-x",
    ),  # the integral is 1, not 2
    pytest.param(
        lambda: check(Sum(Heaviside(x - 1), (x, 0, 2)) + x, 3 + x, where=[x - 1 > 0], timeout=60),
        "refuted",
        id="1-Sum-binds-x",
    ),  # H(-1) + H(0) + H(1) = 3/2, not 3
    pytest.param(
        lambda: check(Heaviside(x**2), 1, timeout=60), "refuted", id="1-false-only-at-0"
    ),  # Heaviside(0) = 1/2 in SymPy
    # --- defect 2: a given fact with an undefined function switches off the numeric guards -----
    pytest.param(
        lambda: check((x**2 - 1) / (x - 1), x + 1, given=[Eq(g_positive(s), 1), Eq(x, 1)], timeout=60),
        "not proved",
        id="2-positive-function-vacuous",
    ),  # undefined at x = 1
    pytest.param(
        lambda: check(Subs(Heaviside(x - 1), x, bend), 1, given=[Eq(g_positive(s), 1)], where=[x - 1 > 0], timeout=60),
        "not proved",
        id="2-positive-function-with-defect-1",
    ),
    pytest.param(
        lambda: check((x**2 - 1) / (x - 1), x + 1, given=[Eq(c0, 2), Eq(x, 1)], timeout=60),
        "not proved",
        id="2-arity-0-vacuous",
    ),
    pytest.param(
        lambda: check((x**2 - 1) / (x - 1), x + 1, given=[Eq(f(s), f(s, s)), Eq(x, 1)], timeout=60),
        "not proved",
        id="2-two-arities-vacuous",
    ),
    pytest.param(
        lambda: check(c0 * Subs(Heaviside(x - 1), x, bend), c0, where=[x - 1 > 0], timeout=60),
        "refuted",
        id="2-arity-0-with-defect-1",
    ),  # c = 1, x = 101
    pytest.param(
        lambda: check(g_positive(s), -1, given=[Eq(g_positive(s), -1)], timeout=60),
        "not proved",
        id="2-positive-function-equals-negative",
    ),  # no such g
    # --- defect 3: a delta contracted at a non-integer argument ----------------------------------
    pytest.param(
        lambda: check(Sum(KroneckerDelta(d, k / 2), (d, 1, k)), 1, sizes={k: 8}, timeout=60),
        "refuted",
        id="3-issue-delta-k/2",
    ),  # k = 9: the sum is 0
    pytest.param(
        lambda: check(Sum(t * KroneckerDelta(d, k / 3), (d, 1, k)), t, sizes={k: 3}, timeout=60),
        "refuted",
        id="3-delta-k/3",
    ),  # k = 4: the sum is 0
    pytest.param(
        lambda: check(Sum(t * KroneckerDelta(d, (k + 1) / 2), (d, 1, k)), t, sizes={k: 1}, timeout=60),
        "refuted",
        id="3-delta-(k+1)/2-even-k",
    ),  # k = 2: the sum is 0
    # --- defect 4: an undefined function or E[...] switches off the sized cross-check ------------
    pytest.param(
        lambda: check(Sum(h(t) * KroneckerDelta(d, k / 3), (d, 1, k)), h(t), sizes={k: 3}, timeout=60),
        "refuted",
        id="4-undefined-function",
    ),  # k = 4, h(t) = 1
    pytest.param(
        lambda: check(Sum(E(t) * KroneckerDelta(d, k / 3), (d, 1, k)), E(t), sizes={k: 3}, timeout=60),
        "refuted",
        id="4-expectation",
    ),  # k = 4: 0 != E[t] = 1
    pytest.param(
        lambda: check(Sum(h(w[d]), (d, 1, k)), k * h(w[1]), sizes=[k], timeout=60),
        "refuted",
        id="4-undefined-function-of-entries",
    ),  # h = id, k = 2, w = (1, 2)
    # --- defect 5: a user's symbol named like an engine atom ---------------------------------------
    pytest.param(
        lambda: check(Sum(w[d], (d, 1, k)) * h(t), Symbol("Σ0", positive=True) * h(t), sizes=[k], timeout=60),
        "refuted",
        id="5-Sigma0-with-function",
    ),  # Σ0 = 1, k = 2, w = 1
    pytest.param(
        lambda: check(Sum(w[d], (d, 1, k)) * E(t), Symbol("Σ0", positive=True) * E(t), sizes=[k], timeout=60),
        "refuted",
        id="5-Sigma0-with-expectation",
    ),
    pytest.param(
        lambda: check(Sum(w[d], (d, 1, k)), Symbol("Σ0", positive=True), sizes=[k], timeout=60),
        "refuted",
        id="5-Sigma0",
    ),
    pytest.param(
        lambda: check(
            Sum(w[d], (d, 1, k)) + Symbol("Σ0", positive=True), 2 * Sum(w[d], (d, 1, k)), sizes=[k], timeout=60
        ),
        "refuted",
        id="5-Sigma0-plus-sum",
    ),
    # --- the cross-check: distinct values per size symbol, odd and even sizes ----------------------
    pytest.param(
        lambda: check(Sum(z[d], (d, 1, n)), Sum(z[d], (d, 1, p)), sizes=[n, p], timeout=60),
        "refuted",
        id="sizes-n-differs-from-p",
    ),
    pytest.param(
        lambda: check(n * Sum(z[d], (d, 1, p)), p * Sum(z[d], (d, 1, p)), sizes=[n, p], timeout=60),
        "refuted",
        id="sizes-n-times-sum-to-p",
    ),
    pytest.param(
        lambda: check(Sum((-1) ** d, (d, 1, k)), 0, sizes={k: 8}, timeout=60), "refuted", id="sizes-false-only-at-odd-k"
    ),
    pytest.param(
        lambda: check(Sum((-1) ** d, (d, 1, k)), 0, sizes=[k], timeout=60), "refuted", id="sizes-false-at-odd-k-from-1"
    ),
]


@pytest.mark.parametrize("decide, expected", CASES)
def test_false_claim_is_never_proved(decide, expected):
    result = decide()
    assert result.status is not Status.PROVED, (result.tactic, result.used)
    if expected == "refuted":
        assert result.status is Status.REFUTED, result.reason
        assert result.counterexample


def test_true_claim_under_a_region_through_subs_is_not_refuted():
    """Subs(H(x - 1), x, x + 1) is H(x) = 1 on x > 1: the region may be used, the claim is never refuted."""
    result = check(Subs(Heaviside(x - 1), x, x + 1), 1, where=[x - 1 > 0], timeout=60)
    assert result.status is not Status.REFUTED, result.counterexample
