"""`wt company`, `wt companies` and `wt path` as plain text, for pipes and ``--plain``.

The same words and layout as render/accounts.py draws with Rich in a pipe
(columns two spaces apart and giving way as Rich's do, lines wrapped at the
screen width, sections a blank line apart), written without importing Rich:
drawing a big account with it took longer than reading the account. Where Rich
would cut a cell with "…" rather than wrap it, these return None and the
command lets Rich draw the view, so a pipe always shows what it showed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

from wintogether.dates import format_day
from wintogether.render.plain import (
    Lines,
    TooWide,
    ledger_line,
    promises_table,
    sections,
    t1,
    table,
    win_line,
    wrap,
)

if TYPE_CHECKING:
    from wintogether.domain.account_list import CompanyRowView
    from wintogether.domain.accounts import Account, AccountPerson
    from wintogether.domain.deals import AccountDeals
    from wintogether.domain.paths import Paths

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def paths_table(view: Paths, width: int) -> Lines | None:
    """Warm paths, best first: who, how they lead there, strength and why."""
    from wintogether.render.words import path_reason

    rows = [
        [
            str(line.rank),
            t1(line.contact.name),
            t1(line.tier),
            f"{line.strength.total:.1f}",
            t1(path_reason(line)),
        ]
        for line in view.lines
    ]
    headers = ["rank", "who", "how", "strength", "why"]
    try:
        return table(headers, rows, width, title=f"Paths to {t1(view.target)}", fit=True)
    except TooWide:
        return None


def companies_table(rows: Sequence[CompanyRowView], today: date, width: int) -> Lines | None:
    from wintogether.render.accounts_words import last_touch_words

    body = [
        [
            t1(row.company.name),
            str(row.people),
            f"{row.attention:.1f}",
            t1(row.reason),
            t1(last_touch_words(row.last_touch_at, today)),
        ]
        for row in rows
    ]
    headers = ["company", "people", "attention", "why", "last touch"]
    try:
        return table(headers, body, width, fit=True)
    except TooWide:
        return None


def _people(
    people: Sequence[AccountPerson], today: date, width: int, *, title: str, total: int
) -> Lines:
    from wintogether.render.accounts_words import person_words
    from wintogether.render.words import health_line

    out = [f"{title} ({total})" if total > len(people) else title]
    for person in people:
        line = t1(person_words(person, today))
        if person.role:
            line += f"  [{t1(person.role)}]"
        out += wrap(line, width)
        how = "    " + health_line(person.health)
        if person.last_touch_at is not None:
            how += f" · last touch {format_day(person.last_touch_at.astimezone().date(), today)}"
        out += wrap(how, width)
    return out + _more(total, len(people), width)


def _more(total: int, limit: int | None, width: int) -> Lines:
    """The line under a list cut at ``limit``: how many more, and how to see them."""
    if limit is None or total <= limit:
        return []
    return wrap(f"… and {total - limit} more: --limit 0 shows all.", width)


def account_view(
    view: Account,
    today: date,
    width: int,
    limit: int | None = None,
    deals: AccountDeals | None = None,
) -> Lines | None:
    """The account, as render.accounts.account_view (then render.deals.account_deals)
    draws it in a pipe; ``limit``: at most that many rows in each list. None
    where only Rich can say it the same way."""
    try:
        return _account(view, today, width, limit, deals)
    except TooWide:
        return None


def _account(
    view: Account,
    today: date,
    width: int,
    limit: int | None,
    deals: AccountDeals | None,
) -> Lines:
    from wintogether.render.words import balance_text, word_record_text

    heading = t1(view.company.name)
    if view.company.aliases:
        heading += t1(f"  (also {', '.join(view.company.aliases)})")
    parts: list[Lines] = [wrap(heading, width)]
    if view.current_count:
        current = view.current[:limit]
        parts.append(_people(current, today, width, title="People", total=view.current_count))
    else:
        parts.append(wrap("Nobody you know works there now.", width))
    if view.former_count:
        former = view.former[:limit]
        parts.append(_people(former, today, width, title="Former", total=view.former_count))
    for promises, title in (
        (view.my_promises, "I promised"),
        (view.their_promises, "They promised"),
    ):
        if promises:
            lines = promises_table(promises[:limit], today, width, title=title, fit=True)
            parts.append(lines + _more(len(promises), limit, width))
    first, last = view.per_month[0][0], view.per_month[-1][0]
    parts.append(
        wrap(f"Conversations per month ({first} to {last})", width)
        + table(
            [MONTHS[int(m[5:]) - 1] for m, _ in view.per_month],
            [[str(n) for _, n in view.per_month]],
            width,
            fit=True,
        )
    )
    if view.ledger_count or view.wins:
        lines = wrap("Ledger and wins (12 months)", width)
        for entry in view.ledger[:limit]:
            lines += wrap("".join(ledger_line(entry, today)), width)
        lines += _more(view.ledger_count, limit, width)
        for win in view.wins[:limit]:
            lines += wrap("".join(win_line(win, today)), width)
        lines += _more(len(view.wins), limit, width)
        parts.append(lines)
    grid = [
        ["my word", word_record_text(view.my_word)],
        ["their word", word_record_text(view.their_word)],
        ["balance", balance_text(view.balance)],
    ]
    parts.append(
        wrap("Across the account", width)
        + table(["", ""], grid, width, no_wrap=[0], show_header=False, fit=True, grid=True)
    )
    if deals is not None:
        from wintogether.render.plan_words import account_deal_lines

        opened, closed = account_deal_lines(deals, today)
        for title, lines in (("Deals", opened), ("Closed deals (12 months)", closed)):
            if lines:
                parts.append(
                    wrap(title, width) + [r for line in lines for r in wrap(t1(line), width)]
                )
    return sections(parts)
