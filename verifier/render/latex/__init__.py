"""LaTeX appendices: a derivation's report as a fragment a paper can ``\\input``.

The package owns the page layout only, one concern a module:

* :mod:`.text`: user text (titles, notes, names, sources) escaped, so it prints
  literally and never runs as TeX;
* :mod:`.printer`: every expression through a ``LatexPrinter`` subclass (safe
  names, subscripted entries, ∂), under the derivation's named subexpressions;
* :mod:`.layout`: abbreviations, breaking long sums, wide matrices listed by entry;
* :mod:`.blocks`: a claim's chain, evidence, certificates, correction and verdict
  (the words from :mod:`verifier.wording`);
* :mod:`.document`: the fragment per derivation, ``appendix.tex``, ``main.tex``.

A fragment needs ``amsmath`` and ``graphicx`` in the preamble.
"""

from __future__ import annotations

from ... import wording
from ...report import ClaimReport
from .blocks import verdict_sentence
from .document import (
    appendix,
    derivation_fragment,
    fragment_filename,
    standalone_document,
    write_appendix,
)
from .layout import abbreviate
from .printer import math
from .text import escape

__all__ = [
    "abbreviate",
    "appendix",
    "derivation_fragment",
    "escape",
    "fragment_filename",
    "math",
    "scope_words",
    "standalone_document",
    "verdict_sentence",
    "write_appendix",
]


def scope_words(report: ClaimReport) -> str:
    """What a verdict covers, in words: the same words as the terminal trace and the JSON."""
    return wording.scope_text(report)
