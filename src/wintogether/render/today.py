"""The dashboard (`wt`, `wt today`) and the slipping table (`wt neglected`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_day
from wintogether.render.base import new_table, ref_text, spaced, spec_table
from wintogether.render.columns import SLIPPING
from wintogether.render.contacts import job_changes_table
from wintogether.render.plain import ALL_BIRTHDAYS, DASHBOARD_ROWS
from wintogether.render.promises import promises_table
from wintogether.render.words import give_first_reason

if TYPE_CHECKING:
    from wintogether.domain.cadence import Attention
    from wintogether.domain.today import Dashboard


def attention_table(rows: Sequence[Attention], *, plain: bool, title: str | None = None) -> Table:
    return spec_table(
        plain,
        SLIPPING,
        rows,
        {
            "name": lambda r: ref_text(r.contact),
            "reason": lambda r: Text(r.reason, style="red" if r.attention >= 2 else "yellow"),
        },
        title=title,
        numbered=True,
    )


def dashboard_view(board: Dashboard, *, plain: bool) -> RenderableType:
    today = board.today
    parts: list[RenderableType] = [Text(f"Today, {format_day(today)}", style="bold")]
    if board.empty_database:
        parts.append(
            Text(
                "No contacts yet. Add someone with `wt add NAME`, bring your network in "
                "with `wt import FILE`, or look around a made-up one with `wt demo`."
            )
        )
        return Group(*spaced(parts))
    for title, due, total, command in (
        ("Overdue", board.overdue, board.overdue_total, "wt followups --overdue"),
        ("Due today", board.due_today, board.due_today_total, "wt followups"),
    ):
        if due:
            parts.append(promises_table(due[:DASHBOARD_ROWS], today, plain=plain, title=title))
            if total > DASHBOARD_ROWS:
                parts.append(Text(f"… and {total - DASHBOARD_ROWS} more: {command}",
                                  style="dim"))  # fmt: skip
    if not board.overdue and not board.due_today:
        parts.append(Text("Nothing due today. Every promise is on time.", style="green"))
    if board.to_review is not None:
        from wintogether.render.capture import waiting_line

        line = waiting_line(board.to_review, today)
        if line:
            parts.append(Text(line, style="cyan"))
    if board.meetings:
        parts.append(meetings_view(board.meetings, today))
    if board.slipping:
        more = board.slipping_total - len(board.slipping)
        title = "Slipping" + (
            f" (top {len(board.slipping)} of {board.slipping_total})" if more else ""
        )
        parts.append(attention_table(board.slipping, plain=plain, title=title))
    else:
        parts.append(Text("Nobody is slipping: every relationship is within its rhythm."))
    if board.birthdays:
        table = new_table(plain, "when", "contact", "", title="Birthdays this week")
        for bday in board.birthdays[:DASHBOARD_ROWS]:
            when = (
                "today"
                if bday.in_days == 0
                else ("tomorrow" if bday.in_days == 1 else format_day(bday.on, today))
            )
            table.add_row(
                Text(when, style="magenta" if bday.in_days == 0 else ""),
                ref_text(bday.contact),
                Text(f"turns {bday.turns}" if bday.turns else ""),
            )
        parts.append(table)
        if len(board.birthdays) > DASHBOARD_ROWS:
            more = len(board.birthdays) - DASHBOARD_ROWS
            parts.append(Text(f"… and {more} more: {ALL_BIRTHDAYS}", style="dim"))
    if board.job_changes:
        parts.append(job_changes_table(board.job_changes, today, plain=plain))
    if board.give_first:
        table = new_table(plain, "contact", "why", title="Give first")
        for owed in board.give_first:
            table.add_row(
                ref_text(owed.contact), Text(give_first_reason(owed.balance), style="yellow")
            )
        parts.append(table)
    return Group(*spaced(parts))


class Hanging:
    """A line two cells in, going on four cells in when it wraps (as ``plain.hanging``)."""

    def __init__(self, text: Text) -> None:
        self.text = text

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        for i, line in enumerate(self.text.wrap(console, max(options.max_width - 4, 1))):
            yield Text.assemble("    " if i else "  ", line)


def meetings_view(sections: Sequence[Any], today: date) -> RenderableType:
    """Today's meetings, each person on one line with the first thing to know."""
    from wintogether.render.base import t1
    from wintogether.render.words import headline, meeting_when

    lines: list[RenderableType] = [Text("Meetings today", style="bold")]
    for section in sections:
        meeting = section.meeting
        head = Text(meeting_when(meeting, today, time_only=True) + "  ", style="cyan")
        head.append_text(t1(meeting.summary or "Meeting", "bold"))
        lines.append(head)
        for person in section.people:  # a long line goes on under the name, not at column 0
            line = t1(person.contact.name, "bold")
            line.append(": ")
            line.append_text(t1(headline(person)))
            lines.append(Hanging(line))
        if meeting.strangers:
            lines.append(
                Hanging(Text(f"and {len(meeting.strangers)} not in wintogether", style="dim"))
            )
    lines.append(Text("`wt brief --today` gives each person's full brief.", style="dim"))
    return Group(*lines)
