"""Newton's method converges quadratically (seed 6.1 to 6.5; erratum 6.4e).

f(x*) = 0, f'(x*) != 0, f'' continuous; x_{k+1} = x_k - f(x_k)/f'(x_k); e_k = x_k - x*.

What the engine can and cannot settle here:
* 6.2 is exact algebra: from the Taylor relation 6.1 (a given, with the values
  f(x_k), f'(x_k) and f''(xi_k) as symbols) and the update, e_{k+1} = e_k^2 f''(xi_k)/(2 f'(x_k)).
* 6.1 (Taylor's theorem), 6.3 and 6.4 are statements of analysis: limits as x_k -> x*.
  They are written as SymPy Limits and come out undecided with that reason; each
  carries a numerical witness on a concrete function (evidence, never a proof).
* The erratum 6.4e (x* is a root of g) is refuted with a concrete g, found by letting a
  polynomial stand in for the generic g.
"""

from sympy import (Abs, Derivative, Eq, Function, Limit, Ne, Rational, Symbol, cbrt, exp, log, sqrt, symbols)

from verifier import Claim, Derivation, Status, Step

x, xs = symbols("x_k x*", real=True)  # the iterate and the root
f = Function("f")
g = Function("g")
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
        (((exp(xs) - 2) - (exp(x) - 2) + (x - xs) * exp(x)) / (x - xs) ** 2).subs({xs: exp_root, x: exp_root + Rational(1, 10**j)}),
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
        expect=Status.UNDECIDED,
        rhs=d(f, xs, 2) / 2,
        witness=peano_witness,
        note="Taylor's theorem, a theorem of analysis: on f = exp(x) - 2 at x_k = x* + 10^-j",
    ),
    Claim(
        "6.2 error recursion",
        title="e_{k+1} = e_k^2 f''(xi_k) / (2 f'(x_k)), exactly",
        source="seed 6.2",
        lhs=x_next - xs,
        steps=[
            Step(e - f_k / df_k, by="expand", note="x_{k+1} - x* = (x_k - x*) - f(x_k)/f'(x_k)"),
            Step(e**2 * d2f_xi / (2 * df_k), by="given",
                 note="6.1 divided by f'(x_k): f(x_k)/f'(x_k) - e_k + e_k^2 f''(xi_k)/(2 f'(x_k)) = 0"),
        ],
        given=[taylor],
        where=[Ne(df_k, 0)],
    ),
    Claim(
        "6.3 quadratic convergence",
        title="|e_{k+1}| / e_k^2 -> |f''(x*)| / (2 |f'(x*)|), so |e_{k+1}| <= M e_k^2 near x* for any larger M",
        source="seed 6.3",
        lhs=Limit(newton_ratio, x, xs, dir="+-"),
        expect=Status.UNDECIDED,
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
        expect=Status.UNDECIDED,
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
        expect=Status.UNDECIDED,
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
        "f(x*) = 0, f'(x*) != 0, f' and f'' continuous near x*; x_{k+1} = x_k - f(x_k)/f'(x_k); e_k = x_k - x*",
        "6.1, Taylor's theorem with the Lagrange remainder, is a theorem of analysis: for each x_k some xi_k "
        "between x_k and x* gives 0 = f(x_k) - e_k f'(x_k) + e_k^2 f''(xi_k)/2; 6.2 takes it as its given, "
        "with f(x_k), f'(x_k), f''(xi_k) as symbols",
        "limits are not decided by the engine: the witnesses are numerical evidence on concrete functions",
        "for a minimiser of g, Newton runs on f = g' (6.4), so x* is a root of g', not of g (erratum 6.4e)",
    ),
)
