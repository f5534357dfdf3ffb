"""The ladder on its own: a rung that reduces ``a - b`` to 0 must mean ``a == b``.

The numeric search normally runs first and hides a wrong rewrite behind a
counterexample; here the rungs are called directly on seeded random expressions
and on rewrites of them that SymPy makes with ``force=True`` (valid only for
positive symbols) or by hand (exp(u) -> sqrt(exp(2u)), |u| -> u). Whenever a rung
reports 0, both sides are compared at 40 digits at points in every symbol's domain,
complex ones included. ``simplify`` is left out: it is slow here, and runs last.
"""

from __future__ import annotations

import random

import sympy as sp

from verifier.engine import tactics
from verifier.engine.assumptions import satisfies_domain

x, y = sp.symbols("x y")
r, s = sp.symbols("r s", real=True)
p, q = sp.symbols("p q", positive=True)
m = sp.Symbol("m", negative=True)
n = sp.Symbol("n", integer=True)
SYMBOLS = [x, y, r, s, p, q, m, n]
HALF = sp.Rational(1, 2)
VALUES = [sp.Integer(v) for v in (1, 2, -1, -2, 3)] + [
    HALF,
    sp.Rational(-3, 2),
    sp.I,
    4 * sp.I,
    1 + sp.I,
    -2 - 3 * sp.I,
    sp.Rational(-1, 3) + sp.Rational(7, 2) * sp.I,
]

REWRITES = [
    lambda e: sp.expand_log(e, force=True),
    lambda e: sp.powsimp(e, force=True),
    lambda e: sp.powdenest(e, force=True),
    lambda e: sp.logcombine(e, force=True),
    lambda e: sp.expand(e, force=True),
    lambda e: sp.expand_power_base(e, force=True),
    lambda e: e.replace(lambda a: isinstance(a, sp.exp), lambda a: sp.sqrt(sp.exp(2 * a.args[0]))),
    lambda e: e.replace(lambda a: isinstance(a, sp.Abs), lambda a: a.args[0]),
    lambda e: sp.radsimp(e),
]


def _random_expression(rng: random.Random, depth: int):
    if depth == 0:
        return rng.choice(SYMBOLS + [sp.Integer(rng.randint(-3, 3)), sp.Rational(rng.randint(1, 5), rng.randint(2, 4))])
    a = _random_expression(rng, depth - 1)
    op = rng.choice(["add", "mul", "div", "pow", "exp", "log", "sqrt", "abs", "sin"])
    if op in ("add", "mul", "div"):
        b = _random_expression(rng, depth - 1)
        return a + b if op == "add" else (a * b if op == "mul" else a / b)
    if op == "pow":
        return a ** rng.choice([2, 3, -1, HALF, sp.Rational(1, 3), sp.Rational(3, 2)])
    if op == "exp":  # exp(u/2) too: exp(x/2) vs sqrt(exp(x)) is a branch-cut trap
        return sp.exp(a * rng.choice([1, 1, HALF]))
    return {"log": sp.log, "sqrt": sp.sqrt, "abs": sp.Abs, "sin": sp.sin}[op](a)


def _differ(a, b, rng: random.Random):
    symbols = sorted(a.free_symbols | b.free_symbols, key=str)
    for _ in range(25):
        point = {}
        for symbol in symbols:
            choices = [v for v in VALUES if satisfies_domain(symbol, v)]
            point[symbol] = rng.choice(choices)
        try:
            left, right = sp.N(a.xreplace(point), 40), sp.N(b.xreplace(point), 40)
        except Exception:
            continue
        bad = (sp.nan, sp.zoo, sp.oo, -sp.oo)
        if left.has(*bad) or right.has(*bad) or not (left.is_number and right.is_number):
            continue
        if abs(complex(left - right)) > 1e-20 * (1 + abs(complex(left))):
            return point
    return None


def test_no_rung_reduces_a_false_rewrite_to_zero():
    rng = random.Random(20261126)
    checked = reduced = 0
    wrong = []
    while checked < 150:
        a = _random_expression(rng, rng.randint(1, 3))
        try:
            b = rng.choice(REWRITES)(a)
        except Exception:
            continue
        if b == a:
            continue
        checked += 1
        for name, rung in ((r.name, r.transform) for r in tactics.RUNGS):
            if name == "simplify":
                continue
            try:
                zero = rung(a - b) == 0
            except Exception:
                continue
            if zero:
                reduced += 1
                point = _differ(a, b, rng)
                if point is not None:
                    wrong.append(f"{name}: {a} == {b} fails at {point}")
                break
    assert wrong == []
    assert reduced >= 20  # the test exercises proofs, not only failures
