"""`wt sync`: two databases ("laptop" and "desktop") through one shared vdir folder."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoke, NewDatabase, Run, write_config
from wintogether.domain.sync.scan import forgotten_key, removed_key

LAPTOP_AT = "2026-11-28T10:00:00+00:00"


class Side:
    """One database; every command runs with its own clock."""

    def __init__(self, path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
        self.path = path
        self._wt = wt
        self._mp = monkeypatch

    def __call__(self, *args: str, at: str = LAPTOP_AT, ok: bool = True) -> Run:
        self._mp.setenv("WINTOGETHER_DB", str(self.path))
        self._mp.setenv("WINTOGETHER_NOW", at)
        return self._wt(*args, ok=ok)

    def json(self, *args: str, at: str = LAPTOP_AT) -> Any:
        return json.loads(self(*args, "--json", at=at).stdout)

    def rows(self, sql: str, *params: object) -> list[tuple[object, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()


@pytest.fixture
def sides(
    tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, new_database: NewDatabase
) -> Iterator[tuple[Side, Side, Path]]:
    laptop = Side(new_database(tmp_path / "laptop.db"), wt, monkeypatch)
    desktop = Side(new_database(tmp_path / "desktop.db"), wt, monkeypatch)
    yield laptop, desktop, tmp_path / "vdir"


def _listing(folder: Path) -> list[tuple[str, int, int, int]]:
    """Every file with its inode, mtime and size: any rewrite shows."""
    out = []
    for path in sorted(folder.rglob("*")):
        info = path.stat()
        out.append((str(path.relative_to(folder)), info.st_ino, info.st_mtime_ns, info.st_size))
    return out


def _dump_hash(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def dana_uid(side: Side) -> str:
    return str(side.rows("SELECT uid FROM contacts WHERE name = 'Dana Reyes'")[0][0])


def _seed(laptop: Side) -> None:
    laptop("add", "Dana Reyes", "--company", "Northwind", "--email", "dana@northwind.example")
    laptop("add", "Marcus O'Neil", "--company", "O'Neil Consulting")
    laptop("log", "dana", "Renewal call; needs the SOC2 report", "--with", "marcus",
           "--channel", "call", "--follow-up", "fri")  # fmt: skip


def test_add_on_one_side_and_the_other_has_it(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    out = laptop("sync", str(vdir))
    assert out.stderr.strip().splitlines()[-1] == "sent 4, received 0, deleted 0, conflicts 0"
    assert out.stdout == ""
    names = sorted(p.name for p in (vdir / "contacts").iterdir())
    uids = sorted(row[0] + ".vcf" for row in laptop.rows("SELECT uid FROM contacts"))
    assert names == uids
    for path in vdir.rglob("*.*"):
        assert path.stat().st_mode & 0o777 == 0o600
    assert len(list((vdir / "promises").iterdir())) == 1
    assert len(list((vdir / "conversations").iterdir())) == 1

    got = desktop("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    assert "received 4" in got.stderr
    contacts = desktop.json("contacts")
    assert sorted(c["name"] for c in contacts) == ["Dana Reyes", "Marcus O'Neil"]
    dana = desktop.json("show", "dana")
    assert dana["contact"]["emails"] == ["dana@northwind.example"]
    assert dana["contact"]["uid"] == laptop.json("show", "dana")["contact"]["uid"]
    conversation = next(e for e in dana["timeline"] if e["kind"] == "conversation")
    assert conversation["note"] == "Renewal call; needs the SOC2 report"
    assert conversation["channel"] == "call"
    assert sorted(p["name"] for p in conversation["participants"]) == [
        "Dana Reyes",
        "Marcus O'Neil",
    ]
    # Created when they were written down on the laptop, not when they arrived.
    for table in ("promises", "interactions"):
        assert desktop.rows(f"SELECT created_at FROM {table}") == [("2026-11-28T10:00:00Z",)]
    promises = desktop.json("followups")
    assert [(p["text"], p["due_on"], p["owner"]) for p in promises] == [
        ("Follow up: Renewal call; needs the SOC2 report", "2026-12-04", "me")
    ]


def test_complete_and_edit_propagate(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    desktop("done", "1", at="2026-11-28T12:00:00+00:00")
    desktop("edit", "dana", "--company", "Initech", "--phone", "+1 555 0100",
            at="2026-11-28T12:00:00+00:00")  # fmt: skip
    out = desktop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    assert out.stderr.strip() == "sent 2, received 0, deleted 0, conflicts 0"
    todo = next((vdir / "promises").iterdir()).read_text()
    assert "STATUS:COMPLETED" in todo

    back = laptop("sync", str(vdir), at="2026-11-28T13:00:00+00:00")
    assert back.stderr.strip() == "sent 0, received 2, deleted 0, conflicts 0"
    promise = laptop.json("followups", "--all")[0]
    assert promise["status"] == "done"
    assert promise["done_at"] is not None
    dana = laptop.json("show", "dana")["contact"]
    assert dana["company"] == "Initech"
    assert dana["phones"] == ["+1 555 0100"]
    assert dana["emails"] == ["dana@northwind.example"]
    # What the laptop received is not sent back again.
    again = laptop("sync", str(vdir), at="2026-11-28T13:01:00+00:00")
    assert again.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"


def test_conflict_later_change_wins_and_loser_is_on_the_timeline(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "dana", "--title", "VP Finance", at="2026-11-28T12:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")

    # The desktop's change (12:00) is later than the laptop's (REV 11:00): it wins.
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    lines = out.stderr.strip().splitlines()
    assert lines[-1] == "sent 1, received 0, deleted 0, conflicts 1: Dana Reyes, title"
    assert lines[0].startswith(
        "Conflict: contact Dana Reyes: both changed title; kept the version from this database"
    )
    assert desktop.json("show", "dana")["contact"]["title"] == "VP Finance"
    events = desktop.rows("SELECT kind, text, old_value, new_value FROM contact_events")
    assert len(events) == 1
    kind, text, lost, kept = events[0]
    assert kind == "sync_conflict"
    assert lost == "title: CFO"
    assert kept == "title: VP Finance"
    assert text == (
        "Sync conflict on contact 'Dana Reyes': title: kept 'VP Finance' (changed 2026-11-28"
        " 12:00 UTC), not 'CFO' (changed 2026-11-28 11:00 UTC)"
    )
    assert "title:VP Finance" in next(
        p for p in (vdir / "contacts").iterdir() if "Finance" in p.read_text()
    ).read_text().replace("TITLE:", "title:")

    # The laptop did not change it again: it simply receives the winner, and
    # the conflict entry (a timeline entry, in history/) with it.
    back = laptop("sync", str(vdir), at="2026-11-28T12:20:00+00:00")
    assert back.stderr.strip() == "sent 0, received 2, deleted 0, conflicts 0"
    assert laptop.rows("SELECT uid, kind, old_value FROM contact_events") == desktop.rows(
        "SELECT uid, kind, old_value FROM contact_events"
    )
    assert laptop.json("show", "dana")["contact"]["title"] == "VP Finance"
    # The mark that made the winner a new version is not kept as the contact's data.
    assert "X-WINTOGETHER-SETTLED" in (vdir / "contacts" / f"{dana_uid(laptop)}.vcf").read_text()
    assert laptop.rows("SELECT count(*) FROM contact_extras") == [(0,)]


def test_conflict_the_file_wins_when_it_is_later(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    desktop("edit", "dana", "--title", "VP Finance", at="2026-11-28T11:00:00+00:00")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T12:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert (
        "Conflict: contact Dana Reyes: both changed title; kept the version from the vdir"
        in out.stderr
    )
    assert out.stderr.strip().splitlines()[-1] == (
        "sent 0, received 1, deleted 0, conflicts 1: Dana Reyes, title"
    )
    assert desktop.json("show", "dana")["contact"]["title"] == "CFO"
    lost = desktop.rows("SELECT old_value FROM contact_events WHERE kind = 'sync_conflict'")
    assert "title: VP Finance" in str(lost[0][0])


def test_same_change_on_both_sides_is_no_conflict(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "dana", "--title", "CFO", at="2026-11-28T12:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert out.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    assert desktop.rows("SELECT count(*) FROM contact_events") == [(0,)]


def test_deletions_follow_only_unchanged_items(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("follow-up", "marcus", "Send the case study", "--due", "mon")
    laptop("log", "marcus", "Coffee", "--channel", "meeting")
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    assert len(list((vdir / "promises").iterdir())) == 2

    # Deleted on the laptop, unchanged on the desktop: gone on both.
    laptop("conversation", "delete", "1", at="2026-11-28T11:00:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert out.stderr.strip() == "sent 0, received 0, deleted 1, conflicts 0"
    assert len(list((vdir / "conversations").iterdir())) == 1
    out = desktop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert out.stderr.strip() == "sent 0, received 0, deleted 1, conflicts 0"
    assert desktop.rows("SELECT note FROM interactions") == [("Coffee",)]

    # The phone deletes a to-do the desktop has not touched: it goes.
    case_study = desktop.rows("SELECT uid FROM promises WHERE text = 'Send the case study'")[0][0]
    (vdir / "promises" / f"{case_study}.ics").unlink()
    data = desktop.json("sync", str(vdir), "--dry-run", at="2026-11-28T11:15:00+00:00")
    assert data["changes"] == [
        {
            "kind": "promise",
            "uid": case_study,
            "action": "deleted",
            "name": "Send the case study",
            "detail": "deleted there: removed here",
        }
    ]
    out = desktop("sync", str(vdir), at="2026-11-28T11:20:00+00:00")
    assert out.stderr.strip() == "sent 0, received 0, deleted 1, conflicts 0"
    assert desktop.rows("SELECT count(*) FROM promises WHERE uid = ?", case_study) == [(0,)]

    # The phone deletes a to-do the desktop changed since: the change wins, it comes back.
    other_id, other = desktop.rows("SELECT id, uid FROM promises")[0]
    (vdir / "promises" / f"{other}.ics").unlink()
    desktop("snooze", str(other_id), "2026-12-10", at="2026-11-28T11:30:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T11:40:00+00:00")
    assert out.stderr.strip() == "sent 1, received 0, deleted 0, conflicts 0"
    assert "DUE;VALUE=DATE:20261210" in (vdir / "promises" / f"{other}.ics").read_text()

    # Deleted here but changed in the vdir since: the file wins, the row comes back.
    path = vdir / "promises" / f"{other}.ics"
    desktop_id = desktop.rows("SELECT id FROM promises WHERE uid = ?", other)[0][0]
    path.write_text(path.read_text().replace("20261210", "20261211"))
    conn = sqlite3.connect(desktop.path)
    conn.execute("DELETE FROM promises WHERE id = ?", (desktop_id,))
    conn.commit()
    conn.close()
    out = desktop("sync", str(vdir), at="2026-11-28T12:00:00+00:00")
    assert out.stderr.strip() == "sent 0, received 1, deleted 0, conflicts 0"
    assert desktop.rows("SELECT due_on FROM promises WHERE uid = ?", other) == [("2026-12-11",)]


def test_second_sync_with_no_changes_writes_nothing(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    for side in (laptop, desktop):
        files = _listing(vdir)
        dump = _dump_hash(side.path)
        out = side("sync", str(vdir), at="2026-11-28T14:00:00+00:00")
        assert out.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
        assert out.stdout == ""
        assert _listing(vdir) == files
        assert _dump_hash(side.path) == dump


def test_a_file_touched_but_unchanged_is_not_received(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    path = next((vdir / "contacts").iterdir())
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 5_000_000_000))
    out = laptop("sync", str(vdir), at="2026-11-28T14:00:00+00:00")
    assert out.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    # The new mtime is remembered: the next sync does not even read the file.
    dump = _dump_hash(laptop.path)
    laptop("sync", str(vdir), at="2026-11-28T14:01:00+00:00")
    assert _dump_hash(laptop.path) == dump


def test_a_journal_entry_written_elsewhere_appears_in_the_timeline(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    dana_uid = laptop.rows("SELECT uid FROM contacts WHERE name = 'Dana Reyes'")[0][0]
    # As another app might write it: LF line endings, properties in another order.
    (vdir / "conversations" / "from-the-phone.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\nBEGIN:VJOURNAL\n"
        "UID:from-the-phone\nX-WINTOGETHER-PARTICIPANT:" + str(dana_uid) + "\n"
        "DESCRIPTION:Met Dana at the conference\\, she asked for pricing\n"
        "DTSTART:20261127T150000Z\nCATEGORIES:meeting\nDTSTAMP:20261127T160000Z\n"
        "END:VJOURNAL\nEND:VCALENDAR\n"
    )
    out = laptop("sync", str(vdir), at="2026-11-28T14:00:00+00:00")
    assert out.stderr.strip() == "sent 0, received 1, deleted 0, conflicts 0"
    timeline = laptop.json("show", "dana")["timeline"]
    entry = next(e for e in timeline if e.get("uid") == "from-the-phone")
    assert entry["note"] == "Met Dana at the conference, she asked for pricing"
    assert entry["channel"] == "meeting"
    assert entry["happened_at"].startswith("2026-11-27T15:00:00")


def test_unreadable_and_orphan_files_are_skipped_and_reported(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    (vdir / "contacts" / "broken.vcf").write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Half\n")
    (vdir / "promises" / "orphan.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VTODO\nUID:orphan\nSUMMARY:Buy milk\n"
        "DUE;VALUE=DATE:20261201\nDTSTAMP:20261127T160000Z\nEND:VTODO\nEND:VCALENDAR\n"
    )
    out = laptop("sync", str(vdir), at="2026-11-28T14:00:00+00:00")
    err = out.stderr
    assert "Skipped contact file broken.vcf: unreadable" in err
    assert "Skipped promise file orphan.ics: a to-do for no known contact" in err
    assert err.strip().splitlines()[-1] == "sent 0, received 0, deleted 0, conflicts 0, skipped 2"
    assert laptop.rows("SELECT count(*) FROM contacts") == [(2,)]

    # A synced file that turns unreadable is neither taken for deleted nor overwritten.
    path = vdir / "contacts" / f"{dana_uid(laptop)}.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nN:;;;;\nEND:VCARD\n")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T14:10:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T14:20:00+00:00")
    assert f"Skipped contact file {path.name}: unreadable (card 1 (line 1): no name" in out.stderr
    # The orphan to-do was reported once; it is listed by `wt sync --unmatched` now.
    assert "orphan.ics" not in out.stderr
    assert (
        out.stderr.strip().splitlines()[-1]
        == "sent 0, received 0, deleted 0, conflicts 0, skipped 2"
    )
    assert laptop.rows("SELECT count(*) FROM contacts") == [(2,)]
    assert "CFO" not in path.read_text()


def test_dry_run_and_json(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    dump = _dump_hash(laptop.path)
    out = laptop("sync", str(vdir), "--dry-run")
    assert "Would have sent contact Dana Reyes" in out.stderr
    assert out.stderr.strip().endswith("(dry run: nothing changed)")
    assert not vdir.exists()
    assert _dump_hash(laptop.path) == dump
    data = laptop.json("sync", str(vdir))
    assert data["sent"] == 4
    assert data["dry_run"] is False
    kinds = sorted({c["kind"] for c in data["changes"]})
    assert kinds == ["contact", "conversation", "promise"]


def test_the_config_names_the_vdir(sides: tuple[Side, Side, Path], tmp_path: Path) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    missing = laptop("sync", ok=False)
    assert missing.exit_code == 1
    assert "No vdir given." in missing.stderr
    assert missing.stdout == ""
    write_config(tmp_path, f'[sync]\nvdir = "{vdir}"\n')
    out = laptop("sync")
    assert "sent 4" in out.stderr
    assert len(list((vdir / "contacts").iterdir())) == 2
    write_config(tmp_path, "[sync]\nvdir = 3\n")
    bad = laptop("sync", ok=False)
    assert bad.exit_code == 1
    assert "[sync] vdir must be a folder name" in bad.stderr


def test_a_vanished_collection_deletes_nothing(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    for path in (vdir / "contacts").iterdir():
        path.unlink()
    (vdir / "contacts").rmdir()
    dump = _dump_hash(laptop.path)
    out = laptop("sync", str(vdir), ok=False)
    assert out.exit_code == 1
    assert "contacts is missing, but 2 contacts were synced with it" in out.stderr
    assert _dump_hash(laptop.path) == dump


def test_a_sync_can_be_undone(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    assert desktop.rows("SELECT count(*) FROM contacts") == [(2,)]
    desktop("undo", at="2026-11-28T10:40:00+00:00")
    assert desktop.rows("SELECT count(*) FROM contacts") == [(0,)]


def test_a_sent_version_replaced_by_an_older_one_is_a_conflict(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    """vdirsyncer lets the server win its own conflicts; wt sync then applies the time rule."""
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    uid = laptop.rows("SELECT uid FROM contacts WHERE name = 'Dana Reyes'")[0][0]
    # The laptop edits first and its vdir (synced to the server) gets CFO at 11:00 ...
    own = tmp_path / "laptop-vdir"
    laptop("sync", str(own), at="2026-11-28T10:40:00+00:00")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T11:00:00+00:00")
    laptop("sync", str(own), at="2026-11-28T11:05:00+00:00")
    older = (own / "contacts" / f"{uid}.vcf").read_bytes()
    # ... the desktop edits later and writes its version, which the server's replaces.
    desktop("edit", "dana", "--title", "VP Finance", at="2026-11-28T12:00:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    (vdir / "contacts" / f"{uid}.vcf").write_bytes(older)
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert out.stderr.strip().splitlines()[-1] == (
        "sent 1, received 0, deleted 0, conflicts 1: Dana Reyes, title"
    )
    assert desktop.json("show", "dana")["contact"]["title"] == "VP Finance"
    rewritten = (vdir / "contacts" / f"{uid}.vcf").read_text()
    assert "TITLE:VP Finance" in rewritten
    # Marked, so that vdirsyncer sees a new version to upload (see domain/sync/apply.py).
    assert "X-WINTOGETHER-SETTLED:20261128T121000Z" in rewritten
    lost = desktop.rows("SELECT old_value FROM contact_events WHERE kind = 'sync_conflict'")
    assert "title: CFO" in str(lost[0][0])

    # A later version replacing ours wins, and it is still a conflict: the two
    # edits were made without seeing each other, and ours goes on the timeline.
    laptop("edit", "dana", "--title", "CEO", at="2026-11-28T13:00:00+00:00")
    laptop("sync", str(own), at="2026-11-28T13:05:00+00:00")
    desktop("edit", "dana", "--title", "COO", at="2026-11-28T12:30:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T12:35:00+00:00")
    (vdir / "contacts" / f"{uid}.vcf").write_bytes((own / "contacts" / f"{uid}.vcf").read_bytes())
    out = desktop("sync", str(vdir), at="2026-11-28T13:10:00+00:00")
    assert out.stderr.strip().splitlines()[-1] == (
        "sent 0, received 1, deleted 0, conflicts 1: Dana Reyes, title"
    )
    assert desktop.json("show", "dana")["contact"]["title"] == "CEO"
    lost = desktop.rows(
        "SELECT old_value, new_value FROM contact_events WHERE kind = 'sync_conflict' ORDER BY id"
    )
    assert lost[-1] == ("title: COO", "title: CEO")


def test_renaming_a_contact_rewrites_its_promises_only_when_they_show_it(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    promise = next((vdir / "promises").iterdir())
    laptop("edit", "dana", "--name", "Dana Reyes-Park", at="2026-11-28T11:00:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert out.stderr.strip() == "sent 2, received 0, deleted 0, conflicts 0"
    assert "(for Dana Reyes-Park)" in promise.read_bytes().decode().replace("\r\n ", "")
    desktop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert desktop.json("followups")[0]["contact"]["name"] == "Dana Reyes-Park"

    # A change to the contact that promises do not show rewrites the card (its REV) only.
    before = promise.stat().st_mtime_ns, promise.stat().st_ino
    laptop("edit", "dana", "--every", "2w", at="2026-11-28T12:00:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    assert out.stderr.strip() == "sent 1, received 0, deleted 0, conflicts 0"
    assert (promise.stat().st_mtime_ns, promise.stat().st_ino) == before
    dump = _dump_hash(laptop.path)
    laptop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert _dump_hash(laptop.path) == dump


def test_a_contact_deleted_on_the_phone_takes_its_promises_in_the_same_sync(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    laptop("add", "Priya Shah", "--company", "Initech")
    laptop("add", "Marcus O'Neil")
    laptop("follow-up", "priya", "Send the deck", "--due", "fri")
    laptop("sync", str(vdir))
    priya = laptop.rows("SELECT uid FROM contacts WHERE name = 'Priya Shah'")[0][0]
    (vdir / "contacts" / f"{priya}.vcf").unlink()
    out = laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    # Only a promise to her: nothing else to keep, so she goes, her promise with her.
    assert out.stderr.strip() == "sent 0, received 0, deleted 2, conflicts 0"
    assert list((vdir / "promises").iterdir()) == []
    assert laptop.rows("SELECT name FROM contacts") == [("Marcus O'Neil",)]
    assert laptop.rows("SELECT count(*) FROM promises") == [(0,)]
    files, dump = _listing(vdir), _dump_hash(laptop.path)
    again = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert again.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    assert (_listing(vdir), _dump_hash(laptop.path)) == (files, dump)


def test_a_contact_with_history_deleted_on_the_phone_is_archived_here(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    (vdir / "contacts" / f"{dana_uid(laptop)}.vcf").unlink()
    data = laptop.json("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    assert (data["deleted"], data["sent"], data["received"]) == (1, 0, 0)
    assert data["changes"][0]["detail"] == (
        "deleted there: archived here, with its history (1 conversation)"
    )
    # Archived with its history, and a timeline entry saying why; its promise stays.
    assert laptop.rows("SELECT archived_at FROM contacts WHERE name = 'Dana Reyes'") == [
        ("2026-11-28T11:00:00Z",)
    ]
    events = laptop.rows("SELECT kind, text FROM contact_events")
    assert events == [
        (
            "sync_deleted",
            "Deleted on another device; archived here with its history"
            " (unarchive to sync it again).",
        )
    ]
    assert laptop.rows("SELECT count(*) FROM promises") == [(1,)]
    files, dump = _listing(vdir), _dump_hash(laptop.path)
    again = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert again.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    assert (_listing(vdir), _dump_hash(laptop.path)) == (files, dump)


def test_every_synced_contact_field_round_trips(sides: tuple[Side, Side, Path]) -> None:
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "Northwind", "--title", "CFO",
           "--email", "dana@northwind.example", "--email", "dana@home.example",
           "--phone", "+1 555 0100", "--tag", "customers", "--tag", "vip/gold",
           "--birthday", "--04-17", "--linkedin", "https://www.linkedin.com/in/dana-reyes",
           "--note", "Likes early calls; two kids")  # fmt: skip
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    keys = ("uid", "name", "company", "title", "emails", "phones", "linkedin", "urls", "tags",
            "birthday", "notes")  # fmt: skip
    mine = laptop.json("show", "dana")["contact"]
    theirs = desktop.json("show", "dana")["contact"]
    assert {k: theirs[k] for k in keys} == {k: mine[k] for k in keys}
    assert theirs["birthday"] == "--04-17"


def test_an_emptied_collection_needs_force_delete(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    for path in (vdir / "contacts").iterdir():
        path.unlink()
    dump = _dump_hash(laptop.path)
    out = laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00", ok=False)
    assert out.exit_code == 1
    assert (
        "contacts is empty, but 2 contacts were synced with it: refusing to delete 2" in out.stderr
    )
    assert "wt sync --force-delete" in out.stderr
    assert out.stdout == ""
    assert _dump_hash(laptop.path) == dump
    forced = laptop("sync", str(vdir), "--force-delete", at="2026-11-28T11:05:00+00:00")
    # Both contacts have a conversation here: archived, not deleted, Dana's promise kept.
    assert forced.stderr.strip().splitlines()[-1] == "sent 0, received 0, deleted 2, conflicts 0"
    assert "Contact Dana Reyes: deleted there: archived here" in forced.stderr
    assert laptop.rows("SELECT count(*) FROM contacts WHERE archived_at IS NULL") == [(0,)]
    assert laptop.rows("SELECT count(*) FROM contact_events WHERE kind = 'sync_deleted'") == [(2,)]


@pytest.mark.parametrize("how", ["forget", "undo"])
def test_a_collection_emptied_by_a_sync_elsewhere_is_followed_without_force(
    sides: tuple[Side, Side, Path], how: str
) -> None:
    """The laptop forgets Dana (her conversation, the only one, goes) or undoes
    the only gift recorded: its sync takes the last file out of the folder and
    notes so; the desktop follows, with everything else the laptop changed."""
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes")
    laptop("add", "Sam Okafor")
    laptop("log", "Dana Reyes", "The only call")
    laptop("gave", "Sam Okafor", "A tip", "--kind", "advice")
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    if how == "forget":
        laptop("forget", "Dana Reyes", "--yes", at="2026-11-28T11:00:00+00:00")
        emptied, gone = "conversations", "SELECT count(*) FROM interactions"
    else:
        laptop("undo", at="2026-11-28T11:00:00+00:00")
        emptied, gone = "history", "SELECT count(*) FROM ledger"
    laptop("edit", "Sam Okafor", "--role", "champion", at="2026-11-28T11:01:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert not any(p.suffix for p in (vdir / emptied).iterdir())
    out = desktop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert "refusing" not in out.stderr
    assert desktop.rows(gone) == [(0,)]
    assert desktop.json("show", "Sam")["contact"]["role"] == "champion"
    for side in (laptop, desktop):
        quiet = side("sync", str(vdir), at="2026-11-28T12:00:00+00:00").stderr
        assert quiet.strip().splitlines()[-1] == "sent 0, received 0, deleted 0, conflicts 0"


def test_the_note_of_what_a_sync_took_out_does_not_cover_a_wiped_folder(
    sides: tuple[Side, Side, Path],
) -> None:
    """A collection emptied by hand (or by a wiped server) is still refused,
    even with the note of what syncs took out there, and whatever the note is
    (a pipe, a link, noise)."""
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("add", "Sam Okafor")
    laptop("sync", str(vdir))
    sam = laptop.rows("SELECT uid FROM contacts WHERE name = 'Sam Okafor'")[0][0]
    laptop("forget", "Sam Okafor", "--yes", at="2026-11-28T10:40:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:45:00+00:00")
    note = vdir / ".wintogether-removed"
    assert note.read_text().split() == [removed_key("contact", sam), forgotten_key("contact", sam)]
    assert sam not in note.read_text()
    for path in (vdir / "contacts").iterdir():
        path.unlink()
    for hostile in ("as written", "noise", "fifo", "link"):
        if hostile == "noise":
            note.write_bytes(b"\xff\x00 contact\ncontact\n" * 1000 + b"0" * 2_000_000)
        elif hostile == "fifo":
            note.unlink()
            os.mkfifo(note)
        elif hostile == "link":
            note.unlink()
            target = vdir / "elsewhere"
            target.write_text("".join(f"{removed_key('contact', u)}\n" for (u,) in laptop.rows(
                "SELECT uid FROM contacts")))  # fmt: skip
            note.symlink_to(target)
        out = laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00", ok=False)
        assert out.exit_code == 1 and "refusing to delete 2" in out.stderr, (hostile, out)


def test_an_archive_for_a_deletion_elsewhere_is_said_on_the_terminal(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("add", "Sam Solo")
    laptop("sync", str(vdir))
    (vdir / "contacts" / f"{dana_uid(laptop)}.vcf").unlink()
    sam = laptop.rows("SELECT uid FROM contacts WHERE name = 'Sam Solo'")[0][0]
    (vdir / "contacts" / f"{sam}.vcf").unlink()
    out = laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    assert out.stderr.strip().splitlines() == [
        "Contact Dana Reyes: deleted there: archived here, with its history (1 conversation)",
        "sent 0, received 0, deleted 2, conflicts 0",
    ]
    shown = laptop("history", "--kind", "sync_deleted", "--format", "csv",
                   at="2026-11-28T11:10:00+00:00").stdout  # fmt: skip
    assert "sync_deleted" in shown and "Dana Reyes" in shown and "Sam Solo" not in shown


def test_an_unchanged_sync_loads_no_hashing_json_or_dataclasses(
    sides: tuple[Side, Side, Path],
) -> None:
    """A sync with nothing to do compares sizes, times and versions only: it
    reads no file, so it never loads hashlib (OpenSSL), the json package or
    dataclasses (what `wt sync` from a shell alias pays on every run)."""
    import subprocess
    import sys

    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    env = {**os.environ, "WINTOGETHER_DB": str(laptop.path), "WINTOGETHER_NOW": LAPTOP_AT}
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "wintogether", "sync", str(vdir)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "sent 0, received 0, deleted 0, conflicts 0" in done.stderr
    modules = {
        line.rsplit("|", 1)[1].strip()
        for line in done.stderr.splitlines()
        if line.startswith("import time:") and "|" in line
    }
    assert not modules & {"hashlib", "_hashlib", "json", "dataclasses"}, sorted(
        modules & {"hashlib", "_hashlib", "json", "dataclasses"}
    )
    # A changed file is still hashed and read: the desktop edits, the laptop takes it.
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    desktop("edit", "dana", "--title", "VP Sales", at="2026-11-28T11:00:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T12:00:00+00:00")
    assert "received 1" in out.stderr
    assert laptop.rows("SELECT title FROM contacts WHERE name = 'Dana Reyes'") == [("VP Sales",)]


def test_the_state_read_without_its_texts_reads_them_when_asked(
    sides: tuple[Side, Side, Path],
) -> None:
    """load_state(texts=False) (a sync's plan) gives each row the same merge
    texts as reading them with the row, read in one query when first asked."""
    from wintogether.store import open_store
    from wintogether.store import sync as ss

    laptop, _, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    store, _ = open_store(laptop.path)
    try:
        key = str(vdir.resolve())
        with store.read():
            eager = ss.load_state(store, key, "contact")
            lazy = ss.load_state(store, key, "contact", texts=False)
            assert eager and set(eager) == set(lazy)
            for uid, row in eager.items():
                assert row.base is not None
                assert (lazy[uid].base, lazy[uid].ours) == (row.base, row.ours)
                assert lazy[uid].file_name == row.file_name
        # Outside a transaction the two reads would see different snapshots:
        # the texts come with the rows then.
        outside = ss.load_state(store, key, "contact", texts=False)
        assert all(row._texts is None for row in outside.values())
        assert {uid: row.base for uid, row in outside.items()} == {
            uid: row.base for uid, row in eager.items()
        }
    finally:
        store.close()
