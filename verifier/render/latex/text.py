"""User text as LaTeX that prints it literally (and never runs any of it)."""

from __future__ import annotations

import unicodedata

__all__ = ["escape"]


# ASCII characters that are special to TeX or drawn wrongly by the OT1 encoding.
# The typewriter font has every ASCII glyph in its ASCII slot in every encoding, so
# \texttt{\char N} prints the character itself whatever the user's preamble is.
_SPECIAL = {
    "\\": r"\texttt{\char92}",
    "{": r"\texttt{\char123}",
    "}": r"\texttt{\char125}",
    "_": r"\texttt{\char95}",
    "^": r"\texttt{\char94}",
    "~": r"\texttt{\char126}",
    "<": r"\texttt{\char60}",
    ">": r"\texttt{\char62}",
    "|": r"\texttt{\char124}",
    '"': r"\texttt{\char34}",
    # Straight quotes, not the curly ones (and no '' ligature): f'(x) stays f'(x).
    "'": r"\texttt{\char13}",
    "`": r"\texttt{\char18}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
}

# Non-ASCII characters people write in titles and notes, as math symbols.
_UNICODE_MATH = {
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "ζ": r"\zeta",
    "η": r"\eta",
    "θ": r"\theta",
    "ι": r"\iota",
    "κ": r"\kappa",
    "λ": r"\lambda",
    "μ": r"\mu",
    "ν": r"\nu",
    "ξ": r"\xi",
    "π": r"\pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "τ": r"\tau",
    "υ": r"\upsilon",
    "φ": r"\phi",
    "χ": r"\chi",
    "ψ": r"\psi",
    "ω": r"\omega",
    "Γ": r"\Gamma",
    "Δ": r"\Delta",
    "Θ": r"\Theta",
    "Λ": r"\Lambda",
    "Ξ": r"\Xi",
    "Π": r"\Pi",
    "Σ": r"\Sigma",
    "Φ": r"\Phi",
    "Ψ": r"\Psi",
    "Ω": r"\Omega",
    "∇": r"\nabla",
    "∂": r"\partial",
    "∑": r"\sum",
    "∏": r"\prod",
    "∫": r"\int",
    "√": r"\surd",
    "∞": r"\infty",
    "≤": r"\le",
    "≥": r"\ge",
    "≠": r"\ne",
    "≈": r"\approx",
    "±": r"\pm",
    "×": r"\times",
    "·": r"\cdot",
    "∈": r"\in",
    "→": r"\to",
    "←": r"\leftarrow",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "∀": r"\forall",
    "∃": r"\exists",
    "⊤": r"\top",
    "‖": r"\|",
    "∘": r"\circ",
    "⊙": r"\odot",
    "⊗": r"\otimes",
    "⊕": r"\oplus",
    "−": "-",
    "ℓ": r"\ell",
    "∝": r"\propto",
    "∼": r"\sim",
}
_UNICODE_TEXT = {"–": "--", "—": "---", "‘": "`", "’": "'", "“": "``", "”": "''", "…": r"\ldots{}", "\u00a0": "~"}


def escape(text: object) -> str:
    """User text as LaTeX that prints it literally (and never runs any of it).

    Special ASCII characters are printed as themselves; common Greek letters and
    maths symbols as their TeX symbols; accented Latin letters pass through (LaTeX
    reads UTF-8); any other character as ``[U+XXXX]`` so the document compiles.
    """
    out = []
    for char in str(text):
        if char in _SPECIAL:
            out.append(_SPECIAL[char])
        elif char in "\n\t\r":
            out.append(" ")
        elif ord(char) < 32 or ord(char) == 127:
            out.append(f"[U+{ord(char):04X}]")
        elif ord(char) < 128:
            out.append(char)
        elif char in _UNICODE_MATH:
            out.append(rf"\ensuremath{{{_UNICODE_MATH[char]}}}")
        elif char in _UNICODE_TEXT:
            out.append(_UNICODE_TEXT[char])
        elif _latin_letter(char):
            out.append(char)
        else:
            out.append(f"[U+{ord(char):04X}]")
    # Break the -- and --- ligatures and the ?` !` ones, so the text stays as written.
    return "".join(out).replace("--", "-{}-").replace("?`", "?{}`").replace("!`", "!{}`")


def _latin_letter(char: str) -> bool:
    """An accented Latin-1 letter that LaTeX's UTF-8 input maps in every encoding."""
    if not ("\u00c0" <= char <= "\u00ff") or char in "ÐðÞþ×÷":
        return False
    return unicodedata.category(char).startswith("L")
