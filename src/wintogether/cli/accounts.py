"""Commands for accounts: company, companies."""

from __future__ import annotations

from typing import Annotated

import typer

from wintogether.cli.common import (
    JsonFlag,
    emit_json,
    now,
    say,
    state,
)

PANEL = "Accounts"


def company(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            help="A company (its name, an alias or part of the name); or `merge KEEP OTHER`.",
            metavar="NAME | merge KEEP OTHER",
            show_default=False,
        ),
    ] = None,
    as_json: JsonFlag = False,
) -> None:
    """One account: who you know there and how each relationship stands.

    `wt company merge KEEP OTHER` says two names are one company: OTHER's name
    becomes an alias of KEEP, its people move over, and an import that shows one
    name where the other was is no longer a job change.

    Examples:

      wt company merge "Northwind Traders" Northwind
    """
    from wintogether.domain import companies

    typed = list(words or [])
    if not typed:
        raise typer.BadParameter("Name a company, or `merge KEEP OTHER`.", param_hint="NAME")
    if typed[0] == "merge":
        if len(typed) != 3:
            raise typer.BadParameter(
                "`wt company merge KEEP OTHER` takes two companies (quote names with spaces).",
                param_hint="NAME",
            )
        result = companies.merge(state(ctx).store(), typed[1], typed[2], now())
        if as_json:
            emit_json(result.to_json())
            return
        people = result.people_moved
        say(
            f"{result.other.name} is now a name of {result.keep.name}"
            f" ({people} {'person' if people == 1 else 'people'} moved)."
        )
        return
    raise typer.BadParameter("Only `wt company merge KEEP OTHER` for now.", param_hint="NAME")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(company)
