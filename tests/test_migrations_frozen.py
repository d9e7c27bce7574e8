"""Shipped migrations never change: each one's SQL is frozen, and hashed here.

A database upgraded last year and one created today must hold the same schema,
so the statements a migration runs may never depend on live code (a module's
current schema constant, a library's generated SQL). Changing what a shipped
migration runs makes this test fail; the fix is a new migration, never a new
hash. A new migration adds its hash here.
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from wintogether.store import migrations

#: sha256 of the statements each migration runs, in order, one per line.
SHIPPED = {
    "m001_initial": "f92ae520747f007ce105a149f02110ca92715147d8a043f1a0bc79587f0e8f4d",
    "m002_contact_events": "0657c52cb3c514a8efde6164415b4f178c71de52ea567575fdbdde114c8ea46d",
    "m003_change_journal": "95f4b2c97edeb9fb29d50541e880256463bbaf83f2b196bada38b37e3f2931bf",
    "m004_ledger_links": "d4a9515bcc68e150431068b95aefa1bb2f63d79e7d01c5977abb74a74fd2a29d",
    "m005_sync_state": "9406c745422e36373a66662be00605a2944e6a3125b1bd3f9901e128f0be5160",
    "m006_touch_on_insert": "3b4c25d6fa119c9566d3829b13b4be22ee926ec781498ac59871aee8e960492a",
    "m007_capture": "a1f3cf8af29e68b15835764026a501faa6f8290890c89c0ddfa47baee16a1c6e",
    "m008_accounts": "c234673705eb7f353c24cc824578fea9361ebc5e7d5f53e631c65caf5ef7eee6",
    "m009_sync_merge": "9e9c9277946398597ccb06d3ac05d60f7caa35642f2af0ee858e1266905c7acc",
    "m010_meetings_reminders": "f7570105a42825039c76a299af60beb34a40bf531ce811b3895a54654738b65c",
    "m011_sync_reminders": "0caac60d629a223fa00b4abe3a610acf7d4b283baf9d46fb90a05dba08dee0dc",
    "m012_sync_history": "e49de777b655066971acf2161127a45c635b2297fe1f7ff1670a411b24ebe0f6",
    "m013_standings": "7536a31cbc6229ad957a0e8736858d877cb4e2f14e4b6c4bc9a7e72d6203203a",
    "m014_deals": "4b15c38ccaf409729167f2fff2e1809e1c454a5e0e82b389cc670a0e4a4808b2",
    "m015_standings_seek": "03cd940a192a07d3b3fe245142a8ef2873623010d6c1a53cdaa0ba6a7ebd9df9",
    "m016_promises_by_contact_created": "0a779ac62dcf6faa2a1e293ed926afc8f17452069747e1bdadf2c381a26b3ed9",
    "m017_contact_touches": "0172e7e846e447a1d14096594045ea48ee9a0a97e6b615f407c83c0a1d323f5f",
    "m018_contact_quiet": "2e662fbc0c2cb5b0ba9e7b92a2981c159f901c122bacf7c5366a09acdd5c15c0",
    "m019_contact_birthday_day": "6e4aa9905286e0ad428d6f252742ff0049edd602dc6854de61e31140d050411d",
    "m020_counts_by_time": "ec6af76e027e2d1d6784fcb361cc0e18493a47c7c209c9fa8a2edba98f7d463c",
    "m021_give_first_ranges": "b680c98dad0fdf6199ac3da51fbffc6d50868f48fd75e6bea326b31db2e23994",
    "m022_journal_triggers_per_connection": (
        "189133dca2f767095f6d5155e71ae30bc20365e9d2356bbed84dc07a5f20c003"
    ),
}


def executed_statements() -> dict[str, list[str]]:
    """Every statement each migration runs on a fresh database, as SQLite saw it."""
    from sqlite_utils import Database

    conn = sqlite3.connect(":memory:", isolation_level=None)
    db = Database(conn)
    out: dict[str, list[str]] = {}
    try:
        for name, function in migrations.MIGRATIONS:
            seen: list[str] = []
            conn.set_trace_callback(seen.append)
            try:
                function(db)
            finally:
                conn.set_trace_callback(None)
            # Lines starting "--" are what SQLite runs inside FTS5 for us, not ours.
            out[name] = [s.strip() for s in seen if not s.startswith("--")]
    finally:
        conn.close()
    return out


def digest(statements: list[str]) -> str:
    return hashlib.sha256("\n".join(statements).encode()).hexdigest()


def test_every_migration_has_a_hash() -> None:
    assert [name for name, _ in migrations.MIGRATIONS] == list(SHIPPED)


@pytest.mark.parametrize("name", list(SHIPPED))
def test_shipped_migration_sql_is_unchanged(name: str) -> None:
    statements = executed_statements()[name]
    assert statements, "the measurement itself works: the migration ran statements"
    assert digest(statements) == SHIPPED[name], (
        f"{name} now runs different SQL. Shipped migrations are frozen: put the change"
        " in a new migration instead."
    )


def test_the_hash_sees_a_changed_statement(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check above can fail: edit one frozen statement and its hash moves."""
    before = digest(executed_statements()["m005_sync_state"])
    monkeypatch.setattr(
        migrations,
        "_M005_SQL",
        migrations._M005_SQL.replace("INDEX sync_state_file", "INDEX sync_state_files"),
    )
    assert digest(executed_statements()["m005_sync_state"]) != before
