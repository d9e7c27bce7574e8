"""A deal's plan to send the buyer: Markdown, HTML or iCalendar (steps as VTODOs).

Everything here comes from a :class:`SharedPlan`, which carries only what the
buyer may see (both wins, the steps with owners and dates, what is done), so
nothing internal can be written: no notes, no health figures, no ledger, no
other deals. User text is escaped for each format (Markdown, HTML, iCalendar:
RFC 5545 escaping and folding in formats/icaltext.py).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from wintogether.domain.plan import SharedPlan, SharedStep

FORMATS = ("md", "html", "ics")


def _day(day: date) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}"


def _buyer(plan: SharedPlan) -> str:
    return plan.company or "You"


def _owner(plan: SharedPlan, step: SharedStep) -> str:
    if step.side == "seller":
        return "us"
    return step.owner


def _status(step: SharedStep) -> str:
    if step.status == "done" and step.done_on is not None:
        return f"done {_day(step.done_on)}"
    return step.status


def render(plan: SharedPlan, fmt: str) -> str:
    if fmt == "md":
        return render_md(plan)
    if fmt == "html":
        return render_html(plan)
    if fmt == "ics":
        return render_ics(plan)
    raise ValueError(f"not a plan format: {fmt}")


def render_md(plan: SharedPlan) -> str:
    from wintogether.render.escaping import md

    out = [f"# {md(plan.title)}: our plan together", ""]
    target = f", target {_day(plan.target_on)}" if plan.target_on else ""
    if plan.company:
        out += [f"{md(plan.company)}{target}", ""]
    elif target:
        out += [target[2:].capitalize(), ""]
    out += ["## What each side wins", ""]
    out.append(f"- **{md(_buyer(plan))}:** {md(plan.they_win) if plan.they_win else 'to agree'}")
    out.append(f"- **Us:** {md(plan.we_win) if plan.we_win else 'to agree'}")
    out += ["", "## Steps", ""]
    if not plan.steps:
        out.append("No steps yet.")
    else:
        out.append("| # | step | owner | due | status |")
        out.append("|---|---|---|---|---|")
        for step in plan.steps:
            text = md(step.text) + (" (milestone)" if step.milestone else "")
            if step.after:
                text += f", after {step.after}"
            out.append(
                f"| {step.number} | {text} | {md(_owner(plan, step))} | {_day(step.due_on)}"
                f" | {_status(step)} |"
            )
        done = sum(1 for s in plan.steps if s.status == "done")
        counted = sum(1 for s in plan.steps if s.status != "cancelled")
        out += ["", f"{done} of {counted} steps done as of {_day(plan.generated_on)}."]
    return "\n".join(out) + "\n"


_STYLE = """
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif;
       color: #1d1d1f; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font-size: 1.5rem; margin-bottom: .3rem; }
h2 { font-size: 1.1rem; margin: 1.5rem 0 .4rem; border-bottom: 1px solid #ddd; }
table { border-collapse: collapse; }
td, th { padding: .15rem .8rem .15rem 0; text-align: left; vertical-align: top; }
.muted { color: #666; }
tr.done td { color: #555; }
tr.cancelled td { color: #999; text-decoration: line-through; }
@media print { body { margin: 0; max-width: none; } tr { break-inside: avoid; } }
"""


def render_html(plan: SharedPlan) -> str:
    from wintogether.render.escaping import h

    title = f"{plan.title}: our plan together"
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy"'
        " content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f"<title>{h(title)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>{h(title)}</h1>",
    ]
    facts = [h(plan.company)] if plan.company else []
    if plan.target_on:
        facts.append(f"target {h(_day(plan.target_on))}")
    if facts:
        out.append(f'<p class="muted">{", ".join(facts)}</p>')
    out.append("<h2>What each side wins</h2><ul>")
    out.append(
        f'<li data-side="buyer"><strong>{h(_buyer(plan))}:</strong>'
        f" {h(plan.they_win) if plan.they_win else 'to agree'}</li>"
    )
    out.append(
        '<li data-side="seller"><strong>Us:</strong>'
        f" {h(plan.we_win) if plan.we_win else 'to agree'}</li></ul>"
    )
    out.append("<h2>Steps</h2>")
    if not plan.steps:
        out.append("<p>No steps yet.</p>")
    else:
        out.append(
            "<table><thead><tr><th>#</th><th>Step</th><th>Owner</th><th>Due</th>"
            "<th>Status</th></tr></thead><tbody>"
        )
        for step in plan.steps:
            text = h(step.text) + (" <em>(milestone)</em>" if step.milestone else "")
            if step.after:
                text += f' <span class="muted">after {step.after}</span>'
            css = step.status.replace(" ", "-")
            out.append(
                f'<tr class="{css}" data-step="{step.number}"><td>{step.number}</td>'
                f"<td>{text}</td><td>{h(_owner(plan, step))}</td>"
                f"<td>{h(_day(step.due_on))}</td><td>{h(_status(step))}</td></tr>"
            )
        out.append("</tbody></table>")
    out.append(f'<p class="muted">As of {h(_day(plan.generated_on))}.</p>')
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def render_ics(plan: SharedPlan) -> str:
    """One VCALENDAR with a VTODO per step (due all day, owner and deal in the text).

    Written line by line (formats/icaltext.py), properties in the order the
    icalendar library writes them (the calendar's VERSION and PRODID first,
    then alphabetical), so importing the plan costs no icalendar import."""
    from wintogether.formats.icaltext import Writer, day, stamp
    from wintogether.formats.ics import PRODID, UID_DOMAIN

    out = Writer()
    out.begin("VCALENDAR")
    out.raw("VERSION", "2.0")
    out.text("PRODID", PRODID)
    wins = [
        f"{_buyer(plan)} wins: {plan.they_win or 'to agree'}",
        f"We win: {plan.we_win or 'to agree'}",
    ]
    out.text("X-WR-CALDESC", "\n".join(wins))
    out.text("X-WR-CALNAME", f"{plan.title}: our plan together")
    generated = stamp(datetime.combine(plan.generated_on, time(0, 0), tzinfo=UTC))
    status = {"to do": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}
    for step in plan.steps:
        out.begin("VTODO")
        out.text("CATEGORIES", plan.title)
        if step.status == "done" and step.done_on is not None:
            out.raw("COMPLETED", stamp(datetime.combine(step.done_on, time(12, 0), tzinfo=UTC)))
        lines = [f"Step {step.number} of {plan.title}", f"Owner: {_owner(plan, step)}"]
        if step.after:
            lines.append(f"After step {step.after}")
        if step.milestone:
            lines.append("Milestone")
        out.text("DESCRIPTION", "\n".join([*lines, "", *wins]))
        out.raw("DTSTAMP", generated)
        out.raw("DUE;VALUE=DATE", day(step.due_on))
        out.text("STATUS", status.get(step.status, "NEEDS-ACTION"))
        out.text("SUMMARY", f"{step.text} ({_owner(plan, step)})")
        out.text("UID", f"{step.uid}@{UID_DOMAIN}")
        out.end("VTODO")
    out.end("VCALENDAR")
    return out.result()
