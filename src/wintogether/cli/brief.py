"""Before a meeting and through the day: `brief` and `remind`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer

from wintogether.cli.common import (
    JsonFlag,
    PlainFlag,
    complete_contact,
    emit_json,
    emit_table,
    now,
    say,
    state,
    write_out,
)
from wintogether.errors import InvalidValue, UserError

PANEL = "Review"


class BriefFormat(enum.StrEnum):
    table = "table"
    md = "md"
    json = "json"


def brief(
    ctx: typer.Context,
    contacts: Annotated[
        list[str] | None,
        typer.Argument(
            help="People to brief on (id, name, email or a unique part of a name); "
            "without any, the next meeting's.",
            show_default=False,
            autocompletion=complete_contact,
        ),
    ] = None,
    today: Annotated[
        bool, typer.Option("--today", help="Every meeting of today, each with its people.")
    ] = False,
    fmt: Annotated[
        BriefFormat | None,
        typer.Option("--format", "-f", help="table (default), md (to paste into notes) or json."),
    ] = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Before a meeting: one screen per person in it.

    Role and company, how you met and who introduced you, the last three
    conversations, open promises both ways, how each side kept its word, the
    12-month balance and what to give first, a job change, a birthday near,
    and days since you last talked against the rhythm. Meetings come from the
    calendars `wt scan` reads ([capture] calendars, see docs/briefs.md).

    Examples:

      wt brief

      wt brief dana marcus --format md >> notes.md

      wt brief --today --json | jq -r '.meetings[].people[].headline'
    """
    from wintogether.domain.brief import brief as build

    if as_json and fmt not in (None, BriefFormat.json):
        raise InvalidValue("--json and --format disagree; give one of them.")
    fmt_ = BriefFormat.json if as_json else (fmt or BriefFormat.table)
    if contacts and today:
        raise InvalidValue("Give people or --today, not both.")
    st = state(ctx)
    result = build(st.store(), st.config(), now(), contacts=contacts or None, today=today)
    if fmt_ is BriefFormat.json:
        from wintogether.render import words

        emit_json(result.to_json(words))
        return
    if fmt_ is BriefFormat.md:
        from wintogether.render.brief import render_md

        write_out(render_md(result))
        return
    from wintogether.render.brief import brief_view

    emit_table(ctx, lambda is_plain: brief_view(result, plain=is_plain), plain=plain)


def _systemd_running() -> bool:
    """Whether this machine runs systemd (its own test: /run/systemd/system is there)."""
    import shutil
    from pathlib import Path

    return shutil.which("systemctl") is not None and Path("/run/systemd/system").is_dir()


def _unit_folder() -> Path:
    from platformdirs import user_config_path

    return user_config_path() / "systemd" / "user"


def _wt_command(ctx: typer.Context) -> list[str]:
    """How the timer runs this program: this Python, this package, this database."""
    import sys

    st = state(ctx)
    command = [sys.executable, "-m", "wintogether"]
    if st.explicit:
        command += ["--db", str(st.db_path.resolve())]
    return command


def _wt_environment() -> dict[str, str]:
    """What the timer must be told that it would not find by itself: the settings
    file, when $WINTOGETHER_CONFIG names one (a timer does not see the shell's)."""
    import os

    from wintogether.paths import config_path

    if not os.environ.get("WINTOGETHER_CONFIG"):
        return {}
    return {"WINTOGETHER_CONFIG": str(config_path().resolve())}


def _systemctl(*args: str) -> str | None:
    """Run ``systemctl --user ARGS``; the error in one line, or None when it worked."""
    import subprocess

    try:
        done = subprocess.run(
            ["systemctl", "--user", *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return str(exc)
    if done.returncode == 0:
        return None
    lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[0] if lines else f"exit code {done.returncode}"


def _install(ctx: typer.Context, *, dry_run: bool) -> None:
    import os

    from wintogether.domain import reminders

    command = _wt_command(ctx)
    environment = _wt_environment()
    scan_first = bool(state(ctx).config().capture.calendars)
    if not _systemd_running():
        line = reminders.crontab_line(
            command, scan_first=scan_first, uid=os.getuid(), environment=environment
        )
        say("This machine does not run systemd: add this line with `crontab -e`")
        say("(wintogether never edits a crontab itself):")
        write_out(line + "\n")
        return
    folder = _unit_folder()
    files = reminders.unit_files(folder)
    if dry_run:
        service = reminders.service_unit(command, scan_first=scan_first, environment=environment)
        write_out(f"# {files.service}\n{service}")
        write_out(f"\n# {files.timer}\n{reminders.timer_unit()}")
        say("(dry run: nothing written)")
        return
    reminders.install(folder, command, scan_first=scan_first, environment=environment)
    say(f"Wrote {files.service} and {files.timer}.")
    enable = ("enable", "--now", f"{reminders.UNIT_NAME}.timer")
    failed = _systemctl("daemon-reload") or _systemctl(*enable)
    if failed:
        say(f"systemctl could not start the timer: {failed}")
        say(
            "Start it yourself: systemctl --user daemon-reload &&"
            f" systemctl --user {' '.join(enable)}"
        )
        return
    say(
        f"Reminders run on weekday mornings at 8:00 and every half hour until 18:30"
        f" ({reminders.ON_CALENDAR}). `wt remind --uninstall` stops them."
    )


def _uninstall(ctx: typer.Context, *, dry_run: bool) -> None:
    from wintogether.domain import reminders

    if not _systemd_running():
        say("This machine does not run systemd: remove the `wt remind` line with `crontab -e`.")
        return
    folder = _unit_folder()
    files = reminders.unit_files(folder)
    if dry_run:
        say(f"Would stop the timer and remove {files.service} and {files.timer} (dry run).")
        return
    _systemctl("disable", "--now", f"{reminders.UNIT_NAME}.timer")
    removed = reminders.uninstall(folder)
    _systemctl("daemon-reload")
    if removed:
        say("Removed " + " and ".join(str(p) for p in removed) + ".")
    else:
        say(f"No reminder timer was installed in {folder}.")


def remind(
    ctx: typer.Context,
    to_print: Annotated[
        bool, typer.Option("--print", help="Print the reminders instead of notifying.")
    ] = False,
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="Show what would be sent; send and remember nothing."),
    ] = False,
    no_fallback: Annotated[
        bool,
        typer.Option(
            "--no-fallback", help="Fail when no desktop notifier works, instead of printing."
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="The reminders due as JSON; sends nothing.")
    ] = False,
    install: Annotated[
        bool,
        typer.Option(
            "--install",
            help="Write a systemd user timer running `wt remind` on weekday mornings and every "
            "half hour in working hours (or print the crontab line where systemd is absent).",
        ),
    ] = False,
    uninstall: Annotated[
        bool, typer.Option("--uninstall", help="Stop and remove the timer.")
    ] = False,
    quiet: Annotated[
        bool,
        typer.Option(
            "--quiet",
            "-q",
            help="Say nothing when nothing needs you (cron mails whatever a job says).",
        ),
    ] = False,
) -> None:
    """What needs you now, as desktop notifications, each once a day.

    Promises due today or overdue (yours and theirs), birthdays today, meetings
    starting within the hour with each person's first line, and once a week the
    most slipping relationships. Sent with notify-send where it is installed
    (osascript on macOS), printed otherwise. See docs/briefs.md.

    Examples:

      wt remind --dry-run

      wt remind --print

      wt remind --install
    """
    if install and uninstall:
        raise InvalidValue("Give --install or --uninstall, not both.")
    if install:
        _install(ctx, dry_run=dry_run)
        return
    if uninstall:
        _uninstall(ctx, dry_run=dry_run)
        return
    from wintogether.domain import reminders
    from wintogether.render.remind import notifications, printed

    st = state(ctx)
    moment = now()
    due = reminders.due(st.store(), st.config(), moment)
    if as_json:
        from wintogether.render import words

        emit_json(due.to_json(words))
        return
    items = notifications(due)
    if not items:
        if quiet:
            return
        say(
            "Nothing needs you now."
            + (f" ({due.already_sent} reminded already today.)" if due.already_sent else "")
        )
        return
    if dry_run:
        write_out(printed(items))
        say(f"(dry run: {len(items)} notification{'s' if len(items) != 1 else ''} not sent)")
        return
    from wintogether.cli import notify

    notifier = None if to_print else notify.find_notifier()
    if notifier is None and not to_print and no_fallback:
        raise UserError(
            "No desktop notifier: notify-send is not installed.",
            hint="Install it (Debian and Ubuntu: apt install libnotify-bin; macOS uses osascript), "
            "or leave out --no-fallback to print the reminders.",
        )
    sent: list[str] = []
    unsent = []
    for item in items:
        if notifier is not None:
            try:
                notifier.send(item.title, item.body, urgent=item.urgent)
                sent += item.keys
                continue
            except notify.NotifyFailed as exc:
                if no_fallback:
                    reminders.mark_sent(st.store(), sent, moment)
                    raise UserError(
                        f"{notifier.name} could not show a notification: {exc}",
                        hint="Leave out --no-fallback to print the reminders instead.",
                    ) from exc
                notifier = None
        unsent.append(item)
    if unsent:
        write_out(printed(unsent))
        sent += [k for item in unsent for k in item.keys]
    reminders.mark_sent(st.store(), sent, moment)
    if not to_print and unsent:
        say("(no desktop notifier worked: printed instead)")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(brief)
    app.command(rich_help_panel=PANEL)(remind)
