"""Text for the trust commands: the doctor's report, undo and forget summaries."""

from __future__ import annotations

from wintogether.domain.safety import FAIL, WARN, Forgotten, Report, Undone
from wintogether.render.words import changed_rows
from wintogether.text import counted, one_line

_MARK = {"ok": "ok  ", WARN: "WARN", FAIL: "FAIL"}


def doctor_lines(report: Report) -> list[str]:
    width = max(len(check.name) for check in report.checks)
    lines = [f"Database: {one_line(str(report.path))}"]
    for check in report.checks:
        lines.append(f"  {_MARK[check.status]}  {check.name:<{width}}  {one_line(check.detail)}")
    if report.healthy:
        warnings = sum(check.status == WARN for check in report.checks)
        lines.append("Healthy" + (f", with {counted(warnings, 'warning')}." if warnings else "."))
    else:
        lines.append(
            "Not healthy. With no wt command running, keep a copy of the damaged file, then "
            "restore the newest good backup (see docs/your-data.md)."
        )
    return lines


def undone_line(result: Undone) -> str:
    from wintogether.clock import from_utc_iso, now
    from wintogether.dates import format_moment

    command = result.command
    verb = "Would undo" if result.dry_run else "Undid"
    try:
        when = format_moment(from_utc_iso(command.at), now().date())
    except (ValueError, OverflowError):
        when = command.at
    return one_line(f"{verb} `wt {command.summary}` from {when} ({changed_rows(command.tables)}).")


def forget_question(name: str, contact_id: int, solo: int, shared: int, promises: int) -> str:
    return one_line(
        f"Forget {name} (#{contact_id}) for good? This deletes them, "
        f"{counted(solo, 'conversation')} only with them, {counted(promises, 'promise')} and"
        f" their history; {counted(shared, 'shared conversation')}"
        f" {'stays' if shared == 1 else 'stay'} without them. This cannot be undone."
    )


def forgotten_lines(result: Forgotten) -> list[str]:
    scope = result.scope
    lines = [
        one_line(
            f"Forgot #{scope.contact_id}: deleted"
            f" {counted(len(scope.solo_conversations), 'conversation')},"
            f" {counted(scope.promises, 'promise')},"
            f" {counted(scope.ledger, 'ledger entry', 'ledger entries')};"
            f" purged {counted(result.journal_rows, 'history row')}."
        )
    ]
    if not result.compacted:
        lines.append(
            "Another wt command was using the database, so the file was not compacted yet; "
            "run `wt doctor --compact` to finish removing their text from it."
        )
    if result.vdirs:
        lines.append(
            one_line(
                f"Synced folder {', '.join(result.vdirs)}: removed"
                f" {counted(result.files_removed, 'file')} of theirs, rewrote"
                f" {counted(result.files_rewritten, 'shared conversation')} without them."
            )
        )
    for left in result.files_left:
        lines.append(one_line(f"Not changed: {left}; the next `wt sync` settles it."))
    if result.backups:
        lines.append(
            one_line(
                f"{counted(len(result.backups), 'older backup')} in {result.backups[0].parent}"
                f" still {'holds' if len(result.backups) == 1 else 'hold'} them; delete"
                f" {'that file' if len(result.backups) == 1 else 'those files'} if they must go"
                " too."
            )
        )
    lines.append(
        "Out of reach from here: copies of this database elsewhere, and other devices or "
        "servers until they sync (then they drop them too)."
        if result.vdirs
        else "Out of reach from here: copies of this database elsewhere (older backups you "
        "moved, other computers)."
    )
    return lines
