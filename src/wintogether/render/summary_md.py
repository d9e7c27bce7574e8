"""The summary as Markdown: clean enough to paste into an email or a notes app.

User text is escaped so it can never become Markdown or HTML: table pipes,
emphasis, links and raw tags are backslash-escaped, a line cannot start a
heading or a list, and ``javascript:`` never survives as a link scheme.
"""

from __future__ import annotations

from wintogether.dates import format_day
from wintogether.domain.summary import Summary
from wintogether.models import Promise
from wintogether.render.escaping import md
from wintogether.render.words import count_kinds, one_sided_text


def render(summary: Summary) -> str:
    today = summary.generated_at.date()
    lines: list[str] = [f"# {md(summary.period.title)}", ""]
    lines += ["| Measure | Count |", "| --- | ---: |"]
    for _key, label, value in summary.shown_numbers():
        lines.append(f"| {label} | {value} |")
    lines.append("")
    lines += _trends(summary)

    def section(title: str, items: list[str]) -> None:
        if items:
            lines.extend([f"## {title}", "", *items, ""])

    section(
        "People reached",
        [
            f"- {md(ref.name)}{_company(ref.company)}: {n} conversation{'s' if n != 1 else ''}"
            for ref, n in summary.people
        ],
    )
    section(
        "New contacts", [f"- {md(ref.name)}{_company(ref.company)}" for ref in summary.new_contacts]
    )
    for who, counts in (("My", summary.mine), ("Their", summary.theirs)):
        section(
            f"{who} promises kept late",
            [
                f"- {md(p.contact.name)}: {md(p.text)} (due {format_day(p.due_on, today)},"
                f" {counts.late_days(p)} days late)"
                for p in counts.kept_late
            ],
        )
        section(
            f"{who} promises broken",
            [
                f"- {md(p.contact.name)}: {md(p.text)} (due {format_day(p.due_on, today)})"
                for p in counts.broken
            ],
        )
    if summary.given or summary.received:
        section(
            "Value exchanged",
            [
                f"- Given: {count_kinds(summary.given)}",
                f"- Received: {count_kinds(summary.received)}",
            ],
        )
    section(
        "Became one-sided",
        [
            f"- {md(o.contact.name)}: {md(one_sided_text(o.balance))}"
            for o in summary.became_one_sided
        ],
    )
    section(
        "Job changes seen",
        [
            f"- {format_day(e.happened_at.date(), today)}: {md(e.contact.name)}"
            f"{_company(e.contact.company)}: {md(e.text)}"
            for e in summary.job_changes
        ],
    )
    section(
        "Most slipping",
        [f"{i}. {md(a.contact.name)}: {md(a.reason)}" for i, a in enumerate(summary.slipping, 1)],
    )
    nxt = [
        f"- {format_day(e.due_on, today)}: {md(e.contact.name)}:"
        f" {'I will' if e.owner == 'me' else 'they will'} {md(e.text)}"
        if isinstance(e, Promise)
        else f"- {format_day(e.on, today)}: {md(e.contact.name)}'s birthday"
        + (f" (turns {e.turns})" if e.turns else "")
        for _, e in summary.next_week()
    ]
    section(
        f"Due next week ({format_day(summary.next_first, today)} to"
        f" {format_day(summary.next_last, today)})",
        nxt,
    )
    return "\n".join(lines).rstrip() + "\n"


def _trends(summary: Summary) -> list[str]:
    """The twelve weeks as sparklines (for the eye) and a table (for the numbers):
    Markdown has no pictures of its own, and these survive any viewer."""
    from wintogether.render.trends import sparkline, week_label

    weekly = summary.trends
    rows = weekly.rows()
    lines = [
        f"## Last {len(weekly.weeks)} weeks ({format_day(weekly.first)} to"
        f" {format_day(weekly.last)})",
        "",
    ]
    lines += [
        f"- {label}: `{sparkline(values)}` ({sum(values)} in all)" for _, label, values in rows
    ]
    lines += ["", "| Week of | " + " | ".join(label for _, label, _ in rows) + " |"]
    lines.append("| --- |" + " ---: |" * len(rows))
    for i, week in enumerate(weekly.weeks):
        lines.append(
            f"| {week_label(week)} | " + " | ".join(str(values[i]) for _, _, values in rows) + " |"
        )
    return [*lines, ""]


def _company(company: str | None) -> str:
    return f" ({md(company)})" if company else ""
