"""Checks on the text people type or import, before anything is written.

Text is stored exactly as given (control characters included): making it safe
to show is the renderers' job, so that nothing a user typed is silently altered.
"""

from __future__ import annotations

from wintogether.errors import EmptyNote, InvalidValue

#: A field longer than this is refused before any write (1 MB of text).
MAX_FIELD_CHARS = 1_000_000
MAX_NAME_CHARS = 500


def _check_size(text: str, label: str, limit: int = MAX_FIELD_CHARS) -> None:
    if "\x00" in text:
        # SQLite's text functions stop at a NUL, so such text could not be
        # checked, searched or shown reliably.
        raise InvalidValue(f"The {label} contains a NUL character (\\x00); remove it.")
    if len(text) > limit:
        raise InvalidValue(
            f"The {label} is too long ({len(text):,} characters; the limit is {limit:,})."
        )


def clean_name(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise InvalidValue("A name cannot be empty.", hint='Like: wt add "Dana Reyes".')
    _check_size(cleaned, "name", MAX_NAME_CHARS)
    return cleaned


def clean_optional(text: str, label: str) -> str | None:
    """A free-text field; blank means "none"."""
    cleaned = text.strip()
    _check_size(cleaned, label)
    return cleaned or None


def clean_text(text: str, label: str = "note") -> str:
    """Required free text (a note, a promise): surrounding blank space dropped."""
    cleaned = text.strip()
    if not cleaned:
        raise EmptyNote(
            f"The {label} is empty: nothing was saved.", hint='Like: wt log dana "Renewal call".'
        )
    _check_size(cleaned, label)
    return cleaned


def check_tags(tags: list[str]) -> list[str]:
    """Tags as typed or imported: single words, surrounding slashes dropped."""
    out = []
    for tag in tags:
        cleaned = tag.strip().strip("/")
        if not cleaned or any(ch.isspace() for ch in cleaned) or "," in cleaned:
            raise InvalidValue(
                f"'{tag}' is not a tag.", hint="Tags are single words: customers, partners/emea."
            )
        out.append(cleaned)
    return out


def check_field(text: str, label: str, *, name: bool = False) -> None:
    """The size and NUL checks typed commands make, for a value that came from a file
    (an import, a sync): raises ``InvalidValue`` with the same message."""
    _check_size(text, label, MAX_NAME_CHARS if name else MAX_FIELD_CHARS)
