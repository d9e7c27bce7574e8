"""Imports, duplicates and merges: the dry-run plan, `wt dupes`, `wt merge`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from wintogether.render.base import ref_text, spec_table, t, t1
from wintogether.render.columns import DUPES, IMPORT_PLAN
from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.dupes import MergePlan, Pair
    from wintogether.domain.importing import Decision, ImportResult


def import_plan_view(result: ImportResult, *, plain: bool) -> RenderableType:
    styles = {"add": "green", "update": "yellow", "skip": "dim"}

    def why(decision: Decision) -> Text:
        text = t1(decision.reason)
        if decision.job_change:
            text.append("; job change: ").append_text(t1(decision.job_change))
        return text

    table = spec_table(
        plain,
        IMPORT_PLAN,
        result.decisions,
        {
            "action": lambda d: Text(d.action, style=styles.get(d.action, "")),
            "position": lambda d: Text(d.position, style="dim"),
            "name": lambda d: t1(d.name, "bold"),
            "reason": why,
        },
    )
    for problem in result.problems:
        table.add_row(
            Text("invalid", style="red"),
            Text(problem.position, style="dim"),
            Text(""),
            Text(""),
            t1(problem.reason),
        )
    for skipped in result.skipped_rows:
        table.add_row(
            Text("skip", style="dim"),
            Text(skipped.position, style="dim"),
            Text(""),
            Text(""),
            t1(skipped.reason),
        )
    return table


def import_plan_lines(result: ImportResult) -> list[str]:
    """The dry-run plan as plain lines for a pipe: one per row, never cut or wrapped."""
    lines = []
    for decision in result.decisions:
        who = decision.name + (f" ({decision.company})" if decision.company else "")
        line = f"{decision.action:<7} {decision.position:<10} {who}: {decision.reason}"
        if decision.job_change:
            line += f"; job change: {decision.job_change}"
        lines.append(one_line(line))
    lines += [one_line(f"invalid {p.position}: {p.reason}") for p in result.problems]
    lines += [one_line(f"skip    {p.position}: {p.reason}") for p in result.skipped_rows]
    return lines


def dupes_table(pairs: Sequence[Pair], *, plain: bool) -> Table:
    return spec_table(
        plain,
        DUPES,
        pairs,
        {
            "first_id": lambda p: Text(f"#{p.first.id}", style="dim"),
            "first_name": lambda p: ref_text(p.first),
            "second_id": lambda p: Text(f"#{p.second.id}", style="dim"),
            "second_name": lambda p: ref_text(p.second),
        },
    )


def merge_view(plan: MergePlan, *, plain: bool) -> RenderableType:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row("keep", ref_text(plan.keep).append(f"  #{plan.keep.id}", style="dim"))
    grid.add_row("remove", ref_text(plan.other).append(f"  #{plan.other.id}", style="dim"))
    for key, value in plan.filled.items():
        grid.add_row(f"fill {key.replace('_', ' ')}", t(value))
    for label, items in (
        ("add email", plan.emails),
        ("add phone", plan.phones),
        ("add tag", plan.tags),
    ):
        if items:
            grid.add_row(label, t1(", ".join(items)))
    moved = ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in plan.counts.items() if n)
    grid.add_row("move", Text(moved or "nothing else"))
    return grid
