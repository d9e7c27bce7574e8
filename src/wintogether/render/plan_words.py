"""Deals and plans in the user's words, and their JSON: no Rich here."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from wintogether.dates import format_day
from wintogether.render.words import word_record_text
from wintogether.text import json_string

if TYPE_CHECKING:
    from wintogether.domain.deals import AccountDeals
    from wintogether.domain.planview import PlanView, StepView
    from wintogether.models import Deal

ONE_SIDED = {
    "buyer": "one-sided: what does the buyer win?",
    "seller": "one-sided: what do we win?",
    "both": "one-sided: what does each side win?",
}


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _steps(n: int) -> str:
    return f"{n} step{'s' if n != 1 else ''}"


def wins_text(deal: Deal) -> str:
    """``both sides win`` or the one-sided question."""
    return ONE_SIDED[deal.one_sided] if deal.one_sided else "both sides win"


def health_text(view: PlanView) -> str:
    """The plan's state in one line: "at risk: 'Legal review' is 6 days late and 3
    steps depend on it", "on track: 2 of 5 steps done", "no plan yet"."""
    if view.deal.status != "open":
        return view.deal.status
    health = view.health
    if health == "no plan":
        return "no plan yet"
    if health == "done":
        return f"every step settled ({view.done} of {view.counted} done)"
    if health == "at risk":
        if view.risks:
            risk = view.risks[0]
            depends = (
                "nothing depends on it"
                if risk.dependents == 0
                else f"{_steps(risk.dependents)} depend{'s' if risk.dependents == 1 else ''} on it"
            )
            text = f"at risk: '{risk.text}' is {_days(risk.days_late)} late and {depends}"
            if len(view.risks) > 1:
                text += f" ({len(view.risks) - 1} more late)"
            return text
        assert view.projected_end is not None
        return (
            f"at risk: the plan ends {format_day(view.projected_end, view.today)},"
            f" {_days(view.ends_late_by)} after the target"
        )
    return f"on track: {view.done} of {view.counted} steps done"


def short_health_text(view: PlanView) -> str:
    """The plan's state for a table cell: "at risk: 2 steps late", "on track"."""
    if view.deal.status != "open":
        return view.deal.status
    health = view.health
    if health == "at risk":
        if view.risks:
            worst = view.risks[0].days_late
            return f"at risk: {_steps(len(view.risks))} late (up to {_days(worst)})"
        return f"at risk: ends {_days(view.ends_late_by)} late"
    if health == "on track":
        return f"on track ({view.done}/{view.counted} done)"
    return "no plan yet" if health == "no plan" else "every step settled"


def step_json(step: StepView) -> dict[str, Any]:
    promise = step.step.promise
    return {
        "number": step.number,
        "promise_id": promise.id,
        "uid": step.step.uid,
        "text": promise.text,
        "owner": promise.owner,
        "contact": promise.contact.to_json(),
        "due_on": promise.due_on.isoformat(),
        "status": step.status,
        "days_late": step.days_late,
        "done_at": promise.done_at.isoformat() if promise.done_at else None,
        "done_note": promise.done_note,
        "milestone": step.step.milestone,
        "after": step.after,
        "dependents": step.dependents,
        "projected_on": step.projected_on.isoformat() if step.projected_on else None,
        "critical": step.critical,
    }


def plan_json(view: PlanView) -> dict[str, Any]:
    return {
        "deal": view.deal.to_json(),
        "health": view.health,
        "text": health_text(view),
        "wins": wins_text(view.deal),
        "projected_end": view.projected_end.isoformat() if view.projected_end else None,
        "ends_late_by": view.ends_late_by,
        "critical_path": view.critical_path,
        "risks": [
            {
                "number": r.number,
                "text": r.text,
                "days_late": r.days_late,
                "dependents": r.dependents,
            }
            for r in view.risks
        ],
        "my_word": _word(view, mine=True),
        "their_word": _word(view, mine=False),
        "steps": [step_json(s) for s in view.steps],
    }


def _word(view: PlanView, *, mine: bool) -> dict[str, Any]:
    record = view.mine if mine else view.theirs
    return {
        "due": record.due,
        "kept_on_time": record.kept_on_time,
        "kept_late": record.kept_late,
        "broken": record.broken,
        "cancelled": record.cancelled,
        "text": word_record_text(record),
    }


def deal_row_json(view: PlanView) -> dict[str, Any]:
    deal = view.deal
    return {
        **deal.to_json(),
        "health": view.health,
        "health_text": health_text(view),
        "wins": wins_text(deal),
        "steps": view.counted,
        "steps_done": view.done,
    }


def deal_row_item(view: PlanView) -> str:
    """:func:`deal_row_json` as ``write_json`` writes it as an item of a list
    (text.write_json_texts): `wt deals --json` lists every open deal, and the
    indenting encoder took longer than finding them."""
    deal = view.deal
    if deal.people:
        people = (
            "[\n"
            + ",\n".join(
                f'      {{\n        "id": {int.__repr__(p.id)},\n'
                f'        "name": {json_string(p.name)},\n'
                f'        "company": {json_string(p.company)}\n      }}'
                for p in deal.people
            )
            + "\n    ]"
        )
    else:
        people = "[]"
    return (
        f'  {{\n    "id": {int.__repr__(deal.id)},\n'
        f'    "uid": {json_string(deal.uid)},\n'
        f'    "title": {json_string(deal.title)},\n'
        f'    "company": {json_string(deal.company)},\n'
        f'    "target_on": {_iso_json(deal.target_on)},\n'
        f'    "they_win": {json_string(deal.they_win)},\n'
        f'    "we_win": {json_string(deal.we_win)},\n'
        f'    "one_sided": {json_string(deal.one_sided)},\n'
        f'    "status": {json_string(deal.status)},\n'
        f'    "closed_at": {_iso_json(deal.closed_at)},\n'
        f'    "close_note": {json_string(deal.close_note)},\n'
        f'    "notes": {json_string(deal.notes)},\n'
        f'    "people": {people},\n'
        f'    "created_at": {_iso_json(deal.created_at)},\n'
        f'    "updated_at": {_iso_json(deal.updated_at)},\n'
        f'    "health": {json_string(view.health)},\n'
        f'    "health_text": {json_string(health_text(view))},\n'
        f'    "wins": {json_string(wins_text(deal))},\n'
        f'    "steps": {int.__repr__(view.counted)},\n'
        f'    "steps_done": {int.__repr__(view.done)}\n  }}'
    )


def _iso_json(value: date | None) -> str:
    return "null" if value is None else json_string(value.isoformat())


def target_text(deal: Deal, today: date) -> str:
    return format_day(deal.target_on, today) if deal.target_on else "no target"


def account_deal_lines(deals: AccountDeals, today: date) -> tuple[list[str], list[str]]:
    """`wt company NAME`'s deals: one line each, open ones (target and plan
    health, as `wt deals` shows them), then those closed in the last year."""
    opened = [
        f"#{v.deal.id} {v.deal.title} · {_target_words(v.deal, today)} · {short_health_text(v)}"
        for v in deals.open
    ]
    closed = []
    for deal in deals.closed:
        when = f" {format_day(deal.closed_at.date(), today)}" if deal.closed_at else ""
        note = f": {deal.close_note}" if deal.close_note else ""
        closed.append(f"#{deal.id} {deal.title} · {deal.status}{when}{note}")
    return opened, closed


def account_deals_json(deals: AccountDeals) -> dict[str, Any]:
    return {
        "open": [deal_row_json(view) for view in deals.open],
        "closed": [deal.to_json() for deal in deals.closed],
    }


def _target_words(deal: Deal, today: date) -> str:
    return f"target {format_day(deal.target_on, today)}" if deal.target_on else "no target"
