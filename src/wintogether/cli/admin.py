"""Data commands: create the database, say where it is."""

from __future__ import annotations

import typer

from wintogether.cli.common import say, state, write_out

PANEL = "Data"

db_app = typer.Typer(
    help="About the database file.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def init(ctx: typer.Context) -> None:
    """Create a database (at --db, $WINTOGETHER_DB or the default place).

    Examples:

      wt init

      wt --db ~/work/clients.db init
    """
    st = state(ctx)
    path = st.db_path
    existed = path.exists()
    st.store(create=True)
    say(f"Database already exists at {path}" if existed else f"Created {path}")


@db_app.command("path")
def db_path(ctx: typer.Context) -> None:
    """Print the path of the database in use.

    Example:

      sqlite-utils tables "$(wt db path)"
    """
    write_out(f"{state(ctx).db_path}\n")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(init)
    app.add_typer(db_app, name="db", rich_help_panel=PANEL)
