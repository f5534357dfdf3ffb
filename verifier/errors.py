"""The verifier's exceptions: one base class, one family per layer.

Errors are for people: each message is one line that says what is wrong and where.
Verdicts (proved, refuted, undecided) are values in the report, never exceptions;
these are for broken input and for faults of the verifier itself.

    VerifierError
    ├── ModelError        a Derivation, Claim or Step built wrongly (model.py); also a
    │   │                 ValueError, so ``except ValueError`` and old tests still catch it
    │   └── ModelTypeError    also a TypeError: a bad type (a string where SymPy is needed)
    ├── LoadError         a derivation file that cannot be loaded (load.py)
    └── EngineError       the engine could not decide, for a reason not in the claim
"""

from __future__ import annotations

__all__ = ["EngineError", "LoadError", "ModelError", "ModelTypeError", "VerifierError"]


class VerifierError(Exception):
    """Base of every error the verifier raises on purpose."""


class ModelError(VerifierError, ValueError):
    """A derivation, claim or step that is not well formed (a value that is not allowed)."""


class ModelTypeError(ModelError, TypeError):
    """A model value of the wrong type (``except TypeError`` still catches it)."""


class LoadError(VerifierError):
    """A derivation file that cannot be used; the message is one line for people."""


class EngineError(VerifierError):
    """A failure inside the engine (a worker that died, a result that could not travel back)."""
