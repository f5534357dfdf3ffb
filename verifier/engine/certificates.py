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
import time

import mpmath
import sympy as sp

from ..report import Attempt, Outcome, Result
from ..model import Status
from .context import build_context
from .numeric import DIGITS, RECHECK_DIGITS, NotNumeric, Sampler, evaluate

__all__ = ["is_real", "is_nonnegative", "is_positive", "decide_relation", "zero_at_point"]


# ---------------------------------------------------------------- signs by form

def _is_number(e) -> bool:
    return e.is_Rational or e.is_Float or isinstance(e, sp.NumberSymbol)


def is_real(e) -> bool:
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


def is_positive(e, _together: bool = True) -> bool:
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


def is_nonnegative(e, _together: bool = True) -> bool:
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
        return is_nonnegative(e.function, _together) and all(is_nonnegative(sp.expand(hi - lo + 1)) for _, lo, hi in e.limits)
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


def _first_unknown_sign(e, strict: bool):
    """The first term or factor whose sign the form does not show (for the trace)."""
    check = is_positive if strict else is_nonnegative
    for part in (e.args if isinstance(e, (sp.Add, sp.Mul)) else ()):
        if not check(part) and not is_nonnegative(part):
            return part
    return e


# ---------------------------------------------------------------- exact zero at a point

def zero_at_point(expr) -> bool:
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

def _orient(lhs, rhs, relation: str):
    """(difference that must be >= 0 or > 0, strict)."""
    if relation in (">=", ">"):
        return lhs - rhs, relation == ">"
    return rhs - lhs, relation == "<"


def _real_value(value, digits: int):
    """The real part of a SymPy number as a Float, or None if it is not (numerically) real."""
    re, im = value.as_real_imag()
    re, im = sp.N(re, digits), sp.N(im, digits)
    if not (re.is_number and im.is_number):
        return None
    if abs(float(im)) > 10.0 ** (-(digits * 2) // 3) * (1 + abs(float(re))):
        return None
    return re


def _tol(digits: int, scale=1) -> float:
    return (1 + abs(float(scale))) * 10.0 ** (-(digits * 2) // 3)


def _scalar_counterexample(diff, strict, sampler, count):
    """(point, value, points seen): diff < 0 there (or exactly 0 when strict), re-checked; point None if none."""
    seen = 0
    points = _degenerate_points(sampler, count, random.Random(sampler.rng.random())) if strict else sampler.points(count)
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
        again = evaluate(diff, point, RECHECK_DIGITS)
        again = _real_value(again, RECHECK_DIGITS) if again is not None else None
        if again is None:
            continue
        if again < -_tol(RECHECK_DIGITS):
            return point, again, seen
        if strict and zero_at_point(diff.xreplace(point)):
            return point, sp.Integer(0), seen
    return None, None, seen


def _degenerate_points(sampler, count, rng):
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


def _rational_vector(u) -> list:
    """A short rational vector along the (numeric) direction u."""
    biggest = max(range(len(u)), key=lambda i: abs(u[i]))
    scale = u[biggest]
    return [sp.Rational(fractions.Fraction(float(c / scale)).limit_denominator(1000)) for c in u]


def _matrix_counterexample(diff, strict, sampler, count, seed):
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
        value = evaluate(form, point, RECHECK_DIGITS)
        real = _real_value(value, RECHECK_DIGITS) if value is not None else None
        if real is not None and real < -_tol(RECHECK_DIGITS, scale):
            return point, v, real, seen
        if strict and zero_at_point(form):
            return point, v, sp.Integer(0), seen
    return None, None, None, seen


# ---------------------------------------------------------------- the decision

def decide_relation(lhs, rhs, relation, certificate, given, where, by, seed, budget) -> Result:
    """Decide ``lhs relation rhs`` (see the module docstring). Runs in the caller's process."""
    from . import _decide  # the equality engine, for the certificate identity

    ctx = build_context(given, where)
    if ctx.unsatisfiable:
        reason = f"assumptions unsatisfiable: {ctx.unsatisfiable}; nothing is proved under them"
        return Result(Status.UNDECIDED, (Attempt("assumptions", Outcome.UNSATISFIABLE, ctx.unsatisfiable),), reason=reason, relation=relation)
    diff, strict = _orient(lhs, rhs, relation)
    is_matrix = isinstance(diff, sp.MatrixBase)
    if is_matrix and diff.rows != diff.cols:
        reason = f"a matrix inequality needs square matrices, not {diff.rows}x{diff.cols}"
        return Result(Status.UNDECIDED, (Attempt("relation", Outcome.ERROR, reason),), reason=reason, relation=relation)
    facts = ctx.given_text
    trace: list[Attempt] = []

    started = time.perf_counter()
    sampler = Sampler(ctx, lhs.free_symbols | rhs.free_symbols, seed)
    numeric_gap = None
    try:
        if is_matrix:
            point, vector, value, seen = _matrix_counterexample(diff, strict, sampler, 12, seed)
        else:
            (point, value, seen), vector = _scalar_counterexample(diff, strict, sampler, 20), None
    except NotNumeric as exc:
        point, vector, value, seen, numeric_gap = None, None, None, 1, str(exc)
    took = time.perf_counter() - started
    if point is not None:
        point = dict(sorted(point.items(), key=lambda kv: sp.default_sort_key(kv[0])))
        shown = dict(point)
        if is_matrix:
            vec = sp.Matrix(vector)
            left = (vec.T * lhs.xreplace(point) * vec)[0, 0]
            right = (vec.T * rhs.xreplace(point) * vec)[0, 0]
            for i, c in enumerate(vector, 1):
                shown[sp.Symbol(f"v[{i}]")] = c
            what = f"v^T (lhs - rhs) v = {sp.N(value, 6)} with v = ({', '.join(map(str, vector))})"
        else:
            left, right = lhs.xreplace(point), rhs.xreplace(point)
            what = f"lhs - rhs = {sp.N(value, 6) if relation in ('>=', '>') else sp.N(-value, 6)}"
        text = ", ".join(f"{k} = {v}" for k, v in point.items())
        trace.append(Attempt("numeric", Outcome.REFUTED, f"{what}, so not lhs {relation} rhs, at {text}", took))
        return Result(
            Status.REFUTED, tuple(trace), tactic="numeric", counterexample=shown,
            lhs_value=sp.N(left, 15), rhs_value=sp.N(right, 15), used=facts + ctx.region_used,
            relation=relation, vector=tuple(vector) if vector is not None else None,
        )
    if seen == 0:
        reason = "no point satisfying all assumptions was found (they may be inconsistent); nothing is proved under them"
        trace.append(Attempt("numeric", Outcome.NO_POINT, reason, took))
        return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)
    evidence = "no numeric check possible" if numeric_gap else f"holds at {seen} points satisfying the assumptions"
    trace.append(Attempt("numeric", Outcome.SKIPPED if numeric_gap else Outcome.AGREES, numeric_gap or evidence, took))
    if by == "sorry":
        trace.append(Attempt("sorry", Outcome.SKIPPED, "step not justified (by='sorry')"))
        return Result(Status.UNDECIDED, tuple(trace), reason=f"skipped (by='sorry'); {evidence}", relation=relation)

    # The certificate: an identity checked by the equality engine, then a sign read off its form.
    if is_matrix:
        if certificate is None or not isinstance(certificate, sp.MatrixBase) or certificate.cols != diff.rows:
            reason = f"{evidence}; a matrix inequality is proved only with a Gram factor A (certificate=A, lhs - rhs = A^T A)"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)
        target, shown = certificate.T * certificate, "A^T A"
    else:
        target, shown = (certificate if certificate is not None else diff), "the certificate"
    used_given = False
    if certificate is not None:
        identity = _decide(diff, target, given, where, "auto", seed, budget)
        if identity.status is not Status.PROVED:
            why = "is false" if identity.status is Status.REFUTED else f"was not proved ({identity.reason})"
            reason = f"{evidence}; the certificate identity {'rhs - lhs' if relation in ('<=', '<') else 'lhs - rhs'} = {shown} {why}"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)
        used_given = bool(set(identity.used) & set(facts))
        trace.append(Attempt("certificate", Outcome.CERTIFIED, f"{'rhs - lhs' if relation in ('<=', '<') else 'lhs - rhs'} = {shown} by {identity.tactic}"))
    form = certificate.xreplace(ctx.region_subs) if certificate is not None else diff.xreplace(ctx.region_subs)
    if is_matrix:
        unknown = [e for e in form if not is_real(e)]
        if unknown:
            reason = f"{evidence}; the factor A has an entry not known to be real: {sp.sstr(unknown[0])[:80]}"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)
        if strict:
            reason = f"{evidence}; lhs - rhs = A^T A is PSD, but definiteness needs A of full column rank, which is not checked"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)
        trace.append(Attempt("certificate", Outcome.CERTIFIED, "A is real, so v^T A^T A v = |A v|^2 >= 0"))
    else:
        sign_ok = is_positive(form) if strict else is_nonnegative(form)
        if not sign_ok:
            part = _first_unknown_sign(form, strict)
            reason = f"{evidence}; the form does not show {shown} {'> 0' if strict else '>= 0'} (sign of {sp.sstr(part)[:80]} unknown)"
            trace.append(Attempt("certificate", Outcome.UNCERTIFIED, reason))
            return Result(Status.UNDECIDED, tuple(trace), reason=reason, relation=relation)
        trace.append(Attempt("certificate", Outcome.CERTIFIED, f"{shown} is {'positive' if strict else 'nonnegative'} by its form"))
    used = (facts if used_given else ()) + ctx.region_used
    return Result(Status.PROVED, tuple(trace), tactic="certificate", used=used, relation=relation)
