"""One exception hierarchy: every error the verifier raises on purpose is a VerifierError."""

import pytest
import sympy as sp

from verifier import Claim
from verifier.engine.timeout import TimeLimit, WorkerError, call_with_time_limit
from verifier.errors import EngineError, LoadError, ModelError, ModelTypeError, VerifierError
from verifier.load import load_file


def test_a_bad_model_value_is_a_model_error_and_still_a_value_error():
    with pytest.raises(ModelError) as caught:
        Claim("", lhs=sp.Integer(1), rhs=1)
    assert isinstance(caught.value, VerifierError) and isinstance(caught.value, ValueError)


def test_a_bad_model_type_is_a_model_type_error_and_still_a_type_error():
    with pytest.raises(ModelTypeError) as caught:
        Claim("strings", lhs="x", rhs=1)
    assert isinstance(caught.value, ModelError) and isinstance(caught.value, TypeError)


def test_a_file_that_cannot_load_is_a_load_error(tmp_path):
    with pytest.raises(LoadError) as caught:
        load_file(tmp_path / "missing.py")
    assert isinstance(caught.value, VerifierError)


def _sleep():
    import time

    time.sleep(30)


def test_the_time_limit_is_an_engine_error():
    with pytest.raises(TimeLimit) as caught:
        call_with_time_limit(_sleep, (), 0.2)
    assert isinstance(caught.value, EngineError) and issubclass(WorkerError, EngineError)
