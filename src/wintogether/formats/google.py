"""Google Contacts CSV, current and legacy layouts, matched by header name.

The name is Google's ``Name`` column when the file has one (the legacy
layout: it tells apart people whose given and family names are the same),
else the name parts with prefix and suffix. A row with no name is named after
its company, email or phone, so a contact with only a phone number still
comes in; a row with none of these is skipped and counted.
"""

from __future__ import annotations

import re

from wintogether.formats import Card, Problem, ReadResult
from wintogether.formats import csvfile as c

_VALUE = re.compile(r"^(e-mail|phone|website) \d+ - value$")
#: Google's own system groups, not labels the user chose.
_SYSTEM_LABELS = {"* mycontacts", "mycontacts", "* starred", "* other contacts"}


def read(text: str) -> ReadResult:
    problems: list[Problem] = []
    cards: list[Card] = []
    skipped: list[Problem] = []
    records = 0
    for line, row in c.rows(text, problems):
        records += 1
        name = c.get(row, "name") or c.join_name(
            c.get(row, "name prefix"),
            c.get(row, "first name", "given name"),
            c.get(row, "middle name", "additional name"),
            c.get(row, "last name", "family name"),
            c.get(row, "name suffix"),
        )
        name = name or c.get(row, "file as", "nickname") or ""
        emails: list[str] = []
        phones: list[str] = []
        urls: list[str] = []
        for key, value in row.items():
            match = _VALUE.match(key)
            if not match:
                continue
            values = c.multi(value)
            {"e-mail": emails, "phone": phones, "website": urls}[match.group(1)].extend(values)
        company = c.get(row, "organization name", "organization 1 - name")
        if not name:
            name = company or (emails[0] if emails else "") or (phones[0] if phones else "")
        if not name:
            skipped.append(Problem(f"line {line}", "no name, company, email or phone"))
            continue
        raw_birthday = c.get(row, "birthday")
        labels = c.multi(c.get(row, "labels", "group membership"))
        linkedin = next((u for u in urls if c.is_linkedin(u)), None)
        cards.append(
            Card(
                position=f"line {line}",
                name=name,
                company=company,
                title=c.get(row, "organization title", "organization 1 - title"),
                emails=emails,
                phones=phones,
                linkedin=c.clean_url(linkedin) if linkedin else None,
                urls=[c.clean_url(u) for u in urls if u != linkedin],
                tags=c.tags_from([lb for lb in labels if lb.casefold() not in _SYSTEM_LABELS]),
                birthday=c.birthday(raw_birthday),
                notes=c.get(row, "notes"),
            )
        )
        if raw_birthday and cards[-1].birthday is None:
            cards[-1].extras.append(("birthday", raw_birthday))
    return ReadResult(cards, problems, records + c.unread(problems), skipped=skipped)
