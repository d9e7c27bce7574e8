"""`wt remind`: what needs the seller now, as notifications sent once; the timer.

The demo database at the suite's fixed clock (Saturday 28 November 2026, 10:00
UTC) has four overdue promises, slipping relationships, and a meeting at 15:00
with Dana Reyes and Marcus O'Neil.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import Invoke, WrittenOnce, write_config
from wintogether.cli import brief as brief_cli
from wintogether.cli import notify


@dataclass
class FakeNotifier:
    name: str = "fake"
    sent: list[tuple[str, str, bool]] = field(default_factory=list)
    fail: bool = False

    def send(self, title: str, body: str, *, urgent: bool = False) -> None:
        if self.fail:
            raise notify.NotifyFailed("no session bus")
        self.sent.append((title, body, urgent))


@pytest.fixture
def notifier(monkeypatch: pytest.MonkeyPatch) -> FakeNotifier:
    fake = FakeNotifier()
    monkeypatch.setattr(notify, "find_notifier", lambda: fake)
    return fake


@pytest.fixture
def demo(wt: Invoke, written_once: WrittenOnce) -> list[str]:
    """`wt demo`'s database: built by the first test, copied for the others."""
    path = written_once("wt demo", lambda: Path(wt("demo", "--path").stdout.strip()))
    return ["--db", str(path)]


def titles(fake: FakeNotifier) -> list[str]:
    return [title for title, _, _ in fake.sent]


def test_each_reminder_is_sent_once_a_day(
    wt: Invoke, demo: list[str], notifier: FakeNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt(*demo, "remind")
    # The demo deal has two late plan steps (one mine, one theirs): promises too.
    assert titles(notifier) == ["Promises: 6 overdue", "Slipping this week: 3 relationships"]
    body = notifier.sent[0][1]
    assert "Dana Reyes: I owe: Send the SOC2 report, 5 days late" in body.splitlines()
    assert body.splitlines()[-1] == "… and 2 more: wt followups"  # six, in five lines
    again = wt(*demo, "remind")
    assert len(notifier.sent) == 2  # nothing new
    assert "Nothing needs you now. (7 reminded already today.)" in again.stderr
    # The next day the promises are due again; the slipping list waits for next week.
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-29T07:00:00+00:00")
    wt(*demo, "remind")
    assert [t.split(":")[0] for t in titles(notifier)[2:]] == ["Promises"]
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-30T07:00:00+00:00")
    wt(*demo, "remind")
    assert [t.split(":")[0] for t in titles(notifier)[3:]] == ["Promises", "Slipping this week"]


def test_a_meeting_within_the_hour_comes_with_its_first_lines(
    wt: Invoke, demo: list[str], notifier: FakeNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt(*demo, "remind")  # the morning's reminders
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T14:20:00+00:00")
    wt(*demo, "remind")
    title, body, urgent = notifier.sent[-1]
    assert title == "15:00-16:00 Renewal QBR (in 40 min)"
    assert urgent
    lines = body.splitlines()
    assert lines[0] == "Dana Reyes: I owe: Send the SOC2 report, 5 days late"
    assert lines[1].startswith("Marcus O'Neil: give first:")
    assert "and 1 not in wintogether" in lines
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T14:50:00+00:00")
    count = len(notifier.sent)
    wt(*demo, "remind")
    assert len(notifier.sent) == count  # that meeting was reminded of already


def test_nothing_due_sends_nothing(wt: Invoke, dana: Path, notifier: FakeNotifier) -> None:
    wt("edit", "dana", "--every", "1y")
    wt("edit", "marcus", "--every", "1y")
    run = wt("remind")
    assert notifier.sent == []
    assert run.stdout == ""
    assert "Nothing needs you now." in run.stderr
    data = json.loads(wt("remind", "--json").stdout)
    assert data["promises"] == [] and data["meetings"] == [] and data["slipping"] == []
    quiet = wt("remind", "--quiet")  # as cron runs it: no news, no mail
    assert (quiet.stdout, quiet.stderr) == ("", "")


def test_dry_run_shows_and_remembers_nothing(
    wt: Invoke, demo: list[str], notifier: FakeNotifier
) -> None:
    run = wt(*demo, "remind", "--dry-run")
    assert run.stdout.startswith("Promises: 6 overdue\n  José Núñez: they owe:")
    assert "(dry run: 2 notifications not sent)" in run.stderr
    assert notifier.sent == []
    wt(*demo, "remind")
    assert len(notifier.sent) == 2  # the dry run remembered nothing


def test_without_a_notifier_it_prints_or_fails_clearly(
    wt: Invoke, demo: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(notify, "find_notifier", lambda: None)
    failed = wt(*demo, "remind", "--no-fallback", ok=False)
    assert failed.exit_code == 1
    assert failed.stdout == ""
    [line] = failed.stderr.splitlines()  # one line: what is wrong and what to do
    assert line.startswith("Error: No desktop notifier: notify-send is not installed.")
    assert "apt install libnotify-bin" in line
    printed = wt(*demo, "remind")
    assert printed.stdout.startswith("Promises: 6 overdue")
    assert "printed instead" in printed.stderr
    assert "Nothing needs you now" in wt(*demo, "remind").stderr  # printing counted as sent


def test_a_failing_notifier_falls_back_to_printing(
    wt: Invoke, demo: list[str], notifier: FakeNotifier
) -> None:
    notifier.fail = True
    failed = wt(*demo, "remind", "--no-fallback", ok=False)
    assert failed.exit_code == 1
    assert "fake could not show a notification: no session bus" in failed.stderr
    run = wt(*demo, "remind")
    assert "Slipping this week" in run.stdout


def test_print_forces_printing(wt: Invoke, demo: list[str], notifier: FakeNotifier) -> None:
    run = wt(*demo, "remind", "--print")
    assert notifier.sent == []
    assert "Slipping this week: 3 relationships\n  Ana Souza: last talked" in run.stdout


def test_notify_send_gets_escaped_text(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The real notifier, with a stand-in notify-send that records its arguments."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "args.json"
    script = bin_dir / "notify-send"
    script.write_text(
        "#!/bin/sh\n"
        f'python3 -c \'import json,sys; json.dump(sys.argv[1:], open("{log}", "w"))\' "$@"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:{os.environ['PATH']}")
    found = notify.find_notifier()
    assert found is not None
    found.send("Mallory\x1b[2J", "<b>[bold red]x</b> & <a href='javascript:x'>y</a>")
    args = json.loads(log.read_text())
    assert args[:3] == ["--app-name=wintogether", "--urgency=normal", "--"]
    assert args[3] == "Mallory\\x1b[2J"
    assert (
        args[4] == "&lt;b&gt;[bold red]x&lt;/b&gt; &amp; &lt;a href='javascript:x'&gt;y&lt;/a&gt;"
    )
    script.write_text("#!/bin/sh\necho 'Cannot autolaunch D-Bus' >&2\nexit 1\n")
    with pytest.raises(notify.NotifyFailed, match="Cannot autolaunch D-Bus"):
        found.send("t", "b")


def test_on_macos_osascript_shows_it_with_the_text_as_arguments(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No notify-send on a Mac: Notification Center through osascript, the text
    handed over as arguments of the script, never inside its source."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "args.json"
    script = bin_dir / "osascript"
    script.write_text(
        "#!/bin/sh\n"
        f'{sys.executable} -c \'import json,sys; json.dump(sys.argv[1:], open("{log}", "w"))\' "$@"\n'
    )
    script.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(sys, "platform", "linux")
    assert notify.find_notifier() is None  # osascript means nothing elsewhere
    monkeypatch.setattr(sys, "platform", "darwin")
    found = notify.find_notifier()
    assert found is not None and found.name == "osascript"
    found.send('-Mallory" & (do shell script "rm -rf ~") & "\x1b[2J', "line one\nline two")
    args = json.loads(log.read_text())
    source, rest = args[:6], args[6:]
    assert source[::2] == ["-e", "-e", "-e"]
    assert source[1] == "on run argv" and source[5] == "end run"
    assert "item 1 of argv" in source[3] and "Mallory" not in " ".join(source)
    assert rest == [' -Mallory" & (do shell script "rm -rf ~") & "\\x1b[2J', "line one\nline two"]
    script.write_text("#!/bin/sh\necho 'execution error: Not authorized' >&2\nexit 1\n")
    with pytest.raises(notify.NotifyFailed, match="Not authorized"):
        found.send("t", "b")


# -- the timer -------------------------------------------------------------------


@pytest.fixture
def systemd(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    calls: list[tuple[str, ...]] = []
    monkeypatch.setattr(brief_cli, "_systemd_running", lambda: True)

    def fake(*args: str) -> str | None:
        calls.append(args)
        return None

    monkeypatch.setattr(brief_cli, "_systemctl", fake)
    return calls


def test_install_writes_a_user_timer_and_service(
    wt: Invoke, db: Path, isolated: Path, systemd: list[tuple[str, ...]], tmp_path: Path
) -> None:
    write_config(tmp_path, f'[capture]\ncalendars = ["{tmp_path / "cal"}"]\n')
    run = wt("remind", "--install")
    folder = isolated / "home" / "xdg_config_home" / "systemd" / "user"
    service = (folder / "wintogether-remind.service").read_text()
    timer = (folder / "wintogether-remind.timer").read_text()
    assert "Wrote " in run.stderr and "weekday mornings" in run.stderr
    assert "[Service]\nType=oneshot\n" in service
    lines = service.splitlines()
    start = next(line for line in lines if line.startswith("ExecStart="))
    assert start.endswith(f" -m wintogether --db {db.resolve()} remind")
    pre = next(line for line in lines if line.startswith("ExecStartPre="))
    assert pre.startswith("ExecStartPre=-") and pre.endswith(" scan")  # failure ignored
    assert "OnCalendar=Mon..Fri *-*-* 08..18:00,30:00\n" in timer
    assert "Persistent=true\n" in timer
    assert "[Install]\nWantedBy=timers.target\n" in timer
    assert stat.S_IMODE((folder / "wintogether-remind.timer").stat().st_mode) == 0o600
    assert systemd == [("daemon-reload",), ("enable", "--now", "wintogether-remind.timer")]
    # Nothing was written outside the temporary home.
    assert not (Path.home() / ".config" / "systemd").exists() or Path.home() == isolated / "home"


def test_the_timer_schedule_is_one_systemd_reads() -> None:
    from wintogether.domain.reminders import ON_CALENDAR

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    # From a fixed Saturday evening (never the real clock), the next three
    # runs are Monday 08:00, 08:30 and 09:00: no weekend run, none at night.
    done = subprocess.run(
        [
            analyze,
            "calendar",
            "--iterations=3",
            "--base-time=2026-12-05 20:00:00 UTC",
            ON_CALENDAR,
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "TZ": "UTC", "LC_ALL": "C"},
    )
    assert done.returncode == 0, done.stderr
    runs = re.findall(r"(\w{3} \d{4}-\d\d-\d\d \d\d:\d\d:\d\d)", done.stdout)
    assert runs == [
        "Mon 2026-12-07 08:00:00",
        "Mon 2026-12-07 08:30:00",
        "Mon 2026-12-07 09:00:00",
    ], done.stdout


def test_without_calendars_the_service_does_not_scan(
    wt: Invoke, db: Path, isolated: Path, systemd: list[tuple[str, ...]]
) -> None:
    shown = wt("remind", "--install", "--dry-run").stdout
    assert "ExecStart=" in shown and "ExecStartPre" not in shown
    folder = isolated / "home" / "xdg_config_home" / "systemd" / "user"
    assert not folder.exists()  # a dry run writes nothing
    assert systemd == []


def test_a_path_with_spaces_is_quoted_for_systemd(
    wt: Invoke, db: Path, systemd: list[tuple[str, ...]], tmp_path: Path
) -> None:
    spaced = tmp_path / "my data" / "100% wt.db"
    spaced.parent.mkdir()
    shutil.copyfile(db, spaced)
    shown = wt("--db", str(spaced), "remind", "--install", "--dry-run").stdout
    assert f'--db "{str(spaced.resolve()).replace("%", "%%")}" remind' in shown


def test_uninstall_stops_and_removes_the_timer(
    wt: Invoke, db: Path, isolated: Path, systemd: list[tuple[str, ...]]
) -> None:
    wt("remind", "--install")
    folder = isolated / "home" / "xdg_config_home" / "systemd" / "user"
    run = wt("remind", "--uninstall")
    assert "Removed " in run.stderr
    assert not (folder / "wintogether-remind.timer").exists()
    assert not (folder / "wintogether-remind.service").exists()
    assert ("disable", "--now", "wintogether-remind.timer") in systemd
    assert "No reminder timer was installed" in wt("remind", "--uninstall").stderr


def test_without_systemd_the_crontab_line_is_printed_not_installed(
    wt: Invoke, db: Path, isolated: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(brief_cli, "_systemd_running", lambda: False)
    run = wt("remind", "--install")
    line = run.stdout.strip()
    assert line.startswith("*/30 8-18 * * 1-5 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/")
    assert line.endswith(f"-m wintogether --db {db.resolve()} remind --quiet'")
    assert "crontab -e" in run.stderr and "never edits a crontab" in run.stderr
    assert not (isolated / "home" / "xdg_config_home" / "systemd").exists()
    assert "crontab -e" in wt("remind", "--uninstall").stderr


def test_the_timer_reads_the_settings_file_named_by_the_environment(
    wt: Invoke, db: Path, tmp_path: Path, systemd: list[tuple[str, ...]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """A timer does not see the shell's $WINTOGETHER_CONFIG: the unit names the file."""
    settings = tmp_path / "my settings" / "50% wt.toml"
    settings.parent.mkdir()
    settings.write_text(f'[capture]\ncalendars = ["{tmp_path / "cal"}"]\n')
    monkeypatch.setenv("WINTOGETHER_CONFIG", str(settings))
    shown = wt("remind", "--install", "--dry-run").stdout
    service = shown.split("# ")[1]
    quoted = str(settings).replace("%", "%%")
    assert f'Environment="WINTOGETHER_CONFIG={quoted}"\n' in service
    assert service.index("Environment=") < service.index("ExecStartPre=")  # read by the scan too
    monkeypatch.delenv("WINTOGETHER_CONFIG")
    assert "Environment=" not in wt("remind", "--install", "--dry-run").stdout


def test_the_crontab_line_runs_the_same_command_cron_reads(
    wt: Invoke, db: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cron turns a bare % into a new line: every % is escaped; the rest is sh's."""
    import shlex

    monkeypatch.setattr(brief_cli, "_systemd_running", lambda: False)
    spaced = tmp_path / "100% mine" / "wt.db"
    spaced.parent.mkdir()
    shutil.copyfile(db, spaced)
    settings = write_config(tmp_path, f'[capture]\ncalendars = ["{tmp_path / "cal"}"]\n')
    line = wt("--db", str(spaced), "remind", "--install").stdout.strip()
    schedule, command = line.split(" ", 5)[:5], line.split(" ", 5)[5]
    assert " ".join(schedule) == "*/30 8-18 * * 1-5"
    assert "%" not in command.replace("\\%", "")
    words = shlex.split(command.replace("\\%", "%"))  # what cron hands to sh
    assert words[0].startswith("DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/")
    assert words[1] == f"WINTOGETHER_CONFIG={settings.resolve()}"
    assert words[2:4] == ["sh", "-c"]
    scan, remind = words[4].split("; ")
    wt_words = ["-m", "wintogether", "--db", str(spaced.resolve())]
    assert shlex.split(remind)[1:] == [*wt_words, "remind", "--quiet"]
    assert shlex.split(scan)[1:] == [*wt_words, "scan", ">/dev/null", "2>&1"]


def test_undo_after_remind_undoes_the_last_change_not_the_reminders(
    wt: Invoke, demo: list[str], notifier: FakeNotifier
) -> None:
    wt(*demo, "log", "souza", "Checked in", "--channel", "call")
    wt(*demo, "remind")
    run = wt(*demo, "undo")
    assert "log" in run.stderr
    assert json.loads(wt(*demo, "show", "souza", "--json").stdout)["conversation_count"] == 1
    count = len(notifier.sent)
    wt(*demo, "remind")
    assert len(notifier.sent) == count  # still remembered as sent


def test_a_birthday_today_is_its_own_notification_once(
    wt: Invoke, demo: list[str], notifier: FakeNotifier, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-12-01T07:00:00+00:00")
    data = json.loads(wt(*demo, "remind", "--json").stdout)
    assert [b["contact"]["name"] for b in data["birthdays"]] == ["José Núñez"]
    wt(*demo, "remind")
    assert "Birthday today: José Núñez (turns 47)" in titles(notifier)
    count = len(notifier.sent)
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-12-01T11:30:00+00:00")
    wt(*demo, "remind")
    assert len(notifier.sent) == count  # once that day
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-12-02T07:00:00+00:00")
    wt(*demo, "remind")
    assert not [t for t in titles(notifier)[count:] if t.startswith("Birthday")]


def test_already_reminded_today_counts_only_todays_reminders(
    db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The week's slipping list, sent on Monday, is not "reminded already today" on
    Tuesday."""
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-30T08:00:00+00:00")  # Monday
    wt("add", "Weekly Wendy", "--every", "weekly")
    wt("log", "wendy", "call", "--at", "2026-11-01")
    assert "Slipping this week" in wt("remind", "--print").stdout
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-12-01T08:00:00+00:00")  # Tuesday, first run
    assert wt("remind", "--print").stderr == "Nothing needs you now.\n"
    assert json.loads(wt("remind", "--json", "--dry-run").stdout)["already_sent"] == 0


def test_a_birthday_in_a_year_to_come_shows_no_age(db: Path, wt: Invoke) -> None:
    """`wt add --birthday` refuses one; a file another app wrote may bring it."""
    import sqlite3

    wt("add", "Future Fay", "--birthday", "2000-11-30")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE contacts SET birthday = '2100-11-30'")
    [birthday] = json.loads(wt("today", "--json").stdout)["birthdays"]
    assert birthday["turns"] is None
    assert "turns -" not in wt("--plain", "today").stdout
