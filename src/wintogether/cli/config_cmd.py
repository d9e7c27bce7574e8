"""`wt config`: see, locate, edit and change the configuration file."""

from __future__ import annotations

from typing import Annotated

import typer

from wintogether.cli.common import (
    FormatOption,
    JsonFlag,
    editor_command,
    emit_rows,
    output_format,
    say,
    state,
    write_out,
)

PANEL = "Data"

config_app = typer.Typer(
    help="See and change the settings (a TOML file with comments).",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@config_app.command("show")
def show(fmt: FormatOption = None, as_json: JsonFlag = False) -> None:
    """Print the settings in effect, defaults included, and where each comes from.

    Examples:

      wt config show

      wt config show --json | jq -r '.[] | select(.source == "file") | .key'
    """
    from wintogether.domain.settings import effective
    from wintogether.paths import config_path
    from wintogether.render.columns import SETTINGS

    fmt_ = output_format(fmt, as_json)
    path = config_path()
    rows = effective(path)
    if emit_rows(fmt_, SETTINGS, rows):
        return
    from wintogether.text import one_line

    # Keys (tag names) and values (a folder) come from the file: shown escaped.
    shown = [(one_line(row.key), one_line(str(row.value)), row.source) for row in rows]
    width = max(len(key) for key, _, _ in shown)
    values = max(len(value) for _, value, _ in shown)
    origin_file = f"(from {one_line(str(path))})"
    for key, value, source in shown:
        origin = origin_file if source == "file" else "(default)"
        print(f"{key:<{width}}  {value:<{values}}  {origin}")
    if not path.exists():
        say(f"No config file at {path}: these are the defaults. `wt config edit` creates one.")


@config_app.command("path")
def path_() -> None:
    """Print the path of the configuration file (it may not exist yet).

    Example:

      cat "$(wt config path)"
    """
    from wintogether.paths import config_path

    write_out(f"{config_path()}\n")


def _stop_undo_here(ctx: typer.Context, label: str, name: str) -> None:
    """Settings cannot be undone: note the change in the database's journal, when
    there is a database, so that `wt undo` stops here instead of reverting an
    older command."""
    import contextlib
    import sqlite3

    from wintogether.domain.safety import not_undoable
    from wintogether.errors import WintogetherError

    st = state(ctx)
    if not st.db_path.exists():
        return
    # The setting is saved either way; a database that cannot be opened has
    # nothing to undo.
    with contextlib.suppress(WintogetherError, sqlite3.Error):
        not_undoable(st.store(), label, name)


@config_app.command("edit")
def edit(ctx: typer.Context) -> None:
    """Open the configuration file in your editor, then check it.

    The editor is $VISUAL, else $EDITOR, else sensible-editor or nano where
    installed, else vi.

    A missing file is first created from a commented template (readable only by you).

    Example:

      EDITOR=nano wt config edit
    """
    import shlex
    import subprocess

    from wintogether.config import load
    from wintogether.domain.settings import create_template
    from wintogether.errors import UserError
    from wintogether.paths import config_path

    path = config_path()
    if create_template(path):
        say(f"Created {path} from the template.")
    editor = editor_command()
    try:
        result = subprocess.run([*shlex.split(editor), str(path)], check=False)
    except OSError as exc:
        raise UserError(
            f"Could not start the editor '{editor}': {exc.strerror}.",
            hint="Set $EDITOR, or use `wt config set KEY VALUE`.",
        ) from exc
    if result.returncode != 0:
        raise UserError(f"The editor exited with status {result.returncode}.")
    load(path)  # a mistake is reported with the key and the file
    _stop_undo_here(ctx, "config edit", "config edit")
    say(f"Checked {path}: the settings are valid.")


@config_app.command("set")
def set_(
    ctx: typer.Context,
    key: Annotated[
        str,
        typer.Argument(
            help="cadence.default, cadence.tags.<tag>, summary.week_start, "
            "health.one_sided_after, backup.keep, log.channel, display.date_format, "
            "input.date_order, sync.vdir, sync.reminders or sync.reminder_time.",
            show_default=False,
        ),
    ],
    value: Annotated[str, typer.Argument(help="The new value.", show_default=False)],
) -> None:
    """Change one setting; the value is checked and the file's comments are kept.

    Examples:

      wt config set cadence.tags.customers monthly

      wt config set log.channel call

      wt config set display.date_format iso
    """
    from wintogether.domain.settings import set_value
    from wintogether.paths import config_path

    path = config_path()
    set_value(path, key, value)
    _stop_undo_here(ctx, f"config set {key} {value}", "config set")
    say(f"Set {key} = {value} in {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(config_app, name="config", rich_help_panel=PANEL)
