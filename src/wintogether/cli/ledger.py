"""The win-together ledger: `gave`, `got`, `win` and `balance`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    TABLE_LIMIT,
    ContactArg,
    Format,
    FormatOption,
    JsonFlag,
    ListLimit,
    ResultJsonFlag,
    complete_contact,
    emit_json,
    emit_rows,
    emit_table,
    now,
    output_format,
    say,
    shown_limit,
    state,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

PANEL = "Ledger"

Kind = Annotated[
    str,
    typer.Option(
        "--kind",
        "-k",
        help="intro, referral, advice, favour, gift, deal or other.",
    ),
]
At = Annotated[
    str | None,
    typer.Option(
        "--at", help="When: 'yesterday', 'mon', 2026-12-04. [default: now]", show_default=False
    ),
]
To = Annotated[
    str | None,
    typer.Option(
        "--to",
        help="For an intro: the other person (a contact); it shows on their timeline too.",
        autocompletion=complete_contact,
    ),
]
What = Annotated[str, typer.Argument(help="What it was.", show_default=False)]


def _record(
    ctx: typer.Context,
    direction: str,
    contact: str,
    text: str,
    kind: str,
    at: str | None,
    to: str | None,
    as_json: bool,
) -> None:
    from wintogether.dates import format_day
    from wintogether.domain import ledger

    moment = now()
    entry = ledger.record(
        state(ctx).store(),
        moment,
        direction=direction,
        contact=contact,
        text=text,
        kind=kind,
        at=at,
        to=to,
    )
    if as_json:
        emit_json(entry.to_json())
        return
    verb = "Gave" if direction == "gave" else "Got from"
    message = f"{verb} {entry.contact.name}: {entry.kind}"
    if entry.to_contact:
        message += f" (to {entry.to_contact.name})"
    if at is not None:
        message += f" on {format_day(entry.happened_at.date(), moment.date())}"
    say(f"{message} (#{entry.id})")
    if entry.kind == "intro" and direction == "got" and entry.to_contact:
        from wintogether.domain.referrals import introducer

        kept = introducer(state(ctx).store(), entry.to_contact.id)
        if kept is not None and kept.id != entry.contact.id:
            # The first introduction known stays who brought them. By id in
            # the command: two people may share a name.
            say(
                f"Note: {entry.to_contact.name} stays introduced by {kept.name}"
                f" (`wt edit {entry.to_contact.id} --introduced-by {entry.contact.id}`"
                " changes it)."
            )


def gave(
    ctx: typer.Context,
    contact: ContactArg,
    text: What,
    kind: Kind = "other",
    at: At = None,
    to: To = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Record value you gave: an intro, a referral, advice, a favour…

    Examples:

      wt gave dana "Intro to Marcus for their EMEA rollout" --kind intro --to marcus

      wt gave marcus "Sent the pricing benchmark" --kind advice --at yesterday
    """
    _record(ctx, "gave", contact, text, kind, at, to, as_json)


def got(
    ctx: typer.Context,
    contact: ContactArg,
    text: What,
    kind: Kind = "other",
    at: At = None,
    to: To = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Record value you received from someone.

    Examples:

      wt got dana "Referred me to Initech's CFO" --kind referral

      wt got marcus "Reviewed my proposal" --kind advice
    """
    _record(ctx, "got", contact, text, kind, at, to, as_json)


def win(
    ctx: typer.Context,
    contact: ContactArg,
    theirs: Annotated[str, typer.Argument(help="What they gained.", show_default=False)],
    mine: Annotated[str, typer.Option("--mine", help="What I gained.", show_default=False)],
    at: At = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Record an outcome where both sides won.

    Example:

      wt win dana "Cut onboarding time by half" --mine "Three-year renewal signed"
    """
    from wintogether.domain import ledger

    result = ledger.win(state(ctx).store(), now(), contact=contact, theirs=theirs, mine=mine, at=at)
    if as_json:
        emit_json(result.to_json())
        return
    say(f"Win with {result.contact.name} recorded (#{result.id})")


def balance(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Argument(
            help="One contact; without it, everyone with ledger entries.",
            autocompletion=complete_contact,
            show_default=False,
        ),
    ] = None,
    limit: ListLimit = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
) -> None:
    """The reciprocity view: given and received over the last 12 months.

    Relationships where you have only received (or only given) for longer than
    `[health] one_sided_after` (90 days) are flagged one-sided, with a suggestion.

    Examples:

      wt balance

      wt balance dana --json
    """
    from wintogether.domain import ledger

    st = state(ctx)
    fmt_ = output_format(fmt, as_json)
    moment = now()
    # A table shows a screenful: drawing every contact's row takes Rich seconds.
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    view, total = ledger.balance_page(st.store(), st.config(), moment, contact, top)
    from wintogether.render import words
    from wintogether.render.columns import BALANCES

    data = view.to_json(words) if fmt_ is Format.json else None
    if emit_rows(fmt_, BALANCES, view.rows, data=data):
        return
    if not view.rows or (contact is not None and not view.entries and not view.wins):
        say("Nothing given or received in the last 12 months. `wt gave` and `wt got` record it.")
    else:
        shown = view

        def build(plain: bool) -> RenderableType:
            from wintogether.render.ledger import balance_view

            return balance_view(shown, moment.date(), plain=plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import balance

            return balance(shown, moment.date(), width)

        emit_table(ctx, build, pipe=pipe)
        if total > len(view.rows):
            say(f"… and {total - len(view.rows)} more: `wt balance --limit 0` shows all.")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(gave)
    app.command(rich_help_panel=PANEL)(got)
    app.command(rich_help_panel=PANEL)(win)
    app.command(rich_help_panel=PANEL)(balance)
