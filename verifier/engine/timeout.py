"""Run a computation where it can be stopped: SymPy itself cannot be interrupted from outside.

A check runs in a long-lived forked worker process (:class:`_Worker`), one call at a
time, so SymPy's caches stay warm from one check to the next instead of starting
cold in a new process each time. Inside the worker the call runs under a
:func:`time_box` (a SIGALRM deadline), which ends pure-Python work at the limit and
keeps the worker; the parent waits a little longer and kills the worker if it is
stuck where no signal reaches (a long C call), then starts a new one for the next
call. Calls and results travel pickled. The worker is a copy of this process as it
was when the worker started, so a call may only name (pickle by reference) classes
and functions of modules that do not change meanwhile: SymPy, mpmath, the verifier
and the standard library. A call that names anything else (a ``Function`` subclass
defined in a derivation or a notebook, which may have been redefined since), or that
does not pickle, runs in a fresh forked child instead, which sees this process as it
is now (fork keeps everything the derivation built, without pickling the inputs).

``fresh=True`` always uses a fresh child: loading a derivation file runs the user's
code, which must not share a process with anything else.
"""

from __future__ import annotations

import contextlib
import enum
import gc
import io
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from multiprocessing.connection import Connection
from typing import Any

from ..errors import EngineError

__all__ = ["TimeLimit", "WorkerError", "call_with_time_limit", "restart_worker", "time_box"]

#: The parent waits this much longer than the limit (at least GRACE_SECONDS) for the
#: worker's own time box to end the call, before it kills the worker.
GRACE_FRACTION = 0.1
GRACE_SECONDS = 1.0


class TimeLimit(EngineError):
    """The computation did not finish within its time limit."""


class _Expired(BaseException):
    """A time box ran out. A BaseException, so that SymPy's own ``except Exception`` cannot swallow it."""

    def __init__(self, box: object) -> None:
        super().__init__()
        self.box = box


class WorkerError(EngineError):
    """The computation raised, or its process died; the message says how."""


def _limit_text(seconds: float) -> str:
    return f"time limit {seconds:g} s"


# --- time boxes: nested SIGALRM deadlines in the main thread ---------------------------------

#: The open time boxes of this process, outermost first: (deadline on the monotonic clock, box).
_boxes: list[tuple[float, object]] = []
_previous_handler: Any = None


def _arm() -> None:
    """Set the timer for the earliest open deadline."""
    earliest = min(deadline for deadline, _ in _boxes)
    signal.setitimer(signal.ITIMER_REAL, max(earliest - time.monotonic(), 1e-4))


def _expire(signum: int, frame: object) -> None:
    if not _boxes:
        return
    deadline, box = min(_boxes, key=lambda entry: entry[0])
    if time.monotonic() < deadline - 1e-3:  # a stale timer (a box closed as it fired): set it again
        _arm()
        return
    raise _Expired(box)


@contextlib.contextmanager
def time_box(seconds: float | None) -> Iterator[None]:
    """Raise TimeLimit inside the block after ``seconds`` (a SIGALRM deadline; Python code only).

    Boxes nest: the innermost deadline that runs out first ends its own block (a rung of
    the ladder inside a check's limit), and an outer deadline that runs out ends the
    outer block, passing through the inner ones. Outside the main thread, or with
    ``seconds=None``, the block runs unbounded (an outer limit still applies).
    """
    global _previous_handler
    if seconds is None or os.name != "posix" or threading.current_thread() is not threading.main_thread():
        yield
        return
    box = object()
    if not _boxes:
        _previous_handler = signal.signal(signal.SIGALRM, _expire)
    _boxes.append((time.monotonic() + seconds, box))
    _arm()
    try:
        yield
    except _Expired as exc:
        if exc.box is not box:
            raise
        raise TimeLimit(f"{seconds:.3g} s") from None
    finally:
        _boxes.pop()
        if _boxes:
            _arm()
        else:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, _previous_handler)


# --- a call's reply, the same from a fresh child and from the worker --------------------------


class _Reply(enum.Enum):
    """What became of a call."""

    OK = "ok"  # the payload is the result
    RAISED = "raised"  # the payload says what was raised
    EXPIRED = "expired"  # its time box ran out
    UNPICKLABLE = "unpicklable"  # the call refers to something the worker does not have


def _run(fn: Callable[..., Any], args: tuple[Any, ...], seconds: float | None) -> tuple[_Reply, Any]:
    """``fn(*args)`` under a time box of ``seconds``: (reply, payload)."""
    try:
        with time_box(seconds):
            return _Reply.OK, fn(*args)
    except TimeLimit:
        return _Reply.EXPIRED, None
    except BaseException as exc:  # reported to the caller, which decides
        return _Reply.RAISED, f"{type(exc).__name__}: {exc}"


def _reply(fn: Callable[..., Any], args: tuple[Any, ...], seconds: float | None) -> bytes:
    """``_run``'s reply, pickled to travel back to the parent."""
    try:
        return pickle.dumps(_run(fn, args, seconds))
    except Exception as exc:
        return pickle.dumps((_Reply.RAISED, f"result could not be sent back: {type(exc).__name__}: {exc}"))


def _result(kind: _Reply, payload: Any, seconds: float) -> Any:
    """The call's value, or the TimeLimit or WorkerError its reply says."""
    if kind is _Reply.OK:
        return payload
    if kind is _Reply.EXPIRED:
        raise TimeLimit(_limit_text(seconds))
    raise WorkerError(payload)


# --- a fresh child per call ------------------------------------------------------------------


def _child(conn: Connection, fn: Callable[..., Any], args: tuple[Any, ...]) -> None:
    conn.send_bytes(_reply(fn, args, None))  # the parent enforces the limit
    conn.close()


def _in_fresh_child(fn: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> Any:
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, fn, args), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            raise TimeLimit(_limit_text(seconds))
        try:
            kind, payload = pickle.loads(receiver.recv_bytes())
        except EOFError:
            process.join()  # the exit code is known only once it is reaped
            raise WorkerError(f"worker process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    return _result(kind, payload, seconds)


# --- the long-lived worker -------------------------------------------------------------------

#: Top-level modules whose classes and functions a call may name and still go to the worker.
TRUSTED_MODULES = frozenset({"sympy", "mpmath", "verifier", "gmpy2", "flint"}) | frozenset(sys.stdlib_module_names)


class _CallPickler(pickle.Pickler):
    """Pickles a call and notes every module it names outside TRUSTED_MODULES.

    ``reducer_override`` sees every object the pickler meets (classes and functions, which
    are pickled by name, among them); the pickling itself is the C pickler's.
    """

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.foreign: list[str] = []

    def reducer_override(self, obj: Any) -> Any:
        named = obj if isinstance(obj, (type, types.FunctionType, types.BuiltinFunctionType)) else type(obj)
        module = getattr(named, "__module__", None) or pickle.whichmodule(named, named.__qualname__)  # type: ignore[attr-defined]
        if module.partition(".")[0] not in TRUSTED_MODULES:
            self.foreign.append(f"{module}.{named.__qualname__}")
        return NotImplemented  # pickled as usual


def _pickled_call(fn: Callable[..., Any], args: tuple[Any, ...], seconds: float) -> bytes | None:
    """The call, pickled, if it can go to the worker."""
    out = io.BytesIO()
    pickler = _CallPickler(out)
    try:
        pickler.dump((fn, args, seconds))
    except Exception:
        return None
    return None if pickler.foreign else out.getvalue()


#: The worker's young-generation threshold for the garbage collector (Python's default: 700).
GC_THRESHOLD = 10_000

#: True in a worker process: a call made there runs in the worker itself, under a time box.
_IN_WORKER = False


def _serve(conn: Connection, parents_end: Connection) -> None:
    """The worker's loop: one pickled (fn, args, seconds) in, one (reply, payload) out."""
    global _IN_WORKER
    _IN_WORKER = True
    parents_end.close()  # so that the parent's exit shows here as the end of the pipe
    # Ctrl-C reaches the whole process group: the parent stops, and stops the worker with it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # SymPy makes many short-lived objects, few of them in cycles: the collector's default
    # (a young-generation pass every 700 allocations) cost 5% of the corpus's time. What the
    # worker inherited is frozen out of its view (Python's advice for forked workers).
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 10, 10)
    while True:
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):  # the parent is gone
            return
        try:
            fn, args, seconds = pickle.loads(data)
        except Exception as exc:  # a class the worker does not know (defined after it started)
            conn.send_bytes(pickle.dumps((_Reply.UNPICKLABLE, f"{type(exc).__name__}: {exc}")))
            continue
        conn.send_bytes(_reply(fn, args, seconds))


class _Worker:
    """A forked process that runs calls one at a time and keeps its caches between them."""

    def __init__(self) -> None:
        ctx = multiprocessing.get_context("fork")
        self.conn, theirs = ctx.Pipe()
        self.process = ctx.Process(target=_serve, args=(theirs, self.conn), daemon=True)
        self.process.start()
        theirs.close()
        self.owner = os.getpid()

    def stop(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.conn.close()


_worker: _Worker | None = None
_worker_lock = threading.Lock()


def _current_worker() -> _Worker:
    global _worker
    if _worker is None or _worker.owner != os.getpid() or not _worker.process.is_alive():
        _worker = _Worker()  # a forked copy of this process must not talk to its parent's worker
    return _worker


def restart_worker() -> None:
    """Stop this process's worker, if any: the next call starts a new one, with cold caches."""
    with _worker_lock:
        _drop_worker()


def _drop_worker() -> None:
    global _worker
    if _worker is not None and _worker.owner == os.getpid():
        _worker.stop()
    _worker = None


def _in_worker(data: bytes, seconds: float) -> tuple[_Reply, Any]:
    """Send one pickled call to the worker; its reply, or TimeLimit/WorkerError."""
    worker = _current_worker()
    worker.conn.send_bytes(data)
    if not worker.conn.poll(seconds + max(GRACE_SECONDS, GRACE_FRACTION * seconds)):
        _drop_worker()  # stuck where its time box cannot reach: the next call gets a new worker
        raise TimeLimit(_limit_text(seconds))
    try:
        kind, payload = pickle.loads(worker.conn.recv_bytes())
    except (EOFError, OSError):
        worker.process.join(5)  # the exit code is known only once it is reaped
        code = worker.process.exitcode
        _drop_worker()
        raise WorkerError(f"worker process died (exit code {code})") from None
    return kind, payload


def call_with_time_limit(
    fn: Callable[..., Any], args: tuple[Any, ...] = (), seconds: float | None = None, *, fresh: bool = False
) -> Any:
    """``fn(*args)``, stopped after ``seconds`` (None: in this process, unbounded).

    In the long-lived worker by default; in a fresh child with ``fresh=True`` or when
    the call does not travel; in this process under a time box when this process is
    itself the worker (a call made by a call).
    """
    if seconds is None or os.name != "posix":
        return fn(*args)
    if _IN_WORKER:
        return _result(*_run(fn, args, seconds), seconds)
    if fresh:
        return _in_fresh_child(fn, args, seconds)
    data = _pickled_call(fn, args, seconds)
    if data is None:  # it does not pickle, or it names what may have changed since the worker started
        return _in_fresh_child(fn, args, seconds)
    with _worker_lock:
        kind, payload = _in_worker(data, seconds)
        if kind is _Reply.UNPICKLABLE:  # defined after the worker started: a new worker knows it
            _drop_worker()
            kind, payload = _in_worker(data, seconds)
    if kind is _Reply.UNPICKLABLE:
        return _in_fresh_child(fn, args, seconds)
    return _result(kind, payload, seconds)
