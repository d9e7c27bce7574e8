"""The shared plan's iCalendar, written line by line, is what the icalendar library writes.

`wt plan DEAL --format ics` writes its VTODOs without importing icalendar
(formats/icaltext.py). These tests build the same calendar with the library
and compare bytes, then parse our text back with the library.
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time

from hypothesis import given
from hypothesis import strategies as st

from wintogether.domain.plan import SharedPlan, SharedStep
from wintogether.formats import icaltext
from wintogether.render.plan_share import render_ics

#: Pieces of text that test escaping and folding: the TEXT specials, line
#: breaks of every kind, multi-byte characters (2, 3 and 4 octets) and long runs.
PIECES = [
    *"abcXYZ ,;:\\\"'<>^\t",
    "\n",
    "\r\n",
    "\r",
    "é",
    "ü",
    "€",
    "中",
    "🚀",
    "END:VTODO",
    "\nEND:VCALENDAR\n",
    "x" * 70,
    "é" * 40,
    "\\\\",
    ";;",
]
TEXT = st.lists(st.sampled_from(PIECES), min_size=1, max_size=30).map("".join)


def _library_ics(plan: SharedPlan) -> str:
    """The plan as the icalendar library writes it (how `wt plan --format ics` was written)."""
    from icalendar import Calendar, Todo, vText

    from wintogether.formats.ics import PRODID, UID_DOMAIN

    def owner(step: SharedStep) -> str:
        return "us" if step.side == "seller" else step.owner

    calendar = Calendar()
    calendar.add("version", "2.0")
    calendar.add("prodid", PRODID)
    calendar.add("x-wr-calname", vText(f"{plan.title}: our plan together"))
    wins = [
        f"{plan.company or 'You'} wins: {plan.they_win or 'to agree'}",
        f"We win: {plan.we_win or 'to agree'}",
    ]
    calendar.add("x-wr-caldesc", vText("\n".join(wins)))
    stamp = datetime.combine(plan.generated_on, time(0, 0), tzinfo=UTC)
    status = {"to do": "NEEDS-ACTION", "done": "COMPLETED", "cancelled": "CANCELLED"}
    for step in plan.steps:
        todo = Todo()
        todo.add("uid", f"{step.uid}@{UID_DOMAIN}")
        todo.add("dtstamp", stamp)
        todo.add("summary", f"{step.text} ({owner(step)})")
        todo.add("due", step.due_on)
        todo.add("status", status.get(step.status, "NEEDS-ACTION"))
        if step.status == "done" and step.done_on is not None:
            todo.add("completed", datetime.combine(step.done_on, time(12, 0), tzinfo=UTC))
        lines = [f"Step {step.number} of {plan.title}", f"Owner: {owner(step)}"]
        if step.after:
            lines.append(f"After step {step.after}")
        if step.milestone:
            lines.append("Milestone")
        todo.add("description", "\n".join([*lines, "", *wins]))
        todo.add("categories", [plan.title])
        calendar.add_component(todo)
    return str(calendar.to_ical().decode("utf-8"))


def _plan(rng: random.Random, texts: list[str]) -> SharedPlan:
    def text() -> str:
        return rng.choice(texts)

    steps = []
    for number in range(1, rng.randint(0, 5) + 1):
        state = rng.choice(["to do", "done", "cancelled"])
        steps.append(
            SharedStep(
                number=number,
                text=text(),
                owner=text(),
                side=rng.choice(["buyer", "seller"]),
                due_on=date(2026, 11, 1 + number),
                status=state,
                done_on=date(2026, 11, 20) if state == "done" else None,
                milestone=rng.random() < 0.3,
                after=number - 1 if number > 1 and rng.random() < 0.5 else None,
                uid=f"0000000{number}-1fb1-4c23-90c1-92cfd3ac94af",
            )
        )
    return SharedPlan(
        uid="d",
        title=text(),
        company=rng.choice([None, text()]),
        target_on=None,
        they_win=rng.choice([None, text()]),
        we_win=rng.choice([None, text()]),
        steps=steps,
        generated_on=date(2026, 11, 28),
    )


def _check_lines(ics: str) -> None:
    """CRLF only, every physical line at most 75 octets and whole UTF-8."""
    assert ics.endswith("\r\n")
    for line in ics.encode("utf-8").split(b"\r\n")[:-1]:
        assert b"\r" not in line and b"\n" not in line
        assert len(line) <= 75, line
        line.decode("utf-8")  # no character split across a fold


@given(st.lists(TEXT, min_size=1, max_size=8), st.integers(0, 2**32))
def test_our_plan_calendar_is_the_librarys_byte_for_byte(texts: list[str], seed: int) -> None:
    plan = _plan(random.Random(seed), [t.replace("\\N", "\\n") for t in texts])
    ours = render_ics(plan)
    assert ours == _library_ics(plan)
    _check_lines(ours)


def test_many_plans_are_the_librarys_byte_for_byte() -> None:
    rng = random.Random(20)
    texts = ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 25))) for _ in range(300)]
    texts = [t.replace("\\N", "\\n") for t in texts] + ["Northwind renewal", "Go-live"]
    for _ in range(200):
        plan = _plan(rng, texts)
        ours = render_ics(plan)
        assert ours == _library_ics(plan)
        _check_lines(ours)


@given(st.lists(TEXT, min_size=1, max_size=8), st.integers(0, 2**32))
def test_the_library_reads_our_plan_back(texts: list[str], seed: int) -> None:
    from icalendar import Calendar

    plan = _plan(random.Random(seed), texts)
    calendar = Calendar.from_ical(render_ics(plan))
    # X- properties have no value type for the library: it gives them back as written.
    name = f"{plan.title}: our plan together"
    assert str(calendar["x-wr-calname"]) == icaltext.escape(name)
    todos = calendar.walk("VTODO")
    assert len(todos) == len(plan.steps)
    for todo, step in zip(todos, plan.steps, strict=True):
        summary = f"{step.text} ({'us' if step.side == 'seller' else step.owner})"
        assert str(todo["summary"]) == summary.replace("\r\n", "\n").replace("\r", "\n")
        assert todo.decoded("due") == step.due_on
        assert todo.decoded("dtstamp") == datetime(2026, 11, 28, tzinfo=UTC)
        assert str(todo["uid"]) == f"{step.uid}@wintogether.invalid"
        assert todo.categories == [plan.title.replace("\r\n", "\n").replace("\r", "\n")]


def test_a_backslash_before_n_reads_back_as_written() -> None:
    """The library writes ``\\N`` in a text as a line break; we keep the backslash."""
    from icalendar import Calendar

    line = icaltext.escape("C:\\New folder; a, b")
    assert line == "C:\\\\New folder\\; a\\, b"
    raw = f"BEGIN:VCALENDAR\r\nBEGIN:VTODO\r\nSUMMARY:{line}\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    todo = Calendar.from_ical(raw).walk("VTODO")[0]
    assert str(todo["summary"]) == "C:\\New folder; a, b"


def test_folding_counts_octets_and_keeps_escapes_whole() -> None:
    assert icaltext.fold("A:" + "x" * 72) == "A:" + "x" * 72  # 74 octets: one line
    assert icaltext.fold("A:" + "x" * 73) == "A:" + "x" * 72 + "\r\n x"
    folded = icaltext.fold("A:" + "é" * 100)
    assert [len(p.encode()) for p in folded.split("\r\n")] == [74, 75, 55]
    # A backslash that would end a line goes to the next with what it escapes.
    folded = icaltext.fold("A:" + "x" * 71 + "\\,y")
    assert folded == "A:" + "x" * 71 + "\r\n \\,y"
    assert icaltext.stamp(datetime(2026, 11, 28, 12, tzinfo=UTC)) == "20261128T120000Z"
    assert icaltext.day(date(2027, 1, 5)) == "20270105"
