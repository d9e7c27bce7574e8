"""Text for the trust commands: the doctor's report, undo and forget summaries."""

from __future__ import annotations

from wintogether.domain.safety import FAIL, WARN, Forgotten, Report, Undone
from wintogether.render.words import changed_rows
from wintogether.text import one_line

_MARK = {"ok": "ok  ", WARN: "WARN", FAIL: "FAIL"}


def doctor_lines(report: Report) -> list[str]:
    width = max(len(check.name) for check in report.checks)
    lines = [f"Database: {one_line(str(report.path))}"]
    for check in report.checks:
        lines.append(f"  {_MARK[check.status]}  {check.name:<{width}}  {one_line(check.detail)}")
    if report.healthy:
        warnings = sum(check.status == WARN for check in report.checks)
        lines.append("Healthy" + (f", with {warnings} warning(s)." if warnings else "."))
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
        f"Forget {name} (#{contact_id}) for good? This deletes them, {solo} conversation(s) "
        f"only with them, {promises} promise(s) and their history; {shared} shared "
        "conversation(s) stay without them. This cannot be undone."
    )


def forgotten_lines(result: Forgotten) -> list[str]:
    scope = result.scope
    lines = [
        one_line(
            f"Forgot #{scope.contact_id}: deleted {len(scope.solo_conversations)} conversation(s), "
            f"{scope.promises} promise(s), {scope.ledger} ledger entr(ies); "
            f"purged {result.journal_rows} history row(s)."
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
                f"Synced folder {', '.join(result.vdirs)}: removed {result.files_removed} of "
                f"their file(s), rewrote {result.files_rewritten} shared conversation(s) "
                "without them."
            )
        )
    for left in result.files_left:
        lines.append(one_line(f"Not changed: {left}; the next `wt sync` settles it."))
    if result.backups:
        lines.append(
            one_line(
                f"{len(result.backups)} older backup(s) in {result.backups[0].parent} still "
                "hold them; delete those files if they must go too."
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
