"""Deals and plans on the terminal: the deals table, one deal, its plan."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_day
from wintogether.render.base import new_table, ref_text, spaced, spec_table, t, t1
from wintogether.render.columns import DEALS
from wintogether.render.plan_words import (
    account_deal_lines,
    health_text,
    short_health_text,
    target_text,
    wins_text,
)
from wintogether.render.words import word_record_text

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wintogether.domain.deals import AccountDeals
    from wintogether.domain.planview import PlanView, StepView

_STATUS_STYLE = {
    "to do": "",
    "done on time": "green",
    "done late": "yellow",
    "overdue": "red",
    "cancelled": "dim",
}


def _health_cell(view: PlanView) -> Text:
    style = {"at risk": "red", "on track": "green"}.get(view.health, "")
    return t1(short_health_text(view), style)


def _wins_cell(view: PlanView) -> Text:
    return t1(wins_text(view.deal), "yellow" if view.deal.one_sided else "dim")


def deals_table(views: Sequence[PlanView], today: date, *, plain: bool) -> Table:
    return spec_table(
        plain,
        DEALS,
        views,
        {
            "id": lambda v: Text(f"#{v.deal.id}", style="dim"),
            "title": lambda v: t1(v.deal.title, "bold"),
            "company": lambda v: t1(v.deal.company or ""),
            "target_on": lambda v: Text(target_text(v.deal, today)),
            "people": lambda v: t1(", ".join(p.name for p in v.deal.people)),
            "health": _health_cell,
            "wins": _wins_cell,
        },
    )


def _step_status(step: StepView) -> Text:
    text = Text(step.status, style=_STATUS_STYLE.get(step.status, ""))
    if step.days_late:
        text.append(f" ({step.days_late}d)")
    return text


def _owner(step: StepView) -> Text:
    promise = step.step.promise
    if promise.owner == "me":
        return Text("me")
    return t1(promise.contact.name, "cyan")


def steps_table(view: PlanView, *, plain: bool) -> Table:
    table = new_table(plain, "#", "step", "owner", "due", "status", "after")
    for step in view.steps:
        text = t1(step.step.promise.text, "bold" if step.step.milestone else "")
        if step.step.milestone:
            text.append("  [milestone]", style="magenta")
        if step.critical:
            text.append("  *", style="red")
        table.add_row(
            Text(str(step.number), style="dim"),
            text,
            _owner(step),
            Text(format_day(step.step.promise.due_on, view.today)),
            _step_status(step),
            Text(str(step.after) if step.after else ""),
        )
    return table


def _facts(view: PlanView) -> Table:
    deal = view.deal
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("company", t(deal.company or "-"))
    grid.add_row("target", Text(target_text(deal, view.today)))
    people = Text()
    for index, person in enumerate(deal.people):
        if index:
            people.append(", ")
        people.append_text(ref_text(person))
    grid.add_row("people", people if deal.people else Text("nobody yet", style="dim"))
    grid.add_row("they win", t(deal.they_win) if deal.they_win else Text("?", style="yellow"))
    grid.add_row("we win", t(deal.we_win) if deal.we_win else Text("?", style="yellow"))
    if deal.one_sided:
        grid.add_row("", Text(wins_text(deal), style="yellow"))
    grid.add_row("status", Text(deal.status))
    if deal.closed_at is not None:
        grid.add_row("closed", Text(format_day(deal.closed_at.date(), view.today)))
    if deal.close_note:
        grid.add_row("why", t(deal.close_note))
    if deal.notes:
        grid.add_row("notes", t(deal.notes))
    return grid


def _plan_summary(view: PlanView) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    style = {"at risk": "red", "on track": "green"}.get(view.health, "")
    grid.add_row("plan", Text(health_text(view), style=style))
    if view.critical_path:
        grid.add_row("critical path", Text(" → ".join(str(n) for n in view.critical_path)))
    if view.projected_end is not None:
        line = format_day(view.projected_end, view.today)
        if view.ends_late_by:
            line += f" ({view.ends_late_by} days after the target)"
        grid.add_row("ends", Text(line))
    grid.add_row("my word", Text(word_record_text(view.mine)))
    grid.add_row("their word", Text(word_record_text(view.theirs)))
    return grid


def plan_view(view: PlanView, *, plain: bool) -> RenderableType:
    title = Text(f"#{view.deal.id} ", style="dim")
    title.append_text(t1(view.deal.title, "bold"))
    parts: list[RenderableType] = [title, _plan_summary(view)]
    if view.steps:
        parts.append(steps_table(view, plain=plain))
    return Group(*spaced(parts))


def deal_view(view: PlanView, *, plain: bool) -> RenderableType:
    title = Text(f"#{view.deal.id} ", style="dim")
    title.append_text(t1(view.deal.title, "bold"))
    parts: list[RenderableType] = [title, _facts(view), _plan_summary(view)]
    if view.steps:
        parts.append(steps_table(view, plain=plain))
    return Group(*spaced(parts))


def account_deals(deals: AccountDeals, today: date) -> RenderableType | None:
    """`wt company NAME`'s deals (None when it has none): open, then closed this year."""
    opened, closed = account_deal_lines(deals, today)
    parts: list[RenderableType] = []
    for title, lines in (("Deals", opened), ("Closed deals (12 months)", closed)):
        if lines:
            parts.append(Group(Text(title, style="bold"), *(t1(line) for line in lines)))
    return Group(*spaced(parts)) if parts else None
