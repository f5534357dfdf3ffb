"""The result cache: an unchanged derivation is not proved again.

Reports are stored as pickles under ``.verifier_cache/`` in the current folder (or
``$VERIFIER_CACHE_DIR``), at two levels.

**One derivation**, looked up after its file ran (:meth:`ResultCache.load`). The key
hashes everything a verdict depends on:

- the derivation file's source bytes, and those of the ``_*.py`` helpers beside it;
- every other file its load read (a module it imported, a helper it ran by path, a
  data file), seen by an audit hook in the process that loaded it;
- the derivation itself as built (its pickle: every expression with its symbols'
  domains, the tactics, given facts, regions, expectations), which also covers
  code imported from elsewhere that builds it;
- the verifier: its version and a hash of its own source files, so a changed
  engine never serves an old verdict; SymPy's, mpmath's and Python's versions;
- the options that change results: the time limit and the seed.

**A whole derivation file**, looked up *before* running it (:meth:`ResultCache.load_all`,
used by ``verify --all``): keyed by the file's bytes, the verifier, the versions
and the options, and valid only while every module of user code that was imported
when it last ran (helpers beside it, the project's own modules, packages only the
derivations imported) still has the same bytes. A hit neither runs the file nor
decides anything: the stored derivation objects stand in for it.

A missing, corrupt, unreadable or mismatched entry is a miss, never an error. A
report that cannot be pickled (a derivation with its own ``Function`` class) is
simply not stored, and neither is one where a check ran out of time or its process
died: that verdict depends on the machine's load, not on anything in the key.
Reading a pickle runs code, like running a derivation does: the cache folder is as
trusted as the derivation files beside it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import Any

import mpmath
import sympy

from . import __version__
from .load import LOAD_TIMEOUT, Loaded, Loader, load_all, load_isolated
from .model import Derivation
from .report import ClaimReport, DerivationReport, Outcome
from .runner import rebind

__all__ = ["DEFAULT_FOLDER", "ResultCache"]

DEFAULT_FOLDER = Path(".verifier_cache")
CACHE_FORMAT = 1  # bump when the stored layout changes


@functools.lru_cache(maxsize=1)
def _verifier_fingerprint() -> str:
    """The version and a hash of every source file of the installed verifier package."""
    digest = hashlib.sha256(__version__.encode())
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*.py")):
        digest.update(str(path.relative_to(package)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _package_dir(module: ModuleType) -> str:
    return os.path.dirname(os.path.abspath(str(module.__file__))) + os.sep


# Code whose version is already in the key: never listed as a derivation's dependency.
_VERSIONED = tuple(_package_dir(m) for m in (sympy, mpmath, sys.modules[__package__]))
_STDLIB = _package_dir(os)  # fixed by the Python version, also in the key


def _digest(path: str | Path) -> str | None:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return None


def _user_code(derivation_file: Path, read: tuple[str, ...]) -> dict[str, str | None]:
    """Files whose change may change what ``derivation_file`` builds, with their hashes.

    ``read`` lists every file the load opened or imported (:func:`verifier.load.load_isolated`);
    kept are the ``_*.py`` helpers beside it and those files, except the standard
    library, SymPy, mpmath and the verifier, whose versions are in the key already.
    Listing too much only costs a miss; listing too little could serve a stale verdict.
    """
    files = {str(p.resolve()) for p in derivation_file.parent.glob("_*.py")}
    for file in map(os.path.abspath, read):
        if file.startswith(_VERSIONED) or file.endswith(".pyc"):  # a .pyc follows its .py
            continue
        if file.startswith(_STDLIB) and not file[len(_STDLIB) :].startswith(("site-packages", "dist-packages")):
            continue
        files.add(file)
    return {file: _digest(file) for file in sorted(files)}


def _file_bytes(path: str | Path) -> bytes:
    try:
        return Path(path).read_bytes()
    except (OSError, TypeError):
        return b""


def _source_bytes(derivation: Derivation) -> bytes:
    """The derivation file and the ``_*.py`` helpers in its folder."""
    if not derivation.file:
        return b""
    path = Path(derivation.file)
    parts = [_file_bytes(path)]
    for helper in sorted(path.parent.glob("_*.py")):
        parts += [helper.name.encode(), _file_bytes(helper)]
    return b"\0".join(parts)


def _claim_depends_on_the_machine(claim: ClaimReport) -> bool:
    """A check stopped at its time limit, or whose process died (the engine's own error attempt).

    The engine's other attempts (a limit is BEYOND what it decides) are verdicts like any
    other: storing them keeps a warm run from deciding such a derivation every time.
    """
    results = [s.result for s in claim.steps] + ([claim.conclusion] if claim.conclusion else [])
    for result in results:
        for attempt in result.steps:
            if attempt.outcome is Outcome.TIME_LIMIT or (
                attempt.tactic == "engine" and attempt.outcome is Outcome.ERROR
            ):
                return True
    return False


def _depends_on_the_machine(report: DerivationReport) -> bool:
    return any(_claim_depends_on_the_machine(claim) for claim in report.claims)


def _fits(report: DerivationReport, derivation: Derivation) -> bool:
    """The stored report is about this derivation: same name, same claims in the same order."""
    return report.derivation.name == derivation.name and [c.claim.name for c in report.claims] == [
        c.name for c in derivation.claims
    ]


class _PendingFile:
    """A derivation file that ran in this process: its entry is written once all its reports are in."""

    def __init__(self, key: str, dependencies: dict[str, str | None], derivations: tuple[Derivation, ...]) -> None:
        self.key, self.dependencies, self.derivations = key, dependencies, tuple(derivations)
        self.reports: dict[int, DerivationReport] = {}


class ResultCache:
    """Reports stored by key in ``folder`` (default ``./.verifier_cache``)."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder or os.environ.get("VERIFIER_CACHE_DIR") or DEFAULT_FOLDER)
        self._preloaded: dict[int, tuple[Derivation, DerivationReport]] = {}  # file-level hits, by id
        self._pending: list[_PendingFile] = []
        # The files each derivation's load read, with their hashes: part of its key.
        self._dependencies: dict[int, tuple[Derivation, dict[str, str | None]]] = {}
        self._keys: dict[tuple[int, float | None, int], tuple[Derivation, str | None]] = {}

    # -- whole files, before running them ---------------------------------------------

    def load_all(
        self, paths: Iterable[Path], timeout: float | None, seed: int, load_timeout: float | None = LOAD_TIMEOUT
    ) -> Loaded:
        """Like :func:`verifier.load.load_all`, but files unchanged since a cached run are not run.

        Their derivations are the stored ones, and :meth:`load` returns their reports.
        """
        return load_all(paths, loader=self.loader(timeout, seed, load_timeout))

    def loader(self, timeout: float | None, seed: int, load_timeout: float | None = LOAD_TIMEOUT) -> Loader:
        """:meth:`load_file` with these options, for :func:`verifier.load.load_all` and ``resolve``."""
        return functools.partial(self.load_file, timeout=timeout, seed=seed, load_timeout=load_timeout)

    def load_file(
        self, path: str | Path, timeout: float | None, seed: int, load_timeout: float | None = LOAD_TIMEOUT
    ) -> list[Derivation]:
        """One file's derivations: the stored ones when it is unchanged, else it runs (isolated).

        Raises LoadError. The files it read become part of its derivations' keys.
        """
        path = Path(path)
        found = self._load_file_entry(path, timeout, seed)
        if found is not None:
            return found
        loaded = load_isolated(path, load_timeout)
        dependencies = _user_code(path, loaded.imported)
        for derivation in loaded.derivations:
            self._dependencies[id(derivation)] = (derivation, dependencies)
        key = self._file_key(path, timeout, seed)
        if key is not None:
            self._pending.append(_PendingFile(key, dependencies, loaded.derivations))
        return list(loaded.derivations)

    def _file_key(self, path: Path, timeout: float | None, seed: int) -> str | None:
        try:
            source = path.read_bytes()
        except OSError:
            return None
        digest = hashlib.sha256()
        for part in (
            f"format {CACHE_FORMAT} file",
            f"verifier {_verifier_fingerprint()}",
            f"sympy {sympy.__version__} mpmath {mpmath.__version__} python {sys.version_info[:2]}",
            f"timeout {timeout!r} seed {seed!r}",
            f"path {path.resolve()}",
        ):
            digest.update(part.encode() + b"\0")
        digest.update(source)
        return digest.hexdigest()

    def _load_file_entry(self, path: Path, timeout: float | None, seed: int) -> list[Derivation] | None:
        key = self._file_key(path, timeout, seed)
        entry = self._read(f"{key}.file") if key is not None else None
        if not isinstance(entry, dict):
            return None
        try:
            dependencies, reports = entry["dependencies"], entry["reports"]
            if not reports or not all(isinstance(r, DerivationReport) for r in reports):
                return None
            if any(_digest(file) != digest for file, digest in dependencies.items()):
                return None  # a helper or other imported module changed since
        except Exception:
            return None
        for report in reports:
            self._preloaded[id(report.derivation)] = (report.derivation, report)
        return [r.derivation for r in reports]

    # -- one derivation, after its file ran ----------------------------------------

    def key(self, derivation: Derivation, timeout: float | None, seed: int) -> str | None:
        """The entry's name, or None when the derivation cannot be fingerprinted."""
        remembered = self._keys.get((id(derivation), timeout, seed))
        if remembered is not None and remembered[0] is derivation:
            return remembered[1]
        key = self._key(derivation, timeout, seed)
        self._keys[(id(derivation), timeout, seed)] = (derivation, key)
        return key

    def _key(self, derivation: Derivation, timeout: float | None, seed: int) -> str | None:
        try:
            built = pickle.dumps(derivation, protocol=4)
        except Exception:
            return None
        digest = hashlib.sha256()
        for part in (
            f"format {CACHE_FORMAT}",
            f"verifier {_verifier_fingerprint()}",
            f"sympy {sympy.__version__} mpmath {mpmath.__version__} python {sys.version_info[:2]}",
            f"timeout {timeout!r} seed {seed!r}",
            f"derivation {derivation.name}",
        ):
            digest.update(part.encode() + b"\0")
        digest.update(_source_bytes(derivation) + b"\0")
        known = self._dependencies.get(id(derivation))
        if known is not None and known[0] is derivation:
            for file, file_digest in known[1].items():
                digest.update(f"read {file} {file_digest}".encode() + b"\0")
        digest.update(built)
        return digest.hexdigest()

    def load(self, derivation: Derivation, timeout: float | None, seed: int) -> DerivationReport | None:
        """The stored report for this derivation and these options, or None.

        Made up from the claims' own entries (written by the pytest plugin) when every
        claim has one.
        """
        preloaded = self._preloaded.get(id(derivation))
        if preloaded is not None and preloaded[0] is derivation:
            return preloaded[1]
        key = self.key(derivation, timeout, seed)
        if key is None:
            return None
        report = self._read(key)
        if isinstance(report, DerivationReport) and _fits(report, derivation):
            return rebind(report, derivation)
        whole = self._from_claims(key, derivation)
        if whole is not None:
            self._preloaded[id(derivation)] = (derivation, whole)
        return whole

    def _from_claims(self, key: str, derivation: Derivation) -> DerivationReport | None:
        """The derivation's report made up from its claims' entries, when every claim has one."""
        claims = []
        for index in range(len(derivation.claims)):
            claim = self._read_claim(key, derivation, index)
            if claim is None:
                return None
            claims.append(claim)
        return DerivationReport(derivation, tuple(claims), sum(c.seconds for c in claims))

    def _read_claim(self, key: str, derivation: Derivation, index: int) -> ClaimReport | None:
        report = self._read(f"{key}.claim{index}")
        if not isinstance(report, ClaimReport) or report.claim.name != derivation.claims[index].name:
            return None
        return replace(report, claim=derivation.claims[index])

    # -- one claim: the pytest plugin's items --------------------------------------

    def load_claim(self, derivation: Derivation, index: int, timeout: float | None, seed: int) -> ClaimReport | None:
        """The stored report of the derivation's claim number ``index``, or None."""
        whole = self.load(derivation, timeout, seed)
        if whole is not None:
            return whole.claims[index]
        key = self.key(derivation, timeout, seed)
        return self._read_claim(key, derivation, index) if key is not None else None

    def store_claim(
        self, derivation: Derivation, index: int, timeout: float | None, seed: int, report: ClaimReport
    ) -> bool:
        """Store one claim's report; once every claim has one, the derivation's entry too.

        Claims of one derivation may be decided in different pytest-xdist workers: whichever
        stores the last one writes the whole entry (or a later :meth:`load` makes it up).
        """
        key = self.key(derivation, timeout, seed)
        if key is None or _claim_depends_on_the_machine(report) or not self._write(f"{key}.claim{index}", report):
            return False
        whole = self._from_claims(key, derivation)
        if whole is not None:
            self.store(derivation, timeout, seed, whole)
        return True

    def store(self, derivation: Derivation, timeout: float | None, seed: int, report: DerivationReport) -> bool:
        """Store the report; False (and nothing written) when it cannot or should not be."""
        key = self.key(derivation, timeout, seed)
        stored = key is not None and not _depends_on_the_machine(report) and self._write(key, report)
        for pending in list(self._pending):
            if not any(d is derivation for d in pending.derivations):
                continue
            if not stored:  # the file's entry would lack this report
                self._pending.remove(pending)
                continue
            pending.reports[id(derivation)] = report
            if len(pending.reports) == len(pending.derivations):
                self._pending.remove(pending)
                reports = [pending.reports[id(d)] for d in pending.derivations]
                self._write(f"{pending.key}.file", {"dependencies": pending.dependencies, "reports": reports})
        return stored

    # -- files ---------------------------------------------------------------------

    def _read(self, name: str) -> Any:
        """The unpickled entry, or None: missing, truncated, garbage or foreign entries are misses."""
        try:
            with open(self.folder / f"{name}.pickle", "rb") as handle:
                # Loaded with evaluation on: rebuilding without it was faster, but it did not
                # give back the same trees for sums over symbolic sizes (Sum(1*exp(z[d]), ...)).
                return pickle.load(handle)
        except Exception:
            return None

    def _write(self, name: str, value: object) -> bool:
        try:
            data = pickle.dumps(value, protocol=4)
        except Exception:
            return False
        try:
            self._prepare_folder()
            # Write then rename, so a reader never sees half an entry.
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, self.folder / f"{name}.pickle")
            except BaseException:
                os.unlink(temporary)
                raise
        except OSError:
            return False
        return True

    def _prepare_folder(self) -> None:
        """Create the folder, ignored by git and by backup tools wherever it is."""
        if self.folder.is_dir():
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / ".gitignore").write_text("# created by verifier: the result cache\n*\n")
        (self.folder / "CACHEDIR.TAG").write_text(
            "Signature: 8a477f597d28d172789f06886806bc55\n# the verifier's result cache; see https://bford.info/cachedir/\n"
        )
