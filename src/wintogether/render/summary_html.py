"""The summary as one self-contained HTML file that prints well.

No scripts, no external resources (a Content-Security-Policy forbids both);
every piece of user text goes through ``html.escape``.
"""

from __future__ import annotations

from wintogether.dates import format_day
from wintogether.domain.summary import Summary
from wintogether.models import Promise
from wintogether.render.escaping import h
from wintogether.render.words import count_kinds, one_sided_text

_STYLE = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color: #1d1d1f; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: 1rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; }
td, th { padding: .15rem .8rem .15rem 0; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
ul, ol { margin: .2rem 0; padding-left: 1.3rem; }
.muted { color: #666; }
.trends { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; }
figure { margin: 0; break-inside: avoid; }
figcaption { font-weight: 600; font-size: .95rem; }
figure svg { max-width: 100%; height: auto; display: block; }
@media print { body { margin: 0; max-width: none; } h2 { break-after: avoid; }
               li, tr, figure { break-inside: avoid; }
               * { -webkit-print-color-adjust: exact; print-color-adjust: exact; } }
"""


def render(summary: Summary) -> str:
    today = summary.generated_at.date()
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{h(summary.period.title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{h(summary.period.title)}</h1>",
        '<table class="numbers"><thead><tr><th>Measure</th><th>Count</th></tr></thead><tbody>',
    ]
    for key, label, value in summary.shown_numbers():
        out.append(f'<tr data-key="{key}"><td>{h(label)}</td><td class="n">{value}</td></tr>')
    out.append("</tbody></table>")
    out.extend(_trends(summary))

    def section(title: str, items: list[str], ordered: bool = False) -> None:
        if items:
            tag = "ol" if ordered else "ul"
            out.append(f"<h2>{h(title)}</h2><{tag}>")
            out.extend(f"<li>{item}</li>" for item in items)
            out.append(f"</{tag}>")

    section(
        "People reached",
        [f"{h(ref.name)}{_company(ref.company)}: {n}" for ref, n in summary.people],
    )
    section("New contacts", [f"{h(r.name)}{_company(r.company)}" for r in summary.new_contacts])
    for who, counts in (("My", summary.mine), ("Their", summary.theirs)):
        section(
            f"{who} promises kept late",
            [
                f"{h(p.contact.name)}: {h(p.text)} <span class=muted>(due"
                f" {h(format_day(p.due_on, today))}, {counts.late_days(p)} days late)</span>"
                for p in counts.kept_late
            ],
        )
        section(
            f"{who} promises broken",
            [
                f"{h(p.contact.name)}: {h(p.text)} <span class=muted>(due"
                f" {h(format_day(p.due_on, today))})</span>"
                for p in counts.broken
            ],
        )
    if summary.given or summary.received:
        section(
            "Value exchanged",
            [
                f"Given: {h(count_kinds(summary.given))}",
                f"Received: {h(count_kinds(summary.received))}",
            ],
        )
    section(
        "Became one-sided",
        [f"{h(o.contact.name)}: {h(one_sided_text(o.balance))}" for o in summary.became_one_sided],
    )
    section(
        "Job changes seen",
        [
            f"{h(e.contact.name)}{_company(e.contact.company)}: {h(e.text)}"
            f" <span class=muted>(seen {h(format_day(e.happened_at.date(), today))})</span>"
            for e in summary.job_changes
        ],
    )
    section(
        "Most slipping",
        [f"{h(a.contact.name)}: {h(a.reason)}" for a in summary.slipping],
        ordered=True,
    )
    nxt = [
        f"{h(format_day(e.due_on, today))}: {h(e.contact.name)}:"
        f" {'I will' if e.owner == 'me' else 'they will'} {h(e.text)}"
        if isinstance(e, Promise)
        else f"{h(format_day(e.on, today))}: {h(e.contact.name)}'s birthday"
        for _, e in summary.next_week()
    ]
    section(
        f"Due next week ({format_day(summary.next_first, today)} to"
        f" {format_day(summary.next_last, today)})",
        nxt,
    )
    out.append(
        f'<p class="muted">Generated {h(summary.generated_at.strftime("%Y-%m-%d %H:%M"))}'
        " by wintogether.</p></body></html>"
    )
    return "\n".join(out) + "\n"


def _trends(summary: Summary) -> list[str]:
    from wintogether.render.trends import charts, svg

    weekly = summary.trends
    out = [
        f"<h2>Last {len(weekly.weeks)} weeks <span class=muted>({h(format_day(weekly.first))}"
        f" to {h(format_day(weekly.last))})</span></h2>",
        '<div class="trends">',
    ]
    for chart in charts(weekly):
        out.append(
            f'<figure data-chart="{chart.key}"><figcaption>{h(chart.title)}</figcaption>'
            f"{svg(chart, weekly.weeks)}</figure>"
        )
    out.append("</div>")
    return out


def _company(company: str | None) -> str:
    return f" ({h(company)})" if company else ""
