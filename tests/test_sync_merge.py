"""`wt sync` merges three ways: edits of different fields on two sides both survive."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

import test_sync
from conftest import Invoke, NewDatabase
from test_sync import Side, _dump_hash, _listing, _seed, dana_uid

sides = test_sync.sides  # the same two databases and vdir
QUIET = "sent 0, received 0, deleted 0, conflicts 0"


def _last(out: str) -> str:
    return out.strip().splitlines()[-1]


def _synced(laptop: Side, desktop: Side, vdir: Path) -> None:
    _seed(laptop)
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")


def test_different_fields_changed_on_both_sides_both_survive(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "dana", "--company", "Initech", at="2026-11-28T12:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    # The laptop's title came in, the desktop's company went out: no conflict.
    assert _last(out.stderr) == "sent 1, received 1, deleted 0, conflicts 0"
    dana = desktop.json("show", "dana")["contact"]
    assert (dana["title"], dana["company"]) == ("CFO", "Initech")
    assert desktop.rows("SELECT count(*) FROM contact_events") == [(0,)]
    card = (vdir / "contacts" / f"{dana_uid(desktop)}.vcf").read_text()
    assert "TITLE:CFO" in card and "ORG:Initech" in card

    back = laptop("sync", str(vdir), at="2026-11-28T12:20:00+00:00")
    assert _last(back.stderr) == "sent 0, received 1, deleted 0, conflicts 0"
    dana = laptop.json("show", "dana")["contact"]
    assert (dana["title"], dana["company"]) == ("CFO", "Initech")
    # Settled: a further round on each side changes nothing.
    for side in (desktop, laptop):
        files, dump = _listing(vdir), _dump_hash(side.path)
        again = side("sync", str(vdir), at="2026-11-28T13:00:00+00:00")
        assert _last(again.stderr) == "sent 0, received 0, deleted 0, conflicts 0"
        assert (_listing(vdir), _dump_hash(side.path)) == (files, dump)


def test_emails_added_on_both_sides_are_both_kept_and_a_removal_travels(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("edit", "dana", "--email", "dana@home.example", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "dana", "--email", "d.reyes@initech.example", "--remove-email",
            "dana@northwind.example", at="2026-11-28T12:00:00+00:00")  # fmt: skip
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert _last(out.stderr) == "sent 1, received 1, deleted 0, conflicts 0"
    laptop("sync", str(vdir), at="2026-11-28T12:20:00+00:00")
    for side in (laptop, desktop):
        emails = side.json("show", "dana")["contact"]["emails"]
        assert sorted(emails) == ["d.reyes@initech.example", "dana@home.example"]


def test_the_same_field_changed_on_both_sides_while_others_merge(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("edit", "dana", "--title", "CFO", "--phone", "+1 555 0100",
           at="2026-11-28T11:00:00+00:00")  # fmt: skip
    desktop("edit", "dana", "--title", "VP Finance", "--company", "Initech",
            at="2026-11-28T12:00:00+00:00")  # fmt: skip
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    data = desktop.json("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert (data["sent"], data["received"], data["conflicts"]) == (1, 1, 1)
    assert [c["action"] for c in data["changes"]] == ["conflict"]
    assert data["changes"][0]["detail"].startswith(
        "both changed title; kept the version from this database (2026-11-28T12:00:00Z)"
    )
    dana = desktop.json("show", "dana")
    assert dana["contact"]["title"] == "VP Finance"  # the later edit
    assert dana["contact"]["company"] == "Initech"
    assert dana["contact"]["phones"] == ["+1 555 0100"]  # only the laptop changed it
    conflict = desktop.rows("SELECT text, old_value, new_value FROM contact_events")
    assert conflict == [
        (
            "Sync conflict on contact 'Dana Reyes': title: kept 'VP Finance' (changed"
            " 2026-11-28 12:00 UTC), not 'CFO' (changed 2026-11-28 11:00 UTC)",
            "title: CFO",
            "title: VP Finance",
        )
    ]
    # Visible on the timeline and in the history.
    timeline = desktop.json("show", "dana", at="2026-11-28T12:30:00+00:00")["timeline"]
    assert [e["text"] for e in timeline if e["kind"] == "sync_conflict"] == [conflict[0][0]]
    shown = " ".join(desktop("show", "dana", at="2026-11-28T12:30:00+00:00").stdout.split())
    assert "conflict Sync conflict on contact 'Dana Reyes'" in shown
    history = desktop.json("history", "--kind", "sync_conflict", at="2026-11-28T12:30:00+00:00")
    assert [e["kind"] for e in history["entries"]] == ["sync_conflict"]
    assert "not 'CFO'" in history["entries"][0]["text"]

    # The laptop takes the merged result in, with no second conflict of its own,
    # and the conflict entry with it (history/): on both timelines.
    back = laptop("sync", str(vdir), at="2026-11-28T12:20:00+00:00")
    assert _last(back.stderr) == "sent 0, received 2, deleted 0, conflicts 0"
    assert laptop.rows("SELECT text, old_value, new_value FROM contact_events") == conflict
    dana = laptop.json("show", "dana")["contact"]
    assert (dana["title"], dana["company"], dana["phones"]) == (
        "VP Finance",
        "Initech",
        ["+1 555 0100"],
    )


def test_a_version_that_replaced_ours_keeps_our_change_and_brings_theirs(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    """vdirsyncer lets the server win: the server's version replaces the one we wrote,
    without our change. Our change is not lost, theirs comes in, and there is no
    conflict (they changed another field)."""
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    uid = dana_uid(laptop)
    own = tmp_path / "laptop-vdir"
    laptop("sync", str(own), at="2026-11-28T10:40:00+00:00")
    laptop("edit", "dana", "--company", "Initech", at="2026-11-28T11:00:00+00:00")
    laptop("sync", str(own), at="2026-11-28T11:05:00+00:00")
    server = (own / "contacts" / f"{uid}.vcf").read_bytes()
    desktop("edit", "dana", "--title", "CFO", at="2026-11-28T12:00:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T12:05:00+00:00")
    (vdir / "contacts" / f"{uid}.vcf").write_bytes(server)
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert _last(out.stderr) == "sent 1, received 1, deleted 0, conflicts 0"
    dana = desktop.json("show", "dana")["contact"]
    assert (dana["title"], dana["company"]) == ("CFO", "Initech")
    card = (vdir / "contacts" / f"{uid}.vcf").read_text()
    assert "TITLE:CFO" in card and "ORG:Initech" in card


def test_a_version_that_replaced_ours_and_won_is_still_a_conflict(
    sides: tuple[Side, Side, Path], tmp_path: Path
) -> None:
    """(The later editor synced first.) The later version wins; ours is kept on the
    timeline and the conflict is reported, not taken in as a plain receive."""
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    uid = dana_uid(laptop)
    own = tmp_path / "laptop-vdir"
    laptop("sync", str(own), at="2026-11-28T10:40:00+00:00")
    desktop("edit", "dana", "--title", "VP Finance", at="2026-11-28T11:00:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T12:00:00+00:00")
    laptop("sync", str(own), at="2026-11-28T12:05:00+00:00")
    (vdir / "contacts" / f"{uid}.vcf").write_bytes((own / "contacts" / f"{uid}.vcf").read_bytes())
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert _last(out.stderr) == "sent 0, received 1, deleted 0, conflicts 1: Dana Reyes, title"
    assert desktop.json("show", "dana")["contact"]["title"] == "CFO"
    assert desktop.rows("SELECT old_value, new_value FROM contact_events") == [
        ("title: VP Finance", "title: CFO")
    ]


def test_a_promise_done_on_the_phone_and_moved_here_keeps_both(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    path = next((vdir / "promises").iterdir())
    path.write_text(path.read_text().replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED"))
    laptop("snooze", "1", "2026-12-10", at="2026-11-28T11:00:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    assert _last(out.stderr) == "sent 1, received 1, deleted 0, conflicts 0"
    promise = laptop.json("followups", "--all")[0]
    assert (promise["status"], promise["due_on"]) == ("done", "2026-12-10")
    todo = path.read_text()
    assert "STATUS:COMPLETED" in todo and "DUE;VALUE=DATE:20261210" in todo


def test_a_conversation_note_and_channel_edited_on_two_sides(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("conversation", "edit", "1", "--channel", "meeting", at="2026-11-28T11:00:00+00:00")
    desktop("conversation", "edit", "1", "Renewal call; SOC2 report sent",
            at="2026-11-28T12:00:00+00:00")  # fmt: skip
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T12:10:00+00:00")
    assert _last(out.stderr) == "sent 1, received 1, deleted 0, conflicts 0"
    laptop("sync", str(vdir), at="2026-11-28T12:20:00+00:00")
    for side in (laptop, desktop):
        note, channel = side.rows("SELECT note, channel FROM interactions")[0]
        assert (note, channel) == ("Renewal call; SOC2 report sent", "meeting")


def test_the_base_is_kept_in_the_sync_state(sides: tuple[Side, Side, Path]) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    base, ours = laptop.rows(
        "SELECT base, ours FROM sync_state s JOIN contacts c ON c.uid = s.uid"
        " WHERE s.kind = 'contact' AND c.name = 'Dana Reyes'"
    )[0]
    assert json.loads(str(base))["company"] == "Northwind"
    assert json.loads(str(ours)) == json.loads(str(base))
    # The "changed since" mark has a table of its own, not a row with an empty uid.
    assert laptop.rows("SELECT count(*) FROM sync_state WHERE uid = ''") == [(0,)]
    assert laptop.rows("SELECT vdir FROM sync_marks") == [(str(vdir),)]


def _no_skips(out: str) -> None:
    assert "Skipped" not in out, out


def test_a_conversation_with_someone_forgotten_elsewhere_converges(
    sides: tuple[Side, Side, Path],
) -> None:
    """Forget wins: the conversation the other computer logged with a person forgotten
    here is removed from the folder once, and then from the other computer."""
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("add", "Priya Shah", at="2026-11-28T10:40:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:45:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:50:00+00:00")
    laptop("forget", "Priya Shah", "--yes", at="2026-11-28T11:00:00+00:00")
    desktop("log", "priya", "Intro call", at="2026-11-28T11:10:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T11:15:00+00:00")
    _no_skips(out.stderr)
    # Her card was removed by the forget; here she has history now: archived, kept.
    assert _last(out.stderr) == "sent 1, received 0, deleted 1, conflicts 0"
    assert desktop.rows("SELECT archived_at FROM contacts WHERE name = 'Priya Shah'") == [
        ("2026-11-28T11:15:00Z",)
    ]
    assert len(list((vdir / "conversations").iterdir())) == 2

    data = laptop.json("sync", str(vdir), at="2026-11-28T11:20:00+00:00")
    assert (data["deleted"], data["skipped"], data["received"]) == (1, 0, 0)
    assert data["changes"][0]["detail"] == "about someone forgotten here: removed from the folder"
    assert data["changes"][0]["kind"] == "conversation"
    assert len(list((vdir / "conversations").iterdir())) == 1
    assert laptop.rows("SELECT count(*) FROM contacts WHERE name = 'Priya Shah'") == [(0,)]

    out = desktop("sync", str(vdir), at="2026-11-28T11:25:00+00:00")
    assert _last(out.stderr) == "sent 0, received 0, deleted 1, conflicts 0"
    assert desktop.rows("SELECT count(*) FROM interactions WHERE note = 'Intro call'") == [(0,)]
    for side, at in ((laptop, "2026-11-28T11:30:00+00:00"), (desktop, "2026-11-28T11:35:00+00:00")):
        again = side("sync", str(vdir), at=at)
        assert again.stderr.strip() == QUIET


def test_a_contact_forgotten_here_and_changed_elsewhere_does_not_come_back(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("add", "Priya Shah", at="2026-11-28T10:40:00+00:00")
    laptop("follow-up", "priya", "Send the deck", "--due", "fri", at="2026-11-28T10:41:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:45:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:50:00+00:00")
    laptop("forget", "Priya Shah", "--yes", at="2026-11-28T11:00:00+00:00")
    # The desktop changed her (and her promise) before it heard of the forget:
    # a forget is for good (`wt forget` notes what it took out of the folder),
    # so her changes do not go back into it: she goes at once, her promise with her.
    desktop("edit", "priya", "--title", "CTO", at="2026-11-28T11:10:00+00:00")
    desktop("snooze", "2", "2026-12-11", at="2026-11-28T11:10:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T11:15:00+00:00")
    assert _last(out.stderr) == "sent 0, received 0, deleted 1, conflicts 0"
    assert desktop.rows("SELECT count(*) FROM contacts WHERE name = 'Priya Shah'") == [(0,)]
    assert desktop.rows("SELECT count(*) FROM promises WHERE text = 'Send the deck'") == [(0,)]
    assert laptop.rows("SELECT count(*) FROM contacts WHERE name = 'Priya Shah'") == [(0,)]
    for side, at in ((laptop, "2026-11-28T11:30:00+00:00"), (desktop, "2026-11-28T11:35:00+00:00")):
        assert side("sync", str(vdir), at=at).stderr.strip() == QUIET


def test_a_contact_deleted_there_and_changed_here_goes_back(
    sides: tuple[Side, Side, Path],
) -> None:
    """A card deleted in the folder by hand (or by another app), not forgotten:
    a change made here since wins, and the card goes back."""
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    laptop("add", "Priya Shah", at="2026-11-28T10:40:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:45:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:50:00+00:00")
    priya = laptop.rows("SELECT uid FROM contacts WHERE name = 'Priya Shah'")[0][0]
    (vdir / "contacts" / f"{priya}.vcf").unlink()
    desktop("edit", "priya", "--title", "CTO", at="2026-11-28T11:10:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T11:15:00+00:00")
    assert _last(out.stderr) == "sent 1, received 0, deleted 0, conflicts 0"
    assert (vdir / "contacts" / f"{priya}.vcf").exists()


JOURNAL = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Other//EN\r\nBEGIN:VJOURNAL\r\n"
    "UID:talk-zed\r\nDTSTAMP:20261128T090000Z\r\nDTSTART:20261128T090000Z\r\n"
    "DESCRIPTION:Lunch with Zed\r\nX-WINTOGETHER-PARTICIPANT:zed-1\r\n"
    "END:VJOURNAL\r\nEND:VCALENDAR\r\n"
)
ZED = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zed Park\r\nN:Park;Zed;;;\r\nUID:zed-1\r\nEND:VCARD\r\n"


def test_a_journal_entry_with_no_one_known_is_reported_once_and_comes_in_with_them(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, _desktop, vdir = sides
    _seed(laptop)
    laptop("sync", str(vdir))
    (vdir / "conversations" / "talk-zed.ics").write_text(JOURNAL)
    out = laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    assert "Skipped conversation file talk-zed.ics: a journal entry with no known participant;" \
        " kept aside" in out.stderr  # fmt: skip
    assert laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00").stderr.strip() == QUIET
    (vdir / "contacts" / "zed-1.vcf").write_text(ZED)
    out = laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    assert _last(out.stderr) == "sent 0, received 2, deleted 0, conflicts 0"
    assert laptop.rows(
        "SELECT c.name FROM interactions i JOIN interaction_participants p"
        " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id"
        " WHERE i.note = 'Lunch with Zed'"
    ) == [("Zed Park",)]
    assert laptop("sync", str(vdir), at="2026-11-28T11:15:00+00:00").stderr.strip() == QUIET


def test_a_conversation_changed_there_to_someone_forgotten_here_keeps_its_people_here(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    desktop("forget", "Marcus O'Neil", "--yes", at="2026-11-28T10:40:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:45:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:50:00+00:00")
    conversation = str(laptop.rows("SELECT id FROM interactions")[0][0])
    laptop("conversation", "edit", conversation, "Renewal signed", "--with", "marcus",
           at="2026-11-28T11:00:00+00:00")  # fmt: skip
    laptop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    _no_skips(out.stderr)
    assert _last(out.stderr) == "sent 0, received 1, deleted 0, conflicts 0"
    assert desktop.rows(
        "SELECT i.note, c.name FROM interactions i JOIN interaction_participants p"
        " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id"
    ) == [("Renewal signed", "Dana Reyes")]
    assert desktop("sync", str(vdir), at="2026-11-28T11:15:00+00:00").stderr.strip() == QUIET


def test_two_edits_there_on_top_of_ours_are_no_conflict(sides: tuple[Side, Side, Path]) -> None:
    """The desktop changed a contact, a promise and a conversation and synced; the
    laptop took them in and changed them twice, syncing each time. The desktop
    changed nothing since: its next sync takes the laptop's versions in, with no
    conflict (each file says, through its lineage, that it grew from the desktop's)."""
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    desktop("edit", "dana", "--title", "VP", at="2026-11-28T11:00:00+00:00")
    desktop("snooze", "1", "2026-12-04", at="2026-11-28T11:00:00+00:00")
    desktop("conversation", "edit", "1", "--channel", "meeting", at="2026-11-28T11:00:00+00:00")
    assert _last(desktop("sync", str(vdir), at="2026-11-28T11:05:00+00:00").stderr) == (
        "sent 3, received 0, deleted 0, conflicts 0"
    )
    laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    for n, at in (("2", "2026-11-28T12:00:00+00:00"), ("3", "2026-11-28T13:00:00+00:00")):
        laptop("edit", "dana", "--title", f"VP {n}", at=at)
        laptop("snooze", "1", f"2026-12-1{n}", at=at)
        laptop("conversation", "edit", "1", f"Renewal call, take {n}", at=at)
        out = laptop("sync", str(vdir), at=at.replace(":00:00", ":05:00"))
        assert _last(out.stderr) == "sent 3, received 0, deleted 0, conflicts 0"
    out = desktop("sync", str(vdir), at="2026-11-28T14:00:00+00:00")
    assert _last(out.stderr) == "sent 0, received 3, deleted 0, conflicts 0"
    assert desktop.rows("SELECT count(*) FROM contact_events") == [(0,)]
    assert desktop.json("show", "dana")["contact"]["title"] == "VP 3"
    assert desktop.rows("SELECT due_on FROM promises") == [("2026-12-13",)]
    assert desktop.rows("SELECT note, channel FROM interactions") == [
        ("Renewal call, take 3", "meeting")
    ]
    # A change the desktop made meanwhile is still a conflict.
    desktop("edit", "dana", "--title", "Head of Finance", at="2026-11-28T14:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T14:15:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T14:20:00+00:00")
    laptop("edit", "dana", "--title", "CFO", at="2026-11-28T15:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T15:05:00+00:00")
    desktop("edit", "dana", "--title", "COO", at="2026-11-28T15:10:00+00:00")
    out = desktop("sync", str(vdir), at="2026-11-28T15:15:00+00:00")
    assert _last(out.stderr) == "sent 1, received 0, deleted 0, conflicts 1: Dana Reyes, title"


def test_someone_arriving_later_joins_the_talks_and_deals_received_without_them(
    sides: tuple[Side, Side, Path],
) -> None:
    """Jon's card is deleted on the phone before the laptop ever saw him: the
    laptop takes the talk and the deal with Dana only. When the desktop (which
    kept Jon, archived with his history) sends him again, he joins them there."""
    laptop, desktop, vdir = sides
    _synced(laptop, desktop, vdir)
    at = "2026-11-28T11:00:00+00:00"
    desktop("add", "Jon Weiss", "--company", "Globex", at=at)
    desktop("log", "Jon Weiss", "Pilot kickoff", "--with", "dana", at=at)
    desktop("deal", "add", "Globex pilot", "--with", "Jon Weiss", "--with", "dana",
            "--they-win", "A pilot", "--we-win", "A reference", at=at)  # fmt: skip
    desktop("gave", "dana", "Intro to the Globex CTO", "--kind", "intro", "--to", "Jon Weiss",
            at=at)  # fmt: skip
    desktop("sync", str(vdir), at="2026-11-28T11:05:00+00:00")
    jon = str(desktop.rows("SELECT uid FROM contacts WHERE name = 'Jon Weiss'")[0][0])
    (vdir / "contacts" / f"{jon}.vcf").unlink()  # the phone deletes him

    laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    talk = "SELECT count(*) FROM interactions i JOIN interaction_participants p" \
        " ON p.interaction_id = i.id WHERE i.note = 'Pilot kickoff'"  # fmt: skip
    assert laptop.rows(talk) == [(1,)]  # Dana only: Jon is not known here
    out = desktop("sync", str(vdir), at="2026-11-28T11:15:00+00:00")
    assert "archived here" in out.stderr
    desktop("edit", "Jon Weiss", "--title", "CTO", at="2026-11-28T11:20:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T11:25:00+00:00")

    laptop("sync", str(vdir), at="2026-11-28T11:30:00+00:00")
    assert laptop.rows("SELECT title FROM contacts WHERE uid = ?", jon) == [("CTO",)]
    assert laptop.rows(talk) == [(2,)]
    intro = "SELECT t.uid FROM ledger l LEFT JOIN contacts t ON t.id = l.to_contact_id"
    assert laptop.rows(intro) == [(jon,)]  # the introduction names him again
    deal = laptop.json("deal", "show", "Globex pilot")
    assert sorted(p["name"] for p in deal["deal"]["people"]) == ["Dana Reyes", "Jon Weiss"]
    # Settled: each side's next round is quiet.
    for side in (desktop, laptop):
        again = side("sync", str(vdir), at="2026-11-28T12:00:00+00:00")
        assert _last(again.stderr) == QUIET


#: Who each conversation, ledger entry and win is with.
_OWNERS = (
    "SELECT 'win', c.name FROM wins w JOIN contacts c ON c.id = w.contact_id"
    " UNION ALL SELECT 'ledger ' || l.text, c.name FROM ledger l"
    " JOIN contacts c ON c.id = l.contact_id"
    " UNION ALL SELECT 'talk ' || i.note, c.name FROM interactions i"
    " JOIN interaction_participants p ON p.interaction_id = i.id"
    " JOIN contacts c ON c.id = p.contact_id"
)


def _owners(side: Side, more: str = "") -> list[tuple[object, ...]]:
    return sorted(side.rows(_OWNERS + more))


def test_a_merge_on_one_computer_moves_the_history_on_the_other_and_loses_none(
    sides: tuple[Side, Side, Path],
) -> None:
    """Merged on the laptop: the duplicate's win, ledger entry and conversation
    are the keeper's on both computers; the desktop merges the two as well (the
    keeper's card says whom it merged), and nothing is deleted."""
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes")
    laptop("add", "Dana R", "--new")
    laptop("add", "Sam Okafor")
    laptop("win", "Dana R", "Got the pilot", "--mine", "Case study")
    laptop("gave", "Dana R", "Pricing benchmark", "--kind", "advice")
    laptop("gave", "sam", "Intro", "--kind", "advice")
    laptop("log", "Dana R", "call about the pilot")
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    for side, at in ((laptop, "11:10"), (desktop, "11:20"), (desktop, "11:30"), (laptop, "11:40")):
        side("sync", str(vdir), at=f"2026-11-28T{at}:00+00:00")

    expected = [
        ("ledger Intro", "Sam Okafor"),
        ("ledger Pricing benchmark", "Dana Reyes"),
        ("talk call about the pilot", "Dana Reyes"),
        ("win", "Dana Reyes"),
    ]
    assert _owners(laptop) == _owners(desktop) == expected
    for side in (laptop, desktop):
        assert side.rows("SELECT name FROM contacts ORDER BY name") == [
            ("Dana Reyes",), ("Sam Okafor",),
        ]  # fmt: skip
        assert _last(side("sync", str(vdir), at="2026-11-28T12:00:00+00:00").stderr) == QUIET


def test_forgetting_someone_reaches_the_cards_that_named_them(
    sides: tuple[Side, Side, Path],
) -> None:
    """Forgotten on the laptop: the people who reported to them or were
    introduced by them lose that link on the desktop too, where the forgotten
    person stays archived (they had history there)."""
    laptop, desktop, vdir = sides
    laptop("add", "Hannah Hill")
    laptop("log", "Hannah Hill", "kickoff")
    laptop("add", "Dana Doe", "--reports-to", "hannah", "--introduced-by", "hannah")
    laptop("log", "Dana Doe", "first call")  # the folder of conversations stays in use
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    laptop("forget", "Hannah Hill", "--yes", at="2026-11-28T11:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T11:20:00+00:00")
    dana = desktop.json("show", "Dana Doe", at="2026-11-28T11:30:00+00:00")["contact"]
    assert (dana["reports_to"], dana["introduced_by"]) == (None, None)
    assert desktop.rows(
        "SELECT archived_at IS NOT NULL FROM contacts WHERE name = 'Hannah Hill'"
    ) == [(1,)]


def _everything(side: Side) -> list[tuple[object, ...]]:
    """Who each piece of history is with, and every contact (archived or not)."""
    return _owners(
        side,
        " UNION ALL SELECT 'promise ' || p.text, c.name FROM promises p"
        " JOIN contacts c ON c.id = p.contact_id"
        " UNION ALL SELECT 'contact', c.name || ifnull(' archived ' || c.archived_at, '')"
        " FROM contacts c",
    )


def _rounds(laptop: Side, desktop: Side, vdir: Path, *times: str) -> None:
    for at in times:
        laptop("sync", str(vdir), at=f"2026-11-28T{at}:00+00:00")
        desktop("sync", str(vdir), at=f"2026-11-28T{at}:30+00:00")
    for side in (laptop, desktop):
        assert _last(side("sync", str(vdir), at="2026-11-28T18:00:00+00:00").stderr) == QUIET


def _two_danas(laptop: Side, desktop: Side, vdir: Path) -> None:
    laptop("add", "Dana Reyes", "--email", "dana@northwind.example")
    laptop("add", "Dana R", "--new", "--phone", "+1 555 0100")
    laptop("add", "Sam Okafor")
    laptop("log", "Dana Reyes", "first call")
    laptop("log", "Dana R", "call about the pilot")
    laptop("follow-up", "Dana R", "Send the pilot plan", "--due", "2026-12-10")
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")


def test_a_merge_travels_the_other_computer_merges_too_with_what_only_it_had(
    sides: tuple[Side, Side, Path],
) -> None:
    """Merged on the laptop while the desktop, not knowing yet, gave the duplicate
    a title and a conversation: the desktop merges the two as well (no archived
    duplicate left behind), its title and conversation end on the keeper on both
    computers, and nothing is lost."""
    laptop, desktop, vdir = sides
    _two_danas(laptop, desktop, vdir)
    duplicate = laptop.rows("SELECT uid FROM contacts WHERE name = 'Dana R'")[0][0]
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "Dana R", "--title", "CFO", at="2026-11-28T11:05:00+00:00")
    desktop("log", "Dana R", "desk call", at="2026-11-28T11:06:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    card = (vdir / "contacts" / f"{dana_uid(laptop)}.vcf").read_text()
    assert f"\nX-WINTOGETHER-MERGED-UID:{duplicate}\n" in card
    planned = desktop.json("sync", str(vdir), "--dry-run", at="2026-11-28T11:15:00+00:00")
    assert [(c["action"], c["name"], c["detail"]) for c in planned["changes"]][-1] == (
        "merged", "Dana R", "merged into Dana Reyes (as on another device)",
    )  # fmt: skip
    told = desktop("sync", str(vdir), at="2026-11-28T11:20:00+00:00").stderr
    assert "Dana R: merged into Dana Reyes (as on another device)" in told
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    expected = [
        ("contact", "Dana Reyes"),
        ("contact", "Sam Okafor"),
        ("promise Send the pilot plan", "Dana Reyes"),
        ("talk call about the pilot", "Dana Reyes"),
        ("talk desk call", "Dana Reyes"),
        ("talk first call", "Dana Reyes"),
    ]
    assert _everything(laptop) == _everything(desktop) == expected
    for side in (laptop, desktop):
        dana = side.json("show", "Dana Reyes")["contact"]
        assert (dana["title"], dana["emails"], dana["phones"]) == (
            "CFO", ["dana@northwind.example"], ["+1 555 0100"],
        )  # fmt: skip
    assert laptop.rows("SELECT uid FROM contacts") == desktop.rows("SELECT uid FROM contacts")


def test_two_people_merged_each_way_round_on_two_computers_end_as_one(
    sides: tuple[Side, Side, Path],
) -> None:
    laptop, desktop, vdir = sides
    _two_danas(laptop, desktop, vdir)
    # A conversation with both: each computer's merge leaves it with its own
    # keeper only (found by the sync model: it was left with nobody).
    laptop("log", "Dana Reyes", "both of them", "--with", "Dana R", at="2026-11-28T10:40:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:41:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:42:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    desktop("merge", "Dana R", "Dana Reyes", at="2026-11-28T11:05:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    kept = laptop.rows("SELECT uid, name FROM contacts WHERE name LIKE 'Dana%'")
    assert len(kept) == 1
    assert desktop.rows("SELECT uid, name FROM contacts WHERE name LIKE 'Dana%'") == kept
    name = str(kept[0][1])
    assert (
        _everything(laptop)
        == _everything(desktop)
        == [
            ("contact", name),
            ("contact", "Sam Okafor"),
            ("promise Send the pilot plan", name),
            ("talk both of them", name),
            ("talk call about the pilot", name),
            ("talk first call", name),
        ]
    )


def test_a_merge_into_someone_forgotten_on_the_other_computer_leaves_no_empty_conversation(
    sides: tuple[Side, Side, Path],
) -> None:
    """The desktop forgets Dana Reyes while the laptop merges Dana R into her: forgetting
    wins on the desktop (the laptop keeps her archived with its history, as for any
    contact deleted elsewhere), and no conversation is left with nobody."""
    laptop, desktop, vdir = sides
    _two_danas(laptop, desktop, vdir)
    laptop("log", "Dana Reyes", "the three of us", "--with", "Dana R")
    laptop("sync", str(vdir), at="2026-11-28T10:40:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:50:00+00:00")
    desktop("forget", "Dana Reyes", "--yes", at="2026-11-28T11:00:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:05:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    for side in (laptop, desktop):
        assert side.rows(
            "SELECT count(*) FROM interactions i WHERE NOT EXISTS"
            " (SELECT 1 FROM interaction_participants p WHERE p.interaction_id = i.id)"
        ) == [(0,)]
    assert not desktop.rows("SELECT 1 FROM contacts WHERE name = 'Dana Reyes'")
    assert laptop.rows(
        "SELECT archived_at IS NOT NULL FROM contacts WHERE name = 'Dana Reyes'"
    ) == [(1,)]


def test_a_phone_edit_of_the_duplicates_card_reaches_the_keeper(
    sides: tuple[Side, Side, Path],
) -> None:
    """The phone gives Dana R a title while the laptop merges her into Dana Reyes:
    the edited card comes in and is merged into the keeper (a phone never merges)."""
    laptop, desktop, vdir = sides
    _two_danas(laptop, desktop, vdir)
    duplicate = laptop.rows("SELECT uid FROM contacts WHERE name = 'Dana R'")[0][0]
    path = vdir / "contacts" / f"{duplicate}.vcf"
    path.write_text(path.read_text().replace("END:VCARD", "TITLE:Chief Pilot\r\nEND:VCARD"))
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    for side in (laptop, desktop):
        assert side.json("show", "Dana Reyes")["contact"]["title"] == "Chief Pilot"
        assert not side.rows("SELECT 1 FROM contacts WHERE name = 'Dana R'")
    assert not path.exists()


@pytest.mark.parametrize("phone_edits", [False, True])
def test_a_merge_into_a_card_the_phone_rewrote_travels(
    sides: tuple[Side, Side, Path], phone_edits: bool
) -> None:
    """The keeper's card was written by the phone (none of our properties) and the
    phone edits it again before the laptop's sync: the merge still travels."""
    from test_sync_model import START, _phone_card

    laptop, desktop, vdir = sides
    card = vdir / "contacts" / "phone-ada.vcf"
    card.parent.mkdir(parents=True)
    card.write_text(_phone_card("phone-ada", "Ada Quill", START))
    laptop("add", "Ada Q", "--new")
    laptop("log", "Ada Q", "call about the pilot")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:20:00+00:00")
    laptop("merge", "Ada Quill", "Ada Q", at="2026-11-28T11:00:00+00:00")
    if phone_edits:
        card.write_text(card.read_text().replace("END:VCARD", "TITLE:CFO\r\nEND:VCARD"))
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    for side in (laptop, desktop):
        assert side.rows("SELECT name, archived_at FROM contacts") == [("Ada Quill", None)]
        assert _owners(side) == [("talk call about the pilot", "Ada Quill")]


def test_a_chain_of_merges_across_two_computers_settles_in_two_rounds(
    sides: tuple[Side, Side, Path],
) -> None:
    """Marcus into Dana on the laptop, Priya into Marcus on the desktop, then Dana
    into Priya on the laptop: one person at the end, quiet after two rounds."""
    laptop, desktop, vdir = sides
    for name in ("Dana Reyes", "Marcus Oneil", "Priya Shah"):
        laptop("add", name, "--new")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:20:00+00:00")
    laptop("merge", "Dana Reyes", "Marcus Oneil", at="2026-11-28T11:00:00+00:00")
    desktop("merge", "Marcus Oneil", "Priya Shah", at="2026-11-28T11:01:00+00:00")
    desktop("log", "Marcus Oneil", "Talk 2", "--with", "Dana Reyes", at="2026-11-28T11:02:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:03:00+00:00")
    laptop("merge", "Priya Shah", "Dana Reyes", at="2026-11-28T11:04:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    kept = laptop.rows("SELECT uid, name FROM contacts")
    assert len(kept) == 1 and desktop.rows("SELECT uid, name FROM contacts") == kept
    assert _owners(laptop) == _owners(desktop) == [("talk Talk 2", kept[0][1])]


def test_an_old_merge_whose_duplicate_came_back_is_left_as_it_is(
    sides: tuple[Side, Side, Path],
) -> None:
    """Before merges travelled, a merged duplicate edited elsewhere came back through
    a sync, and the keeper still says it merged them: that duplicate's edits travel,
    and it is not merged away by surprise later."""
    laptop, desktop, vdir = sides
    _two_danas(laptop, desktop, vdir)
    conn = sqlite3.connect(laptop.path)
    with conn:
        conn.execute(
            "INSERT INTO contact_extras (uid, contact_id, key, value, updated_at)"
            " SELECT 'x1', k.id, 'MERGED-UID', d.uid, '2026-11-01T00:00:00Z'"
            " FROM contacts k, contacts d WHERE k.name = 'Dana Reyes' AND d.name = 'Dana R'"
        )
    conn.close()
    laptop("edit", "Dana R", "--title", "VP", at="2026-11-28T11:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T11:20:00+00:00")
    title = "SELECT title FROM contacts WHERE name = 'Dana R'"
    assert laptop.rows(title) == desktop.rows(title) == [("VP",)]
    laptop("add", "Lee Park", at="2026-11-28T11:30:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00")
    for side in (laptop, desktop):
        assert side.rows(title) == [("VP",)]


def test_a_merge_undone_after_it_was_synced_is_undone_on_both_computers(
    sides: tuple[Side, Side, Path],
) -> None:
    """`wt undo` of a merge both computers have: the two come back on both, each
    with the email it had; the other computer does not merge them again."""
    emails = (
        "SELECT c.name, c.archived_at IS NOT NULL, group_concat(e.email) FROM contacts c"
        " LEFT JOIN contact_emails e ON e.contact_id = c.id GROUP BY c.id ORDER BY c.name"
    )
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", "--email", "dana@x.example", at="2026-11-28T09:00:00+00:00")
    laptop("add", "Dana R", "--email", "dana@y.example", "--new", at="2026-11-28T09:00:00+00:00")
    laptop("log", "Dana R", "call about the pilot", at="2026-11-28T09:05:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T09:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T09:20:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T10:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:20:00+00:00")
    assert desktop.rows(emails) == [("Dana Reyes", 0, "dana@x.example,dana@y.example")]
    laptop("undo", at="2026-11-28T11:00:00+00:00")  # the merge was a mistake
    restored = laptop.rows(emails)
    assert restored == [("Dana R", 0, "dana@y.example"), ("Dana Reyes", 0, "dana@x.example")]
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    assert laptop.rows(emails) == desktop.rows(emails) == restored
    assert _owners(laptop) == _owners(desktop) == [("talk call about the pilot", "Dana R")]


def test_a_phone_rewriting_the_keeper_card_does_not_erase_the_merge(
    sides: tuple[Side, Side, Path], tmp_path: Path, wt: Invoke,
    monkeypatch: pytest.MonkeyPatch, new_database: NewDatabase,
) -> None:  # fmt: skip
    # A card another app writes afresh (no X- lines) said "merged nobody": the
    # merge was erased on every computer, and a third one that had not merged
    # yet archived the duplicate, its own conversation with it left there.
    from test_sync_model import START, _phone_card

    laptop, desktop, vdir = sides
    tablet = Side(new_database(tmp_path / "tablet.db"), wt, monkeypatch)
    card = vdir / "contacts" / "phone-ada.vcf"
    card.parent.mkdir(parents=True)
    card.write_text(_phone_card("phone-ada", "Ada Quill", START))
    laptop("add", "Ada Q", "--new", "--email", "adaq@x.example")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:20:00+00:00")
    tablet("sync", str(vdir), at="2026-11-28T10:25:00+00:00")
    tablet("log", "Ada Q", "tablet call", at="2026-11-28T10:26:00+00:00")  # not synced yet
    laptop("merge", "Ada Quill", "Ada Q", at="2026-11-28T11:00:00+00:00")
    rounds = ((laptop, "10"), (desktop, "20"), (laptop, "30"), (desktop, "40"))
    for side, at in rounds:
        side("sync", str(vdir), at=f"2026-11-28T11:{at}:00+00:00")
    # the phone adds a title, keeping the card's other lines
    card.write_text(card.read_text().replace("END:VCARD", "TITLE:CFO\r\nEND:VCARD"))
    for side, at in rounds:
        side("sync", str(vdir), at=f"2026-11-28T12:{at}:00+00:00")
    # then an app writes the card afresh: none of our lines
    fresh = _phone_card("phone-ada", "Ada Quill", START)
    card.write_text(fresh.replace("END:VCARD", "TITLE:CEO\r\nEMAIL:adaq@x.example\r\nEND:VCARD"))
    for side, at in rounds:
        side("sync", str(vdir), at=f"2026-11-28T13:{at}:00+00:00")
    merged = "SELECT count(*) FROM contact_extras WHERE key = 'MERGED-UID'"
    assert laptop.rows(merged) == desktop.rows(merged) == [(1,)]
    assert laptop.rows("SELECT title FROM contacts") == [("CEO",)]
    out = tablet("sync", str(vdir), at="2026-11-28T14:00:00+00:00")
    assert "Ada Q: merged into Ada Quill" in out.stderr
    assert tablet.rows("SELECT name, archived_at IS NULL FROM contacts") == [("Ada Quill", 1)]
    assert tablet.rows(
        "SELECT c.name FROM interactions i JOIN interaction_participants p"
        " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id"
        " WHERE i.note = 'tablet call'"
    ) == [("Ada Quill",)]


def test_a_keeper_card_read_before_the_duplicate_card_left_still_merges(
    sides: tuple[Side, Side, Path],
) -> None:
    # The desktop's folder (its own vdirsyncer copy) got the keeper's new card
    # one run before the duplicate's card left: the merge was skipped then
    # (the duplicate's card was still there), and once the card left, the
    # duplicate was archived with the call only the desktop had logged.
    import shutil

    laptop, desktop, vdir = sides
    desk = vdir.parent / "desk_vdir"
    laptop("add", "Dana Reyes", "--email", "dana@x.example")
    laptop("add", "Dana R", "--new", "--phone", "+1 555 0100")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    shutil.copytree(vdir, desk)
    desktop("sync", str(desk), at="2026-11-28T10:20:00+00:00")
    dup = laptop.rows("SELECT uid FROM contacts WHERE name = 'Dana R'")[0][0]
    keep = laptop.rows("SELECT uid FROM contacts WHERE name = 'Dana Reyes'")[0][0]
    desktop("log", "Dana R", "desk call", at="2026-11-28T10:30:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    shutil.copy(vdir / "contacts" / f"{keep}.vcf", desk / "contacts" / f"{keep}.vcf")
    desktop("sync", str(desk), at="2026-11-28T11:20:00+00:00")
    (desk / "contacts" / f"{dup}.vcf").unlink()  # the next vdirsyncer run
    out = desktop("sync", str(desk), at="2026-11-28T11:30:00+00:00")
    assert "Dana R: merged into Dana Reyes" in out.stderr
    assert "archived" not in out.stderr
    assert desktop.rows("SELECT name, archived_at IS NULL FROM contacts") == [("Dana Reyes", 1)]
    assert desktop.rows(
        "SELECT c.name FROM interactions i JOIN interaction_participants p"
        " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id"
        " WHERE i.note = 'desk call'"
    ) == [("Dana Reyes",)]


def test_a_merge_undone_while_the_phone_edited_the_keeper_stays_undone(
    sides: tuple[Side, Side, Path],
) -> None:
    # The phone added a number to the keeper's card (keeping our lines, so the
    # card still named the duplicate) while the laptop undid the merge: the
    # next sync read the card's list as a merge made elsewhere and merged the
    # two again, "as on another device".
    laptop, _desktop, vdir = sides
    laptop("add", "Dana Reyes", "--company", "Northwind", "--email", "dana@nw.example")
    laptop("add", "Dana R", "--new", "--email", "dana@home.example")
    laptop("follow-up", "Dana R", "Send deck", "--due", "2026-12-10")
    laptop("sync", str(vdir), at="2026-11-28T10:10:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T10:20:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    keeper = next(p for p in (vdir / "contacts").glob("*.vcf") if "FN:Dana Reyes" in p.read_text())
    keeper.write_text(keeper.read_text().replace("END:VCARD", "TEL:+1 555 0100\r\nEND:VCARD"))
    laptop("undo", at="2026-11-28T10:40:00+00:00")
    out = laptop("sync", str(vdir), at="2026-11-28T10:50:00+00:00")
    assert "merged into" not in out.stderr
    laptop("sync", str(vdir), at="2026-11-28T11:00:00+00:00")
    assert laptop.rows("SELECT name FROM contacts ORDER BY name") == [("Dana R",), ("Dana Reyes",)]
    assert laptop.rows("SELECT phone FROM contact_phones") == [("+1 555 0100",)]
    assert "X-WINTOGETHER-MERGED-UID" not in keeper.read_text()
    assert len(list((vdir / "contacts").glob("*.vcf"))) == 2


def test_our_own_fields_changed_while_the_phone_wrote_the_card_afresh_still_travel(
    sides: tuple[Side, Side, Path],
) -> None:
    # The laptop set Priya's role, rhythm and how they met, and archived her,
    # while the phone wrote her card afresh (none of our lines): the card was
    # taken as agreeing, and the desktop never learnt any of it.
    laptop, desktop, vdir = sides
    laptop("add", "Priya Shah", "--company", "Initech", at="2026-11-28T10:00:00+00:00")
    laptop("add", "Sam Lee", at="2026-11-28T10:00:00+00:00")
    laptop("sync", str(vdir), at="2026-11-28T10:01:00+00:00")
    desktop("sync", str(vdir), at="2026-11-28T10:02:00+00:00")
    laptop("edit", "priya", "--role", "champion", "--every", "2w", "--met", "SaaStr",
           at="2026-11-28T10:03:00+00:00")  # fmt: skip
    laptop("archive", "priya", at="2026-11-28T10:04:00+00:00")
    uid = laptop.rows("SELECT uid FROM contacts WHERE name = 'Priya Shah'")[0][0]
    (vdir / "contacts" / f"{uid}.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.1//EN\r\n"
        f"N:Shah;Priya;;;\r\nFN:Priya Shah\r\nORG:Initech\r\nTITLE:COO\r\nUID:{uid}\r\n"
        "END:VCARD\r\n"
    )
    for minute in ("10", "20", "30"):
        laptop("sync", str(vdir), at=f"2026-11-28T10:{minute}:00+00:00")
        desktop("sync", str(vdir), at=f"2026-11-28T10:{minute}:30+00:00")
    quiet = laptop("sync", str(vdir), at="2026-11-28T10:40:00+00:00")
    assert _last(quiet.stderr) == QUIET
    held = (
        "SELECT title, account_role, cadence_days, how_met, archived_at IS NOT NULL"
        " FROM contacts WHERE name = 'Priya Shah'"
    )
    assert laptop.rows(held) == desktop.rows(held) == [("COO", "champion", 14, "SaaStr", 1)]


@pytest.mark.parametrize("desktop_first", [False, True])
def test_an_edit_there_of_what_the_merge_took_from_the_duplicate_reaches_the_keeper(
    sides: tuple[Side, Side, Path], desktop_first: bool
) -> None:
    """Dana R (CFO, a user of the product) is merged into Dana Reyes on the
    laptop, which gives the keeper her title and role; meanwhile the desktop
    changes Dana R's title and role. Whichever syncs first, the desktop's
    edit ends on the keeper on both computers: the values the merge copied
    are the duplicate's, and the duplicate changed since."""
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", "--email", "dana@northwind.example")
    laptop("add", "Dana R", "--new", "--title", "CFO", "--role", "user")
    laptop("add", "Sam Okafor", "--title", "CTO")
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "Dana R", "--title", "Chief Financial Officer", "--role", "champion",
            at="2026-11-28T11:05:00+00:00")  # fmt: skip
    desktop("edit", "Sam", "--title", "Chief Technology Officer", at="2026-11-28T11:06:00+00:00")
    first, second = (desktop, laptop) if desktop_first else (laptop, desktop)
    first("sync", str(vdir), at="2026-11-28T11:10:00+00:00")
    second("sync", str(vdir), at="2026-11-28T11:20:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    for side in (laptop, desktop):
        dana = side.json("show", "Dana Reyes")["contact"]
        assert (dana["title"], dana["role"]) == ("Chief Financial Officer", "champion")
        assert side.json("show", "Sam")["contact"]["title"] == "Chief Technology Officer"
        assert not side.rows("SELECT 1 FROM contacts WHERE name = 'Dana R'")


def test_a_keepers_own_value_stays_when_the_duplicate_changes_there(
    sides: tuple[Side, Side, Path],
) -> None:
    """The keeper had a title of its own before the merge (the duplicate's was
    not taken): the duplicate's title changed on the desktop does not replace
    it, as `wt merge` never replaces a value the keeper has."""
    laptop, desktop, vdir = sides
    laptop("add", "Dana Reyes", "--title", "VP Finance")
    laptop("add", "Dana R", "--new", "--title", "CFO")
    laptop("sync", str(vdir))
    desktop("sync", str(vdir), at="2026-11-28T10:30:00+00:00")
    laptop("merge", "Dana Reyes", "Dana R", at="2026-11-28T11:00:00+00:00")
    desktop("edit", "Dana R", "--title", "Chief Financial Officer", at="2026-11-28T11:05:00+00:00")
    _rounds(laptop, desktop, vdir, "12:00", "13:00")
    for side in (laptop, desktop):
        assert side.json("show", "Dana Reyes")["contact"]["title"] == "VP Finance"
