"""Newton's method converges quadratically (seed 6.1 to 6.5; erratum 6.4e; the 6.2 condition).

f(x*) = 0, f'(x*) != 0, f in C^2; x_{k+1} = x_k - f(x_k)/f'(x_k); e_k = x_k - x*.

* 6.2 is exact algebra: from the Taylor relation 6.1 (a given, with the values
  f(x_k), f'(x_k) and f''(xi_k) as symbols) and the update, e_{k+1} = e_k^2 f''(xi_k)/(2 f'(x_k)),
  under the condition the division needs, f'(x_k) != 0 (the seed states f(x_k) != 0).
* 6.1, 6.3 and 6.4 are limits as x_k -> x* of expressions in f(x_k), f'(x_k), f''(x_k).
  f and g are declared C^2 and C^3 (``smooth_function``), f(x*) = 0 and g'(x*) = 0 are
  given facts, f'(x*) != 0 and g''(x*) != 0 regions: the engine's limit rules
  (continuity, L'Hopital with the 0/0 form and these hypotheses checked) evaluate them.
* 6.5 is the same limit on f = x^2 - 2, evaluated exactly and checked numerically.
* The erratum 6.4e (x* is a root of g) is refuted with a concrete g, found by letting a
  polynomial stand in for the generic g.
"""

from sympy import Abs, Derivative, Eq, Limit, Ne, Rational, Symbol, cbrt, exp, log, sqrt, symbols

from verifier import Claim, Derivation, Status, Step
from verifier.engine.theories.limits import smooth_function

x, xs = symbols("x_k x*", real=True)  # the iterate and the root
f = smooth_function("f", 2)  # f, f', f'' exist and are continuous near x*: the seed's hypothesis
g = smooth_function("g", 3)  # Newton on g' (6.4): g' in C^2
e = x - xs


def d(fn, at, order=1):
    """fn^(order)(at), at a symbol."""
    return Derivative(fn(at), (at, order))


def newton_step(fn_value, slope_value, at):
    return at - fn_value / slope_value


def ratios(func, root, x0, steps):
    """Witness pairs (|e_{k+1}| / e_k^2, target) along exact Newton iterates on a concrete func."""
    t = Symbol("t", real=True)
    body = func(t)
    slope = body.diff(t)
    target = Abs(body.diff(t, 2).subs(t, root)) / (2 * Abs(slope.subs(t, root)))
    iterates = [x0]
    for _ in range(steps):
        current = iterates[-1]
        iterates.append(current - body.subs(t, current) / slope.subs(t, current))
    return tuple((Abs(iterates[k + 1] - root) / (iterates[k] - root) ** 2, target) for k in range(steps))


# 6.1: Taylor with the Lagrange remainder. As a limit (the Peano form): the quotient below is
# f''(xi_k)/2 for some xi_k between x_k and x*, and tends to f''(x*)/2.
taylor_quotient = (f(xs) - f(x) + e * d(f, x)) / e**2
exp_root = log(2)
peano_witness = tuple(
    (
        (((exp(xs) - 2) - (exp(x) - 2) + (x - xs) * exp(x)) / (x - xs) ** 2).subs(
            {xs: exp_root, x: exp_root + Rational(1, 10**j)}
        ),
        Rational(1),  # f''(x*)/2 for f = exp(x) - 2 at x* = log 2
    )
    for j in range(1, 6)
)

# 6.2: values as symbols; 6.1 is the given that links them.
f_k, df_k, d2f_xi = symbols("f(x_k) f'(x_k) f''(xi_k)", real=True)
taylor = Eq(0, f_k - e * df_k + e**2 * d2f_xi / 2)
x_next = newton_step(f_k, df_k, x)

newton_ratio = Abs(newton_step(f(x), d(f, x), x) - xs) / e**2
minimise_ratio = Abs(newton_step(d(g, x), d(g, x, 2), x) - xs) / e**2

claims = [
    Claim(
        "6.1 Taylor with remainder",
        title="0 = f(x*) = f(x_k) - e_k f'(x_k) + e_k^2 f''(xi_k)/2, i.e. the quotient tends to f''(x*)/2",
        source="seed 6.1",
        lhs=Limit(taylor_quotient, x, xs, dir="+-"),
        rhs=d(f, xs, 2) / 2,
        witness=peano_witness,
        note="the Lagrange form says the quotient is f''(xi_k)/2 with xi_k between x_k and x*; its limit, "
        "for f in C^2, is f''(x*)/2 (L'Hopital once, then continuity of f''); witness: f = exp(x) - 2",
    ),
    Claim(
        "6.2 error recursion",
        title="e_{k+1} = e_k^2 f''(xi_k) / (2 f'(x_k)), exactly",
        source="seed 6.2",
        lhs=x_next - xs,
        steps=[
            Step(e - f_k / df_k, by="expand", note="x_{k+1} - x* = (x_k - x*) - f(x_k)/f'(x_k)"),
            Step(
                e**2 * d2f_xi / (2 * df_k),
                by="given",
                note="6.1 divided by f'(x_k): f(x_k)/f'(x_k) - e_k + e_k^2 f''(xi_k)/(2 f'(x_k)) = 0",
            ),
        ],
        given=[taylor],
        where=[Ne(df_k, 0)],
        note="the division needs f'(x_k) != 0, stated here; the seed gives f(x_k) != 0, which is not the condition",
    ),
    Claim(
        "6.3 quadratic convergence",
        title="|e_{k+1}| / e_k^2 -> |f''(x*)| / (2 |f'(x*)|), so |e_{k+1}| <= M e_k^2 near x* for any larger M",
        source="seed 6.3",
        lhs=Limit(newton_ratio, x, xs, dir="+-"),
        rhs=Abs(d(f, xs, 2)) / (2 * Abs(d(f, xs))),
        given=[Eq(f(xs), 0)],
        where=[Ne(d(f, xs), 0)],
        witness=ratios(lambda t: t**3 - 2, cbrt(2), Rational(3, 2), 4),
        note="by 6.2 the ratio is |f''(xi_k)| / (2 |f'(x_k)|), and xi_k, x_k -> x* with f', f'' continuous; "
        "witness: Newton iterates on f = x^3 - 2 from 3/2",
    ),
    Claim(
        "6.4 minimising g",
        title="Newton on g' for a minimiser x* (g'(x*) = 0): |e_{k+1}| / e_k^2 -> |g'''(x*)| / (2 |g''(x*)|)",
        source="seed 6.4",
        lhs=Limit(minimise_ratio, x, xs, dir="+-"),
        rhs=Abs(d(g, xs, 3)) / (2 * Abs(d(g, xs, 2))),
        given=[Eq(d(g, xs), 0)],
        where=[Ne(d(g, xs, 2), 0)],
        witness=ratios(lambda t: exp(t) - 2, log(2), Rational(1), 4),
        note="6.3 with f = g'; witness: Newton iterates on g' for g = exp(x) - 2x from 1 (x* = log 2)",
    ),
    Claim(
        "6.4e x* is a root of g",
        title="erratum: the seed says x* is a root of g because g'(x*) = 0",
        source="seed 6.4e",
        lhs=g(xs),
        rhs=0,
        given=[Eq(d(g, xs), 0)],
        expect=Status.REFUTED,
        note="x* is a root of g', not of g",
    ),
    Claim(
        "6.5 ratio on f = x^2 - 2",
        title="on f = x^2 - 2, e_{k+1} / e_k^2 -> f''(x*) / (2 f'(x*)) = 1/(2 sqrt 2)",
        source="seed 6.5",
        lhs=Limit((newton_step(x**2 - 2, 2 * x, x) - sqrt(2)) / (x - sqrt(2)) ** 2, x, sqrt(2), dir="+-"),
        rhs=1 / (2 * sqrt(2)),
        witness=tuple((r, t) for r, t in ratios(lambda t: t**2 - 2, sqrt(2), Rational(1), 4)),
        note="witness: Newton iterates 1, 3/2, 17/12, 577/408, ... (e_{k+1} > 0 here, so |.| changes nothing)",
    ),
    Claim(
        "6.5 exact ratio on f = x^2 - 2",
        title="on f = x^2 - 2, e_{k+1} / e_k^2 = 1/(2 x_k) exactly (so the limit is 1/(2 sqrt 2) by continuity)",
        source="seed 6.5",
        lhs=(newton_step(x**2 - 2, 2 * x, x) - sqrt(2)) / (x - sqrt(2)) ** 2,
        rhs=1 / (2 * x),
        by="cancel",
        where=[x > 0, Ne(x, sqrt(2))],
    ),
]

derivation = Derivation(
    name="newton",
    title="Newton's method converges quadratically",
    source="seed 6",
    claims=tuple(claims),
    assumptions=(
        "f(x*) = 0, f'(x*) != 0, f in C^2 near x* (declared); x_{k+1} = x_k - f(x_k)/f'(x_k); e_k = x_k - x*",
        "for 6.4: g in C^3 (Newton on g' in C^2), g'(x*) = 0, g''(x*) != 0",
        "6.2 divides by f'(x_k): f'(x_k) != 0 is its stated condition (the seed names f(x_k) != 0 instead)",
        "6.1, Taylor's theorem with the Lagrange remainder, is a theorem of analysis: for each x_k some xi_k "
        "between x_k and x* gives 0 = f(x_k) - e_k f'(x_k) + e_k^2 f''(xi_k)/2; 6.2 takes it as its given, "
        "with f(x_k), f'(x_k), f''(xi_k) as symbols",
        "limits are evaluated by rules whose hypotheses are checked (continuity, L'Hopital); "
        "the witnesses on concrete functions are shown only if a limit is left undecided",
        "for a minimiser of g, Newton runs on f = g' (6.4), so x* is a root of g', not of g (erratum 6.4e)",
    ),
)
