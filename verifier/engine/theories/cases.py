"""Proof by cases on the sign of the arguments of |.|, max, min, sign and Heaviside.

Theorem used: for real ``a``, exactly one of a > 0, a < 0, a = 0 holds, and on each
case every one of these functions is a fixed expression:

* ``Abs(a)`` is a, -a, 0;  ``sign(a)`` is 1, -1, 0;  ``Heaviside(a)`` is 1, 0, H(0);
* ``Max(p, q)`` and ``Min(p, q)`` switch on a = p - q: p, q, p and q, p, p.

With k switches the 3**k sign patterns cover every real point. On a pattern the
difference is rewritten accordingly; where a switch is 0 one of its symbols, which it
holds linearly with a coefficient known to be nonzero, is solved for and substituted
(``assumptions.linear_solution``, which solves the given facts), since the case is
exactly the points where that equation holds. The claim is proved when the caller's
``is_zero`` (the ladder) reduces every rewritten difference to exactly 0.
Nothing is sampled, and a pattern that no point satisfies still has to reduce to 0
(never a wrong proof: only a missed one).

Conservative by construction: every switch must be real for every value of its
symbols (SymPy's assumptions, from the declared domains), none may hold another of
these functions, and at most ``MAX_SWITCHES`` distinct switches (up to a rational factor) are split.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

from ..assumptions import linear_solution

__all__ = ["CaseProof", "MAX_SWITCHES", "PIECEWISE", "by_cases"]

#: At most this many switches are split (3**3 = 27 patterns).
MAX_SWITCHES = 3
#: The functions split on.
PIECEWISE = (sp.Abs, sp.sign, sp.Heaviside, sp.Max, sp.Min)


@dataclass(frozen=True)
class CaseProof:
    """Evidence: the switches split on, and the number of sign patterns proved (patterns
    no point has, such as x = 0 and x - 1 = 0, are not counted)."""

    switches: tuple[sp.Basic, ...]
    patterns: int

    def describe(self) -> str:
        on = " and of ".join(str(s) for s in self.switches)
        return f"by cases on the sign of {on} (> 0, < 0, = 0): each of the {self.patterns} cases reduced to 0"


def _switch(atom: sp.Basic) -> sp.Basic | None:
    """The expression whose sign decides ``atom``'s branch (None: not one this rule splits)."""
    if isinstance(atom, (sp.Max, sp.Min)):
        return atom.args[0] - atom.args[1] if len(atom.args) == 2 else None
    return atom.args[0]


def _branch(atom: sp.Basic, sign: int) -> sp.Basic:
    """``atom`` where its switch has the sign ``sign`` (1, -1 or 0), the switch being ``_switch(atom)``."""
    if isinstance(atom, sp.Abs):
        return sign * atom.args[0]
    if isinstance(atom, sp.sign):
        return sp.Integer(sign)
    if isinstance(atom, sp.Heaviside):
        if sign == 0:
            return atom.func(0, *atom.args[1:])  # SymPy's value at 0 (1/2, or the one given)
        return sp.Integer(1 if sign > 0 else 0)
    p, q = atom.args
    if isinstance(atom, sp.Max):
        return q if sign < 0 else p
    return q if sign > 0 else p  # Min


def by_cases(diff: sp.Basic, is_zero: Callable[[sp.Expr], bool]) -> CaseProof | None:
    """A proof that ``diff == 0`` wherever it is defined, by cases on its switches, or None."""
    atoms = [a for a in diff.atoms(*PIECEWISE) if a.free_symbols]
    if not atoms:
        return None
    switches: list[sp.Basic] = []  # distinct up to a rational factor
    flips: dict[sp.Basic, tuple[int, int]] = {}  # atom -> (its switch's position, +1 or -1)
    for atom in atoms:
        switch = _switch(atom)
        if switch is None or switch.has(*PIECEWISE) or switch.is_extended_real is not True:
            return None
        for position, known in enumerate(switches):
            ratio = sp.cancel(switch / known)  # a nonzero rational: the same switch, maybe flipped
            if ratio.is_Rational and ratio != 0:
                flips[atom] = (position, 1 if ratio > 0 else -1)
                break
        else:
            flip = -1 if switch.could_extract_minus_sign() else 1  # x rather than -x, for the trace
            flips[atom] = (len(switches), flip)
            switches.append(flip * switch)
    if len(switches) > MAX_SWITCHES:
        return None
    patterns = 0
    for signs in itertools.product((1, -1, 0), repeat=len(switches)):
        case = diff.xreplace({atom: _branch(atom, signs[i] * flip) for atom, (i, flip) in flips.items()})
        solved: dict[sp.Basic, sp.Basic] = {}
        empty = False
        for switch, sign in zip(switches, signs):
            if sign != 0:
                continue
            # on this case switch == 0: solve it, the switches solved before substituted
            left = sp.expand(switch.xreplace(solved))
            if left == 0:
                continue  # it holds wherever the earlier ones do
            if left.is_Rational:  # a nonzero rational: no point has this pattern
                empty = True
                break
            found = linear_solution(left, left.free_symbols)  # the assumptions' own solver
            if found is None:
                return None
            one = dict([found])
            solved = {s: v.xreplace(one) for s, v in solved.items()} | one
        if empty:
            continue
        if not is_zero(case.xreplace(solved)):
            return None
        patterns += 1
    return CaseProof(tuple(switches), patterns)
