"""A deal's plan as it stands today: each step's status, the critical path, the risks.

Pure: it takes the deal, its steps and today's date. The rules
(docs/deals.md explains them with a worked example):

* status — ``done on time`` (done on or before the due day), ``done late``
  (after it), ``cancelled``, ``overdue`` (open and the due day has passed; a
  step due today is not overdue yet) or ``to do``;
* projected day — when each step can be done at the earliest: a done step on
  the day it was done; an open one on its due day pushed back by the delay of
  the step it follows, and never before today. A step's delay is its
  projected day minus its due day;
* critical path — the chain of steps, through what each one follows, that ends
  at the step projected last: it decides when the plan ends;
* risks — each overdue step with how many steps depend on it (directly or
  through others), most days late first; the plan is also at risk when it is
  projected to end after the target date.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cached_property
from typing import TYPE_CHECKING, Any

from wintogether.frozen import Frozen, Plain
from wintogether.models import Deal, PlanStep

if TYPE_CHECKING:
    from wintogether.domain.health import WordRecord

TODO = "to do"
ON_TIME = "done on time"
LATE = "done late"
OVERDUE = "overdue"
CANCELLED = "cancelled"
STATUSES = (TODO, ON_TIME, LATE, OVERDUE, CANCELLED)


class StepView(Frozen):
    """One step as it stands today. Written out (frozen.py), as the two below:
    `wt deals` makes a plan view per deal, `wt plan` one per step."""

    _fields = (
        "number", "step", "status", "days_late", "after", "dependents", "projected_on",
        "critical",
    )  # fmt: skip
    number: int
    step: PlanStep
    status: str
    days_late: int
    after: int | None
    dependents: int
    projected_on: date | None
    critical: bool

    def __init__(
        self,
        number: int,
        step: PlanStep,
        status: str,
        days_late: int,
        after: int | None,
        dependents: int,
        projected_on: date | None,
        critical: bool,
    ) -> None:
        self._set(
            number=number,
            step=step,
            status=status,
            days_late=days_late,
            after=after,
            dependents=dependents,
            projected_on=projected_on,
            critical=critical,
        )


class Risk(Frozen):
    _fields = ("number", "text", "days_late", "dependents")
    number: int
    text: str
    days_late: int
    dependents: int

    def __init__(self, number: int, text: str, days_late: int, dependents: int) -> None:
        self._set(number=number, text=text, days_late=days_late, dependents=dependents)


_FRESH: Any = object()


class PlanView(Plain):
    """A deal's plan as it stands today (no ``__slots__``: the word records
    below are cached in its ``__dict__``)."""

    _fields = (
        "deal", "today", "steps", "critical_path", "projected_end", "risks", "statuses",
    )  # fmt: skip
    deal: Deal
    today: date
    steps: list[StepView]
    critical_path: list[int]
    projected_end: date | None
    risks: list[Risk]
    #: Each step's status, in plan order (also when ``steps`` is not built).
    statuses: list[str]

    def __init__(
        self,
        deal: Deal,
        today: date,
        steps: list[StepView] = _FRESH,  # a new list each, as the three below
        critical_path: list[int] = _FRESH,
        projected_end: date | None = None,
        risks: list[Risk] = _FRESH,
        statuses: list[str] = _FRESH,
    ) -> None:
        self.deal = deal
        self.today = today
        self.steps = [] if steps is _FRESH else steps
        self.critical_path = [] if critical_path is _FRESH else critical_path
        self.projected_end = projected_end
        self.risks = [] if risks is _FRESH else risks
        self.statuses = [] if statuses is _FRESH else statuses

    def _word(self, owner: str) -> WordRecord:
        # The health rules (imported here: a list of deals needs no word records).
        from wintogether.domain.health import word_record

        return word_record([s.step.promise for s in self.steps], owner, self.today)

    @cached_property
    def mine(self) -> WordRecord:
        """How I kept my steps of this plan (the health rules of my word)."""
        return self._word("me")

    @cached_property
    def theirs(self) -> WordRecord:
        """How they kept theirs."""
        return self._word("them")

    @property
    def ends_late_by(self) -> int:
        """Days the plan is projected to end after the target (0 when it is not)."""
        if self.projected_end is None or self.deal.target_on is None:
            return 0
        return max(0, (self.projected_end - self.deal.target_on).days)

    @property
    def done(self) -> int:
        return sum(1 for s in self.statuses if s in (ON_TIME, LATE))

    @property
    def counted(self) -> int:
        return sum(1 for s in self.statuses if s != CANCELLED)

    @property
    def health(self) -> str:
        """``no plan``, ``done``, ``at risk`` or ``on track``."""
        if not self.statuses:
            return "no plan"
        if all(s in (ON_TIME, LATE, CANCELLED) for s in self.statuses):
            return "done"
        if self.risks or self.ends_late_by:
            return "at risk"
        return "on track"


def status_of(step: PlanStep, today: date) -> tuple[str, int]:
    """A step's status and, when late, by how many days."""
    promise = step.promise
    return _status(promise.status, promise.due_on, _done_day(promise.done_at), today)


def _done_day(done_at: datetime | None) -> date | None:
    return done_at.astimezone().date() if done_at else None


def _status(promise_status: str, due: date, done_day: date | None, today: date) -> tuple[str, int]:
    if promise_status == "cancelled":
        return CANCELLED, 0
    if promise_status == "done":
        late = ((done_day or due) - due).days
        return (LATE, late) if late > 0 else (ON_TIME, 0)
    if due < today:
        return OVERDUE, (today - due).days
    return TODO, 0


def chain(step_id: int, after: dict[int, int | None]) -> list[int]:
    """``step_id`` and the steps it follows, back to the first (stops at a cycle)."""
    out = [step_id]
    seen = {step_id}
    current = after.get(step_id)
    while current is not None and current not in seen:
        out.append(current)
        seen.add(current)
        current = after.get(current)
    return out


#: What the analysis reads of one step, in plan order: its id, the step it
#: follows, milestone, its promise's status, due day, local day done, text.
StepFacts = tuple[int, int | None, bool, str, date, date | None, str]


def analyse(deal: Deal, steps: list[PlanStep], today: date) -> PlanView:
    """The plan of ``deal`` as it stands on ``today``, step by step."""
    facts = [
        (
            s.id,
            s.after_step_id,
            s.milestone,
            s.promise.status,
            s.promise.due_on,
            _done_day(s.promise.done_at),
            s.promise.text,
        )
        for s in steps
    ]
    view = PlanView(deal=deal, today=today)
    found = _analyse(view, facts)
    if found is None:
        return view
    statuses, after, number, projected, dependents, critical = found
    for step in steps:
        status, late = statuses[step.id]
        view.steps.append(
            StepView(
                number=number[step.id],
                step=step,
                status=status,
                days_late=late,
                after=number[before] if (before := after[step.id]) is not None else None,
                dependents=dependents[step.id],
                projected_on=projected.get(step.id),
                critical=step.id in critical,
            )
        )
    return view


def summary(deal: Deal, facts: list[StepFacts], today: date) -> PlanView:
    """The plan's health without its steps (a list of deals shows no step):
    the same figures as :func:`analyse`, from the few columns they need;
    ``steps`` stays empty."""
    view = PlanView(deal=deal, today=today)
    _analyse(view, facts)
    return view


#: Per step id: (status, days late), the step it follows, its number, projected
#: day and dependents; and the critical path's step ids.
_Analysis = tuple[
    dict[int, tuple[str, int]],
    dict[int, int | None],
    dict[int, int],
    dict[int, date | None],
    dict[int, int],
    list[int],
]


def _analyse(view: PlanView, facts: list[StepFacts]) -> _Analysis | None:
    """Fill ``view``'s plan figures from the steps' facts (None for no plan)."""
    if not facts:
        return None
    today = view.today
    number = {f[0]: i for i, f in enumerate(facts, start=1)}
    by_id = {f[0]: f for f in facts}
    after = {f[0]: (f[1] if f[1] in by_id else None) for f in facts}
    statuses = {f[0]: _status(f[3], f[4], f[5], today) for f in facts}

    # Projected days, each step after the one it follows (memoised, cycle-safe).
    projected: dict[int, date | None] = {}
    delay: dict[int, int] = {}

    visiting: set[int] = set()  # the steps whose projection waits on this one

    def project(step_id: int) -> int:
        if step_id in delay:
            return delay[step_id]
        fact = by_id[step_id]
        status, _ = statuses[step_id]
        before = after[step_id]
        pushed = 0
        if before is not None and before not in visiting:
            visiting.add(step_id)
            pushed = project(before)
            visiting.discard(step_id)
        due = fact[4]
        if status == CANCELLED:
            projected[step_id], delay[step_id] = None, pushed
        elif status in (ON_TIME, LATE):
            done_day = fact[5] or due
            projected[step_id], delay[step_id] = done_day, max(0, (done_day - due).days)
        else:
            day = max(date.fromordinal(due.toordinal() + pushed), today)
            projected[step_id], delay[step_id] = day, (day - due).days
        return delay[step_id]

    for fact in facts:
        project(fact[0])

    # Each step counts once for every step it follows, directly or through
    # others (chain's walk, without building the chain).
    dependents: dict[int, int] = dict.fromkeys(by_id, 0)
    for fact in facts:
        step_id = fact[0]
        current = after[step_id]
        if current is None or statuses[step_id][0] == CANCELLED:
            continue
        seen = {step_id}
        while current is not None and current not in seen:
            dependents[current] += 1
            seen.add(current)
            current = after[current]

    ends = [(d, f[2], number[f[0]], f[0]) for f in facts if (d := projected[f[0]])]
    critical: list[int] = []
    if ends:
        last = max(ends)
        view.projected_end = last[0]
        critical = list(reversed(chain(last[3], after)))
        critical = [c for c in critical if statuses[c][0] != CANCELLED]
    view.critical_path = [number[c] for c in critical]
    view.statuses = [statuses[f[0]][0] for f in facts]
    view.risks = sorted(
        (
            Risk(number[f[0]], f[6], statuses[f[0]][1], dependents[f[0]])
            for f in facts
            if statuses[f[0]][0] == OVERDUE
        ),
        key=lambda r: (-r.days_late, -r.dependents, r.number),
    )
    return statuses, after, number, projected, dependents, critical
