"""Capture rules: my own domain, the size of a meeting, rooms, threads by day,
never for one of several people, people who are not contacts, undoing a scan."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from capture_data import DANA, MARCUS, ME, attendee, event, ics, message, write_maildir
from conftest import Invoke
from test_capture import configure, shapes, waiting, write_sources


@pytest.fixture
def sources(tmp_path: Path, dana: Path) -> Path:
    return write_sources(tmp_path)


def test_ignoring_my_own_domain_keeps_my_mail_and_the_size_of_meetings(
    wt: Invoke, sources: Path, tmp_path: Path
) -> None:
    """`ignore` naming my domain leaves colleagues out, not me: my sent mail
    still counts, and an all-hands of colleagues is still too big."""
    configure(
        tmp_path,
        [sources / "cal"],
        [sources / "Mail", sources / "sent.mbox"],
        'ignore = ["*@acme.example"]\n',
    )
    wt("scan")
    found = shapes(wt)
    subjects = {s for _kind, s, _people, _n in found}
    # Ten colleagues and Dana: an all-hands, not a meeting with Dana.
    assert "All hands" not in subjects
    # Sent from seller@acme.example: mine, so not ignored.
    assert ("email", "Pricing", ("Marcus O'Neil", "Dana Reyes"), 1) in found
    # My reply in the SOC2 thread still joins it.
    assert ("email", "SOC2 report ✓", ("Dana Reyes", "Marcus O'Neil"), 3) in found


def test_max_attendees_is_read_from_the_config_for_meetings_and_mail(
    wt: Invoke, sources: Path, tmp_path: Path
) -> None:
    configure(
        tmp_path,
        [sources / "cal"],
        [sources / "Mail", sources / "sent.mbox"],
        "max_attendees = 2\n",
    )
    wt("scan")
    subjects = {s for _kind, s, _people, _n in shapes(wt)}
    # Me, Dana and Marcus: three, over the limit of two.
    assert "Renewal QBR" not in subjects and "Pricing" not in subjects
    assert {"Weekly sync", "Partner offsite", "Roadmap review"} <= subjects


def test_rooms_and_resources_are_not_people(wt: Invoke, dana: Path, tmp_path: Path) -> None:
    cal = tmp_path / "cal"
    cal.mkdir()
    room = "c_1889@resource.calendar.google.com"
    (cal / "room.ics").write_text(
        ics(
            event(
                "room-1",
                ":20261124T150000Z",
                "Pilot kickoff",
                f"ORGANIZER:mailto:{ME}",
                attendee(DANA, "Dana Reyes"),
                f"ATTENDEE;CUTYPE=ROOM;CN=Room 4 (8);PARTSTAT=ACCEPTED:mailto:{room}",
                "ATTENDEE;CUTYPE=RESOURCE;CN=Projector:mailto:projector@resource.example",
            )
        ),
        encoding="utf-8",
    )
    configure(tmp_path, [cal], [], "max_attendees = 2\n")
    run = wt("scan")
    assert shapes(wt) == {("meeting", "Pilot kickoff", ("Dana Reyes",), None)}
    assert "Room 4" not in run.stderr and "Projector" not in run.stderr


def _soc2(day: int, hour: int, number: int) -> bytes:
    return message(
        sender=f"Dana Reyes <{DANA}>",
        to=ME,
        subject="Re: SOC2 report",
        date=f"Fri, {day} Nov 2026 {hour:02}:00:00 +0000",
        message_id=f"<later{number}@northwind.example>",
        extra="References: <a1@northwind.example>",
    )


def test_a_reviewed_thread_makes_one_proposal_per_later_day(wt: Invoke, sources: Path) -> None:
    wt("scan")
    wt("review", "--accept-all")
    new = sources / "Mail" / "INBOX" / "new"
    new.joinpath("20.l1").write_bytes(_soc2(27, 8, 1))
    new.joinpath("21.l2").write_bytes(_soc2(27, 9, 2))
    run = wt("scan")
    assert "To review: 1 email thread new" in run.stderr
    [later] = waiting(wt)
    assert later["subject"] == "SOC2 report" and later["messages"] == 2
    assert later["happened_at"].startswith("2026-11-27T08:00")
    wt("review", "--accept-all")
    # The same day again, once reviewed: nothing new to review.
    new.joinpath("22.l3").write_bytes(_soc2(27, 11, 3))
    assert "Nothing new to review." in wt("scan").stderr
    assert waiting(wt) == []


def test_never_for_one_of_several_people(
    wt: Invoke, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("scan")
    order = [p["subject"] for p in waiting(wt)]
    assert order[3] == "SOC2 report ✓"  # with Dana and Marcus
    monkeypatch.setattr("wintogether.cli.capture.stdin_is_terminal", lambda: True)
    # Skip three; on the thread: never, for Dana only (after a wrong answer),
    # then accept it; quit at the next.
    run = wt("review", input="s\ns\ns\nv\n3\n1\na\nq\n")
    assert "Never for whom: [1] Dana Reyes, [2] Marcus O'Neil, [a]ll of them" in run.stderr
    assert run.stderr.count("Never for whom") == 2  # "3" is no one: asked again
    assert "Never proposing Dana Reyes again." in run.stderr
    assert "Accepted 1, skipped 3." in run.stderr
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert conv["note"] == "SOC2 report ✓"
    assert sorted(p["name"] for p in conv["participants"]) == ["Dana Reyes", "Marcus O'Neil"]
    left = [(p["subject"], [x["name"] for x in p["people"]]) for p in waiting(wt)]
    # Dana's own weekly sync is dropped; those with Marcus stay.
    assert "Weekly sync (moved)" not in [s for s, _ in left]
    assert ("Roadmap review", ["Marcus O'Neil"]) in left
    assert ("Renewal QBR", ["Dana Reyes", "Marcus O'Neil"]) in left
    # [a]ll on a shared proposal refuses everyone in it.
    run = wt("review", input="v\na\nq\n")
    assert "Never proposing Dana Reyes, Marcus O'Neil again." in run.stderr
    assert waiting(wt) == []


def test_accept_key_and_accept_all_with_skip_all(
    wt: Invoke, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("scan")
    first = waiting(wt)[0]
    monkeypatch.setattr("wintogether.cli.capture.stdin_is_terminal", lambda: True)
    run = wt("review", input="a\nq\n")
    assert "Accepted 1, skipped 0." in run.stderr
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert conv["note"] == first["subject"] and conv["channel"] == "meeting"
    assert conv["happened_at"] == first["happened_at"]
    refused = wt("review", "--accept-all", "--skip-all", ok=False)
    assert refused.exit_code != 0 and "disagree" in refused.stderr
    assert len(waiting(wt)) == 7  # nothing was done


def test_people_you_talk_to_are_one_per_address_as_the_provider_reads_it(
    wt: Invoke, dana: Path, tmp_path: Path
) -> None:
    mails = {
        f"{i}.pat:2,": message(
            sender=f"Pat Newman <{address}>",
            to=ME,
            subject="Hello",
            date=f"Thu, 26 Nov 2026 0{i}:00:00 +0000",
            message_id=f"<p{i}@gmail.example>",
        )
        for i, address in enumerate(("Pat.Newman@gmail.com", "patnewman+sales@googlemail.com"))
    }
    mails["3.evil:2,"] = message(
        sender="=?utf-8?q?Eve_=1B=5B2J=E2=80=AE?= <eve@evil.example>",
        to=ME,
        subject="Hi",
        date="Thu, 26 Nov 2026 05:00:00 +0000",
        message_id="<e1@evil.example>",
    )
    configure(tmp_path, [], [write_maildir(tmp_path / "src", mails)])
    run = wt("scan")
    # Both spellings are one person, shown as Gmail reads the address.
    assert "Pat Newman <patnewman@gmail.com>: 2 emails" in run.stderr
    assert run.stderr.count("Pat Newman") == 1
    # A hostile name is shown escaped, never obeyed.
    assert "\x1b" not in run.stderr and "\u202e" not in run.stderr
    assert "Eve \\x1b[2J\\u202e <eve@evil.example>: 1 email" in run.stderr
    people = json.loads(wt("review", "--people", "--json").stdout)
    assert [p["emails"] for p in people] == [2, 1]
    # Added with another spelling of the address: no longer listed.
    wt("add", "Pat Newman", "--email", "Pat.Newman+work@gmail.com")
    assert "Pat" not in wt("review", "--people").stdout


def test_undoing_a_scan_takes_back_its_proposals_and_since_brings_them_back(
    wt: Invoke, sources: Path
) -> None:
    wt("scan")
    count = len(waiting(wt))
    wt("undo")
    assert waiting(wt) == []
    assert "Nothing new to review." in wt("scan").stderr
    wt("scan", "--since", "2026-10-29")
    assert len(waiting(wt)) == count


def test_the_waiting_thread_is_found_through_its_key_not_every_waiting_proposal(
    dana: Path,
) -> None:
    """One message of a scan looks up its thread: through the status index, a
    first scan of 100,000 messages read every waiting proposal each time."""
    from wintogether.store import capture as sql
    from wintogether.store import open_store

    store, _ = open_store(dana)
    statements: list[str] = []
    store.conn.set_trace_callback(statements.append)
    try:
        with store.read():
            assert sql.pending_thread(store, "mail:<a1@x>|") is None
    finally:
        store.conn.set_trace_callback(None)
    [query] = [s for s in statements if s.lstrip().startswith("SELECT")]
    plan = " ".join(r[3] for r in store.conn.execute(f"EXPLAIN QUERY PLAN {query}"))
    store.close()
    assert "source_key>" in plan and "capture_proposals_status" not in plan, plan


def test_a_recurring_events_cancelled_occurrence_is_left_out() -> None:
    from datetime import UTC, datetime

    from wintogether.formats.calendar import read_calendar

    data = ics(
        event(
            "w-1",
            ":20261102T090000Z",
            "Standup",
            "RRULE:FREQ=WEEKLY;COUNT=4",
            attendee(MARCUS),
        ),
        event(
            "w-1",
            ":20261109T090000Z",
            "Standup",
            "RECURRENCE-ID:20261109T090000Z",
            "STATUS:CANCELLED",
            attendee(MARCUS),
        ),
    ).encode()
    found = read_calendar(
        data, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    )
    assert [o.start.day for o in found.occurrences] == [2, 16, 23]
    assert found.recurring


def test_people_you_talk_to_are_read_a_page_at_a_time(dana: Path) -> None:
    """The most talked to first; pages go on past contacts until enough are found."""
    from wintogether.domain import capture
    from wintogether.store import capture as sql
    from wintogether.store import contacts as contacts_store
    from wintogether.store import open_store

    store, _ = open_store(dana)
    try:
        with store.write():
            contacts_store.add_emails(
                store, 2, ["Marcus.ONeil@gmail.com", "m.oneil+x@googlemail.com"], "2026-11-20Z"
            )
            # Marcus's Gmail addresses as Gmail reads them: the most talked to.
            for address, times in (("marcusoneil@gmail.com", 50), ("moneil@gmail.com", 45)):
                for _ in range(times):
                    sql.count_person(store, address, "Marcus", "email", "2026-11-20Z")
            for i in range(30):
                for _ in range(30 - i):
                    sql.count_person(store, f"p{i}@x.example", f"P{i}", "email", "2026-11-20Z")
        for limit in (1, 3, 7, 25, 40):
            found = capture.strangers(store, limit)
            assert [p["email"] for p in found] == [f"p{i}@x.example" for i in range(min(limit, 30))]
            assert [p["emails"] for p in found] == [30 - i for i in range(min(limit, 30))]
    finally:
        store.close()


def test_a_single_ics_file_is_a_calendar_and_no_body_is_stored(
    wt: Invoke, sources: Path, tmp_path: Path
) -> None:
    import os
    import sqlite3

    # An export or a saved subscription: the file itself in capture.calendars.
    configure(tmp_path, [sources / "cal" / "qbr.ics"], [sources / "Mail", sources / "sent.mbox"])
    wt("scan")
    assert {s for _k, s, _p, _n in shapes(wt)} == {"Renewal QBR", "SOC2 report ✓", "Pricing"}
    wt("review", "--accept-all")
    conn = sqlite3.connect(os.environ["WINTOGETHER_DB"])
    try:
        text = " ".join(str(r) for t in ("capture_proposals", "interactions", "journal")
                        for r in conn.execute(f"SELECT * FROM {t}"))  # fmt: skip
    finally:
        conn.close()
    assert "SOC2 report" in text
    db = Path(os.environ["WINTOGETHER_DB"])
    data = b"".join(  # free pages and the write-ahead log too
        f.read_bytes() for f in (db, db.with_name(db.name + "-wal")) if f.exists()
    )
    for body in (b"Hello.", b"From the desk", b"From here on"):  # the messages' bodies
        assert body not in data and body.decode() not in text
