"""Full-text search over names, companies, notes, promises, ledger entries and wins.

Any text a person types is a valid query: each word is quoted for FTS5, so
``AT&T``, ``O'Neil``, ``-x``, ``NOT`` and a stray ``"`` are searched for as
words, never parsed as query syntax. A word ending in ``*`` matches as a prefix
(``renew*`` finds "renewal"). Words must all appear (AND). Results are ranked by
bm25 across every source; the matching words come back marked in context.

A query matching more than ``CANDIDATES`` rows of one source (a common word in
ten years of notes) is ranked among that source's ``CANDIDATES`` most recently
added matches, so it answers as fast as a rare word; below that, every match is
ranked.
"""

from __future__ import annotations

from typing import Any

from wintogether.errors import UserError
from wintogether.frozen import Frozen
from wintogether.store import Store, reports

DEFAULT_LIMIT = 20
#: Matches per source ranked at most: the most recently added ones.
CANDIDATES = 2_000


def _has_word(text: str) -> bool:
    """Whether ``text`` holds a character of a word (a letter or digit of any
    script, or ``_``): what the regular expression ``\\w`` finds, without
    compiling one for each search."""
    return any(char.isalnum() or char == "_" for char in text)


def quote(query: str) -> str | None:
    """The FTS5 form of ``query``; ``None`` when it holds no searchable word."""
    parts = []
    for token in query.split():
        prefix = token.endswith("*")
        body = token.rstrip("*") if prefix else token
        if not _has_word(body):
            continue
        quoted = '"' + body.replace('"', '""') + '"'
        parts.append(quoted + ("*" if prefix else ""))
    return " ".join(parts) if parts else None


class Result(Frozen):
    """One line of `wt search`: a match with its highlighted words. Written out
    (frozen.py)."""

    _fields = (
        "source", "id", "rank", "snippet", "highlights", "at", "contact_id", "contact_name"
    )  # fmt: skip
    source: str
    id: int
    rank: float
    snippet: str
    highlights: list[tuple[int, int]]
    at: str | None
    contact_id: int | None
    contact_name: str | None

    def __init__(
        self,
        source: str,
        id: int,
        rank: float,
        snippet: str,
        highlights: list[tuple[int, int]],
        at: str | None,
        contact_id: int | None,
        contact_name: str | None,
    ) -> None:
        self._set(
            source=source,
            id=id,
            rank=rank,
            snippet=snippet,
            highlights=highlights,
            at=at,
            contact_id=contact_id,
            contact_name=contact_name,
        )

    def pieces(self) -> list[tuple[str, bool]]:
        """The snippet as (text, is_match) pieces, for renderers."""
        out: list[tuple[str, bool]] = []
        cursor = 0
        for start, end in self.highlights:
            if start > cursor:
                out.append((self.snippet[cursor:start], False))
            out.append((self.snippet[start:end], True))
            cursor = end
        if cursor < len(self.snippet):
            out.append((self.snippet[cursor:], False))
        return out

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "id": self.id,
            "rank": round(self.rank, 6),
            "snippet": self.snippet,
            "highlights": [list(span) for span in self.highlights],
            "at": self.at,
            "contact": (
                {"id": self.contact_id, "name": self.contact_name}
                if self.contact_id is not None
                else None
            ),
        }


def _unmark(marked: str) -> tuple[str, list[tuple[int, int]]]:
    plain: list[str] = []
    spans: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in marked:
        if char == reports.MARK_START:
            start = length
        elif char == reports.MARK_END:
            if start is not None:
                spans.append((start, length))
            start = None
        else:
            plain.append(char)
            length += 1
    return "".join(plain), spans


def search(store: Store, query: str, limit: int = DEFAULT_LIMIT) -> list[Result]:
    """The best ``limit`` matches for ``query`` across everything, best first."""
    if not query.strip():
        raise UserError("Nothing to search for.", hint='Give a word or two: wt search "SOC2".')
    if limit < 1:
        raise UserError("--limit must be at least 1.")
    match = quote(query)
    if match is None:
        return []
    with store.read():
        hits = reports.search(store, match, limit, candidates=CANDIDATES)
        companies = _companies(store, query, limit)
    # Best first; only the hits that can be shown are unmarked.
    hits.sort(key=lambda h: (h.rank, h.source, h.id))
    results = []
    for hit in hits[:limit]:
        snippet, spans = _unmark(hit.snippet or "")
        results.append(
            Result(
                hit.source,
                hit.id,
                hit.rank,
                snippet,
                spans,
                hit.at,
                hit.contact_id,
                hit.contact_name,
            )
        )
    # A company named by the query comes first: it is what was meant.
    return (companies + results)[:limit]


def _companies(store: Store, query: str, limit: int) -> list[Result]:
    """Companies whose name or an alias contains the query's words (in order)."""
    from wintogether.store import companies as companies_store

    words = [w.rstrip("*") for w in query.split() if _has_word(w)]
    if not words:
        return []
    found = companies_store.companies_matching(store, " ".join(words))[:limit]
    out = []
    for company in found:
        snippet = company.name
        if company.aliases:
            snippet += " (also " + ", ".join(company.aliases) + ")"
        folded = snippet.casefold()
        spans = []
        for word in words:
            at = folded.find(word.casefold())
            if at >= 0:
                spans.append((at, at + len(word)))
        kept: list[tuple[int, int]] = []
        for start, end in sorted(set(spans)):
            if not kept or start >= kept[-1][1]:
                kept.append((start, end))
        out.append(Result("company", company.id, 0.0, snippet, kept, None, None, None))
    return out
