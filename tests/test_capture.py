"""Capture without typing: `wt scan` proposes, `wt review` confirms."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import cast

import pytest

from capture_data import (
    DANA,
    MAILS,
    ME,
    message,
    snapshot,
    write_calendar,
    write_maildir,
    write_mbox,
)
from conftest import Invoke, write_config


def configure(tmp_path: Path, calendars: list[Path], mail: list[Path], extra: str = "") -> None:
    def toml_list(paths: list[Path]) -> str:
        return "[" + ", ".join(json.dumps(str(p)) for p in paths) + "]"

    write_config(
        tmp_path,
        f"[capture]\ncalendars = {toml_list(calendars)}\nmail = {toml_list(mail)}\n"
        f'me = ["{ME.upper()}"]\n{extra}',
    )


def write_sources(tmp_path: Path) -> Path:
    """The calendar, Maildir and mbox of capture_data, set in [capture]."""
    src = tmp_path / "src"
    cal = write_calendar(src)
    maildir = write_maildir(src)
    mbox = write_mbox(src)
    configure(tmp_path, [cal], [maildir, mbox])
    return src


@pytest.fixture
def sources(tmp_path: Path, dana: Path) -> Path:
    return write_sources(tmp_path)


def waiting(wt: Invoke) -> list[dict]:  # type: ignore[type-arg]
    return json.loads(wt("review", "--json").stdout)


def shapes(wt: Invoke) -> set[tuple[str, str, tuple[str, ...], int | None]]:
    return {
        (p["kind"], p["subject"], tuple(x["name"] for x in p["people"]), p["messages"])
        for p in waiting(wt)
    }


def test_scan_proposes_meetings_and_mail_threads(wt: Invoke, sources: Path) -> None:
    run = wt("scan")
    assert "To review: 6 meetings and 2 email threads new" in run.stderr
    assert "more message" not in run.stderr  # none were proposed before this scan
    assert shapes(wt) == {
        ("meeting", "Renewal QBR", ("Dana Reyes", "Marcus O'Neil"), None),
        # the weekly series: 2 and 9 Nov, not the 16th (EXDATE), the 23rd moved to the 24th
        ("meeting", "Weekly sync", ("Dana Reyes",), None),
        ("meeting", "Weekly sync (moved)", ("Dana Reyes",), None),
        ("meeting", "Partner offsite", ("Marcus O'Neil",), None),
        ("meeting", "Roadmap review", ("Marcus O'Neil",), None),  # Dana declined
        # one thread waiting for review gathers its messages over several days
        ("email", "SOC2 report ✓", ("Dana Reyes", "Marcus O'Neil"), 3),
        ("email", "Pricing", ("Marcus O'Neil", "Dana Reyes"), 1),
    }
    found = waiting(wt)
    weekly = sorted(p["happened_at"] for p in found if p["subject"].startswith("Weekly"))
    assert weekly == [
        "2026-11-02T09:00:00+00:00",
        "2026-11-09T09:00:00+00:00",
        "2026-11-24T13:00:00+00:00",
    ]
    offsite = next(p for p in found if p["subject"] == "Partner offsite")
    assert offsite["happened_at"].startswith("2026-11-20")
    mine = next(p for p in found if p["subject"] == "Pricing")
    assert mine["direction"] == "to"
    # Not contacts: listed for `wt add`, with counts.
    assert "Pat Newman <pat@newco.example>: 1 meeting" in run.stderr
    assert "Lee Stranger <lee@stranger.example>: 1 email" in run.stderr
    # The broken file and the garbage message: skipped and counted in one line.
    assert "Skipped 2 items: 1 broken calendar file, 1 malformed message." in run.stderr


def test_scan_twice_finds_nothing_new(wt: Invoke, sources: Path) -> None:
    wt("scan")
    before = waiting(wt)
    run = wt("scan")
    assert "Nothing new to review." in run.stderr
    assert waiting(wt) == before
    # --since reads everything again and still proposes nothing twice.
    wt("scan", "--since", "2026-10-30")
    assert len(waiting(wt)) == len(before)
    # An earlier day widens the window: October's weekly syncs are proposed.
    wt("scan", "--since", "2026-10-01")
    assert len(waiting(wt)) == len(before) + 4


def test_new_mail_and_a_grown_mbox_are_read_incrementally(wt: Invoke, sources: Path) -> None:
    wt("scan")
    (sources / "Mail" / "INBOX" / "new" / "8.a4").write_bytes(
        message(
            sender=DANA,
            to=ME,
            subject="Re: SOC2 report",
            date="Wed, 25 Nov 2026 17:00:00 +0000",
            message_id="<a4@northwind.example>",
            extra="References: <a1@northwind.example>",
        )
    )
    with (sources / "sent.mbox").open("ab") as handle:
        handle.write(
            b"From x Fri Nov 27 2026\n"
            + message(
                sender=ME,
                to=DANA,
                subject="Order form",
                date="Fri, 27 Nov 2026 09:00:00 +0000",
                message_id="<m2@acme.example>",
            )
        )
    run = wt("scan")
    assert "To review: 1 email thread new" in run.stderr
    assert "1 more message in threads already proposed." in run.stderr
    # The waiting thread gathers the new message: one proposal, Mon to Wed.
    [thread] = [p for p in waiting(wt) if p["subject"] == "SOC2 report ✓"]
    assert thread["messages"] == 4
    assert thread["happened_at"].startswith("2026-11-23")
    assert thread["last_at"].startswith("2026-11-25T17:00")
    listed = wt("review").stdout
    assert "SOC2 report ✓ (4 messages, Mon 23 Nov to Wed 25 Nov)" in listed


def test_accept_all_makes_conversations_never_proposed_again_and_undoable(
    wt: Invoke, sources: Path
) -> None:
    wt("scan")
    count = len(waiting(wt))
    result = json.loads(wt("review", "--accept-all", "--json").stdout)
    assert len(result["conversation_ids"]) == count
    qbr = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert qbr["channel"] in ("meeting", "email")
    shown = json.loads(wt("show", "dana", "--json").stdout)
    assert shown["contact"]["last_touch_at"].startswith("2026-11-26")  # Pricing, Thu 16:00
    assert waiting(wt) == []
    wt("scan", "--since", "2026-10-30")
    assert waiting(wt) == []  # remembers its source: never proposed twice
    wt("undo")
    assert len(waiting(wt)) == count
    assert wt("conversation", "show", "1", ok=False).exit_code != 0


def test_skip_all_and_never_for_this_person(wt: Invoke, sources: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    wt("scan")
    found = waiting(wt)
    only_marcus = [p for p in found if [x["name"] for x in p["people"]] == ["Marcus O'Neil"]]
    monkeypatch.setattr("wintogether.cli.capture.stdin_is_terminal", lambda: True)
    # Oldest first: skip, accept with a note, skip twice, never for Dana, quit.
    answers = "s\nn\nGreat talk about the renewal\ns\nx\ns\nv\nq\n"
    run = wt("review", input=answers)
    assert "(1/8) #" in run.stdout and "(6/8) #" in run.stdout
    assert "Never proposing Dana Reyes again." in run.stderr
    assert "Accepted 1, skipped 3." in run.stderr
    left = waiting(wt)
    # Dana's own proposals are gone; those with Marcus too, or only him, stay.
    assert [[x["name"] for x in p["people"]] for p in left] == [
        ["Dana Reyes", "Marcus O'Neil"],
        ["Marcus O'Neil"],
        ["Marcus O'Neil", "Dana Reyes"],
    ]
    assert len(only_marcus) == 2
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    # The meeting's subject, then the note.
    subject, _, note = conv["note"].partition(": ")
    assert note == "Great talk about the renewal"
    assert subject in {p["subject"] for p in found}, conv["note"]
    wt("review", "--skip-all")
    assert waiting(wt) == []


def test_accept_with_a_note_keeps_the_subject_before_it(wt: Invoke, sources: Path) -> None:
    from wintogether.clock import now
    from wintogether.domain import capture
    from wintogether.store import open_store

    wt("scan")
    first = waiting(wt)[0]
    store, _ = open_store(Path(os.environ["WINTOGETHER_DB"]))
    try:
        [conv] = capture.accept(store, now(), [first["id"]], "Talked budget")
    finally:
        store.close()
    shown = json.loads(wt("conversation", "show", str(conv), "--json").stdout)
    assert first["subject"]
    assert shown["note"] == f"{first['subject']}: Talked budget"
    assert shown["channel"] == first["kind"]
    # A note that says the subject already, or a long one, is not prefixed twice.
    second, third = waiting(wt)[:2]
    store, _ = open_store(Path(os.environ["WINTOGETHER_DB"]))
    try:
        [again] = capture.accept(store, now(), [second["id"]], f"{second['subject']} went well")
        [longer] = capture.accept(store, now(), [third["id"]], "Budget.\nNext: pilot.")
    finally:
        store.close()
    shown = json.loads(wt("conversation", "show", str(again), "--json").stdout)
    assert shown["note"] == f"{second['subject']} went well"  # starts with it: not twice
    shown = json.loads(wt("conversation", "show", str(longer), "--json").stdout)
    assert shown["note"] == f"{third['subject']}\n\nBudget.\nNext: pilot."


def test_today_says_what_waits_for_review(wt: Invoke, sources: Path) -> None:
    assert "To review" not in wt("today", "--plain").stdout
    wt("scan")
    out = wt("today", "--plain").stdout
    assert "To review: 6 meetings and 2 email threads since Mon 2 Nov (wt review)" in out
    data = json.loads(wt("today", "--json").stdout)
    assert data["to_review"]["meetings"] == 6 and data["to_review"]["email_threads"] == 2


def test_links_and_fifos_are_never_followed_and_sources_never_written(
    wt: Invoke, sources: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    write_calendar(outside)
    (sources / "cal" / "elsewhere.ics").symlink_to(outside / "cal" / "qbr.ics")
    (sources / "Mail" / "INBOX" / "cur" / "9.link:2,").symlink_to(
        sources / "Mail" / "INBOX" / "cur" / "1.a1:2,S"
    )
    os.mkfifo(sources / "cal" / "pipe.ics")
    os.mkfifo(sources / "Mail" / "INBOX" / "cur" / "10.pipe:2,")
    before = snapshot(sources)
    run = wt("scan")
    assert "2 symbolic links" in run.stderr and "2 special files" in run.stderr
    assert snapshot(sources) == before
    assert len([p for p in waiting(wt) if p["subject"] == "Renewal QBR"]) == 1


def test_hostile_names_and_subjects_are_shown_escaped(
    wt: Invoke, dana: Path, tmp_path: Path
) -> None:
    box = write_maildir(
        tmp_path / "src",
        {
            "1.evil:2,": message(
                sender=f"=?utf-8?q?Dana_=1B[2J_Reyes?= <{DANA}>",
                to=ME,
                subject="=?utf-8?q?Pay_now_=1B]0;pwned=07_=E2=80=AE?=",
                date="Thu, 26 Nov 2026 08:00:00 +0000",
                message_id="<e1@x>",
            )
        },
    )
    configure(tmp_path, [], [box])
    wt("scan")
    out = wt("review").stdout
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b]0;pwned" in out and "\\u202e" in out


def test_nothing_configured_says_how(wt: Invoke, dana: Path) -> None:
    run = wt("scan", ok=False)
    assert run.exit_code != 0
    assert "capture.calendars" in run.stderr


def test_config_sets_and_shows_capture(wt: Invoke, db: Path) -> None:
    wt("config", "set", "capture.mail", "~/Mail/work, ~/old.mbox")
    wt("config", "set", "capture.max_attendees", "5")
    wt("config", "set", "capture.auto_touch", "true")
    shown = {s["key"]: s for s in json.loads(wt("config", "show", "--json").stdout)}
    assert shown["capture.mail"]["value"].endswith("Mail/work, " + str(Path.home() / "old.mbox"))
    assert shown["capture.max_attendees"]["value"] == 5
    assert shown["capture.auto_touch"]["value"] == "true"
    assert shown["capture.calendars"]["source"] == "default"
    assert wt("config", "set", "capture.auto_touch", "maybe", ok=False).exit_code != 0


def test_auto_touch_records_at_scan_time_and_review_adds_a_note(
    wt: Invoke, dana: Path, tmp_path: Path
) -> None:
    box = write_maildir(tmp_path / "src", {"1.a1:2,S": MAILS["1.a1:2,S"]})
    configure(tmp_path, [], [box], "auto_touch = true\n")
    run = wt("scan")
    assert "recorded already" in run.stderr
    [proposal] = waiting(wt)
    assert proposal["conversation_id"] is not None
    shown = json.loads(wt("show", "dana", "--json").stdout)
    assert shown["contact"]["last_touch_at"].startswith("2026-11-23")
    wt("review", "--accept-all")
    assert waiting(wt) == []
    conv = json.loads(wt("conversation", "show", str(proposal["conversation_id"]), "--json").stdout)
    assert conv["note"] == "SOC2 report ✓"


def test_forget_removes_the_proposals_that_name_only_that_person(wt: Invoke, sources: Path) -> None:
    import sqlite3

    wt("scan")
    wt("forget", "dana", "--yes")
    left = waiting(wt)
    assert all("Dana Reyes" not in [x["name"] for x in p["people"]] for p in left)
    conn = sqlite3.connect(os.environ["WINTOGETHER_DB"])
    try:
        subjects = {r[0] for r in conn.execute("SELECT subject FROM capture_proposals")}
        journal = " ".join(r[0] or "" for r in conn.execute("SELECT new FROM journal"))
    finally:
        conn.close()
    assert "Weekly sync" not in subjects  # only with Dana: gone
    assert "Renewal QBR" in subjects  # Marcus was there too: kept, without her
    assert "Weekly sync" not in journal


def test_headers_are_read_with_encoded_names_and_threads() -> None:
    from wintogether.formats.mail import parse_headers, thread_subject

    parsed = parse_headers(MAILS["1.a1:2,S"] + b"Body: not a header\n")
    assert parsed is not None
    assert parsed.sender is not None and parsed.sender.name == "Dana Reyes"
    assert [r.email for r in parsed.recipients] == [ME, "marcus@oneil.example"]
    assert parsed.recipients[1].name == "O'Neil, Marcus"
    assert parsed.subject == "SOC2 report ✓" and parsed.thread == "<a1@northwind.example>"
    reply = parse_headers(MAILS["3.a3:2,"])
    assert reply is not None and reply.thread == "<a1@northwind.example>"
    assert thread_subject("RE: Fwd: Re: SOC2") == "SOC2"
    assert parse_headers(b"\x00\x01 nothing") is None


def test_gmail_addresses_match_without_dots_and_tags() -> None:
    from wintogether.domain.capture import normalize_email

    assert normalize_email("Dana.Reyes+work@GMail.com") == "danareyes@gmail.com"
    assert normalize_email("dana.reyes@googlemail.com") == "danareyes@gmail.com"
    assert normalize_email("Dana.Reyes@Northwind.example") == "dana.reyes@northwind.example"


def test_a_calendar_file_over_the_size_limit_is_skipped_and_counted(
    wt: Invoke, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("wintogether.domain.capture.MAX_ICS_BYTES", 1000)
    run = wt("scan")
    assert "1 file over the size limit" in run.stderr
    assert "weekly" not in {p["subject"].lower() for p in waiting(wt)}  # the big file


def test_review_writes_the_note_in_the_editor(
    wt: Invoke, sources: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    editor = tmp_path / "editor.sh"
    editor.write_text('#!/bin/sh\nprintf "Budget approved\\n" > "$1"\n')
    editor.chmod(0o755)
    monkeypatch.setenv("EDITOR", str(editor))
    monkeypatch.setattr("wintogether.cli.capture.stdin_is_terminal", lambda: True)
    wt("scan")
    first = waiting(wt)[0]
    run = wt("review", input="e\nq\n")
    assert "Accepted 1, skipped 0." in run.stderr
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert conv["note"] == f"{first['subject']}: Budget approved"
    assert conv["channel"] == first["kind"]
    assert not list((tmp_path / "home").rglob("note-*.txt"))  # the draft is removed


def test_never_for_this_calendar_stops_reading_it(
    wt: Invoke,
    tmp_path: Path,
    dana: Path,
    monkeypatch,  # type: ignore[no-untyped-def]
) -> None:
    from capture_data import attendee, event, ics

    # Two calendars in one vdirsyncer folder: work and a shared family one.
    root = tmp_path / "calendars"
    for name, uid, summary in (("work", "w-1", "Pilot kickoff"), ("family", "f-1", "Dinner")):
        (root / name).mkdir(parents=True)
        (root / name / f"{uid}.ics").write_text(
            ics(event(uid, ":20261124T150000Z", summary, attendee(DANA, "Dana Reyes"))),
            encoding="utf-8",
        )
    configure(tmp_path, [root], [])
    wt("scan")
    assert {p["subject"] for p in waiting(wt)} == {"Pilot kickoff", "Dinner"}
    monkeypatch.setattr("wintogether.cli.capture.stdin_is_terminal", lambda: True)
    # Oldest first (same time: by id): Pilot kickoff is skipped, Dinner's calendar refused.
    order = [p["subject"] for p in waiting(wt)]
    answers = "s\nc\n" if order == ["Pilot kickoff", "Dinner"] else "c\ns\n"
    run = wt("review", input=answers)
    assert "never this [c]alendar" in run.stderr
    assert f"Never proposing meetings from {root / 'family'} again (1 waiting dropped" in run.stderr
    assert waiting(wt) == []
    shown = json.loads(wt("config", "show", "--json").stdout)
    [setting] = [s for s in shown if s["key"] == "capture.ignore_calendars"]
    assert setting["value"] == str(root / "family") and setting["source"] == "file"
    # A new event in the refused calendar is never read; one in the other is.
    for name, uid, summary in (("work", "w-2", "Pilot review"), ("family", "f-2", "Birthday")):
        (root / name / f"{uid}.ics").write_text(
            ics(event(uid, ":20261125T150000Z", summary, attendee(DANA, "Dana Reyes"))),
            encoding="utf-8",
        )
    wt("scan", "--since", "2026-11-01")
    assert [p["subject"] for p in waiting(wt)] == ["Pilot review"]


def test_mail_proposals_have_no_calendar_choice(wt: Invoke, sources: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    wt("scan")
    monkeypatch.setattr("wintogether.cli.capture.stdin_is_terminal", lambda: True)
    found = waiting(wt)
    first_email = next(i for i, p in enumerate(found) if p["kind"] == "email")
    # Skip up to the first email, then answer "c" to it: not a choice there, asked again.
    run = wt("review", input="s\n" * first_email + "c\nq\n")
    assert run.stderr.count("ne[v]er for them, [q]uit? ") == 2
    assert len(waiting(wt)) == len(found) - first_email


@pytest.mark.parametrize(
    ("subject", "note", "kept"),
    [
        ("Sync", "Async follow-up", "Sync: Async follow-up"),
        ("Call", "Called Dana", "Call: Called Dana"),
        ("Renewal sync", "renewal sync went well", "renewal sync went well"),
        ("Renewal sync", "Renewal sync", "Renewal sync"),
        (None, "Talked budget", "Talked budget"),
    ],
)
def test_a_note_is_prefixed_unless_it_starts_with_the_subject(
    subject: str | None, note: str, kept: str
) -> None:
    from types import SimpleNamespace

    from wintogether.domain.capture import Proposal, with_subject

    proposal = cast(Proposal, SimpleNamespace(subject=subject))
    assert with_subject(proposal, note) == kept
