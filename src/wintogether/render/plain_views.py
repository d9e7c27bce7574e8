"""`wt summary` and `wt show` as plain text, for pipes and ``--plain``, without Rich.

The same sections, words and layout as their Rich views (render/review.py
``summary_view``, render/contacts.py ``profile_view``) draw in a pipe, laid out
by render/plain.py. Where Rich would cut a cell with "…" rather than wrap it
(a screen too narrow for the columns that never wrap), these return None and
the command lets Rich draw the view, so a pipe always shows what it showed.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from wintogether.dates import format_birthday, format_day
from wintogether.models import Promise
from wintogether.render.plain import (
    Line,
    Lines,
    TooWide,
    conversation_line,
    event_line,
    ledger_line,
    owner,
    promise_line,
    promises_table,
    ref,
    sections,
    t,
    t1,
    table,
    timeline,
    win_line,
    wrap,
)
from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.contacts import Profile
    from wintogether.domain.referrals import Introduction, Introductions
    from wintogether.domain.summary import Summary
    from wintogether.models import Contact


def summary(result: Summary, width: int) -> Lines | None:
    """`wt summary` in a pipe; None where only Rich can say it the same way."""
    try:
        return _summary(result, width)
    except TooWide:
        return None


def _summary(result: Summary, width: int) -> Lines:
    from wintogether.domain.summary import BROKEN_IN_TABLE
    from wintogether.render.plain import attention_table, job_changes_table
    from wintogether.render.trends import sparkline
    from wintogether.render.words import ALL_LISTED, count_kinds, one_sided_text

    today = result.generated_at.date()
    parts: list[Lines] = [wrap(result.period.title, width)]
    numbers = [[label, str(value)] for _key, label, value in result.shown_numbers()]
    parts.append(table(["measure", "count"], numbers, width, right=(1,), fit=True))
    weekly = result.trends
    trends = [
        [label, sparkline(values), f"latest {values[-1]}", f"total {sum(values)}"]
        for _key, label, values in weekly.rows()
    ]
    title = (
        f"Last {len(weekly.weeks)} weeks ({format_day(weekly.first)} to {format_day(weekly.last)})"
    )
    parts.append(wrap(title, width) + _grid(trends, width, no_wrap=(0, 1, 2, 3)))
    if result.people:
        rows = [[ref(contact), str(count)] for contact, count in result.people[:20]]
        parts.append(
            table(["contact", "conversations"], rows, width, title="People reached", fit=True)
        )
    broken = result.mine.broken + result.theirs.broken
    if broken:
        rows = [
            [format_day(p.due_on, today), owner(p), ref(p.contact), t1(p.text)]
            for p in broken[:BROKEN_IN_TABLE]
        ]
        listed = table(
            ["due", "who", "contact", "promise"], rows, width, title="Broken promises", fit=True
        )
        if len(broken) > BROKEN_IN_TABLE:
            listed += wrap(f"… and {len(broken) - BROKEN_IN_TABLE} more: {ALL_LISTED}", width)
        parts.append(listed)
    if result.given or result.received:
        parts.append(
            wrap(
                f"Given: {count_kinds(result.given)}. Received: {count_kinds(result.received)}.",
                width,
            )
        )
    if result.became_one_sided:
        rows = [
            [ref(item.contact), one_sided_text(item.balance) or ""]
            for item in result.became_one_sided
        ]
        became = table(["contact", "why"], rows, width, title="Became one-sided", fit=True)
        more = result.became_one_sided_count - len(result.became_one_sided)
        if more > 0:
            became += wrap(f"… and {more} more: {ALL_LISTED}", width)
        parts.append(became)
    if result.job_changes:
        parts.append(
            job_changes_table(result.job_changes, today, width, title="Job changes seen", fit=True)
        )
    if result.slipping:
        parts.append(attention_table(result.slipping, width, title="Most slipping", fit=True))
    if result.due_next or result.birthdays_next:
        rows = []
        # A week's hundreds of entries fall on seven days: each written once.
        days: dict[date, str] = {}
        for day, entry in result.next_week():
            if isinstance(entry, Promise):
                who = "I will: " if entry.owner == "me" else "they will: "
                line = f"{who}{ref(entry.contact)}: {t1(entry.text)}"
            else:
                line = f"{ref(entry.contact)}'s birthday"
            shown = days.get(day)
            if shown is None:
                shown = days[day] = format_day(day, today)
            rows.append([shown, line])
        title = (
            f"Due next week ({format_day(result.next_first, today)} to"
            f" {format_day(result.next_last, today)})"
        )
        listed = wrap(title, width) + _grid(rows, width, no_wrap=(0,))
        if result.next_week_more > 0:
            listed += wrap(f"… and {result.next_week_more} more: {ALL_LISTED}", width)
        parts.append(listed)
    return sections(parts)


def _grid(rows: list[list[str]], width: int, *, no_wrap: tuple[int, ...]) -> Lines:
    """Rich's ``Table.grid(padding=(0, 2))``: no headings, two spaces apart."""
    if not rows:
        return []
    headers = [""] * len(rows[0])
    return table(headers, rows, width, no_wrap=no_wrap, show_header=False, fit=True, grid=True)


def profile(result: Profile, today: date, width: int) -> Lines | None:
    """`wt show` in a pipe; None where only Rich can say it the same way."""
    try:
        return _profile(result, today, width)
    except TooWide:
        return None


def _profile(result: Profile, today: date, width: int) -> Lines:
    from wintogether.render.words import health_lines

    contact = result.contact
    header = wrap(f"{t1(contact.name)}  #{contact.id}", width)
    header += _grid(_profile_rows(contact, result.introductions, today), width, no_wrap=(0,))
    parts: list[Lines] = [header]
    if result.health is not None:
        rows = [[label, words] for label, words in health_lines(result.health)]
        parts.append(["Health", *_grid(rows, width, no_wrap=(0,))])
    if result.open_promises:
        parts.append(
            promises_table(
                result.open_promises,
                today,
                width,
                title="Open promises",
                show_contact=False,
                fit=True,
            )
        )
    lines: list[Line] = []
    for entry in result.timeline:
        if entry.conversation:
            lines.append(conversation_line(entry.conversation, today, exclude=contact.id))
        elif entry.promise:
            lines.append(promise_line(entry.promise, today))
        elif entry.ledger:
            lines.append(ledger_line(entry.ledger, today, exclude=contact.id))
        elif entry.win:
            lines.append(win_line(entry.win, today, exclude=contact.id))
        elif entry.event:
            lines.append(event_line(entry.event, today))
    count, shown = result.conversation_count, len(result.timeline)
    heading = wrap(
        f"Timeline ({shown} entr{'ies' if shown != 1 else 'y'} shown; "
        f"{count} conversation{'s' if count != 1 else ''} in all)",
        width,
    )
    if result.timeline:
        parts.append(heading + timeline(lines, width, fit=True))
    else:
        parts.append(heading + wrap("Nothing logged yet. `wt log` records a conversation.", width))
    return sections(parts)


def _introduction(intro: Introduction, today: date | None) -> str:
    """``Marcus O'Neil (Aug 2024)``."""
    text = t1(intro.contact.name)
    if intro.on is not None and today is not None:
        when = f"{intro.on:%b}" if (today - intro.on).days < 365 else f"{intro.on:%b %Y}"
        text += f" ({when})"
    return text


def _introductions(intros: list[Introduction], today: date | None, prefix: str = "") -> str:
    return prefix + ", ".join(_introduction(intro, today) for intro in intros)


def _profile_rows(
    contact: Contact, introductions: Introductions | None, today: date
) -> list[list[str]]:
    rows: list[list[str]] = []

    def row(label: str, value: str | None, *, safe: bool = False) -> None:
        if value:
            rows.append([label, value if safe else t(value)])

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
        account = ""
        if contact.account_role:
            account += t1(contact.account_role)
            if contact.company:
                account += " at " + t1(contact.company)
        if contact.reports_to:
            account += "; " if contact.account_role else ""
            account += "reports to " + t1(contact.reports_to.name)
        row("account", account, safe=True)
    if contact.introduced_by and introductions is None:
        row("via", ref(contact.introduced_by), safe=True)
    if introductions is not None:
        if introductions.introduced_by:
            row("introduced by", _introduction(introductions.introduced_by, today), safe=True)
        if introductions.introduced_you_to:
            row(
                "introduced you to",
                _introductions(introductions.introduced_you_to, today),
                safe=True,
            )
        if introductions.you_introduced:
            row(
                "you introduced",
                _introductions(
                    introductions.you_introduced,
                    today,
                    prefix=f"{contact.name.split(maxsplit=1)[0]} to ",
                ),
                safe=True,
            )
    if contact.birthday:
        row("birthday", format_birthday(contact.birthday))
    if contact.archived_at:
        row("archived", format_day(contact.archived_at.date()))
    row("notes", contact.notes)
    return rows
