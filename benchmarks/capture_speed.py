"""Time `wt scan` on a generated Maildir and a generated vdir calendar.

    python benchmarks/capture_speed.py [MESSAGES] [EVENTS] [--runs N] [--json]

Defaults: 100,000 messages (targets: first scan <= 30 s; a re-scan with 10 new
messages <= 2 x `wt --version`) and 5,000 events, one in five repeating weekly
for ten years (target: first scan <= 5 s). The clock is pinned
(WINTOGETHER_NOW) so every message and occurrence falls in the scanned window;
500 contacts are matched; HOME is a temporary folder. The first Maildir scan
runs once; the re-scan (10 new messages before each run), `wt --version`
(between the re-scans) and the calendar's first scan (a fresh copy of the
database each time) run --runs times, and their medians are printed, with
the processor time of each (user and system: steadier than the wall clock
on a shared machine).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
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


#: Processor seconds (user and system) of every `wt` run, by its arguments:
#: on a shared machine they vary less with the load than the wall clock.
CPU: dict[str, list[float]] = {}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(*args: str, env: dict[str, str], expect: str = "") -> float:
    """Seconds one `wt` run took; ``expect`` must be in what it said."""
    cpu = _children_cpu()
    began = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "wintogether", *args], env=env, check=True,
                          capture_output=True, text=True)  # fmt: skip
    took = time.perf_counter() - began
    CPU.setdefault(" ".join(args), []).append(_children_cpu() - cpu)
    if expect not in done.stdout + done.stderr:
        raise SystemExit(f"wt {' '.join(args)} did not say {expect!r}:\n{done.stderr}")
    return took


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time `wt scan` on a generated Maildir and a generated vdir calendar.",
        epilog="Targets: first scan of 100,000 messages <= 30 s; a re-scan with 10 new "
        "messages <= 2 x `wt --version` (medians of the same run); first scan of 5,000 "
        "events <= 5 s.",
    )
    parser.add_argument("messages", nargs="?", type=int, default=100_000,
                        help="messages in the Maildir (default 100000)")  # fmt: skip
    parser.add_argument("events", nargs="?", type=int, default=5_000,
                        help="events in the calendar, 1 in 5 weekly (default 5000)")  # fmt: skip
    parser.add_argument("--runs", type=int, default=5,
                        help="timed runs of the re-scan, `wt --version` and the calendar "
                        "scan; their medians are shown (default 5)")  # fmt: skip
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    args = parser.parse_args(argv)
    if args.messages < 1 or args.events < 1 or args.runs < 1:
        parser.error("messages, events and --runs must be at least 1")
    return args


def main(argv: list[str] | None = None) -> dict[str, float]:
    args = parse_args(argv)
    messages, events = args.messages, args.events
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base = make_db(folder)
        db = folder / "mail.db"
        shutil.copyfile(base, db)
        maildir = make_maildir(folder, messages)
        cal = make_calendar(folder, events)
        (folder / "home").mkdir()
        env = dict(os.environ, WINTOGETHER_DB=str(db), WINTOGETHER_NOW=NOW.isoformat(),
                   HOME=str(folder / "home"))  # fmt: skip
        config = folder / "config.toml"
        env["WINTOGETHER_CONFIG"] = str(config)
        config.write_text(f'[capture]\nmail = ["{maildir}"]\nme = ["{ME}"]\n')
        first = timed("scan", env=env, expect="To review")
        # Each timed re-scan finds 10 messages it has not read; `wt --version`
        # runs between them, so both see the same load.
        rescans, versions = [], []
        for run in range(args.runs):
            for i in range(10):
                n = messages + run * 10 + i
                (maildir / "INBOX" / "new" / f"{n}.bench").write_bytes(
                    message(n, NOW - timedelta(hours=1))
                )
            rescans.append(timed("scan", env=env, expect="To review"))
            versions.append(timed("--version", env=env))
        config.write_text(f'[capture]\ncalendars = ["{cal}"]\nme = ["{ME}"]\n')
        mail_cpu = CPU.pop("scan")
        calendars = []
        for _ in range(args.runs):
            shutil.copyfile(base, db)  # a first scan each time
            calendars.append(timed("scan", env=env, expect="To review"))
    result = {
        "messages": messages,
        "first_scan_s": first,
        "rescan_10_new_s": statistics.median(rescans),
        "version_s": statistics.median(versions),
        "events": events,
        "calendar_first_scan_s": statistics.median(calendars),
        "cpu_first_scan_s": mail_cpu[0],
        "cpu_rescan_10_new_s": statistics.median(mail_cpu[1:]),
        "cpu_version_s": statistics.median(CPU["--version"]),
        "cpu_calendar_first_scan_s": statistics.median(CPU["scan"]),
    }
    if args.json:
        print(json.dumps(result, indent=2))
        return result
    ratio = result["rescan_10_new_s"] / result["version_s"]
    print(
        f"first scan, {messages} messages: {first:.2f} s (target <= 30 s);"
        f" cpu {result['cpu_first_scan_s']:.2f} s"
    )
    print(
        f"re-scan with 10 new (median of {args.runs}): {result['rescan_10_new_s']:.3f} s;"
        f" wt --version {result['version_s']:.3f} s; {ratio:.2f}x (target <= 2x);"
        f" cpu {result['cpu_rescan_10_new_s']:.3f} s and {result['cpu_version_s']:.3f} s"
    )
    print(
        f"first scan, {events} events (1 in 5 weekly, 10 years), median of {args.runs}:"
        f" {result['calendar_first_scan_s']:.2f} s (target <= 5 s);"
        f" cpu {result['cpu_calendar_first_scan_s']:.2f} s"
    )
    return result


if __name__ == "__main__":
    main()
