"""What a sync reports, and the collections of a vdir it syncs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from wintogether.errors import UserError
from wintogether.records import dataclass

#: kind, folder, file suffix, in the order they are synced (contacts first:
#: promises and conversations refer to contacts by uid).
COLLECTIONS = (
    ("contact", "contacts", ".vcf"),
    ("promise", "promises", ".ics"),
    ("conversation", "conversations", ".ics"),
    # Ledger entries, wins and timeline events: for a second database only.
    ("history", "history", ".ics"),
)
CHANNELS = ("call", "email", "meeting", "message", "social", "event", "note")


class SyncRefused(UserError):
    """The vdir cannot be synced as it is (a collection folder vanished, ...)."""


@dataclass
class SyncChange:
    kind: str
    uid: str
    action: str  # sent, received, merged, deleted, conflict, skipped
    name: str
    detail: str = ""
    #: Said on the terminal too (not only with --json): a contact archived
    #: rather than deleted, files about someone forgotten here removed.
    notice: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "uid": self.uid,
            "action": self.action,
            "name": self.name,
            "detail": self.detail,
        }


class SyncResult:
    """What a sync did, counted and item by item. Written out, not a
    dataclass: every sync makes one, most of them with nothing in it."""

    def __init__(self, vdir: Path, dry_run: bool) -> None:
        self.vdir = vdir
        self.dry_run = dry_run
        self.sent = 0
        self.received = 0
        self.deleted = 0
        self.conflicts = 0
        self.skipped = 0
        self.changes: list[SyncChange] = []
        #: Each conflict as "name, field, field".
        self.conflicted: list[str] = []

    def summary(self) -> str:
        text = (
            f"sent {self.sent}, received {self.received}, deleted {self.deleted},"
            f" conflicts {self.conflicts}"
        )
        if self.conflicted:
            text += ": " + "; ".join(self.conflicted)
        if self.skipped:
            text += f", skipped {self.skipped}"
        return text + (" (dry run: nothing changed)" if self.dry_run else "")

    def to_json(self) -> dict[str, Any]:
        return {
            "vdir": str(self.vdir),
            "dry_run": self.dry_run,
            "sent": self.sent,
            "received": self.received,
            "deleted": self.deleted,
            "conflicts": self.conflicts,
            "skipped": self.skipped,
            "changes": [c.to_json() for c in self.changes],
        }
