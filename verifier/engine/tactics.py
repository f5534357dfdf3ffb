"""The proof ladder: transforms that preserve value under the stated assumptions.

Each rung maps ``lhs - rhs`` to an expression equal to it wherever both are
defined; the claim is proved when a rung returns exactly zero. Only SymPy
transforms that respect symbol assumptions are used (no ``force=True``), so a
rewrite such as ``log(x*y) -> log(x) + log(y)`` happens only for positive x, y.

Outline:

* ``evaluate``: unevaluated ``Derivative``/``Subs`` and sums or products with
  concrete limits, evaluated (the form every rung after ``powers`` starts from);
* ``RUNGS``: the ordered registry, cheapest first, ending with ``simplify``; each
  ``Rung`` carries its share of the time limit (the caller does the timing, the
  transforms are pure functions);
* ``RUNG_NAMES``: the rung names, in order, from which the tactics are derived.

``simplify`` receives the evaluated form, so the ladder proves every claim that
``simplify(doit(lhs - rhs)) == 0`` proves.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import sympy as sp

__all__ = [
    "Rung",
    "RUNGS",
    "RUNG_NAMES",
    "LADDER",
    "TACTICS",
    "GIVEN",
    "INVERSE_FUNCTIONS",
    "evaluate",
    "expand",
    "cancel",
    "powers",
    "exponentials",
    "denest",
    "logcombine",
    "trigsimp",
    "simplify",
]

#: A sum or product with concrete limits and at most this many terms is written out.
WRITE_OUT = 64

_TRIG_HYPERBOLIC = (
    sp.sin,
    sp.cos,
    sp.tan,
    sp.cot,
    sp.sec,
    sp.csc,
    sp.sinh,
    sp.cosh,
    sp.tanh,
    sp.coth,
    sp.sech,
    sp.csch,
)
#: The inverse trigonometric and hyperbolic functions (the calculus rung goes first on them).
INVERSE_FUNCTIONS = (sp.asin, sp.acos, sp.atan, sp.acot, sp.asinh, sp.acosh, sp.atanh, sp.acoth, sp.asech, sp.acsch)


def _written_out(expr: sp.Sum | sp.Product) -> sp.Basic | None:
    """A Sum or Product with integer limits and few terms, as its terms; else None.

    Written out by substitution, term by term, which is the definition: SymPy's own
    ``doit`` on ``KroneckerDelta`` summands is wrong in places (ENGINE_NOTES).
    """
    function, limits = expr.function, expr.limits
    ranges = []
    for index, lo, hi in limits:
        if not (lo.is_Integer and hi.is_Integer) or not 0 <= hi - lo + 1 <= WRITE_OUT:
            return None
        ranges.append((index, int(lo), int(hi)))
    terms = [function]
    for index, lo, hi in ranges:  # innermost limit first
        terms = [t.xreplace({index: v}) for t in terms for v in range(lo, hi + 1)]
        if len(terms) > WRITE_OUT:
            return None
    return sp.Add(*terms) if isinstance(expr, sp.Sum) else sp.Mul(*terms)


def evaluate(expr: sp.Basic) -> sp.Basic:
    """Derivatives and substitutions evaluated, finite sums and products written out.

    Side condition: none; evaluating ``Derivative`` and ``Subs`` is their definition,
    and a sum with concrete limits is its terms. Sums over symbolic ranges are left
    alone (the index calculus owns them). Innermost first, so a derivative of a
    finite sum sees the terms.
    """
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(evaluate)
    if not isinstance(expr, sp.Basic) or not expr.has(sp.Derivative, sp.Subs, sp.Sum, sp.Product):
        return expr
    return _evaluate(expr)


@functools.lru_cache(maxsize=1024)
def _evaluate(expr: sp.Basic) -> sp.Basic:
    """``evaluate`` of an expression that holds something to evaluate. Kept per expression:
    the gate, the ladder's trusted rungs and the calculus rung each evaluate lhs - rhs (whose
    terms are the sides, evaluated by the gate before), and a claim's mutants share a side."""
    args = [evaluate(a) for a in expr.args]
    if isinstance(expr, (sp.Sum, sp.Product)):
        rebuilt = expr.func(*args)
        written = _written_out(rebuilt)
        return rebuilt if written is None else evaluate(written)
    rebuilt = expr.func(*args) if args != list(expr.args) else expr
    if isinstance(rebuilt, (sp.Derivative, sp.Subs)):
        return rebuilt.doit(deep=False)
    return rebuilt


@functools.lru_cache(maxsize=512)
def expand(expr: sp.Basic) -> sp.Basic:
    """Multiply out. Side condition: none (a polynomial identity). Kept per expression, as
    ``cancel`` is: the gate asks the trusted rungs first (``ladder.reduced_by_trusted_rungs``)."""
    return sp.expand(expr)


def _exp_as_symbols(expr: sp.Basic) -> sp.Basic:
    """Replace each exp(c*p) by t_p**(c*d), where t_p stands for exp(p/d) (``_exp_symbol``).

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
    # exp(I*(a + b)) as exp(I*a)*exp(I*b): exp(u + v) = exp(u)*exp(v) for every complex u, v,
    # so that it shares the symbols of exp(I*a) and exp(I*b)
    spread = {e: sp.exp(sp.expand_mul(e.args[0])) for e in expr.atoms(sp.exp)}
    expr = expr.xreplace({e: spread_e for e, spread_e in spread.items() if spread_e != e})  # only what changes
    expr = sp.expand_power_exp(expr)
    atoms = sorted(expr.atoms(sp.exp), key=sp.default_sort_key)
    if not atoms:
        return expr
    split: dict[sp.exp, tuple[sp.Rational, sp.Basic]] = {}
    for atom in atoms:
        coeff, prim = atom.args[0].as_content_primitive()
        if not coeff.is_Rational:  # a Float coefficient: leave this exponential alone
            continue
        if prim.could_extract_minus_sign():
            coeff, prim = -coeff, -prim
        split[atom] = (coeff, prim)
    denominators: dict[sp.Basic, int] = {}
    for coeff, prim in split.values():
        denominators[prim] = sp.ilcm(denominators.get(prim, 1), coeff.q)
    bases = {prim: _exp_symbol(prim, denominator) for prim, denominator in denominators.items()}
    mapping = {atom: bases[prim] ** int(coeff * denominators[prim]) for atom, (coeff, prim) in split.items()}
    return expr.xreplace(mapping)


@functools.lru_cache(maxsize=4096)
def _exp_symbol(prim: sp.Basic, denominator: int) -> sp.Dummy:
    """The symbol that stands for exp(prim/denominator), the same one in every call: the
    rebuilt subexpressions and their assumptions are then SymPy's cached ones when the
    same exponential comes back (in the next rung, a mutant, another claim in x), where a
    fresh symbol per call made every one of them new. Named after what it stands for."""
    positive = True if prim.is_extended_real else None
    return sp.Dummy(f"exp({sp.sstr(prim / denominator)})", positive=positive)


@functools.lru_cache(maxsize=512)
def cancel(expr: sp.Basic) -> sp.Basic:
    """Put over one denominator and cancel, exponentials as powers of symbols.

    Side condition: none beyond "where defined" (see ``_exp_as_symbols``).
    Kept per expression: the rungs after it end in ``cancel`` too, and where their
    rewrite changed nothing they meet the same expression again.

    Over one denominator, ``expr`` is p/q; when p multiplies out to 0, so is ``expr``
    wherever it is defined, and the gcd of p and q that ``sp.cancel`` computes is not
    needed (on the corpus, 40 of 58 distinct inputs are 0, and those were 70% of the time).
    """
    together = sp.together(_exp_as_symbols(expr))
    numerator, _ = together.as_numer_denom()
    if sp.expand(numerator) == 0:
        return sp.Integer(0)
    return sp.cancel(together)


def powers(expr: sp.Basic) -> sp.Basic:
    """Split logs, merge powers and denest roots where the symbol domains allow, then cancel.

    Side condition: SymPy's own, from the symbols' assumptions (``log(a*b) = log(a) +
    log(b)`` only for positive a, b; ``(a**b)**c = a**(b*c)`` only where it holds).
    """
    expr = sp.expand_log(expr)  # only where arguments are known positive
    expr = sp.powdenest(sp.powsimp(expr))
    return cancel(expr)


@functools.lru_cache(maxsize=512)
def _to_exp_log(expr: sp.Basic) -> sp.Basic:
    """Trigonometric and hyperbolic functions as exponentials, their inverses as logs.

    Each rewrite is SymPy's principal-value definition, an identity for every complex
    argument (checked against SymPy's own evaluation on the branch cuts too).
    """
    expr = expr.rewrite(list(_TRIG_HYPERBOLIC), sp.exp)
    return expr.rewrite(list(INVERSE_FUNCTIONS), sp.log)


def exponentials(expr: sp.Basic) -> sp.Basic:
    """Trig and hyperbolic functions as exponentials (inverses as logs), then ``cancel``.

    Side condition: none; the rewrites are identities for every complex argument, and
    ``cancel`` treats exponentials as powers of symbols (``_exp_as_symbols``).
    """
    return cancel(_to_exp_log(evaluate(expr)))


def _factor_radicands(expr: sp.Basic) -> sp.Basic:
    """Radicands and log arguments factored, so that SymPy's own rules can take roots.

    ``sqrt(4*p**2 + 4*p*q + q**2)`` becomes ``sqrt((2*p + q)**2)``, which SymPy
    evaluates to ``2*p + q`` only when it knows ``2*p + q >= 0`` from the domains.
    Factoring is a polynomial identity, so the value is unchanged.
    """

    def radical(e: sp.Basic) -> bool:
        return e.is_Pow and not e.exp.is_Integer and e.base.is_Add and not e.base.has(sp.I)

    def log_holding_sum(e: sp.Basic) -> bool:  # log(1 + exp(-a)), log(1/(1 + exp(-a))), ...
        return isinstance(e, sp.log) and e.args[0].has(sp.Add) and not e.args[0].has(sp.I)

    # Not over the Gaussian rationals: SymPy takes a root or splits a log only for factors
    # it knows are nonnegative (positive), which a factor with I never is; factoring there is slow.
    expr = expr.replace(radical, lambda e: sp.Pow(sp.factor(e.base), e.exp))
    expr = expr.replace(log_holding_sum, lambda e: sp.log(sp.factor(e.args[0])))
    return sp.expand_log(expr)


def denest(expr: sp.Basic) -> sp.Basic:
    """Exponential/log form, radicands factored, nested roots denested, then ``cancel``.

    Side condition: SymPy's: ``sqrt(p**2) = p`` and ``log(p**2) = 2*log(p)`` only where
    p is known nonnegative (positive) from the domains; ``sqrtdenest`` only rewrites
    numeric nested roots, with its own check.
    """
    expr = _factor_radicands(_to_exp_log(evaluate(expr)))
    return cancel(sp.sqrtdenest(expr))


def logcombine(expr: sp.Basic) -> sp.Basic:
    """Exponential/log form, logs combined, then ``cancel``.

    Side condition: SymPy's ``logcombine`` without ``force`` merges ``log(a) + log(b)``
    and ``c*log(a)`` only when a, b are positive and c is real.
    """
    return cancel(sp.logcombine(_to_exp_log(evaluate(expr))))


def trigsimp(expr: sp.Basic) -> sp.Basic:
    """SymPy's ``trigsimp``. Side condition: none; it applies trigonometric identities
    that hold for every complex argument."""
    return sp.trigsimp(evaluate(expr))


def simplify(expr: sp.Basic) -> sp.Basic:
    """SymPy's ``simplify`` of the evaluated form (so the ladder covers naive simplify).

    Side condition: SymPy's; it respects the symbols' assumptions.
    """
    return sp.simplify(evaluate(expr))


@dataclass(frozen=True)
class Rung:
    """A value-preserving transform; the claim is proved when it maps ``lhs - rhs`` to 0.

    ``share`` is the rung's share of the time limit (a slow rung ends and the next one
    runs). ``trusted``: polynomial or rational-function arithmetic, sound even when the
    numeric gate could not evaluate the claim.
    """

    name: str
    transform: Callable[[sp.Expr], sp.Expr]
    share: float
    trusted: bool = False


#: The ladder, cheapest first; the shares add up to 1. ``exponentials`` is cheap where
#: there is nothing to rewrite (its ``cancel`` is then the one already computed), and it
#: proves most trigonometric identities, so it comes before ``powers``.
RUNGS: tuple[Rung, ...] = (
    Rung("expand", expand, 0.04, trusted=True),
    Rung("cancel", cancel, 0.06, trusted=True),
    Rung("exponentials", exponentials, 0.1),
    Rung("powers", powers, 0.08),
    Rung("denest", denest, 0.1),
    Rung("logcombine", logcombine, 0.07),
    Rung("trigsimp", trigsimp, 0.15),
    Rung("simplify", simplify, 0.4),
)
RUNG_NAMES: tuple[str, ...] = tuple(rung.name for rung in RUNGS)
#: Not a transform of its own: the trusted rungs again, after the given facts are eliminated.
GIVEN = "given"
#: The ladder's order, written once: a step may name any of these as ``by=``.
LADDER = RUNG_NAMES[:3] + (GIVEN,) + RUNG_NAMES[3:]
#: Everything a step may give as ``by=``: ``auto`` runs the whole ladder, a named rung
#: is tried first, ``sorry`` skips the proof (the step can be refuted, never proved).
TACTICS = ("auto", *LADDER, "sorry")
