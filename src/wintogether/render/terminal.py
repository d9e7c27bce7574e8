"""Rich renderables for the terminal, and their plain-text twins for pipes.

All user text goes through :func:`t` (a ``Text`` object, escapes made visible),
never through markup parsing, so a contact named ``[bold red]x`` shows literally.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

from rich import box
from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_birthday, format_day, format_duration, format_moment
from wintogether.render.safe import one_line, visible

if TYPE_CHECKING:
    from wintogether.domain.cadence import Attention
    from wintogether.domain.contacts import ContactRow, Profile
    from wintogether.domain.dupes import MergePlan, Pair
    from wintogether.domain.importing import ImportResult
    from wintogether.domain.today import Dashboard
    from wintogether.models import Contact, ContactEvent, ContactRef, Conversation, Promise


#: Promises the dashboard lists per section; the rest are a command away.
DASHBOARD_ROWS = 10


def make_console(
    file: IO[str] | None = None, *, plain: bool = False, width: int | None = None
) -> Console:
    """A console that colours only a terminal and never interprets user text."""
    stream = file or sys.stdout
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    return Console(
        file=stream,
        width=width,
        no_color=plain or not is_tty or "NO_COLOR" in os.environ,
        force_terminal=False if plain else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def t(value: object, style: str = "") -> Text:
    """User text, safe to show: control characters visible, no markup."""
    return Text(visible("" if value is None else str(value)), style=style)


def t1(value: object, style: str = "") -> Text:
    """Like :func:`t` on one line."""
    return Text(one_line("" if value is None else str(value)), style=style)


def _table(plain: bool, *columns: str, title: str | None = None) -> Table:
    table = Table(
        *columns,
        box=None if plain else box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="" if plain else "bold",
        expand=False,
    )
    return table


def when_text(moment: datetime, today: date) -> Text:
    """The start of a timeline line: a dim date and time (only that part is dim)."""
    text = Text()
    text.append(f"{format_moment(moment, today)}  ", style="dim")
    return text


def ref_text(ref: ContactRef) -> Text:
    text = t1(ref.name, "bold")
    if ref.company:
        text.append_text(Text(" (")).append_text(t1(ref.company)).append(")")
    return text


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
    table = _table(plain, *columns, title=title)
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


def attention_table(rows: Sequence[Attention], *, plain: bool, title: str | None = None) -> Table:
    table = _table(plain, "#", "contact", "why", title=title)
    for index, row in enumerate(rows, 1):
        style = "red" if row.attention >= 2 else "yellow"
        table.add_row(
            Text(str(index), style="dim"), ref_text(row.contact), Text(row.reason, style=style)
        )
    return table


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
        return Group(*_spaced(parts))
    for title, due, command in (
        ("Overdue", board.overdue, "wt followups --overdue"),
        ("Due today", board.due_today, "wt followups"),
    ):
        if due:
            parts.append(promises_table(due[:DASHBOARD_ROWS], today, plain=plain, title=title))
            if len(due) > DASHBOARD_ROWS:
                parts.append(Text(f"… and {len(due) - DASHBOARD_ROWS} more: {command}",
                                  style="dim"))  # fmt: skip
    if not board.overdue and not board.due_today:
        parts.append(Text("Nothing due today. Every promise is on time.", style="green"))
    if board.slipping:
        more = board.slipping_total - len(board.slipping)
        title = "Slipping" + (
            f" (top {len(board.slipping)} of {board.slipping_total})" if more else ""
        )
        parts.append(attention_table(board.slipping, plain=plain, title=title))
    else:
        parts.append(Text("Nobody is slipping: every relationship is within its rhythm."))
    if board.birthdays:
        table = _table(plain, "when", "contact", "", title="Birthdays this week")
        for bday in board.birthdays:
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
    if board.job_changes:
        parts.append(job_changes_table(board.job_changes, today, plain=plain))
    if board.give_first:
        table = _table(plain, "contact", "why", title="Give first")
        for owed in board.give_first:
            table.add_row(ref_text(owed.contact), Text(owed.reason, style="yellow"))
        parts.append(table)
    return Group(*_spaced(parts))


def job_changes_table(
    events: Sequence[ContactEvent],
    today: date,
    *,
    plain: bool,
    title: str = "Job changes: a reason to reach out",
) -> Table:
    table = _table(plain, "seen", "contact", "news", title=title)
    for event in events:
        table.add_row(
            Text(format_day(event.happened_at.date(), today), style="dim"),
            ref_text(event.contact),
            t1(event.text),
        )
    return table


def event_line(event: ContactEvent, today: date, *, with_contact: bool = False) -> Text:
    text = when_text(event.happened_at, today)
    text.append("job     " if event.kind == "job_change" else f"{event.kind:<7} ", style="green")
    if with_contact:
        text.append_text(t1(event.contact.name, "bold"))
        text.append(": ")
    text.append_text(t(event.text))
    return text


def import_plan_view(result: ImportResult, *, plain: bool) -> RenderableType:
    table = _table(plain, "action", "where", "name", "company", "why")
    styles = {"add": "green", "update": "yellow", "skip": "dim"}
    for decision in result.decisions:
        why = t1(decision.reason)
        if decision.job_change:
            why.append("; job change: ").append_text(t1(decision.job_change))
        table.add_row(
            Text(decision.action, style=styles.get(decision.action, "")),
            Text(decision.position, style="dim"),
            t1(decision.name, "bold"),
            t1(decision.company),
            why,
        )
    for problem in result.problems:
        table.add_row(
            Text("invalid", style="red"),
            Text(problem.position, style="dim"),
            Text(""),
            Text(""),
            t1(problem.reason),
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
    return lines


def dupes_table(pairs: Sequence[Pair], *, plain: bool) -> Table:
    table = _table(plain, "keep?", "", "or", "", "why")
    for pair in pairs:
        table.add_row(
            Text(f"#{pair.first.id}", style="dim"),
            ref_text(pair.first),
            Text(f"#{pair.second.id}", style="dim"),
            ref_text(pair.second),
            t1(pair.reason),
        )
    return table


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


def _spaced(parts: list[RenderableType]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for part in parts:
        if out:
            out.append(Text(""))
        out.append(part)
    return out


def contacts_table(rows: Sequence[ContactRow], today: date, *, plain: bool) -> Table:
    table = _table(plain, "id", "name", "company", "title", "tags", "last talked", "rhythm")
    for row in rows:
        contact = row.contact
        last = contact.last_touch_at
        last_text = Text(
            f"{row.attention.days_since}d ago" if last else "never",
            style="red" if row.attention.slipping else "",
        )
        table.add_row(
            Text(f"#{contact.id}", style="dim"),
            t1(contact.name, "bold"),
            t1(contact.company),
            t1(contact.title),
            t1(", ".join(contact.tags)),
            last_text,
            Text(format_duration(row.attention.cadence_days)),
        )
    return table


def _profile_lines(contact: Contact) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()

    def row(label: str, value: Text | str | None) -> None:
        if value:
            grid.add_row(label, value if isinstance(value, Text) else t(value))

    role = " · ".join(one_line(v) for v in (contact.title, contact.company) if v)
    row("role", role)
    row("email", ", ".join(contact.emails))
    row("phone", ", ".join(contact.phones))
    row("linkedin", contact.linkedin)
    for kind, url in contact.urls:
        if kind != "linkedin":
            row("web", url)
    row("tags", ", ".join(contact.tags))
    row("met", contact.how_met)
    if contact.met_on:
        row("met on", contact.met_on)
    if contact.introduced_by:
        row("via", ref_text(contact.introduced_by))
    if contact.birthday:
        row("birthday", format_birthday(contact.birthday))
    if contact.archived_at:
        row("archived", format_day(contact.archived_at.date()))
    row("notes", contact.notes)
    return grid


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


def profile_view(profile: Profile, today: date, *, plain: bool) -> RenderableType:
    contact = profile.contact
    title = t1(contact.name, "bold")
    title.append(f"  #{contact.id}", style="dim")
    header: RenderableType
    if plain:
        header = Group(title, _profile_lines(contact))
    else:
        header = Panel(
            _profile_lines(contact),
            title=title,
            title_align="left",
            box=box.ROUNDED,
            expand=True,
        )
    parts: list[RenderableType] = [header]
    if profile.health is not None:
        from wintogether.render.ledger import health_rows

        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        for label, words in health_rows(profile.health):
            grid.add_row(label, words)
        parts.append(Group(Text("Health", style="bold"), grid))
    if profile.open_promises:
        parts.append(
            promises_table(
                profile.open_promises, today, plain=plain, title="Open promises", show_contact=False
            )
        )
    lines: list[Text] = []
    for entry in profile.timeline:
        if entry.conversation:
            lines.append(conversation_line(entry.conversation, today, exclude=contact.id))
        elif entry.promise:
            lines.append(promise_line(entry.promise, today))
        elif entry.ledger or entry.win:
            from wintogether.render.ledger import ledger_line, win_line

            lines.append(
                ledger_line(entry.ledger, today, exclude=contact.id)
                if entry.ledger
                else win_line(entry.win, today, exclude=contact.id)  # type: ignore[arg-type]
            )
        elif entry.event:
            lines.append(event_line(entry.event, today))
    timeline = timeline_grid(lines)
    count = profile.conversation_count
    heading = Text(f"Timeline ({count} conversation{'s' if count != 1 else ''})", style="bold")
    parts.append(
        Group(heading, timeline)
        if profile.timeline
        else Group(heading, Text("Nothing logged yet. `wt log` records a conversation."))
    )
    return Group(*_spaced(parts))


def timeline_grid(lines: list[Text]) -> Table:
    """Timeline lines as two columns: the date and kind, then the text, so a long
    note wraps under its own start (not under the date) and dates line up."""
    grid = Table.grid(padding=(0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        # Every timeline line starts with when_text (one dim span), then an
        # eight-character kind ("call    ", "promise ").
        when = line.spans[0].end if line.spans and line.spans[0].start == 0 else 0
        if not when:
            grid.add_row(Text(), Text(), line)
            continue
        parts = line.divide([when, when + 8])
        grid.add_row(*parts, *([Text()] * (3 - len(parts))))
    return grid


def contact_card(contact: Contact) -> Text:
    text = t1(contact.name, "bold")
    text.append(f" (#{contact.id})", style="dim")
    return text


def conversation_view(conv: Conversation, today: date) -> Text:
    return conversation_line(conv, today)


def render(renderable: RenderableType, console: Console) -> None:
    console.print(renderable)


def plain_requested(explicit: bool, stream: Any = None) -> bool:
    stream = stream or sys.stdout
    return explicit or not (hasattr(stream, "isatty") and stream.isatty())
