"""What only wintogether knows travels between two databases syncing one vdir.

A contact's how-met, met-on, introducer, cadence, archive and creation date
ride on its vCard as X-WINTOGETHER- properties; a card from another app
(with none of them) leaves them as they are.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import test_sync
from test_sync import Side, dana_uid
from test_sync_patch import PHONE_CARD

sides = test_sync.sides  # two databases and one vdir

ADDED = "2026-06-01T10:00:00+00:00"
LATER = "2026-11-28T11:00:00+00:00"
EVEN_LATER = "2026-11-28T12:00:00+00:00"


def _local(value: Any) -> Any:
    """A JSON answer without what is local to one database (ids, last change)."""
    if isinstance(value, dict):
        return {k: _local(v) for k, v in value.items() if k not in ("id", "updated_at")}
    if isinstance(value, list):
        return [_local(v) for v in value]
    return value


def _card(vdir: Path, side: Side) -> Path:
    return vdir / "contacts" / f"{dana_uid(side)}.vcf"


def _profile(laptop: Side) -> None:
    laptop("add", "Sam Okafor", at=ADDED)
    laptop("add", "Dana Reyes", "--company", "Northwind", at=ADDED)
    laptop("edit", "dana", "--every", "2w", "--met", "SaaStr, booth 12; then dinner\nin SF",
           "--via", "sam", at=ADDED)  # fmt: skip
    conn = sqlite3.connect(laptop.path)
    with conn:
        conn.execute("UPDATE contacts SET met_on = '2024-09-10' WHERE name = 'Dana Reyes'")
    conn.close()
    laptop("add", "Lee Park", at=ADDED)
    laptop("archive", "lee", at=ADDED)


def test_the_fields_only_wintogether_has_travel(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    text = _card(vdir, laptop).read_bytes().decode()
    assert "X-WINTOGETHER-CADENCE-DAYS:14\r\n" in text
    assert "X-WINTOGETHER-HOW-MET:SaaStr\\, booth 12\\; then dinner\\nin SF\r\n" in text
    assert "X-WINTOGETHER-MET-ON:2024-09-10\r\n" in text
    sam = str(laptop.rows("SELECT uid FROM contacts WHERE name = 'Sam Okafor'")[0][0])
    assert f"X-WINTOGETHER-INTRODUCED-BY:{sam}\r\n" in text
    assert "X-WINTOGETHER-CREATED:2026-06-01T10:00:00Z\r\n" in text

    desktop("sync", str(vdir), at=LATER)
    for args in (("show", "dana"), ("show", "lee"), ("neglected",), ("balance",)):
        assert _local(desktop.json(*args, at=LATER)) == _local(laptop.json(*args, at=LATER))
    dana = desktop.json("show", "dana", at=LATER)
    assert dana["contact"]["how_met"] == "SaaStr, booth 12; then dinner\nin SF"
    assert dana["contact"]["met_on"] == "2024-09-10"
    assert dana["contact"]["cadence_days"] == 14
    assert dana["contact"]["introduced_by"]["name"] == "Sam Okafor"
    assert "added 180 days ago" in dana["attention"]["reason"]
    assert desktop.json("show", "lee", at=LATER)["contact"]["archived_at"] is not None
    assert [c["name"] for c in desktop.json("contacts", at=LATER)] == [
        c["name"] for c in laptop.json("contacts", at=LATER)
    ]
    # Nothing left to do on either side.
    for side in (laptop, desktop):
        assert "sent 0, received 0" in side("sync", str(vdir), at=LATER).stderr


def test_edits_and_clears_travel_back(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at=LATER)
    desktop("edit", "dana", "--every", "monthly", "--clear", "how_met", "--clear", "introduced_by",
            at=EVEN_LATER)  # fmt: skip
    desktop("unarchive", "lee", at=EVEN_LATER)
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert "received 2" in laptop("sync", str(vdir), at=EVEN_LATER).stderr
    dana = laptop.json("show", "dana", at=EVEN_LATER)["contact"]
    assert (dana["cadence_days"], dana["how_met"], dana["introduced_by"]) == (30, None, None)
    assert dana["met_on"] == "2024-09-10"
    assert laptop.json("show", "lee", at=EVEN_LATER)["contact"]["archived_at"] is None


def test_a_card_from_another_app_leaves_our_fields_alone(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    # A CardDAV client rewrites the card from scratch, knowing none of our properties.
    _card(vdir, laptop).write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{dana_uid(laptop)}\r\nFN:Dana Reyes\r\n"
        "N:Reyes;Dana;;;\r\nORG:Initech\r\nEND:VCARD\r\n"
    )
    assert "received 1" in laptop("sync", str(vdir), at=LATER).stderr
    dana = laptop.json("show", "dana", at=LATER)["contact"]
    assert dana["company"] == "Initech"
    assert (dana["cadence_days"], dana["met_on"]) == (14, "2024-09-10")
    assert dana["how_met"] == "SaaStr, booth 12; then dinner\nin SF"
    assert dana["introduced_by"]["name"] == "Sam Okafor"
    assert dana["created_at"].startswith("2026-06-01")
    # A new card from such a client is a plain new contact.
    (vdir / "contacts" / "from-the-phone.vcf").write_text(PHONE_CARD.replace("dana-phone-1", "p1"))
    assert "received 1" in laptop("sync", str(vdir), at=LATER).stderr
    new = laptop.rows("SELECT cadence_days, how_met, archived_at FROM contacts WHERE uid = 'p1'")
    assert new == [(None, None, None)]


def test_a_phone_rewrite_keeping_unknown_properties_keeps_ours(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    card = _card(vdir, laptop)
    # The phone edits the title and adds a photo, keeping the X- lines it does not know.
    lines = card.read_bytes().decode().split("\r\n")
    lines = [line for line in lines if not line.startswith(("TITLE", "END:VCARD"))]
    lines += ["TITLE:CFO", "NICKNAME:Dee", "END:VCARD", ""]
    card.write_text("\r\n".join(lines))
    desktop("sync", str(vdir), at=LATER)
    assert "received 1" in laptop("sync", str(vdir), at=LATER).stderr
    for side in (laptop, desktop):
        dana = side.json("show", "dana", at=LATER)["contact"]
        assert (dana["title"], dana["cadence_days"], dana["met_on"]) == ("CFO", 14, "2024-09-10")
    # A local edit patches the phone's card: its lines and ours both stay.
    laptop("edit", "dana", "--every", "3w", at=EVEN_LATER)
    laptop("sync", str(vdir), at=EVEN_LATER)
    text = card.read_bytes().decode()
    assert "NICKNAME:Dee\r\n" in text and "TITLE:CFO\r\n" in text
    assert "X-WINTOGETHER-CADENCE-DAYS:21\r\n" in text
    assert text.count("X-WINTOGETHER-CADENCE-DAYS") == 1
    desktop("sync", str(vdir), at=EVEN_LATER)
    assert desktop.json("show", "dana", at=EVEN_LATER)["contact"]["cadence_days"] == 21


def test_our_fields_from_a_file_are_checked_like_typed_ones(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _profile(laptop)
    laptop("sync", str(vdir))
    card = _card(vdir, laptop)
    good = card.read_bytes().decode()
    for bad, reason in (
        ("X-WINTOGETHER-CADENCE-DAYS:0", "cadence"),
        ("X-WINTOGETHER-CADENCE-DAYS:often", "cadence"),
        ("X-WINTOGETHER-MET-ON:0999-01-01", "not a date the program accepts"),
        ("X-WINTOGETHER-CREATED:yesterday", "not a date the program accepts"),
        ("X-WINTOGETHER-HOW-MET:a\x00b", "NUL"),
        ("X-WINTOGETHER-HOW-MET:" + "x" * 1_000_001, "too long"),
    ):
        name = bad.split(":")[0]
        lines = [line for line in good.split("\r\n") if not line.startswith(name)]
        card.write_bytes("\r\n".join([*lines[:-2], bad, *lines[-2:]]).encode())
        out = desktop("sync", str(vdir), "--json", at=LATER)
        skipped = [c for c in json.loads(out.stdout)["changes"] if c["action"] == "skipped"]
        assert reason in skipped[0]["detail"], (bad, skipped)
        assert desktop.rows("SELECT count(*) FROM contacts WHERE name = 'Dana Reyes'") == [(0,)]
