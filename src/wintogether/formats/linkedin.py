"""LinkedIn ``Connections.csv``: a ``Notes:`` preamble, then one row per connection."""

from __future__ import annotations

from wintogether.formats import Card, Problem, ReadResult
from wintogether.formats import csvfile as c


def read(text: str) -> ReadResult:
    problems: list[Problem] = []
    cards: list[Card] = []
    records = 0
    for line, row in c.rows(text, problems):
        records += 1
        name = c.join_name(c.get(row, "first name"), c.get(row, "last name"))
        url = c.get(row, "url")
        email = c.get(row, "email address")
        if not name:
            problems.append(Problem(f"line {line}", "no name"))
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
    return ReadResult(cards, problems, records + c.unread(problems))
