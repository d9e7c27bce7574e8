"""Reading mail headers: From, To, Cc, Date, Subject, Message-ID and threading.

Pure parsing, headers only: a message's body is never decoded or kept. Names
and subjects in RFC 2047 encoded words (``=?utf-8?q?Ren=C3=A9e?=``) are
decoded. mbox files are split at their ``From `` lines here, so a file is read
as a stream from any offset.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO

#: Headers are read up to this many bytes of a message; the rest is body.
MAX_HEADER_BYTES = 256 * 1024
MAX_SUBJECT = 200
_PIECE = 64 * 1024

_REPLY_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Address:
    email: str
    name: str


@dataclass(frozen=True)
class Message:
    message_id: str
    #: The thread's first Message-ID (References, else In-Reply-To, else its own).
    thread: str
    date: datetime | None
    subject: str
    sender: Address | None
    recipients: tuple[Address, ...]
    #: Sent through a mailing list (List-Id) or automatically (Auto-Submitted, bulk).
    bulk: bool
    #: ``thread`` is only the message it replies to (In-Reply-To, no References):
    #: the thread's first message is that one's thread.
    parent_only: bool = False


def _decode(value: str | None) -> str:
    from email.header import decode_header, make_header

    if not value:
        return ""
    try:
        text = str(make_header(decode_header(value)))
    except Exception:  # a broken encoded word: keep the raw text
        text = value
    return " ".join(text.split())


def _addresses(values: list[str]) -> list[Address]:
    from email.utils import getaddresses

    try:
        # Read leniently on every Python: newer ones (3.11.10+, and distributions'
        # patched 3.11s) give up on a whole header with, say, an unquoted "[" in
        # a name ("Dana [Northwind] <dana@…>"), common in real mail. The address
        # is only a proposal to review, never a proof of who sent it.
        pairs = getaddresses(values, strict=False)  # type: ignore[call-arg,unused-ignore]
    except TypeError:  # a Python without the choice reads leniently anyway
        pairs = getaddresses(values)
    out = []
    for name, raw in pairs:
        email = raw.strip().lower()
        if "@" in email and len(email) <= 320:
            out.append(Address(email, _decode(name)[:MAX_SUBJECT]))
    return out


def head(raw: bytes) -> bytes:
    """The header part of a message (up to its first empty line)."""
    for sep in (b"\n\n", b"\r\n\r\n"):
        at = raw.find(sep)
        if at >= 0:
            return raw[: at + len(sep)]
    return raw[:MAX_HEADER_BYTES]


def parse_headers(raw: bytes) -> Message | None:
    """The message whose headers start ``raw``; None when it has none of ours."""
    from email.parser import HeaderParser
    from email.utils import parsedate_to_datetime

    # Raw 8-bit headers (common, though RFC 5322 says ASCII) are nearly always UTF-8.
    headers = HeaderParser().parsestr(head(raw).decode("utf-8", "replace"))
    if not headers.keys():
        return None

    def get(name: str) -> str:
        value = headers.get(name)
        return str(value) if value is not None else ""

    sender = _addresses([get("From")]) if get("From") else []
    recipients = _addresses([v for n in ("To", "Cc") for v in map(str, headers.get_all(n) or [])])
    if not sender and not recipients:
        return None
    date: datetime | None = None
    try:
        date = parsedate_to_datetime(get("Date")) if get("Date") else None
        if date is not None and date.tzinfo is None:
            date = date.astimezone()
    except (ValueError, TypeError, IndexError, OverflowError):
        date = None
    subject = _decode(get("Subject"))[:MAX_SUBJECT]
    ids = _ID.findall(get("Message-ID"))
    message_id = ids[0] if ids else _synthetic_id(raw)
    references = _ID.findall(get("References"))
    parent_only = not references and bool(_ID.findall(get("In-Reply-To")))
    references = references or _ID.findall(get("In-Reply-To"))
    thread = references[0] if references else message_id
    bulk = bool(get("List-Id")) or get("Auto-Submitted").strip().lower() not in ("", "no")
    bulk = bulk or get("Precedence").strip().lower() in ("bulk", "list", "junk")
    return Message(
        message_id=message_id,
        thread=thread,
        date=date,
        subject=subject,
        sender=sender[0] if sender else None,
        recipients=tuple(recipients),
        bulk=bulk,
        parent_only=parent_only,
    )


def _synthetic_id(raw: bytes) -> str:
    return "<sha256-" + hashlib.sha256(head(raw)).hexdigest()[:40] + "@wintogether>"


def thread_subject(subject: str) -> str:
    """A subject without its Re:/Fwd: prefixes."""
    return _REPLY_PREFIX.sub("", subject).strip()


def mbox_messages(stream: IO[bytes], offset: int) -> Iterator[tuple[int, bytes]]:
    """(end offset, headers) of each message in an mbox, reading from ``offset``
    (which must be the start of a ``From `` line or of the file). A message's
    body is skipped line by line, never kept; headers are capped."""
    stream.seek(offset)
    position = offset
    current: list[bytes] | None = None
    in_headers = False
    after_blank = True
    size = 0
    # Lines are read in pieces of at most _PIECE bytes: a file without line
    # breaks (a corrupt or hostile mbox) is never held in memory whole.
    line_start = True
    while piece := stream.readline(_PIECE):
        starts = line_start
        line_start = piece.endswith(b"\n")
        if not starts:  # the rest of a long line
            if current is not None and in_headers and size < MAX_HEADER_BYTES:
                current.append(piece)
                size += len(piece)
            position += len(piece)
            continue
        blank = piece in (b"\n", b"\r\n")
        # A separator starts a line after an empty one (or the file); a body
        # line starting with "From " is written ">From " by mail programs.
        if piece.startswith(b"From ") and after_blank and not in_headers:
            if current is not None:
                yield position, b"".join(current)
            current, in_headers, size = [], True, 0
        elif current is not None and in_headers:
            if blank:
                in_headers = False
            elif size < MAX_HEADER_BYTES:
                current.append(piece)
                size += len(piece)
        after_blank = blank
        position += len(piece)
    if current is not None:
        yield position, b"".join(current)
