"""Capture in words: a proposal on one line, a scan's outcome, the review count.

Plain strings (no Rich): every text taken from a calendar or a mail header is
passed through ``one_line``, so escape sequences and bidi controls in hostile
names and subjects are shown, never obeyed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from wintogether.text import one_line

if TYPE_CHECKING:
    from wintogether.domain.capture import Proposal, ScanResult, Waiting


def _plural(count: int, word: str) -> str:
    return f"{count} {word if count == 1 else _PLURALS.get(word, word + 's')}"


_PLURALS = {
    "file over the size limit": "files over the size limit",
    "special file": "special files (FIFOs, devices, sockets)",
    "unreadable file": "unreadable files",
    "broken calendar file": "broken calendar files",
    "calendar file with too many occurrences": "calendar files with too many occurrences",
}


def _names(proposal: Proposal) -> str:
    return ", ".join(one_line(p.name) for p in proposal.people)


def proposal_line(proposal: Proposal, today: date) -> str:
    """``meeting Tue 1 Dec 15:00 with Dana Reyes, Marcus O'Neil: Renewal QBR``;
    ``email to Dana Reyes: SOC2 report (3 messages, Mon 30 Nov)``, or
    ``(3 messages, Mon 30 Nov to Wed 2 Dec)`` for a thread over several days."""
    from wintogether.dates import format_day

    day = format_day(proposal.happened_at.date(), today)
    subject = one_line(proposal.subject) or "(no subject)"
    if proposal.kind == "meeting":
        at = proposal.happened_at
        clock = "" if (at.hour, at.minute) == (0, 0) else f" {at:%H:%M}"
        text = f"meeting {day}{clock} with {_names(proposal)}: {subject}"
    else:
        way = "from" if proposal.direction == "from" else "to"
        count = f"{_plural(proposal.messages, 'message')}, " if proposal.messages > 1 else ""
        last = proposal.last_at.date()
        if last != proposal.happened_at.date():
            day += f" to {format_day(last, today)}"
        text = f"email {way} {_names(proposal)}: {subject} ({count}{day})"
    if proposal.conversation_id is not None:
        text += f" [recorded as #{proposal.conversation_id}]"
    return f"#{proposal.id} {text}"


def scan_lines(result: ScanResult) -> list[str]:
    found = []
    if result.meetings:
        found.append(_plural(result.meetings, "meeting"))
    if result.emails:
        found.append(_plural(result.emails, "email thread"))
    lines = []
    if found:
        line = f"To review: {' and '.join(found)} new"
        if result.touched:
            line += f" ({result.touched} recorded already, as capture.auto_touch says)"
        lines.append(line + ". Run `wt review`.")
    else:
        lines.append("Nothing new to review.")
    if result.updated:
        lines.append(f"{_plural(result.updated, 'more message')} in threads already proposed.")
    if result.skipped:
        parts = [_plural(n, why) for why, n in sorted(result.skipped.items())]
        total = sum(result.skipped.values())
        lines.append(f"Skipped {_plural(total, 'item')}: {', '.join(parts)}.")
    for missing in result.missing:
        lines.append(f"Not found: {one_line(missing)} (in [capture]; nothing read from it).")
    return lines


def waiting_line(waiting: Waiting, today: date) -> str | None:
    """``To review: 5 meetings and 3 email threads since Fri 27 Nov``, or None."""
    from wintogether.dates import format_day

    parts = []
    if waiting.meetings:
        parts.append(_plural(waiting.meetings, "meeting"))
    if waiting.emails:
        parts.append(_plural(waiting.emails, "email thread"))
    if not parts:
        return None
    since = ""
    if waiting.since is not None and waiting.since.date() < today:
        since = f" since {format_day(waiting.since.date(), today)}"
    return f"To review: {' and '.join(parts)}{since} (wt review)"


def people_lines(people: Sequence[dict[str, Any]]) -> list[str]:
    """People talked to who are not contacts, for `wt add`."""
    if not people:
        return []
    lines = ["People you talk to who aren't in wintogether (add them with `wt add`):"]
    for person in people:
        counts = []
        if person["meetings"]:
            counts.append(_plural(person["meetings"], "meeting"))
        if person["emails"]:
            counts.append(_plural(person["emails"], "email"))
        name = one_line(person["name"])
        who = f"{name} <{one_line(person['email'])}>" if name else one_line(person["email"])
        lines.append(f"  {who}: {', '.join(counts)}")
    return lines
