"""Jacobian and Hessian of generic functions (seed 4.1, 4.2).

The functions are generic: undefined SymPy functions f_i(x_1, ..., x_m) and
y(u, v, z), not examples. Assumption for 4.2: y is C^2, so its mixed partials
commute (Schwarz). SymPy writes every mixed partial with its variables in one
canonical order, Derivative(y, u, v) == Derivative(y, v, u): that encodes
exactly this assumption, and it is what makes the symmetry of H structural.
Claims about generic functions are refuted, when false, with polynomials
standing in for the functions (a counterexample for one f is one for every f).
"""

from sympy import Derivative, Function, Matrix, hessian, symbols

from verifier import Claim, Derivation

u, v, z = symbols("u v z", real=True)
y = Function("y")(u, v, z)
uvz = [u, v, z]


def jacobian_claim(n: int, m: int) -> Claim:
    xs = symbols(f"x1:{m + 1}", real=True)
    F = Matrix([Function(f"f{i + 1}")(*xs) for i in range(n)])
    return Claim(
        f"4.1 Jacobian shape [n={n}, m={m}]",
        title="J(F) for F: R^m -> R^n is the n x m matrix (d f_i / d x_j)",
        source="seed 4.1",
        lhs=F.jacobian(xs),
        rhs=Matrix(n, m, lambda i, j: Derivative(F[i], xs[j])),
        by="expand",
        scope=f"n = {n}, m = {m}",
        note="the model requires both sides to have one shape: the rhs is n x m",
    )


grad_y = Matrix([y.diff(s) for s in uvz])
# The seed's H(y): row i, column j holds d^2 y / (d x_i d x_j), written as the seed does.
H_seed = Matrix(3, 3, lambda i, j: Derivative(y, uvz[i], uvz[j]))

claims = [
    jacobian_claim(3, 3),
    jacobian_claim(2, 3),
    jacobian_claim(3, 2),
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
        "4.1 is checked at (n, m) = (3, 3), (2, 3), (3, 2); 4.2 at 3 variables",
    ),
)
