"""The proof ladder: transforms that preserve value under the stated assumptions.

Each rung maps ``lhs - rhs`` to an expression equal to it wherever both are
defined; the claim is proved when a rung returns exactly zero. Only SymPy
transforms that respect symbol assumptions are used (no ``force=True``), so a
rewrite such as ``log(x*y) -> log(x) + log(y)`` happens only for positive x, y.
"""

from __future__ import annotations

import sympy as sp

__all__ = ["RUNGS", "expand", "cancel", "powers", "simplify"]


def expand(expr):
    return sp.expand(expr)


def _exp_as_symbols(expr):
    """Replace each exp(c*p) by t_p**c for a fresh t_p per primitive argument p.

    SymPy keeps exp(h) and exp(-h) (or exp(2h)) as unrelated generators, so
    ``cancel`` cannot see exp(h)*exp(-h) == 1. Keying on the primitive part of the
    argument (with its sign normalised) makes them powers of one symbol. The map
    t_p -> exp(p) is a ring homomorphism, so a rational function in t_p that is
    identically zero stays zero after substituting back.
    """
    expr = sp.expand_power_exp(expr)
    atoms = sorted(expr.atoms(sp.exp), key=sp.default_sort_key)
    if not atoms:
        return expr
    bases: dict = {}
    mapping = {}
    for atom in atoms:
        coeff, prim = atom.args[0].as_content_primitive()
        if prim.could_extract_minus_sign():
            coeff, prim = -coeff, -prim
        if prim not in bases:
            bases[prim] = sp.Dummy(f"exp_{len(bases)}")
        mapping[atom] = bases[prim] ** coeff
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


#: The ladder, cheapest first. "given" is not a transform of its own: it runs
#: these rungs again after the given facts have been substituted.
RUNGS = (("expand", expand), ("cancel", cancel), ("powers", powers), ("simplify", simplify))
