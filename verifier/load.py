"""Finding and loading derivations: shared by the CLI and the pytest plugin.

Derivations live in ``./derivations/*.py`` of the current folder (or a folder the
user names), one module per derivation, like tests for pytest. A module defines
its derivation as a module-level ``Derivation``; files whose name starts with an
underscore are helpers, not derivations. Loading a file runs it (it is code the
user chose to run, like a test); a broken file becomes one clear line in
``errors`` and the others still load.
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
import traceback
from dataclasses import dataclass
from pathlib import Path

from .model import Derivation

__all__ = ["DEFAULT_DIR", "LoadError", "Loaded", "discover", "load_file", "load_all", "resolve"]

DEFAULT_DIR = Path("derivations")


class LoadError(Exception):
    """A derivation file that cannot be used; the message is one line for people."""


@dataclass(frozen=True)
class Loaded:
    derivations: tuple[Derivation, ...]
    errors: tuple[str, ...]


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


def load_file(path) -> list[Derivation]:
    """Run one derivation file and return the derivations it defines."""
    path = Path(path)
    if not path.is_file():
        raise LoadError(f"{path}: no such file")
    module_name = f"verifier_derivations.{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
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
        raise LoadError(f"{_where(path, exc)}: {type(exc).__name__} while building the derivation: {_first_line(exc)}") from None
    except SystemExit as exc:  # a file that calls sys.exit() must not end the whole run
        raise LoadError(f"{_where(path, exc)}: the file called sys.exit({exc.code!r}) while building the derivation") from None
    finally:
        sys.dont_write_bytecode = writes_bytecode
        if sys.path and sys.path[0] == folder:
            sys.path.pop(0)
    found = []
    for value in vars(module).values():
        if isinstance(value, Derivation) and all(value is not d for d in found):
            found.append(value)
    if not found:
        raise LoadError(f"{path}: defines no Derivation (assign one to a module-level name)")
    return found


def load_all(paths) -> Loaded:
    """Load every file; a broken file or a duplicate name becomes an error line."""
    derivations: list[Derivation] = []
    errors: list[str] = []
    names: dict[str, str] = {}
    for path in paths:
        try:
            loaded = load_file(path)
        except LoadError as exc:
            errors.append(str(exc))
            continue
        add_unique(loaded, path, names, derivations, errors)
    return Loaded(tuple(derivations), tuple(errors))


def add_unique(found, path, names: dict, derivations: list, errors: list) -> None:
    """Append ``found`` to ``derivations``; a name already taken becomes an error line."""
    for d in found:
        if d.name in names:
            errors.append(f"{path}: derivation name {d.name!r} is already used by {names[d.name]}")
            continue
        names[d.name] = str(path)
        derivations.append(d)


def resolve(name: str, folder: Path = DEFAULT_DIR) -> Loaded:
    """The derivation called ``name`` (or defined in the file ``name``).

    Tries a path first, then ``folder/name.py``, then every file in ``folder``.
    Raises LoadError with a did-you-mean when nothing matches.
    """
    candidate = Path(name)
    if candidate.suffix == ".py" or candidate.is_file():
        return load_all([candidate])
    folder = Path(folder)
    direct = folder / f"{name}.py"
    if direct.is_file():
        loaded = load_all([direct])
        matching = tuple(d for d in loaded.derivations if d.name == name) or loaded.derivations
        return Loaded(matching, loaded.errors)
    if not folder.is_dir():
        raise LoadError(f"no derivation named {name!r}: there is no folder {folder}/ here (use --dir DIR)")
    everything = load_all(discover(folder))
    matching = tuple(d for d in everything.derivations if d.name == name)
    if matching:
        return Loaded(matching, ())
    known = sorted({d.name for d in everything.derivations} | {p.stem for p in discover(folder)})
    close = difflib.get_close_matches(name, known, n=1)
    hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known) or 'none'})"
    raise LoadError(f"no derivation named {name!r} in {folder}/{hint}")
