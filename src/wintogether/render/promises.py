"""Promises: due days, who owes, the promises table and the timeline line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from wintogether.dates import format_day
from wintogether.render.base import ref_text, spec_table, t, t1, when_text
from wintogether.render.columns import PROMISES

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
    return spec_table(
        plain,
        PROMISES,
        promises,
        {
            "id": lambda p: Text(f"#{p.id}", style="dim"),
            "due_on": lambda p: due_text(p, today),
            "owner": owner_text,
            "contact": lambda p: ref_text(p.contact),
            "text": _promise_text,
        },
        title=title,
        skip=() if show_contact else ("contact",),
    )


def _status_mark(promise: Promise) -> Text:
    """ "[done]", or with the note it was closed with: "[done: sent it Friday]"."""
    if not promise.done_note:
        return Text(f"[{promise.status}]", style="dim")
    mark = Text(f"[{promise.status}: ", style="dim")
    mark.append_text(t1(promise.done_note, "dim"))
    mark.append("]", style="dim")
    return mark


def _promise_text(promise: Promise) -> Text:
    text = t(promise.text)
    if promise.status != "open":
        text.append("  ")
        text.append_text(_status_mark(promise))
    return text


def promise_line(promise: Promise, today: date) -> Text:
    text = when_text(promise.created_at, today)
    text.append("promise ", style="magenta")
    text.append("I will: " if promise.owner == "me" else "they will: ")
    text.append_text(t(promise.text))
    text.append("  due ")
    text.append_text(due_text(promise, today))
    if promise.status != "open":
        text.append("  ")
        text.append_text(_status_mark(promise))
    text.append(f"  #{promise.id}", style="dim")
    return text
