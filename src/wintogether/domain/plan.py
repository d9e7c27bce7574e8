"""A deal's mutual action plan: the buyer's steps and mine, each one a promise.

A step is a promise to or from a person on the deal (so it appears in
`wt followups`, `wt today`, health and sync) with its place in the plan, a
milestone flag and the step it follows. Bad plans are refused in one line: a
step after itself, a circle of steps each waiting for the next. A due date
after the deal's target, or before the step it follows, is saved with a
warning.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from wintogether.clock import to_utc_iso
from wintogether.dates import format_day, parse_day
from wintogether.domain import deals
from wintogether.domain.planview import PlanView, chain
from wintogether.domain.text import clean_name, clean_optional, clean_text
from wintogether.errors import InvalidValue, NotFound, UserError
from wintogether.frozen import Frozen
from wintogether.models import ContactRef, Deal, PlanStep
from wintogether.records import dataclass, field
from wintogether.store import Store
from wintogether.store import deals as deals_store
from wintogether.store import promises as promises_store


@dataclass(frozen=True)
class StepResult:
    deal: Deal
    step: PlanStep
    number: int
    warnings: list[str] = field(default_factory=list)


def _steps(store: Store, deal: Deal) -> list[PlanStep]:
    return deals_store.steps(store, [deal.id]).get(deal.id, [])


def find_step(steps: list[PlanStep], ref: str, deal: Deal) -> tuple[int, PlanStep]:
    """``ref``: the step's number in the plan (``3``), its promise id (``#41``) or
    a unique fragment of its text. Returns (number, step)."""
    text = ref.strip()
    if text.isdecimal():  # its number in the plan
        index = int(text)
        if 1 <= index <= len(steps):
            return index, steps[index - 1]
        raise NotFound(
            f"Deal #{deal.id} has no step {index} (it has {len(steps)}).",
            hint=f"`wt plan {deal.id}` numbers them.",
        )
    if text.startswith("#") and text[1:].isdecimal():  # its promise id
        for i, step in enumerate(steps, start=1):
            if step.promise.id == int(text[1:]):
                return i, step
        raise NotFound(f"Promise {text} is not a step of deal #{deal.id}.")
    folded = text.casefold()
    found = [(i, s) for i, s in enumerate(steps, start=1) if folded in s.promise.text.casefold()]
    exact = [(i, s) for i, s in found if s.promise.text.casefold() == folded]
    found = exact or found
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound(
            f"No step of deal #{deal.id} matches '{text}'.",
            hint=f"`wt plan {deal.id}` numbers them.",
        )
    shown = "; ".join(f"{i}. {s.promise.text}" for i, s in found[:8])
    raise UserError(f"'{text}' matches {len(found)} steps: {shown}.", hint="Use its number.")


def _owner(store: Store, deal: Deal, owner: str, stamp: str) -> tuple[str, ContactRef, bool]:
    """(promise owner, contact, added to the deal) for ``--owner them|me|CONTACT``."""
    word = owner.strip().lower()
    if word in ("me", "them"):
        if not deal.people:
            raise UserError(
                f"Deal #{deal.id} has nobody on it yet: a step is a promise to or from someone.",
                hint=f"Put someone on it: `wt deal edit {deal.id} --with NAME`.",
            )
        return word, deal.people[0], False
    from wintogether.domain.resolve import resolve  # a person's name: not for me or them

    person = resolve(store, owner)
    added = deals_store.add_person(store, deal.id, person.id, stamp)
    return "them", person, added


def _date_warnings(
    deal: Deal, due: date, before: PlanStep | None, today: date, label: str
) -> list[str]:
    out = []
    if deal.target_on is not None and due > deal.target_on:
        out.append(
            f"{label} is due {format_day(due, today)}, after the deal's target"
            f" {format_day(deal.target_on, today)}."
        )
    if before is not None and due < before.promise.due_on:
        out.append(
            f"{label} is due {format_day(due, today)}, before the step it follows"
            f" ('{before.promise.text}', due {format_day(before.promise.due_on, today)})."
        )
    return out


def _check_open(deal: Deal) -> None:
    if deal.status in ("lost", "dropped"):
        raise InvalidValue(f"Deal #{deal.id} '{deal.title}' is {deal.status}: its plan is closed.")


def add_step(
    store: Store,
    now: datetime,
    deal_ref: str,
    text: str,
    *,
    owner: str,
    due: str,
    after: str | None = None,
    milestone: bool = False,
) -> StepResult:
    body = clean_text(text, "step")
    due_on = parse_day(due, now, prefer="future")
    stamp = to_utc_iso(now)
    with store.write():
        deal = deals.find(store, deal_ref)
        _check_open(deal)
        before = find_step(_steps(store, deal), after, deal)[1] if after is not None else None
        side, person, added = _owner(store, deal, owner, stamp)
        promise_id = promises_store.insert_promise(
            store, contact_id=person.id, text=body, due_on=due_on, owner=side, stamp=stamp
        )
        step_id = deals_store.insert_step(
            store,
            deal_id=deal.id,
            promise_id=promise_id,
            milestone=milestone,
            after_step_id=before.id if before else None,
            stamp=stamp,
        )
        warnings = _date_warnings(deal, due_on, before, now.date(), f"'{body}'")
        if added:
            warnings.insert(0, f"{person.name} is now on deal #{deal.id}.")
            deal = deals.get(store, deal.id)
        # The new step and its number, without reading the whole plan again.
        step, number = deals_store.step_with_number(store, step_id)
    return StepResult(deal, step, number, warnings)


def edit_step(
    store: Store,
    now: datetime,
    deal_ref: str,
    step_ref: str,
    *,
    after: str | None = None,
    first: bool = False,
    due: str | None = None,
    text: str | None = None,
    milestone: bool | None = None,
) -> StepResult:
    """Change a step: the step it follows (``first``: none), due date, text, milestone."""
    if after is not None and first:
        raise InvalidValue("--after and --first exclude each other.")
    due_on = parse_day(due, now, prefer="future") if due is not None else None
    body = clean_text(text, "step") if text is not None else None
    stamp = to_utc_iso(now)
    with store.write():
        deal = deals.find(store, deal_ref)
        steps = _steps(store, deal)
        number, step = find_step(steps, step_ref, deal)
        fields: dict[str, Any] = {}
        before: PlanStep | None = None
        if after is not None:
            before_number, before = find_step(steps, after, deal)
            if before.id == step.id:
                raise InvalidValue(f"Step {number} '{step.promise.text}' cannot follow itself.")
            links = {s.id: s.after_step_id for s in steps}
            links[step.id] = before.id
            loop = chain(before.id, links)
            if step.id in loop:
                numbers = {s.id: i for i, s in enumerate(steps, start=1)}
                path = [numbers[s] for s in reversed(loop[: loop.index(step.id) + 1])]
                shown = " → ".join(str(n) for n in [*path, path[0]])
                raise InvalidValue(
                    f"Step {number} cannot follow step {before_number}: that makes a circle"
                    f" ({shown}), each step waiting for the next."
                )
            fields["after_step_id"] = before.id
        elif first:
            fields["after_step_id"] = None
        elif step.after_step_id is not None:
            before = next((s for s in steps if s.id == step.after_step_id), None)
        if milestone is not None:
            fields["milestone"] = int(milestone)
        promise_fields: dict[str, Any] = {}
        if due_on is not None:
            promise_fields["due_on"] = due_on.isoformat()
        if body is not None:
            promise_fields["text"] = body
        if not fields and not promise_fields:
            raise UserError("Nothing to change.", hint="Give at least one option; see --help.")
        deals_store.update_step(store, step.id, fields, stamp)
        promises_store.update_promise(store, step.promise.id, promise_fields, stamp)
        warnings = []
        if due_on is not None or after is not None:
            warnings = _date_warnings(
                deal,
                due_on or step.promise.due_on,
                before,
                now.date(),
                f"'{body or step.promise.text}'",
            )
        steps = _steps(store, deal)
    return StepResult(deal, steps[number - 1], number, warnings)


def settle_step(
    store: Store, now: datetime, deal_ref: str, step_ref: str, status: str, note: str | None
) -> StepResult:
    """Mark a step done (or cancelled): its promise is kept (or cancelled)."""
    note_ = clean_optional(note, "note") if note is not None else None
    stamp = to_utc_iso(now)
    with store.write():
        deal = deals.find(store, deal_ref)
        steps = _steps(store, deal)
        number, step = find_step(steps, step_ref, deal)
        if step.promise.status != "open":
            raise InvalidValue(
                f"Step {number} '{step.promise.text}' is already {step.promise.status}."
            )
        promises_store.update_promise(
            store,
            step.promise.id,
            {"status": status, "done_at": stamp, "done_note": note_},
            stamp,
        )
        steps = _steps(store, deal)
    return StepResult(deal, steps[number - 1], number)


def plan(store: Store, now: datetime, deal_ref: str) -> PlanView:
    return deals.view(store, now, deal_ref)


# -- templates ---------------------------------------------------------------------


def save_template(store: Store, now: datetime, name: str, deal_ref: str) -> tuple[str, int]:
    """Save a deal's plan as days before its target: (name, steps saved)."""
    label = clean_name(name)
    stamp = to_utc_iso(now)
    with store.write():
        deal = deals.find(store, deal_ref)
        steps = _steps(store, deal)
        if not steps:
            raise UserError(f"Deal #{deal.id} has no plan to save.")
        anchor = deal.target_on or max(s.promise.due_on for s in steps)
        index = {s.id: i for i, s in enumerate(steps)}
        saved = [
            {
                "text": s.promise.text,
                "owner": s.promise.owner,
                "days_before": (anchor - s.promise.due_on).days,
                "milestone": s.milestone,
                "after": index.get(s.after_step_id) if s.after_step_id is not None else None,
            }
            for s in steps
        ]
        import json

        deals_store.save_template(store, label, json.dumps(saved), stamp)
    return label, len(saved)


def template_afters(steps: list[dict[str, Any]]) -> list[int | None]:
    """The step each of a template's steps waits for (its place in the list),
    or None: an index out of range, the step itself, or a link closing a loop
    is left out."""
    wanted = [step.get("after") for step in steps]
    out: list[int | None] = [None] * len(steps)
    for place, after in enumerate(wanted):
        if not isinstance(after, int) or isinstance(after, bool):
            continue
        if not 0 <= after < len(steps) or after == place:
            continue
        seen = {place}
        current: int | None = after
        while current is not None and current not in seen:
            seen.add(current)
            current = out[current]
        if current is None:  # no loop back to this step
            out[place] = after
    return out


@dataclass(frozen=True)
class Applied:
    deal: Deal
    added: int
    anchor: date
    past_due: int
    target_set: bool


def apply_template(
    store: Store, now: datetime, name: str, deal_ref: str, backwards_from: str | None
) -> Applied:
    """Add a template's steps to a deal, due that many days before ``backwards_from``
    (default: the deal's target, which is set from it when the deal had none)."""
    stamp = to_utc_iso(now)
    anchor_typed = (
        parse_day(backwards_from, now, prefer="future") if backwards_from is not None else None
    )
    with store.write():
        raw = deals_store.get_template(store, name.strip())
        if raw is None:
            names = deals_store.template_names(store)
            raise NotFound(
                f"No plan template is called '{name}'.",
                hint=f"Saved: {', '.join(names)}."
                if names
                else "Save one first: `wt plan template save NAME DEAL`.",
            )
        import json

        saved: list[dict[str, Any]] = json.loads(raw)
        deal = deals.find(store, deal_ref)
        _check_open(deal)
        anchor = anchor_typed or deal.target_on
        if anchor is None:
            raise UserError(
                f"Deal #{deal.id} has no target date to work back from.",
                hint=f"Give one: `wt plan apply {name} {deal.id} --backwards-from 2027-01-31`.",
            )
        target_set = deal.target_on is None
        if target_set:
            deals_store.update_deal(store, deal.id, {"target_on": anchor.isoformat()}, stamp)
        ids: list[int] = []
        past = 0
        for item in saved:
            due_on = anchor - timedelta(days=int(item["days_before"]))
            past += due_on < now.date()
            side, person, _ = _owner(store, deal, str(item["owner"]), stamp)
            promise_id = promises_store.insert_promise(
                store,
                contact_id=person.id,
                text=str(item["text"]),
                due_on=due_on,
                owner=side,
                stamp=stamp,
            )
            ids.append(
                deals_store.insert_step(
                    store,
                    deal_id=deal.id,
                    promise_id=promise_id,
                    milestone=bool(item.get("milestone")),
                    after_step_id=None,
                    stamp=stamp,
                )
            )
        # What each step waits for, once all exist: a step may wait for one
        # listed after it (a plan's numbers need not follow its order).
        for place, after in enumerate(template_afters(saved)):
            if after is not None:
                deals_store.update_step(store, ids[place], {"after_step_id": ids[after]}, stamp)
        deal = deals.get(store, deal.id)
    return Applied(deal, len(ids), anchor, past, target_set)


# -- the plan shared with the buyer ------------------------------------------------


class SharedStep(Frozen):
    """One step as the buyer sees it. Written out (frozen.py), as the plan
    below: `wt plan DEAL --format md|html|ics` makes one per step."""

    _fields = (
        "number", "text", "owner", "side", "due_on", "status", "done_on", "milestone", "after",
        "uid",
    )  # fmt: skip
    number: int
    text: str
    owner: str  # the company's or the person's name, or "us"
    side: str  # "buyer" | "seller"
    due_on: date
    status: str  # "to do", "done", "cancelled"
    done_on: date | None
    milestone: bool
    after: int | None
    uid: str

    def __init__(
        self,
        number: int,
        text: str,
        owner: str,
        side: str,
        due_on: date,
        status: str,
        done_on: date | None,
        milestone: bool,
        after: int | None,
        uid: str,
    ) -> None:
        self._set(
            number=number,
            text=text,
            owner=owner,
            side=side,
            due_on=due_on,
            status=status,
            done_on=done_on,
            milestone=milestone,
            after=after,
            uid=uid,
        )


class SharedPlan(Frozen):
    """Only what the buyer may see: the deal's title, both wins, the steps.

    Built field by field from the plan (never a copy of a record), so internal
    notes, health figures, the ledger and other deals cannot slip in."""

    _fields = (
        "uid", "title", "company", "target_on", "they_win", "we_win", "steps", "generated_on",
    )  # fmt: skip
    uid: str
    title: str
    company: str | None
    target_on: date | None
    they_win: str | None
    we_win: str | None
    steps: list[SharedStep]
    generated_on: date

    def __init__(
        self,
        uid: str,
        title: str,
        company: str | None,
        target_on: date | None,
        they_win: str | None,
        we_win: str | None,
        steps: list[SharedStep],
        generated_on: date,
    ) -> None:
        self._set(
            uid=uid,
            title=title,
            company=company,
            target_on=target_on,
            they_win=they_win,
            we_win=we_win,
            steps=steps,
            generated_on=generated_on,
        )


def template_names(store: Store) -> list[str]:
    """The saved templates' names, in order (for shell completion)."""
    with store.read():
        return deals_store.template_names(store)


def shared(view: PlanView) -> SharedPlan:
    deal = view.deal
    steps = []
    for v in view.steps:
        promise = v.step.promise
        if promise.status == "done":
            status = "done"
        elif promise.status == "cancelled":
            status = "cancelled"
        else:
            status = "to do"
        buyer = promise.owner == "them"
        steps.append(
            SharedStep(
                number=v.number,
                text=promise.text,
                owner=promise.contact.name if buyer else "us",
                side="buyer" if buyer else "seller",
                due_on=promise.due_on,
                status=status,
                done_on=promise.done_at.astimezone().date() if promise.done_at else None,
                milestone=v.step.milestone,
                after=v.after,
                uid=v.step.uid,
            )
        )
    return SharedPlan(
        uid=deal.uid,
        title=deal.title,
        company=deal.company,
        target_on=deal.target_on,
        they_win=deal.they_win,
        we_win=deal.we_win,
        steps=steps,
        generated_on=view.today,
    )


def shared_plan(store: Store, now: datetime, deal_ref: str) -> SharedPlan:
    return shared(plan(store, now, deal_ref))
