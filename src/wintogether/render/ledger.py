"""The ledger: given and received entries, wins, and the balance table (`wt balance`)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.text import Text

from wintogether.render.base import ref_text, spaced, spec_table, t, t1, when_text
from wintogether.render.columns import BALANCES
from wintogether.render.words import one_sided_text

if TYPE_CHECKING:
    from wintogether.domain.ledger import BalanceView
    from wintogether.models import LedgerEntry, Win


def ledger_line(entry: LedgerEntry, today: date, exclude: int | None = None) -> Text:
    """``Fri 4 Dec 10:00  gave    intro to Dana → Marcus: text  #3``."""
    text = when_text(entry.happened_at, today)
    text.append(f"{entry.direction:<7} ", style="green" if entry.direction == "gave" else "blue")
    text.append(entry.kind)
    if entry.contact.id != exclude or entry.to_contact is not None:
        text.append(" with " if entry.to_contact is None else " ")
        text.append_text(t1(entry.contact.name, "bold"))
        if entry.to_contact is not None:
            text.append(" → ")
            text.append_text(t1(entry.to_contact.name, "bold"))
    text.append(": ")
    text.append_text(t(entry.text))
    text.append(f"  #{entry.id}", style="dim")
    return text


def win_line(win: Win, today: date, exclude: int | None = None) -> Text:
    text = when_text(win.happened_at, today)
    text.append("win     ", style="bold green")
    if win.contact.id != exclude:
        text.append_text(t1(win.contact.name, "bold"))
        text.append(": ")
    text.append("they gained ")
    text.append_text(t(win.theirs))
    text.append("; I gained ")
    text.append_text(t(win.mine))
    text.append(f"  #{win.id}", style="dim")
    return text


def balance_view(view: BalanceView, today: date, *, plain: bool) -> RenderableType:
    table = spec_table(
        plain,
        BALANCES,
        view.rows,
        {
            "name": lambda r: ref_text(r.contact),
            "net": lambda r: Text(
                f"{r.balance.net:+d}" if r.balance.net else "0",
                style="red" if r.balance.net < 0 else "",
            ),
            "one_sided": lambda r: Text(one_sided_text(r.balance) or "", style="yellow"),
        },
        title="Balance, 12 months",
    )
    parts: list[RenderableType] = [table]
    if view.contact is not None and (view.entries or view.wins):
        lines: list[tuple[object, Text]] = [
            (e.happened_at, ledger_line(e, today, exclude=view.contact.id)) for e in view.entries
        ]
        lines += [(w.happened_at, win_line(w, today, exclude=view.contact.id)) for w in view.wins]
        lines.sort(key=lambda pair: pair[0], reverse=True)  # type: ignore[arg-type,return-value]
        parts.append(Group(Text("Entries", style="bold"), *(line for _, line in lines)))
    return Group(*spaced(parts))
