"""User text made inert in the documents we write: HTML and Markdown.

Kept apart from the summary writers so that a plan shared with a buyer (and a
brief) can escape its text without importing the weekly summary.
"""

from __future__ import annotations

import re

from wintogether.text import one_line

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#&])")
_SCHEME = re.compile(r"(?i)(javascript|vbscript|data)\s*:")


def h(text: object) -> str:
    """One line of user text, inert in HTML (attributes included).

    What ``html.escape(text, quote=True)`` does, without importing the html
    package (its table of entities costs a millisecond)."""
    return (
        one_line("" if text is None else str(text))
        .replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#x27;")
    )


def md(text: object) -> str:
    """One line of user text, inert in Markdown (and in any HTML it becomes)."""
    flat = one_line("" if text is None else str(text)).strip()
    escaped = _SPECIAL.sub(r"\\\1", flat)
    return _SCHEME.sub(lambda m: m.group(1) + "\\:", escaped)
