"""The summary as CSV: one row per conversation in the period.

The columns are ``SUMMARY_CONVERSATIONS`` in render/columns.py; cells go through
``text.csv_cell``: a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return gets a leading ``'`` (OWASP).
"""

from __future__ import annotations

import io

from wintogether.domain.summary import Summary
from wintogether.render.columns import SUMMARY_CONVERSATIONS
from wintogether.text import write_csv


def render(summary: Summary) -> str:
    buffer = io.StringIO()
    spec = SUMMARY_CONVERSATIONS
    write_csv(spec.names(), spec.csv_rows(summary.rows), buffer)
    return buffer.getvalue()
