"""Time `wt scan` on a generated Maildir and a generated vdir calendar.

    python benchmarks/capture_speed.py [MESSAGES] [EVENTS]

Defaults: 100,000 messages (targets: first scan <= 30 s; a re-scan with 10 new
messages <= 2 x `wt --version`) and 5,000 events, one in five repeating weekly
for ten years (target: first scan <= 5 s). The clock is pinned
(WINTOGETHER_NOW) so every message and occurrence falls in the scanned window;
500 contacts are matched. Prints seconds.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

NOW = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
ME = "seller@acme.example"
CONTACTS = 500


def make_db(folder: Path) -> Path:
    from wintogether.clock import to_utc_iso
    from wintogether.store import contacts as contacts_store
    from wintogether.store import open_store

    path = folder / "wt.db"
    store, _ = open_store(path, create=True)
    stamp = to_utc_iso(NOW)
    with store.write("benchmark data", name="bench"):
        for i in range(CONTACTS):
            contact_id = contacts_store.insert_contact(
                store, {"name": f"Person {i}", "created_at": stamp}, stamp
            )
            contacts_store.add_emails(store, contact_id, [f"p{i}@example.com"], stamp)
    store.close()
    return path


def message(i: int, when: datetime) -> bytes:
    other = f"p{i % (CONTACTS * 2)}@example.com"  # half are contacts
    sender, to = (ME, other) if i % 3 == 0 else (other, ME)
    thread = i // 4
    return (
        f"From: Person <{sender}>\nTo: {to}\nSubject: =?utf-8?q?Thread_{thread}_=E2=9C=93?=\n"
        f"Date: {when.strftime('%a, %d %b %Y %H:%M:%S +0000')}\n"
        f"Message-ID: <m{i}@bench>\nReferences: <m{thread * 4}@bench>\n\n" + "Body line.\n" * 40
    ).encode()


def make_maildir(folder: Path, count: int) -> Path:
    box = folder / "Mail" / "INBOX"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    step = timedelta(days=29) / max(count, 1)
    for i in range(count):
        when = NOW - timedelta(days=29) + step * i
        path = box / "cur" / f"{i}.bench:2,S"
        path.write_bytes(message(i, when))
        stamp = when.timestamp()
        os.utime(path, (stamp, stamp))
    return folder / "Mail"


def make_calendar(folder: Path, count: int) -> Path:
    cal = folder / "cal"
    cal.mkdir(parents=True)
    start = NOW - timedelta(days=3650)
    for i in range(count):
        when = start + timedelta(hours=17 * i)
        rule = "RRULE:FREQ=WEEKLY\r\n" if i % 5 == 0 else ""
        (cal / f"e{i}.ics").write_text(
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\nBEGIN:VEVENT\r\n"
            f"UID:e{i}@bench\r\nDTSTAMP:20261101T000000Z\r\n"
            f"DTSTART:{when.strftime('%Y%m%dT%H%M%SZ')}\r\n{rule}SUMMARY:Meeting {i}\r\n"
            f"ORGANIZER:mailto:{ME}\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:p{i % CONTACTS}"
            "@example.com\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
            encoding="utf-8",
        )
    return cal


def timed(*args: str, env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run([sys.executable, "-m", "wintogether", *args], env=env, check=True,
                   capture_output=True)  # fmt: skip
    return time.perf_counter() - began


def main() -> None:
    messages = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    events = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = make_db(folder)
        maildir = make_maildir(folder, messages)
        cal = make_calendar(folder, events)
        env = dict(os.environ, WINTOGETHER_DB=str(db), WINTOGETHER_NOW=NOW.isoformat())
        config = folder / "config.toml"
        env["WINTOGETHER_CONFIG"] = str(config)
        config.write_text(f'[capture]\nmail = ["{maildir}"]\nme = ["{ME}"]\n')
        first = timed("scan", env=env)
        for i in range(messages, messages + 10):
            (maildir / "INBOX" / "new" / f"{i}.bench").write_bytes(
                message(i, NOW - timedelta(hours=1))
            )
        rescan = min(timed("scan", env=env) for _ in range(3))
        version = min(timed("--version", env=env) for _ in range(3))
        config.write_text(f'[capture]\ncalendars = ["{cal}"]\nme = ["{ME}"]\n')
        calendar = timed("scan", env=env)
        print(f"first scan, {messages} messages: {first:.2f} s")
        print(f"re-scan with 10 new: {rescan:.3f} s (wt --version {version:.3f} s)")
        print(f"first scan, {events} events (1 in 5 weekly, 10 years): {calendar:.2f} s")


if __name__ == "__main__":
    main()
