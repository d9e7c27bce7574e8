"""The one source of "now".

Everything that depends on the time asks :func:`now`, so tests, demos and
screenshots can pin it with ``WINTOGETHER_NOW`` (an ISO-8601 timestamp).
"""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    """The current time, timezone-aware, in the local zone."""
    pinned = os.environ.get("WINTOGETHER_NOW")
    if pinned:
        moment = datetime.fromisoformat(pinned)
        if moment.tzinfo is None:
            moment = moment.astimezone()
        return moment.astimezone()
    return datetime.now(UTC).astimezone()


def to_utc_iso(moment: datetime) -> str:
    """Storage form: UTC, ISO-8601, second precision, ``Z`` suffix."""
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")


def from_utc_iso(text: str) -> datetime:
    """Parse a stored timestamp into local time."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone()
