"""verifier: checks hand derivations symbolically.

    from verifier import check, Status
    r = check(lhs, rhs, given=[Eq(y1 + y2 + y3, 1)])
    r.status, r.counterexample, r.steps
"""

from .engine import check, decide, decide_claim
from .model import Claim, Derivation, Status, Step
from .report import Attempt, ClaimReport, DerivationReport, Result
from .engine import check_relation
from .engine.expectation import Expectation, independent, independent_with
from .engine.matrix import as_matrices
from .notation import diag, elementwise, gradient, matrix_symbol

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
]
__version__ = "0.1.0"
