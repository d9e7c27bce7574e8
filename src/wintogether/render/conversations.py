"""Conversations: one timeline line each, and `wt conversation show`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.text import Text

from wintogether.render.base import t, t1, when_text

if TYPE_CHECKING:
    from wintogether.models import Conversation


def conversation_line(conv: Conversation, today: date, exclude: int | None = None) -> Text:
    text = when_text(conv.happened_at, today)
    text.append(f"{conv.channel:<7} ", style="cyan")
    others = [p for p in conv.participants if p.id != exclude]
    if others:
        text.append("with ")
        for index, person in enumerate(others):
            if index:
                text.append(", ")
            text.append_text(t1(person.name, "bold"))
        text.append(": ")
    text.append_text(t(conv.note))
    text.append(f"  #{conv.id}", style="dim")
    return text


def conversation_view(conv: Conversation, today: date) -> Text:
    return conversation_line(conv, today)
