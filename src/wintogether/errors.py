"""Every error a user can cause or meet, under one base class.

The CLI turns a :class:`WintogetherError` into a one-line message on stderr and
its ``exit_code``; nothing below the CLI prints or exits.
"""

from __future__ import annotations

from collections.abc import Sequence


class WintogetherError(Exception):
    """Base class; ``exit_code`` is what the process exits with."""

    exit_code = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


# -- user errors: exit 1 ---------------------------------------------------


class UserError(WintogetherError):
    exit_code = 1


class ContactNotFound(UserError):
    pass


class AmbiguousContact(UserError):
    def __init__(self, ref: str, candidates: Sequence[tuple[int, str, str | None]]) -> None:
        shown = "; ".join(
            f"#{cid} {name}" + (f" ({company})" if company else "")
            for cid, name, company in candidates[:8]
        )
        more = f" and {len(candidates) - 8} more" if len(candidates) > 8 else ""
        if not candidates:
            hint = "Use the id, the full name or an email."
        elif all(" ".join(name.casefold().split()) == " ".join(ref.casefold().split())
                 for _, name, _ in candidates):  # fmt: skip
            # The full name was typed: they share it.
            hint = f"They share that name: use the id (e.g. {candidates[0][0]}) or an email."
        else:
            hint = f"Use the id (e.g. {candidates[0][0]}), the full name or an email."
        super().__init__(f"'{ref}' matches {len(candidates)} contacts: {shown}{more}.", hint=hint)
        self.candidates = list(candidates)


class InvalidValue(UserError):
    pass


class InvalidDate(InvalidValue):
    pass


class InvalidDuration(InvalidValue):
    pass


class NotFound(UserError):
    """A conversation, promise or other record id that does not exist."""


class EmptyNote(UserError):
    pass


class ConfigError(UserError):
    pass


# -- data-store problems: exit 3 -------------------------------------------


class StoreError(WintogetherError):
    exit_code = 3


class DatabaseMissing(StoreError):
    pass


class DatabaseBusy(StoreError):
    pass


class NotOurDatabase(StoreError):
    pass


class SchemaTooNew(StoreError):
    pass


class DatabaseCorrupt(StoreError):
    pass


class DatabaseReadOnly(StoreError):
    """The file or its folder cannot be written; reads still work."""
