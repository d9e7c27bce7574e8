"""Property tests: what a writer writes, its reader reads back unchanged.

A few examples in the default run (the Hypothesis profile in conftest.py);
the long variants, marked slow, try the full count.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from wintogether.formats import jsonfile, vcard

# Text as people and hostile files write it: markup, formulas, separators,
# vCard/ICS syntax and control characters, but no surrounding blank space
# (imports trim it) and no CR (vCard line ends are CRLF-normalised).
TEXT = (
    st.lists(
        st.sampled_from(
            [*"abcXYZ éü🚀[]=+-@;,:\\\"'\t\x1b\x07\u202e<>|#\n", "END:VCARD", "\nEND:VCARD\n"]
        ),
        min_size=1,
        max_size=40,
    )
    .map("".join)
    .map(str.strip)
    .filter(bool)
)


#: A card's varying fields, for both variants of the vCard test.
CARDS = {
    "name": TEXT.filter(lambda s: " ".join(s.split()) != ""),
    "company": TEXT,
    "notes": TEXT,
    "tags": st.lists(
        st.from_regex(r"[A-Za-z]([A-Za-z0-9/_-]{0,9}[A-Za-z0-9_-])?", fullmatch=True),
        max_size=3,
        unique_by=str.casefold,
    ),
}


def contact(name: str, company: str, notes: str, tags: list[str]) -> dict[str, Any]:
    return {
        "uid": "11111111-2222-4333-8444-555555555555",
        "name": " ".join(name.split()),
        "company": company,
        "title": None,
        "emails": ["a@example.com"],
        "phones": ["+1 555 0100"],
        "urls": [{"kind": "linkedin", "url": "https://www.linkedin.com/in/x"}],
        "tags": tags,
        "birthday": "--02-29",
        "notes": notes,
        "updated_at": "2026-11-28T10:00:00Z",
    }


@given(**CARDS)
def test_vcard_write_then_read(name: str, company: str, notes: str, tags: list[str]) -> None:
    _vcard_round_trip(name, company, notes, tags)


@pytest.mark.slow
@settings(max_examples=150, deadline=None)
@given(**CARDS)
def test_vcard_write_then_read_long(name: str, company: str, notes: str, tags: list[str]) -> None:
    _vcard_round_trip(name, company, notes, tags)


def _vcard_round_trip(name: str, company: str, notes: str, tags: list[str]) -> None:
    for version in ("4.0", "3.0"):
        record = contact(name, company, notes, tags)
        result = vcard.read(vcard.card_text(record, version))
        assert result.problems == []
        (card,) = result.cards
        assert card.name == record["name"]
        assert card.company == company
        assert card.notes == notes
        assert card.tags == tags
        assert card.uid == record["uid"]
        assert card.birthday == "--02-29"
        assert card.linkedin == "https://www.linkedin.com/in/x"


@given(name=TEXT, notes=TEXT)
def test_json_write_then_read(name: str, notes: str) -> None:
    _json_round_trip(name, notes)


@pytest.mark.slow
@settings(max_examples=100, deadline=None)
@given(name=TEXT, notes=TEXT)
def test_json_write_then_read_long(name: str, notes: str) -> None:
    _json_round_trip(name, notes)


def _json_round_trip(name: str, notes: str) -> None:
    record = contact(name, "C", notes, ["t"])
    stream = io.StringIO()
    jsonfile.write(stream, "2026-11-28T10:00:00Z", [("contacts", iter([record]))])
    text = stream.getvalue()
    assert "\x1b" not in text and "\u202e" not in text
    result = jsonfile.read(text)
    assert result.cards[0].record == json.loads(json.dumps(record))
    assert (result.cards[0].name, result.cards[0].notes) == (record["name"], notes)
