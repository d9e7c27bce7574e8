"""Capture on bad input: unreadable files, links out of the folder, FIFOs named
as sources, runaway recurrences, mbox files without line breaks. Skipped and
counted in one line, never fatal, never written to."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from capture_data import DANA, ME, attendee, event, ics, message, snapshot, write_calendar
from conftest import Invoke
from test_capture import configure, waiting, write_sources


@pytest.fixture
def sources(tmp_path: Path, dana: Path) -> Path:
    return write_sources(tmp_path)


def _unreadable_when_no_permission(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files without read permission refuse to open, even for root (as the
    suite may run): what a file of another user does."""
    import wintogether.reading as reading

    real = reading._open_regular

    def refuse(path: Path, follow: bool) -> int:
        if os.stat(path, follow_symlinks=False).st_mode & 0o444 == 0:
            raise PermissionError(13, "Permission denied", str(path))
        return real(path, follow)

    monkeypatch.setattr(reading, "_open_regular", refuse)


def test_unreadable_files_are_skipped_and_counted_in_one_line(
    wt: Invoke, sources: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _unreadable_when_no_permission(monkeypatch)
    for path in (
        sources / "cal" / "qbr.ics",
        sources / "Mail" / "INBOX" / "cur" / "7.lee:2,",
        sources / "sent.mbox",
    ):
        path.chmod(0)
    run = wt("scan")
    [line] = [x for x in run.stderr.splitlines() if x.startswith("Skipped")]
    assert "3 unreadable files" in line and "1 broken calendar file" in line
    subjects = {p["subject"] for p in waiting(wt)}
    assert "Renewal QBR" not in subjects and "Pricing" not in subjects
    assert "Weekly sync" in subjects and "SOC2 report ✓" in subjects  # the rest is read


def test_links_out_of_the_folder_are_never_followed_and_nothing_is_written(
    wt: Invoke, sources: Path, tmp_path: Path
) -> None:
    outside = tmp_path / "outside"
    write_calendar(outside)
    (outside / "cal" / "secret.ics").write_text(
        ics(event("secret-1", ":20261125T100000Z", "Secret board", attendee(DANA))),
        encoding="utf-8",
    )
    box = outside / "Box"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True)
    (box / "cur" / "1.s:2,").write_bytes(
        message(
            sender=DANA,
            to=ME,
            subject="Outside mail",
            date="Wed, 25 Nov 2026 10:00:00 +0000",
            message_id="<out@x>",
        )
    )
    # Links to folders: a calendar and a Maildir elsewhere.
    (sources / "cal" / "linked").symlink_to(outside / "cal", target_is_directory=True)
    (sources / "Mail" / "Linked").symlink_to(box, target_is_directory=True)
    # FIFOs named as sources themselves: never opened (a read would block).
    os.mkfifo(tmp_path / "pipe.ics")
    os.mkfifo(tmp_path / "pipe.mbox")
    configure(
        tmp_path,
        [sources / "cal", tmp_path / "pipe.ics"],
        [sources / "Mail", sources / "sent.mbox", tmp_path / "pipe.mbox"],
    )
    before = snapshot(tmp_path / "src"), snapshot(outside)
    run = wt("scan")
    [line] = [x for x in run.stderr.splitlines() if x.startswith("Skipped")]
    assert "2 symbolic links" in line and "2 special files" in line
    subjects = {p["subject"] for p in waiting(wt)}
    assert "Secret board" not in subjects and "Outside mail" not in subjects
    assert "Renewal QBR" in subjects
    wt("scan", "--since", "2026-10-01")
    wt("review", "--accept-all")
    # Sizes, times and the SHA-256 of every byte: the same after all of it.
    assert (snapshot(tmp_path / "src"), snapshot(outside)) == before


@pytest.mark.parametrize("rule", ["FREQ=MINUTELY", "FREQ=SECONDLY;INTERVAL=30", "FREQ=HOURLY"])
def test_a_rule_repeating_too_often_is_skipped_not_expanded(
    wt: Invoke, sources: Path, monkeypatch: pytest.MonkeyPatch, rule: str
) -> None:
    # Hourly makes 700 in the window: over the limit the test sets.
    monkeypatch.setattr("wintogether.formats.calendar.MAX_OCCURRENCES", 50)
    (sources / "cal" / "runaway.ics").write_text(
        ics(event("run-1", ":20161101T000000Z", "Runaway", f"RRULE:{rule}", attendee(DANA))),
        encoding="utf-8",
    )
    run = wt("scan")
    assert "1 calendar file with too many occurrences" in run.stderr
    subjects = {p["subject"] for p in waiting(wt)}
    assert "Runaway" not in subjects and "Renewal QBR" in subjects


def test_a_rule_repeating_every_second_for_years_is_refused_at_once() -> None:
    import time
    from datetime import UTC, datetime

    from wintogether.formats.calendar import MAX_OCCURRENCES, TooManyOccurrences, read_calendar

    data = ics(event("s-1", ":20161101T000000Z", "Every second", "RRULE:FREQ=SECONDLY")).encode()
    began = time.perf_counter()
    with pytest.raises(TooManyOccurrences):
        read_calendar(data, datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))
    assert time.perf_counter() - began < 2  # not 300 million seconds expanded
    assert MAX_OCCURRENCES >= 5_000  # a busy calendar's month fits many times over


class _Lines(io.BytesIO):
    """A stream that remembers the longest piece it was asked for."""

    longest = 0

    def readline(self, size: int | None = -1) -> bytes:
        piece = super().readline(size)
        self.longest = max(self.longest, len(piece))
        return piece

    def __next__(self) -> bytes:
        piece = super().__next__()
        self.longest = max(self.longest, len(piece))
        return piece


def test_an_mbox_without_line_breaks_is_read_in_bounded_pieces() -> None:
    from wintogether.formats.mail import mbox_messages, parse_headers

    first = message(
        sender=DANA, to=ME, subject="One", date="Wed, 25 Nov 2026 10:00:00 +0000",
        message_id="<one@x>", body="x" * 3_000_000,
    )  # fmt: skip
    second = message(
        sender=DANA, to=ME, subject="Two", date="Wed, 25 Nov 2026 11:00:00 +0000",
        message_id="<two@x>", body="Body.\n",
    )  # fmt: skip
    data = b"From a\n" + first + b"\n\nFrom b\n" + second
    stream = _Lines(data)
    found = list(mbox_messages(stream, 0))
    assert stream.longest <= 64 * 1024
    assert [parse_headers(raw).subject for _, raw in found] == ["One", "Two"]  # type: ignore[union-attr]
    assert found[-1][0] == len(data)
    # Reading on from the first message's end finds the second alone.
    again = list(mbox_messages(_Lines(data), found[0][0]))
    assert [parse_headers(raw).subject for _, raw in again] == ["Two"]  # type: ignore[union-attr]


def test_encoded_names_in_other_charsets_are_decoded() -> None:
    from wintogether.formats.mail import parse_headers

    parsed = parse_headers(
        message(
            sender="=?iso-8859-1?q?Ren=E9e_M=FCller?= <renee@example.de>",
            to="=?windows-1252?q?Fran=E7ois?= <f@example.fr>, =?utf-8?b?5bGx55Sw?= <y@example.jp>",
            subject="=?iso-8859-1?q?R=E9union?=",
            date="Wed, 25 Nov 2026 10:00:00 +0100",
            message_id="<x@y>",
        )
    )
    assert parsed is not None and parsed.sender is not None
    assert parsed.sender.name == "Renée Müller"
    assert [r.name for r in parsed.recipients] == ["François", "山田"]
    assert parsed.subject == "Réunion"


def test_past_one_off_events_are_read_without_parsing_and_agree_with_a_full_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import UTC, datetime, timedelta

    import wintogether.formats.calendar as calendar

    cal = write_calendar(tmp_path)
    past = {
        "utc.ics": ics(event("p-1", ":20260301T090000Z", "Old", attendee(DANA))),
        "zoned.ics": ics(
            event("p-2", ";TZID=Europe/Berlin:20260301T230000", "Zoned", attendee(DANA)), tz=True
        ),
        "day.ics": ics(event("p-3", ";VALUE=DATE:20260301", "All day", attendee(DANA))),
        "floating.ics": ics(event("p-4", ":20260301T090000", "Floating", attendee(DANA))),
        "alarm.ics": ics(
            event(
                "p-5",
                ":20260301T090000Z",
                "With an alarm",
                "BEGIN:VALARM\nTRIGGER:-PT15M\nACTION:DISPLAY\nEND:VALARM",
            )
        ),
        # Two days before the window: near enough that the full read decides.
        "edge.ics": ics(event("p-6", ":20261030T090000Z", "Edge", attendee(DANA))),
    }
    for name, text in past.items():
        (cal / name).write_text(text, encoding="utf-8")
    start, end = datetime(2026, 10, 29, 10, tzinfo=UTC), datetime(2026, 12, 12, tzinfo=UTC)
    quick = {}
    for path in sorted(cal.iterdir()):
        data = path.read_bytes()
        if calendar._past_one_off(data, start) is not None:
            quick[path.name] = calendar.read_calendar(data, start, end)
    assert set(quick) == {"utc.ics", "zoned.ics", "day.ics", "floating.ics"}
    monkeypatch.setattr(calendar, "_past_one_off", lambda data, start: None)
    for name, read in quick.items():
        full = calendar.read_calendar((cal / name).read_bytes(), start, end)
        assert (
            (read.occurrences, read.recurring) == (full.occurrences, full.recurring) == ([], False)
        )
        assert full.latest is not None and read.latest is not None
        assert abs(read.latest - full.latest) <= timedelta(hours=14)


def test_a_sender_named_with_brackets_is_read_on_every_python() -> None:
    """Real mail names senders "Dana [Northwind]" and lists "[team] Dana"; newer
    Pythons' strict address parsing gives up on such a header. It is read the
    same way on all of them: the address, and the name as written."""
    from wintogether.formats.mail import parse_headers

    raw = (
        b"From: Dana [Northwind] <dana@northwind.example>\r\n"
        b"To: [team] Me <me@example.com>, =?utf-8?q?Sam_=1B[2J?= <sam@example.com>\r\n"
        b"Subject: hi\r\n\r\n"
    )
    message = parse_headers(raw)
    assert message is not None and message.sender is not None
    assert message.sender.email == "dana@northwind.example"
    assert "me@example.com" in [a.email for a in message.recipients]
    assert "sam@example.com" in [a.email for a in message.recipients]
