"""Keeping in touch: each relationship's rhythm and who is slipping.

A contact's cadence comes from, in order: its own ``--every``; the most
demanding rhythm among its tags in the config file; the global default.
Attention = days since last touch ÷ cadence; slipping when attention ≥ 1.
Any conversation with the contact resets the clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from wintogether.config import Config
from wintogether.dates import every
from wintogether.frozen import Frozen
from wintogether.models import ContactRef, ContactStanding
from wintogether.text import json_string

if TYPE_CHECKING:
    from wintogether.store import Store


class Attention(Frozen):
    """How far one relationship is past its rhythm. Written out (frozen.py):
    every dashboard and slipping list makes some."""

    _fields = (
        "contact",
        "days_since",
        "cadence_days",
        "cadence_source",
        "attention",
        "ever_talked",
    )
    contact: ContactRef
    days_since: int
    cadence_days: int
    cadence_source: str  # "contact", "tag <name>" or "default"
    attention: float
    ever_talked: bool

    def __init__(
        self,
        contact: ContactRef,
        days_since: int,
        cadence_days: int,
        cadence_source: str,
        attention: float,
        ever_talked: bool,
    ) -> None:
        self._set(
            contact=contact,
            days_since=days_since,
            cadence_days=cadence_days,
            cadence_source=cadence_source,
            attention=attention,
            ever_talked=ever_talked,
        )

    @property
    def slipping(self) -> bool:
        return self.attention >= 1

    @property
    def reason(self) -> str:
        return reason(self.days_since, self.cadence_days, self.cadence_source, self.ever_talked)

    def to_json(self) -> dict[str, Any]:
        return {
            "contact": self.contact.to_json(),
            "days_since_last_touch": self.days_since,
            "cadence_days": self.cadence_days,
            "cadence_source": self.cadence_source,
            "attention": round(self.attention, 3),
            "slipping": self.slipping,
            "reason": self.reason,
        }

    def json_item(self) -> str:
        """:meth:`to_json` as ``write_json`` writes it as an item of a list."""
        return json_item(
            self.contact, self.days_since, self.cadence_days, self.cadence_source,
            self.ever_talked,
        )  # fmt: skip


def reason(days_since: int, cadence_days: int, cadence_source: str, ever_talked: bool) -> str:
    """Why a contact needs attention, in words: :attr:`Attention.reason`."""
    rhythm = _rhythms.get((cadence_days, cadence_source))
    if rhythm is None:
        rhythm = every(cadence_days)
        if cadence_source.startswith("tag "):
            rhythm += f" ({cadence_source})"
        _rhythms[(cadence_days, cadence_source)] = rhythm
    if not ever_talked:
        return f"never talked, added {_ago(days_since)}, {rhythm}"
    if days_since == 0:
        return f"talked today, {rhythm}"
    return f"last talked {_days(days_since)} ago, {rhythm}"


#: The words of each (rhythm, source) met: a list of thousands has a dozen.
_rhythms: dict[tuple[int, str], str] = {}


def json_item(
    ref: ContactRef, days_since: int, cadence_days: int, cadence_source: str, ever_talked: bool
) -> str:
    """:meth:`Attention.to_json` as ``write_json`` writes it as an item of a list
    (text.write_json_texts), from the figures alone: `wt neglected --json`
    lists thousands, and builds no :class:`Attention` for them. What repeats
    from row to row (a rhythm and its words, a company) is escaped once: JSON
    escapes character by character, so the pieces join to the same text."""
    return _json_head(ref.id, ref.name, ref.company) + _json_tail(
        days_since, cadence_days, cadence_source, ever_talked
    )


def _json_head(contact_id: int, name: str, company: str | None) -> str:
    """The contact's part of :func:`json_item`."""
    written = _json_companies.get(company)
    if written is None:
        written = _json_companies[company] = json_string(company)
    return (
        f'  {{\n    "contact": {{\n      "id": {contact_id!r},\n'
        f'      "name": {json_string(name)},\n'
        f'      "company": {written}\n    }},\n'
    )


def _json_tail(days_since: int, cadence_days: int, cadence_source: str, ever_talked: bool) -> str:
    """The figures' part of :func:`json_item`: the same for every contact with
    the same figures (a list of thousands has a few hundred)."""
    key = (days_since, cadence_days, cadence_source, ever_talked)
    tail = _json_tails.get(key)
    if tail is not None:
        return tail
    attention = days_since / cadence_days
    rhythm = _json_rhythms.get((cadence_days, cadence_source))
    if rhythm is None:
        rhythm = _json_rhythms[(cadence_days, cadence_source)] = (
            f'    "cadence_days": {cadence_days!r},\n'
            f'    "cadence_source": {json_string(cadence_source)},\n',
            json_string(reason(0, cadence_days, cadence_source, True))[len('"talked today, ') :],
        )
    if not ever_talked:
        why = f'"never talked, added {_ago(days_since)}, '
    elif days_since == 0:
        why = '"talked today, '
    else:
        why = f'"last talked {_days(days_since)} ago, '
    tail = _json_tails[key] = (
        f'    "days_since_last_touch": {days_since!r},\n'
        f"{rhythm[0]}"
        f'    "attention": {float.__repr__(round(attention, 3))},\n'
        f'    "slipping": {"true" if attention >= 1 else "false"},\n'
        f'    "reason": {why}{rhythm[1]}\n  }}'
    )
    return tail


def slipping_json(store: Store, config: Config, now: datetime) -> list[str]:
    """Everyone slipping, as :func:`json_item` writes each, in the order of
    :func:`slipping_in` (`wt neglected --json`: thousands). From the kept
    ranges, each row whole from SQL and ranked by one sort of plain tuples,
    no record per row; where the ranges cannot say, from :func:`slipping_rows`."""
    from wintogether.store import quiet as quiet_store

    rows = quiet_store.slipping_everyone(
        store,
        today=now.date(),
        default_days=config.default_cadence_days,
        tag_days=tag_days(store, config),
    )
    if rows is None:
        figures, _ = slipping_rows(store, config, now)
        return [json_item(*row) for row in figures]
    # The order of _rank_key; the id is unique, so the rest never decides.
    ranked = [
        (neg, -days, name.casefold(), cid, days, rhythm, source, name, company, talked)
        for neg, days, cid, name, company, talked, rhythm, source in rows
    ]
    ranked.sort()
    return [
        _json_head(cid, name, company) + _json_tail(days, rhythm, source, bool(talked))
        for _, _, _, cid, days, rhythm, source, name, company, talked in ranked
    ]


#: Per (rhythm, source): its two JSON lines, and the end of the reason
#: (the rhythm's words and the closing quote), escaped.
_json_rhythms: dict[tuple[int, str], tuple[str, str]] = {}
#: Each company met, escaped (a list of thousands names a few hundred).
_json_companies: dict[str | None, str] = {}
#: Each (days, rhythm, source, ever talked) met: :func:`_json_tail`.
_json_tails: dict[tuple[int, int, str, bool], str] = {}


def _days(count: int) -> str:
    return f"{count} day{'s' if count != 1 else ''}"


def _ago(count: int) -> str:
    """``today``, ``1 day ago``, ``12 days ago``."""
    return "today" if count == 0 else f"{_days(count)} ago"


def cadence_of(standing: ContactStanding, config: Config) -> tuple[int, str]:
    if standing.cadence_days:
        return standing.cadence_days, "contact"
    return config.cadence_for_tags(standing.tags)


def attention_of(standing: ContactStanding, config: Config, now: datetime) -> Attention:
    cadence, source = cadence_of(standing, config)
    since = standing.last_touch_at or standing.created_at
    # Its own local day, by the zone's rules for that day (not today's offset:
    # a touch at 00:30 in summer is not the day before when counted in winter).
    days = max(0, (now.date() - since.astimezone().date()).days)
    return Attention(
        contact=standing.contact,
        days_since=days,
        cadence_days=cadence,
        cadence_source=source,
        attention=days / cadence,
        ever_talked=standing.last_touch_at is not None,
    )


def slipping_in(
    store: Store,
    config: Config,
    now: datetime,
    *,
    tag: str | None = None,
    top: int | None = None,
) -> tuple[list[Attention], int]:
    """Who is slipping, most in need first, computed by the database; and how
    many slip in all (``top`` keeps only the first ones).

    The same rule as :func:`slipping` over every contact, without loading every
    contact: the rhythm of each tag is decided here (``Config.cadence_for_tag``),
    the rest is arithmetic the store does in SQL: index ranges of the kept
    quiet days (``store.quiet.quiet_contacts``), or with ``tag`` a pass over
    the contacts (``store.contacts.quiet_contacts``).
    """
    rows, total = slipping_rows(store, config, now, tag=tag, top=top)
    return [Attention(ref, d, c, s, d / c, t) for ref, d, c, s, t in rows], total


def most_slipping(store: Store, config: Config, now: datetime, top: int) -> list[Attention]:
    """The first ``top`` of :func:`slipping_in` (and every one tied with the
    last), when how many slip in all is not wanted: it is not counted."""
    rows, _ = slipping_rows(store, config, now, top=top, counted=False)
    return [Attention(ref, d, c, s, d / c, t) for ref, d, c, s, t in rows]


def slipping_rows(
    store: Store,
    config: Config,
    now: datetime,
    *,
    tag: str | None = None,
    top: int | None = None,
    counted: bool = True,
) -> tuple[list[tuple[ContactRef, int, int, str, bool]], int]:
    """:func:`slipping_in` as bare figures, in its order: (contact, days since,
    rhythm, its source, ever talked). For lists of thousands (JSON).
    ``counted``: False to leave out counting everyone who slips where the kept
    ranges would count them apart (the count is then not to be used)."""
    from wintogether.store import quiet as quiet_store  # here: one person's rhythm needs none

    tag_rules = tag_days(store, config)
    kept = None
    if tag is None:
        kept = quiet_store.quiet_contacts(
            store,
            today=now.date(),
            default_days=config.default_cadence_days,
            tag_days=tag_rules,
            top=top,
            counted=counted,
        )
    if not kept:  # a tag's list, or the kept moments not there: from every contact
        from wintogether.store import contacts as contacts_store

        kept = contacts_store.quiet_contacts(
            store,
            today=now.date(),
            default_days=config.default_cadence_days,
            tag_days=tag_rules,
            tag=tag,
            top=top,
        )
    rows, total = kept
    # The order of _rank_key, without building an Attention per row.
    ranked = [(-(row[1] / row[2]), -row[1], row[0].name.casefold(), row[0].id, row) for row in rows]
    ranked.sort(key=_first_four)
    shown = ranked[:top] if top is not None else ranked
    return [item[4] for item in shown], total


def _first_four(item: tuple[Any, ...]) -> tuple[Any, ...]:
    return item[:4]


def tag_days(store: Store, config: Config) -> list[tuple[int, int, str]]:
    """The rhythm each tag in the database carries, as the config decides it."""
    from wintogether.store import quiet as quiet_store

    return [
        (tag_id, *hit)
        for tag_id, name in quiet_store.tag_names(store)
        if (hit := config.cadence_for_tag(name)) is not None
    ]


def _rank_key(a: Attention) -> tuple[float, int, str, int]:
    return (-a.attention, -a.days_since, a.contact.name.casefold(), a.contact.id)


def rank(standings: list[ContactStanding], config: Config, now: datetime) -> list[Attention]:
    """Every contact's attention, most in need first (ties: longest silence, name)."""
    scored = [attention_of(s, config, now) for s in standings]
    scored.sort(key=_rank_key)
    return scored


def slipping(
    standings: list[ContactStanding], config: Config, now: datetime, limit: int | None = None
) -> list[Attention]:
    """The rule itself over given contacts: the reference `slipping_in` (which the
    commands use) is tested against, in tests/test_slipping_sql.py."""
    ranked = [a for a in rank(standings, config, now) if a.slipping]
    return ranked[:limit] if limit is not None else ranked
