"""Each contact's rhythm and days quiet, as SQL common table expressions.

`wt neglected`, `wt contacts --sort attention` (store/contacts.py) and
`wt companies` (store/accounts.py) rank people by attention: whole days since
the last touch (or since added) over their rhythm. The rhythm is the contact's
own cadence, else the shortest of its tags' (equal ones: the first config key),
else the default. The domain decides which rhythm each tag carries and passes
it in (``tag_days``); this module only computes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def scored_params(tag_days: Sequence[tuple[int, int, str]]) -> list[Any]:
    """The parameters :func:`scored_sql` binds first: each tag's id and pick,
    the rhythm in days zero-padded, then the config key (the smallest pick is
    the shortest rhythm, equal ones the first key)."""
    return [value for tag_id, days, key in tag_days for value in (tag_id, f"{days:010d}{key}")]


def scored_sql(where: str, tags: int, columns: Sequence[str] = ()) -> str:
    """Each contact's rhythm and whole days since the last touch (or since added):
    ``scored`` (id, talked, cadence, source, days, then ``columns``: more columns
    of ``contacts c``, carried through by name); other fields are the caller's
    join, for the rows it shows.

    Parameters, in order: :func:`scored_params` of the ``tags`` tag rhythms, the
    default rhythm, today (ISO day), ``"localtime"`` (the modifier that gives a
    touch's local day, by the zone's rules for that day), then whatever
    ``where`` binds.
    """
    # Each contact's own tags, by its (contact, tag) index: a few rows, each
    # given its pick by a CASE over the tags that carry a rhythm.
    whens = " ".join("WHEN ? THEN ?" for _ in range(tags))
    pick = (
        f"(SELECT min(CASE ct.tag_id {whens} END) FROM contact_tags ct WHERE ct.contact_id = c.id)"
        if tags
        else "NULL"
    )
    taken = "".join(f", c.{column}" for column in columns)
    carried = "".join(f", {column}" for column in columns)
    return f"""
        WITH picked AS (
            SELECT c.id, c.last_touch_at IS NOT NULL AS talked,
                c.cadence_days AS own, {pick} AS pick, ? AS fallback,
                max(0, CAST(julianday(?) - julianday(
                    coalesce(c.last_touch_at, c.created_at), ?, 'start of day') AS INTEGER))
                    AS days{taken}
            FROM contacts c
            WHERE {where}
        ),
        scored AS (
            SELECT id, talked,
                CASE WHEN own THEN own
                     ELSE coalesce(CAST(substr(pick, 1, 10) AS INTEGER), fallback) END AS cadence,
                CASE WHEN own THEN 'contact'
                     WHEN pick IS NOT NULL THEN 'tag ' || substr(pick, 11)
                     ELSE 'default' END AS source,
                days{carried}
            FROM picked
        )"""
