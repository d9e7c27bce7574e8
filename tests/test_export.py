"""`wt export`: JSON round trip, CSV safety, vCard and iCalendar checked by real readers."""

from __future__ import annotations

import json
import os
import sqlite3
import stat
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from conftest import SAMPLES, Invoke, NewDatabase, WrittenOnce
from factory import Factory


def add_ledger(db: Path, contact_id: int, direction: str, text: str) -> None:
    """The ledger commands live elsewhere; write a row the way they would."""
    conn = sqlite3.connect(db)
    with conn:
        conn.execute(
            "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at, created_at,"
            " updated_at) VALUES (?, ?, ?, 'intro', ?, '2026-11-20T09:00:00Z',"
            " '2026-11-20T09:00:00Z', '2026-11-20T09:00:00Z')",
            (f"ledger-{contact_id}-{direction}", contact_id, direction, text),
        )
    conn.close()


@pytest.fixture
def full(dana: Path, wt: Invoke, tmp_path: Path, written_once: WrittenOnce) -> Path:
    """A database with every kind of record, including hostile text: written by the
    first test, copied for the others."""
    return written_once("test_export full", lambda: _write_full(dana, wt, tmp_path))


def _write_full(dana: Path, wt: Invoke, tmp_path: Path) -> Path:
    wt("import", str(SAMPLES / "hostile_linkedin.csv"))
    wt("import", str(SAMPLES / "contacts_v4.vcf"))
    with Factory(dana) as make:
        make.edit(
            "dana",
            every="monthly",
            via="marcus",
            birthday="1986-04-17",
            phones=["+1 415 555 0100"],
            linkedin="https://www.linkedin.com/in/danareyes",
        )
        make.log(
            "dana",
            "Renewal talk; END:VTODO\nBEGIN:VEVENT\nSUMMARY:x",
            with_=["marcus"],
            follow_up="fri",
            at="2026-11-27T15:00",
        )
        make.promise(
            "marcus",
            "Send the deck, \\ with ; and , and a long line " + "x" * 90,
            due="2026-12-10",
            theirs=True,
        )
        make.done(make.promise("dana", "Done already", due="2026-11-01"))
    add_ledger(dana, 1, "gave", "Intro to Initech")
    add_ledger(dana, 2, "got", "Referral")
    with Factory(dana) as make:
        make.gave("dana", "Intro to Marcus", kind="intro", to="marcus", at="2026-11-21")
        make.win("marcus", "Closed the pilot", mine="A reference customer", at="2026-11-22")
    text = (SAMPLES / "linkedin_connections.csv").read_text(encoding="utf-8-sig")
    wt("import", str(SAMPLES / "linkedin_connections.csv"))
    newer = tmp_path / "newer.csv"
    newer.write_text(text.replace("Fabrikam,Chief Revenue Officer", "Initech,VP Sales"), "utf-8")
    wt("import", str(newer))  # a job-change event
    wt("archive", "Li Lei")
    return dana


def dump(wt: Invoke) -> dict:
    data = json.loads(wt("export").stdout)
    data.pop("exported_at")
    return data


def test_json_round_trip_into_an_empty_database(
    full: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = dump(wt)
    assert {k: len(v) for k, v in original.items() if isinstance(v, list)} == {
        "contacts": 11, "conversations": 1, "promises": 3, "ledger": 3, "wins": 1, "events": 1,
        "companies": 11,
        "deals": 0, "deal_steps": 0, "plan_templates": 0, "capture_never": 0,
        "capture_reviewed": 0,
    }  # fmt: skip
    out = tmp_path / "all.json"
    wt("export", "-o", str(out))
    monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / "fresh.db"))
    wt("init")
    run = wt("import", str(out))
    assert "11 added" in run.stderr
    assert "history: 1 conversations, 3 promises, 3 ledger, 1 wins, 1 events" in run.stderr
    assert dump(wt) == original  # everything, field by field, timestamps included
    # and the derived state agrees: last touch, archive, job change on the dashboard
    shown = json.loads(wt("show", "dana", "--json").stdout)
    assert shown["contact"]["last_touch_at"] is not None
    assert shown["contact"]["introduced_by"]["name"] == "Marcus O'Neil"
    intro = next(e for e in shown["timeline"] if e["kind"] == "ledger" and e["to_contact"])
    assert intro["to_contact"]["name"] == "Marcus O'Neil"  # the intro keeps both people
    marcus = json.loads(wt("show", "marcus", "--json").stdout)
    assert [e["theirs"] for e in marcus["timeline"] if e["kind"] == "win"] == ["Closed the pilot"]
    # importing it again changes nothing
    assert "0 added, 0 updated" in wt("import", str(out)).stderr
    assert dump(wt) == original


def test_json_into_a_database_that_has_some_of_it(full: Path, wt: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "all.json"
    wt("export", "-o", str(out))
    before = dump(wt)
    run = wt("import", str(out))
    assert "0 added, 0 updated" in run.stderr
    assert dump(wt) == before


def test_json_is_versioned_and_checked(db: Path, wt: Invoke, tmp_path: Path) -> None:
    data = json.loads(wt("export").stdout)
    assert (data["format"], data["version"]) == ("wintogether", 1)
    newer = tmp_path / "newer.json"
    newer.write_text(json.dumps({"format": "wintogether", "version": 99, "contacts": []}))
    run = wt("import", str(newer), ok=False)
    assert run.exit_code == 1 and "version 99" in run.stderr
    other = tmp_path / "other.json"
    other.write_text('{"people": []}')
    assert "not a wintogether export" in wt("import", str(other), ok=False).stderr


def test_json_escapes_control_characters(db: Path, wt: Invoke) -> None:
    wt("import", str(SAMPLES / "hostile_linkedin.csv"))
    out = wt("export").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\u001b[2J" in out and "\\u202e" in out
    assert json.loads(out)["contacts"][1]["name"].startswith("Eve\x1b[2J")


def test_csv_export_is_formula_safe(full: Path, wt: Invoke) -> None:
    import csv
    import io

    out = wt("export", "--format", "csv").stdout
    rows = list(csv.DictReader(io.StringIO(out)))
    companies = {r["name"]: r["company"] for r in rows}
    assert companies["[bold red]Mallory [/]"] == '\'=HYPERLINK("http://evil.example","click")'
    for row in rows:
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@", "\t", "\r")), value
    conversations = wt("export", "--format", "csv", "--what", "conversations").stdout
    rows = list(csv.DictReader(io.StringIO(conversations)))
    assert rows[0]["participants"] == "Dana Reyes; Marcus O'Neil"
    assert rows[0]["note"].startswith("Renewal talk")


def test_vcard_export_parsed_by_vobject(full: Path, wt: Invoke) -> None:
    import vobject

    for version in ("4.0", "3.0"):
        out = wt("export", "--format", "vcard", "--vcard-version", version).stdout
        cards = list(vobject.readComponents(out))
        assert len(cards) == 11
        assert all(c.version.value == version for c in cards)
        dana = next(c for c in cards if c.fn.value == "Dana Reyes")
        assert dana.org.value == ["Northwind Traders"]
        assert dana.bday.value == "1986-04-17"
        assert [u.value for u in dana.contents["url"]] == ["https://www.linkedin.com/in/danareyes"]
        kenji = next(c for c in cards if c.fn.value == "Kenji Watanabe")
        assert kenji.bday.value == ("--0902" if version == "4.0" else "1604-09-02")
        eve = next(c for c in cards if c.fn.value.startswith("Eve"))
        assert eve.fn.value == "Eve\x1b[2J\x1b]0;pwned\x07 Tab CR LF"


def test_vcard_round_trip(
    full: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "all.vcf"
    wt("export", "--format", "vcard", "-o", str(out))
    before = {c["name"]: c for c in json.loads(wt("export").stdout)["contacts"]}
    monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / "fresh.db"))
    wt("init")
    assert "11 added" in wt("import", str(out)).stderr
    after = {c["name"]: c for c in json.loads(wt("export").stdout)["contacts"]}
    assert set(after) == set(before)
    for name, old in before.items():
        new = after[name]
        for key in (
            "uid",
            "company",
            "title",
            "emails",
            "phones",
            "urls",
            "tags",
            "birthday",
            "notes",
        ):
            assert new[key] == old[key], (name, key)


def test_split_directory_read_by_khard(full: Path, wt: Invoke, tmp_path: Path) -> None:
    book = tmp_path / "book"
    run = wt("export", "--format", "vcard", "--split", str(book))
    assert "Wrote 11 vCards" in run.stderr
    uids = {c["uid"] for c in json.loads(wt("export").stdout)["contacts"]}
    assert {p.stem for p in book.iterdir()} == uids
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in book.iterdir())
    config = tmp_path / "khard.conf"
    config.write_text(
        f"[addressbooks]\n[[wt]]\npath = {book}\n\n[general]\ndefault_action = list\n"
        "editor = /bin/false\nmerge_editor = /bin/false\n",
        encoding="utf-8",
    )
    khard = Path(sys.executable).parent / "khard"
    proc = subprocess.run(
        [str(khard), "-c", str(config), "list", "--parsable"],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    listed = proc.stdout
    for name in (
        "Dana Reyes",
        "Kenji Watanabe",
        "José Núñez",
        "Marcus O'Neil",
        "[bold red]Mallory [/]",
    ):
        assert name in listed
    assert len(listed.strip().splitlines()) == 11
    # a second split refuses to overwrite, --force replaces
    (book / sorted(uids)[0]).with_suffix(".vcf").unlink()
    stamps = {p.name: p.stat().st_mtime_ns for p in book.iterdir()}
    refused = wt("export", "--format", "vcard", "--split", str(book), ok=False)
    assert refused.exit_code == 1 and "10 of the files already exist" in refused.stderr
    assert {p.name: p.stat().st_mtime_ns for p in book.iterdir()} == stamps  # none written
    wt("export", "--format", "vcard", "--split", str(book), "--force")


def test_split_never_writes_through_a_symlink(full: Path, wt: Invoke, tmp_path: Path) -> None:
    book, outside = tmp_path / "book", tmp_path / "outside"
    book.mkdir()
    outside.mkdir()
    victim = outside / "victim.txt"
    victim.write_text("mine")
    victim.chmod(0o644)
    uids = sorted(c["uid"] for c in json.loads(wt("export").stdout)["contacts"])
    (book / f"{uids[0]}.vcf").symlink_to(victim)
    (book / f"{uids[1]}.vcf").symlink_to(outside / "created-through-a-dangling-link.vcf")
    for extra in ((), ("--force",)):
        refused = wt("export", "--format", "vcard", "--split", str(book), *extra, ok=False)
        assert refused.exit_code == 1
        assert "is a symbolic link (not followed)" in refused.stderr
        assert "nothing was written" in refused.stderr
        assert victim.read_text() == "mine"
        assert stat.S_IMODE(victim.stat().st_mode) == 0o644
        assert sorted(p.name for p in outside.iterdir()) == ["victim.txt"]
        assert sorted(p.name for p in book.iterdir()) == sorted(f"{u}.vcf" for u in uids[:2])
    # A temporary file a killed export left behind is cleaned up by the next one.
    for link in book.iterdir():
        link.unlink()
    (book / f".{uids[0]}.vcf.999999999-0123abcd.tmp").write_text("half a card")
    wt("export", "--format", "vcard", "--split", str(book))
    assert sorted(p.name for p in book.iterdir()) == sorted(f"{u}.vcf" for u in uids)


def test_ics_parsed_with_exact_component_count(full: Path, wt: Invoke, tmp_path: Path) -> None:
    from icalendar import Calendar

    path = tmp_path / "wt.ics"
    wt("export", "--format", "ics", "-o", str(path))
    out = path.read_bytes().decode("utf-8")
    assert out.count("\r\n") == out.count("\n")  # CRLF line ends, as RFC 5545 wants
    calendar = Calendar.from_ical(out)
    todos = list(calendar.walk("VTODO"))
    events = list(calendar.walk("VEVENT"))
    assert len(todos) == 2  # the open promises; the done one is not a to-do
    assert len(events) == 2  # Dana's and Kenji's birthdays
    assert out.count("BEGIN:VTODO") == 2 and out.count("BEGIN:VEVENT") == 2
    tricky = next(t for t in todos if "Renewal" in str(t["summary"]))
    assert "END:VTODO" in str(tricky["summary"])
    deck = next(t for t in todos if "deck" in str(t["summary"]))
    assert "\\ with ; and ," in str(deck["summary"])
    assert [line for line in out.split("\r\n") if len(line.encode()) > 75] == []  # folded
    birthday = next(e for e in events if "Kenji" in str(e["summary"]))
    assert birthday["rrule"]["FREQ"] == ["YEARLY"]
    assert birthday["dtstart"].dt.isoformat() == "2000-09-02"
    # stable UIDs: a second export names the same components
    again = Calendar.from_ical(wt("export", "--format", "ics").stdout)
    assert sorted(str(c["uid"]) for c in again.walk() if "uid" in c) == sorted(
        str(c["uid"]) for c in calendar.walk() if "uid" in c
    )


def test_markdown_export_escapes(full: Path, wt: Invoke) -> None:
    wt("add", "# Heading <script>alert(1)</script> | pipe", "--company", "javascript:alert(1)")
    out = wt("export", "--format", "md").stdout
    line = next(x for x in out.splitlines() if "Heading" in x)
    assert "<script>" not in line and "&lt;script&gt;" in line
    assert "\\# Heading" in line and "\\| pipe" in line
    assert "javascript:" not in line


def test_selection_contact_tag_since(full: Path, wt: Invoke) -> None:
    one = json.loads(wt("export", "--contact", "dana").stdout)
    assert [c["name"] for c in one["contacts"]] == ["Dana Reyes"]
    assert len(one["conversations"]) == 1 and len(one["ledger"]) == 2  # incl. her intro to Marcus
    tagged = json.loads(wt("export", "--tag", "partners").stdout)
    assert [c["name"] for c in tagged["contacts"]] == ["Marcus O'Neil"]
    recent = json.loads(wt("export", "--since", "2026-11-28").stdout)
    assert recent["conversations"] == []  # logged on the 27th
    assert wt("export", "--contact", "nobody-here", ok=False).exit_code == 1


def test_since_a_day_starts_at_its_first_moment(db: Path, wt: Invoke) -> None:
    """`--since 2026-11-01` keeps the whole day, whatever the time now (10:00);
    a time keeps from that time."""
    wt("add", "Ann Bee")
    wt("log", "ann", "morning", "--at", "2026-11-01T09:00")
    wt("log", "ann", "evening", "--at", "2026-11-01T18:00")
    wt("log", "ann", "yesterday early", "--at", "2026-11-27T08:00")
    wt("log", "ann", "today early", "--at", "2026-11-28T08:00")

    def notes(*since: str) -> list[str]:
        data = json.loads(wt("export", "--since", *since).stdout)
        return sorted(c["note"] for c in data["conversations"])

    assert notes("2026-11-01") == ["evening", "morning", "today early", "yesterday early"]
    assert notes("2026-11-01T12:00") == ["evening", "today early", "yesterday early"]
    assert notes("yesterday") == ["today early", "yesterday early"]
    assert notes("2026-11-02") == ["today early", "yesterday early"]
    assert notes("now") == []  # from this moment, not from the start of today


def test_output_file_is_private_atomic_and_guarded(full: Path, wt: Invoke, tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    run = wt("export", "-o", str(out))
    assert run.stdout == "" and "to " + str(out) in run.stderr
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    first = out.read_text()
    refused = wt("export", "-o", str(out), "--format", "csv", ok=False)
    assert refused.exit_code == 1 and "already exists" in refused.stderr
    assert out.read_text() == first
    wt("export", "-o", str(out), "--format", "csv", "--force")
    assert out.read_text().startswith("uid,name")
    for target in (full, Path(f"{full}-wal"), Path(f"{full}-shm")):
        run = wt("export", "-o", str(target), "--force", ok=False)
        assert run.exit_code == 1 and "Refusing to write over the database" in run.stderr
    assert wt("export", "-o", str(tmp_path), ok=False).exit_code == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_failed_export_leaves_no_file(
    full: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wintogether.formats import vcard

    def broken(contact: dict, version: str = "4.0") -> str:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(vcard, "card_text", broken)
    out = tmp_path / "x.vcf"
    run = wt("export", "--format", "vcard", "-o", str(out), ok=False)
    assert run.exit_code == 1
    assert run.stderr == f"Error: The disk is full: {out} was not written.\n"
    assert list(tmp_path.glob("*x.vcf*")) == []


def test_broken_history_records_are_reported_not_crashed(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    data = json.loads(wt("export").stdout)
    data["contacts"] = [
        {"uid": "c-1", "name": "Ann Lee", "emails": [], "phones": [], "urls": [], "tags": []}
    ]
    data["conversations"] = [
        {
            "uid": "v-1",
            "happened_at": "2026-11-01T10:00:00Z",
            "channel": "telepathy",
            "note": "x",
            "participants": ["c-1"],
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "yesterday",
        },
        {"uid": "v-2"},
    ]
    data["promises"] = [
        {
            "uid": "p-1",
            "contact": "c-1",
            "text": "t",
            "due_on": "2026-12-01",
            "owner": "nobody",
            "status": "open",
            "created_at": "2026-11-01T10:00:00Z",
            "updated_at": "2026-11-01T10:00:00Z",
        }
    ]
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert "conversation 1: updated_at 'yesterday' is not a UTC timestamp" in run.stderr
    assert "conversation 2: missing or empty created_at" in run.stderr
    assert "promise 1: owner 'nobody'" in run.stderr
    assert json.loads(wt("contacts", "--json").stdout) == []
    run = wt("import", str(path), "--skip-invalid")
    assert "1 added" in run.stderr and "3 unreadable skipped" in run.stderr
    exported = json.loads(wt("export").stdout)
    assert (len(exported["conversations"]), len(exported["promises"])) == (0, 0)


def test_output_to_a_pipe_or_device_writes_into_it(full: Path, wt: Invoke, tmp_path: Path) -> None:
    import threading

    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    wt("export", "--format", "csv", "-o", str(fifo))
    reader.join(timeout=10)
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not replaced by a file
    assert received and received[0].startswith(b"uid,name")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_output_through_a_symlink_keeps_the_link(full: Path, wt: Invoke, tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old", encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    wt("export", "-o", str(link), "--force")
    assert link.is_symlink()
    assert json.loads(real.read_text(encoding="utf-8"))["format"] == "wintogether"


def test_a_leap_day_birthday_comes_every_year_in_a_calendar(db: Path, wt: Invoke) -> None:
    """Born on 29 February: the last day of February each year (the 28th three
    years in four), as the dashboard keeps it; other birthdays on their day."""
    import icalendar
    import recurring_ical_events

    wt("add", "Dana Smith", "--birthday", "1992-02-29")
    wt("add", "Lee Park", "--birthday", "--03-01")
    calendar = icalendar.Calendar.from_ical(wt("export", "--format", "ics").stdout)
    days = {
        (str(e["summary"]), e["dtstart"].dt)
        for e in recurring_ical_events.of(calendar).between(date(2027, 1, 1), date(2029, 1, 1))
    }
    assert days == {
        ("Birthday: Dana Smith", date(2027, 2, 28)),
        ("Birthday: Dana Smith", date(2028, 2, 29)),
        ("Birthday: Lee Park", date(2027, 3, 1)),
        ("Birthday: Lee Park", date(2028, 3, 1)),
    }


@pytest.mark.parametrize(
    "command",
    [["export"], ["today"], ["followups", "--json"], ["--help"], ["contacts", "--help"],
     ["--version"]],
)  # fmt: skip
def test_a_reader_that_stops_reading_is_not_a_failure(dana: Path, command: list[str]) -> None:
    """`wt export | head -1` under `set -o pipefail`: the reader closing the pipe is
    exit 0 and says nothing, however much was written before (it was 1, or 0 when
    the output fitted in the pipe)."""
    env = {**os.environ, "WINTOGETHER_DB": str(dana)}
    child = subprocess.Popen(
        [sys.executable, "-m", "wintogether", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    assert child.stdout is not None and child.stderr is not None
    child.stdout.close()  # the reader is gone before anything is written
    error = child.stderr.read()
    assert (child.wait(timeout=60), error) == (0, b"")


def test_since_carries_what_was_made_since_for_contacts_that_did_not_change(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Only contacts changed since were selected, and every other section was
    # narrowed to them: a promise made and an intro given since, to people
    # not edited since, gave "Exported nothing".
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-20T10:00:00+00:00")
    wt("add", "Dana Reyes", "--email", "dana@northwind.example")
    wt("add", "Marcus Lee")
    wt("add", "Old Friend")
    wt("log", "marcus", "first call", "--at", "2026-11-19")
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T10:00:00+00:00")
    wt("follow-up", "dana", "Send SOC2 report", "--due", "2026-12-10")
    wt("gave", "marcus", "Intro to our CISO", "--kind", "intro", "--at", "2026-11-27")
    data = json.loads(wt("export", "--since", "2026-11-25").stdout)
    assert [p["text"] for p in data["promises"]] == ["Send SOC2 report"]
    assert [e["text"] for e in data["ledger"]] == ["Intro to our CISO"]
    assert data["conversations"] == []  # happened before the day
    assert sorted(c["name"] for c in data["contacts"]) == ["Dana Reyes", "Marcus Lee"]
    # and the file brings them into a database that has the people already
    copy = db.with_name("copy.db")
    wt("--db", str(copy), "init")
    whole = json.loads(wt("export").stdout)
    whole["promises"], whole["ledger"] = [], []
    (db.parent / "whole.json").write_text(json.dumps(whole))
    wt("--db", str(copy), "import", str(db.parent / "whole.json"))
    (db.parent / "since.json").write_text(json.dumps(data))
    wt("--db", str(copy), "import", str(db.parent / "since.json"))
    again = json.loads(wt("--db", str(copy), "export").stdout)
    assert [p["text"] for p in again["promises"]] == ["Send SOC2 report"]
    assert [e["text"] for e in again["ledger"]] == ["Intro to our CISO"]


def _moved_on_monday(
    wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path, str]:
    """Monday's export imported into a second database; the clock then moves
    to Wednesday. Returns Monday's file, Wednesday's (to write), that database."""
    monday, wednesday = tmp_path / "monday.json", tmp_path / "wednesday.json"
    monday.write_text(wt("export").stdout)
    desktop = str(tmp_path / "desktop.db")
    wt("--db", desktop, "init")
    wt("--db", desktop, "import", str(monday))
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-25T10:00:00+00:00")
    return monday, wednesday, desktop


def test_a_later_export_of_the_same_database_brings_what_changed_since(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Importing Wednesday's export where Monday's was imported: the promise
    # kept, the note edited and the deal won since were "unchanged".
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-23T10:00:00+00:00")
    wt("add", "Dana Reyes", "--email", "dana@northwind.example")
    wt("follow-up", "dana", "Send SOC2 report", "--due", "2026-11-26")
    wt("log", "dana", "Kickoff")
    wt("gave", "dana", "An intro", "--kind", "intro")
    wt(
        "deal",
        "add",
        "Northwind renewal",
        "--with",
        "dana",
        "--they-win",
        "SOC2",
        "--we-win",
        "ARR",
    )
    monday, wednesday, desktop = _moved_on_monday(wt, tmp_path, monkeypatch)
    wt("done", "1", "--note", "sent by mail")
    wt("conversation", "edit", "1", "Kickoff: budget approved")
    wt("deal", "won", "1")
    wednesday.write_text(wt("export").stdout)
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-26T10:00:00+00:00")
    wt("--db", desktop, "follow-up", "dana", "Call back", "--due", "2026-12-01")
    run = wt("--db", desktop, "import", str(wednesday))
    assert "3 updated" in run.stderr  # the promise, the conversation, the deal
    got = json.loads(wt("--db", desktop, "export").stdout)
    assert [(p["text"], p["status"], p["done_note"]) for p in got["promises"]] == [
        ("Send SOC2 report", "done", "sent by mail"),
        ("Call back", "open", None),
    ]
    assert [c["note"] for c in got["conversations"]] == ["Kickoff: budget approved"]
    assert [d["status"] for d in got["deals"]] == ["won"]
    assert len(got["wins"]) == 1
    # the older file again changes nothing newer here
    again = wt("--db", desktop, "import", str(monday))
    assert "history:" not in again.stderr
    assert json.loads(wt("--db", desktop, "export").stdout)["deals"][0]["status"] == "won"


def test_since_carries_only_the_companies_of_what_goes_out(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-01T10:00:00+00:00")
    wt("add", "Dana Reyes", "--company", "Northwind")
    wt("add", "Sam Lee", "--company", "Initech")
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-20T10:00:00+00:00")
    run = wt("export", "--since", "2026-11-10")
    data = json.loads(run.stdout)
    assert data["contacts"] == [] and data["companies"] == []
    assert "Exported nothing" in run.stderr
    wt("edit", "sam", "--title", "CTO")
    again = json.loads(wt("export", "--since", "2026-11-10").stdout)
    assert [c["name"] for c in again["companies"]] == ["Initech"]


def test_a_later_export_brings_who_was_in_a_conversation_and_on_a_deal(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-23T10:00:00+00:00")
    wt("add", "Dana Reyes")
    wt("add", "Marcus Lee")
    wt("log", "dana", "Kickoff")
    wt("deal", "add", "Northwind renewal", "--with", "dana", "--they-win", "SOC2",
       "--we-win", "ARR")  # fmt: skip
    _, wednesday, desktop = _moved_on_monday(wt, tmp_path, monkeypatch)
    wt("conversation", "edit", "1", "--with", "dana", "--with", "marcus")
    wt("deal", "edit", "1", "--with", "marcus")
    wednesday.write_text(wt("export").stdout)
    run = wt("--db", desktop, "import", str(wednesday))
    assert "2 updated" in run.stderr
    here = json.loads(wt("export").stdout)
    there = json.loads(wt("--db", desktop, "export").stdout)
    for section, people in (("conversations", "participants"), ("deals", "people")):
        assert sorted(there[section][0][people]) == sorted(here[section][0][people])
        assert len(here[section][0][people]) == 2


def test_an_import_that_merges_two_companies_here_says_so(
    db: Path,
    wt: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: NewDatabase,
) -> None:
    """The file's database merged Northwind into Northwind Traders; here they are
    two companies: the import merges them as the file did, and says so (the
    dry run too, merging nothing)."""
    wt("add", "Dana Reyes", "--company", "Northwind Traders")
    wt("add", "Sam Okafor", "--company", "Northwind")
    wt("company", "merge", "Northwind Traders", "Northwind")
    out = tmp_path / "export.json"
    wt("export", "-o", str(out))
    monkeypatch.setenv("WINTOGETHER_DB", str(new_database(tmp_path / "other.db")))
    wt("add", "Kim Ko", "--company", "Northwind")
    wt("add", "Lee Park", "--company", "northwind traders")
    said = "the companies 'Northwind' and 'northwind traders' {} merged into 'northwind traders'"
    dry = wt("import", str(out), "--dry-run")
    assert said.format("would be") in dry.stderr
    assert len(json.loads(wt("companies", "--json").stdout)) == 2
    done = wt("import", str(out), "--json")
    reasons = [n["reason"] for n in json.loads(done.stdout)["notices"]]
    assert any(said.format("are") in r for r in reasons), reasons
    [company] = json.loads(wt("companies", "--json").stdout)
    assert company["people"] == 4
