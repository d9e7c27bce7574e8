"""The summary as CSV: one row per conversation in the period.

Cells go through ``text.csv_cell``: a cell starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading ``'`` (OWASP).
"""

from __future__ import annotations

import io

from wintogether.domain.summary import Summary
from wintogether.text import write_csv

HEADER = (
    "conversation_id",
    "happened_at",
    "channel",
    "participant_ids",
    "participants",
    "note",
)


def render(summary: Summary) -> str:
    buffer = io.StringIO()
    write_csv(
        HEADER,
        (
            [
                conv.id,
                conv.happened_at.isoformat(),
                conv.channel,
                [p.id for p in conv.participants],
                [p.name for p in conv.participants],
                conv.note,
            ]
            for conv in summary.rows
        ),
        buffer,
    )
    return buffer.getvalue()
