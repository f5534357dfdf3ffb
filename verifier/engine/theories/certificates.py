"""Inequalities and PSD claims: proved only through a checked certificate.

A step ``previous >= rhs`` (or ``>``, ``<=``, ``<``) is decided like an equality:

1. numeric refutation first: seeded points that satisfy every assumption where
   the difference is on the wrong side of 0, re-checked at 60 digits. For square
   matrices (the Loewner order: A >= B when v^T (A - B) v >= 0 for every real v)
   the symmetric part of the difference is diagonalised at each point, also at
   degenerate points with some coordinates set to 0 (where rank drops), and the
   eigenvector of its least eigenvalue, made rational, is the witness v;
2. a proof needs a certificate:
   * scalar: an expression ``c`` with ``difference == c`` proved by the equality
     engine, and ``c`` nonnegative (positive for a strict claim) *by its form*:
     sums and products of nonnegative factors, squares of real expressions,
     exp of a real, positive symbols (see :func:`is_nonnegative`). Without an
     explicit certificate the difference itself is examined.
   * matrix: a factor ``A`` with real entries and ``difference == A^T A`` (a Gram
     matrix, PSD since v^T A^T A v = |A v|^2). Positive *definiteness* would also
     need A of full column rank; that is not attempted, so ``>`` on matrices is
     refuted or undecided, never proved.

Only symbol domains and regions are used for signs (given equalities are not: a
certificate nonnegative on the whole declared domain is nonnegative on the part
of it where the given facts hold).
"""

from __future__ import annotations

import fractions
import random
from collections.abc import Iterator, Sequence

import mpmath
import sympy as sp

from ...model import Status
from ...report import Attempt, Outcome
from ..numeric import DIGITS, RECHECK_DIGITS, Point, Sampler, evaluate
from ..problem import Problem, Proof, Run

__all__ = [
    "is_real",
    "is_nonnegative",
    "is_positive",
    "prove_with_certificate",
    "zero_at_point",
    "orient",
    "scalar_counterexample",
    "matrix_counterexample",
]


# ---------------------------------------------------------------- signs by form


def _is_number(e: sp.Basic) -> bool:
    return e.is_Rational or e.is_Float or isinstance(e, sp.NumberSymbol)


def is_real(e: sp.Basic) -> bool:
    """Real wherever defined, judged by the form of ``e`` and declared domains only."""
    if _is_number(e):
        return True
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return e.is_real is True  # an entry z[i] has the domain of its IndexedBase
    if isinstance(e, sp.KroneckerDelta):
        return True  # 0 or 1
    if isinstance(e, sp.Sum):
        return is_real(e.function)
    if isinstance(e, (sp.Add, sp.Mul, sp.Max, sp.Min)):
        return all(is_real(a) for a in e.args)
    if isinstance(e, sp.Pow):
        base, exponent = e.args
        if exponent.is_Integer:
            return is_real(base)
        return is_real(exponent) and is_nonnegative(base)
    if isinstance(e, (sp.exp, sp.sin, sp.cos, sp.tanh, sp.atan)):
        return is_real(e.args[0])
    if isinstance(e, sp.log):
        return is_positive(e.args[0])
    if isinstance(e, sp.Abs):
        return True  # |a| is real for every complex a
    if isinstance(e, sp.Heaviside):
        return all(is_real(a) for a in e.args)
    if isinstance(e, sp.Piecewise):
        return all(is_real(branch) for branch, _ in e.args)
    return False  # undefined functions, derivatives, anything else: not known


def is_positive(e: sp.Basic, _together: bool = True) -> bool:
    """> 0 wherever defined, by form: positive numbers and symbols, exp of a real, ..."""
    if _is_number(e):
        return bool(e > 0)
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return e.is_positive is True
    if isinstance(e, sp.exp):
        return is_real(e.args[0])
    if isinstance(e, sp.Mul):
        if all(is_positive(a, _together) for a in e.args):
            return True
    elif isinstance(e, sp.Add):
        if all(is_nonnegative(a, _together) for a in e.args) and any(is_positive(a, _together) for a in e.args):
            return True
    elif isinstance(e, sp.Pow):
        base, exponent = e.args
        if is_positive(base, _together) and is_real(exponent):
            return True
    if _together and isinstance(e, (sp.Add, sp.Mul)):
        joined = sp.together(e)  # 1 - 1/(1 + t) -> t/(1 + t): same value, clearer sign
        if joined != e:
            return is_positive(joined, False)
    return False


def is_nonnegative(e: sp.Basic, _together: bool = True) -> bool:
    """>= 0 wherever defined, by form only.

    Squares count only when their base is *real* (``(i*x)**2`` is not
    nonnegative); a power of a nonnegative base with a real exponent counts.
    """
    if _is_number(e):
        return bool(e >= 0)
    if isinstance(e, (sp.Symbol, sp.Indexed)):
        return e.is_nonnegative is True
    if is_positive(e, False):
        return True
    if isinstance(e, sp.KroneckerDelta):
        return True
    if isinstance(e, sp.Sum):
        # a sum of nonnegative terms, when it runs forwards: in Karr's convention a sum
        # with hi < lo - 1 is minus a sum, so hi - lo + 1 >= 0 must show by its form too
        return is_nonnegative(e.function, _together) and all(
            is_nonnegative(sp.expand(hi - lo + 1)) for _, lo, hi in e.limits
        )
    if isinstance(e, sp.Abs):
        return True
    if isinstance(e, sp.Heaviside):
        return is_real(e.args[0]) and all(is_nonnegative(a) for a in e.args[1:])
    if isinstance(e, sp.Max):
        return all(is_real(a) for a in e.args) and any(is_nonnegative(a, _together) for a in e.args)
    if isinstance(e, (sp.Add, sp.Mul)):
        if all(is_nonnegative(a, _together) for a in e.args):
            return True
    elif isinstance(e, sp.Pow):
        base, exponent = e.args
        if exponent.is_Integer and exponent % 2 == 0 and is_real(base):
            return True
        if is_nonnegative(base, _together) and is_real(exponent):
            return True
    if _together and isinstance(e, (sp.Add, sp.Mul)):
        joined = sp.together(e)
        if joined != e:
            return is_nonnegative(joined, False) or is_positive(joined, False)
    return False


def _first_unknown_sign(e: sp.Basic, strict: bool) -> sp.Basic:
    """The first term or factor whose sign the form does not show (for the trace)."""
    check = is_positive if strict else is_nonnegative
    for part in e.args if isinstance(e, (sp.Add, sp.Mul)) else ():
        if not check(part) and not is_nonnegative(part):
            return part
    return e


# ---------------------------------------------------------------- exact zero at a point


def zero_at_point(expr: sp.Basic) -> bool:
    """Whether a number given as an exact expression is exactly 0 (by value-preserving rewrites)."""
    if expr == 0:
        return True
    for transform in (sp.expand, lambda x: sp.cancel(sp.together(x))):
        try:
            if transform(expr) == 0:
                return True
        except Exception:
            continue
    return False


# ---------------------------------------------------------------- refutation


def orient(lhs: sp.Basic, rhs: sp.Basic, relation: str) -> tuple[sp.Basic, bool]:
    """(difference that must be >= 0 or > 0, strict)."""
    if relation in (">=", ">"):
        return lhs - rhs, relation == ">"
    return rhs - lhs, relation == "<"


def _real_value(value: sp.Basic, digits: int) -> sp.Float | None:
    """The real part of a SymPy number as a Float, or None if it is not (numerically) real."""
    re, im = value.as_real_imag()
    re, im = sp.N(re, digits), sp.N(im, digits)
    if not (re.is_number and im.is_number):
        return None
    if abs(float(im)) > 10.0 ** (-(digits * 2) // 3) * (1 + abs(float(re))):
        return None
    return re


def _tol(digits: int, scale: float | sp.Basic = 1) -> float:
    return (1 + abs(float(scale))) * 10.0 ** (-(digits * 2) // 3)


def scalar_counterexample(
    diff: sp.Basic, strict: bool, sampler: Sampler, count: int
) -> tuple[Point | None, sp.Basic | None, int]:
    """(point, value, points seen): diff < 0 there (or exactly 0 when strict), re-checked; point None if none."""
    seen = 0
    points = (
        _degenerate_points(sampler, count, random.Random(sampler.rng.random())) if strict else sampler.points(count)
    )
    for point in points:
        seen += 1
        value = evaluate(diff, point, DIGITS)
        if value is None:
            continue
        real = _real_value(value, DIGITS)
        if real is None:
            continue
        wrong = real < -_tol(DIGITS) or (strict and abs(real) <= _tol(DIGITS))
        if not wrong or not sampler.feasible(point):
            continue
        again = evaluate(diff, point, RECHECK_DIGITS, strict=True)
        again = _real_value(again, RECHECK_DIGITS) if again is not None else None
        if again is None:
            continue
        if again < -_tol(RECHECK_DIGITS):
            return point, again, seen
        if strict and zero_at_point(diff.xreplace(point)):
            return point, sp.Integer(0), seen
    return None, None, seen


def _degenerate_points(sampler: Sampler, count: int, rng: random.Random) -> Iterator[Point]:
    """Sampled points, each followed by variants with some free coordinates set to 0.

    Definiteness fails on a measure-zero set (a rank-deficient factor), which
    random points never hit; zeros are where rank drops.
    """
    for point in sampler.points(count):
        yield point
        for _ in range(3):
            trial = dict(point)
            changed = False
            for symbol in sampler.free:
                if rng.random() < 0.35 and symbol.is_positive is not True and symbol.is_nonzero is not True:
                    trial[symbol] = sp.Integer(0)
                    changed = True
            if not changed:
                continue
            for symbol, expr in sampler.context.sample_elimination:
                trial[symbol] = expr.xreplace(trial)
            if sampler.feasible(trial):
                yield trial


def _rational_vector(u: Sequence[mpmath.mpf]) -> list[sp.Rational]:
    """A short rational vector along the (numeric) direction u."""
    biggest = max(range(len(u)), key=lambda i: abs(u[i]))
    scale = u[biggest]
    return [sp.Rational(fractions.Fraction(float(c / scale)).limit_denominator(1000)) for c in u]


def matrix_counterexample(
    diff: sp.MatrixBase, strict: bool, sampler: Sampler, count: int, seed: int
) -> tuple[Point | None, list[sp.Rational] | None, sp.Basic | None, int]:
    """(point, v, value, points seen) with v^T diff v < 0 (or exactly 0 when strict); point None if none."""
    rng = random.Random(seed + 1)
    n = diff.rows
    seen = 0
    for point in _degenerate_points(sampler, count, rng):
        seen += 1
        values = []
        for i in range(n):
            row = []
            for j in range(n):
                value = evaluate(diff[i, j], point, DIGITS)
                real = _real_value(value, DIGITS) if value is not None else None
                if real is None:
                    break
                row.append(mpmath.mpf(str(real)))
            if len(row) < n:
                break
            values.append(row)
        if len(values) < n:
            continue
        with mpmath.workdps(DIGITS):
            m = mpmath.matrix(values)
            sym = (m + m.T) / 2
            eigenvalues, vectors = mpmath.eigsy(sym)
            k = min(range(n), key=lambda i: eigenvalues[i])
            least = eigenvalues[k]
            scale = max(abs(x) for x in values for x in x) if values else 1
            if not (least < -_tol(DIGITS, scale) or (strict and abs(least) <= _tol(DIGITS, scale) * 10**6)):
                continue
            v = _rational_vector([vectors[i, k] for i in range(n)])
        vec = sp.Matrix(v)
        form = (vec.T * diff.xreplace(point) * vec)[0, 0]
        if not sampler.feasible(point):
            continue
        value = evaluate(form, point, RECHECK_DIGITS, strict=True)
        real = _real_value(value, RECHECK_DIGITS) if value is not None else None
        if real is not None and real < -_tol(RECHECK_DIGITS, scale):
            return point, v, real, seen
        if strict and zero_at_point(form):
            return point, v, sp.Integer(0), seen
    return None, None, None, seen


# ---------------------------------------------------------------- the prover


def prove_with_certificate(run: Run) -> Proof | None:
    """A Proof of ``lhs relation rhs`` from a certificate, or None (trace lines appended).

    Runs after the pipeline's gate: the certificate identity is a problem of its own,
    decided by the same pipeline (with its own gate), and the sign is read off its form.
    """
    p, ctx = run.problem, run.context
    assert ctx is not None and run.evidence is not None, "the pipeline's assumptions and gate stages ran first"
    diff, strict = orient(p.lhs, p.rhs, p.relation)
    is_matrix = isinstance(diff, sp.MatrixBase)
    evidence = run.evidence.summary
    certificate = p.certificate
    side = "rhs - lhs" if p.relation in ("<=", "<") else "lhs - rhs"
    if is_matrix:
        if certificate is None or not isinstance(certificate, sp.MatrixBase) or certificate.cols != diff.rows:
            reason = f"{evidence}; a matrix inequality is proved only with a Gram factor A (certificate=A, lhs - rhs = A^T A)"
            run.why_not = reason
            run.trace.append(Attempt("certificate", Outcome.UNCERTIFIED, run.why_not))
            return None
        target, shown = certificate.T * certificate, "A^T A"
    else:
        target, shown = (certificate if certificate is not None else diff), "the certificate"
    used_given = False
    if certificate is not None:
        remaining = run.remaining()
        assert run.decide is not None, "the pipeline passes itself to its provers"
        identity = run.decide(
            Problem(diff, target, given=p.given, where=p.where, seed=p.seed),
            None if remaining is None else max(remaining, 1.0),
        )
        if identity.status is not Status.PROVED:
            why = "is false" if identity.status is Status.REFUTED else f"was not proved ({identity.reason})"
            run.why_not = f"{evidence}; the certificate identity {side} = {shown} {why}"
            run.trace.append(Attempt("certificate", Outcome.UNCERTIFIED, run.why_not))
            return None
        used_given = bool(set(identity.used) & set(ctx.given_text))
        run.trace.append(Attempt("certificate", Outcome.CERTIFIED, f"{side} = {shown} by {identity.tactic}"))
    form = (certificate if certificate is not None else diff).xreplace(ctx.region_subs)
    if is_matrix:
        unknown = [e for e in form if not is_real(e)]
        if unknown:
            run.why_not = f"{evidence}; the factor A has an entry not known to be real: {sp.sstr(unknown[0])[:80]}"
            run.trace.append(Attempt("certificate", Outcome.UNCERTIFIED, run.why_not))
            return None
        if strict:
            run.why_not = f"{evidence}; lhs - rhs = A^T A is PSD, but definiteness needs A of full column rank, which is not checked"
            run.trace.append(Attempt("certificate", Outcome.UNCERTIFIED, run.why_not))
            return None
        run.trace.append(Attempt("certificate", Outcome.CERTIFIED, "A is real, so v^T A^T A v = |A v|^2 >= 0"))
    else:
        if not (is_positive(form) if strict else is_nonnegative(form)):
            part = _first_unknown_sign(form, strict)
            reason = f"{evidence}; the form does not show {shown} {'> 0' if strict else '>= 0'} (sign of {sp.sstr(part)[:80]} unknown)"
            run.why_not = reason
            run.trace.append(Attempt("certificate", Outcome.UNCERTIFIED, run.why_not))
            return None
        sign = "positive" if strict else "nonnegative"
        run.trace.append(Attempt("certificate", Outcome.CERTIFIED, f"{shown} is {sign} by its form"))
    return Proof("certificate", (ctx.given_text if used_given else ()) + ctx.region_used)
