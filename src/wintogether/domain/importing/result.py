"""What an import does, or would do: one decision per row, and the totals."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from wintogether.errors import UserError
from wintogether.formats import Problem


def skipped_text(skipped: list[Problem]) -> str:
    """``skipped 3 rows without a name: lines 12, 40, 41`` (cards: their positions)."""
    n = len(skipped)
    if all(p.position.startswith("line ") for p in skipped):
        numbers = ", ".join(p.position.removeprefix("line ") for p in skipped)
        where = f"line{'s' if n != 1 else ''} {numbers}"
        what = f"row{'s' if n != 1 else ''}"
    else:
        where = ", ".join(p.position for p in skipped)
        what = f"card{'s' if n != 1 else ''}"
    return f"skipped {n} {what} without a name: {where}"


class ImportRefused(UserError):
    """The file has rows that cannot be read; nothing was imported."""


@dataclass
class Decision:
    """What an import does, or would do, with one row or card."""

    action: str  # "add" | "update" | "skip"
    position: str
    name: str
    company: str | None
    reason: str
    contact_id: int | None = None
    job_change: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "action": self.action,
            "position": self.position,
            "name": self.name,
            "company": self.company,
            "reason": self.reason,
            "contact_id": self.contact_id,
            "job_change": self.job_change,
        }


@dataclass
class ImportResult:
    fmt: str
    file_name: str
    dry_run: bool
    decisions: list[Decision]
    problems: list[Problem]
    records: int
    #: Conversations, promises, ledger entries and events added from our JSON.
    history: dict[str, int] = field(default_factory=dict)
    #: Rows with nothing to name a contact by, left out (refused with ``strict``).
    skipped_rows: list[Problem] = field(default_factory=list)
    #: Read, but worth saying: a charset guessed, a damaged photo left out.
    notices: list[Problem] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for d in self.decisions if d.action == action)

    @property
    def job_changes(self) -> list[Decision]:
        return [d for d in self.decisions if d.job_change]

    @property
    def label(self) -> str:
        from wintogether.formats.registry import FORMATS

        return next((f.label for f in FORMATS if f.name == self.fmt), self.fmt)

    def summary(self) -> str:
        counts = f"{self.count('add')} added, {self.count('update')} updated, " + (
            f"{self.count('skip')} unchanged"
        )
        if self.job_changes:
            n = len(self.job_changes)
            counts += f", {n} job change{'s' if n != 1 else ''}"
        if self.problems:
            counts += f", {len(self.problems)} unreadable skipped"
        if self.skipped_rows:
            counts += f"; {skipped_text(self.skipped_rows)}"
        history = ", ".join(f"{n} {k}" for k, n in self.history.items() if n)
        if history:
            counts += f"; history: {history}"
        if self.dry_run:
            return (
                f"Dry run of {self.file_name} ({self.label}): would be {counts}. Nothing changed."
            )
        return f"Imported {self.file_name} ({self.label}): {counts}."

    def to_json(self) -> dict[str, Any]:
        return {
            "format": self.fmt,
            "file": self.file_name,
            "dry_run": self.dry_run,
            "added": self.count("add"),
            "updated": self.count("update"),
            "skipped": self.count("skip"),
            "job_changes": len(self.job_changes),
            "problems": [{"position": p.position, "reason": p.reason} for p in self.problems],
            "skipped_rows": [
                {"position": p.position, "reason": p.reason} for p in self.skipped_rows
            ],
            "notices": [{"position": p.position, "reason": p.reason} for p in self.notices],
            "history": self.history,
            "decisions": [d.to_json() for d in self.decisions],
        }
