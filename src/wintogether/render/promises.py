"""Promises: due days, who owes, the promises table and the timeline line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_day
from wintogether.render.base import new_table, ref_text, t, when_text

if TYPE_CHECKING:
    from wintogether.models import Promise


def due_text(promise: Promise, today: date) -> Text:
    delta = (promise.due_on - today).days
    label = format_day(promise.due_on, today)
    if promise.status != "open":
        return Text(label, style="dim")
    if delta < 0:
        return Text(f"{label} ({-delta}d late)", style="red")
    if delta == 0:
        return Text(f"{label} (today)", style="yellow")
    return Text(label)


def owner_text(promise: Promise) -> Text:
    return Text(
        "I owe" if promise.owner == "me" else "they owe",
        style="" if promise.owner == "me" else "cyan",
    )


def promises_table(
    promises: Sequence[Promise],
    today: date,
    *,
    plain: bool,
    title: str | None = None,
    show_contact: bool = True,
) -> Table:
    columns = ["id", "due", "who"] + (["contact"] if show_contact else []) + ["promise"]
    table = new_table(plain, *columns, title=title)
    for promise in promises:
        cells: list[RenderableType] = [
            Text(f"#{promise.id}", style="dim"),
            due_text(promise, today),
            owner_text(promise),
        ]
        if show_contact:
            cells.append(ref_text(promise.contact))
        text = t(promise.text)
        if promise.status != "open":
            text.append(f"  [{promise.status}]", style="dim")
        cells.append(text)
        table.add_row(*cells)
    return table


def promise_line(promise: Promise, today: date) -> Text:
    text = when_text(promise.created_at, today)
    text.append("promise ", style="magenta")
    text.append("I will: " if promise.owner == "me" else "they will: ")
    text.append_text(t(promise.text))
    text.append("  due ")
    text.append_text(due_text(promise, today))
    if promise.status != "open":
        text.append(f"  [{promise.status}]", style="dim")
    text.append(f"  #{promise.id}", style="dim")
    return text
