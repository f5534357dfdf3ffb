"""The model: what a derivation claims, and under which assumptions.

Frozen dataclasses that hold SymPy objects and nothing else; this module imports
SymPy only. A derivation reads like a Lean ``calc`` block: a claim starts at
``lhs`` and each :class:`Step` gives the next right-hand side with the tactic that
justifies it (``by=``); the claim's statement is ``lhs == steps[-1].rhs``.
"""

from __future__ import annotations

import enum
import fractions
import os
import sys
from dataclasses import dataclass, field

import sympy as sp

from .errors import ModelError, ModelTypeError

__all__ = ["Status", "Step", "Claim", "Derivation", "TACTICS", "RELATIONS", "symbol_domains"]


class Status(str, enum.Enum):
    """A verdict. A str enum, so ``Status.PROVED == "proved"``."""

    PROVED = "proved"
    REFUTED = "refuted"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


#: Tactic names a step may give as ``by=``. ``auto`` runs the whole ladder;
#: a named rung is tried first and the rest of the ladder after it; ``sorry``
#: skips the proof (the step can be refuted, never proved).
TACTICS = ("auto", "expand", "cancel", "powers", "given", "simplify", "sorry")

#: Relations a step may state between the previous right-hand side and its own.
#: For square matrices ">=" is the Loewner order: A >= B when v^T (A - B) v >= 0
#: for every real v (and ">" when it is > 0 for every v != 0).
RELATIONS = ("==", ">=", ">", "<=", "<")


def compose_relations(relations, what: str) -> str:
    """The relation of a chain: '==' links drop out, strict wins, directions may not mix."""
    kinds = {r for r in relations if r != "=="}
    if not kinds:
        return "=="
    if kinds <= {">=", ">"}:
        return ">" if ">" in kinds else ">="
    if kinds <= {"<=", "<"}:
        return "<" if "<" in kinds else "<="
    raise ModelError(f"{what}: a chain cannot mix {' and '.join(sorted(kinds))}")


def _check_relation(relation, what: str) -> str:
    if relation not in RELATIONS:
        raise ModelError(f"{what}: unknown relation {relation!r} (known: {', '.join(RELATIONS)})")
    return relation


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _caller_location() -> tuple[str | None, int | None]:
    """File and line of the first frame outside this package (the derivation script)."""
    frame = sys._getframe(1)
    while frame is not None:
        raw = frame.f_code.co_filename  # "<string>" for the __init__ that dataclasses generates
        filename = os.path.abspath(raw)
        if not filename.startswith(_PACKAGE_DIR + os.sep) and "dataclasses" not in os.path.basename(filename) and not raw.startswith("<"):
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None, None


def _caller_line() -> int | None:
    return _caller_location()[1]


def as_sympy(value, what: str):
    """A SymPy object for ``value``: numbers and SymPy objects only.

    Strings are rejected rather than parsed: nothing a derivation or the command
    line says is ever evaluated as code by the verifier.
    """
    if isinstance(value, str):
        raise ModelTypeError(f"{what} is the string {value!r}; build it with SymPy objects (strings are never parsed)")
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(value, (sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction, sp.core.relational.Relational)):
        raise ModelTypeError(f"{what} is the relation or truth value {value}; expected an expression (put conditions in where=)")
    if isinstance(value, sp.Basic):
        return value
    if isinstance(value, bool):
        raise ModelTypeError(f"{what} is the bool {value}; expected a SymPy expression")
    if isinstance(value, int):
        return sp.Integer(value)
    if isinstance(value, float):
        return sp.Float(value)
    if isinstance(value, fractions.Fraction):
        return sp.Rational(value.numerator, value.denominator)
    raise ModelTypeError(f"{what} must be a SymPy expression or Matrix, not {type(value).__name__}")


def _shape(expr) -> tuple[int, int] | None:
    return expr.shape if isinstance(expr, sp.MatrixBase) else None


def _check_relations(items, kinds, what: str) -> tuple:
    out = []
    for item in items:
        if isinstance(item, (sp.logic.boolalg.BooleanTrue, sp.logic.boolalg.BooleanFalse)):
            out.append(item)  # Eq(x, x) or Eq(1, 2) evaluated already; the engine handles both
            continue
        if not isinstance(item, kinds):
            raise ModelTypeError(f"{what} must hold SymPy relations such as {kinds[0].__name__}(...), not {item!r}")
        out.append(item)
    return tuple(out)


@dataclass(frozen=True)
class Step:
    """One link of a chain: ``previous == rhs``, justified by the tactic ``by``."""

    rhs: sp.Basic
    by: str = "auto"
    note: str = ""
    line: int | None = field(default=None, compare=False)
    #: ``previous relation rhs``; see RELATIONS. An inequality is proved only through a
    #: checked certificate: for scalars an expression equal to ``previous - rhs`` (or
    #: ``rhs - previous``) that is nonnegative by its form (default: that difference
    #: itself); for matrices a real factor A with ``previous - rhs == A^T A``.
    relation: str = "=="
    certificate: sp.Basic | None = None

    def __post_init__(self):
        object.__setattr__(self, "rhs", as_sympy(self.rhs, "a step's rhs"))
        _check_relation(self.relation, "a step")
        if self.certificate is not None:
            object.__setattr__(self, "certificate", as_sympy(self.certificate, "a step's certificate"))
        if self.by not in TACTICS:
            import difflib

            close = difflib.get_close_matches(self.by, TACTICS, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ModelError(f"unknown tactic by={self.by!r}{hint} (known: {', '.join(TACTICS)})")
        if self.line is None:
            object.__setattr__(self, "line", _caller_line())


@dataclass(frozen=True)
class Claim:
    """``lhs == rhs``, optionally as a chain of steps, with what is expected of it.

    Give either ``rhs`` (with ``by``) or ``steps``. ``given`` holds equalities known to
    hold for this claim (on top of the derivation's); ``where`` holds a region
    (``z > 0``, ``x != 0``). ``scope`` names the sizes the claim is stated at, such as
    ``"k = 3"``; empty when the statement has no size parameter. ``expect`` is
    ``Status.REFUTED`` for an erratum kept as written.

    ``sizes`` and ``indices`` state a claim over vectors of symbolic size (written
    with ``IndexedBase`` entries and ``Sum``): ``sizes=[k]`` (or ``{k: 2}`` for
    k >= 2) declares integer size symbols, ``indices={j: (1, k)}`` the range of each
    free index. A proof is then for every size in range, and the scope in words
    ("for all k >= 1") is derived from them, so ``scope`` must stay empty.
    """

    name: str
    lhs: sp.Basic
    rhs: sp.Basic | None = None
    by: str = "auto"
    steps: tuple[Step, ...] = ()
    title: str = ""
    source: str = ""
    expect: Status = Status.PROVED
    given: tuple = ()
    where: tuple = ()
    scope: str = ""
    note: str = ""
    line: int | None = field(default=None, compare=False)
    #: The statement's relation: with ``rhs=`` it is the single step's (with
    #: ``certificate``); with ``steps=`` it is composed from theirs.
    relation: str = "=="
    certificate: sp.Basic | None = None
    #: Numerical evidence for a claim the engine cannot decide (a limit): pairs
    #: (term, target) of numbers, shown in the trace with their gaps. Never a proof.
    witness: tuple = ()
    sizes: tuple = ()
    indices: tuple = ()

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731 (frozen dataclass)
        if not isinstance(self.name, str) or not self.name.strip():
            raise ModelError("a claim needs a non-empty name")
        if self.line is None:
            set_("line", _caller_line())
        set_("lhs", as_sympy(self.lhs, f"claim {self.name!r}: lhs"))
        steps = tuple(s if isinstance(s, Step) else Step(s, line=self.line) for s in self.steps)
        if self.rhs is not None:
            if steps:
                raise ModelError(f"claim {self.name!r}: give rhs= or steps=, not both")
            steps = (Step(self.rhs, by=self.by, line=self.line, relation=self.relation, certificate=self.certificate),)
        elif self.certificate is not None:
            raise ModelError(f"claim {self.name!r}: with steps=, give each step its own certificate")
        if not steps:
            raise ModelError(f"claim {self.name!r} has no rhs and no steps")
        set_("steps", steps)
        _check_relation(self.relation, f"claim {self.name!r}")
        composed = compose_relations([s.relation for s in steps], f"claim {self.name!r}")
        if self.relation != "==" and self.relation != composed:
            raise ModelError(f"claim {self.name!r}: relation {self.relation!r} but its steps give {composed!r}")
        set_("relation", composed)
        set_("witness", tuple((as_sympy(t, f"claim {self.name!r}: witness"), as_sympy(v, f"claim {self.name!r}: witness")) for t, v in self.witness))
        set_("rhs", steps[-1].rhs)
        set_("expect", Status(self.expect))
        set_("given", _check_relations(self.given, (sp.Equality,), f"claim {self.name!r}: given"))
        set_("where", _check_relations(self.where, (sp.core.relational.Relational,), f"claim {self.name!r}: where"))
        set_("sizes", _check_sizes(self.sizes, self.name))
        set_("indices", _check_indices(self.indices, self.sizes, self.name))
        if not self.sizes and self.scope.strip().lower().startswith(("for all", "all ")):
            raise ModelError(f"claim {self.name!r}: scope={self.scope!r} claims every size, which only "
                             "sizes= with a proof for all sizes can establish; give the sizes checked, e.g. 'k = 3'")
        if self.sizes and self.scope:
            raise ModelError(f"claim {self.name!r}: the scope of a claim with sizes= is derived from them; drop scope={self.scope!r}")
        _check_sum_limits([self.lhs] + [s.rhs for s in steps] + list(self.given) + list(self.where), self)
        shape = _shape(self.lhs)
        for i, step in enumerate(steps, 1):
            if _shape(step.rhs) != shape:
                raise ModelError(
                    f"claim {self.name!r}: shapes differ: lhs is {_shape_text(shape)} "
                    f"but step {i} is {_shape_text(_shape(step.rhs))}"
                )

    @property
    def size_text(self) -> str:
        """The sizes a proof of this claim covers, in words: 'k >= 1', 'n >= 1, p >= 1'."""
        return ", ".join(f"{symbol} >= {least}" for symbol, least in self.sizes)


def _check_sizes(sizes, name: str) -> tuple:
    """((symbol, least), ...) from [k], [(k, 2)] or {k: 2}; sizes are integer symbols."""
    items = sizes.items() if isinstance(sizes, dict) else sizes
    out = []
    for item in items:
        symbol, least = (item, 1) if isinstance(item, sp.Symbol) else tuple(item)
        if not isinstance(symbol, sp.Symbol) or symbol.is_integer is not True:
            raise ModelTypeError(f"claim {name!r}: a size must be an integer Symbol such as Symbol('k', integer=True, positive=True), not {symbol!r}")
        least = as_sympy(least, "a bound or expression")
        if not least.is_Integer:
            raise ModelError(f"claim {name!r}: the least value of size {symbol} must be an integer, not {least}")
        out.append((symbol, least))
    return tuple(out)


def _check_indices(indices, sizes, name: str) -> tuple:
    """((index, lo, hi), ...) from {j: (1, k)}; bounds may only use the sizes."""
    items = [(j, *bounds) for j, bounds in indices.items()] if isinstance(indices, dict) else [tuple(i) for i in indices]
    size_symbols = {s for s, _ in sizes}
    out = []
    for item in items:
        if len(item) != 3:
            raise ModelError(f"claim {name!r}: an index is given as {{j: (lo, hi)}}, not {item!r}")
        index, lo, hi = item[0], as_sympy(item[1], "a bound or expression"), as_sympy(item[2], "a bound or expression")
        if not isinstance(index, sp.Symbol) or index.is_integer is not True:
            raise ModelTypeError(f"claim {name!r}: an index must be an integer Symbol, not {index!r}")
        stray = (lo.free_symbols | hi.free_symbols) - size_symbols
        if stray:
            raise ModelError(f"claim {name!r}: the range of index {index} uses {', '.join(map(str, stray))}, which is not a declared size")
        out.append((index, lo, hi))
    return tuple(out)


def _check_sum_limits(exprs, claim) -> None:
    """Every symbol bounding a Sum is a declared size or index, or bound by an enclosing sum.

    A claim over a sum up to k is a claim for every k: it must say so with
    ``sizes=`` so that its scope is derived, never assumed.
    """
    known = {s for s, _ in claim.sizes} | {i for i, _, _ in claim.indices}
    for expr in exprs:
        for node in sp.preorder_traversal(expr):
            if isinstance(node, sp.Sum):
                bound = set(node.variables)
                for outer in expr.atoms(sp.Sum):
                    bound |= set(outer.variables)
                for _, lo, hi in node.limits:
                    stray = (lo.free_symbols | hi.free_symbols) - known - bound
                    if stray:
                        names = ", ".join(sorted(map(str, stray)))
                        raise ModelError(f"claim {claim.name!r}: {names} bounds a sum but is not declared; give sizes=[{names}] (and indices= for free indices)")


def _shape_text(shape) -> str:
    return "a scalar" if shape is None else f"a {shape[0]}x{shape[1]} matrix"


@dataclass(frozen=True)
class Derivation:
    """A named set of claims under shared assumptions.

    ``given`` and ``where`` apply to every claim; ``assumptions`` are statements in
    words for the reader (conventions, the meaning of symbols). Symbol domains come
    from the SymPy symbols themselves (``Symbol("z", positive=True)``).
    """

    name: str
    title: str
    claims: tuple[Claim, ...]
    source: str = ""
    given: tuple = ()
    where: tuple = ()
    assumptions: tuple[str, ...] = ()
    note: str = ""
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)

    def __post_init__(self):
        set_ = lambda k, v: object.__setattr__(self, k, v)  # noqa: E731
        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ModelError(f"derivation name {self.name!r} must be an identifier such as softmax_hessian")
        if self.line is None:
            file, line = _caller_location()
            set_("file", self.file or file)
            set_("line", line)
        claims = tuple(self.claims)
        if not claims:
            raise ModelError(f"derivation {self.name!r} has no claims")
        for c in claims:
            if not isinstance(c, Claim):
                raise ModelTypeError(f"derivation {self.name!r}: claims must be Claim objects, not {type(c).__name__}")
        seen = set()
        for c in claims:
            if c.name in seen:
                raise ModelError(f"derivation {self.name!r}: two claims are named {c.name!r}")
            seen.add(c.name)
        set_("claims", claims)
        set_("given", _check_relations(self.given, (sp.Equality,), f"derivation {self.name!r}: given"))
        set_("where", _check_relations(self.where, (sp.core.relational.Relational,), f"derivation {self.name!r}: where"))
        set_("assumptions", tuple(self.assumptions))


def symbol_domains(exprs) -> list[tuple[str, list[sp.Symbol]]]:
    """Group the free symbols of ``exprs`` by their declared domain, for display."""
    groups: dict[str, list] = {}
    symbols = set()
    for e in exprs:
        symbols |= getattr(e, "free_symbols", set())
    symbols = {s for s in symbols if not isinstance(s, sp.Indexed)}  # an entry has its base's domain
    for s in sorted(symbols, key=sp.default_sort_key):
        groups.setdefault(domain_text(s), []).append(s)
    return sorted(groups.items())


def domain_text(symbol: sp.Symbol) -> str:
    """The declared domain of a symbol in words: 'positive', 'real', 'complex', ..."""
    a = symbol.assumptions0
    words = []
    if a.get("integer"):
        words.append("integer")
    for key in ("positive", "negative", "nonnegative", "nonpositive"):
        if a.get(key):
            words.append(key)
            break
    else:
        if a.get("nonzero"):
            words.append("nonzero")
        if a.get("real") and not a.get("integer"):
            words.append("real")
    return " ".join(words) if words else "complex"
