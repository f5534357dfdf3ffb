"""Expectations over independent random variables with stated moments.

``E = independent(d, mean=1, variance=s**2)`` gives a function that wraps an
expression in an unevaluated :class:`Expectation`. The engine rewrites each
``E[...]`` before deciding a claim, exactly under the stated assumptions:

* the expression is expanded into monomials in the random variables (it must be
  a polynomial in them; anything else is left undecided);
* linearity: E[sum c_m m] = sum c_m E[m], the c_m free of random variables;
* independence of distinct variables: E[prod d_k^e_k] = prod E[d_k^e_k];
* moments: E[d^e] is the stated raw moment (E[d] = mean, E[d^2] = variance +
  mean^2); a moment that was not stated leaves the claim undecided.

``sympy.stats`` gives the same numbers for concrete distributions (the tests
check that), but it is slow on sums of many products and needs a distribution,
where only two moments are assumed here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.stringpict import prettyForm
from sympy.printing.str import StrPrinter

from ...model import as_sympy

__all__ = [
    "Expectation",
    "ExpectationOperator",
    "independent",
    "independent_with",
    "NotReducible",
    "has_expectation",
    "reduce_expectations",
    "reduce_pair",
]


class NotReducible(Exception):
    """An expectation that the stated moments do not determine."""


class Expectation(sp.Expr):
    """E[expr] over the independent random symbols ``variables`` with raw moments ``moments``.

    ``moments[k]`` is the tuple (E[d_k], E[d_k^2], ...) of ``variables[k]``. The random
    variables are bound inside, like a Sum's index: they are not free symbols.
    """

    def __new__(cls, expr: object, variables: Sequence[sp.Basic], moments: Sequence[Sequence[sp.Basic]]) -> Expectation:
        expr = as_sympy(expr, "an expectation's argument")
        variables = sp.Tuple(*variables)
        moments = sp.Tuple(*(sp.Tuple(*m) for m in moments))
        if len(variables) != len(moments):
            raise ValueError("each random variable needs its moments")
        node: Expectation = sp.Expr.__new__(cls, expr, variables, moments)
        return node

    @property
    def expr(self) -> sp.Basic:
        return self.args[0]

    @property
    def variables(self) -> sp.Tuple:
        return self.args[1]

    @property
    def moments(self) -> sp.Tuple:
        return self.args[2]

    @property
    def free_symbols(self) -> set[sp.Basic]:
        free: set[sp.Basic] = (self.expr.free_symbols - set(self.variables)) | self.moments.free_symbols
        return free

    def _eval_is_commutative(self) -> bool:
        return True

    def _sympystr(self, printer: StrPrinter) -> str:
        return f"E[{printer._print(self.expr)}]"

    def _latex(self, printer: LatexPrinter) -> str:
        inner: str = printer._print(self.expr)
        return r"\mathbb{E}\left[" + inner + r"\right]"

    def _pretty(self, printer: PrettyPrinter) -> prettyForm:
        inner = printer._print(self.expr)
        inner = prettyForm(*inner.parens("[", "]"))
        return prettyForm(*inner.left("E"))


class ExpectationOperator:
    """``E(expr)``: an :class:`Expectation` over fixed independent variables with fixed moments.

    ``variables`` and ``moments`` are as stated: to :func:`independent` (one tuple of
    raw moments that every variable shares) or to :func:`independent_with` (one tuple
    per variable).
    """

    def __init__(
        self,
        variables: tuple[sp.Basic, ...],
        moments: tuple[sp.Basic, ...] | tuple[tuple[sp.Basic, ...], ...],
        each: list[tuple[sp.Basic, ...]],
        doc: str | None = None,
    ) -> None:
        self.variables = variables
        self.moments = moments
        self._each = each  # the moments of each variable, in order
        self.__doc__ = doc

    def __call__(self, expr: object) -> Expectation:
        return Expectation(expr, self.variables, self._each)


def independent(
    variables: Iterable[sp.Basic],
    mean: sp.Expr | float | None = None,
    variance: sp.Expr | float | None = None,
    moments: Iterable[sp.Expr | float] | None = None,
) -> ExpectationOperator:
    """A function E(expr) -> Expectation over mutually independent ``variables``.

    Give ``mean`` and ``variance`` (so E[d] = mean and E[d^2] = variance + mean^2),
    or the raw moments (E[d], E[d^2], ...) as ``moments``; all variables share them.
    """
    variables = tuple(variables)
    if moments is None:
        if mean is None:
            raise ValueError("give mean (and variance) or moments")
        mean = as_sympy(mean, "a mean")
        moments = (mean,) if variance is None else (mean, as_sympy(variance, "a variance") + mean**2)
    moments = tuple(as_sympy(m, "a moment") for m in moments)
    doc = f"E[...] over independent {', '.join(map(str, variables))}"
    return ExpectationOperator(variables, moments, [moments] * len(variables), doc)


def independent_with(moments_by_variable: Mapping[sp.Basic, Iterable[sp.Expr | float]]) -> ExpectationOperator:
    """Like :func:`independent`, each variable with its own raw moments (E[v], E[v^2], ...).

    A variable may stand for a whole random quantity, such as the rest of a sum
    T = sum_{k != i} d_k w_k x_k, which is independent of d_i and has E[T] = sum_{k != i} w_k x_k.
    """
    variables = tuple(moments_by_variable)
    moments = [tuple(as_sympy(m, "a moment") for m in moments_by_variable[v]) for v in variables]
    return ExpectationOperator(variables, tuple(moments), moments)


def has_expectation(expr: object) -> bool:
    return isinstance(expr, sp.Basic) and expr.has(Expectation)


def _reduce_one(node: Expectation) -> sp.Basic:
    gens = tuple(node.variables)
    inner = sp.expand(node.expr)
    if not inner.has(*gens):
        return inner  # a constant with respect to the distribution
    try:
        poly = sp.Poly(inner, *gens)
    except sp.PolynomialError as exc:
        raise NotReducible(
            f"E[{sp.sstr(node.expr)[:60]}] is not a polynomial in {', '.join(map(str, gens))} ({exc})"
        ) from None
    total = sp.Integer(0)
    for monomial, coeff in poly.terms():
        if coeff.has(*gens):
            raise NotReducible(f"a coefficient still holds a random variable: {sp.sstr(coeff)[:60]}")
        factor = sp.Integer(1)
        for var, power, known in zip(gens, monomial, node.moments):
            if power == 0:
                continue
            if power > len(known):
                raise NotReducible(f"E[{var}**{power}] is not stated (moments known up to order {len(known)})")
            factor *= known[power - 1]  # independence: the expectation of the product factorises
        total += coeff * factor
    return total


def reduce_expectations(expr: sp.Basic) -> sp.Basic:
    """``expr`` with every E[...] replaced by its value (innermost first)."""
    if not has_expectation(expr):
        return expr
    if isinstance(expr, sp.MatrixBase):
        return expr.applyfunc(reduce_expectations)
    return expr.replace(lambda e: isinstance(e, Expectation), _reduce_one)


def _moments_of(var: sp.Basic, known: Iterable[sp.Basic]) -> str:
    return ", ".join(
        f"E[{var}] = {sp.sstr(m)}" if k == 1 else f"E[{var}^{k}] = {sp.sstr(m)}" for k, m in enumerate(known, 1)
    )


def _moment_text(expr: object) -> list[str]:
    out = []
    for node in expr.atoms(Expectation) if isinstance(expr, sp.Basic) else ():
        names = ", ".join(map(str, node.variables))
        first = node.moments[0] if node.moments else ()
        if all(m == first for m in node.moments):
            shown = ", ".join(
                f"E[d] = {sp.sstr(m)}" if k == 1 else f"E[d^{k}] = {sp.sstr(m)}" for k, m in enumerate(first, 1)
            )
            out.append(f"{names} independent, {shown}")
        else:
            shown = "; ".join(_moments_of(v, m) for v, m in zip(node.variables, node.moments))
            out.append(f"{names} independent; {shown}")
    return out


def inconsistent_moments(*exprs: object) -> str | None:
    """Why the stated moments cannot belong to any random variable, or None.

    A variance E[d^2] - E[d]^2 known negative, an even moment known negative, or a mean
    known nonpositive for a variable declared positive (and the like) is a contradiction.
    """
    for expr in exprs:
        for node in expr.atoms(Expectation) if isinstance(expr, sp.Basic) else ():
            for var, known in zip(node.variables, node.moments):
                mean = known[0] if known else None
                if len(known) >= 2 and sp.expand(known[1] - known[0] ** 2).is_negative:
                    return f"the variance of {var} would be {sp.sstr(sp.expand(known[1] - known[0] ** 2))} < 0"
                for order, moment in enumerate(known, 1):
                    if order % 2 == 0 and moment.is_negative:
                        return f"E[{var}^{order}] = {sp.sstr(moment)} < 0"
                if mean is not None and (
                    (var.is_positive and mean.is_nonpositive)
                    or (var.is_negative and mean.is_nonnegative)
                    or (var.is_nonnegative and mean.is_negative)
                    or (var.is_nonpositive and mean.is_positive)
                ):
                    return f"{var} is declared {'positive' if var.is_positive else 'negative' if var.is_negative else 'of one sign'} but E[{var}] = {sp.sstr(mean)}"
    return None


def reduce_pair(lhs: sp.Basic, rhs: sp.Basic) -> tuple[sp.Basic, sp.Basic, tuple[str, ...]]:
    """(lhs, rhs, the moment assumptions used), every E[...] rewritten."""
    used = list(dict.fromkeys(_moment_text(lhs) + _moment_text(rhs)))
    return reduce_expectations(lhs), reduce_expectations(rhs), tuple(used)
