"""Deals and plans as plain text, for pipes and ``--plain``, without Rich.

The same views as render/deals.py, laid out by render/plain.py: the deals
table from its column spec, a deal's facts, the plan's state and its steps.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from wintogether.dates import format_day
from wintogether.render.plain import Lines, ref, sections, spec_table, t, t1, table
from wintogether.render.plan_words import (
    health_text,
    short_health_text,
    target_text,
    wins_text,
)
from wintogether.render.words import word_record_text

if TYPE_CHECKING:
    from wintogether.domain.planview import PlanView


def deals_table(views: Sequence[PlanView], today: date, width: int) -> Lines:
    from wintogether.render.columns import DEALS

    return spec_table(
        DEALS,
        views,
        {
            "id": lambda v: f"#{v.deal.id}",
            "title": lambda v: t1(v.deal.title),
            "company": lambda v: t1(v.deal.company or ""),
            "target_on": lambda v: target_text(v.deal, today),
            "people": lambda v: ", ".join(t1(p.name) for p in v.deal.people),
            "health": short_health_text,
            "wins": lambda v: wins_text(v.deal),
        },
        width,
    )


def _steps(view: PlanView, width: int) -> Lines:
    rows = []
    for step in view.steps:
        promise = step.step.promise
        text = t1(promise.text)
        if step.step.milestone:
            text += "  [milestone]"
        if step.critical:
            text += "  *"
        status = step.status + (f" ({step.days_late}d)" if step.days_late else "")
        rows.append(
            [
                str(step.number),
                text,
                "me" if promise.owner == "me" else t1(promise.contact.name),
                format_day(promise.due_on, view.today),
                status,
                str(step.after) if step.after else "",
            ]
        )
    return table(["#", "step", "owner", "due", "status", "after"], rows, width)


def _grid(rows: list[tuple[str, str]], width: int) -> Lines:
    return table(["", ""], [list(r) for r in rows], width, no_wrap=(0,), show_header=False)


def _summary(view: PlanView, width: int) -> Lines:
    rows = [("plan", health_text(view))]
    if view.critical_path:
        rows.append(("critical path", " → ".join(str(n) for n in view.critical_path)))
    if view.projected_end is not None:
        line = format_day(view.projected_end, view.today)
        if view.ends_late_by:
            line += f" ({view.ends_late_by} days after the target)"
        rows.append(("ends", line))
    rows.append(("my word", word_record_text(view.mine)))
    rows.append(("their word", word_record_text(view.theirs)))
    return _grid(rows, width)


def _facts(view: PlanView, width: int) -> Lines:
    deal = view.deal
    rows = [
        ("company", t(deal.company or "-")),
        ("target", target_text(deal, view.today)),
        ("people", ", ".join(ref(p) for p in deal.people) or "nobody yet"),
        ("they win", t(deal.they_win) if deal.they_win else "?"),
        ("we win", t(deal.we_win) if deal.we_win else "?"),
    ]
    if deal.one_sided:
        rows.append(("", wins_text(deal)))
    rows.append(("status", deal.status))
    if deal.closed_at is not None:
        rows.append(("closed", format_day(deal.closed_at.date(), view.today)))
    if deal.close_note:
        rows.append(("why", t(deal.close_note)))
    if deal.notes:
        rows.append(("notes", t(deal.notes)))
    return _grid(rows, width)


def plan_view(view: PlanView, width: int) -> Lines:
    parts = [[f"#{view.deal.id} {t1(view.deal.title)}"], _summary(view, width)]
    if view.steps:
        parts.append(_steps(view, width))
    return sections(parts)


def deal_view(view: PlanView, width: int) -> Lines:
    parts = [
        [f"#{view.deal.id} {t1(view.deal.title)}"],
        _facts(view, width),
        _summary(view, width),
    ]
    if view.steps:
        parts.append(_steps(view, width))
    return sections(parts)
