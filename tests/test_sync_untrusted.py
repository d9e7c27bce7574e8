"""`wt sync` trusts no file in the vdir, and keeps what a phone wrote that it does not own."""

from __future__ import annotations

import importlib.util
import json
import os
import stat
import time
from pathlib import Path

import pytest

import test_sync
from test_sync import Side, _dump_hash, _seed, dana_uid
from test_sync_patch import PHONE_CARD, PHOTO

LATER = "2026-11-28T11:00:00+00:00"
sides = test_sync.sides  # the same two databases and vdir

#: A photo is stored as a data: URI: the card's base64 text with its type.
PHOTO_URI = "data:image/jpeg;base64," + PHOTO


def _last(out: str) -> str:
    return out.strip().splitlines()[-1]


def test_a_symlink_is_never_followed_nor_written_through(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    victim = tmp_path / "victim.txt"
    victim.write_text("not a card")
    victim.chmod(0o644)
    card = vdir / "contacts" / f"{dana_uid(laptop)}.vcf"
    card.unlink()
    card.symlink_to(victim)
    laptop("edit", "dana", "--title", "CFO", at=LATER)
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert f"Skipped contact file {card.name}: a symbolic link (not followed)" in out.stderr
    # Not taken for "deleted there": Dana is still here, the link and its target untouched.
    assert laptop.rows("SELECT title FROM contacts WHERE name = 'Dana Reyes'") == [("CFO",)]
    assert card.is_symlink()
    assert victim.read_text() == "not a card"
    assert stat.S_IMODE(victim.stat().st_mode) == 0o644
    # A dangling link where a new item's file would go: nothing created outside the vdir.
    laptop("add", "Priya Shah", at=LATER)
    priya = str(laptop.rows("SELECT uid FROM contacts WHERE name = 'Priya Shah'")[0][0])
    (vdir / "contacts" / f"{priya}.vcf").symlink_to(tmp_path / "escaped.vcf")
    out = laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert not (tmp_path / "escaped.vcf").exists()
    assert f"Skipped contact file {priya}.vcf: a symbolic link (not followed)" in out.stderr


def test_a_fifo_or_folder_is_skipped_never_opened_and_never_a_deletion(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    dana = vdir / "contacts" / f"{dana_uid(laptop)}.vcf"
    dana.unlink()
    os.mkfifo(dana)  # opening it for reading would block forever
    promise = next((vdir / "promises").iterdir())
    promise.unlink()
    promise.mkdir()
    dump = _dump_hash(laptop.path)
    started = time.monotonic()
    out = laptop("sync", str(vdir), at=LATER)
    assert time.monotonic() - started < 30
    assert f"Skipped contact file {dana.name}: a named pipe" in out.stderr
    assert f"Skipped promise file {promise.name}: a folder, not a file" in out.stderr
    assert _last(out.stderr) == "sent 0, received 0, deleted 0, conflicts 0, skipped 2"
    assert _dump_hash(laptop.path) == dump
    assert stat.S_ISFIFO(dana.lstat().st_mode)


def test_a_file_over_the_size_cap_is_skipped_unread(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    big = vdir / "contacts" / "huge.vcf"
    note = "x" * 2_000_000
    big.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:huge\r\nFN:Huge\r\nNOTE:{note}\r\nEND:VCARD\r\n"
    )
    out = laptop("sync", str(vdir), at=LATER)
    assert "Skipped contact file huge.vcf: larger than the limit of 1 MB" in out.stderr
    assert laptop.rows("SELECT count(*) FROM contacts WHERE uid = 'huge'") == [(0,)]


def test_a_long_categories_list_is_read_quickly(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    laptop("sync", str(vdir))
    tags = ",".join(f"tag{i}" for i in range(8000))
    (vdir / "contacts" / "tags.vcf").write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:tags\r\nFN:Tagged Person\r\nCATEGORIES:{tags}\r\n"
        "END:VCARD\r\n"
    )
    started = time.monotonic()
    out = laptop("sync", str(vdir), at=LATER)
    assert time.monotonic() - started < 10  # 14 s when tags were deduplicated quadratically
    assert _last(out.stderr) == "sent 0, received 1, deleted 0, conflicts 0"
    assert laptop.rows("SELECT count(*) FROM contact_tags") == [(8000,)]


def _card(uid: str, name: str, extra: str = "") -> str:
    return f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:{uid}\r\nFN:{name}\r\n{extra}END:VCARD\r\n"


def test_files_get_the_limits_typed_commands_have(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    contacts, conversations = vdir / "contacts", vdir / "conversations"
    (contacts / "long.vcf").write_text(_card("long", "A" * 501))
    (contacts / "field.vcf").write_text(_card("field", "Big Note", f"NOTE:{'y' * 1_000_001}\r\n"))
    (contacts / "nul.vcf").write_text(_card("nul", "Nul\x00Name"))
    (contacts / "fine.vcf").write_text(_card("fine", "Fine Person"))
    (conversations / "future.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VJOURNAL\nUID:future\n"
        f"X-WINTOGETHER-PARTICIPANT:{dana_uid(laptop)}\nDESCRIPTION:Not yet\n"
        "DTSTART:20270101T100000Z\nDTSTAMP:20261127T160000Z\nEND:VJOURNAL\nEND:VCALENDAR\n"
    )
    (conversations / "nul.ics").write_text(
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VJOURNAL\nUID:nul\n"
        f"X-WINTOGETHER-PARTICIPANT:{dana_uid(laptop)}\nDESCRIPTION:Half\x00way\n"
        "DTSTART:20261127T100000Z\nDTSTAMP:20261127T160000Z\nEND:VJOURNAL\nEND:VCALENDAR\n"
    )
    out = laptop("sync", str(vdir), at=LATER)
    err = out.stderr
    assert "Skipped contact file long.vcf: The name is too long (501 characters" in err
    assert "Skipped contact file nul.vcf: The name contains a NUL character" in err
    assert "Skipped conversation file nul.ics: The note contains a NUL character" in err
    assert "Skipped contact file field.vcf: The notes is too long (1,000,001 characters" in err
    assert "Skipped conversation file future.ics: dated 2027-01-01T10:00:00Z, in the future" in err
    assert _last(err) == "sent 0, received 1, deleted 0, conflicts 0, skipped 5"
    assert laptop.rows(
        "SELECT uid FROM contacts WHERE uid IN ('long', 'nul', 'field', 'fine')"
    ) == [("fine",)]
    # What came in can go out and back in: the export imports into a new database.
    export = laptop("export", "--format", "json", at=LATER).stdout
    assert "Not yet" not in export


def test_a_killed_syncs_temporary_files_are_cleaned_up(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    uid = dana_uid(laptop)
    leftover = vdir / "contacts" / f".{uid}.vcf.999999999-0a1b2c3d.tmp"
    leftover.write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Half")
    other = vdir / "contacts" / ".not-ours.tmp"
    other.write_text("someone else's")
    out = laptop("sync", str(vdir), at=LATER)
    assert _last(out.stderr) == "sent 0, received 0, deleted 0, conflicts 0"
    assert not leftover.exists()
    assert other.exists()


def test_a_phone_card_keeps_photo_address_and_labels_after_a_local_edit(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    laptop("sync", str(vdir))
    card = vdir / "contacts" / "dana-phone-1.vcf"
    card.write_bytes(PHONE_CARD.encode())
    out = laptop("sync", str(vdir), at=LATER)
    assert _last(out.stderr) == "sent 0, received 1, deleted 0, conflicts 0"
    # The photo is stored as what it is (base64), not the repr of bytes.
    assert laptop.rows("SELECT value FROM contact_extras WHERE key = 'PHOTO'") == [(PHOTO_URI,)]
    laptop("edit", "dana", "--title", "VP Finance", at="2026-11-28T12:00:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    assert _last(out.stderr) == "sent 1, received 0, deleted 0, conflicts 0"
    after = card.read_bytes().decode()
    before = PHONE_CARD.split("\r\n")
    changed = {"TITLE:CFO", "REV:2026-11-01T10:00:00Z"}
    lines = after.split("\r\n")
    for line in before:
        if line not in changed:
            assert line in lines, line
    assert "TITLE:VP Finance" in lines
    # The other database receives it, photo and all, and sends it back unchanged.
    desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert desktop.rows("SELECT value FROM contact_extras WHERE key = 'PHOTO'") == [(PHOTO_URI,)]
    desktop("edit", "dana", "--company", "Initech", at="2026-11-28T12:20:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T12:25:00+00:00")
    lines = card.read_bytes().decode().split("\r\n")
    assert "ORG:Initech;Finance;EMEA" in lines
    for line in before:
        if line not in changed and not line.startswith("ORG:"):
            assert line in lines, line


def _todo(uid: str, summary: str) -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//phone//EN\nBEGIN:VTODO\n"
        f"UID:{uid}\nSUMMARY:{summary}\nDUE;VALUE=DATE:20261204\nSTATUS:NEEDS-ACTION\n"
        "DTSTAMP:20261127T160000Z\nEND:VTODO\nEND:VCALENDAR\n"
    )


def test_a_todo_made_elsewhere_goes_to_the_contact_its_summary_names(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("add", "Dana Whitfield", at=LATER)
    laptop("sync", str(vdir), at=LATER)
    promises = vdir / "promises"
    (promises / "p1.ics").write_text(_todo("p1", "Call about pilot (for Dana Reyes)"))
    (promises / "p2.ics").write_text(_todo("p2", "Marcus O'Neil owes me: the intro to Initech"))
    (promises / "p3.ics").write_text(_todo("p3", "Lunch with dana reyes next week"))
    (promises / "p4.ics").write_text(_todo("p4", "Call Dana"))  # two Danas: not guessed
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert "Skipped promise file p4.ics: a to-do for no known contact" in out.stderr
    assert _last(out.stderr) == "sent 0, received 3, deleted 0, conflicts 0, skipped 1"
    got = laptop.rows(
        "SELECT p.uid, c.name, p.text, p.owner FROM promises p JOIN contacts c"
        " ON c.id = p.contact_id WHERE p.uid LIKE 'p_' ORDER BY p.uid"
    )
    assert got == [
        ("p1", "Dana Reyes", "Call about pilot", "me"),
        ("p2", "Marcus O'Neil", "the intro to Initech", "them"),
        ("p3", "Dana Reyes", "Lunch with dana reyes next week", "me"),
    ]
    assert "listed by `wt sync --unmatched`" in out.stderr
    # Reported once, then listed, not warned about on every sync.
    again = laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert again.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    listed = laptop("sync", str(vdir), "--unmatched", at="2026-11-28T11:10:00+00:00")
    assert listed.stdout == "p4\t2026-12-04\tCall Dana\n"
    assert laptop.json("sync", str(vdir), "--unmatched", at="2026-11-28T11:10:00+00:00") == [
        {"uid": "p4", "file": "p4.ics", "summary": "Call Dana", "due_on": "2026-12-04"}
    ]
    # Given to a contact by hand: the sync that follows brings it in as her promise.
    out = laptop("sync", str(vdir), "--attach", "p4", "--to", "Dana Whitfield",
                 at="2026-11-28T11:15:00+00:00")  # fmt: skip
    assert "Gave the to-do 'Call Dana' to Dana Whitfield." in out.stderr
    assert _last(out.stderr) == "sent 0, received 1, deleted 0, conflicts 0"
    assert laptop.rows(
        "SELECT c.name, p.text FROM promises p JOIN contacts c ON c.id = p.contact_id"
        " WHERE p.uid = 'p4'"
    ) == [("Dana Whitfield", "Call Dana")]
    none = laptop("sync", str(vdir), "--unmatched", at="2026-11-28T11:20:00+00:00")
    assert (none.stdout, none.stderr.strip()) == ("", "No unmatched to-dos.")
    wrong = laptop("sync", str(vdir), "--attach", "p4", "--to", "dana", ok=False)
    assert wrong.exit_code == 1 and "No unmatched to-do has the uid 'p4'" in wrong.stderr
    # A deleted unmatched to-do is forgotten.
    (promises / "p5.ics").write_text(_todo("p5", "Water the plants"))
    laptop("sync", str(vdir), at="2026-11-28T11:25:00+00:00")
    (promises / "p5.ics").unlink()
    gone = laptop("sync", str(vdir), at="2026-11-28T11:30:00+00:00")
    assert gone.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    assert laptop.rows("SELECT count(*) FROM sync_state WHERE uid = 'p5'") == [(0,)]


@pytest.mark.skipif(
    importlib.util.find_spec("todoman") is None,
    reason="needs todoman (pip install -e '.[test]')",
)
def test_todoman_lists_ticks_off_and_adds_promises(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    config = tmp_path / "todoman.py"
    # Its cache named here: run in this process, todoman would otherwise place it
    # by the XDG folders as they were when it was first imported.
    config.write_text(
        f"path = {str(vdir / 'promises')!r}\ndate_format = '%Y-%m-%d'\n"
        "time_format = '%H:%M'\ndefault_list = 'promises'\ndefault_due = 0\n"
        f"cache_path = {str(tmp_path / 'todoman-cache.sqlite3')!r}\n"
    )

    def todo(*args: str) -> str:
        """todoman's command line (the `todo` script's code), run in this process."""
        from click.testing import CliRunner
        from todoman.cli import cli

        done = CliRunner().invoke(cli, ["--config", str(config), *args], prog_name="todo")
        assert done.exit_code == 0, f"{done.stderr}{done.exception!r}"
        return done.stdout

    listed = json.loads(todo("--porcelain", "list"))
    assert [t["summary"] for t in listed] == [
        "Follow up: Renewal call; needs the SOC2 report (for Dana Reyes)"
    ]
    todo("done", str(listed[0]["id"]))
    todo("new", "Call about pilot (for Dana Reyes)", "--due", "2026-12-10")
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert _last(out.stderr) == "sent 0, received 2, deleted 0, conflicts 0"
    got = laptop.rows(
        "SELECT p.text, p.status, p.due_on, c.name FROM promises p"
        " JOIN contacts c ON c.id = p.contact_id ORDER BY p.id"
    )
    assert got == [
        ("Follow up: Renewal call; needs the SOC2 report", "done", "2026-12-04", "Dana Reyes"),
        ("Call about pilot", "open", "2026-12-10", "Dana Reyes"),
    ]


def test_an_edit_in_the_same_second_as_the_sync_that_received_it_is_sent(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at=LATER)
    # The same second as the sync that brought Dana in: updated_at does not move.
    desktop("edit", "dana", "--title", "CFO", at=LATER)
    desktop("log", "marcus", "Quick call", at=LATER)  # touches Marcus, changes nothing synced
    out = desktop("sync", str(vdir), at=LATER)
    assert out.stderr.count("Dana Reyes") == 0  # the summary line only
    assert _last(out.stderr) == "sent 2, received 0, deleted 0, conflicts 0"  # Dana, the call
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert laptop.rows("SELECT title FROM contacts WHERE name = 'Dana Reyes'") == [("CFO",)]
    again = desktop("sync", str(vdir), at=LATER)
    assert _last(again.stderr) == "sent 0, received 0, deleted 0, conflicts 0"


def test_a_todo_given_by_its_summary_goes_to_the_same_person_on_both_computers(
    sides: tuple[Side, Side, Path],
) -> None:
    """The laptop knows one Dana Reyes; the desktop two (one only it has). A to-do
    the laptop gave to Dana by its summary carries her uid from then on, so the
    desktop gives it to the same Dana rather than keeping it aside; what the
    phone wrote in it stays."""
    laptop, desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at=LATER)
    desktop("add", "Dana Reyes", "--company", "Globex", "--new", at=LATER)
    todo = _todo("p1", "Lunch with Dana Reyes").replace(
        "STATUS:", "PRIORITY:1\nRRULE:FREQ=WEEKLY\nSTATUS:"
    )
    (vdir / "promises" / "p1.ics").write_text(todo)
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert _last(out.stderr) == "sent 0, received 1, deleted 0, conflicts 0"
    uid = dana_uid(laptop)
    written = (vdir / "promises" / "p1.ics").read_text()
    assert f"X-WINTOGETHER-CONTACT:{uid}" in written
    assert "PRIORITY:1\nRRULE:FREQ=WEEKLY\n" in written and "UID:p1\n" in written
    assert "SUMMARY:Lunch with Dana Reyes\n" in written  # as the phone wrote it
    again = laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert again.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
    out = desktop("sync", str(vdir), at="2026-11-28T11:15:00+00:00")
    assert _last(out.stderr) == "sent 1, received 1, deleted 0, conflicts 0"  # + Globex's
    for side in (laptop, desktop):
        assert side.rows(
            "SELECT c.uid, p.text FROM promises p JOIN contacts c ON c.id = p.contact_id"
            " WHERE p.uid = 'p1'"
        ) == [(uid, "Lunch with Dana Reyes")]


def test_a_collection_folder_that_is_a_link_is_refused(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    elsewhere = tmp_path / "elsewhere"
    vdir.mkdir()
    (vdir / "contacts").symlink_to(elsewhere)  # dangling: nothing there yet
    out = laptop("sync", str(vdir), ok=False)
    assert out.exit_code == 1 and "contacts is a symbolic link" in out.stderr
    assert "Traceback" not in out.stderr and not elsewhere.exists()
    elsewhere.mkdir()  # pointing at a folder: still not followed, nothing written there
    out = laptop("sync", str(vdir), ok=False)
    assert out.exit_code == 1 and list(elsewhere.iterdir()) == []
    (vdir / "contacts").unlink()
    laptop("config", "set", "sync.reminders", "true")
    (vdir / "reminders").symlink_to(elsewhere)
    out = laptop("sync", str(vdir))
    assert "Skipped reminder file reminders: a symbolic link (not followed)" in out.stderr
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("phone", ["edits", "deletes"])
def test_an_edit_in_the_same_second_as_a_sync_survives_a_file_changed_since(
    sides: tuple[Side, Side, Path], phone: str
) -> None:
    # `wt sync && wt edit …`: the edit's row version looks like the one synced,
    # and the phone changed (or deleted) the card before the next sync: the
    # card's version came in over the edit (or the contact was deleted with it).
    laptop, _desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "Northwind", at="2026-11-28T10:00:01+00:00")
    laptop("add", "Sam Lee", at="2026-11-28T10:00:02+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:00:03+00:00")
    card = next(p for p in (vdir / "contacts").glob("*.vcf") if "FN:Dana" in p.read_text())
    card.write_text(card.read_text().replace("END:VCARD", "NOTE:met at summit\r\nEND:VCARD"))
    laptop("sync", str(vdir), at="2026-11-28T10:01:00+00:00")
    laptop(
        "edit", "dana", "--title", "CFO", "--phone", "+1 555 0100", at="2026-11-28T10:01:00+00:00"
    )
    if phone == "edits":
        text = card.read_text()
        card.write_text(text.replace("ORG:Northwind", "ORG:Initech"))
    else:
        card.unlink()
    laptop("sync", str(vdir), at="2026-11-28T10:05:00+00:00")
    got = laptop.rows(
        "SELECT c.title, (SELECT phone FROM contact_phones p WHERE p.contact_id = c.id)"
        " FROM contacts c WHERE c.name = 'Dana Reyes'"
    )
    assert got == [("CFO", "+1 555 0100")]
    if phone == "edits":
        assert laptop.rows("SELECT company FROM contacts WHERE name = 'Dana Reyes'") == [
            ("Initech",)
        ]
    sent = next(p for p in (vdir / "contacts").glob("*.vcf") if "FN:Dana" in p.read_text())
    assert "TITLE:CFO" in sent.read_text()


def test_a_same_second_change_that_syncs_nothing_does_not_undo_a_deletion(
    sides: tuple[Side, Side, Path],
) -> None:
    # A conversation logged in the same second as the sync touches Dana's row
    # but none of her card's fields: the phone's deletion still applies.
    laptop, _desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "Northwind", at="2026-11-28T10:00:01+00:00")
    laptop("add", "Sam Lee", at="2026-11-28T10:00:02+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:01:00+00:00")
    laptop("log", "dana", "Quick call", at="2026-11-28T10:01:00+00:00")
    next(p for p in (vdir / "contacts").glob("*.vcf") if "FN:Dana" in p.read_text()).unlink()
    out = laptop("sync", str(vdir), at="2026-11-28T10:05:00+00:00")
    assert "Dana Reyes: deleted there: archived here" in out.stderr
    assert not any("FN:Dana" in p.read_text() for p in (vdir / "contacts").glob("*.vcf"))


def test_a_promise_done_on_the_phone_and_here_ends_with_one_date_and_the_note(
    sides: tuple[Side, Side, Path],
) -> None:
    # Ticked on the phone, and `wt done -n` on the desktop before it synced:
    # both said done, so the desktop's note (and its date) stayed there only,
    # and the two computers kept different done dates for good.
    laptop, desktop, vdir = sides
    laptop("add", "Ann Alpha", at="2026-11-28T10:00:00+00:00")
    laptop("add", "Bob Beta", at="2026-11-28T10:00:00+00:00")
    laptop("follow-up", "Ann", "Send deck", "--due", "2026-12-20", at="2026-11-28T10:01:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:02:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:03:00+00:00")
    todo = next((vdir / "promises").glob("*.ics"))
    todo.write_text(
        todo.read_text()
        .replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED")
        .replace("END:VTODO", "COMPLETED:20261128T100700Z\r\nEND:VTODO")
    )
    desktop("done", "1", "-n", "sent the deck by email", at="2026-11-28T10:08:00+00:00")
    for at in ("10:10", "10:20", "10:30", "10:40"):
        desktop("sync", str(vdir), at=f"2026-11-28T{at}:00+00:00")
        laptop("sync", str(vdir), at=f"2026-11-28T{at}:30+00:00")
    done = "SELECT status, done_at, done_note FROM promises"
    assert (
        laptop.rows(done)
        == desktop.rows(done)
        == [("done", "2026-11-28T10:07:00Z", "sent the deck by email")]
    )
    assert "X-WINTOGETHER-DONE-NOTE:sent the deck by email" in todo.read_text()
    assert _last(laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00").stderr) == (
        "sent 0, received 0, deleted 0, conflicts 0"
    )


@pytest.mark.parametrize(
    "folder,first", [(f, c) for f in ("contacts", "promises", "conversations") for c in (0, 1)]
)
def test_a_copy_of_a_synced_file_under_another_name_is_a_second_file_not_a_crash(
    sides: tuple[Side, Side, Path], folder: str, first: int
) -> None:
    # A phone saving a card (or to-do, or entry) twice, under a new name, with
    # the same UID: the second sync stopped on an assertion, and every one after.
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("follow-up", "dana", "Send deck", "--due", "2026-12-10")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    original = sorted((vdir / folder).iterdir())[0]
    # named to be read before the original, or after it
    copy = original.with_name(("0000-copy" if first else "zzzz-copy") + original.suffix)
    copy.write_text(original.read_text().replace("SUMMARY:", "SUMMARY:Copy "))
    for minute in ("20", "30", "40"):
        out = laptop("sync", str(vdir), at=f"2026-11-28T10:{minute}:00+00:00")
        assert out.exit_code == 0
        assert f"{copy.name}: a second file, same UID" in " ".join(out.stderr.split())
        assert "Copy" not in json.dumps(laptop.rows("SELECT * FROM promises"))
    assert original.exists() and copy.exists()


def test_who_was_in_a_conversation_travels_when_only_that_changed(
    sides: tuple[Side, Side, Path],
) -> None:
    # `wt conversation edit 1 --with …` alone moved nothing the sync looks at:
    # it never went out, and the other computer's next edit of the note put
    # the old people back on both.
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", at="2026-11-28T10:00:00+00:00")
    laptop("add", "Marcus Oneil", at="2026-11-28T10:00:00+00:00")
    laptop("add", "Priya Shah", at="2026-11-28T10:00:00+00:00")
    laptop("log", "dana", "Renewal call", "--with", "marcus", at="2026-11-28T10:01:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:02:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:03:00+00:00")
    desktop("conversation", "edit", "1", "--with", "dana", "--with", "priya",
            at="2026-11-28T10:04:00+00:00")  # fmt: skip
    laptop("conversation", "edit", "1", "Renewal call; SOC2 needed", at="2026-11-28T10:05:00+00:00")
    for minute in ("10", "20", "30", "40"):
        desktop("sync", str(vdir), at=f"2026-11-28T10:{minute}:00+00:00")
        laptop("sync", str(vdir), at=f"2026-11-28T10:{minute}:30+00:00")
    who = (
        "SELECT i.note, c.name FROM interactions i JOIN interaction_participants p"
        " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id ORDER BY 2"
    )
    assert (
        laptop.rows(who)
        == desktop.rows(who)
        == [
            ("Renewal call; SOC2 needed", "Dana Reyes"),
            ("Renewal call; SOC2 needed", "Priya Shah"),
        ]
    )
