"""`wt demo`: a separate database with a few weeks of a seller's life."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wintogether.cli.common import now, say, state, write_out

PANEL = "Data"


def demo_path() -> Path:
    from wintogether.paths import default_db_path

    return default_db_path().with_name("demo.db")


def demo(
    ctx: typer.Context,
    reset: Annotated[
        bool, typer.Option("--reset", help="Throw the demo away and rebuild it.")
    ] = False,
    path_only: Annotated[
        bool,
        typer.Option("--path", help="Only print the demo database's path (building it if needed)."),
    ] = False,
) -> None:
    """Try wintogether on made-up data, never your own.

    Fills a separate demo database (its path is printed) with a few weeks of a
    seller's life, dated relative to today, then shows the dashboard. Explore it
    with `--db`, e.g. `wt --db <path> show dana`.

    Examples:

      wt demo

      wt demo --reset

      export WINTOGETHER_DB="$(wt demo --path)"
    """
    from wintogether.domain import demo as demo_data

    path = demo_path()
    fresh = demo_data.prepare(path, now(), reset=reset)
    if path_only:
        write_out(f"{path}\n")
        return
    say(("Built" if fresh else "Using") + f" the demo database at {path}")
    say(f"Explore it: wt --db {path} show dana   (or export WINTOGETHER_DB={path})")
    st = state(ctx)
    st.close()
    st.db_option = path
    from wintogether.cli.reports import today

    ctx.invoke(today, ctx=ctx)


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(demo)
