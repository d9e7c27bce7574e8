"""Outlook CSV: column order varies between exporters, so columns go by name."""

from __future__ import annotations

import re

from wintogether.formats import Card, Problem, ReadResult
from wintogether.formats import csvfile as c

_EMAIL = re.compile(r"^e-mail( \d+)? address$")
_PHONE = re.compile(r"phone|mobile|fax|pager")


def read(text: str) -> ReadResult:
    problems: list[Problem] = []
    cards: list[Card] = []
    skipped: list[Problem] = []
    records = 0
    for line, row in c.rows(text, problems):
        records += 1
        emails = [v.strip() for k, v in row.items() if _EMAIL.match(k) and v.strip()]
        phones = [
            v.strip() for k, v in row.items() if _PHONE.search(k) and "type" not in k and v.strip()
        ]
        name = c.join_name(
            c.get(row, "first name"), c.get(row, "middle name"), c.get(row, "last name")
        ) or (c.get(row, "display name", "nickname", "company") or (emails[0] if emails else ""))
        name = name or (phones[0] if phones else "")
        if not name:
            skipped.append(Problem(f"line {line}", "no name, company, email or phone"))
            continue
        web = c.get(row, "web page")
        raw_birthday = c.get(row, "birthday")
        categories = re.split(r"[;,]", c.get(row, "categories") or "")
        cards.append(
            Card(
                position=f"line {line}",
                name=name,
                company=c.get(row, "company"),
                title=c.get(row, "job title"),
                emails=emails,
                phones=phones,
                linkedin=c.clean_url(web) if web and c.is_linkedin(web) else None,
                urls=[c.clean_url(web)] if web and not c.is_linkedin(web) else [],
                tags=c.tags_from([x for x in categories if x.strip()]),
                birthday=c.birthday(raw_birthday),
                notes=c.get(row, "notes"),
            )
        )
    return ReadResult(cards, problems, records + c.unread(problems), skipped=skipped)
