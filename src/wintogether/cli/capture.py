"""Capture without typing: `scan` proposes conversations from calendars and mail,
`review` confirms them."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    ResultJsonFlag,
    emit_json,
    now,
    say,
    state,
    stdin_is_terminal,
)
from wintogether.errors import UserError

if TYPE_CHECKING:
    from wintogether.cli.common import State
    from wintogether.domain.capture import Proposal
    from wintogether.store import Store

PANEL = "Capture"


def scan(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            help="Read everything from this day on, even what was read before "
            "(default: what is new since the last scan; 30 days on the first).",
        ),
    ] = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Read calendars and mail folders ([capture] in `wt config`) and propose conversations.

    Sources are only read, never written. Meetings and mail with your contacts
    (matched by email) are queued for `wt review`; people you meet or write who
    are not contacts are listed, for `wt add`. See docs/capture.md.

    Examples:

      wt config set capture.calendars "~/.calendars/work"

      wt config set capture.mail "~/Mail/work"

      wt scan

      wt scan --since 2026-11-01
    """
    from wintogether.dates import parse_day, start_of_day
    from wintogether.domain import capture

    st = state(ctx)
    moment = now()
    start = None
    if since is not None:
        day = parse_day(since, moment, prefer="past")
        start = start_of_day(day, moment.tzinfo)
    store = st.store()
    result = capture.scan(store, st.config().capture, moment, start)
    people = capture.strangers(store, limit=5)
    if as_json:
        data = result.to_json()
        data["people_not_contacts"] = people
        emit_json(data)
        return
    from wintogether.render.capture import people_lines, scan_lines

    for line in scan_lines(result) + people_lines(people):
        say(line)


def review(
    ctx: typer.Context,
    accept_all: Annotated[
        bool, typer.Option("--accept-all", help="Accept every waiting proposal.")
    ] = False,
    skip_all: Annotated[
        bool, typer.Option("--skip-all", help="Skip every waiting proposal.")
    ] = False,
    people: Annotated[
        bool,
        typer.Option("--people", help="List the people you talk to who are not contacts."),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="List what waits (or what was done) as JSON.")
    ] = False,
) -> None:
    """Confirm what `wt scan` proposed: each accepted one becomes a conversation.

    On a terminal, one proposal at a time: [a]ccept, accept with a [n]ote
    (one line) or in your [e]ditor ($EDITOR), [s]kip, ne[v]er for these people
    (asked which when there are several), never for this [c]alendar (a meeting's;
    it goes in capture.ignore_calendars), or [q]uit. An accepted proposal resets the
    rhythm like `wt log`, is never proposed again, and `wt undo` takes it back.

    Examples:

      wt review

      wt review --json

      wt review --accept-all

      wt review --people
    """
    from wintogether.domain import capture

    if accept_all and skip_all:
        raise UserError("--accept-all and --skip-all disagree; give one of them.")
    store = state(ctx).store()
    moment = now()
    if people:
        found = capture.strangers(store, limit=200)
        if as_json:
            emit_json(found)
            return
        from wintogether.render.capture import people_lines

        for line in people_lines(found) or ["Everyone you talk to is in wintogether."]:
            print(line)
        return
    waiting = capture.pending(store)
    if accept_all or skip_all:
        ids = [p.id for p in waiting]
        if accept_all:
            done = capture.accept(store, moment, ids) if ids else []
            if as_json:
                emit_json({"accepted": ids, "conversation_ids": done})
                return
            say(f"Accepted {len(ids)} proposals as conversations." if ids else "Nothing waits.")
        else:
            if ids:
                capture.skip(store, moment, ids)
            if as_json:
                emit_json({"skipped": ids})
                return
            say(f"Skipped {len(ids)} proposals." if ids else "Nothing waits.")
        return
    if as_json:
        emit_json([p.to_json() for p in waiting])
        return
    from wintogether.render.capture import proposal_line

    today = moment.date()
    if not waiting:
        say("Nothing to review. `wt scan` looks for new meetings and mail.")
        return
    if not stdin_is_terminal():
        for proposal in waiting:
            print(proposal_line(proposal, today))
        return
    _interactive(ctx, store, waiting, moment)


def _interactive(
    ctx: typer.Context, store: Store, waiting: list[Proposal], moment: datetime
) -> None:
    from wintogether.domain import capture
    from wintogether.render.capture import proposal_line
    from wintogether.text import one_line

    st = state(ctx)
    drafts = st.db_path.parent / "drafts"
    today = moment.date()
    accepted = skipped = 0
    dropped: set[int] = set()
    for index, item in enumerate(waiting, 1):
        if item.id in dropped:
            continue
        print(f"({index}/{len(waiting)}) {proposal_line(item, today)}")
        meeting = item.kind == "meeting"
        choices = ("a", "n", "e", "s", "v", "c", "q") if meeting else ("a", "n", "e", "s", "v", "q")
        last = "never this [c]alendar, [q]uit? " if meeting else "[q]uit? "
        while True:
            answer = _ask(
                "[a]ccept, accept with a [n]ote (a line) or in your [e]ditor, [s]kip, "
                "ne[v]er for them, " + last
            )
            if answer == "v" and len(item.people) > 1:
                # Never for whom: one of them, some, or everyone in it.
                whom = _ask_whom(item)
                if whom is None:
                    continue
                if len(whom) < len(item.people):
                    names, gone = capture.never(store, moment, item.id, whom)
                    dropped |= set(gone)
                    say(f"Never proposing {', '.join(one_line(p.name) for p in names)} again.")
                    if item.id in gone:
                        break
                    continue  # this proposal still has others: decide on it
            if answer in choices:
                break
        if item.id in dropped:
            continue
        if answer == "q":
            break
        if answer == "c":
            dropped |= _never_calendar(st, store, item, moment)
            continue
        if answer == "a":
            capture.accept(store, moment, [item.id])
            accepted += 1
        elif answer == "n":
            note = _ask("Note (one line): ", lower=False)
            capture.accept(store, moment, [item.id], note or None)
            accepted += 1
        elif answer == "e":
            from wintogether.cli.common import edit_note

            text, draft = edit_note(drafts, ", ".join(p.name for p in item.people))
            capture.accept(store, moment, [item.id], text)
            draft.unlink(missing_ok=True)
            accepted += 1
        elif answer == "s":
            capture.skip(store, moment, [item.id])
            skipped += 1
        else:
            names, gone = capture.never(store, moment, item.id)
            dropped |= set(gone)
            say(f"Never proposing {', '.join(one_line(p.name) for p in names)} again.")
    say(f"Accepted {accepted}, skipped {skipped}.")


def _never_calendar(st: State, store: Store, item: Proposal, moment: datetime) -> set[int]:
    """Stop reading the proposal's calendar; the ids of the proposals dropped."""
    from wintogether.domain import capture
    from wintogether.domain.settings import add_to_list
    from wintogether.paths import config_path
    from wintogether.text import one_line

    calendar = capture.calendar_of(item, st.config().capture)
    add_to_list(config_path(), "capture.ignore_calendars", str(calendar))
    dropped = capture.never_calendar(store, moment, calendar)
    say(
        f"Never proposing meetings from {one_line(str(calendar))} again ({len(dropped)} waiting"
        " dropped; see capture.ignore_calendars in `wt config show`)."
    )
    return set(dropped)


def _ask_whom(item: Proposal) -> list[int] | None:
    """The contact ids picked from a proposal's people (numbers, or [a]ll);
    None to go back."""
    from wintogether.text import one_line

    listed = ", ".join(f"[{i}] {one_line(p.name)}" for i, p in enumerate(item.people, 1))
    while True:
        answer = _ask(f"Never for whom: {listed}, [a]ll of them, or [b]ack? ")
        if answer in ("a", "all"):
            return [p.id for p in item.people]
        if answer in ("b", "q"):
            return None
        picked = answer.replace(",", " ").split()
        if picked and all(x.isdigit() and 1 <= int(x) <= len(item.people) for x in picked):
            return [item.people[int(x) - 1].id for x in picked]


def _ask(prompt: str, *, lower: bool = True) -> str:
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        return "q"
    return line.strip().lower() if lower else line.strip()


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(scan)
    app.command(rich_help_panel=PANEL)(review)
