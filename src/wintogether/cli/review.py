"""Looking back: `history`, `search` and `summary`."""

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    ALL_ROWS,
    DISAGREE,
    TABLE_LIMIT,
    Format,
    FormatOption,
    JsonFlag,
    ListLimit,
    complete_contact,
    emit_rows,
    emit_table,
    now,
    output_format,
    say,
    say_last_year,
    shown_limit,
    state,
    write_out,
)
from wintogether.errors import UserError
from wintogether.paths import expand

if TYPE_CHECKING:
    from rich.console import RenderableType

PANEL = "Review"


def history(
    ctx: typer.Context,
    since: Annotated[
        str | None,
        typer.Option("--since", help="First day (default: 30 days before --until)."),
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="Last day (default: today).")] = None,
    contact: Annotated[
        str | None,
        typer.Option("--contact", help="Only this contact.", autocompletion=complete_contact),
    ] = None,
    tag: Annotated[str | None, typer.Option("--tag", help="Only contacts with this tag.")] = None,
    channel: Annotated[
        str | None, typer.Option("--channel", help="Only conversations on this channel.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Only one kind: conversation, promise, ledger, gave, got, win, job_change,"
            " sync_conflict, sync_deleted (archived after a deletion elsewhere), deal.",
        ),
    ] = None,
    limit: ListLimit = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
) -> None:
    """One timeline of everything, day by day: conversations, promises, ledger, wins, job changes.

    A table shows the newest entries of the stretch and counts the earlier
    ones; --limit 0 shows them all, as JSON and CSV do.

    Examples:

      wt history --since "last monday"

      wt history --contact dana --kind ledger --json
    """
    from wintogether.domain.history import history as build

    fmt_ = output_format(fmt, as_json)
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    moment = now()
    result = build(
        state(ctx).store(),
        moment,
        since=since,
        until=until,
        contact=contact,
        tag=tag,
        channel=channel,
        kind=kind,
        limit=top,
    )
    say_last_year(moment.date(), since, result.since)
    say_last_year(moment.date(), until, result.until)
    if fmt_ is not Format.table:
        # The column spec is for JSON and CSV: a table in a pipe does not import it.
        from wintogether.render.columns import HISTORY

        data = result.to_json() if fmt_ is Format.json else None
        if emit_rows(fmt_, HISTORY, result.entries, data=data):
            return
    if not result.entries:
        say("Nothing happened in that range.")
    else:

        def draw(plain: bool) -> "RenderableType":
            from wintogether.render.review import history_view

            return history_view(result, moment.date(), plain=plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import history

            return history(result, moment.date(), width)

        emit_table(ctx, draw, pipe=pipe)
        if result.earlier:
            say(f"… and {result.earlier} earlier: add --limit 0 to show them all.")


def search(
    ctx: typer.Context,
    query: Annotated[
        list[str] | None,
        typer.Argument(help="Words to find; all must match. word* matches a prefix."),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Show at most N results.")] = 20,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Search names, companies, notes, promises and the ledger, best match first.

    Anything you type is searched for as words: punctuation such as AT&T or
    O'Neil is fine. No match exits 0 with "No matches" on stderr; an empty query
    exits 1.

    Examples:

      wt search soc2

      wt search "AT&T renewal" --json
    """
    from wintogether.domain.search import search as find

    fmt_ = output_format(fmt, as_json)
    text = " ".join(query or [])
    results = find(state(ctx).store(), text, min(limit, ALL_ROWS))
    from wintogether.render.columns import SEARCH

    if emit_rows(fmt_, SEARCH, results):
        return
    if not results:
        say("No matches.")
    else:

        def build(plain: bool) -> "RenderableType":
            from wintogether.render.review import search_view

            return search_view(results, plain=plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import search_table

            return search_table(results, width)

        emit_table(ctx, build, pipe=pipe)


class SummaryFormat(enum.StrEnum):
    table = "table"
    md = "md"
    json = "json"
    csv = "csv"
    html = "html"


_SUFFIXES = {".md": "md", ".markdown": "md", ".json": "json", ".csv": "csv", ".html": "html"}


def summary(
    ctx: typer.Context,
    week: Annotated[bool, typer.Option("--week", help="This week so far (the default).")] = False,
    last_week: Annotated[bool, typer.Option("--last-week", help="Last week.")] = False,
    month: Annotated[bool, typer.Option("--month", help="This month so far.")] = False,
    since: Annotated[str | None, typer.Option("--since", help="First day of the period.")] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="Last day of the period (default: today).")
    ] = None,
    fmt: Annotated[
        SummaryFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (the terminal view), md, json, csv (one row per conversation) or html."
            " Default: table, or from the -o file's extension.",
        ),
    ] = None,
    as_json: JsonFlag = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
) -> None:
    """What the week brought: conversations, promises kept, value exchanged, what is next.

    Weeks start on Monday unless `[summary] week_start` says otherwise.

    Examples:

      wt summary

      wt summary --last-week --format md -o week.md

      wt summary --since 2026-11-01 --until 2026-11-15 --format json
    """
    from wintogether.domain import summary as summaries

    st = state(ctx)
    moment = now()
    config = st.config()
    span = summaries.period(
        moment, config, week=week, last_week=last_week, month=month, since=since, until=until
    )
    say_last_year(moment.date(), since, span.first)
    say_last_year(moment.date(), until, span.last)
    if as_json:
        if fmt not in (None, SummaryFormat.json):
            raise UserError(DISAGREE)
        fmt = SummaryFormat.json
    chosen = fmt.value if fmt and fmt is not SummaryFormat.table else None
    if fmt is SummaryFormat.table and output is not None:
        raise UserError(
            "--format table is the terminal view; -o writes md, json, csv or html.",
            hint="Give one of those, or name the file .md, .json, .csv or .html.",
        )
    if chosen is None and output is not None:
        chosen = _SUFFIXES.get(output.suffix.lower(), "md")
    if output is not None:
        # Check the target before the work, so a refusal costs nothing.
        from wintogether.files import check_target

        check_target(expand(output, "--output"), database=st.db_path, overwrite=force)
    result = summaries.summarise(
        st.store(),
        config,
        moment,
        span,
        with_rows=chosen == "csv",
        # A table lists only the busiest people reached; the other formats all.
        people_shown=summaries.PEOPLE_IN_TABLE if chosen is None else None,
        one_sided_shown=summaries.ONE_SIDED_IN_TABLE if chosen is None else None,
        # A table lists the broken promises; the others list those kept late too.
        late_listed=chosen is not None,
        next_shown=summaries.NEXT_WEEK_IN_TABLE if chosen is None else None,
    )
    if chosen is None:

        def build(is_plain: bool) -> "RenderableType":
            from wintogether.render.review import summary_view

            return summary_view(result, plain=is_plain)

        def pipe(width: int) -> list[str] | None:
            from wintogether.render.plain_views import summary as plain_summary

            return plain_summary(result, width)

        emit_table(ctx, build, pipe=pipe)
        return
    text = _render(result, chosen)
    if output is None:
        write_out(text)
        return
    from wintogether.files import atomic_write

    written = atomic_write(expand(output, "--output"), text, database=st.db_path, overwrite=force)
    from wintogether.dates import format_day

    say(f"Wrote the summary for {format_day(span.first)} to {format_day(span.last)} to {written}")


def _render(result: object, chosen: str) -> str:
    from wintogether.domain.summary import Summary

    assert isinstance(result, Summary)
    if chosen == "md":
        from wintogether.render import summary_md

        return summary_md.render(result)
    if chosen == "html":
        from wintogether.render import summary_html

        return summary_html.render(result)
    if chosen == "csv":
        from wintogether.render import summary_csv

        return summary_csv.render(result)
    from wintogether.render import summary_json

    return summary_json.render(result)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(history)
    app.command(rich_help_panel=PANEL)(search)
    app.command(rich_help_panel=PANEL)(summary)
