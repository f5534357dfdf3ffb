"""Jacobian and Hessian (seed 4.1, 4.2).

4.1, "the Jacobian of F: R^m -> R^n is n x m", is stated as what makes it so: the
derivative of F along a direction v in R^m is J v in R^n, with J_ij = dF_i/dx_j for
i <= n, j <= m (the seed's matrix of partials). For all n, m it is proved for
F_i(x) = f(i, (A x)_i, (B x)_i), where "generic" means: f is an undefined SymPy
function (any differentiable real function; nothing about it is used but the chain
rule), it takes the row index, so each output has its own function f(i, ., .), and x
enters through two linear forms with arbitrary n x m coefficients A, B, so each row of
J sums the contributions of two arguments (the chain rule through several arguments).
A sigmoid layer is the case f(i, s, r) = sigma(s). SymPy cannot write a function of all
m coordinates for a symbolic m, so F_i depends on x through these forms. The numeric
cross-check puts a cubic polynomial with random coefficients in place of f at each
concrete size. At the seed's own size (three generic functions f_1, f_2, f_3 of u, v,
z) it is proved for functions of the three coordinates themselves.

The functions in 4.2 are generic: undefined SymPy functions y(u, v, z), not examples. Assumption for 4.2: y is C^2, so its mixed partials
commute (Schwarz). SymPy writes every mixed partial with its variables in one
canonical order, Derivative(y, u, v) == Derivative(y, v, u): that encodes
exactly this assumption, and it is what makes the symmetry of H structural.
Claims about generic functions are refuted, when false, with polynomials
standing in for the functions (a counterexample for one f is one for every f).
"""

from sympy import Derivative, Eq, Function, IndexedBase, Matrix, Sum, Symbol, hessian, symbols

from verifier import Claim, Derivation

u, v, z = symbols("u v z", real=True)
y = Function("y")(u, v, z)
uvz = [u, v, z]


t = Symbol("t", real=True)  # the step along the direction v


def jacobian_claim_all_sizes() -> Claim:
    """4.1 for every n, m >= 1 on F_i(x) = f(i, (A x)_i, (B x)_i) with f generic (undefined)."""
    n = Symbol("n", integer=True, positive=True)
    m = Symbol("m", integer=True, positive=True)
    i, j, l = symbols("i j l", integer=True)
    A, B, x, v = (IndexedBase(name, real=True) for name in ("A", "B", "x", "v"))
    f = Function("f", real=True)

    def F(row, step=0):
        """F_row(x + step v): a generic function of the row and of two linear forms of x."""
        return f(
            row,
            Sum(A[row, l] * (x[l] + step * v[l]), (l, 1, m)),
            Sum(B[row, l] * (x[l] + step * v[l]), (l, 1, m)),
        )

    return Claim(
        "4.1 Jacobian is n x m",
        title="d/dt F_i(x + t v) at t = 0 = sum_{j=1}^m J_ij v_j with J_ij = dF_i/dx_j, i <= n: J v maps R^m to R^n",
        source="seed 4.1",
        lhs=Derivative(F(i, t), t),
        rhs=Sum(Derivative(F(i), x[j]) * v[j], (j, 1, m)),
        given=[Eq(t, 0)],
        sizes=[n, m],
        indices={i: (1, n)},
        note="F: R^m -> R^n, F_i(x) = f(i, (A x)_i, (B x)_i) for a generic f and n x m matrices A, B",
    )


def jacobian_claim_generic() -> Claim:
    """4.1 at the seed's size: F = (f_1, f_2, f_3)(u, v, z) generic."""
    F = Matrix([Function(f"f{k}")(*uvz) for k in (1, 2, 3)])
    direction = symbols("d_u d_v d_z", real=True)
    moved = F.subs({s: s + t * ds for s, ds in zip(uvz, direction, strict=True)}, simultaneous=True)
    J_seed = Matrix(3, 3, lambda a, b: Derivative(F[a], uvz[b]))  # the seed's J(F), entry by entry
    return Claim(
        "4.1 Jacobian at the seed's size",
        title="d/dt F(x + t d) at t = 0 = J(F) d for F = (f_1, f_2, f_3)(u, v, z), J(F) as the seed writes it",
        source="seed 4.1",
        lhs=moved.diff(t).subs(t, 0),
        rhs=J_seed * Matrix(direction),
        scope="n = m = 3 (u, v, z)",
        note="generic f_i: the chain rule, not SymPy's jacobian, links the two sides",
    )


grad_y = Matrix([y.diff(s) for s in uvz])
# The seed's H(y): row i, column j holds d^2 y / (d x_i d x_j), written as the seed does.
H_seed = Matrix(3, 3, lambda i, j: Derivative(y, uvz[i], uvz[j]))

claims = [
    jacobian_claim_all_sizes(),
    jacobian_claim_generic(),
    Claim(
        "4.2 J(grad y) = H(y)",
        title="the Jacobian of the gradient is the Hessian",
        source="seed 4.2",
        lhs=grad_y.jacobian(uvz),
        rhs=H_seed,
        scope="3 variables (u, v, z)",
        note="entry (i, j) of J(grad y) is d/dx_j (dy/dx_i); equal to the seed's d^2y/(dx_i dx_j) as y is C^2",
    ),
    Claim(
        "4.2 H(y) symmetric",
        title="H(y) = H(y)^T for y of class C^2",
        source="seed 4.2",
        lhs=hessian(y, uvz),
        rhs=hessian(y, uvz).T,
        scope="3 variables (u, v, z)",
        note="Schwarz's theorem, under the stated C^2 assumption (canonical order of mixed partials)",
    ),
]

derivation = Derivation(
    name="jacobian_hessian",
    title="Jacobian and Hessian of generic functions",
    source="seed 4",
    claims=tuple(claims),
    assumptions=(
        "f_i(x_1, ..., x_m) and y(u, v, z) are generic (undefined) real functions",
        "y is C^2: its mixed second partials are continuous, so they commute (Schwarz); "
        "SymPy's canonical order of the variables in Derivative encodes this",
        "4.1 for all n, m >= 1 on F_i(x) = f(i, (A x)_i, (B x)_i), f generic (undefined), A, B any n x m "
        "matrices; at n = m = 3 for generic f_i(u, v, z); 4.2 at 3 variables (the seed's u, v, z)",
    ),
)
