"""Ctrl-C is never lost on the way to a commit.

Python raises KeyboardInterrupt at the next instruction of the main thread.
When that instruction belongs to a finalizer the garbage collector runs (a
``__del__``, a weakref callback), Python prints "Exception ignored" and goes
on: a long import would then commit as if nothing had been pressed. So the
CLI's handler also remembers the signal, and every write checks before its
COMMIT (store/connection.py): a Ctrl-C seen during a write rolls it back.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import Any

_seen: list[bool] = [False]


def _handler(signum: int, frame: FrameType | None) -> None:
    _seen[0] = True
    raise KeyboardInterrupt


def install() -> Any:
    """Catch Ctrl-C from now on; returns the handler it replaced (None outside
    the main thread, where Python lets no handler be set)."""
    _seen[0] = False
    try:
        return signal.signal(signal.SIGINT, _handler)
    except ValueError:
        return None


def restore(previous: Any) -> None:
    """Put back the handler :func:`install` replaced."""
    if previous is not None:
        signal.signal(signal.SIGINT, previous)
    _seen[0] = False


def requested() -> bool:
    """Whether Ctrl-C was pressed since :func:`install`."""
    return _seen[0]
