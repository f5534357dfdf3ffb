"""Finding and loading derivations: shared by the CLI, the cache and the pytest plugin.

Derivations live in ``./derivations/*.py`` of the current folder (or a folder the
user names), one module per derivation, like tests for pytest. A module defines
its derivation as a module-level ``Derivation``; files whose name starts with an
underscore are helpers, not derivations. Loading a file runs it (it is code the
user chose to run, like a test); a broken file becomes one clear line in
``errors`` and the others still load.

A file is run in a forked child process under the time limit
(:mod:`verifier.engine.timeout`), so a ``while True``, a ``BaseException`` or an
``os._exit(0)`` at import ends that file only; its derivations come back pickled.
A file whose derivations do not pickle (its own ``Function`` subclass, say) ran
to the end in the child, and is then run again in this process.
"""

from __future__ import annotations

import difflib
import importlib.util
import os
import pickle
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .engine.timeout import TimeLimit, WorkerError, call_with_time_limit
from .errors import LoadError
from .model import Derivation

__all__ = [
    "DEFAULT_DIR",
    "LOAD_TIMEOUT",
    "LoadError",
    "Loaded",
    "LoadedFile",
    "discover",
    "load_all",
    "load_file",
    "load_isolated",
    "resolve",
]

DEFAULT_DIR = Path("derivations")
Loader = Callable[[Path], "list[Derivation]"]
LOAD_TIMEOUT = 60.0  # seconds to run one derivation file, as the engine's default per step
#: A file's imports (SymPy's included) need a moment even when the steps' limit is tiny.
LEAST_LOAD_TIMEOUT = 5.0


@dataclass(frozen=True)
class Loaded:
    derivations: tuple[Derivation, ...]
    errors: tuple[str, ...]


@dataclass(frozen=True)
class LoadedFile:
    """The derivations one file built, and the source files of the modules it imported."""

    derivations: tuple[Derivation, ...]
    imported: tuple[str, ...]


def discover(folder: Path) -> list[Path]:
    return sorted(p for p in Path(folder).glob("*.py") if not p.name.startswith("_"))


def _where(path: Path, exc: BaseException) -> str:
    """``path:line`` of the deepest frame of the traceback inside ``path``."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if Path(frame.filename).resolve() == path.resolve():
            line = frame.lineno
    return f"{path}:{line}" if line else str(path)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__


def _run_file(path: Path) -> list[Derivation]:
    """Run one derivation file in this process and return the derivations it defines."""
    module_name = f"verifier_derivations.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path}: cannot be loaded as a Python module")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    sys.path.insert(0, folder)  # so a derivation can import helpers beside it
    writes_bytecode = sys.dont_write_bytecode
    sys.dont_write_bytecode = True  # write nothing (no __pycache__) into the user's folders
    try:
        spec.loader.exec_module(module)
    except SyntaxError as exc:
        raise LoadError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except ImportError as exc:
        raise LoadError(f"{_where(path, exc)}: import error: {_first_line(exc)}") from None
    except Exception as exc:
        name = type(exc).__name__
        raise LoadError(f"{_where(path, exc)}: {name} while building the derivation: {_first_line(exc)}") from None
    except SystemExit as exc:  # a file that calls sys.exit() must not end the whole run
        raise LoadError(
            f"{_where(path, exc)}: the file called sys.exit({exc.code!r}) while building the derivation"
        ) from None
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # GeneratorExit, or the file's own BaseException subclass
        name = type(exc).__name__
        raise LoadError(f"{_where(path, exc)}: {name} (a BaseException) while building the derivation") from None
    finally:
        sys.dont_write_bytecode = writes_bytecode
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    found: list[Derivation] = []
    for value in vars(module).values():
        if isinstance(value, Derivation) and all(value is not d for d in found):
            found.append(value)
    if not found:
        raise LoadError(f"{path}: defines no Derivation (assign one to a module-level name)")
    return found


def _imported_since(before: set[str], opened: set[str]) -> tuple[str, ...]:
    """The files ``opened``, and the source files of the modules imported since ``before``."""
    files = {os.path.abspath(file) for file in opened if os.path.isfile(file)}
    for name, module in list(sys.modules.items()):
        file = getattr(module, "__file__", None)
        if name not in before and isinstance(file, str):
            files.add(os.path.abspath(file))
    return tuple(sorted(files))


def _reads(mode: object, flags: object) -> bool:
    """An ``open`` audit event that may read the file (a log it only writes is no input)."""
    if isinstance(mode, str):
        return "r" in mode or "+" in mode
    if isinstance(flags, int):
        return flags & os.O_ACCMODE != os.O_WRONLY
    return True


def _load_in_child(path: Path) -> tuple[str, object, tuple[str, ...]]:
    """In the forked child: ("ok", pickled derivations, files read), ("error", message, ())
    or ("local", None, files read) when the derivations do not pickle.

    The files read are every file the load opened (a helper run by path, a data
    file) and the source of every module it imported: the cache hashes them.
    An audit hook sees the opens; it lives and dies with this child.
    """
    before, opened = set(sys.modules), set()

    def record(event: str, args: tuple[Any, ...]) -> None:
        if event == "open" and isinstance(args[0], (str, bytes, os.PathLike)) and _reads(*args[1:3]):
            opened.add(os.fsdecode(args[0]))

    sys.addaudithook(record)
    try:
        found = _run_file(path)
    except LoadError as exc:
        return "error", str(exc), ()
    imported = _imported_since(before, opened)
    try:
        return "ok", pickle.dumps(tuple(found), protocol=4), imported
    except Exception:
        return "local", None, imported


def load_isolated(path: str | Path, timeout: float | None = LOAD_TIMEOUT) -> LoadedFile:
    """Run one derivation file in a child process stopped after ``timeout`` seconds.

    The limit is at least LEAST_LOAD_TIMEOUT seconds. ``timeout=None`` (or a
    system without fork) runs it in this process. Raises
    LoadError, with one line naming the file, for every way the file can fail.
    """
    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    if timeout is None or os.name != "posix":
        before = set(sys.modules)
        found = _run_file(path)
        return LoadedFile(tuple(found), _imported_since(before, {str(path)}))
    timeout = max(timeout, LEAST_LOAD_TIMEOUT)
    try:
        kind, payload, imported = call_with_time_limit(_load_in_child, (path,), timeout, fresh=True)
    except TimeLimit:
        raise LoadError(
            f"{path}: still running after the time limit of {timeout:g} s while building the derivation"
        ) from None
    except WorkerError as exc:
        raise LoadError(f"{path}: the process building the derivation ended early: {_first_line(exc)}") from None
    if kind == "error":
        raise LoadError(str(payload))
    try:
        if kind == "ok":
            return LoadedFile(pickle.loads(payload), imported)
    except Exception:
        pass
    # It ran to the end in the child, but its objects only live in a process that ran it.
    return LoadedFile(tuple(_run_file(path)), imported)


def load_file(path: str | Path, timeout: float | None = LOAD_TIMEOUT) -> list[Derivation]:
    """Run one derivation file (isolated, see :func:`load_isolated`) and return its derivations."""
    return list(load_isolated(path, timeout).derivations)


def load_all(paths: Iterable[str | Path], timeout: float | None = LOAD_TIMEOUT, loader: Loader | None = None) -> Loaded:
    """Load every file; a broken file or a duplicate name becomes an error line.

    ``loader(path)`` loads one file (default :func:`load_file` with ``timeout``; the
    result cache passes its own, which may answer from the cache).
    """
    derivations: list[Derivation] = []
    errors: list[str] = []
    names: dict[str, str] = {}
    for path in paths:
        try:
            loaded = loader(Path(path)) if loader is not None else load_file(path, timeout)
        except LoadError as exc:
            errors.append(str(exc))
            continue
        add_unique(loaded, path, names, derivations, errors)
    return Loaded(tuple(derivations), tuple(errors))


def add_unique(
    found: Iterable[Derivation],
    path: str | Path,
    names: dict[str, str],
    derivations: list[Derivation],
    errors: list[str],
) -> None:
    """Append ``found`` to ``derivations``; a name already taken becomes an error line."""
    for d in found:
        if d.name in names:
            errors.append(f"{path}: derivation name {d.name!r} is already used by {names[d.name]}")
            continue
        names[d.name] = str(path)
        derivations.append(d)


def resolve(
    name: str, folder: Path = DEFAULT_DIR, timeout: float | None = LOAD_TIMEOUT, loader: Loader | None = None
) -> Loaded:
    """The derivation called ``name`` (or defined in the file ``name``).

    Tries a path first, then ``folder/name.py``, then every file in ``folder``.
    Raises LoadError with a did-you-mean when nothing matches.
    """
    candidate = Path(name)
    if candidate.suffix == ".py" or candidate.is_file():
        return load_all([candidate], timeout, loader)
    folder = Path(folder)
    direct = folder / f"{name}.py"
    if direct.is_file():
        loaded = load_all([direct], timeout, loader)
        matching = tuple(d for d in loaded.derivations if d.name == name) or loaded.derivations
        return Loaded(matching, loaded.errors)
    if not folder.is_dir():
        raise LoadError(f"no derivation named {name!r}: there is no folder {folder}/ here (use --dir DIR)")
    everything = load_all(discover(folder), timeout, loader)
    matching = tuple(d for d in everything.derivations if d.name == name)
    if matching:
        return Loaded(matching, ())
    known = sorted({d.name for d in everything.derivations} | {p.stem for p in discover(folder)})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known) or 'none'})"
    raise LoadError(f"no derivation named {name!r} in {folder}/{hint}")
