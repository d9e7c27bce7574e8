"""Counts and measures in the user's words ("2 contacts, 1 ledger entry", "I kept
3 of 4 on time"), without Rich: the domain gives numbers, these are the words."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from typing import TYPE_CHECKING

from wintogether.dates import format_day, format_moment
from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.brief import Meeting, PersonBrief
    from wintogether.domain.health import Balance, Health, WordRecord
    from wintogether.domain.paths import Link, PathLine
    from wintogether.models import Promise

#: Export record kinds in the user's words (singular, plural).
_EXPORTED_WORDS = {
    "contacts": ("contact", "contacts"),
    "conversations": ("conversation", "conversations"),
    "promises": ("promise", "promises"),
    "ledger": ("ledger entry", "ledger entries"),
    "wins": ("win", "wins"),
    "events": ("timeline event", "timeline events"),
    "birthdays": ("birthday", "birthdays"),
    "deals": ("deal", "deals"),
    "plan_templates": ("plan template", "plan templates"),
}


def exported_words(counts: dict[str, int]) -> str:
    """``1 contact, 2 promises``: what an export wrote; kinds with nothing are left out."""
    words = []
    for kind, count in counts.items():
        if count:
            one, many = _EXPORTED_WORDS.get(kind, (kind, kind))
            words.append(f"{count} {one if count == 1 else many}")
    return ", ".join(words) or "nothing (no records matched)"


#: What a journaled table holds, in the user's words (singular, plural). Tables that
#: only link rows (who took part in a conversation, which tags a contact has) are
#: counted with the rows they link, so they are not named.
_ROW_WORDS: dict[str, tuple[str, str]] = {
    "contacts": ("contact", "contacts"),
    "contact_emails": ("email address", "email addresses"),
    "contact_phones": ("phone number", "phone numbers"),
    "contact_urls": ("link", "links"),
    "tags": ("tag", "tags"),
    "interactions": ("conversation", "conversations"),
    "promises": ("promise", "promises"),
    "ledger": ("ledger entry", "ledger entries"),
    "wins": ("win", "wins"),
    "contact_events": ("timeline event", "timeline events"),
    "contact_extras": ("imported detail", "imported details"),
    "deals": ("deal", "deals"),
    "deal_steps": ("plan step", "plan steps"),
    "plan_templates": ("plan template", "plan templates"),
}


#: Named only when none of the tables above changed: the linking tables
#: (someone joined or left a deal, a tag was put on a contact) and the
#: companies with their names (a company merge names the people it moved).
_LINK_WORDS: dict[str, tuple[str, str]] = {
    "deal_people": ("person on a deal", "people on deals"),
    "interaction_participants": ("person in a conversation", "people in conversations"),
    "contact_tags": ("tag on a contact", "tags on contacts"),
    "companies": ("company", "companies"),
    "company_aliases": ("company name", "company names"),
}


def changed_rows(tables: dict[str, int]) -> str:
    """``2 contacts, 1 conversation``: what a command changed, in the user's words."""
    for named in (_ROW_WORDS, _LINK_WORDS):
        words = []
        for table, count in tables.items():
            if table in named:
                one, many = named[table]
                words.append(f"{count} {one if count == 1 else many}")
        if words:
            return ", ".join(words)
    return "no records"


#: Ledger kinds in the user's words (singular, plural).
_KINDS = {
    "intro": ("intro", "intros"),
    "referral": ("referral", "referrals"),
    "advice": ("piece of advice", "pieces of advice"),
    "favour": ("favour", "favours"),
    "gift": ("gift", "gifts"),
    "deal": ("deal", "deals"),
    "other": ("other thing", "other things"),
}


def count_kinds(kinds: Counter[str] | dict[str, int]) -> str:
    """``3 referrals``, or ``4 things (2 referrals, 1 intro, 1 piece of advice)``."""
    total = sum(kinds.values())
    if total == 0:
        return "nothing"
    parts = [
        f"{n} {_KINDS.get(k, (k, k + 's'))[n != 1]}"
        for k, n in sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))
        if n
    ]
    if len(parts) == 1:
        return parts[0]
    return f"{total} things ({', '.join(parts)})"


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def word_record_text(record: WordRecord) -> str:
    """``I kept 3 of 4 on time; 1 kept late (2 days late)``: one side's word."""
    who = "I" if record.owner == "me" else "they"
    if record.due == 0:
        return "no promises fell due in the last 12 months"
    text = f"{who} kept {record.kept_on_time} of {record.due} on time"
    if record.late_days:
        worst = max(record.late_days)
        if len(record.late_days) == 1:
            text += f"; 1 kept late ({_days(worst)} late)"
        else:
            text += f"; {record.kept_late} kept late (up to {_days(worst)} late)"
    if record.broken:
        text += f"; {record.broken} broken (overdue and still open)"
    return text


def balance_text(balance: Balance) -> str:
    if not balance.given_total and not balance.received_total:
        return "nothing given or received in the last 12 months"
    return (
        f"gave {count_kinds(balance.given)}, received {count_kinds(balance.received)}"
        " in the last 12 months"
    )


def _month(day: date, as_of: date | None) -> str:
    return f"{day:%B}" if as_of is not None and day.year == as_of.year else f"{day:%B %Y}"


def one_sided_text(balance: Balance) -> str | None:
    """What to do about a one-sided relationship; None when it is not one."""
    if balance.one_sided is None or balance.one_sided_since is None:
        return None
    since = _month(balance.one_sided_since, balance.as_of)
    if balance.one_sided == "receiving":
        return (
            f"one-sided: you have received {count_kinds(balance.run)} and given nothing"
            f" since {since}; give something back (an intro, a referral, advice)"
        )
    return (
        f"one-sided: you have given {count_kinds(balance.run)} and received nothing"
        f" since {since}; ask for something (a referral, an intro) or let it rest"
    )


def give_first_reason(balance: Balance) -> str:
    """Why the dashboard says to give first: one-sided receiving, or owing."""
    suggestion = one_sided_text(balance) if balance.one_sided == "receiving" else None
    return suggestion.removeprefix("one-sided: ") if suggestion else balance_text(balance)


def health_line(health: Health) -> str:
    """The four measures in one line, leaving out those with nothing to say:
    ``last talked 12 days ago, every month; I kept 2 of 2 on time; gave 1 intro``."""
    parts = [health.in_touch.reason]
    for record in (health.my_word, health.their_word):
        if record.due:
            parts.append(word_record_text(record))
    balance = health.balance
    if balance.given_total or balance.received_total:
        given = f"gave {count_kinds(balance.given)}" if balance.given_total else ""
        got = f"received {count_kinds(balance.received)}" if balance.received_total else ""
        parts.append(", ".join(p for p in (given, got) if p))
    if balance.one_sided == "receiving":
        parts.append("one-sided: give something back")
    return "; ".join(parts)


def health_lines(health: Health) -> list[tuple[str, str]]:
    """(measure, words) pairs, as shown in `wt show`."""
    balance = balance_text(health.balance)
    suggestion = one_sided_text(health.balance)
    if suggestion:
        balance += f"; {suggestion}"
    return [
        ("in touch", health.in_touch.reason),
        ("my word", word_record_text(health.my_word)),
        ("their word", word_record_text(health.their_word)),
        ("balance", balance),
    ]


# -- briefs (`wt brief`, the meetings of `wt today`, `wt remind`) -------------

#: What a summary table says after the first entries of a list it cuts (the
#: relationships that became one-sided, broken promises, next week).
ALL_LISTED = "--format md lists them all."

#: How long a conversation's first line may be in a brief.
FIRST_LINE = 100


def first_line(text: str, limit: int = FIRST_LINE) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = one_line(lines[0]) if lines else ""
    return line if len(line) <= limit else line[: limit - 1] + "…"


def late_words(promise: Promise, today: date) -> str:
    delta = (promise.due_on - today).days
    if delta < 0:
        return f"{-delta} day{'s' if delta != -1 else ''} late"
    if delta == 0:
        return "due today"
    if delta == 1:
        return "due tomorrow"
    return f"due {format_day(promise.due_on, today)}"


def promise_words(promise: Promise, today: date) -> str:
    """``I owe: Send the SOC2 report, 5 days late``."""
    who = "I owe" if promise.owner == "me" else "they owe"
    return f"{who}: {first_line(promise.text, 80)}, {late_words(promise, today)}"


def headline(person: PersonBrief) -> str:
    """The one thing to know first about a person (without their name).

    In order: a promise of mine that is late or due today, one of theirs that
    is late, a birthday within three days, a job change, a slipping rhythm,
    owing them by the ledger, the next promise either way, the last
    conversation, and otherwise the rhythm.
    """
    today = person.today
    mine = [p for p in person.open_promises if p.owner == "me"]
    theirs = [p for p in person.open_promises if p.owner == "them"]
    urgent = [p for p in mine if p.due_on <= today]
    if urgent:
        extra = len(urgent) - 1
        more = f" (and {extra} more)" if extra else ""
        return promise_words(urgent[0], today) + more
    late = [p for p in theirs if p.due_on < today]
    if late:
        return promise_words(late[0], today)
    bday = person.birthday
    if bday is not None and bday.in_days <= 3:
        return "birthday " + birthday_when(bday.in_days, bday.on, today)
    if person.job_change is not None:
        return first_line(person.job_change.text)
    if person.attention.slipping:
        return person.attention.reason
    if person.gives_first:
        return "give first: " + balance_text(person.health.balance)
    if person.open_promises:
        return promise_words(person.open_promises[0], today)
    if person.conversations:
        last = person.conversations[0]
        return (
            f"last talked {format_day(last.happened_at.date(), today)}: {first_line(last.note, 60)}"
        )
    return person.attention.reason


def birthday_when(in_days: int, on: date, today: date) -> str:
    if in_days == 0:
        return "today"
    if in_days == 1:
        return "tomorrow"
    return f"in {in_days} days ({format_day(on, today)})"


def meeting_when(meeting: Meeting, today: date, *, time_only: bool = False) -> str:
    """``Sat 5 Dec 15:00-16:00`` (``15:00-16:00`` with ``time_only`` on its own day)."""
    start = meeting.starts_at.astimezone()
    if meeting.all_day:
        return "all day" if time_only else format_day(start.date(), today) + ", all day"
    text = f"{start:%H:%M}" if time_only and start.date() == today else format_moment(start, today)
    if meeting.ends_at is not None:
        end = meeting.ends_at.astimezone()
        same_day = end.date() == start.date()
        text += f"-{end:%H:%M}" if same_day else f" to {format_moment(end, today)}"
    return text


# -- one line per person (wt today, wt remind) ----------------------------------


def person_line(person: PersonBrief) -> str:
    """``Dana Reyes: I owe: Send the SOC2 report, 5 days late`` (plain text)."""
    return f"{one_line(person.contact.name)}: {headline(person)}"


def when_line(moment: datetime, today: date) -> str:
    return format_moment(moment.astimezone(), today)


def give_first_words(person: PersonBrief) -> str:
    """What to give first: the one-sided suggestion, or owing by the ledger."""
    balance = person.health.balance
    if balance.one_sided == "receiving":
        return give_first_reason(balance)
    return "received more than given lately: give something first (an intro, a referral, advice)"


def brief_headline(person: PersonBrief) -> str:
    """The first thing to know about a person before meeting them (the JSON ``headline``)."""
    return headline(person)


def path_reason(line: PathLine) -> str:
    """Why to ask this person, in words: ``introduced you to Dana Reyes; you gave
    them 2 referrals this year; kept 3 of 3 promises on time; talked 3 days ago``."""
    parts = [_link_words(link) for link in line.links]
    strength = line.strength
    balance = strength.given
    if balance.net > 0:
        parts.append(f"you gave them {count_kinds(balance.given)} this year")
    elif balance.net < 0:
        parts.append(f"you owe them: received {count_kinds(balance.received)} this year")
    elif balance.given_total:
        parts.append(
            f"even this year: gave {count_kinds(balance.given)},"
            f" received {count_kinds(balance.received)}"
        )
    if strength.due:
        parts.append(f"kept {strength.kept} of {strength.due} promises on time, both ways")
    if strength.days_since is None:
        parts.append("never talked")
    elif strength.days_since == 0:
        parts.append("talked today")
    else:
        parts.append(f"talked {_days(strength.days_since)} ago")
    if strength.conversations > 1:
        parts[-1] += f" ({strength.conversations} conversations this year)"
    return "; ".join(p for p in parts if p)


def _link_words(link: Link) -> str:
    to = f" {link.to.name}" if link.to else ""
    where = f" ({link.to.company})" if link.to and link.to.company else ""
    if link.kind == "self":
        return "you know them" + (f" ({link.role})" if link.role else "")
    if link.kind == "colleague":
        what = "works there" if link.to is None else f"works with{to}"
        details = ", ".join(x for x in (link.title, link.role) if x)
        return what + (f" ({details})" if details else "")
    if link.kind == "former":
        until = ""
        if link.until:
            day = date.fromisoformat(link.until)
            until = f" until {day:%b %Y}"
        # Not "worked with Dana": they may have left before she came.
        at = f"worked at {link.to.company}" if link.to and link.to.company else "worked there"
        return at + until
    if link.kind == "introduced":
        return f"introduced you to{to}{where}"
    if link.kind == "conversation":
        times = "a conversation" if link.count == 1 else f"{link.count} conversations"
        return f"in {times} with{to}{where}"
    if link.kind == "two_steps" and link.via is not None:
        return f"introduced you to {link.via.name}, who introduced you to{to}{where}"
    return link.kind
