"""LinkedIn ``Connections.csv``, every layout since 2018, read by header name.

2018: ``First Name,Last Name,Email Address,Company,Position,Connected On``;
2020 on: a ``URL`` column after the names, and from 2021 a ``Notes:``
preamble before the header. A row without a name (a deleted account) is
skipped and counted, not fatal.
"""

from __future__ import annotations

from wintogether.formats import Card, Problem, ReadResult
from wintogether.formats import csvfile as c


def read(text: str) -> ReadResult:
    problems: list[Problem] = []
    cards: list[Card] = []
    skipped: list[Problem] = []
    records = 0
    for line, row in c.rows(text, problems):
        records += 1
        name = c.join_name(c.get(row, "first name"), c.get(row, "last name"))
        url = c.get(row, "url")
        email = c.get(row, "email address")
        if not name:
            skipped.append(Problem(f"line {line}", "no name"))
            continue
        connected = c.get(row, "connected on")
        met_on = c.linkedin_date(connected)
        if connected and met_on is None:
            problems.append(Problem(f"line {line}", f"'{connected}' is not a date"))
            continue
        cards.append(
            Card(
                position=f"line {line}",
                name=name,
                company=c.get(row, "company"),
                title=c.get(row, "position"),
                emails=[email] if email else [],
                linkedin=c.clean_url(url) if url else None,
                met_on=met_on,
                how_met="LinkedIn",
            )
        )
    return ReadResult(cards, problems, records + c.unread(problems), skipped=skipped)
