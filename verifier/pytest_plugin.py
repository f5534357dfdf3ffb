"""The pytest plugin: every claim of every derivation is a test item.

Registered through the ``pytest11`` entry point, so ``pytest derivations/`` works
once the package is installed. It follows pytest's non-Python collection: a file
in a folder named ``derivations`` (the ``derivation_dirs`` ini option) becomes a
:class:`DerivationFile`, which yields one node per derivation, which yields one
:class:`ClaimItem` per claim. An item passes when its claim meets its expectation
and fails with the failing step, the tail of its tactic trace and the
counterexample. Such files are collected as derivations only, never also as
ordinary test modules. The plugin loads and decides with the same functions as
the CLI (:func:`verifier.load.load_isolated`, :func:`verifier.engine.decide_claim`),
and reads and writes the same result cache (:class:`verifier.cache.ResultCache`,
``.verifier_cache/`` or ``$VERIFIER_CACHE_DIR``): an unchanged file is not even run,
and its claims are served from the cache. Each claim has its own entry, so the
claims of one derivation may be decided by different pytest-xdist workers
(``pytest -n auto derivations/``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .cache import ResultCache
from .engine import DEFAULT_TIMEOUT, decide_claim
from .errors import LoadError
from .load import load_file
from .model import Claim, Derivation
from .render.text import failure_text
from .report import ClaimReport

_CACHE = pytest.StashKey["ResultCache | None"]()


class ClaimFailed(Exception):
    """A claim did not meet its expectation; carries its report."""

    def __init__(self, report: ClaimReport) -> None:
        super().__init__(
            f"claim {report.claim.name!r}: expected {report.claim.expect.value}, got {report.status.value}"
        )
        self.report = report


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "derivation_dirs",
        type="args",
        default=["derivations"],
        help="names of the folders whose .py files are derivations, not test modules (default: derivations)",
    )
    group = parser.getgroup("verifier", "derivations as tests (verifier)")
    group.addoption(
        "--verifier-timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"time limit per step of a claim, in seconds (default: {DEFAULT_TIMEOUT:g})",
    )
    group.addoption("--verifier-seed", type=int, default=0, metavar="N", help="seed for the random points (default: 0)")
    group.addoption(
        "--verifier-no-cache",
        action="store_true",
        help="decide every claim again: neither read nor write the result cache (.verifier_cache)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.stash[_CACHE] = None if config.getoption("verifier_no_cache", False) else ResultCache()


def _options(config: pytest.Config) -> tuple[float | None, int]:
    """The time limit and the seed: the options that are part of a cache key."""
    return config.getoption("verifier_timeout"), config.getoption("verifier_seed")


def is_derivation_file(path: Path, config: pytest.Config) -> bool:
    """A ``.py`` file directly in a derivations folder, other than a ``_helper.py`` or conftest."""
    return (
        path.suffix == ".py"
        and not path.name.startswith("_")
        and path.name != "conftest.py"
        and path.parent.name in config.getini("derivation_dirs")
    )


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent: pytest.Collector) -> Any:
    # A wrapper, so a derivation file gets our node *instead of* the Module that the
    # python plugin makes for files named test_*.py or given on the command line.
    collected = yield
    if is_derivation_file(file_path, parent.config):
        return [DerivationFile.from_parent(parent, path=file_path)]
    return collected


class DerivationFile(pytest.File):
    """A derivation file: runs it (as the CLI does) and yields its derivations."""

    def collect(self) -> Iterator[DerivationNode]:
        cache = self.config.stash.get(_CACHE, None)
        timeout, seed = _options(self.config)
        try:
            if cache is not None:  # an unchanged file is not run: its derivations come from the cache
                derivations = cache.load_file(self.path, timeout, seed, load_timeout=timeout)
            else:
                derivations = load_file(self.path, timeout)
        except LoadError as exc:
            raise self.CollectError(str(exc)) from None
        for derivation in derivations:
            yield DerivationNode.from_parent(self, name=derivation.name, derivation=derivation)


class DerivationNode(pytest.Collector):
    """One derivation: yields an item per claim."""

    def __init__(self, *, derivation: Derivation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.derivation = derivation

    def collect(self) -> Iterator[ClaimItem]:
        for index, claim in enumerate(self.derivation.claims):
            yield ClaimItem.from_parent(self, name=claim.name, claim=claim, derivation=self.derivation, index=index)


class ClaimItem(pytest.Item):
    """One claim, decided when the test runs."""

    def __init__(self, *, claim: Claim, derivation: Derivation, index: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.claim, self.derivation, self.index = claim, derivation, index

    def runtest(self) -> None:
        cache = self.config.stash.get(_CACHE, None)
        timeout, seed = _options(self.config)
        report = cache.load_claim(self.derivation, self.index, timeout, seed) if cache is not None else None
        if report is None:
            derivation = self.derivation
            report = decide_claim(self.claim, derivation.given, derivation.where, timeout=timeout, seed=seed)
            if cache is not None:
                cache.store_claim(derivation, self.index, timeout, seed, report)
        if not report.meets_expectation:
            raise ClaimFailed(report)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, ClaimFailed):
            return failure_text(excinfo.value.report, file=self.location[0])
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        line = self.claim.line - 1 if self.claim.line else None  # pytest counts lines from 0
        return self.path, line, f"{self.derivation.name}: {self.claim.name}"
