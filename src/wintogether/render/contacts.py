"""Contacts: the list, the profile (`wt show`), job-change events."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_birthday, format_day, format_duration
from wintogether.render.base import (
    new_table,
    ref_text,
    spaced,
    spec_table,
    t,
    t1,
    timeline_grid,
    when_text,
)
from wintogether.render.columns import CONTACTS
from wintogether.render.conversations import conversation_line
from wintogether.render.health import health_rows
from wintogether.render.ledger import ledger_line, win_line
from wintogether.render.plain import EVENT_LABELS as _EVENT_LABELS
from wintogether.render.promises import promise_line, promises_table
from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.contacts import ContactRow, Profile
    from wintogether.domain.referrals import Introduction, Introductions
    from wintogether.models import Contact, ContactEvent


def _since(days: int) -> str:
    """The "last talked" column in the words `wt show` uses."""
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def contacts_table(rows: Sequence[ContactRow], today: date, *, plain: bool) -> Table:
    return spec_table(
        plain,
        CONTACTS,
        rows,
        {
            "id": lambda r: Text(f"#{r.contact.id}", style="dim"),
            "name": lambda r: t1(r.contact.name, "bold"),
            "last_touch_at": lambda r: Text(
                _since(r.attention.days_since) if r.contact.last_touch_at else "never",
                style="red" if r.attention.slipping else "",
            ),
            "cadence_days": lambda r: Text(format_duration(r.attention.cadence_days)),
        },
    )


def _introduction(intro: Introduction, today: date | None) -> Text:
    """``Marcus O'Neil (Aug 2024)``."""
    text = t1(intro.contact.name)
    if intro.on is not None and today is not None:
        when = f"{intro.on:%b}" if (today - intro.on).days < 365 else f"{intro.on:%b %Y}"
        text.append(f" ({when})", style="dim")
    return text


def _introductions(intros: list[Introduction], today: date | None, prefix: str = "") -> Text:
    text = Text(prefix)
    for index, intro in enumerate(intros):
        if index:
            text.append(", ")
        text.append_text(_introduction(intro, today))
    return text


def _profile_lines(
    contact: Contact, introductions: Introductions | None = None, today: date | None = None
) -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()

    def row(label: str, value: Text | str | None) -> None:
        if value:
            grid.add_row(label, value if isinstance(value, Text) else t(value))

    row("job", " · ".join(one_line(v) for v in (contact.title, contact.company) if v))
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
    if contact.account_role or contact.reports_to:
        account = Text()
        if contact.account_role:
            account.append_text(t1(contact.account_role))
            if contact.company:
                account.append(" at ").append_text(t1(contact.company))
        if contact.reports_to:
            account.append("; " if contact.account_role else "")
            account.append("reports to ").append_text(t1(contact.reports_to.name))
        row("account", account)
    if contact.introduced_by and introductions is None:
        row("via", ref_text(contact.introduced_by))
    if introductions is not None:
        if introductions.introduced_by:
            row("introduced by", _introduction(introductions.introduced_by, today))
        if introductions.introduced_you_to:
            row(
                "introduced you to",
                _introductions(introductions.introduced_you_to, today),
            )
        if introductions.you_introduced:
            row(
                "you introduced",
                _introductions(
                    introductions.you_introduced,
                    today,
                    prefix=f"{contact.name.split(maxsplit=1)[0]} to ",
                ),
            )
    if contact.birthday:
        row("birthday", format_birthday(contact.birthday))
    if contact.archived_at:
        row("archived", format_day(contact.archived_at.date()))
    row("notes", contact.notes)
    return grid


def profile_view(profile: Profile, today: date, *, plain: bool) -> RenderableType:
    contact = profile.contact
    title = t1(contact.name, "bold")
    title.append(f"  #{contact.id}", style="dim")
    header: RenderableType
    if plain:
        header = Group(title, _profile_lines(contact, profile.introductions, today))
    else:
        header = Panel(
            _profile_lines(contact, profile.introductions, today),
            title=title,
            title_align="left",
            box=box.ROUNDED,
            expand=True,
        )
    parts: list[RenderableType] = [header]
    if profile.health is not None:
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
            lines.append(
                ledger_line(entry.ledger, today, exclude=contact.id)
                if entry.ledger
                else win_line(entry.win, today, exclude=contact.id)  # type: ignore[arg-type]
            )
        elif entry.event:
            lines.append(event_line(entry.event, today))
    timeline = timeline_grid(lines)
    count, shown = profile.conversation_count, len(profile.timeline)
    heading = Text(
        f"Timeline ({shown} entr{'ies' if shown != 1 else 'y'} shown; "
        f"{count} conversation{'s' if count != 1 else ''} in all)",
        style="bold",
    )
    parts.append(
        Group(heading, timeline)
        if profile.timeline
        else Group(heading, Text("Nothing logged yet. `wt log` records a conversation."))
    )
    return Group(*spaced(parts))


def contact_card(contact: Contact) -> Text:
    text = t1(contact.name, "bold")
    text.append(f" (#{contact.id})", style="dim")
    return text


def event_line(event: ContactEvent, today: date, *, with_contact: bool = False) -> Text:
    text = when_text(event.happened_at, today)
    label = _EVENT_LABELS.get(event.kind, event.kind)
    text.append(f"{label:<7} ", style="green")
    if with_contact:
        text.append_text(t1(event.contact.name, "bold"))
        text.append(": ")
    text.append_text(t(event.text))
    return text


def job_changes_table(
    events: Sequence[ContactEvent],
    today: date,
    *,
    plain: bool,
    title: str = "Job changes: a reason to reach out",
) -> Table:
    table = new_table(plain, "seen", "contact", "news", title=title)
    for event in events:
        table.add_row(
            Text(format_day(event.happened_at.date(), today), style="dim"),
            ref_text(event.contact),
            t1(event.text),
        )
    return table
