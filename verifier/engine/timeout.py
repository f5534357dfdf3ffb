"""Run a computation where it can be stopped: SymPy itself cannot be interrupted.

The call runs in a forked child process; the parent waits for its result up to a
time limit and kills it after that. Fork (not spawn) keeps everything the
derivation built, including functions defined in its module, without pickling
the inputs; only the result travels back through a pipe.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading

from ..errors import EngineError

__all__ = ["TimeLimit", "WorkerError", "call_with_time_limit", "time_box"]


class TimeLimit(EngineError):
    """The computation did not finish within its time limit."""


class _Expired(BaseException):
    """A time box ran out. A BaseException, so that SymPy's own ``except Exception`` cannot swallow it."""


class WorkerError(EngineError):
    """The computation raised, or its process died; the message says how."""


def _child(conn, fn, args):
    try:
        payload = (True, fn(*args))
    except BaseException as exc:  # reported to the parent, which decides
        payload = (False, f"{type(exc).__name__}: {exc}")
    try:
        conn.send(payload)
    except Exception as exc:
        conn.send((False, f"result could not be sent back: {type(exc).__name__}: {exc}"))
    conn.close()


def call_with_time_limit(fn, args=(), seconds: float | None = None):
    """``fn(*args)``, in a child process killed after ``seconds`` (None: in this process)."""
    if seconds is None or os.name != "posix":
        return fn(*args)
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, fn, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimit(f"time limit {seconds:g} s")
        try:
            ok, payload = receiver.recv()
        except EOFError:
            process.join()  # the exit code is known only once it is reaped
            raise WorkerError(f"worker process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if not ok:
        raise WorkerError(payload)
    return payload


@contextlib.contextmanager
def time_box(seconds: float | None):
    """Raise TimeLimit inside the block after ``seconds`` (a SIGALRM timer; pure-Python work only).

    Used for a share of a time limit inside one check (a rung of the ladder), where
    forking again would cost more than the work. Outside the main thread, or with
    ``seconds=None``, the block runs unbounded (the outer limit still applies).
    Time boxes do not nest: an inner one would cancel the outer timer.
    """
    if seconds is None or os.name != "posix" or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expire(signum, frame):
        raise _Expired()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    except _Expired:
        raise TimeLimit(f"{seconds:.3g} s") from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
