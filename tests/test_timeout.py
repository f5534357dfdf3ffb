"""Time limits: nested time boxes, the long-lived worker, and what happens when a call misbehaves."""

import os
import signal
import time

import pytest

from verifier.engine import timeout
from verifier.engine.timeout import TimeLimit, WorkerError, call_with_time_limit, time_box

HERE = __name__.partition(".")[0]


@pytest.fixture
def trusted(monkeypatch):
    """Let this module's functions go to the worker, as the verifier's own do."""
    monkeypatch.setattr(timeout, "TRUSTED_MODULES", timeout.TRUSTED_MODULES | {HERE})


def _spin(seconds: float) -> str:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass
    return "done"


def test_an_inner_box_that_runs_out_ends_only_its_own_block():
    with time_box(5):
        with pytest.raises(TimeLimit):
            with time_box(0.1):
                _spin(3)
        assert _spin(0.05) == "done"  # the outer box is still open and still armed
        with pytest.raises(TimeLimit):
            with time_box(0.1):
                _spin(3)


def test_an_outer_box_that_runs_out_passes_through_the_inner_one():
    started = time.monotonic()
    caught = []
    with pytest.raises(TimeLimit) as outer:
        with time_box(0.2):
            try:
                with time_box(10):
                    _spin(5)
            except Exception as exc:  # neither the inner box nor code inside it may take the outer's expiry
                caught.append(exc)
    assert time.monotonic() - started < 2
    assert caught == [] and "0.2" in str(outer.value)


def test_no_timer_is_left_behind():
    with time_box(0.5):
        pass
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) in (signal.SIG_DFL, signal.SIG_IGN, signal.default_int_handler, None)


def _pid() -> int:
    return os.getpid()


def test_calls_share_one_worker_process_that_is_not_this_one(trusted):
    first = call_with_time_limit(_pid, (), 10)
    second = call_with_time_limit(_pid, (), 10)
    assert first == second != os.getpid()


def test_a_call_that_overruns_ends_at_the_limit_and_the_worker_stays(trusted):
    before = call_with_time_limit(_pid, (), 10)
    started = time.monotonic()
    with pytest.raises(TimeLimit, match="time limit 0.3 s"):
        call_with_time_limit(_spin, (30,), 0.3)
    assert time.monotonic() - started < 1.5  # the worker's own time box, not the parent's kill
    assert call_with_time_limit(_pid, (), 10) == before


def _stuck(seconds: float) -> None:
    """Where no signal reaches: SIGALRM blocked, as in a long call into C."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    _spin(seconds)


def test_a_call_stuck_beyond_signals_is_killed_and_a_new_worker_takes_the_next_call(monkeypatch, trusted):
    monkeypatch.setattr(timeout, "GRACE_SECONDS", 0.3)
    before = call_with_time_limit(_pid, (), 10)
    started = time.monotonic()
    with pytest.raises(TimeLimit, match="time limit 0.2 s"):
        call_with_time_limit(_stuck, (30,), 0.2)
    assert time.monotonic() - started < 5
    after = call_with_time_limit(_pid, (), 10)
    assert after != before


def _exit() -> None:
    os._exit(3)


def _raise() -> None:
    raise ValueError("bad input")


def test_a_worker_that_dies_is_an_error_and_is_replaced(trusted):
    with pytest.raises(WorkerError, match="exit code 3"):
        call_with_time_limit(_exit, (), 10)
    with pytest.raises(WorkerError, match="ValueError: bad input"):
        call_with_time_limit(_raise, (), 10)
    assert call_with_time_limit(_pid, (), 10) != os.getpid()


def test_a_call_that_does_not_pickle_runs_in_a_fresh_child():
    here = os.getpid()
    child = call_with_time_limit(lambda: os.getpid(), (), 10)  # a lambda does not pickle
    assert child != here


def test_a_class_redefined_after_the_worker_started_is_seen_as_it_is_now():
    """As in a notebook: a cell defining a class runs again with a fix. The worker holds
    the old class under the same name, so a call naming a class outside the trusted
    modules goes to a fresh child instead."""
    global Late

    class Late:  # noqa: B903
        def value(self):
            return 1

    Late.__qualname__ = "Late"
    assert call_with_time_limit(_value, (Late(),), 10) == 1

    class Late:  # noqa: B903,F811 (the same name, defined again)
        def value(self):
            return 2

    Late.__qualname__ = "Late"
    assert call_with_time_limit(_value, (Late(),), 10) == 2


def _value(obj) -> int:
    return obj.value()


def test_a_call_naming_an_untrusted_module_runs_in_a_fresh_child():
    assert call_with_time_limit(_pid, (), 10) != call_with_time_limit(_pid, (), 10)  # this test module


def test_fresh_children_are_fresh():
    first = call_with_time_limit(_pid, (), 10, fresh=True)
    second = call_with_time_limit(_pid, (), 10, fresh=True)
    assert len({first, second, os.getpid()}) == 3
