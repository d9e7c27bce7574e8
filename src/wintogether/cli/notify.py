"""Desktop notifications: `notify-send` (libnotify) where it is installed.

A notification server may read simple markup in the body (``<b>``, ``<a>``),
so user text is escaped for it, and control characters are made visible as
everywhere else. Tests replace :func:`find_notifier` with a fake.
"""

from __future__ import annotations

import html
import shutil
import subprocess
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
        command = [
            self.path,
            "--app-name=wintogether",
            f"--urgency={'critical' if urgent else 'normal'}",
            "--",
            visible(title),
            html.escape(visible(body), quote=False),
        ]
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
    return NotifySend(path) if path else None
