"""Relationship health as shown in `wt show`: the four measures, coloured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from wintogether.render.words import health_lines

if TYPE_CHECKING:
    from wintogether.domain.health import Health


def health_rows(health: Health) -> list[tuple[str, Text]]:
    """(label, words) rows for the profile grid, coloured by how it stands."""
    rows: list[tuple[str, Text]] = []
    for label, words in health_lines(health):
        style = ""
        if label == "in touch":
            style = "red" if health.in_touch.slipping else "green"
        elif label == "my word" and health.my_word.broken:
            style = "red"
        elif label == "balance" and health.balance.one_sided:
            style = "yellow"
        rows.append((label, Text(words, style=style)))
    return rows
