"""The pytest plugin: every claim of every derivation is a test item.

Registered through the ``pytest11`` entry point, so ``pytest derivations/`` works
once the package is installed. It follows pytest's non-Python collection: a file
in a folder named ``derivations`` (the ``derivation_dirs`` ini option) becomes a
:class:`DerivationFile`, which yields one node per derivation, which yields one
:class:`ClaimItem` per claim. An item passes when its claim meets its expectation
and fails with the failing step, the tail of its tactic trace and the
counterexample. Such files are collected as derivations only, never also as
ordinary test modules. The plugin loads and decides with the same two functions as
the CLI (:func:`verifier.load.load_file`, :func:`verifier.engine.decide_claim`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .engine import DEFAULT_TIMEOUT, decide_claim
from .load import LoadError, load_file
from .render.text import failure_text


class ClaimFailed(Exception):
    """A claim did not meet its expectation; carries its report."""

    def __init__(self, report):
        super().__init__(f"claim {report.claim.name!r}: expected {report.claim.expect.value}, got {report.status.value}")
        self.report = report


def pytest_addoption(parser):
    parser.addini(
        "derivation_dirs", type="args", default=["derivations"],
        help="names of the folders whose .py files are derivations, not test modules (default: derivations)",
    )
    group = parser.getgroup("verifier", "derivations as tests (verifier)")
    group.addoption("--verifier-timeout", type=float, default=DEFAULT_TIMEOUT, metavar="S",
                    help=f"time limit per step of a claim, in seconds (default: {DEFAULT_TIMEOUT:g})")
    group.addoption("--verifier-seed", type=int, default=0, metavar="N", help="seed for the random points (default: 0)")


def is_derivation_file(path: Path, config) -> bool:
    """A ``.py`` file directly in a derivations folder, other than a ``_helper.py`` or conftest."""
    return (
        path.suffix == ".py"
        and not path.name.startswith("_")
        and path.name != "conftest.py"
        and path.parent.name in config.getini("derivation_dirs")
    )


@pytest.hookimpl(wrapper=True)
def pytest_collect_file(file_path: Path, parent):
    # A wrapper, so a derivation file gets our node *instead of* the Module that the
    # python plugin makes for files named test_*.py or given on the command line.
    collected = yield
    if is_derivation_file(file_path, parent.config):
        return [DerivationFile.from_parent(parent, path=file_path)]
    return collected


class DerivationFile(pytest.File):
    """A derivation file: runs it (as the CLI does) and yields its derivations."""

    def collect(self):
        try:
            derivations = load_file(self.path)
        except LoadError as exc:
            raise self.CollectError(str(exc)) from None
        for derivation in derivations:
            yield DerivationNode.from_parent(self, name=derivation.name, derivation=derivation)


class DerivationNode(pytest.Collector):
    """One derivation: yields an item per claim."""

    def __init__(self, *, derivation, **kwargs):
        super().__init__(**kwargs)
        self.derivation = derivation

    def collect(self):
        for claim in self.derivation.claims:
            yield ClaimItem.from_parent(self, name=claim.name, claim=claim)


class ClaimItem(pytest.Item):
    """One claim, decided when the test runs."""

    def __init__(self, *, claim, **kwargs):
        super().__init__(**kwargs)
        self.claim = claim

    def runtest(self):
        derivation = self.parent.derivation
        options = self.config.option
        report = decide_claim(self.claim, derivation.given, derivation.where,
                              timeout=options.verifier_timeout, seed=options.verifier_seed)
        if not report.meets_expectation:
            raise ClaimFailed(report)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ClaimFailed):
            return failure_text(excinfo.value.report, file=self.location[0])
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        line = self.claim.line - 1 if self.claim.line else None  # pytest counts lines from 0
        return self.path, line, f"{self.parent.derivation.name}: {self.claim.name}"
