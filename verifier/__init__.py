"""verifier: checks hand derivations symbolically.

from verifier import check, Status
r = check(lhs, rhs, given=[Eq(y1 + y2 + y3, 1)])
r.status, r.counterexample, r.steps
"""

from .engine import check, check_relation, decide, decide_claim
from .engine.sized.matrix import as_matrices
from .engine.theories.expectation import Expectation, independent, independent_with
from .engine.theories.limits import smooth_function
from .model import Claim, Derivation, Status, Step
from .notation import diag, elementwise, gradient, matrix_symbol
from .report import Attempt, ClaimReport, DerivationReport, Result

__all__ = [
    "check",
    "decide",
    "decide_claim",
    "Claim",
    "Derivation",
    "Status",
    "Step",
    "Attempt",
    "ClaimReport",
    "DerivationReport",
    "Result",
    "check_relation",
    "Expectation",
    "independent",
    "independent_with",
    "as_matrices",
    "diag",
    "elementwise",
    "gradient",
    "matrix_symbol",
    "smooth_function",
]
__version__ = "0.1.0"  # the only place the version is written: pyproject reads it (dynamic)
