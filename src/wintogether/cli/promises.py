"""Commands for promises (follow-ups): make, list, settle."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    TABLE_LIMIT,
    ContactArg,
    FormatOption,
    JsonFlag,
    ListLimit,
    PlainFlag,
    emit_rows,
    emit_table,
    item_id,
    now,
    output_format,
    say,
    say_next_year,
    say_past_due,
    say_time_ignored,
    shown_limit,
    state,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wintogether.models import Promise

PANEL = "Promises"
#: Rows a table shows by default: a screenful, whatever the size of the database.


def complete_promise(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: open promise ids, each with its contact and text as help."""
    try:
        from wintogether.domain.promises import ids_for_completion
        from wintogether.text import one_line

        st = state(ctx)
        if not st.db_path.exists():
            return []
        # One line each, and short: a shell shows the help beside the id.
        return [
            (value, one_line(help_)[:70])
            for value, help_ in ids_for_completion(st.store(), incomplete)
        ]
    except Exception:  # completion must never print a traceback into the shell
        return []


PromiseId = Annotated[
    int,
    typer.Argument(
        help="The promise id (shown as #N).",
        metavar="ID",
        autocompletion=complete_promise,
        parser=item_id,
    ),
]


def _describe(promise: Promise, today_: date) -> str:
    from wintogether.dates import format_day

    name = promise.contact.name
    whose = f"I owe {name}" if promise.owner == "me" else f"{name} owes me"
    return f"#{promise.id}, {whose}: {promise.text} (due {format_day(promise.due_on, today_)})"


def follow_up(
    ctx: typer.Context,
    contact: ContactArg,
    text: Annotated[
        str, typer.Argument(help="What was promised.", metavar="TEXT", show_default=False)
    ],
    due: Annotated[
        str, typer.Option("--due", "-d", help="When: fri, next week, in 2 weeks, 2026-12-04.")
    ],
    theirs: Annotated[
        bool, typer.Option("--theirs", help="They promised it to me (default: I promised).")
    ] = False,
) -> None:
    """Record a promise: mine by default, --theirs when they owe me.

    Examples:

      wt follow-up dana "Send SOC2 report" --due fri

      wt follow-up dana "Intro to their CFO" --due "in 2 weeks" --theirs
    """
    from wintogether.domain import promises

    moment = now()
    promise = promises.add(
        state(ctx).store(), moment, contact=contact, text=text, due=due, theirs=theirs
    )
    say("Promise " + _describe(promise, moment.date()))
    say_time_ignored(due)
    say_past_due(moment.date(), promise.due_on, promise.id)
    say_next_year(moment.date(), due, promise.due_on)


def followups(
    ctx: typer.Context,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only those past due.")] = False,
    due_within: Annotated[
        str | None, typer.Option("--due-within", help="Due within this long: 7d, 2w.")
    ] = None,
    theirs: Annotated[bool, typer.Option("--theirs", help="Only what they owe me.")] = False,
    mine: Annotated[bool, typer.Option("--mine", help="Only what I owe.")] = False,
    all_: Annotated[
        bool, typer.Option("--all", help="Include done and cancelled promises.")
    ] = False,
    limit: ListLimit = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """List open promises, soonest due first.

    Examples:

      wt followups --overdue

      wt followups --due-within 7d --theirs

      wt followups --overdue --json | jq -r '.[] | "\\(.contact.name): \\(.text)"'
    """
    from wintogether.domain import promises

    fmt_ = output_format(fmt, as_json)
    moment = now()
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    rows = promises.listing(
        state(ctx).store(),
        moment,
        promises.PromiseFilter(
            overdue=overdue, due_within=due_within, theirs=theirs, mine=mine, include_settled=all_
        ),
        limit=None if top is None else top + 1,  # one more: is there more to say?
    )
    more = top is not None and len(rows) > top
    rows = rows[:top] if top is not None else rows
    from wintogether.render.columns import PROMISES

    if emit_rows(fmt_, PROMISES, rows):
        return
    if not rows:
        say(
            "No promises match."
            if (overdue or due_within or theirs or mine)
            else "No open promises."
        )
    else:

        def build(is_plain: bool) -> RenderableType:
            from wintogether.render.promises import promises_table

            return promises_table(rows, moment.date(), plain=is_plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import promises_table

            return promises_table(rows, moment.date(), width)

        emit_table(ctx, build, plain=plain, pipe=pipe)
        if more:
            say(f"… and more after these {top}: `wt followups --limit 0` shows all.")


def done(
    ctx: typer.Context,
    promise_id: PromiseId,
    note: Annotated[str | None, typer.Option("--note", "-n", help="How it was kept.")] = None,
) -> None:
    """Mark a promise kept.

    Example:

      wt done 12 --note "Sent the report"
    """
    from wintogether.domain import promises

    moment = now()
    promise = promises.done(state(ctx).store(), moment, promise_id, note)
    late = (moment.date() - promise.due_on).days
    timing = f", {late} day{'s' if late != 1 else ''} late" if late > 0 else ", on time"
    say(f"Done: {_describe(promise, moment.date())}{timing}")


def snooze(
    ctx: typer.Context,
    promise_id: PromiseId,
    until: Annotated[
        str, typer.Argument(help="New due date: mon, next week, 2026-12-10.", metavar="DATE")
    ],
) -> None:
    """Move a promise's due date.

    Example:

      wt snooze 12 "next monday"
    """
    from wintogether.domain import promises

    moment = now()
    promise = promises.snooze(state(ctx).store(), moment, promise_id, until)
    say(f"Snoozed {_describe(promise, moment.date())}")
    say_time_ignored(until)
    say_past_due(moment.date(), promise.due_on, promise.id)
    say_next_year(moment.date(), until, promise.due_on)


def cancel(
    ctx: typer.Context,
    promise_id: PromiseId,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Why.")] = None,
) -> None:
    """Cancel a promise that no longer applies.

    Example:

      wt cancel 12 --note "They chose another vendor"
    """
    from wintogether.domain import promises

    moment = now()
    promise = promises.cancel(state(ctx).store(), moment, promise_id, note)
    say(f"Cancelled {_describe(promise, moment.date())}")


def register(app: typer.Typer) -> None:
    app.command("follow-up", rich_help_panel=PANEL)(follow_up)
    app.command(rich_help_panel=PANEL)(followups)
    app.command(rich_help_panel=PANEL)(done)
    app.command(rich_help_panel=PANEL)(snooze)
    app.command(rich_help_panel=PANEL)(cancel)
