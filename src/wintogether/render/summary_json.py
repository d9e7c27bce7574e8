"""The summary as JSON: the same numbers as every other format, for scripts."""

from __future__ import annotations

import io

from wintogether.domain.summary import Summary
from wintogether.render import words
from wintogether.text import write_json


def render(summary: Summary) -> str:
    buffer = io.StringIO()
    write_json(summary.to_json(words), buffer)
    return buffer.getvalue()
