"""Where a condition starts to hold, found by halving: a month's first second
where its midnight is skipped (clock.py), a table's column level
(render/plain.py), a place among sorted stored times (domain/accounts.py)."""

from __future__ import annotations

from collections.abc import Callable


def first_holding(low: int, high: int, holds: Callable[[int], bool]) -> int:
    """The least ``n`` with ``low < n <= high`` for which ``holds(n)``, where
    ``holds`` is false up to some point and true from it on, and true at
    ``high`` (``low`` itself is never asked). Each call halves what is left:
    a dozen calls for thousands of values, a few dozen for a month's seconds.
    (``bisect`` does this for a sorted list, and loads a C library for it.)"""
    while high - low > 1:
        middle = (low + high) // 2
        if holds(middle):
            high = middle
        else:
            low = middle
    return high
