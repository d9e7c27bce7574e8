"""Accounts on screen: `wt company`, `wt companies`, the reporting tree."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from wintogether.dates import format_day
from wintogether.render.accounts_words import last_touch_words, month_word, person_words
from wintogether.render.base import new_table, spaced, t1
from wintogether.render.ledger import ledger_line, win_line
from wintogether.render.promises import promises_table
from wintogether.render.words import balance_text, health_line, word_record_text

if TYPE_CHECKING:
    from wintogether.domain.account_list import CompanyRowView
    from wintogether.domain.accounts import Account, AccountPerson, OrgNode
    from wintogether.domain.paths import Paths
    from wintogether.domain.referrals import ReferralNode, Referrals


def _people(people: list[AccountPerson], today: date, *, title: str, total: int) -> RenderableType:
    """Two lines a person: who they are there (and their part), then how it stands.

    Hannah Schmidt, VP Sales, since Dec; was at Initrode  [economic-buyer]
        last talked 12 days ago, every month; I kept 2 of 2 on time · last touch 12 days ago
    """
    heading = f"{title} ({total})" if total > len(people) else title
    lines: list[RenderableType] = [Text(heading, style="bold")]
    for person in people:
        line = t1(person_words(person, today))
        line.stylize("bold", 0, len(person.contact.name))
        if person.role:
            style = {"blocker": "red", "champion": "green"}.get(person.role, "cyan")
            line.append_text(Text("  [")).append_text(t1(person.role, style)).append("]")
        lines.append(line)
        how = Text("    ")
        how.append(
            health_line(person.health), style="red" if person.health.in_touch.slipping else ""
        )
        if person.last_touch_at is not None:
            day = format_day(person.last_touch_at.astimezone().date(), today)
            how.append(f" · last touch {day}", style="dim")
        lines.append(how)
    lines += _more(total, len(people))
    return Group(*lines)


def _more(total: int, limit: int | None) -> list[RenderableType]:
    """The line under a list cut at ``limit``: how many more, and how to see them."""
    if limit is None or total <= limit:
        return []
    return [Text(f"… and {total - limit} more: --limit 0 shows all.", style="dim")]


def _bars(per_month: list[tuple[str, int]], *, plain: bool) -> RenderableType:
    """Conversations per month: one column a month, a bar and the count."""
    peak = max((n for _, n in per_month), default=0)
    names = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    table = new_table(plain, *(names[int(m[5:]) - 1] for m, _ in per_month))
    if not plain:
        blocks = " ▁▂▃▄▅▆▇█"
        table.add_row(
            *(
                Text(blocks[0 if not peak else round(n / peak * 8)] * 2, style="cyan")
                for _, n in per_month
            )
        )
    table.add_row(*(str(n) for _, n in per_month))
    return table


def account_view(
    view: Account, today: date, *, plain: bool, limit: int | None = None
) -> RenderableType:
    """The account on one screen; ``limit``: at most that many rows in each list."""
    heading = t1(view.company.name, "bold")
    if view.company.aliases:
        heading.append_text(t1(f"  (also {', '.join(view.company.aliases)})", "dim"))
    parts: list[RenderableType] = [heading]
    if view.current_count:
        current = view.current[:limit]
        parts.append(_people(current, today, title="People", total=view.current_count))
    else:
        parts.append(Text("Nobody you know works there now."))
    if view.former_count:
        former = view.former[:limit]
        parts.append(_people(former, today, title="Former", total=view.former_count))
    for promises, title in (
        (view.my_promises, "I promised"),
        (view.their_promises, "They promised"),
    ):
        if promises:
            shown = promises_table(promises[:limit], today, plain=plain, title=title)
            parts.append(Group(shown, *_more(len(promises), limit)))
    first, last = view.per_month[0][0], view.per_month[-1][0]
    parts.append(
        Group(
            Text(f"Conversations per month ({first} to {last})", style="bold"),
            _bars(view.per_month, plain=plain),
        )
    )
    if view.ledger_count or view.wins:
        lines: list[RenderableType] = [ledger_line(e, today) for e in view.ledger[:limit]]
        lines += _more(view.ledger_count, limit)
        lines += [win_line(w, today) for w in view.wins[:limit]]
        lines += _more(len(view.wins), limit)
        parts.append(Group(Text("Ledger and wins (12 months)", style="bold"), *lines))
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    grid.add_row("my word", word_record_text(view.my_word))
    grid.add_row("their word", word_record_text(view.their_word))
    grid.add_row("balance", balance_text(view.balance))
    parts.append(Group(Text("Across the account", style="bold"), grid))
    return Group(*spaced(parts))


def companies_table(rows: list[CompanyRowView], today: date, *, plain: bool) -> Table:
    table = new_table(plain, "company", "people", "attention", "why", "last touch")
    for row in rows:
        style = "red" if row.warmest is not None and row.warmest.slipping else ""
        table.add_row(
            t1(row.company.name, "bold"),
            str(row.people),
            Text(f"{row.attention:.1f}", style=style),
            t1(row.reason),
            t1(last_touch_words(row.last_touch_at, today)),
        )
    return table


def org_label(node: OrgNode) -> str:
    text = node.name
    if node.title:
        text += f", {node.title}"
    if node.role:
        text += f" [{node.role}]"
    return text


def org_tree(company: str, roots: list[OrgNode], *, plain: bool) -> RenderableType:
    """The reporting tree: Rich's tree on a terminal, indented lines in a pipe."""
    if plain:
        lines = [company]

        def walk(node: OrgNode, depth: int) -> None:
            lines.append("  " * depth + "- " + org_label(node))
            for child in node.reports:
                walk(child, depth + 1)

        for root in roots:
            walk(root, 1)
        return Text("\n".join(_safe(line) for line in lines))
    from rich.tree import Tree

    tree = Tree(t1(company, "bold"))

    def grow(branch: Tree, node: OrgNode) -> None:
        label = t1(org_label(node))
        label.stylize("bold", 0, len(node.name))
        if node.role == "blocker":
            label.stylize("red")
        elif node.role == "champion":
            label.stylize("green")
        sub = branch.add(label)
        for child in node.reports:
            grow(sub, child)

    for root in roots:
        grow(tree, root)
    return tree


def _safe(line: str) -> str:
    from wintogether.text import one_line

    return one_line(line)


def referral_tree(
    view: Referrals, today: date, *, plain: bool, command: str = "wt referrals"
) -> RenderableType:
    """Who brought whom, each with what the introduction led to; then the
    thank-yous, accepted by number with ``command`` (the numbers are the view's)."""
    parts: list[RenderableType] = []
    if plain:
        lines: list[str] = []

        def walk(node: ReferralNode, depth: int) -> None:
            lines.append("  " * depth + ("- " if depth else "") + referral_label(node, today))
            for child in node.children:
                walk(child, depth + 1)

        for root in view.roots:
            walk(root, 0)
        parts.append(Text("\n".join(_safe(line) for line in lines)))
    else:
        from rich.tree import Tree

        for root in view.roots:
            tree = Tree(_referral_text(root, today))

            def grow(branch: Tree, node: ReferralNode) -> None:
                for child in node.children:
                    grow(branch.add(_referral_text(child, today)), child)

            grow(tree, root)
            parts.append(tree)
    if view.suggestions:
        lines_ = [Text("Say thank you", style="bold")]
        for suggestion in view.suggestions:
            line = Text(f"[{suggestion.number}] ", style="dim")
            line.append_text(t1(suggestion.text))
            line.append_text(
                t1(
                    f": {suggestion.introduced.name} and you won together"
                    f" ({month_word(suggestion.win_on, today)})",
                    "dim",
                )
            )
            lines_.append(line)
        first = view.suggestions[0].number
        lines_.append(t1(f"`{command} --accept {first}` makes it a promise, due in a week."))
        parts.append(Group(*lines_))
    return Group(*spaced(parts))


def referral_label(node: ReferralNode, today: date) -> str:
    """``Dana Reyes (Aug 2024): 4 conversations, 1 win``."""
    text = node.contact.name
    if node.introduced_on is not None:
        text += f" ({month_word(node.introduced_on, today)})"
    led = []
    if node.conversations:
        led.append(f"{node.conversations} conversation{'s' if node.conversations != 1 else ''}")
    if node.wins:
        led.append(f"{node.wins} win{'s' if node.wins != 1 else ''}")
    if node.introduced_on is not None or led:
        text += ": " + (", ".join(led) if led else "nothing yet")
    return text


def _referral_text(node: ReferralNode, today: date) -> Text:
    text = t1(referral_label(node, today))
    text.stylize("bold", 0, len(node.contact.name))
    if node.wins:
        text.stylize("green", len(node.contact.name))
    return text


def paths_table(view: Paths, *, plain: bool) -> RenderableType:
    """Warm paths, best first: who, how they lead there, strength and why."""
    from wintogether.render.words import path_reason

    # The target is the user's text: made safe as every cell is (a str title is markup).
    table = new_table(
        plain, "rank", "who", "how", "strength", "why", title=t1(f"Paths to {view.target}")
    )
    for line in view.lines:
        table.add_row(
            Text(str(line.rank), style="dim"),
            t1(line.contact.name, "bold"),
            t1(line.tier),
            f"{line.strength.total:.1f}",
            t1(path_reason(line)),
        )
    return table
