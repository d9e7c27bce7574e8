"""Generated calendars and mail folders for the capture tests (real-world shapes).

The clock of the suite is Saturday 28 November 2026, 10:00 UTC; the first scan
reads the 30 days before it. Dana Reyes and Marcus O'Neil are contacts (the
``dana`` fixture); Pat Newman and Lee Stranger are not.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

ME = "seller@acme.example"
DANA = "dana.reyes@northwind.example"
MARCUS = "marcus@oneil.example"
PAT = "pat@newco.example"


def ics(*events: str, tz: bool = False) -> str:
    zone = (
        "BEGIN:VTIMEZONE\r\nTZID:Europe/Berlin\r\n"
        "BEGIN:STANDARD\r\nDTSTART:19701025T030000\r\nRRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU\r\n"
        "TZOFFSETFROM:+0200\r\nTZOFFSETTO:+0100\r\nEND:STANDARD\r\n"
        "BEGIN:DAYLIGHT\r\nDTSTART:19700329T020000\r\nRRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU\r\n"
        "TZOFFSETFROM:+0100\r\nTZOFFSETTO:+0200\r\nEND:DAYLIGHT\r\nEND:VTIMEZONE\r\n"
        if tz
        else ""
    )
    body = "".join(e.strip().replace("\n", "\r\n") + "\r\n" for e in events)
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//khal//test//EN\r\n{zone}{body}END:VCALENDAR\r\n"


def attendee(email: str, name: str = "", partstat: str = "ACCEPTED") -> str:
    cn = f";CN={name}" if name else ""
    return f"ATTENDEE{cn};PARTSTAT={partstat}:mailto:{email}"


def event(uid: str, start: str, summary: str, *lines: str) -> str:
    extra = "\n".join(lines)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20261101T000000Z\nDTSTART{start}\n"
        f"SUMMARY:{summary}\n{extra}\nEND:VEVENT"
    )


def write_calendar(folder: Path) -> Path:
    """A khal/vdirsyncer vdir: one .ics per event, with every shape a calendar has."""
    cal = folder / "cal"
    cal.mkdir(parents=True)
    organizer = f"ORGANIZER;CN=Me:mailto:{ME}"
    files = {
        "qbr.ics": ics(
            event(
                "qbr-1",
                ":20261124T150000Z",
                "Renewal QBR",
                organizer,
                attendee(DANA.upper(), "Dana Reyes"),
                attendee(MARCUS, "Marcus O'Neil", "NEEDS-ACTION"),
                attendee(ME, "Me"),
            )
        ),
        # Weekly on Monday 10:00 Berlin time; the 16th is cancelled (EXDATE) and
        # the 23rd moved to Tuesday 24th 14:00 (an override with RECURRENCE-ID).
        "weekly.ics": ics(
            event(
                "weekly-1",
                ";TZID=Europe/Berlin:20261005T100000",
                "Weekly sync",
                "RRULE:FREQ=WEEKLY;BYDAY=MO",
                "EXDATE;TZID=Europe/Berlin:20261116T100000",
                organizer,
                attendee(DANA, "Dana Reyes"),
            ),
            event(
                "weekly-1",
                ";TZID=Europe/Berlin:20261124T140000",
                "Weekly sync (moved)",
                "RECURRENCE-ID;TZID=Europe/Berlin:20261123T100000",
                organizer,
                attendee(DANA, "Dana Reyes"),
            ),
            tz=True,
        ),
        "offsite.ics": ics(
            event(
                "offsite-1",
                ";VALUE=DATE:20261120",
                "Partner offsite",
                "DTEND;VALUE=DATE:20261121",
                attendee(MARCUS, "Marcus O'Neil"),
                attendee(ME),
            )
        ),
        "declined-by-me.ics": ics(
            event(
                "nope-1",
                ":20261125T090000Z",
                "Vendor pitch",
                attendee(ME, "Me", "DECLINED"),
                attendee(DANA),
            )
        ),
        "dana-declined.ics": ics(
            event(
                "half-1",
                ":20261126T090000Z",
                "Roadmap review",
                organizer,
                attendee(DANA, "Dana Reyes", "DECLINED"),
                attendee(MARCUS, "Marcus O'Neil"),
            )
        ),
        "cancelled.ics": ics(
            event(
                "gone-1",
                ":20261119T090000Z",
                "Cancelled lunch",
                "STATUS:CANCELLED",
                organizer,
                attendee(DANA),
            )
        ),
        "all-hands.ics": ics(
            event(
                "all-1",
                ":20261118T160000Z",
                "All hands",
                organizer,
                attendee(DANA),
                *(attendee(f"person{i}@acme.example") for i in range(10)),
            )
        ),
        "newco.ics": ics(
            event(
                "pat-1", ":20261117T110000Z", "Intro call", organizer, attendee(PAT, "Pat Newman")
            )
        ),
        "future.ics": ics(
            event("later-1", ":20261203T110000Z", "Next week", organizer, attendee(DANA))
        ),
        "broken.ics": "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:not a date\r\n",
    }
    for name, text in files.items():
        (cal / name).write_text(text, encoding="utf-8")
    return cal


def message(
    *,
    sender: str,
    to: str,
    subject: str,
    date: str,
    message_id: str,
    cc: str | None = None,
    extra: str = "",
    body: str = "Hello.\n",
) -> bytes:
    lines = [
        f"From: {sender}",
        f"To: {to}",
        *([f"Cc: {cc}"] if cc else []),
        f"Subject: {subject}",
        f"Date: {date}",
        f"Message-ID: {message_id}",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
    ]
    if extra:
        lines.append(extra)
    return ("\n".join(lines) + "\n\n" + body).encode("utf-8")


MAILS = {
    # Encoded words in a name and a subject; several recipients.
    "1.a1:2,S": message(
        sender=f"=?utf-8?q?Dana_Reyes?= <{DANA}>",
        to=f"Me <{ME}>",
        cc=f'"O\'Neil, Marcus" <{MARCUS}>',
        subject="=?utf-8?b?U09DMiByZXBvcnQg4pyT?=",
        date="Mon, 23 Nov 2026 09:15:00 +0000",
        message_id="<a1@northwind.example>",
    ),
    # My reply, the same day: the same proposal, two messages.
    "2.a2:2,S": message(
        sender=f"Me <{ME}>",
        to=f"Dana Reyes <{DANA}>",
        subject="Re: SOC2 report ✓",
        date="Mon, 23 Nov 2026 11:00:00 +0000",
        message_id="<a2@acme.example>",
        extra="In-Reply-To: <a1@northwind.example>\nReferences: <a1@northwind.example>",
    ),
    # The thread goes on two days later: a proposal of its own.
    "3.a3:2,": message(
        sender=f"Dana Reyes <{DANA}>",
        to=ME,
        subject="RE: Re: SOC2 report ✓",
        date="Wed, 25 Nov 2026 08:00:00 +0000",
        message_id="<a3@northwind.example>",
        extra="References: <a1@northwind.example> <a2@acme.example>",
    ),
    # A mailing list: not a conversation.
    "4.list:2,": message(
        sender=f"Dana Reyes <{DANA}>",
        to="sales-list@lists.example",
        subject="[sales] Newsletter",
        date="Tue, 24 Nov 2026 08:00:00 +0000",
        message_id="<l1@lists.example>",
        extra="List-Id: <sales.lists.example>",
    ),
    "5.noreply:2,": message(
        sender="Billing <noreply@northwind.example>",
        to=ME,
        subject="Your invoice",
        date="Tue, 24 Nov 2026 08:00:00 +0000",
        message_id="<n1@northwind.example>",
    ),
    "6.garbage:2,": b"\x00\x01\x02 not a mail at all",
    "7.lee:2,": message(
        sender="Lee Stranger <lee@stranger.example>",
        to=ME,
        subject="Coffee?",
        date="Thu, 26 Nov 2026 08:00:00 +0000",
        message_id="<s1@stranger.example>",
    ),
}


def write_maildir(folder: Path, mails: dict[str, bytes] | None = None) -> Path:
    box = folder / "Mail" / "INBOX"
    for sub in ("cur", "new", "tmp"):
        (box / sub).mkdir(parents=True, exist_ok=True)
    for name, data in (mails or MAILS).items():
        (box / "cur" / name).write_bytes(data)
    return folder / "Mail"


def mbox_entry(data: bytes) -> bytes:
    return b"From MAILER-DAEMON Thu Nov 26 08:00:00 2026\n" + data + b"\n"


def write_mbox(folder: Path) -> Path:
    path = folder / "sent.mbox"
    path.write_bytes(
        mbox_entry(
            message(
                sender=ME,
                to=f"{MARCUS}, {DANA}",
                subject="Pricing",
                date="Thu, 26 Nov 2026 16:00:00 +0000",
                message_id="<m1@acme.example>",
                body="Hello,\n\n>From the desk of...\nFrom here on, a line in the body\n",
            )
        )
        + mbox_entry(
            message(
                sender=ME,
                to=MARCUS,
                subject="Old times",
                date="Thu, 26 Nov 2025 16:00:00 +0000",
                message_id="<m0@acme.example>",
            )
        )
    )
    return path


def snapshot(folder: Path) -> dict[str, tuple[int, int, str]]:
    """Every entry's size, mtime and (for regular files) SHA-256 of its bytes,
    folders' too, without following links or opening FIFOs."""
    out = {}
    for root, dirs, files in os.walk(folder):
        for name in [*dirs, *files]:
            path = os.path.join(root, name)
            info = os.lstat(path)
            digest = ""
            if stat.S_ISREG(info.st_mode):
                with open(path, "rb") as handle:
                    digest = hashlib.sha256(handle.read()).hexdigest()
            out[path] = (info.st_size, info.st_mtime_ns, digest)
    return out
