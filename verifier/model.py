"""The model: what a derivation claims, and under which assumptions.

Frozen dataclasses that hold SymPy objects and nothing else; this module imports
SymPy only. A derivation reads like a Lean ``calc`` block: a claim starts at
``lhs`` and each :class:`Step` gives the next right-hand side with the tactic that
justifies it (``by=``); the claim's statement is ``lhs == steps[-1].rhs``.
"""

from __future__ import annotations

import enum
import fractions
import functools
import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from types import FrameType
from typing import TypeAlias

import sympy as sp
from sympy.printing.str import StrPrinter

# A derivation may hold integers of any size (10**100000), and SymPy prints an Integer
# through str(int), which Python limits to 4300 digits by default. That limit guards
# against parsing untrusted text into integers; the verifier never parses strings, so
# it is lifted, and the renderers decide how much of a long number to show.
if hasattr(sys, "set_int_max_str_digits"):
    sys.set_int_max_str_digits(0)

from .errors import ModelError, ModelTypeError
from .notation import Shape, check_shapes, shape_of

__all__ = [
    "Status",
    "Step",
    "Claim",
    "Derivation",
    "RELATIONS",
    "ModelError",
    "symbol_domains",
    "title_parts",
    "title_text",
    "Title",
]

#: A title: text, a SymPy expression (or relation), or a tuple mixing both (see _check_title).
Title: TypeAlias = str | sp.Basic | tuple[str | sp.Basic, ...]
#: Sizes of a claim: (size symbol, least value) pairs; indices: (index, lo, hi) triples.
Sizes: TypeAlias = tuple[tuple[sp.Symbol, sp.Integer], ...]
Indices: TypeAlias = tuple[tuple[sp.Symbol, sp.Basic, sp.Basic], ...]
#: What a claim may be given for them (``sizes=[k]`` or ``{k: 2}``, ``indices={j: (1, k)}``);
#: Claim keeps the normalised Sizes and Indices above.
SizesSpec: TypeAlias = Mapping[sp.Symbol, int] | Iterable[sp.Symbol | tuple[sp.Symbol, int]]
IndicesSpec: TypeAlias = Mapping[sp.Symbol, tuple[object, object]] | Iterable[Sequence[object]]


class Status(str, enum.Enum):
    """A verdict. A str enum, so ``Status.PROVED == "proved"``."""

    PROVED = "proved"
    REFUTED = "refuted"
    UNDECIDED = "undecided"

    def __str__(self) -> str:
        return self.value


#: Relations a step may state between the previous right-hand side and its own.
#: For square matrices ">=" is the Loewner order: A >= B when v^T (A - B) v >= 0
#: for every real v (and ">" when it is > 0 for every v != 0).
RELATIONS = ("==", ">=", ">", "<=", "<")


def compose_relations(relations: Iterable[str], what: str) -> str:
    """The relation of a chain: '==' links drop out, strict wins, directions may not mix."""
    kinds = {r for r in relations if r != "=="}
    if not kinds:
        return "=="
    if kinds <= {">=", ">"}:
        return ">" if ">" in kinds else ">="
    if kinds <= {"<=", "<"}:
        return "<" if "<" in kinds else "<="
    raise ModelError(f"{what}: a chain cannot mix {' and '.join(sorted(kinds))}")


def _check_relation(relation: str, what: str) -> str:
    if relation not in RELATIONS:
        raise ModelError(f"{what}: unknown relation {relation!r} (known: {', '.join(RELATIONS)})")
    return relation


_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


def _caller_location() -> tuple[str | None, int | None]:
    """File and line of the first frame outside this package (the derivation script)."""
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        raw = frame.f_code.co_filename  # "<string>" for the __init__ that dataclasses generates
        filename = os.path.abspath(raw)
        if (
            not filename.startswith(_PACKAGE_DIR + os.sep)
            and "dataclasses" not in os.path.basename(filename)
            and not raw.startswith("<")
        ):
            return frame.f_code.co_filename, frame.f_lineno
        frame = frame.f_back
    return None, None


def _caller_line() -> int | None:
    return _caller_location()[1]


def as_sympy(value: object, what: str) -> sp.Basic:
    """A SymPy object for ``value``: numbers and SymPy objects only.

    Strings are rejected rather than parsed: nothing a derivation or the command
    line says is ever evaluated as code by the verifier.
    """
    if isinstance(value, str):
        raise ModelTypeError(f"{what} is the string {value!r}; build it with SymPy objects (strings are never parsed)")
    if isinstance(value, sp.MatrixBase):
        return sp.ImmutableMatrix(value)
    if isinstance(
        value, (sp.logic.boolalg.BooleanAtom, sp.logic.boolalg.BooleanFunction, sp.core.relational.Relational)
    ):
        raise ModelTypeError(
            f"{what} is the relation or truth value {value}; expected an expression (put conditions in where=)"
        )
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


def _check_title(title: object, what: str) -> Title:
    """A title: text, a SymPy expression (or relation), or a tuple mixing both.

    Text is printed literally everywhere (escaped in LaTeX); expressions are printed
    as maths by each renderer's printer, so a title never carries raw TeX.
    """
    if isinstance(title, (list, tuple)):
        parts = tuple(title)
    else:
        parts = (title,)
    for part in parts:
        if not isinstance(part, (str, sp.Basic)):
            raise ModelTypeError(f"{what}: a title holds text and SymPy expressions, not {type(part).__name__}")
    return parts[0] if len(parts) == 1 and isinstance(parts[0], str) else parts  # a tuple is always truthy


def title_parts(title: Title | None) -> tuple[str | sp.Basic, ...]:
    """A title as a tuple of text and SymPy expressions (empty for no title)."""
    if isinstance(title, tuple):
        return title
    return () if title in ("", None) else (title,)


def title_text(title: Title | None, printer: Callable[[sp.Basic], str] | None = None) -> str:
    """A title as plain text; expressions through ``printer`` (default ``sympy.sstr``)."""
    printer = printer or sp.sstr
    return "".join(part if isinstance(part, str) else printer(part) for part in title_parts(title))


def _shape(expr: sp.Basic) -> tuple[int, int] | None:
    return expr.shape if isinstance(expr, sp.MatrixBase) else None


def _check_relations(items: Iterable[object], kinds: tuple[type, ...], what: str) -> tuple[sp.Basic, ...]:
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

    def __post_init__(self) -> None:
        object.__setattr__(self, "rhs", as_sympy(self.rhs, "a step's rhs"))
        _check_relation(self.relation, "a step")
        if self.certificate is not None:
            object.__setattr__(self, "certificate", as_sympy(self.certificate, "a step's certificate"))
        from .engine.tactics import (
            TACTICS,  # the ladder's registry; imported here, the engine imports the model
        )

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
    title: Title = ""
    source: str = ""
    expect: Status = Status.PROVED
    given: tuple[sp.Basic, ...] = ()
    where: tuple[sp.Basic, ...] = ()
    scope: str = ""
    note: str = ""
    line: int | None = field(default=None, compare=False)
    #: The statement's relation: with ``rhs=`` it is the single step's (with
    #: ``certificate``); with ``steps=`` it is composed from theirs.
    relation: str = "=="
    certificate: sp.Basic | None = None
    #: Numerical evidence for a claim the engine cannot decide (a limit): pairs
    #: (term, target) of numbers, shown in the trace with their gaps. Never a proof.
    witness: tuple[tuple[sp.Basic, sp.Basic], ...] = ()
    sizes: Sizes = ()
    indices: Indices = ()

    def __post_init__(self) -> None:
        def set_(k: str, v: object) -> None:  # a frozen dataclass
            object.__setattr__(self, k, v)

        if not isinstance(self.name, str) or not self.name.strip():
            raise ModelError("a claim needs a non-empty name")
        file, line = _caller_location()
        if self.line is None:
            set_("line", line)
        set_("title", _check_title(self.title, f"claim {self.name!r}"))
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
        set_(
            "witness",
            tuple(
                (as_sympy(t, f"claim {self.name!r}: witness"), as_sympy(v, f"claim {self.name!r}: witness"))
                for t, v in self.witness
            ),
        )
        set_("rhs", steps[-1].rhs)
        set_("expect", Status(self.expect))
        set_("given", _check_relations(self.given, (sp.Equality,), f"claim {self.name!r}: given"))
        set_("where", _check_relations(self.where, (sp.core.relational.Relational,), f"claim {self.name!r}: where"))
        set_("sizes", _check_sizes(self.sizes, self.name))
        set_("sizes", self.sizes + _matrix_dimensions([self.lhs] + [s.rhs for s in steps], self.sizes, self.name))
        set_("indices", _check_indices(self.indices, self.sizes, self.name))
        if not self.sizes and self.scope.strip().lower().startswith(("for all", "all ")):
            raise ModelError(
                f"claim {self.name!r}: scope={self.scope!r} claims every size, which only "
                "sizes= with a proof for all sizes can establish; give the sizes checked, e.g. 'k = 3'"
            )
        if self.sizes and self.scope:
            raise ModelError(
                f"claim {self.name!r}: the scope of a claim with sizes= is derived from them; drop scope={self.scope!r}"
            )
        _check_matrix_sides(self.lhs, steps, self.name)
        try:
            exprs = [self.lhs] + [s.rhs for s in steps] + list(self.given) + list(self.where)
            _check_sum_limits(exprs, self)
            _check_entries(exprs, self)
        except ModelError as exc:
            at = f"{file}:{self.line}: " if file else ""
            raise ModelError(f"{at}{exc}") from None
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


def _check_sizes(sizes: SizesSpec, name: str) -> Sizes:
    """((symbol, least), ...) from [k], [(k, 2)] or {k: 2}; sizes are integer symbols."""
    items = sizes.items() if isinstance(sizes, dict) else sizes
    out = []
    for item in items:
        symbol, least = (item, 1) if isinstance(item, sp.Symbol) else tuple(item)
        if not isinstance(symbol, sp.Symbol) or symbol.is_integer is not True:
            raise ModelTypeError(
                f"claim {name!r}: a size must be an integer Symbol such as Symbol('k', integer=True, positive=True), not {symbol!r}"
            )
        least = as_sympy(least, "a bound or expression")
        if not least.is_Integer:
            raise ModelError(f"claim {name!r}: the least value of size {symbol} must be an integer, not {least}")
        out.append((symbol, least))
    return tuple(out)


def _check_matrix_sides(lhs: sp.Basic, steps: Sequence[Step], name: str) -> None:
    """Sides in matrix notation (MatrixSymbol X, w): shapes that match inside each side and
    between links of the chain (a 1 x 1 matrix is a scalar; an inequality may end at 0)."""
    what = f"claim {name!r}"
    for side in [lhs] + [s.rhs for s in steps]:
        check_shapes(side, what)
    if any(isinstance(side, sp.MatrixBase) for side in [lhs] + [s.rhs for s in steps]):
        return  # explicit matrices: the shapes are compared entry by entry in Claim itself

    def scalar(shape: Shape | None) -> bool:
        return shape in (None, (1, 1))

    previous = shape_of(lhs)
    for i, step in enumerate(steps, 1):
        current = shape_of(step.rhs)
        if (
            current != previous
            and not (scalar(current) and scalar(previous))
            and not (step.relation != "==" and step.rhs == 0)
        ):
            raise ModelError(
                f"{what}: shapes differ: step {i} is {_matrix_text(current)} but the side before it is {_matrix_text(previous)}"
            )
        previous = current if current is not None or step.rhs != 0 else previous


def _matrix_text(shape: Shape | None) -> str:
    return "a scalar" if shape is None else f"a {shape[0]} x {shape[1]} matrix"


def _matrix_dimensions(exprs: Iterable[sp.Basic], sizes: Sizes, name: str) -> Sizes:
    """The symbolic dimensions of MatrixSymbols in ``exprs`` not among ``sizes``, as sizes >= 1.

    A claim in matrix notation is a claim for every dimension, so they are its sizes.
    """
    declared = {s for s, _ in sizes}
    found = []
    for expr in exprs:
        for matrix in sorted(expr.atoms(sp.MatrixSymbol), key=sp.default_sort_key):
            for dim in matrix.shape:
                for s in sorted(as_sympy(dim, "an expression").free_symbols, key=sp.default_sort_key):
                    if s not in declared and s not in found:
                        found.append(s)
    return _check_sizes(found, name)


def _check_indices(indices: IndicesSpec, sizes: Sizes, name: str) -> Indices:
    """((index, lo, hi), ...) from {j: (1, k)}; bounds may only use the sizes."""
    items = (
        [(j, *bounds) for j, bounds in indices.items()] if isinstance(indices, dict) else [tuple(i) for i in indices]
    )
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
            raise ModelError(
                f"claim {name!r}: the range of index {index} uses {', '.join(map(str, stray))}, which is not a declared size"
            )
        out.append((index, lo, hi))
    return tuple(out)


def _check_sum_limits(exprs: Iterable[sp.Basic], claim: Claim) -> None:
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
                        raise ModelError(
                            f"claim {claim.name!r}: {names} bounds a sum but is not declared; give sizes=[{names}] (and indices= for free indices)"
                        )


def _check_entries(exprs: Iterable[sp.Basic], claim: Claim) -> None:
    """Every symbol in the index of an entry (z[j]) is a declared index or size, or bound by a sum.

    Without ``indices={j: (1, k)}`` the engine cannot know which values j takes, so
    the claim is refused here rather than reported as a verdict.
    """
    known = {s for s, _ in claim.sizes} | {i for i, _, _ in claim.indices}
    for expr in exprs:
        entries = expr if isinstance(expr, sp.MatrixBase) else [expr]
        for entry in entries:
            bound = set()
            for node in sp.preorder_traversal(entry):
                if isinstance(node, (sp.Sum, sp.Product)):
                    bound |= set(node.variables)
            for node in sp.preorder_traversal(entry):
                if isinstance(node, sp.Indexed):
                    stray = {s for i in node.indices for s in i.free_symbols} - known - bound
                    if stray:
                        names = ", ".join(sorted(map(str, stray)))
                        raise ModelError(
                            f"claim {claim.name!r}: the entry {node} has the index {names}, which is not declared; "
                            f"give indices={{{names}: (lo, hi)}} (and sizes= for the sizes in its range)"
                        )


def _shape_text(shape: tuple[int, int] | None) -> str:
    return "a scalar" if shape is None else f"a {shape[0]}x{shape[1]} matrix"


@dataclass(frozen=True)
class Derivation:
    """A named set of claims under shared assumptions.

    ``given`` and ``where`` apply to every claim; ``assumptions`` are statements in
    words for the reader (conventions, the meaning of symbols). Symbol domains come
    from the SymPy symbols themselves (``Symbol("z", positive=True)``).
    """

    name: str
    title: Title
    claims: tuple[Claim, ...]
    source: str = ""
    given: tuple[sp.Basic, ...] = ()
    where: tuple[sp.Basic, ...] = ()
    assumptions: tuple[str, ...] = ()
    note: str = ""
    file: str | None = field(default=None, compare=False)
    line: int | None = field(default=None, compare=False)
    #: Named subexpressions, for printing only: {Symbol("mu"): Sum(x[m], (m, 1, n)) / n,
    #: IndexedBase("xhat")[a]: (x[a] - mu) / s, ...}. Every renderer prints a definition
    #: under its name and lists the definitions once; the engine never sees them.
    names: tuple[tuple[sp.Basic, sp.Basic], ...] = ()

    def __post_init__(self) -> None:
        def set_(k: str, v: object) -> None:  # a frozen dataclass
            object.__setattr__(self, k, v)

        if not isinstance(self.name, str) or not self.name.isidentifier():
            raise ModelError(f"derivation name {self.name!r} must be an identifier such as softmax_hessian")
        set_("title", _check_title(self.title, f"derivation {self.name!r}"))
        set_("names", _check_names(self.names, self.name))
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
        set_(
            "where", _check_relations(self.where, (sp.core.relational.Relational,), f"derivation {self.name!r}: where")
        )
        set_("assumptions", tuple(self.assumptions))


def _check_names(
    names: Mapping[sp.Basic, object] | Iterable[tuple[sp.Basic, object]], derivation: str
) -> tuple[tuple[sp.Basic, sp.Basic], ...]:
    """((name, definition), ...): a name is a Symbol, or an entry x̂[a] of one free index a."""
    items = names.items() if isinstance(names, dict) else names
    out = []
    for item in items:
        key, definition = tuple(item)
        definition = as_sympy(definition, f"derivation {derivation!r}: the definition of {key}")
        if isinstance(key, sp.Indexed):
            if len(key.indices) != 1 or not isinstance(key.indices[0], sp.Symbol):
                raise ModelError(
                    f"derivation {derivation!r}: a named entry has one index symbol, such as xhat[a], not {key}"
                )
        elif not isinstance(key, sp.Symbol):
            raise ModelTypeError(
                f"derivation {derivation!r}: a name is a Symbol or an entry such as xhat[a], not {key!r}"
            )
        if definition.has(key):
            raise ModelError(f"derivation {derivation!r}: the definition of {key} uses {key} itself")
        out.append((key, definition))
    return tuple(out)


def symbol_domains(exprs: Iterable[object]) -> list[tuple[str, list[sp.Symbol]]]:
    """Group the free symbols of ``exprs`` by their declared domain, for display."""
    groups: dict[str, list[sp.Symbol]] = {}
    symbols: set[sp.Basic] = set()
    for e in exprs:
        symbols |= getattr(e, "free_symbols", set())
    symbols = {s for s in symbols if not isinstance(s, sp.Indexed)}  # an entry has its base's domain
    for s in sorted(symbols, key=sp.default_sort_key):
        groups.setdefault(domain_text(s), []).append(s)
    return sorted(groups.items())


def relation_text(rel: sp.Basic) -> str:
    """A given fact or region in words, as verdicts record it in ``Result.used``."""
    if isinstance(rel, sp.Equality):
        return f"{sp.sstr(rel.lhs)} = {sp.sstr(rel.rhs)}"
    text: str = sp.sstr(rel)
    return text


class _BudgetedPrinter(StrPrinter):
    """SymPy's string printer that stops printing once ``budget`` characters of symbols and
    numbers are out: every later subexpression prints as '...', unvisited. Terms are printed
    in SymPy's stored order: sorting them as ``sstr`` does evaluates each one numerically,
    which cost more than the printing itself."""

    def __init__(self, budget: int) -> None:
        super().__init__({"order": "none"})
        self.left = budget

    def _print(self, expr: object, **kwargs: object) -> str:
        if self.left <= 0:
            return "..."
        text: str = super()._print(expr, **kwargs)
        if not getattr(expr, "args", ()):  # a symbol or a number: what the budget counts
            self.left -= len(text)
        return text


def short_text(expr: sp.Basic, width: int = 70) -> str:
    """``expr`` printed to at most ``width`` characters, without printing all of it (a
    residue of thousands of terms costs as much to print as a rung to compute)."""
    text: str = _BudgetedPrinter(width).doprint(expr)
    return text if len(text) <= width else text[: width - 3] + "..."


@functools.lru_cache(maxsize=1024)  # asked for every symbol of every claim; a symbol's domain never changes
def domain_text(symbol: sp.Symbol) -> str:
    """The declared domain of a symbol in words: 'positive', 'real', 'complex', ..."""
    if isinstance(symbol, sp.MatrixSymbol):  # entries are real unless matrix_symbol(..., positive=True) says more
        return f"{getattr(symbol, 'domain', 'real')} entries"
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
