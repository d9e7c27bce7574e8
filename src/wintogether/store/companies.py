"""Companies: the records behind the company text on contacts, their aliases, and
the people at each.

A contact's ``company`` text is what the user typed or a file said; its
``company_id`` names the company record that text matches. Every write of the
text (add, edit, import, sync, merge) sets both in one statement
(:func:`company_id_for`), so the two never disagree.

Matching is by :func:`company_key`: case, accents, punctuation, spacing and a
trailing legal form ("Inc", "Ltd", "GmbH", ...) do not count, so "Initech, Inc."
and "initech" are one company. Any other difference ("Northwind" and "Northwind
Traders", "IBM" and "International Business Machines") makes two companies
until the user says they are one (`wt company merge`), which keeps the other
name as an alias.

Functions take an open :class:`Store`; writes expect ``Store.write()`` around them.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Any

from wintogether.frozen import Plain
from wintogether.store.common import id_list, new_uid
from wintogether.store.handle import Store

#: Legal forms dropped from the end of a company name before matching.
LEGAL_FORMS = frozenset(
    {
        "ab",
        "ag",
        "as",
        "bv",
        "co",
        "company",
        "corp",
        "corporation",
        "gmbh",
        "inc",
        "incorporated",
        "kg",
        "kk",
        "limited",
        "llc",
        "llp",
        "lp",
        "ltd",
        "nv",
        "oy",
        "plc",
        "pty",
        "sa",
        "sarl",
        "sas",
        "spa",
        "srl",
    }
)


#: Dots and apostrophes vanish ("G.m.b.H.", "S.A.", "O'Neil"); "&" reads "and".
_DROPPED = str.maketrans({".": None, "'": None, "\u2019": None, "`": None, "&": " and "})
#: Other ASCII punctuation separates words.
_ASCII_SPACES = str.maketrans({ch: " " for ch in '!"#$%()*+,-/:;<=>?@[\\]^_{|}~'})


@lru_cache(maxsize=4096)
def company_key(name: str) -> str:
    """The form of a company name that matching compares."""
    if name.isascii():
        plain = name.casefold().translate(_DROPPED).translate(_ASCII_SPACES)
    else:
        import unicodedata  # a C extension to load: only for names that need it

        decomposed = unicodedata.normalize("NFKD", name)
        plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
        plain = plain.translate(_DROPPED)
        plain = "".join(ch if ch.isalnum() else " " for ch in plain)
    words = plain.split()
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words) or " ".join(name.casefold().split())


_FRESH: Any = object()


class CompanyRow(Plain):
    """A company record with its aliases. Written out (frozen.py): every account
    view makes one, `wt companies` a screenful."""

    _fields = ("id", "uid", "name", "aliases", "created_at", "updated_at")

    def __init__(
        self,
        id: int,
        uid: str,
        name: str,
        aliases: list[str] = _FRESH,  # a new list each
        created_at: str = "",
        updated_at: str = "",
    ) -> None:
        self.id = id
        self.uid = uid
        self.name = name
        self.aliases = [] if aliases is _FRESH else aliases
        self.created_at = created_at
        self.updated_at = updated_at


def find_company(store: Store, name: str) -> int | None:
    """The company whose name or alias matches ``name``, or None."""
    return _find(store.conn, name)


def _find(conn: sqlite3.Connection, name: str, key: str | None = None) -> int | None:
    key = key if key is not None else company_key(name)
    row = conn.execute(
        "SELECT id FROM companies WHERE key = ?"
        " UNION ALL SELECT company_id FROM company_aliases WHERE key = ? LIMIT 1",
        (key, key),
    ).fetchone()
    return int(row[0]) if row else None


def ensure_company(store: Store, name: str, stamp: str) -> int:
    """The company matching ``name``, created when there is none."""
    return _ensure(store.conn, name, stamp)


def company_id_for(store: Store, company: str | None, stamp: str) -> int | None:
    """The id a contact whose company text is ``company`` links to (None for no
    text), the company created when new: written with the contact's own row."""
    return _ensure(store.conn, company, stamp) if company and company.strip() else None


def _ensure(conn: sqlite3.Connection, name: str, stamp: str) -> int:
    key = company_key(name)
    found = _find(conn, name, key)
    if found is not None:
        return found
    cursor = conn.execute(
        "INSERT INTO companies (uid, name, key, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (new_uid(), " ".join(name.split()), key, stamp, stamp),
    )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def link_contact(store: Store, contact_id: int, company: str | None, stamp: str) -> None:
    """Point the contact at the company its text names (none for no text)."""
    _link(store.conn, contact_id, company, stamp)


def _link(conn: sqlite3.Connection, contact_id: int, company: str | None, stamp: str) -> None:
    company_id = _ensure(conn, company, stamp) if company and company.strip() else None
    conn.execute(
        "UPDATE contacts SET company_id = ? WHERE id = ? AND company_id IS NOT ?",
        (company_id, contact_id, company_id),
    )


def link_all(conn: sqlite3.Connection, stamp: str) -> int:
    """Link every contact whose company text has no record yet (run after migrations:
    contacts written before companies existed get theirs here, once)."""
    if not any(row[1] == "company_id" for row in conn.execute("PRAGMA table_info(contacts)")):
        return 0  # a schema from before companies (only while testing old versions)
    rows = conn.execute(
        "SELECT id, company FROM contacts WHERE company_id IS NULL"
        " AND company IS NOT NULL AND trim(company) != ''"
    ).fetchall()
    for contact_id, company in rows:
        _link(conn, contact_id, company, stamp)
    return len(rows)


def company_row(store: Store, company_id: int) -> CompanyRow | None:
    found = company_rows(store, [company_id])
    return found[0] if found else None


def company_rows(store: Store, ids: Sequence[int] | None = None) -> list[CompanyRow]:
    """Companies (all, or those in ``ids``) with their aliases, by name."""
    where, params = "", []
    if ids is not None:
        where = " WHERE id IN (SELECT value FROM json_each(?))"
        params = [id_list(ids)]
    rows = store.conn.execute(
        f"SELECT id, uid, name, created_at, updated_at FROM companies{where}"
        " ORDER BY name COLLATE NOCASE, id",
        params,
    ).fetchall()
    aliases: dict[int, list[str]] = {}
    for row in store.conn.execute(
        "SELECT company_id, alias FROM company_aliases"
        + (" WHERE company_id IN (SELECT value FROM json_each(?))" if ids is not None else "")
        + " ORDER BY id",
        params,
    ):
        aliases.setdefault(row[0], []).append(row[1])
    return [
        CompanyRow(row[0], row[1], row[2], aliases.get(row[0], []), row[3], row[4]) for row in rows
    ]


def companies_matching(store: Store, text: str) -> list[CompanyRow]:
    """Companies whose name or an alias contains ``text`` (after normalising)."""
    key = company_key(text)
    escaped = key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    ids = [
        row[0]
        for row in store.conn.execute(
            "SELECT id FROM companies WHERE key LIKE ? ESCAPE '\\'"
            " UNION SELECT company_id FROM company_aliases WHERE key LIKE ? ESCAPE '\\'",
            (f"%{escaped}%", f"%{escaped}%"),
        )
    ]
    return company_rows(store, ids)


def add_alias(store: Store, company_id: int, alias: str, stamp: str) -> bool:
    """Another name of the company; False when it already names one."""
    key = company_key(alias)
    taken = store.conn.execute(
        "SELECT 1 FROM companies WHERE key = ? UNION ALL"
        " SELECT 1 FROM company_aliases WHERE key = ?",
        (key, key),
    ).fetchone()
    if taken:
        return False
    store.conn.execute(
        "INSERT INTO company_aliases (uid, company_id, alias, key, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (new_uid(), company_id, " ".join(alias.split()), key, stamp),
    )
    return True


def drop_aliases(store: Store, company_id: int, keys: Collection[str], stamp: str) -> None:
    """The company's other names with these keys are no longer its own (a merge
    undone on another computer): the people and deals whose company text is one
    of them each go to the company of that name (made when there is none)."""
    if not keys:
        return
    conn = store.conn
    wanted = set(keys)
    for key in wanted:
        conn.execute(
            "DELETE FROM company_aliases WHERE company_id = ? AND key = ?", (company_id, key)
        )
    for table in ("contacts", "deals"):
        rows = conn.execute(
            f"SELECT id, company FROM {table} WHERE company_id = ?", (company_id,)
        ).fetchall()
        for row_id, text in rows:
            if text and company_key(text) in wanted:
                conn.execute(
                    f"UPDATE {table} SET company_id = ? WHERE id = ?",
                    (_ensure(conn, text, stamp), row_id),
                )
    conn.execute("UPDATE companies SET updated_at = ? WHERE id = ?", (stamp, company_id))


def alias_keys(store: Store, company_id: int) -> set[str]:
    return {
        row[0]
        for row in store.conn.execute(
            "SELECT key FROM company_aliases WHERE company_id = ?", (company_id,)
        )
    }


def company_of(store: Store, contact_id: int) -> int | None:
    row = store.conn.execute(
        "SELECT company_id FROM contacts WHERE id = ?", (contact_id,)
    ).fetchone()
    return int(row[0]) if row and row[0] is not None else None


def drop_if_unused(store: Store, company_id: int) -> None:
    """A company no one is at, no deal names, with no other name and no one
    who left it (a job change) goes: one typed wrong ("Nrthwind") whose last
    person was put right."""
    conn = store.conn
    row = conn.execute(
        "SELECT key FROM companies WHERE id = :id"
        " AND NOT EXISTS (SELECT 1 FROM contacts WHERE company_id = :id)"
        " AND NOT EXISTS (SELECT 1 FROM deals WHERE company_id = :id)"
        " AND NOT EXISTS (SELECT 1 FROM company_aliases WHERE company_id = :id)",
        {"id": company_id},
    ).fetchone()
    if row is None:
        return
    for (old,) in conn.execute(
        "SELECT old_value FROM contact_events WHERE kind = 'job_change' AND old_value IS NOT NULL"
    ):
        if company_key(_left(old)) == row[0]:
            return  # someone worked there: `wt company` shows them as former
    conn.execute("DELETE FROM companies WHERE id = ?", (company_id,))


def _left(value: str) -> str:
    """The company a job change's old value names ("" when it names none)."""
    import json

    try:
        data = json.loads(value)
    except ValueError:
        return ""
    company = data.get("company") if isinstance(data, dict) else None
    return company if isinstance(company, str) else ""


def rename_company(store: Store, company_id: int, name: str, stamp: str) -> None:
    """The company's name becomes ``name``; its old name, when its key differs,
    one of its other names (and ``name`` no longer one)."""
    conn = store.conn
    old_name, old_key = conn.execute(
        "SELECT name, key FROM companies WHERE id = ?", (company_id,)
    ).fetchone()
    key = company_key(name)
    conn.execute("DELETE FROM company_aliases WHERE company_id = ? AND key = ?", (company_id, key))
    conn.execute(
        "UPDATE companies SET name = ?, key = ?, updated_at = ? WHERE id = ?",
        (name, key, stamp, company_id),
    )
    if key != old_key:
        conn.execute(
            "INSERT INTO company_aliases (uid, company_id, alias, key, updated_at)"
            " VALUES (?, ?, ?, ?, ?)",
            (new_uid(), company_id, old_name, old_key, stamp),
        )


def merge_companies(store: Store, keep: int, other: int, stamp: str) -> int:
    """Fold ``other`` into ``keep``: its name and aliases become ``keep``'s aliases,
    its people and its deals point at ``keep``. Returns how many people moved.

    The people's and deals' company text is left as it was: it now names an
    alias of ``keep``, so it reads (and syncs) as ``keep`` everywhere."""
    conn = store.conn
    name, key = conn.execute("SELECT name, key FROM companies WHERE id = ?", (other,)).fetchone()
    conn.execute(
        "UPDATE company_aliases SET company_id = ?, updated_at = ? WHERE company_id = ?",
        (keep, stamp, other),
    )
    moved = conn.execute(
        "UPDATE contacts SET company_id = ? WHERE company_id = ?", (keep, other)
    ).rowcount
    conn.execute("UPDATE deals SET company_id = ? WHERE company_id = ?", (keep, other))
    conn.execute("DELETE FROM companies WHERE id = ?", (other,))
    conn.execute(
        "INSERT INTO company_aliases (uid, company_id, alias, key, updated_at)"
        " VALUES (?, ?, ?, ?, ?)",
        (new_uid(), keep, name, key, stamp),
    )
    conn.execute("UPDATE companies SET updated_at = ? WHERE id = ?", (stamp, keep))
    return int(moved)


def same_company(store: Store, a: str | None, b: str | None) -> bool:
    """Whether two company texts name the same company record (or the same key)."""
    if not a or not b:
        return False
    if company_key(a) == company_key(b):
        return True
    found = find_company(store, a)
    return found is not None and found == find_company(store, b)


def people_count(store: Store, company_id: int) -> int:
    return int(
        store.conn.execute(
            "SELECT count(*) FROM contacts WHERE company_id = ?", (company_id,)
        ).fetchone()[0]
    )


def company_uid_map(store: Store) -> dict[str, int]:
    return {row[0]: row[1] for row in store.conn.execute("SELECT uid, id FROM companies")}


def record_merges(store: Store, records: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """What :func:`insert_company_record` of these records would merge here:
    (the company merged, the one it joins), without writing anything."""
    out: list[tuple[str, str]] = []
    for record in records:
        row = store.conn.execute(
            "SELECT id, name FROM companies WHERE uid = ?", (record["uid"],)
        ).fetchone()
        target = int(row[0]) if row else find_company(store, record["name"])
        here = company_row(store, target) if target is not None else None
        into = here.name if here is not None else " ".join(str(record["name"]).split())
        for alias in record.get("aliases") or []:
            if not (isinstance(alias, str) and alias.strip()):
                continue
            other = find_company(store, alias)
            if other is not None and other != target:
                found = company_row(store, other)
                if found is not None and (found.name, into) not in out:
                    out.append((found.name, into))
    return out


def insert_company_record(
    store: Store, record: dict[str, Any], stamp: str
) -> list[tuple[str, str]]:
    """A company from a record: by uid when known, else by name (aliases added).
    Returns the companies here it merged (the record's alias names them): (the
    one merged, the one it joined)."""
    row = store.conn.execute("SELECT id FROM companies WHERE uid = ?", (record["uid"],)).fetchone()
    if row is not None:
        company_id = int(row[0])
    else:
        company_id = find_company(store, record["name"]) or 0
        if not company_id:
            cursor = store.conn.execute(
                "INSERT INTO companies (uid, name, key, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                (
                    record["uid"],
                    " ".join(record["name"].split()),
                    company_key(record["name"]),
                    record.get("created_at") or stamp,
                    record.get("updated_at") or stamp,
                ),
            )
            assert cursor.lastrowid is not None
            company_id = cursor.lastrowid
    joined: list[tuple[str, str]] = []
    for alias in record.get("aliases") or []:
        if not (isinstance(alias, str) and alias.strip()):
            continue
        # An alias that names another company here (its name or one of its
        # aliases, as company_key reads them): the two were merged where the
        # record comes from (`wt company merge`), so here too, its people and
        # deals with them (as sync does; `wt undo` takes it back).
        other = find_company(store, alias)
        if other is None:
            add_alias(store, company_id, alias, record.get("updated_at") or stamp)
        elif other != company_id:
            merged = company_row(store, other)
            merge_companies(store, company_id, other, stamp)
            if merged is not None:
                into = company_row(store, company_id)
                joined.append((merged.name, into.name if into else str(record["name"])))
    return joined
