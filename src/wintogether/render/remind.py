"""Reminders in words: one notification per kind of thing (a meeting, a birthday,
the promises, the weekly slipping list), each a title and a few lines."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from wintogether.render.words import headline, meeting_when, promise_words
from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.reminders import Reminders

#: Lines a notification body lists before "… and N more".
BODY_LINES = 5


@dataclass
class Notification:
    title: str
    lines: list[str]
    #: The reminder keys this notification delivers.
    keys: list[str] = field(default_factory=list)
    urgent: bool = False

    @property
    def body(self) -> str:
        return "\n".join(self.lines)


def _capped(lines: list[str], where: str = "") -> list[str]:
    """At most BODY_LINES lines, the last saying how many more (and ``where`` to see them)."""
    if len(lines) <= BODY_LINES:
        return lines
    more = f"… and {len(lines) - BODY_LINES + 1} more"
    return [*lines[: BODY_LINES - 1], f"{more}: {where}" if where else more]


def notifications(due: Reminders) -> list[Notification]:
    local = due.at.astimezone()
    today = local.date()
    out: list[Notification] = []
    for (meeting, people), key in zip(due.meetings, due.keys["meetings"], strict=True):
        minutes = max(0, int((meeting.starts_at - due.at).total_seconds() // 60))
        summary = one_line(meeting.summary or "Meeting")
        title = f"{meeting_when(meeting, today, time_only=True)} {summary}"
        title += f" (in {minutes} min)" if minutes else " (now)"
        lines = [f"{one_line(p.contact.name)}: {headline(p)}" for p in people]
        if meeting.strangers:
            lines.append(f"and {len(meeting.strangers)} not in wintogether")
        lines.append("wt brief: the full brief")
        out.append(Notification(title, _capped(lines[:-1]) + lines[-1:], [key], urgent=True))
    for bday, key in zip(due.birthdays, due.keys["birthdays"], strict=True):
        turns = f" (turns {bday.turns})" if bday.turns else ""
        out.append(Notification(f"Birthday today: {one_line(bday.contact.name)}{turns}", [], [key]))
    if due.promises:
        late = sum(p.due_on < today for p in due.promises)
        parts = [f"{late} overdue"] if late else []
        if len(due.promises) - late:
            parts.append(f"{len(due.promises) - late} due today")
        lines = [f"{one_line(p.contact.name)}: {promise_words(p, today)}" for p in due.promises]
        out.append(
            Notification(
                "Promises: " + ", ".join(parts),
                _capped(lines, "wt followups"),
                due.keys["promises"],
            )
        )
    if due.slipping:
        lines = [f"{one_line(a.contact.name)}: {a.reason}" for a in due.slipping]
        more = due.slipping_total - len(due.slipping)
        if more:
            lines.append(f"and {more} more: wt neglected")
        out.append(
            Notification(
                f"Slipping this week: {due.slipping_total} relationship"
                f"{'s' if due.slipping_total != 1 else ''}",
                lines,
                due.keys["slipping"],
            )
        )
    return out


def printed(items: list[Notification]) -> str:
    """The notifications as text, for a terminal or a log."""
    blocks = []
    for item in items:
        blocks.append("\n".join([item.title, *(f"  {line}" for line in item.lines)]))
    return "\n\n".join(blocks) + "\n"
