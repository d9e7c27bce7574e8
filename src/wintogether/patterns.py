"""Regular expressions compiled when first used.

Compiling a pattern takes 50 to 150 µs, so a module defining a dozen of them
pays a millisecond or more at import, whether or not the command uses any:
`wt log` imports the date helpers to read one date, or none. A
:class:`LazyPattern` is written where ``re.compile`` would be and compiles on
its first match.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from typing import Any


class LazyPattern:
    """``re.compile(source, flags)``, compiled on first use (``match``, ``search``, ``sub``)."""

    __slots__ = ("_compiled", "flags", "pattern")

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        if self._compiled is None:
            self._compiled = re.compile(self.pattern, self.flags)
        return self._compiled

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.match(string, pos, endpos)

    def fullmatch(
        self, string: str, pos: int = 0, endpos: int = sys.maxsize
    ) -> re.Match[str] | None:
        return self.compiled.fullmatch(string, pos, endpos)

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        return self.compiled.search(string, pos, endpos)

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        return self.compiled.sub(repl, string, count)

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        return self.compiled.findall(string, pos, endpos)
