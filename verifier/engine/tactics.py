"""The proof ladder: transforms that preserve value under the stated assumptions.

Each rung maps ``lhs - rhs`` to an expression equal to it wherever both are
defined; the claim is proved when a rung returns exactly zero. Only SymPy
transforms that respect symbol assumptions are used (no ``force=True``), so a
rewrite such as ``log(x*y) -> log(x) + log(y)`` happens only for positive x, y.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import sympy as sp

__all__ = ["Rung", "RUNGS", "RUNG_NAMES", "LADDER", "TACTICS", "GIVEN", "expand", "cancel", "powers", "simplify"]


def expand(expr):
    return sp.expand(expr)


def _exp_as_symbols(expr):
    """Replace each exp(c*p) by t_p**(c*d) for a fresh t_p = exp(p/d) per primitive argument p.

    SymPy keeps exp(h) and exp(-h) (or exp(2h)) as unrelated generators, so
    ``cancel`` cannot see exp(h)*exp(-h) == 1. Keying on the primitive part of the
    argument (with its sign normalised) makes them powers of one symbol.

    The exponent must be an integer: exp(k*u) == exp(u)**k holds for every complex u
    only for integer k (exp(x/2) == sqrt(exp(x)) fails at x = 4*I). So d is the
    least common denominator of the coefficients of p, and t_p stands for exp(p/d).
    Then t_p -> exp(p/d) is a ring homomorphism on Laurent polynomials in t_p, so a
    rational function in t_p that is identically zero stays zero after substituting
    back. When p is real, exp(p/d) > 0, so t_p is declared positive.
    """
    expr = sp.expand_power_exp(expr)
    atoms = sorted(expr.atoms(sp.exp), key=sp.default_sort_key)
    if not atoms:
        return expr
    split = {}
    for atom in atoms:
        coeff, prim = atom.args[0].as_content_primitive()
        if not coeff.is_Rational:  # a Float coefficient: leave this exponential alone
            continue
        if prim.could_extract_minus_sign():
            coeff, prim = -coeff, -prim
        split[atom] = (coeff, prim)
    denominators: dict = {}
    for coeff, prim in split.values():
        denominators[prim] = sp.ilcm(denominators.get(prim, 1), coeff.q)
    bases: dict = {}
    for prim in sorted(denominators, key=sp.default_sort_key):
        positive = True if prim.is_extended_real else None
        bases[prim] = sp.Dummy(f"exp_{len(bases)}", positive=positive)
    mapping = {atom: bases[prim] ** int(coeff * denominators[prim]) for atom, (coeff, prim) in split.items()}
    return expr.xreplace(mapping)


def cancel(expr):
    """Put over one denominator and cancel, exponentials as powers of symbols."""
    return sp.cancel(sp.together(_exp_as_symbols(expr)))


def powers(expr):
    """Split logs, merge powers and denest roots where the symbol domains allow, then cancel."""
    expr = sp.expand_log(expr)  # only where arguments are known positive
    expr = sp.powdenest(sp.powsimp(expr))
    return cancel(expr)


def simplify(expr):
    return sp.simplify(expr)


@dataclass(frozen=True)
class Rung:
    """A value-preserving transform; the claim is proved when it maps ``lhs - rhs`` to 0.

    ``share`` is the rung's relative share of the time limit (a slow rung ends and the
    next one runs). ``trusted``: polynomial or rational-function arithmetic, sound even
    when the numeric gate could not evaluate the claim.
    """

    name: str
    transform: Callable[[sp.Basic], sp.Basic]
    share: float = 1.0
    trusted: bool = False


#: The ladder, cheapest first. "given" is not a transform of its own: the pipeline
#: runs the trusted rungs again after the given facts have been substituted.
RUNGS = (
    Rung("expand", expand, 1.0, trusted=True),
    Rung("cancel", cancel, 1.0, trusted=True),
    Rung("powers", powers, 1.0),
    Rung("simplify", simplify, 4.0),
)
RUNG_NAMES = tuple(r.name for r in RUNGS)
#: The trusted rungs again, after the given facts have been eliminated.
GIVEN = "given"
#: The ladder's order, written once: a step may name any of these as ``by=``.
LADDER = RUNG_NAMES[:3] + (GIVEN,) + RUNG_NAMES[3:]
#: Everything a step may give as ``by=``: ``auto`` runs the whole ladder, a named rung
#: is tried first, ``sorry`` skips the proof (the step can be refuted, never proved).
TACTICS = ("auto", *LADDER, "sorry")
