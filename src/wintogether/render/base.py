"""The drawing primitives every renderer shares: consoles, safe text, tables,
spacing and timeline lines.

All user text goes through :func:`t` (a ``Text`` object, escapes made visible),
never through markup parsing, so a contact named ``[bold red]x`` shows literally.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any, TypeVar

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_moment
from wintogether.text import one_line, visible

if TYPE_CHECKING:
    from wintogether.models import ContactRef
    from wintogether.render.columns import Columns

R = TypeVar("R")


def make_console(
    file: IO[str] | None = None, *, plain: bool = False, width: int | None = None
) -> Console:
    """A console that colours only a terminal and never interprets user text."""
    stream = file or sys.stdout
    is_tty = hasattr(stream, "isatty") and stream.isatty()
    return Console(
        file=stream,
        width=width,
        no_color=plain or not is_tty or "NO_COLOR" in os.environ,
        force_terminal=False if plain else None,
        highlight=False,
        markup=False,
        emoji=False,
        soft_wrap=False,
    )


def render(renderable: RenderableType, console: Console) -> None:
    console.print(renderable)


def t(value: object, style: str = "") -> Text:
    """User text, safe to show: control characters visible, no markup."""
    return Text(visible("" if value is None else str(value)), style=style)


def t1(value: object, style: str = "") -> Text:
    """Like :func:`t` on one line."""
    return Text(one_line("" if value is None else str(value)), style=style)


def new_table(plain: bool, *columns: str, title: str | Text | None = None) -> Table:
    """A table; a ``str`` title is Rich markup, so a title with the user's text in
    it is a :class:`Text` (:func:`t1`)."""
    table = Table(
        *columns,
        box=None if plain else box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        title=title,
        title_justify="left",
        title_style="bold",
        header_style="" if plain else "bold",
        expand=False,
    )
    return table


def spec_table(
    plain: bool,
    spec: Columns[R],
    rows: Iterable[R],
    cells: Mapping[str, Callable[[R], RenderableType]],
    *,
    title: str | None = None,
    skip: Sequence[str] = (),
    numbered: bool = False,
) -> Table:
    """A table of ``rows`` with the headings of ``spec`` (render/columns.py).

    ``cells`` draws the columns that need style; any other column shows its
    machine value as plain text. ``numbered`` puts a running ``#`` first.
    """
    shown = spec.shown(skip=skip)
    table = new_table(
        plain, *(["rank"] if numbered else []), *(c.header or "" for c in shown), title=title
    )
    for index, row in enumerate(rows, 1):
        out: list[RenderableType] = [Text(str(index), style="dim")] if numbered else []
        for column in shown:
            draw = cells.get(column.name)
            out.append(draw(row) if draw else t1(_plain_value(column.value(row))))
        table.add_row(*out)
    return table


def _plain_value(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def spaced(parts: list[RenderableType]) -> list[RenderableType]:
    out: list[RenderableType] = []
    for part in parts:
        if out:
            out.append(Text(""))
        out.append(part)
    return out


def when_text(moment: datetime, today: date) -> Text:
    """The start of a timeline line: a dim date and time (only that part is dim)."""
    text = Text()
    text.append(f"{format_moment(moment, today)}  ", style="dim")
    return text


def ref_text(ref: ContactRef) -> Text:
    text = t1(ref.name, "bold")
    if ref.company:
        text.append_text(Text(" (")).append_text(t1(ref.company)).append(")")
    return text


def timeline_grid(lines: list[Text]) -> Table:
    """Timeline lines as two columns: the date and kind, then the text, so a long
    note wraps under its own start (not under the date) and dates line up."""
    grid = Table.grid(padding=(0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    grid.add_column()
    for line in lines:
        # Every timeline line starts with when_text (one dim span), then an
        # eight-character kind ("call    ", "promise ").
        when = line.spans[0].end if line.spans and line.spans[0].start == 0 else 0
        if not when:
            grid.add_row(Text(), Text(), line)
            continue
        parts = line.divide([when, when + 8])
        grid.add_row(*parts, *([Text()] * (3 - len(parts))))
    return grid
