"""Rich renderables for history, search results and the summary."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_day
from wintogether.models import Promise
from wintogether.render.base import (
    new_table,
    ref_text,
    spaced,
    spec_table,
    t1,
    timeline_grid,
    when_text,
)
from wintogether.render.columns import SEARCH
from wintogether.render.contacts import event_line, job_changes_table
from wintogether.render.conversations import conversation_line
from wintogether.render.ledger import ledger_line, win_line
from wintogether.render.promises import promise_line
from wintogether.render.words import ALL_LISTED, count_kinds, one_sided_text

if TYPE_CHECKING:
    from wintogether.domain.history import History
    from wintogether.domain.search import Result
    from wintogether.domain.summary import Summary


def history_view(result: History, today: date, *, plain: bool) -> RenderableType:
    parts: list[RenderableType] = []
    for day, entries in result.days():
        lines: list[Text] = []
        for entry in entries:
            if entry.conversation:
                lines.append(conversation_line(entry.conversation, today))
            elif entry.promise:
                line = promise_line(entry.promise, today)
                line.append("  ")
                line.append_text(t1(entry.promise.contact.name, "bold"))
                lines.append(line)
            elif entry.ledger:
                lines.append(ledger_line(entry.ledger, today))
            elif entry.win:
                lines.append(win_line(entry.win, today))
            elif entry.event:
                lines.append(event_line(entry.event, today, with_contact=True))
            elif entry.deal:
                line = when_text(entry.at, today)
                line.append("deal    ", style="magenta")
                line.append_text(t1(entry.text))
                line.append(f"  #{entry.deal.id}", style="dim")
                lines.append(line)
        parts.append(Group(Text(format_day(day, today), style="bold"), timeline_grid(lines)))
    return Group(*spaced(parts))


def snippet_text(result: Result, *, plain: bool) -> Text:
    """The snippet with its matches highlighted; user text never parsed as markup."""
    text = Text()
    for piece, is_match in result.pieces():
        if is_match:
            if plain:
                text.append("**")
            text.append_text(t1(piece, "bold reverse"))
            if plain:
                text.append("**")
        else:
            text.append_text(t1(piece))
    return text


def search_view(results: list[Result], *, plain: bool) -> RenderableType:
    return spec_table(
        plain,
        SEARCH,
        results,
        {
            "source": lambda r: Text(f"{r.source} #{r.id}", style="dim"),
            "contact": lambda r: t1(r.contact_name or "", "bold"),
            "snippet": lambda r: snippet_text(r, plain=plain),
        },
    )


def trends_view(summary: Summary) -> RenderableType:
    """The twelve weeks as sparklines, oldest week first, with the last week's number."""
    from wintogether.render.trends import sparkline

    weekly = summary.trends
    grid = Table.grid(padding=(0, 2))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    for _key, label, values in weekly.rows():
        grid.add_row(
            Text(label),
            Text(sparkline(values)),
            Text(f"latest {values[-1]}"),
            Text(f"total {sum(values)}", style="dim"),
        )
    title = (
        f"Last {len(weekly.weeks)} weeks ({format_day(weekly.first)} to {format_day(weekly.last)})"
    )
    return Group(Text(title, style="bold"), grid)


def summary_view(summary: Summary, *, plain: bool) -> RenderableType:
    from wintogether.domain.summary import BROKEN_IN_TABLE

    today = summary.generated_at.date()
    parts: list[RenderableType] = [Text(summary.period.title, style="bold")]
    numbers = new_table(plain, "measure", "count")
    for _key, label, value in summary.shown_numbers():
        numbers.add_row(Text(label), Text(str(value), justify="right"))
    parts.append(numbers)
    parts.append(trends_view(summary))
    if summary.people:
        table = new_table(plain, "contact", "conversations", title="People reached")
        for ref, count in summary.people[:20]:
            table.add_row(ref_text(ref), Text(str(count)))
        parts.append(table)
    broken = summary.mine.broken + summary.theirs.broken
    if broken:
        table = new_table(plain, "due", "who", "contact", "promise", title="Broken promises")
        for promise in broken[:BROKEN_IN_TABLE]:
            table.add_row(
                Text(format_day(promise.due_on, today), style="red"),
                Text("I owe" if promise.owner == "me" else "they owe"),
                ref_text(promise.contact),
                t1(promise.text),
            )
        parts.append(table)
        if len(broken) > BROKEN_IN_TABLE:
            more = len(broken) - BROKEN_IN_TABLE
            parts.append(Text(f"… and {more} more: {ALL_LISTED}", style="dim"))
    if summary.given or summary.received:
        parts.append(
            Text(f"Given: {count_kinds(summary.given)}. Received: {count_kinds(summary.received)}.")
        )
    if summary.became_one_sided:
        table = new_table(plain, "contact", "why", title="Became one-sided")
        for item in summary.became_one_sided:
            table.add_row(
                ref_text(item.contact), Text(one_sided_text(item.balance) or "", style="yellow")
            )
        parts.append(table)
        more = summary.became_one_sided_count - len(summary.became_one_sided)
        if more > 0:
            parts.append(Text(f"… and {more} more: {ALL_LISTED}", style="dim"))
    if summary.job_changes:
        parts.append(
            job_changes_table(summary.job_changes, today, plain=plain, title="Job changes seen")
        )
    if summary.slipping:
        from wintogether.render.today import attention_table

        parts.append(attention_table(summary.slipping, plain=plain, title="Most slipping"))
    if summary.due_next or summary.birthdays_next:
        grid = Table.grid(padding=(0, 2))
        grid.add_column(no_wrap=True)
        grid.add_column()
        for day, entry in summary.next_week():
            if isinstance(entry, Promise):
                line = Text("I will: " if entry.owner == "me" else "they will: ")
                line.append_text(ref_text(entry.contact)).append(": ").append_text(t1(entry.text))
            else:
                line = ref_text(entry.contact).append("'s birthday")
            grid.add_row(Text(format_day(day, today)), line)
        title = (
            f"Due next week ({format_day(summary.next_first, today)} to"
            f" {format_day(summary.next_last, today)})"
        )
        parts.append(Group(Text(title, style="bold"), grid))
        if summary.next_week_more > 0:
            parts.append(Text(f"… and {summary.next_week_more} more: {ALL_LISTED}", style="dim"))
    return Group(*spaced(parts))
