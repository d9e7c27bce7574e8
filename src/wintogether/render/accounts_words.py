"""The words of the account views, without Rich: shared by the terminal
(render/accounts.py) and the plain writer for pipes (render/plain_accounts.py)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wintogether.domain.accounts import AccountPerson


def month_word(day: date, today: date) -> str:
    """``Dec`` this year or within the last 12 months, ``Dec 2024`` before."""
    if (today - day).days < 365 or day.year == today.year:
        return f"{day:%b}"
    return f"{day:%b %Y}"


def person_words(person: AccountPerson, today: date) -> str:
    """``Hannah Schmidt, VP Sales, since Dec; was at Initrode``."""
    parts = [person.contact.name]
    if person.title:
        parts.append(person.title)
    text = ", ".join(parts)
    if person.current:
        if person.since:
            text += f", since {month_word(person.since, today)}"
        if person.was_at:
            text += f"; was at {person.was_at}"
    else:
        left = f"left {month_word(person.left_on, today)}" if person.left_on else "left"
        text += f", {left}"
        if person.now_at:
            text += f"; now at {person.now_at}"
    if person.archived:
        text += " (archived)"
    return text


def last_touch_words(moment: datetime | None, today: date) -> str:
    if moment is None:
        return "never talked"
    days = (today - moment.astimezone().date()).days
    if days <= 0:
        return "today"
    return f"{days} day{'s' if days != 1 else ''} ago"
