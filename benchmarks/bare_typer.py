"""The framework's floor: a bare Typer 0.28 app shaped like `wt log`, doing nothing.

Same structure as `wt` (a group with the global options and a ``log``
subcommand) and the same parameters as ``wt log``, so the difference between
this and ``wt log`` is exactly what wintogether itself costs: its imports,
opening the database and writing the row.

    python benchmarks/bare_typer.py --db x.db log "Dana Reyes" "note"
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(name="wt", no_args_is_help=False, pretty_exceptions_enable=False)


@app.callback()
def root(
    db: Annotated[Path | None, typer.Option("--db", help="Database file.")] = None,
    plain: Annotated[bool, typer.Option("--plain", help="Plain text.")] = False,
) -> None:
    """Does nothing."""


@app.command()
def log(
    contact: Annotated[str, typer.Argument(help="Who.")],
    note: Annotated[str | None, typer.Argument(help="What was said.")] = None,
    with_: Annotated[list[str] | None, typer.Option("--with", "-w", help="Others.")] = None,
    channel: Annotated[str | None, typer.Option("--channel", "-c", help="Channel.")] = None,
    at: Annotated[str | None, typer.Option("--at", help="When.")] = None,
    follow_up: Annotated[str | None, typer.Option("--follow-up", "-F", help="Due.")] = None,
    about: Annotated[str | None, typer.Option("--about", help="What.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON.")] = False,
) -> None:
    """Does nothing."""


if __name__ == "__main__":
    app(prog_name="wt")
