"""The terminal trace: reports as rich trees, panels and tables.

The only module that imports rich. It reads reports and never decides anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

import sympy as sp
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from .. import wording
from ..model import Derivation, Status, Title, symbol_domains, title_text
from ..report import ClaimReport, DerivationReport, Result
from ..wording import scope_text
from .names import Names, definitions, named
from .unicode import matrix_lines, one_line

__all__ = ["derivation_trace", "summary_table", "undecided_table", "scope_text", "listing", "expression", "caveats"]

STYLE = {Status.PROVED: "green", Status.REFUTED: "red", Status.UNDECIDED: "yellow"}
MARK = {Status.PROVED: "✔", Status.REFUTED: "✘", Status.UNDECIDED: "?"}
#: How a step's relation is printed at the head of its line.
RELATION_MARK = {"==": "=", ">=": "≥", ">": ">", "<=": "≤", "<": "<"}
#: Matrix rows longer than this are listed entry by entry (the tree indents the rest).
MATRIX_WIDTH = 56


def expression(expr: sp.Basic, names: Names = ()) -> str:
    """An expression for the terminal: one line of Unicode maths under the derivation's names.

    Never cut: rich wraps it at the console width. A matrix is one row a line, or one
    entry a line when a row would not fit.
    """
    expr = named(expr, names)
    if isinstance(expr, sp.MatrixBase):
        return "\n".join(matrix_lines(expr, MATRIX_WIDTH))
    return one_line(expr)


def _title(title: Title, names: Names = ()) -> str:
    return title_text(title, lambda e: expression(e, names))


def _verdict(status: Status) -> Text:
    return Text(f"{MARK[status]} {status.value}", style=f"bold {STYLE[status]}")


def _shown_used(derivation: Derivation, report: ClaimReport) -> Callable[[str], str]:
    relations = wording.relations_by_text(derivation, report.claim)

    def show(text: str) -> str:
        rel = relations.get(text)
        return expression(rel, derivation.names) if rel is not None else text

    return show


def _how(result: Result, show: Callable[[str], str]) -> str:
    text = wording.how(result, show)
    if result.status is Status.PROVED:
        checks = [a.detail for a in result.steps if a.tactic == "cross-check" and a.outcome.value == "agrees"]
        text += f"; cross-check: {checks[0]}" if checks else ""
    return text


def _counterexample(result: Result) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("symbol")
    table.add_column("value", overflow="fold")
    assert result.counterexample is not None, "a table for a refutation, which has its point"
    for symbol, value in result.counterexample.items():
        table.add_row(one_line(symbol), one_line(value))
    entry = f"[{result.entry[0] + 1}, {result.entry[1] + 1}]" if result.entry is not None else ""
    left, right = ("vᵀ lhs v", "vᵀ rhs v") if result.vector is not None else (f"lhs{entry}", f"rhs{entry}")
    table.add_row(Text(left, style="bold"), one_line(result.lhs_value))
    table.add_row(Text(right, style="bold"), one_line(result.rhs_value))
    if result.relation != "==":
        table.add_row(Text("fails", style="bold"), f"{left} {RELATION_MARK[result.relation]} {right}")
    return table


def _result_node(node: Tree, result: Result, show_tactics: bool) -> None:
    if result.status is Status.REFUTED and result.counterexample is not None:
        node.add(_counterexample(result))
    if show_tactics:
        tried = node.add(Text("tactics tried", style="dim"))
        for attempt in result.steps:
            tried.add(
                Text(f"{attempt.tactic}: {attempt.outcome}  {attempt.detail}  ({attempt.seconds:.2f} s)", style="dim")
            )


def _correction_node(node: Tree, report: ClaimReport, names: Names) -> None:
    correction = report.correction
    if correction is None:
        return
    words = wording.correction_words(report)
    branch = node.add(Text(words.heading, style="bold cyan"))
    if words.show_lhs:
        branch.add(Text.assemble((f"{words.lhs} ({words.checked}):", "cyan"), "\n", expression(correction.lhs, names)))
    else:
        branch.add(Text(f"{words.lhs}: {words.checked}", style="cyan"))
    branch.add(Text.assemble((f"{words.residual}:", "cyan"), "\n", expression(correction.residual, names)))


def claim_tree(report: ClaimReport, parent: Tree, detail: bool, derivation: Derivation | None = None) -> None:
    claim = report.claim
    names = derivation.names if derivation is not None else ()
    show: Callable[[str], str] = _shown_used(derivation, report) if derivation is not None else str
    said = wording.verdict(report, show)
    head = Text.assemble(
        _verdict(report.status),
        "  ",
        (claim.name, "bold"),
        (f"  {_title(claim.title, names)}" if claim.title else ""),
        (f"  [{claim.source}]" if claim.source else "", "cyan"),
    )
    rest = said.head[len(report.status.value) :].strip()
    if rest:
        head.append(f"  {rest}", style="italic")
    if said.caveat:
        head.append(f"  ⚠ {said.caveat}", style="bold yellow")
    if said.expectation:
        head.append(f"  ✘ {said.expectation}", style="bold red")
    elif said.erratum:
        head.append(f"  ({said.erratum})", style="dim")
    node = parent.add(head)
    if not detail and report.meets_expectation and not said.caveat:
        return
    for region in claim.where:
        node.add(Text(f"where {expression(region, names)}", style="dim"))
    for fact in claim.given:
        node.add(Text(f"given {expression(fact, names)}", style="dim"))
    node.add(Text(expression(claim.lhs, names), style="bold"))
    for step_report in report.steps:
        step = step_report.step
        result = step_report.result
        label = Text.assemble(
            (f"{RELATION_MARK.get(step.relation, step.relation)} ", "bold"),
            expression(step.rhs, names),
            "\n",
            _verdict(result.status),
            f"  step {step_report.index}, by={step.by}",
            (f" ({step.note})" if step.note else "", "italic"),
            f": {_how(result, show)}",
            (f"  {result.seconds:.2f} s", "dim"),
        )
        step_node = node.add(label)
        _result_node(step_node, result, show_tactics=detail and result.status is not Status.PROVED)
    if report.conclusion is not None and len(report.steps) > 1:
        result = report.conclusion
        conclusion = node.add(
            Text.assemble("statement lhs = rhs checked directly: ", _verdict(result.status), f"  {_how(result, show)}")
        )
        _result_node(conclusion, result, show_tactics=False)
    node.add(Text.assemble(("verdict: ", "bold"), said.sentence))
    _correction_node(node, report, names)


def _assumption_lines(derivation: Derivation) -> list[Text]:
    exprs = []
    for c in derivation.claims:
        exprs += [c.lhs] + [s.rhs for s in c.steps] + list(c.given) + list(c.where)
    exprs += list(derivation.given) + list(derivation.where)
    names = derivation.names
    lines = [Text(f"{', '.join(map(one_line, symbols))}: {domain}") for domain, symbols in symbol_domains(exprs)]
    lines += [Text(f"given {expression(g, names)}") for g in derivation.given]
    lines += [Text(f"where {expression(w, names)}") for w in derivation.where]
    lines += [Text(a) for a in derivation.assumptions]
    return lines


def _notation_lines(derivation: Derivation) -> list[Text]:
    """Each named subexpression once, with its definition (under the other names)."""
    return [Text(f"{one_line(key)} = {one_line(value)}") for key, value in definitions(derivation.names)]


def caveats(reports: Iterable[DerivationReport]) -> list[tuple[str, str, str]]:
    """(derivation, claim, caveat) for every claim proved while a step of its chain was not."""
    return [
        (r.derivation.name, c.claim.name, wording.caveat(c)) for r in reports for c in r.claims if wording.caveat(c)
    ]


def derivation_trace(report: DerivationReport, detail: bool = True) -> Panel:
    """The whole trace of one derivation."""
    d = report.derivation
    header = Text.assemble(
        (_title(d.title, d.names), "bold"), "\n", (d.name, "cyan"), (f"  source: {d.source}" if d.source else "")
    )
    parts: list[RenderableType] = [header]
    if detail:
        parts.append(Text("Assumptions", style="bold underline"))
        parts += _assumption_lines(d)
        if d.names:
            parts.append(Text("Notation", style="bold underline"))
            parts += _notation_lines(d)
    tree = Tree(Text("Claims", style="bold underline"), guide_style="dim")
    for claim_report in report.claims:
        claim_tree(claim_report, tree, detail, d)
    parts.append(tree)
    verdicts = ", ".join(f"{report.count(s)} {s.value}" for s in Status)
    ok = "[green]all as expected[/]" if report.ok else "[red]NOT as expected[/]"
    parts.append(Text.from_markup(f"{verdicts}; {ok}  ({report.seconds:.1f} s)"))
    return Panel(Group(*parts), border_style="green" if report.ok else "red", expand=True)


def summary_table(reports: Sequence[DerivationReport], errors: Iterable[str] = ()) -> RenderableType:
    """One row per derivation with its verdict counts, then what each one's proofs cover."""
    table = Table(title="verify: summary", show_lines=False)
    table.add_column("derivation", overflow="fold")
    for column in ("claims", "proved", "refuted", "undecided", "as expected", "s"):
        table.add_column(column, justify="right", no_wrap=True, min_width=len(column))
    covers = []
    for r in reports:
        expected = sum(c.meets_expectation for c in r.claims)
        table.add_row(
            r.derivation.name,
            str(len(r.claims)),
            str(r.count(Status.PROVED)),
            str(r.count(Status.REFUTED)),
            str(r.count(Status.UNDECIDED)),
            Text(f"{expected}/{len(r.claims)}", style="green" if r.ok else "bold red"),
            f"{r.seconds:.1f}",
        )
        scopes = "; ".join(dict.fromkeys(scope_text(c) for c in r.claims if c.status is Status.PROVED))
        if scopes:
            covers.append(Text.assemble((f"{r.derivation.name}: ", "bold"), scopes))
    for error in errors:
        table.add_row(Text(error, style="red"), "-", "-", "-", "-", Text("error", style="bold red"), "-")
    flagged = [
        Text.assemble((f"{name}: ", "bold"), f"{claim}: proved directly; {caveat}")
        for name, claim, caveat in caveats(reports)
    ]
    parts: list[RenderableType] = [table]
    if covers:
        parts += [Text("what the proofs cover", style="bold underline"), *covers]
    if flagged:
        parts += [Text("⚠ proved, but a step of the chain is not", style="bold yellow underline"), *flagged]
    return parts[0] if len(parts) == 1 else Group(*parts)


def undecided_table(reports: Iterable[DerivationReport]) -> Table | None:
    """Each undecided claim with its reason (for the end of verify --all), or None if there is none."""
    rows = [(r.derivation.name, c) for r in reports for c in r.claims if c.status is Status.UNDECIDED]
    if not rows:
        return None
    table = Table(title="undecided: why", show_lines=False)
    for column in ("derivation", "claim", "reason"):
        table.add_column(column)
    for name, c in rows:
        table.add_row(
            name, c.claim.name, Text(wording.verdict(c).detail, style="yellow" if c.meets_expectation else "bold red")
        )
    return table


def listing(derivations: Iterable[Derivation]) -> Table:
    table = Table(title="derivations", show_lines=False)
    for column in ("name", "title", "source", "claims"):
        table.add_column(column)
    for d in derivations:
        table.add_row(d.name, _title(d.title, d.names), d.source, str(len(d.claims)))
    return table
