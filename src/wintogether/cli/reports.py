"""Review commands: the morning dashboard and the slipping list."""

from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    Format,
    FormatOption,
    JsonFlag,
    NestedFormatOption,
    PlainFlag,
    emit_json_text,
    emit_json_texts,
    emit_rows,
    emit_table,
    limit_option,
    now,
    output_format,
    say,
    shown_limit,
    state,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

PANEL = "Review"
#: Rows a table shows by default: a screenful, whatever the size of the database.
TABLE_LIMIT = 25


def today(
    ctx: typer.Context,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Today's dashboard: what is due, who is slipping, whose birthday is near.

    Promises overdue and due today (mine and theirs), relationships past their
    rhythm ranked with the reason, birthdays in the next 7 days. `wt` alone
    shows this too.

    Examples:

      wt

      wt today --json | jq '.overdue | length'
    """
    from wintogether.domain.today import dashboard

    st = state(ctx)
    fmt_ = output_format(
        fmt,
        as_json,
        no_csv="today",
        hint="Use --format json, or `wt followups --format csv` for the promises.",
    )
    shown: int | None = None
    if fmt_ is not Format.json:
        # A table lists the first promises of each section and counts the
        # rest (both writers import render/plain.py); JSON lists them all.
        from wintogether.render.plain import DASHBOARD_ROWS

        shown = DASHBOARD_ROWS
    board = dashboard(st.store(), st.config(), now(), promises_shown=shown)
    if fmt_ is Format.json:
        from wintogether.render import words

        emit_json_text(board.json_text(words))
        return

    def build(is_plain: bool) -> "RenderableType":
        from wintogether.render.today import dashboard_view

        return dashboard_view(board, plain=is_plain)

    def pipe(width: int) -> list[str]:
        from wintogether.render import plain as text

        return text.dashboard(board, width)

    emit_table(ctx, build, plain=plain, pipe=pipe)


def neglected(
    ctx: typer.Context,
    limit: Annotated[int | None, limit_option(TABLE_LIMIT)] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only contacts with this tag.")] = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Relationships past their rhythm, most slipping first, each with the reason.

    Examples:

      wt neglected --limit 5

      wt neglected --tag customers --format csv

      wt neglected --json | jq -r '.[] | "\\(.contact.name): \\(.reason)"'
    """
    st = state(ctx)
    fmt_ = output_format(fmt, as_json)
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    if fmt_ is Format.json:
        # The same bytes as the column spec's records through emit_json, from
        # the bare figures: no record per row, no pure-Python indenting encoder.
        from wintogether.domain.today import neglected_json

        emit_json_texts(neglected_json(st.store(), st.config(), now(), limit=top, tag=tag))
        return
    from wintogether.domain.today import neglected as slipping

    rows, total = slipping(st.store(), st.config(), now(), limit=top, tag=tag)
    from wintogether.render.columns import SLIPPING

    if emit_rows(fmt_, SLIPPING, rows):
        return
    if not rows:
        say("Nobody is slipping: every relationship is within its rhythm.")
    else:

        def build(is_plain: bool) -> "RenderableType":
            from wintogether.render.today import attention_table

            return attention_table(rows, plain=is_plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import attention_table

            return attention_table(rows, width)

        emit_table(ctx, build, plain=plain, pipe=pipe)
        if total > len(rows):
            say(f"… and {total - len(rows)} more slipping: `wt neglected --limit 0` shows all.")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(today)
    app.command(rich_help_panel=PANEL)(neglected)
