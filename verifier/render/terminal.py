"""The terminal trace: reports as rich trees, panels and tables.

The only module that imports rich. It reads reports and never decides anything.
"""

from __future__ import annotations

import sympy as sp
from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from ..model import Derivation, Status, symbol_domains
from ..report import ClaimReport, DerivationReport, Outcome, Result, scope_text

__all__ = ["derivation_trace", "summary_table", "undecided_table", "scope_text", "listing"]

STYLE = {Status.PROVED: "green", Status.REFUTED: "red", Status.UNDECIDED: "yellow"}
MARK = {Status.PROVED: "✔", Status.REFUTED: "✘", Status.UNDECIDED: "?"}
#: How a step's relation is printed at the head of its line.
RELATION_MARK = {"==": "=", ">=": "≥", ">": ">", "<=": "≤", "<": "<"}


def expression(expr, width: int = 100) -> str:
    """An expression for the terminal: pretty-printed when small, else one line."""
    try:
        pretty = sp.pretty(expr, use_unicode=True, wrap_line=False)
    except Exception:
        pretty = None
    if pretty is not None and len(pretty.splitlines()) <= 7 and max(map(len, pretty.splitlines() or [""])) <= width:
        return pretty
    text = sp.sstr(expr)
    if isinstance(expr, sp.MatrixBase):
        text = f"({expr.rows}x{expr.cols}) {text}"
    return text if len(text) <= width else text[: width - 3] + "..."


def _verdict(status: Status) -> Text:
    return Text(f"{MARK[status]} {status.value}", style=f"bold {STYLE[status]}")


def _how(result: Result) -> str:
    if result.status is Status.PROVED:
        text = f"by {result.tactic}"
        text += f"; uses {'; '.join(result.used)}" if result.used else ""
        checks = [a.detail for a in result.steps if a.tactic == "cross-check" and a.outcome is Outcome.AGREES]
        return text + (f"; cross-check: {checks[0]}" if checks else "")
    if result.status is Status.REFUTED:
        return "counterexample found and re-checked at 60 digits"
    return result.reason


def _counterexample(result: Result) -> Table:
    table = Table(show_header=True, header_style="bold", box=None, padding=(0, 2))
    table.add_column("symbol")
    table.add_column("value")
    for symbol, value in result.counterexample.items():
        table.add_row(str(symbol), sp.sstr(value))
    entry = f"[{result.entry[0]}, {result.entry[1]}]" if result.entry is not None else ""
    left, right = ("v^T lhs v", "v^T rhs v") if result.vector is not None else (f"lhs{entry}", f"rhs{entry}")
    table.add_row(Text(left, style="bold"), sp.sstr(result.lhs_value))
    table.add_row(Text(right, style="bold"), sp.sstr(result.rhs_value))
    if result.relation != "==":
        table.add_row(Text("fails", style="bold"), f"{left} {RELATION_MARK[result.relation]} {right}")
    return table


def _result_node(node: Tree, result: Result, show_tactics: bool) -> None:
    if result.status is Status.REFUTED:
        node.add(_counterexample(result))
    if show_tactics:
        tried = node.add(Text("tactics tried", style="dim"))
        for attempt in result.steps:
            tried.add(Text(f"{attempt.tactic}: {attempt.outcome}  {attempt.detail}  ({attempt.seconds:.2f} s)", style="dim"))


def claim_tree(report: ClaimReport, parent: Tree, detail: bool) -> None:
    claim = report.claim
    head = Text.assemble(
        _verdict(report.status),
        "  ",
        (claim.name, "bold"),
        (f"  {claim.title}" if claim.title else ""),
        (f"  [{claim.source}]" if claim.source else "", "cyan"),
        (f"  {scope_text(report)}", "italic"),
    )
    if not report.meets_expectation:
        why = f"expected {claim.expect.value}"
        if report.status is claim.expect and report.broken_steps:
            why = "statement holds, but a step is false"
        head.append(f"  ✘ {why}", style="bold red")
    elif claim.expect is not Status.PROVED:
        head.append(f"  (erratum, {claim.expect.value} as expected)" if claim.expect is Status.REFUTED else "  (as expected)", style="dim")
    node = parent.add(head)
    if not detail and report.meets_expectation:
        return
    for region in claim.where:
        node.add(Text(f"where {sp.sstr(region)}", style="dim"))
    for fact in claim.given:
        node.add(Text(f"given {sp.sstr(fact)}", style="dim"))
    node.add(Text(f"{expression(claim.lhs)}", style="bold"))
    for step_report in report.steps:
        step = step_report.step
        result = step_report.result
        label = Text.assemble(
            (f"{RELATION_MARK.get(step.relation, step.relation)} ", "bold"),
            expression(step.rhs),
            "\n  ",
            _verdict(result.status),
            f"  step {step_report.index}, by={step.by}",
            (f" ({step.note})" if step.note else "", "italic"),
            f": {_how(result)}",
            (f"  {result.seconds:.2f} s", "dim"),
        )
        step_node = node.add(label)
        _result_node(step_node, result, show_tactics=detail and result.status is not Status.PROVED)
    if report.conclusion is not None and len(report.steps) > 1:
        result = report.conclusion
        conclusion = node.add(Text.assemble("statement lhs = rhs checked directly: ", _verdict(result.status), f"  {_how(result)}"))
        _result_node(conclusion, result, show_tactics=False)


def _assumption_lines(derivation: Derivation) -> list[Text]:
    exprs = []
    for c in derivation.claims:
        exprs += [c.lhs] + [s.rhs for s in c.steps] + list(c.given) + list(c.where)
    exprs += list(derivation.given) + list(derivation.where)
    lines = [Text(f"{', '.join(map(str, symbols))}: {domain}") for domain, symbols in symbol_domains(exprs)]
    lines += [Text(f"given {sp.sstr(g.lhs)} = {sp.sstr(g.rhs)}") for g in derivation.given if isinstance(g, sp.Equality)]
    lines += [Text(f"where {sp.sstr(w)}") for w in derivation.where]
    lines += [Text(a) for a in derivation.assumptions]
    return lines


def derivation_trace(report: DerivationReport, detail: bool = True):
    """The whole trace of one derivation."""
    d = report.derivation
    header = Text.assemble((d.title, "bold"), "\n", (d.name, "cyan"), (f"  source: {d.source}" if d.source else ""))
    parts = [header]
    if detail:
        parts.append(Text("Assumptions", style="bold underline"))
        parts += _assumption_lines(d)
    tree = Tree(Text("Claims", style="bold underline"), guide_style="dim")
    for claim_report in report.claims:
        claim_tree(claim_report, tree, detail)
    parts.append(tree)
    verdicts = ", ".join(f"{report.count(s)} {s.value}" for s in Status)
    ok = "[green]all as expected[/]" if report.ok else "[red]NOT as expected[/]"
    parts.append(Text.from_markup(f"{verdicts}; {ok}  ({report.seconds:.1f} s)"))
    return Panel(Group(*parts), border_style="green" if report.ok else "red", expand=True)


def summary_table(reports, errors=()):
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
    if not covers:
        return table
    return Group(table, Text("what the proofs cover", style="bold underline"), *covers)


def undecided_table(reports) -> Table | None:
    """Each undecided claim with its reason (for the end of verify --all), or None if there is none."""
    rows = [(r.derivation.name, c) for r in reports for c in r.claims if c.status is Status.UNDECIDED]
    if not rows:
        return None
    table = Table(title="undecided: why", show_lines=False)
    for column in ("derivation", "claim", "reason"):
        table.add_column(column)
    for name, c in rows:
        result = c.conclusion if c.conclusion is not None else c.steps[-1].result
        table.add_row(name, c.claim.name, Text(result.reason, style="yellow" if c.meets_expectation else "bold red"))
    return table


def listing(derivations) -> Table:
    table = Table(title="derivations", show_lines=False)
    for column in ("name", "title", "source", "claims"):
        table.add_column(column)
    for d in derivations:
        table.add_row(d.name, d.title, d.source, str(len(d.claims)))
    return table
