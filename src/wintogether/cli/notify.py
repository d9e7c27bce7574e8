"""Desktop notifications: `notify-send` (libnotify) where it is installed, and
Notification Center through `osascript` on macOS.

A notification server may read simple markup in the body (``<b>``, ``<a>``),
so user text is escaped for it, and control characters are made visible as
everywhere else. AppleScript gets the text as arguments of its run handler,
never inside the script's source. Tests replace :func:`find_notifier` with a fake.
"""

from __future__ import annotations

import html
import shutil
import subprocess
import sys
from typing import Protocol

from wintogether.text import visible

#: How long a notification may take to be handed over before it counts as failed.
TIMEOUT_SECONDS = 10


class NotifyFailed(Exception):
    """The notifier is there but did not take the notification."""


class Notifier(Protocol):
    name: str

    def send(self, title: str, body: str, *, urgent: bool = False) -> None: ...


class NotifySend:
    name = "notify-send"

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, title: str, body: str, *, urgent: bool = False) -> None:
        _run([
            self.path,
            "--app-name=wintogether",
            f"--urgency={'critical' if urgent else 'normal'}",
            "--",
            visible(title),
            html.escape(visible(body), quote=False),
        ])  # fmt: skip


#: The text comes in as ``argv``: nothing a contact's name holds can become script.
_APPLESCRIPT = (
    "on run argv",
    'display notification (item 2 of argv) with title (item 1 of argv) subtitle "wintogether"',
    "end run",
)


class Osascript:
    name = "osascript"

    def __init__(self, path: str) -> None:
        self.path = path

    def send(self, title: str, body: str, *, urgent: bool = False) -> None:
        script = [arg for line in _APPLESCRIPT for arg in ("-e", line)]
        title = visible(title)
        if title.startswith("-"):  # not to be read as an option of osascript
            title = " " + title
        _run([self.path, *script, title, visible(body)])


def _run(command: list[str]) -> None:
    try:
        done = subprocess.run(
            command,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise NotifyFailed(str(exc)) from exc
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise NotifyFailed(why[0] if why else f"exit code {done.returncode}")


def find_notifier() -> Notifier | None:
    """The desktop notifier of this machine, or None."""
    path = shutil.which("notify-send")
    if path:
        return NotifySend(path)
    path = shutil.which("osascript") if sys.platform == "darwin" else None
    return Osascript(path) if path else None
