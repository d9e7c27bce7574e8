"""Tables and timelines as plain text, for pipes and ``--plain``, without Rich.

On a terminal the views are drawn by Rich (render/*.py). In a pipe, where no
colour and no box is drawn anyway, importing Rich to lay out aligned columns
cost more than the rest of most commands, so the views a script reads most
(`wt`/`wt today`, `contacts`, `neglected`, `followups`, `search`, `history`,
`balance`, `dupes`) are written here from the same column specs
(render/columns.py) and the same words. The layout is the one Rich draws in a
pipe: columns two spaces apart, headings on the first line, a title above, and
a blank line between sections. When a table is wider than the screen, the
widest columns give way first and their words wrap, as on a terminal; a word
longer than its column is broken rather than cut, so nothing is lost.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from wintogether.dates import format_day, format_duration, format_moment
from wintogether.patterns import LazyPattern
from wintogether.text import one_line, visible

if TYPE_CHECKING:
    from wintogether.domain.contacts import ContactRow
    from wintogether.domain.dupes import Pair
    from wintogether.domain.history import History
    from wintogether.domain.ledger import BalanceView
    from wintogether.domain.search import Result
    from wintogether.domain.today import Dashboard
    from wintogether.models import (
        ContactEvent,
        ContactRef,
        Conversation,
        LedgerEntry,
        Promise,
        Win,
    )
    from wintogether.render.columns import Columns

R = TypeVar("R")

#: Where a view written here is one string per line, without the final newline.
Lines = list[str]


def plain_requested(explicit: bool, stream: Any = None) -> bool:
    """Plain text when asked for, or when the output is not a terminal."""
    stream = stream or sys.stdout
    return explicit or not (hasattr(stream, "isatty") and stream.isatty())


def screen_width() -> int:
    """The width a pipe is written at, chosen as Rich chooses it: the terminal
    the command was started from (any of the standard streams), ``$COLUMNS``
    over that, else 80."""
    width = 0
    for descriptor in (0, 1, 2):
        try:
            width = os.get_terminal_size(descriptor).columns
        except (AttributeError, ValueError, OSError):
            continue
        break
    columns = os.environ.get("COLUMNS")
    if columns is not None and columns.isdigit():
        width = int(columns)
    return width or 80


# -- measuring and wrapping ----------------------------------------------------

_ZERO_WIDTH = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}


def cell_len(text: str) -> int:
    """Terminal cells ``text`` takes: wide (East Asian) characters two, marks none."""
    if text.isascii():
        return len(text)
    # Every ASCII character takes one cell: only the others are looked at.
    width = len(text)
    for char in text.translate(_WITHOUT_ASCII):
        extra = _EXTRA.get(char)
        if extra is None:
            extra = _EXTRA[char] = _extra_cells(char)
        width += extra
    return width


#: ``str.translate`` table leaving a text's characters beyond ASCII, in order.
_WITHOUT_ASCII = dict.fromkeys(range(128))
#: The characters beyond ASCII the views themselves write ("… and 5 more",
#: "→", "—", the sparklines' bars), each one cell wide: known here, so that
#: measuring them does not load unicodedata (a test checks them against it).
_OWN_CHARACTERS = "…→—·≈≥÷▁▂▃▄▅▆▇█"
#: Cells a character takes besides one, by character: -1 for a mark, +1 when wide.
_EXTRA: dict[str, int] = dict.fromkeys(_OWN_CHARACTERS, 0)


def _extra_cells(char: str) -> int:
    if char < "\u0300":
        # Latin-1 and the Latin extensions (the accents of most names): no
        # combining mark and nothing wide comes before U+0300, so these need
        # not load unicodedata (a C extension, ≈ 0.9 M instructions).
        return 0
    import unicodedata

    if char in _ZERO_WIDTH or unicodedata.combining(char):
        return -1
    return 1 if unicodedata.east_asian_width(char) in "WF" else 0


def _fold(word: str, width: int) -> list[str]:
    """A word wider than ``width`` broken into pieces that fit."""
    pieces: list[str] = []
    current = ""
    for char in word:
        if current and cell_len(current + char) > width:
            pieces.append(current)
            current = ""
        current += char
    pieces.append(current)
    return pieces


_WORDS = LazyPattern(r"\s*\S+\s*")


def hanging(text: str, width: int) -> Lines:
    """``text`` two cells in, going on four cells in when it wraps."""
    return [("    " if i else "  ") + line for i, line in enumerate(wrap(text, width - 4))]


def wrap(text: str, width: int) -> Lines:
    """``text`` in lines of at most ``width`` cells, broken between words (and
    inside a word only when it is wider than the line); newlines kept."""
    width = max(width, 1)
    if "\n" not in text and (text.isascii() or _single_cells(text)):
        # One paragraph of characters one cell wide each (most notes): a
        # character is a cell, so it is wrapped by position.
        if len(text) <= width:
            return [text]
        if _first_word_fits(text, width):
            out: Lines = []
            _wrap_ascii(text, width, out)
            return out
    out = []
    for paragraph in text.split("\n"):
        if cell_len(paragraph) <= width:
            out.append(paragraph)
        elif (paragraph.isascii() or _single_cells(paragraph)) and _first_word_fits(
            paragraph, width
        ):
            _wrap_ascii(paragraph, width, out)
        else:
            _wrap_words(paragraph, width, out)
    return out


def _first_word_fits(paragraph: str, width: int) -> bool:
    """Whether :func:`_wrap_ascii` writes :func:`_wrap_words`' lines for this
    paragraph of one-cell characters: it starts with a word, or its indent
    (an account's health lines) and first word fit on the first line."""
    if not paragraph[0].isspace():
        return True
    words = paragraph.split(None, 1)
    return bool(words) and paragraph.index(words[0]) + len(words[0]) <= width


def _single_cells(text: str) -> bool:
    """Whether every character of ``text`` takes one cell (accents and arrows
    do; wide characters and marks do not)."""
    for char in text.translate(_WITHOUT_ASCII):
        extra = _EXTRA.get(char)
        if extra is None:
            extra = _EXTRA[char] = _extra_cells(char)
        if extra:
            return False
    return True


def _wrap_ascii(paragraph: str, width: int, out: Lines) -> None:
    """:func:`_wrap_words` for an ASCII paragraph (or one whose every character
    takes one cell: :func:`_single_cells`) that starts with a word (or an
    indent and a word that fit: :func:`_first_word_fits`), by
    position rather than word by word: a line ends at the last word that ends
    within ``width`` characters, and the next starts at the following word."""
    start = 0
    end = len(paragraph.rstrip())
    # Printable text has one kind of space, found by str.rfind; other text
    # (tabs, other spaces) is looked at character by character.
    spaces_only = paragraph.isprintable()
    while end - start > width:
        cut = start + width  # the last word must end at or before this
        if spaces_only:
            space = max(paragraph.rfind(" ", start + 1, cut + 1), start)
        else:
            space = cut
            while space > start and not paragraph[space].isspace():
                space -= 1
        if space == start:  # the first word is wider than the line: broken
            stop = start
            while stop < end and not paragraph[stop].isspace():
                stop += 1
            for _ in range((stop - start - 1) // width):  # all but the last piece
                out.append(paragraph[start : start + width])
                start += width
            # The last piece begins a line, and words may follow it.
            continue
        out.append(paragraph[start:space].rstrip())
        start = space
        while paragraph[start].isspace():
            start += 1
    out.append(paragraph[start:end])


def _wrap_words(paragraph: str, width: int, out: Lines) -> None:
    """One paragraph wider than ``width``, in lines, word by word."""
    measure = len if paragraph.isascii() else cell_len
    line = ""
    used = 0  # cells in line, its trailing spaces included
    for word in _WORDS.findall(paragraph):
        if used + measure(word.rstrip()) <= width:
            line += word
            used += measure(word)
            continue
        if line.strip():
            out.append(line.rstrip())
        line = word.lstrip()  # a new line starts at its word
        bare = line.rstrip()
        if cell_len(bare) > width:
            *whole, last = _fold(bare, width)
            out.extend(whole)
            line = last + line[len(bare) :]
        used = cell_len(line)
    out.append(line.rstrip())


def _pad(text: str, width: int) -> str:
    return text + " " * (width - (len(text) if text.isascii() else cell_len(text)))


def _widest(cell: str) -> int:
    """The widest line of a cell, in terminal cells."""
    if "\n" not in cell:
        return len(cell) if cell.isascii() else cell_len(cell)
    return max(cell_len(line) for line in cell.split("\n"))


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[str]],
    width: int,
    *,
    title: str | None = None,
    no_wrap: Sequence[int] = (),
    gap: int = 2,
    show_header: bool = True,
    right: Sequence[int] = (),
    fit: bool = False,
    grid: bool = False,
) -> Lines:
    """Aligned columns ``gap`` apart, fitted to ``width``: the widest wrapping
    columns give way first, one cell at a time, until the table fits.

    ``right``: columns whose cells (not the heading) are right-aligned.
    ``fit``: the columns give way exactly as Rich's do, and :class:`TooWide`
    is raised where Rich would cut rather than wrap (the table cannot fit, or a
    word is wider than its column), so that the caller can let Rich draw it and
    the output stays Rich's. ``grid``: the gap is
    the right padding of each column (Rich's ``Table.grid``), not split
    between neighbours (a table); it decides which columns give way first."""
    body = [list(row) for row in rows]
    cells = ([list(headers)] if show_header else []) + body
    count = len(headers)
    widths = [0] * count
    for row in cells:
        for index, cell in enumerate(row):
            widest = _widest(cell)
            widths[index] = max(widths[index], widest)
    excess = sum(widths) + gap * (count - 1) - width
    if excess > 0 and fit:
        widths = _collapse(widths, no_wrap, width, gap, grid)
        excess = sum(widths) + gap * (count - 1) - width
    if excess > 0:
        words = _longest_words(cells, count)
        headings = [cell_len(h) for h in headers] if show_header else [0] * count
        _give_way(
            widths,
            [max(w, h) for w, h in zip(words, headings, strict=True)],
            words,
            no_wrap,
            excess,
        )
        excess = sum(widths) + gap * (count - 1) - width
    if fit:
        _check_fit(cells, widths, no_wrap, excess)
    total = sum(widths) + gap * (count - 1)
    out: Lines = wrap(title, total) if title is not None else []
    for number, row in enumerate(cells):
        aligned = right if number or not show_header else ()
        out.extend(_row_lines(row, widths, gap, no_wrap, aligned))
    return out


def _row_lines(
    row: Sequence[str],
    widths: Sequence[int],
    gap: int,
    no_wrap: Sequence[int] = (),
    aligned: Sequence[int] = (),
) -> Lines:
    """One row of :func:`table`, its cells wrapped to the column widths."""
    spacer = " " * gap
    wrapped = [
        # Most cells are one short line of ASCII: itself, without a call.
        [cell]
        if cell.isascii() and len(cell) <= widths[index] and "\n" not in cell
        else (cell.split("\n") if index in no_wrap else wrap(cell, widths[index]))
        for index, cell in enumerate(row)
    ]
    out: Lines = []
    for depth in range(max(len(lines) for lines in wrapped)):
        parts = [
            (_pad_left if index in aligned else _pad)(
                lines[depth] if depth < len(lines) else "", widths[index]
            )
            for index, lines in enumerate(wrapped)
        ]
        out.append(spacer.join(parts).rstrip())
    return out


def streamed_table(
    headers: Sequence[str], rows: Callable[[], Iterable[Sequence[str]]], width: int
) -> Iterator[str]:
    """The lines of :func:`table` (a plain one: headings, no title) for rows
    too many to hold: ``rows`` is called twice, once to measure, once to write."""
    count = len(headers)
    widths = [_widest(cell) for cell in headers]
    for row in rows():
        for index, cell in enumerate(row):
            widths[index] = max(widths[index], _widest(cell))
    gap = 2
    excess = sum(widths) + gap * (count - 1) - width
    if excess > 0:
        words = _longest_words([headers], count)
        for row in rows():
            for index, cell in enumerate(row):
                words[index] = max(words[index], _longest_word(cell))
        _give_way(
            widths,
            [max(w, cell_len(h)) for w, h in zip(words, headers, strict=True)],
            words,
            (),
            excess,
        )
    yield from _row_lines(headers, widths, gap)
    for row in rows():
        yield from _row_lines(row, widths, gap)


def _longest_word(cell: str) -> int:
    """The widest word of a cell, in terminal cells: below it the word breaks."""
    if cell.isascii():
        return max(map(len, cell.split()), default=0)
    return max((cell_len(word) for word in cell.split()), default=0)


def _longest_words(cells: Sequence[Sequence[str]], count: int) -> list[int]:
    words = [0] * count
    for row in cells:
        for index, cell in enumerate(row):
            words[index] = max(words[index], _longest_word(cell))
    return words


def _give_way(
    widths: list[int],
    headed: Sequence[int],
    words: Sequence[int],
    no_wrap: Sequence[int],
    excess: int,
) -> None:
    """Narrow ``widths`` (in place) by ``excess`` cells, the widest wrapping
    column first, one cell at a time. Where it can, a column gives way only
    while its heading stays on one line and its words whole (``headed``), else
    down to its longest word (``words``): "customers/enterprise" is not split
    into "customers/en" and "terprise" when the table can keep it whole. Where
    it cannot, the columns give way from their full widths down to one cell."""
    for last, floors in ((False, headed), (False, words), (True, [1] * len(widths))):
        trial, left = _narrowed(widths, floors, no_wrap, excess)
        if left <= 0 or last:
            widths[:] = trial
            return


def _narrowed(
    widths: Sequence[int], floors: Sequence[int], no_wrap: Sequence[int], excess: int
) -> tuple[list[int], int]:
    """``widths`` less ``excess`` cells taken one at a time from the widest
    wrapping column above its floor (the first of equals), and the cells that
    could not be taken. Worked out by level rather than cell by cell: every
    column ends at its floor or at a level ``top``, except the first few at
    ``top`` that give one cell more."""
    trial = list(widths)
    if excess <= 0:
        return trial, 0
    lows = [max(floor, 1) for floor in floors]
    wrapping = [i for i in range(len(widths)) if i not in no_wrap and widths[i] > lows[i]]
    room = sum(widths[i] - lows[i] for i in wrapping)
    if room <= excess:
        for i in wrapping:
            trial[i] = lows[i]
        return trial, excess - room

    def taken(level: int) -> int:
        return sum(max(0, widths[i] - max(level, lows[i])) for i in wrapping)

    # The lowest level whose cut leaves some of the excess: taken(top) <
    # excess <= taken(top - 1), found by halving (taken(0) is all the room).
    from wintogether.halving import first_holding

    top = first_holding(0, max(widths[i] for i in wrapping), lambda level: taken(level) < excess)
    left = excess - taken(top)
    for i in wrapping:
        trial[i] = min(widths[i], max(top, lows[i]))
    for i in wrapping:
        if not left:
            break
        if trial[i] == top and lows[i] < top:
            trial[i] -= 1
            left -= 1
    return trial, 0


def _collapse(
    widths: list[int], no_wrap: Sequence[int], width: int, gap: int, grid: bool
) -> list[int]:
    """The widths Rich gives a table too wide for the screen: it compares the
    columns with their padding, and the widest wrapping ones (all of them when
    tied) give way together, down to the next widest, until the table fits."""
    count = len(widths)
    if grid:
        pads = [gap] * (count - 1) + [0]
    else:
        half, rest = divmod(gap, 2)
        pads = [half + rest if i == 0 else half if i == count - 1 else gap for i in range(count)]
        if count == 1:
            pads = [0]
    padded = [w + p for w, p in zip(widths, pads, strict=True)]
    wrapable = [i not in no_wrap for i in range(count)]
    if not any(wrapable):
        return widths
    excess = sum(padded) - width
    while excess > 0:
        top = max(w for w, ok in zip(padded, wrapable, strict=True) if ok)
        second = max(w if ok and w != top else 0 for w, ok in zip(padded, wrapable, strict=True))
        difference = top - second
        if not difference:
            break
        ratios = [int(w == top and ok) for w, ok in zip(padded, wrapable, strict=True)]
        most = min(excess, difference)
        remaining, shares = excess, sum(ratios)
        for index, ratio in enumerate(ratios):
            if ratio:
                cut = min(most, round(remaining / shares))
                padded[index] -= cut
                remaining -= cut
                shares -= 1
        excess = sum(padded) - width
    return [max(p - pad, 1) for p, pad in zip(padded, pads, strict=True)]


class TooWide(Exception):
    """A table Rich would draw with "…" cuts: left to Rich (``table(fit=True)``)."""


def _check_fit(
    cells: Sequence[Sequence[str]], widths: Sequence[int], no_wrap: Sequence[int], excess: int
) -> None:
    if excess > 0:
        raise TooWide
    for row in cells:
        for index, cell in enumerate(row):
            if index in no_wrap or _widest(cell) <= widths[index]:
                continue
            measure = len if cell.isascii() else cell_len
            if max(map(measure, cell.split()), default=0) > widths[index]:
                raise TooWide


def _pad_left(text: str, width: int) -> str:
    return " " * (width - cell_len(text)) + text


def sections(parts: Iterable[Lines]) -> Lines:
    """Sections one blank line apart."""
    out: Lines = []
    for part in parts:
        if out:
            out.append("")
        out.extend(part)
    return out


def text_of(lines: Lines) -> str:
    """The lines as written to stdout (one newline after each)."""
    # One join, not a new string per line: a month's history is 10,000 lines.
    return "\n".join(lines) + "\n" if lines else ""


# -- the words of a cell ------------------------------------------------------


def t(value: object) -> str:
    """User text, safe to show, newlines kept (Rich's ``t`` without the style)."""
    return visible("" if value is None else str(value))


def t1(value: object) -> str:
    """User text on one line."""
    return one_line("" if value is None else str(value))


def cell_value(value: Any) -> str:
    """A column's machine value as a table shows it."""
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    return str(value)


def ref(contact: ContactRef) -> str:
    """``Dana Reyes (Northwind)``."""
    name = t1(contact.name)
    return f"{name} ({t1(contact.company)})" if contact.company else name


def since(days: int) -> str:
    """The "last talked" column in the words `wt show` uses."""
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{days} days ago"


def due(promise: Promise, today: date) -> str:
    """When a promise is due, and how late when it is open and late."""
    delta = (promise.due_on - today).days
    label = format_day(promise.due_on, today)
    if promise.status != "open":
        return label
    if delta < 0:
        return f"{label} ({-delta}d late)"
    if delta == 0:
        return f"{label} (today)"
    return label


def owner(promise: Promise) -> str:
    return "I owe" if promise.owner == "me" else "they owe"


def status_mark(promise: Promise) -> str:
    """ "[done]", or with the note it was closed with: "[done: sent it Friday]"."""
    note = t1(promise.done_note) if promise.done_note else ""
    return f"[{promise.status}: {note}]" if note else f"[{promise.status}]"


def promise_text(promise: Promise) -> str:
    text = t(promise.text)
    return text if promise.status == "open" else f"{text}  {status_mark(promise)}"


def spec_table(
    spec: Columns[R],
    rows: Iterable[R],
    cells: Mapping[str, Callable[[R], str]],
    width: int,
    *,
    title: str | None = None,
    skip: Sequence[str] = (),
    numbered: bool = False,
    fit: bool = False,
) -> Lines:
    """The table of ``spec``'s shown columns; ``cells`` words the columns that
    are not shown as their plain machine value."""
    shown = spec.shown(skip=skip)
    headers = (["rank"] if numbered else []) + [c.header or "" for c in shown]
    body = []
    for index, row in enumerate(rows, 1):
        out = [str(index)] if numbered else []
        for column in shown:
            draw = cells.get(column.name)
            out.append(draw(row) if draw else t1(cell_value(column.value(row))))
        body.append(out)
    return table(headers, body, width, title=title, fit=fit)


# -- the views ------------------------------------------------------------------


def promises_table(
    promises: Sequence[Promise],
    today: date,
    width: int,
    *,
    title: str | None = None,
    show_contact: bool = True,
    fit: bool = False,
) -> Lines:
    from wintogether.render.columns import PROMISES

    return spec_table(
        PROMISES,
        promises,
        {
            "id": lambda p: f"#{p.id}",
            "due_on": lambda p: due(p, today),
            "owner": owner,
            "contact": lambda p: ref(p.contact),
            "text": promise_text,
        },
        width,
        title=title,
        skip=() if show_contact else ("contact",),
        fit=fit,
    )


def attention_table(
    rows: Sequence[Any], width: int, *, title: str | None = None, fit: bool = False
) -> Lines:
    from wintogether.render.columns import SLIPPING

    return spec_table(
        SLIPPING,
        rows,
        {"name": lambda r: ref(r.contact), "reason": lambda r: str(r.reason)},
        width,
        title=title,
        numbered=True,
        fit=fit,
    )


def contacts_table(rows: Sequence[ContactRow], width: int) -> Lines:
    from wintogether.render.columns import CONTACTS

    return spec_table(
        CONTACTS,
        rows,
        {
            "id": lambda r: f"#{r.contact.id}",
            "name": lambda r: t1(r.contact.name),
            "last_touch_at": lambda r: (
                since(r.attention.days_since) if r.contact.last_touch_at else "never"
            ),
            "cadence_days": lambda r: format_duration(r.attention.cadence_days),
        },
        width,
    )


def job_changes_table(
    events: Sequence[ContactEvent],
    today: date,
    width: int,
    *,
    title: str = "Job changes: a reason to reach out",
    fit: bool = False,
) -> Lines:
    rows = [
        [format_day(event.happened_at.date(), today), ref(event.contact), t1(event.text)]
        for event in events
    ]
    return table(["seen", "contact", "news"], rows, width, title=title, fit=fit)


#: Promises the dashboard lists per section; the rest are a command away.
DASHBOARD_ROWS = 10
#: Where the dashboard's birthdays past its first rows are.
ALL_BIRTHDAYS = "wt today --json lists them all"


def dashboard(board: Dashboard, width: int, shown: int = DASHBOARD_ROWS) -> Lines:
    """`wt today` in a pipe; ``shown``: promises per section."""
    from wintogether.render.words import give_first_reason

    today = board.today
    parts: list[Lines] = [[f"Today, {format_day(today)}"]]
    if board.empty_database:
        parts.append(
            wrap(
                "No contacts yet. Add someone with `wt add NAME`, bring your network in "
                "with `wt import FILE`, or look around a made-up one with `wt demo`.",
                width,
            )
        )
        return sections(parts)
    for title, owed, total, command in (
        ("Overdue", board.overdue, board.overdue_total, "wt followups --overdue"),
        ("Due today", board.due_today, board.due_today_total, "wt followups"),
    ):
        if owed:
            parts.append(promises_table(owed[:shown], today, width, title=title))
            if total > shown:
                parts.append(wrap(f"… and {total - shown} more: {command}", width))
    if not board.overdue and not board.due_today:
        parts.append(wrap("Nothing due today. Every promise is on time.", width))
    if board.to_review is not None:
        from wintogether.render.capture import waiting_line

        line = waiting_line(board.to_review, today)
        if line:
            parts.append(wrap(line, width))
    if board.meetings:
        parts.append(meetings(board.meetings, today, width))
    if board.slipping:
        more = board.slipping_total - len(board.slipping)
        title = "Slipping" + (
            f" (top {len(board.slipping)} of {board.slipping_total})" if more else ""
        )
        parts.append(attention_table(board.slipping, width, title=title))
    else:
        parts.append(wrap("Nobody is slipping: every relationship is within its rhythm.", width))
    if board.birthdays:
        rows = []
        for bday in board.birthdays[:shown]:
            when = (
                "today"
                if bday.in_days == 0
                else ("tomorrow" if bday.in_days == 1 else format_day(bday.on, today))
            )
            rows.append([when, ref(bday.contact), f"turns {bday.turns}" if bday.turns else ""])
        parts.append(table(["when", "contact", ""], rows, width, title="Birthdays this week"))
        if len(board.birthdays) > shown:
            more = len(board.birthdays) - shown
            parts.append(wrap(f"… and {more} more: {ALL_BIRTHDAYS}", width))
    if board.job_changes:
        parts.append(job_changes_table(board.job_changes, today, width))
    if board.give_first:
        rows = [[ref(owed.contact), give_first_reason(owed.balance)] for owed in board.give_first]
        parts.append(table(["contact", "why"], rows, width, title="Give first"))
    return sections(parts)


def meetings(sections: Sequence[Any], today: date, width: int) -> Lines:
    """Today's meetings, each person on one line with the first thing to know."""
    from wintogether.render.words import headline, meeting_when

    out = ["Meetings today"]
    for section in sections:
        meeting = section.meeting
        when = meeting_when(meeting, today, time_only=True)
        out += wrap(f"{when}  {t1(meeting.summary or 'Meeting')}", width)
        for person in section.people:  # a long line goes on under the name, not at column 0
            out += hanging(f"{t1(person.contact.name)}: {t1(headline(person))}", width)
        if meeting.strangers:
            out += hanging(f"and {len(meeting.strangers)} not in wintogether", width)
    out += wrap("`wt brief --today` gives each person's full brief.", width)
    return out


def search_table(results: Sequence[Result], width: int) -> Lines:
    from wintogether.render.columns import SEARCH

    def snippet(result: Result) -> str:
        return "".join(
            f"**{t1(piece)}**" if is_match else t1(piece) for piece, is_match in result.pieces()
        )

    return spec_table(
        SEARCH,
        results,
        {
            "source": lambda r: f"{r.source} #{r.id}",
            "contact": lambda r: t1(r.contact_name or ""),
            "snippet": snippet,
        },
        width,
    )


# Timeline lines: (when, kind, the rest), as the terminal's timeline grid
# lays them out (the rest wraps under itself, not under the date).
Line = tuple[str, str, str]


def _when(moment: datetime, today: date) -> str:
    return f"{format_moment(moment, today)}  "


def conversation_line(
    conv: Conversation, today: date, exclude: int | None = None, *, when: str | None = None
) -> Line:
    """``when``: the date and time as :func:`_when` writes them, where the caller
    has them already (a timeline formats each day once)."""
    rest = ""
    others = [p for p in conv.participants if p.id != exclude]
    if others:
        rest = "with " + ", ".join(t1(person.name) for person in others) + ": "
    rest += f"{t(conv.note)}  #{conv.id}"
    return when or _when(conv.happened_at, today), f"{conv.channel:<7} ", rest


def promise_line(promise: Promise, today: date, *, when: str | None = None) -> Line:
    rest = ("I will: " if promise.owner == "me" else "they will: ") + t(promise.text)
    rest += f"  due {due(promise, today)}"
    if promise.status != "open":
        rest += f"  {status_mark(promise)}"
    rest += f"  #{promise.id}"
    return when or _when(promise.created_at, today), "promise ", rest


def ledger_line(
    entry: LedgerEntry, today: date, exclude: int | None = None, *, when: str | None = None
) -> Line:
    rest = entry.kind
    if entry.contact.id != exclude or entry.to_contact is not None:
        rest += " with " if entry.to_contact is None else " "
        rest += t1(entry.contact.name)
        if entry.to_contact is not None:
            rest += " → " + t1(entry.to_contact.name)
    rest += f": {t(entry.text)}  #{entry.id}"
    return when or _when(entry.happened_at, today), f"{entry.direction:<7} ", rest


def win_line(win: Win, today: date, exclude: int | None = None, *, when: str | None = None) -> Line:
    rest = ""
    if win.contact.id != exclude:
        rest = t1(win.contact.name) + ": "
    rest += f"they gained {t(win.theirs)}; I gained {t(win.mine)}  #{win.id}"
    return when or _when(win.happened_at, today), "win     ", rest


#: How timeline entries are labelled (their kind, shortened).
EVENT_LABELS = {"job_change": "job", "sync_conflict": "conflict", "sync_deleted": "deleted"}


def event_line(
    event: ContactEvent, today: date, *, with_contact: bool = False, when: str | None = None
) -> Line:
    kind = f"{EVENT_LABELS.get(event.kind, event.kind):<7} "
    rest = (t1(event.contact.name) + ": " if with_contact else "") + t(event.text)
    return when or _when(event.happened_at, today), kind, rest


def timeline(lines: Sequence[Line], width: int, *, fit: bool = False) -> Lines:
    """The date and kind in two columns that never wrap, the rest wrapping under itself."""
    if not fit and lines and not any("\n" in when or "\n" in kind for when, kind, _ in lines):
        return _timeline(lines, width)
    return table(
        ["", "", ""], lines, width, no_wrap=(0, 1), gap=0, show_header=False, fit=fit, grid=True
    )


def _timeline(lines: Sequence[Line], width: int) -> Lines:
    """:func:`timeline` (not ``fit``) where the date and kind are one line each,
    without the general table's measuring: only the rest can give way, and it
    gives way by exactly the excess (down to one cell), so the length of its
    longest word does not matter."""
    first = max(map(_widest, {when for when, _, _ in lines}))
    kinds = {kind for _, kind, _ in lines}  # a few labels, each padded once
    second = max(map(_widest, kinds))
    third = max(map(_widest, [rest for _, _, rest in lines]))
    excess = first + second + third - width
    if excess > 0:
        third = max(third - excess, min(third, 1))
    indent = " " * (first + second)
    padded = {kind: _pad(kind, second) for kind in kinds}
    out: Lines = []
    for when, kind, rest in lines:
        wrapped = wrap(rest, third)
        out.append((_pad(when, first) + padded[kind] + wrapped[0]).rstrip())
        if len(wrapped) > 1:
            out.extend([(indent + line).rstrip() for line in wrapped[1:]])
    return out


def history(result: History, today: date, width: int) -> Lines:
    parts: list[Lines] = []
    # A week names the same people many times: each name is made safe once.
    names: dict[str, str] = {}
    for day, entries in result.days():
        # Every entry of a day shows the same date: it is formatted once.
        shown = format_day(day, today)
        lines: list[Line] = []
        for entry in entries:
            at = entry.at
            when = f"{shown} {at.hour:02d}:{at.minute:02d}  "
            conv = entry.conversation
            if conv:
                # conversation_line(conv, today, when=when), its names from `names`.
                rest = f"{t(conv.note)}  #{conv.id}"
                if conv.participants:
                    shown_names = []
                    for person in conv.participants:
                        name = names.get(person.name)
                        if name is None:
                            name = names[person.name] = t1(person.name)
                        shown_names.append(name)
                    rest = "with " + ", ".join(shown_names) + ": " + rest
                lines.append((when, f"{conv.channel:<7} ", rest))
            elif entry.promise:
                when, kind, rest = promise_line(entry.promise, today, when=when)
                lines.append((when, kind, f"{rest}  {t1(entry.promise.contact.name)}"))
            elif entry.ledger:
                lines.append(ledger_line(entry.ledger, today, when=when))
            elif entry.win:
                lines.append(win_line(entry.win, today, when=when))
            elif entry.event:
                lines.append(event_line(entry.event, today, with_contact=True, when=when))
            elif entry.deal:
                lines.append((when, "deal    ", f"{t1(entry.text)}  #{entry.deal.id}"))
        parts.append([shown, *timeline(lines, width)])
    return sections(parts)


def balance(view: BalanceView, today: date, width: int) -> Lines:
    from wintogether.render.columns import BALANCES
    from wintogether.render.words import one_sided_text

    parts = [
        spec_table(
            BALANCES,
            view.rows,
            {
                "name": lambda r: ref(r.contact),
                "net": lambda r: f"{r.balance.net:+d}" if r.balance.net else "0",
                "one_sided": lambda r: one_sided_text(r.balance) or "",
            },
            width,
            title="Balance, 12 months",
        )
    ]
    if view.contact is not None and (view.entries or view.wins):
        exclude = view.contact.id
        dated: list[tuple[datetime, Line]] = [
            (e.happened_at, ledger_line(e, today, exclude=exclude)) for e in view.entries
        ]
        dated += [(w.happened_at, win_line(w, today, exclude=exclude)) for w in view.wins]
        dated.sort(key=lambda pair: pair[0], reverse=True)
        entries = ["Entries"]
        for _, (when, kind, rest) in dated:
            entries.extend(wrap(when + kind + rest, width))
        parts.append(entries)
    return sections(parts)


_DUPES_CELLS: dict[str, Callable[[Pair], str]] = {
    "first_id": lambda p: f"#{p.first.id}",
    "first_name": lambda p: ref(p.first),
    "second_id": lambda p: f"#{p.second.id}",
    "second_name": lambda p: ref(p.second),
}


def dupes_table(pairs: Sequence[Pair], width: int) -> Lines:
    from wintogether.render.columns import DUPES

    return spec_table(DUPES, pairs, _DUPES_CELLS, width)


def dupes_lines(pairs: Callable[[], Iterable[Pair]], width: int) -> Iterator[str]:
    """:func:`dupes_table`'s lines for every pair of a large import, written as
    they go (``pairs`` gives them again for the second pass)."""
    from wintogether.render.columns import DUPES

    shown = DUPES.shown()

    def rows() -> Iterator[list[str]]:
        for pair in pairs():
            yield [
                _DUPES_CELLS[c.name](pair)
                if c.name in _DUPES_CELLS
                else t1(cell_value(c.value(pair)))
                for c in shown
            ]

    return streamed_table([c.header or "" for c in shown], rows, width)
