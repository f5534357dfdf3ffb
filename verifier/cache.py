"""The result cache: an unchanged derivation is not proved again.

A derivation's report is stored as a pickle under ``.verifier_cache/`` in the
current folder (or ``$VERIFIER_CACHE_DIR``), one file per key. The key hashes
everything a verdict depends on:

- the derivation file's source bytes, and those of the ``_*.py`` helpers beside it;
- the derivation itself as built (its pickle: every expression with its symbols'
  domains, the tactics, given facts, regions, expectations), which also covers
  code imported from elsewhere that builds it;
- the verifier: its version and a hash of its own source files, so a changed
  engine never serves an old verdict; SymPy's, mpmath's and Python's versions;
- the options that change results: the time limit and the seed.

A missing, corrupt, unreadable or mismatched entry is a miss, never an error; a
report that cannot be pickled (a derivation with its own ``Function`` class) is
simply not stored, and neither is one where a check ran out of time or its process
died: that verdict depends on the machine's load, not on anything in the key. Reading a pickle runs code, like running a derivation does:
the cache folder is as trusted as the derivation files beside it.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

import mpmath
import sympy

from . import __version__
from .model import Derivation
from .report import DerivationReport
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


def _file_bytes(path) -> bytes:
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


def _depends_on_the_machine(report: DerivationReport) -> bool:
    """A check stopped at its time limit, or whose process died (the engine's own attempts)."""
    for claim in report.claims:
        results = [s.result for s in claim.steps] + ([claim.conclusion] if claim.conclusion else [])
        for result in results:
            if any(a.tactic == "engine" or a.outcome == "time limit" for a in result.steps):
                return True
    return False


class ResultCache:
    """Reports stored by key in ``folder`` (default ``./.verifier_cache``)."""

    def __init__(self, folder=None):
        self.folder = Path(folder or os.environ.get("VERIFIER_CACHE_DIR") or DEFAULT_FOLDER)

    def key(self, derivation: Derivation, timeout, seed) -> str | None:
        """The entry's name, or None when the derivation cannot be fingerprinted."""
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
        digest.update(built)
        return digest.hexdigest()

    def _path(self, key: str) -> Path:
        return self.folder / f"{key}.pickle"

    def load(self, derivation: Derivation, timeout, seed) -> DerivationReport | None:
        """The stored report for this derivation and these options, or None."""
        key = self.key(derivation, timeout, seed)
        if key is None:
            return None
        try:
            with open(self._path(key), "rb") as handle:
                report = pickle.load(handle)
        except Exception:  # missing, truncated, garbage, or written by other code: a miss
            return None
        if not isinstance(report, DerivationReport) or report.derivation.name != derivation.name:
            return None
        if [c.claim.name for c in report.claims] != [c.name for c in derivation.claims]:
            return None
        return rebind(report, derivation)

    def store(self, derivation: Derivation, timeout, seed, report: DerivationReport) -> bool:
        """Store the report; False (and nothing written) when it cannot or should not be."""
        key = self.key(derivation, timeout, seed)
        if key is None or _depends_on_the_machine(report):
            return False
        try:
            data = pickle.dumps(report, protocol=4)
        except Exception:
            return False
        try:
            self._prepare_folder()
            # Write then rename, so a reader never sees half an entry.
            handle, temporary = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, self._path(key))
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
