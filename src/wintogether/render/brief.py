"""Meeting briefs (`wt brief`): on a terminal, as Markdown, and their one line.

Every piece of user text goes through :func:`~wintogether.render.base.t` on a
terminal and :func:`~wintogether.render.summary_md.md` in Markdown, so a name
or a note can never become markup, a link or an escape sequence.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_birthday, format_day
from wintogether.render.base import ref_text, spaced, t1
from wintogether.render.words import (
    birthday_when,
    first_line,
    give_first_words,
    headline,
    late_words,
    meeting_when,
    one_sided_text,
    word_record_text,
)
from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.brief import Brief, Meeting, PersonBrief
    from wintogether.models import Conversation, Promise


def _meeting_title(meeting: Meeting) -> str:
    return meeting.summary or "Meeting"


# -- the terminal -------------------------------------------------------------


def _conversation_text(conv: Conversation, today: date) -> Text:
    text = Text(f"{format_day(conv.happened_at.date(), today)}  ", style="dim")
    text.append(f"{conv.channel:<8}", style="cyan")
    text.append_text(t1(first_line(conv.note)))
    return text


def _promise_text(promise: Promise, today: date) -> Text:
    text = Text(
        "I owe    " if promise.owner == "me" else "they owe ",
        style="" if promise.owner == "me" else "cyan",
    )
    text.append_text(t1(first_line(promise.text, 80)))
    late = promise.due_on < today
    text.append(
        f"  {_due_words(promise, today)}",
        style="red" if late else ("yellow" if promise.due_on == today else "dim"),
    )
    return text


def _due_words(promise: Promise, today: date) -> str:
    """``due Thu 3 Dec``, ``due tomorrow``, or for a late one its day as well:
    ``5 days late (due Mon 23 Nov)``."""
    words = late_words(promise, today)
    if promise.due_on < today:
        words += f" (due {format_day(promise.due_on, today)})"
    return words


def person_view(person: PersonBrief) -> RenderableType:
    contact = person.contact
    today = person.today
    title = t1(contact.name, "bold")
    title.append(f"  #{contact.id}", style="dim")
    role = " · ".join(one_line(v) for v in (contact.title, contact.company) if v)
    if role:
        title.append("  ")
        title.append_text(t1(role))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()

    def row(label: str, value: RenderableType) -> None:
        grid.add_row(label, value)

    row("first", Text(headline(person), style="bold yellow"))
    met = t1(contact.how_met or "not recorded")
    if contact.introduced_by is not None:
        met.append("; introduced by ")
        met.append_text(ref_text(contact.introduced_by))
    row("met", met)
    row("in touch", Text(person.attention.reason, style="red" if person.attention.slipping else ""))
    if person.conversations:
        row("last talks", Group(*(_conversation_text(c, today) for c in person.conversations)))
    else:
        row("last talks", Text("nothing logged yet"))
    if person.open_promises:
        row("promises", Group(*(_promise_text(p, today) for p in person.open_promises)))
    else:
        row("promises", Text("none open"))
    row("my word", Text(word_record_text(person.health.my_word)))
    row("their word", Text(word_record_text(person.health.their_word)))
    row("balance", Text(_balance_words(person)))
    if person.gives_first:
        row("give first", Text(give_first_words(person), style="yellow"))
    if person.job_change is not None:
        row("job change", t1(person.job_change.text))
    if person.birthday is not None:
        row("birthday", Text(_birthday_words(person), style="magenta"))
    return Group(title, grid)


def _balance_words(person: PersonBrief) -> str:
    from wintogether.render.words import balance_text

    text = balance_text(person.health.balance)
    suggestion = one_sided_text(person.health.balance)
    if person.gives_first and person.health.balance.one_sided == "receiving":
        return text  # the suggestion is the "give first" line
    return f"{text}; {suggestion}" if suggestion else text


def _birthday_words(person: PersonBrief) -> str:
    bday = person.birthday
    assert bday is not None and person.contact.birthday is not None
    when = birthday_when(bday.in_days, bday.on, person.today)
    text = f"{format_birthday(person.contact.birthday)}, {when}"
    return text + (f" (turns {bday.turns})" if bday.turns else "")


def meeting_heading(meeting: Meeting, today: date) -> Text:
    text = t1(_meeting_title(meeting), "bold")
    text.append("  ")
    text.append(meeting_when(meeting, today), style="cyan")
    return text


def brief_view(brief: Brief, *, plain: bool) -> RenderableType:
    today = brief.at.astimezone().date()
    parts: list[RenderableType] = []
    for section in brief.sections:
        if section.meeting is not None:
            heading = meeting_heading(section.meeting, today)
            parts.append(heading)
            if section.meeting.strangers:
                line = Text("also: ", style="dim")
                for i, (email, name) in enumerate(section.meeting.strangers):
                    if i:
                        line.append(", ")
                    line.append_text(t1(f"{name} <{email}>" if name else email))
                line.append("  (not contacts: `wt add` them)", style="dim")
                parts.append(line)
            if not section.people:
                parts.append(Text("Nobody in it is a contact yet."))
        for person in section.people:
            parts.append(person_view(person))
    del plain  # the same layout either way; colour follows the console
    return Group(*spaced(parts))


# -- Markdown -----------------------------------------------------------------


def render_md(brief: Brief) -> str:
    from wintogether.render.escaping import md

    today = brief.at.astimezone().date()
    lines: list[str] = []
    for section in brief.sections:
        meeting = section.meeting
        if meeting is not None:
            lines += [f"# {md(_meeting_title(meeting))}, {md(meeting_when(meeting, today))}", ""]
            if meeting.strangers:
                names = ", ".join(md(f"{n} ({e})" if n else e) for e, n in meeting.strangers)
                lines += [f"Also: {names}", ""]
        else:
            lines += [f"# Brief, {md(format_day(today))}", ""]
        for person in section.people:
            lines += _person_md(person)
    return "\n".join(lines).rstrip("\n") + "\n"


def _person_md(person: PersonBrief) -> list[str]:
    from wintogether.render.escaping import md

    contact = person.contact
    today = person.today
    lines = [f"## {md(contact.name)}", ""]
    role = ", ".join(v for v in (contact.title, contact.company) if v)
    items = [
        ("First", headline(person)),
        ("Role", role or "not recorded"),
        ("How we met", contact.how_met or "not recorded"),
        (
            "Introduced by",
            contact.introduced_by.name if contact.introduced_by else "nobody recorded",
        ),
        ("In touch", person.attention.reason),
        ("My word", word_record_text(person.health.my_word)),
        ("Their word", word_record_text(person.health.their_word)),
        ("Balance", _balance_words(person)),
    ]
    if person.gives_first:
        items.append(("Give first", give_first_words(person)))
    if person.job_change is not None:
        items.append(("Job change", person.job_change.text))
    if person.birthday is not None:
        items.append(("Birthday", _birthday_words(person)))
    lines += [f"- **{label}:** {md(value)}" for label, value in items]
    lines += ["", "### Last conversations", ""]
    if person.conversations:
        lines += [
            f"- {md(format_day(c.happened_at.date(), today))}, {md(c.channel)}:"
            f" {md(first_line(c.note))}"
            for c in person.conversations
        ]
    else:
        lines.append("- nothing logged yet")
    lines += ["", "### Open promises", ""]
    if person.open_promises:
        lines += [
            f"- {md('I owe' if p.owner == 'me' else 'they owe')}:"
            f" {md(first_line(p.text, 80))}, {md(_due_words(p, today))}"
            for p in person.open_promises
        ]
    else:
        lines.append("- none open")
    lines.append("")
    return lines
