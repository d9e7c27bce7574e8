"""Schema migrations: append-only, named ``mNNN_what``, never edited once shipped.

Every migration's SQL is a literal frozen in this file, never built from live
code or a library's output (tests/test_migrations_frozen.py keeps a hash of
each one). The change journal's triggers are in no migration: each writing
connection makes its own, from the columns the tables have then
(store/journal_active.py); m022 took away those the file held before.

``PRAGMA user_version`` holds the number of migrations applied, so opening an
up-to-date database costs two pragma reads and no sqlite-utils import. When
something is pending, every migration runs inside one ``BEGIN IMMEDIATE``
transaction that re-checks what is pending first, so two processes opening an
old database at the same moment migrate it exactly once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

    from wintogether.store.connection import Connection

MIGRATION_SET = "wintogether"


def m001_initial(db: Database) -> None:
    # The first schema. Every row has a uid (uuid4) and updated_at so that data
    # can later be merged across devices without collisions. Times are UTC
    # ISO-8601 strings ending in "Z"; due dates and birthdays are local dates.
    # Statement by statement: executescript() would COMMIT our transaction.
    # Then full-text search over contacts, conversation notes and promises, kept
    # in sync by triggers (the SQL sqlite-utils' enable_fts() wrote when this
    # shipped, frozen here). remove_diacritics: "jose" finds José.
    for statement in _statements(_M001_SQL + _M001_FTS_SQL):
        db.conn.execute(statement)


def _statements(script: str) -> list[str]:
    """Split a script into complete statements (triggers hold inner semicolons)."""
    import sqlite3

    out: list[str] = []
    buffer = ""
    for line in script.splitlines(keepends=True):
        if line.strip().startswith("--"):
            continue
        buffer += line
        if sqlite3.complete_statement(buffer):
            out.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete statement in migration: {buffer!r}")
    return out


_M001_SQL = """
CREATE TABLE contacts (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    company TEXT,
    title TEXT,
    how_met TEXT,
    met_on TEXT,
    introduced_by INTEGER REFERENCES contacts(id) ON DELETE SET NULL,
    birthday TEXT,
    cadence_days INTEGER CHECK (cadence_days IS NULL OR cadence_days > 0),
    notes TEXT,
    last_touch_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    archived_at TEXT
);
CREATE INDEX contacts_name ON contacts(name COLLATE NOCASE);

CREATE TABLE contact_emails (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    UNIQUE (contact_id, email)
);
CREATE INDEX contact_emails_email ON contact_emails(email COLLATE NOCASE);

CREATE TABLE contact_phones (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    phone TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    UNIQUE (contact_id, phone)
);

CREATE TABLE contact_urls (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'web' CHECK (kind IN ('linkedin', 'web')),
    url TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (contact_id, url)
);
CREATE INDEX contact_urls_url ON contact_urls(url);

CREATE TABLE tags (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    updated_at TEXT NOT NULL
);

CREATE TABLE contact_tags (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    tag_id INTEGER NOT NULL REFERENCES tags(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL,
    UNIQUE (contact_id, tag_id)
);
CREATE INDEX contact_tags_tag ON contact_tags(tag_id);

CREATE TABLE interactions (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    happened_at TEXT NOT NULL,
    channel TEXT NOT NULL
        CHECK (channel IN ('call', 'email', 'meeting', 'message', 'social', 'event', 'note')),
    note TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX interactions_happened ON interactions(happened_at);

CREATE TABLE interaction_participants (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    interaction_id INTEGER NOT NULL REFERENCES interactions(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL,
    UNIQUE (interaction_id, contact_id)
);
CREATE INDEX participants_contact ON interaction_participants(contact_id, interaction_id);

CREATE TABLE promises (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    text TEXT NOT NULL CHECK (length(trim(text)) > 0),
    due_on TEXT NOT NULL,
    owner TEXT NOT NULL CHECK (owner IN ('me', 'them')),
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'cancelled')),
    done_at TEXT,
    done_note TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX promises_open_due ON promises(status, due_on);
CREATE INDEX promises_contact ON promises(contact_id, due_on);

CREATE TABLE ledger (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    direction TEXT NOT NULL CHECK (direction IN ('gave', 'got')),
    kind TEXT NOT NULL DEFAULT 'other'
        CHECK (kind IN ('intro', 'referral', 'advice', 'favour', 'gift', 'deal', 'other')),
    text TEXT NOT NULL,
    happened_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX ledger_contact ON ledger(contact_id, happened_at);
CREATE INDEX ledger_happened ON ledger(happened_at);

-- contacts.last_touch_at is derived: the latest conversation with the contact.
-- Kept by triggers so that "who is slipping" reads one column per contact
-- instead of scanning every conversation ever logged.
CREATE TRIGGER participants_touch_ai AFTER INSERT ON interaction_participants BEGIN
    UPDATE contacts SET last_touch_at = (
        SELECT max(i.happened_at) FROM interaction_participants p
        JOIN interactions i ON i.id = p.interaction_id
        WHERE p.contact_id = NEW.contact_id
    ) WHERE id = NEW.contact_id;
END;
CREATE TRIGGER participants_touch_ad AFTER DELETE ON interaction_participants BEGIN
    UPDATE contacts SET last_touch_at = (
        SELECT max(i.happened_at) FROM interaction_participants p
        JOIN interactions i ON i.id = p.interaction_id
        WHERE p.contact_id = OLD.contact_id
    ) WHERE id = OLD.contact_id;
END;
CREATE TRIGGER interactions_touch_au AFTER UPDATE OF happened_at ON interactions BEGIN
    UPDATE contacts SET last_touch_at = (
        SELECT max(i.happened_at) FROM interaction_participants p
        JOIN interactions i ON i.id = p.interaction_id
        WHERE p.contact_id = contacts.id
    ) WHERE id IN (SELECT contact_id FROM interaction_participants
                   WHERE interaction_id = NEW.id);
END;
"""


_M001_FTS_SQL = """
CREATE VIRTUAL TABLE "contacts_fts" USING FTS5 (
    "name", "company", "title", "notes",
    tokenize='unicode61 remove_diacritics 2',
    content="contacts"
);
INSERT INTO "contacts_fts" (rowid, "name", "company", "title", "notes")
    SELECT rowid, "name", "company", "title", "notes" FROM "contacts";
CREATE TRIGGER "contacts_ai" AFTER INSERT ON "contacts" BEGIN
  INSERT INTO "contacts_fts" (rowid, "name", "company", "title", "notes") VALUES (new.rowid, new."name", new."company", new."title", new."notes");
END;
CREATE TRIGGER "contacts_ad" AFTER DELETE ON "contacts" BEGIN
  INSERT INTO "contacts_fts" ("contacts_fts", rowid, "name", "company", "title", "notes") VALUES('delete', old.rowid, old."name", old."company", old."title", old."notes");
END;
CREATE TRIGGER "contacts_au" AFTER UPDATE ON "contacts" BEGIN
  INSERT INTO "contacts_fts" ("contacts_fts", rowid, "name", "company", "title", "notes") VALUES('delete', old.rowid, old."name", old."company", old."title", old."notes");
  INSERT INTO "contacts_fts" (rowid, "name", "company", "title", "notes") VALUES (new.rowid, new."name", new."company", new."title", new."notes");
END;
CREATE VIRTUAL TABLE "interactions_fts" USING FTS5 (
    "note",
    tokenize='unicode61 remove_diacritics 2',
    content="interactions"
);
INSERT INTO "interactions_fts" (rowid, "note")
    SELECT rowid, "note" FROM "interactions";
CREATE TRIGGER "interactions_ai" AFTER INSERT ON "interactions" BEGIN
  INSERT INTO "interactions_fts" (rowid, "note") VALUES (new.rowid, new."note");
END;
CREATE TRIGGER "interactions_ad" AFTER DELETE ON "interactions" BEGIN
  INSERT INTO "interactions_fts" ("interactions_fts", rowid, "note") VALUES('delete', old.rowid, old."note");
END;
CREATE TRIGGER "interactions_au" AFTER UPDATE ON "interactions" BEGIN
  INSERT INTO "interactions_fts" ("interactions_fts", rowid, "note") VALUES('delete', old.rowid, old."note");
  INSERT INTO "interactions_fts" (rowid, "note") VALUES (new.rowid, new."note");
END;
CREATE VIRTUAL TABLE "promises_fts" USING FTS5 (
    "text",
    tokenize='unicode61 remove_diacritics 2',
    content="promises"
);
INSERT INTO "promises_fts" (rowid, "text")
    SELECT rowid, "text" FROM "promises";
CREATE TRIGGER "promises_ai" AFTER INSERT ON "promises" BEGIN
  INSERT INTO "promises_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
CREATE TRIGGER "promises_ad" AFTER DELETE ON "promises" BEGIN
  INSERT INTO "promises_fts" ("promises_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
END;
CREATE TRIGGER "promises_au" AFTER UPDATE ON "promises" BEGIN
  INSERT INTO "promises_fts" ("promises_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
  INSERT INTO "promises_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
"""


def m002_contact_events(db: Database) -> None:
    # Imports bring news and keep what they cannot model:
    # * contact_events: a contact's timeline entries that are not conversations,
    #   first of all job changes seen on a re-import ("now VP Sales at Initech,
    #   was Director at Initrode"). A job change asks for a conversation until
    #   one is logged after it (contacts.last_touch_at > happened_at), so no
    #   "acknowledged" flag is stored: logging the conversation clears it.
    # * contact_extras: vCard properties and other imported fields without a
    #   column of their own (X-ABLabel, ANNIVERSARY, ...), kept so an import
    #   loses nothing and an export can give them back.
    # * imports: one row per import that wrote something, for `wt doctor` and
    #   for anyone asking "where did this contact come from?".
    for statement in _statements(_M002_SQL):
        db.conn.execute(statement)


_M002_SQL = """
CREATE TABLE contact_events (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (length(kind) > 0),
    text TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    happened_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX contact_events_contact ON contact_events(contact_id, happened_at);
CREATE INDEX contact_events_kind ON contact_events(kind, happened_at);

CREATE TABLE contact_extras (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    UNIQUE (contact_id, key, value)
);

CREATE TABLE imports (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    format TEXT NOT NULL,
    file_name TEXT NOT NULL,
    added INTEGER NOT NULL,
    updated INTEGER NOT NULL,
    skipped INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


def m004_ledger_links(db: Database) -> None:
    # The win-together ledger needs three things m001 did not give it:
    # * an intro names two people: `to_contact_id` is the person the contact was
    #   introduced to, so the entry shows on both timelines (SET NULL: deleting
    #   the second person keeps the record of what was given);
    # * an outcome where both sides won carries two texts (what they gained, what
    #   I gained) and belongs to neither direction: its own table, `wins`, rather
    #   than a third `direction` value, which would mean rebuilding `ledger`;
    # * ledger and win text must be searchable like notes and promises, so both
    #   get an FTS5 index kept in sync by triggers (the same tokenizer as m001).
    for statement in _statements(_M004_SQL + _M004_FTS_SQL):
        db.conn.execute(statement)


_M004_SQL = """
ALTER TABLE ledger ADD COLUMN to_contact_id INTEGER
    REFERENCES contacts(id) ON DELETE SET NULL;
CREATE INDEX ledger_to_contact ON ledger(to_contact_id) WHERE to_contact_id IS NOT NULL;

CREATE TABLE wins (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    theirs TEXT NOT NULL CHECK (length(trim(theirs)) > 0),
    mine TEXT NOT NULL CHECK (length(trim(mine)) > 0),
    happened_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX wins_contact ON wins(contact_id, happened_at);
CREATE INDEX wins_happened ON wins(happened_at);

-- Summaries count promises made, kept and settled within a period.
CREATE INDEX promises_created ON promises(created_at);
CREATE INDEX promises_done ON promises(done_at) WHERE done_at IS NOT NULL;
CREATE INDEX contacts_created ON contacts(created_at);
"""


_M004_FTS_SQL = """
CREATE VIRTUAL TABLE "ledger_fts" USING FTS5 (
    "text",
    tokenize='unicode61 remove_diacritics 2',
    content="ledger"
);
INSERT INTO "ledger_fts" (rowid, "text")
    SELECT rowid, "text" FROM "ledger";
CREATE TRIGGER "ledger_ai" AFTER INSERT ON "ledger" BEGIN
  INSERT INTO "ledger_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
CREATE TRIGGER "ledger_ad" AFTER DELETE ON "ledger" BEGIN
  INSERT INTO "ledger_fts" ("ledger_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
END;
CREATE TRIGGER "ledger_au" AFTER UPDATE ON "ledger" BEGIN
  INSERT INTO "ledger_fts" ("ledger_fts", rowid, "text") VALUES('delete', old.rowid, old."text");
  INSERT INTO "ledger_fts" (rowid, "text") VALUES (new.rowid, new."text");
END;
CREATE VIRTUAL TABLE "wins_fts" USING FTS5 (
    "theirs", "mine",
    tokenize='unicode61 remove_diacritics 2',
    content="wins"
);
INSERT INTO "wins_fts" (rowid, "theirs", "mine")
    SELECT rowid, "theirs", "mine" FROM "wins";
CREATE TRIGGER "wins_ai" AFTER INSERT ON "wins" BEGIN
  INSERT INTO "wins_fts" (rowid, "theirs", "mine") VALUES (new.rowid, new."theirs", new."mine");
END;
CREATE TRIGGER "wins_ad" AFTER DELETE ON "wins" BEGIN
  INSERT INTO "wins_fts" ("wins_fts", rowid, "theirs", "mine") VALUES('delete', old.rowid, old."theirs", old."mine");
END;
CREATE TRIGGER "wins_au" AFTER UPDATE ON "wins" BEGIN
  INSERT INTO "wins_fts" ("wins_fts", rowid, "theirs", "mine") VALUES('delete', old.rowid, old."theirs", old."mine");
  INSERT INTO "wins_fts" (rowid, "theirs", "mine") VALUES (new.rowid, new."theirs", new."mine");
END;
"""


def m003_change_journal(db: Database) -> None:
    # The change journal (store/journal.py): an append-only record of every row
    # change, grouped by command, so that `wt undo` can revert the last command
    # as one unit and later multi-device merging has a history to build on.
    # The triggers are (re)created by migrate() after every run, from the
    # columns the tables have by then.
    for statement in _statements(_M003_SQL):
        db.conn.execute(statement)


_M003_SQL = """
CREATE TABLE journal_commands (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    summary TEXT NOT NULL,
    at TEXT NOT NULL,
    -- plain ids, not foreign keys: an undo stays an undo (and an undone
    -- command stays undone) even after ``forget`` removed its partner
    undoes INTEGER,
    undone_by INTEGER
);
CREATE TABLE journal (
    id INTEGER PRIMARY KEY,
    command_id INTEGER NOT NULL REFERENCES journal_commands(id) ON DELETE CASCADE,
    tbl TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    row_id INTEGER NOT NULL,
    old TEXT,
    new TEXT
);
CREATE INDEX journal_command ON journal(command_id, id);
CREATE INDEX journal_row ON journal(tbl, row_id);
CREATE TABLE journal_active (
    only INTEGER PRIMARY KEY CHECK (only = 1),
    command_id INTEGER NOT NULL
);
"""


def m005_sync_state(db: Database) -> None:
    # `wt sync DIR` exchanges contacts, promises and conversations with a folder
    # of .vcf/.ics files (a vdir, synced with CardDAV/CalDAV servers by
    # vdirsyncer). To tell "changed here" from "changed there" it remembers,
    # per vdir and item, what both sides looked like after the last sync: the
    # file's name, content hash, size and mtime, the change time the file
    # itself carried (REV/LAST-MODIFIED), whether this side wrote it, and the
    # row's version (its updated_at; for a promise also its contact's name).
    # Bookkeeping, not data: deliberately not in journal.JOURNALED_TABLES, so
    # `wt undo` never rewinds it (an undone sync is then simply a local change
    # the next sync sends out).
    for statement in _statements(_M005_SQL):
        db.conn.execute(statement)


_M005_SQL = """
CREATE TABLE sync_state (
    id INTEGER PRIMARY KEY,
    vdir TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('contact', 'promise', 'conversation')),
    uid TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    file_mtime_ns INTEGER NOT NULL,
    file_stamp TEXT,
    sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    db_version TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    UNIQUE (vdir, kind, uid)
);
CREATE INDEX sync_state_file ON sync_state(vdir, kind, file_name);
"""


def m006_touch_on_insert(db: Database) -> None:
    # m001's insert trigger recomputed contacts.last_touch_at as the maximum over
    # the contact's whole history on every logged conversation: 12 ms per `wt log`
    # for a contact with 12,000 conversations. A new conversation can only move
    # the last touch forward, so on insert compare with the one new row instead.
    # (Deleting a conversation or moving its date still recomputes: rare, and it
    # must find the next latest.)
    for statement in _statements(_M006_SQL):
        db.conn.execute(statement)


_M006_SQL = """
DROP TRIGGER participants_touch_ai;
CREATE TRIGGER participants_touch_ai AFTER INSERT ON interaction_participants BEGIN
    UPDATE contacts SET last_touch_at = (
        SELECT happened_at FROM interactions WHERE id = NEW.interaction_id
    ) WHERE id = NEW.contact_id AND (
        last_touch_at IS NULL
        OR last_touch_at < (SELECT happened_at FROM interactions WHERE id = NEW.interaction_id)
    );
END;
"""


def m007_capture(db: Database) -> None:
    # `wt scan` reads calendars and mail folders (read-only) and proposes
    # conversations; `wt review` accepts, skips or refuses them.
    # * capture_proposals: one per meeting occurrence (event UID + recurrence
    #   id) or per mail thread and day, with the source items it stands for
    #   (JSON list of occurrence keys or Message-IDs) and, once accepted, the
    #   conversation it became (so it is never proposed twice). Journaled: an
    #   accept or a skip is undone like any write.
    # * capture_proposal_people: the contacts a proposal is with (cascades
    #   when a contact is deleted or forgotten).
    # * capture_never: people the seller never wants proposed. Journaled.
    # * capture_sources, capture_seen, capture_people: bookkeeping (not
    #   journaled): per calendar file / mail folder what was read last time,
    #   the items already counted, and people talked to who are not contacts.
    for statement in _statements(_M007_SQL):
        db.conn.execute(statement)


_M007_SQL = """
CREATE TABLE capture_proposals (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    source_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL CHECK (kind IN ('meeting', 'email')),
    direction TEXT NOT NULL DEFAULT '' CHECK (direction IN ('', 'to', 'from')),
    happened_at TEXT NOT NULL,
    last_at TEXT NOT NULL,
    subject TEXT NOT NULL,
    items TEXT NOT NULL,
    source TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending'
        CHECK (status IN ('pending', 'accepted', 'skipped', 'never')),
    interaction_id INTEGER REFERENCES interactions(id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX capture_proposals_status ON capture_proposals(status, happened_at);

CREATE TABLE capture_proposal_people (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    proposal_id INTEGER NOT NULL REFERENCES capture_proposals(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    position INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    UNIQUE (proposal_id, contact_id)
);
CREATE INDEX capture_proposal_people_contact ON capture_proposal_people(contact_id);

CREATE TABLE capture_never (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    contact_id INTEGER NOT NULL UNIQUE REFERENCES contacts(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL
);

CREATE TABLE capture_sources (
    path TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL DEFAULT 0,
    mtime_ns INTEGER NOT NULL DEFAULT 0,
    read_offset INTEGER NOT NULL DEFAULT 0,
    watermark_ns INTEGER NOT NULL DEFAULT 0,
    recurring INTEGER NOT NULL DEFAULT 0,
    latest TEXT,
    scanned_until TEXT NOT NULL
);

CREATE TABLE capture_seen (key TEXT PRIMARY KEY) WITHOUT ROWID;

CREATE TABLE capture_people (
    email TEXT PRIMARY KEY COLLATE NOCASE,
    name TEXT NOT NULL DEFAULT '',
    meetings INTEGER NOT NULL DEFAULT 0,
    emails INTEGER NOT NULL DEFAULT 0,
    last_at TEXT NOT NULL
);
"""


def m008_accounts(db: Database) -> None:
    # Accounts: a company is a record of its own, not only the text on a contact.
    # * companies: one per organisation, with ``key``, the name normalised for
    #   matching (case, punctuation, spacing, accents and legal forms such as
    #   "Inc" or "GmbH" do not count; see store/companies.py).
    # * company_aliases: other names of the same company ("Northwind" for
    #   "Northwind Traders"), each with its key; `wt company merge` adds them.
    # * contacts.company_id: the company record the contact's company text names
    #   (kept by every write of that text); contacts.account_role: their part in
    #   the account (champion, economic-buyer, ...); contacts.reports_to: their
    #   manager, another contact. Both references go NULL when the row goes.
    for statement in _statements(_M008_SQL):
        db.conn.execute(statement)


_M008_SQL = """
CREATE TABLE companies (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL CHECK (length(trim(name)) > 0),
    key TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE company_aliases (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    company_id INTEGER NOT NULL REFERENCES companies(id) ON DELETE CASCADE,
    alias TEXT NOT NULL CHECK (length(trim(alias)) > 0),
    key TEXT NOT NULL UNIQUE,
    updated_at TEXT NOT NULL
);
CREATE INDEX company_aliases_company ON company_aliases(company_id);

ALTER TABLE contacts ADD COLUMN company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL;
ALTER TABLE contacts ADD COLUMN account_role TEXT CHECK (account_role IS NULL OR account_role IN
    ('champion', 'economic-buyer', 'decision-maker', 'influencer', 'user', 'blocker', 'other'));
ALTER TABLE contacts ADD COLUMN reports_to INTEGER REFERENCES contacts(id) ON DELETE SET NULL;
CREATE INDEX contacts_company ON contacts(company_id);
CREATE INDEX contacts_reports_to ON contacts(reports_to);
CREATE INDEX contacts_introduced_by ON contacts(introduced_by);
"""


def m009_sync_merge(db: Database) -> None:
    # Three-way merge for `wt sync`: each item's synced fields as both sides
    # last agreed on (``base``, JSON), and the fields this database last wrote
    # into the file while no other version of it has been seen (``ours``, JSON),
    # so that fields changed on different sides both survive and a conflict is
    # a field changed on both. The "changed since" mark of each vdir (the last
    # change-journal entry at its last sync) moves from a sync_state row with
    # an empty uid into a table of its own. ``sync_forgotten`` keeps the uids
    # of contacts forgotten here (`wt forget`; a random uid, nothing about the
    # person) so a journal entry only with them that arrives later is removed
    # from the vdir once instead of skipped on every run. Bookkeeping, not
    # journaled (as m005).
    for statement in _statements(_M009_SQL):
        db.conn.execute(statement)


_M009_SQL = """
ALTER TABLE sync_state ADD COLUMN base TEXT;
ALTER TABLE sync_state ADD COLUMN ours TEXT;
CREATE TABLE sync_marks (
    vdir TEXT PRIMARY KEY,
    journal_id INTEGER NOT NULL,
    synced_at TEXT NOT NULL
);
INSERT INTO sync_marks (vdir, journal_id, synced_at)
    SELECT vdir, CAST(db_version AS INTEGER), synced_at FROM sync_state WHERE uid = '';
DELETE FROM sync_state WHERE uid = '';
CREATE TABLE sync_forgotten (
    uid TEXT PRIMARY KEY,
    forgotten_at TEXT NOT NULL
);
"""


def m010_meetings_reminders(db: Database) -> None:
    # `wt brief`, `wt today` and `wt remind` need the meetings ahead, which are
    # not conversations yet (and may never be).
    # * capture_meetings: each meeting occurrence `wt scan` read from today to
    #   the next two weeks: start, end, summary and the other people in it
    #   (JSON list of [email, name]; matched to contacts when read, so a
    #   contact added later is recognised). A copy of the calendar, replaced
    #   for the window of each file read: bookkeeping like capture_sources,
    #   not journaled (an undo would bring back a stale copy) and not exported
    #   (the calendar is where meetings live).
    # * reminders_sent: what `wt remind` has shown, one key per reminder and
    #   day, so each is sent once. Not journaled: undoing a command must not
    #   make reminders go out again, and `wt remind` is not a change to undo.
    for statement in _statements(_M010_SQL):
        db.conn.execute(statement)


_M010_SQL = """
CREATE TABLE capture_meetings (
    key TEXT PRIMARY KEY,
    source TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT,
    all_day INTEGER NOT NULL DEFAULT 0,
    summary TEXT NOT NULL,
    people TEXT NOT NULL
);
CREATE INDEX capture_meetings_start ON capture_meetings(starts_at);
CREATE INDEX capture_meetings_source ON capture_meetings(source, starts_at);

CREATE TABLE reminders_sent (
    key TEXT PRIMARY KEY,
    sent_at TEXT NOT NULL
) WITHOUT ROWID;
"""


def m011_sync_reminders(db: Database) -> None:
    # `[sync] reminders = true` puts alarms (VALARM) on the synced promises'
    # to-dos and keeps "Reach out to ..." to-dos for the most slipping
    # relationships in the vdir's reminders/ folder. What it wrote is
    # remembered here, per vdir, so a sync with nothing new reads no file:
    # * kind 'alarm', uid a promise's uid: the trigger its file carries
    #   ('' for none) and the file's hash when it was checked;
    # * kind 'reach_out', uid a contact's uid: the to-do's file (name, hash,
    #   size, mtime; file_name '' once deleted on the phone, so it is not made
    #   again while the person still slips) and its summary.
    # Bookkeeping, not data: not journaled, like sync_state.
    for statement in _statements(_M011_SQL):
        db.conn.execute(statement)


_M011_SQL = """
CREATE TABLE sync_reminders (
    id INTEGER PRIMARY KEY,
    vdir TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('alarm', 'reach_out')),
    uid TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    file_size INTEGER NOT NULL DEFAULT 0,
    file_mtime_ns INTEGER NOT NULL DEFAULT 0,
    value TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    UNIQUE (vdir, kind, uid)
);
"""


def m012_sync_history(db: Database) -> None:
    # `wt sync` also carries ledger entries, wins and timeline events (a fourth
    # collection, ``history/``, for a second database), so the sync state
    # remembers items of kind 'history' too. SQLite cannot change a CHECK in
    # place: the table is rebuilt with the same columns and rows. Contacts and
    # promises synced before now carry new fields on their cards and to-dos
    # (how met, cadence, ...; the conversation a promise was made in): their
    # remembered row version is cleared, so the next sync writes each file
    # once more (patched) and the other database receives them.
    for statement in _statements(_M012_SQL):
        db.conn.execute(statement)


_M012_SQL = """
CREATE TABLE sync_state_new (
    id INTEGER PRIMARY KEY,
    vdir TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('contact', 'promise', 'conversation', 'history')),
    uid TEXT NOT NULL,
    file_name TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    file_size INTEGER NOT NULL,
    file_mtime_ns INTEGER NOT NULL,
    file_stamp TEXT,
    sent INTEGER NOT NULL DEFAULT 0 CHECK (sent IN (0, 1)),
    db_version TEXT NOT NULL,
    synced_at TEXT NOT NULL,
    base TEXT,
    ours TEXT,
    UNIQUE (vdir, kind, uid)
);
INSERT INTO sync_state_new (id, vdir, kind, uid, file_name, content_hash, file_size,
    file_mtime_ns, file_stamp, sent, db_version, synced_at, base, ours)
    SELECT id, vdir, kind, uid, file_name, content_hash, file_size, file_mtime_ns, file_stamp,
        sent, db_version, synced_at, base, ours FROM sync_state;
DROP TABLE sync_state;
ALTER TABLE sync_state_new RENAME TO sync_state;
CREATE INDEX sync_state_file ON sync_state(vdir, kind, file_name);
UPDATE sync_state SET db_version = '' WHERE kind IN ('contact', 'promise')
    AND file_name != '' AND db_version != 'unmatched';
"""


def m013_standings(db: Database) -> None:
    # Per-contact standings, kept current by triggers in the same transaction as
    # every write (log, gave/got, done, edit, delete, merge, undo, import, sync,
    # forget all write the base tables; the triggers follow):
    # * standings: one row per contact: open promises both ways (how many, the
    #   earliest due day); the latest ledger entry (when, which way), the latest
    #   entry the other way (when, id: the "turn") and when the latest run of
    #   entries in one direction began (one_way_since). Orders are (happened_at,
    #   id), as the balance reads them.
    # * standing_months: value given and received per contact and UTC month of
    #   the entry, so a 12-month window is 11 whole months plus the two partial
    #   ones read from the ledger itself: the window moves with the clock, the
    #   buckets do not.
    # Derived data, not the user's: not journaled (undo reverts the base rows
    # and the triggers follow), not exported; `wt doctor` compares them with a
    # recomputation and `wt doctor --fix` rebuilds them. Filled here for
    # existing databases.
    for statement in _statements(_M013_SQL):
        db.conn.execute(statement)


def _m013_refresh(who: str) -> str:
    """The statements that recompute one contact's standings row (frozen below)."""
    return f"""
    INSERT OR IGNORE INTO standings (contact_id)
        SELECT {who} WHERE EXISTS (SELECT 1 FROM contacts WHERE id = {who});
    UPDATE standings SET
        my_open = (SELECT count(*) FROM promises
            WHERE contact_id = {who} AND owner = 'me' AND status = 'open'),
        my_first_due = (SELECT min(due_on) FROM promises
            WHERE contact_id = {who} AND owner = 'me' AND status = 'open'),
        their_open = (SELECT count(*) FROM promises
            WHERE contact_id = {who} AND owner = 'them' AND status = 'open'),
        their_first_due = (SELECT min(due_on) FROM promises
            WHERE contact_id = {who} AND owner = 'them' AND status = 'open'),
        ledger_last_at = (SELECT happened_at FROM ledger WHERE contact_id = {who}
            ORDER BY happened_at DESC, id DESC LIMIT 1),
        ledger_last_direction = (SELECT direction FROM ledger WHERE contact_id = {who}
            ORDER BY happened_at DESC, id DESC LIMIT 1)
        WHERE contact_id = {who};
    UPDATE standings SET
        ledger_turn_at = (SELECT happened_at FROM ledger WHERE contact_id = {who}
            AND direction != standings.ledger_last_direction
            ORDER BY happened_at DESC, id DESC LIMIT 1),
        ledger_turn_id = (SELECT id FROM ledger WHERE contact_id = {who}
            AND direction != standings.ledger_last_direction
            ORDER BY happened_at DESC, id DESC LIMIT 1)
        WHERE contact_id = {who};
    UPDATE standings SET
        one_way_since = (SELECT min(l.happened_at) FROM ledger l WHERE l.contact_id = {who}
            AND (standings.ledger_turn_id IS NULL
                OR (l.happened_at, l.id) > (standings.ledger_turn_at, standings.ledger_turn_id)))
        WHERE contact_id = {who};
"""


def _m013_months_add(row: str) -> str:
    return f"""
    INSERT INTO standing_months (contact_id, month, given, received)
        SELECT {row}.contact_id, substr({row}.happened_at, 1, 7),
            {row}.direction = 'gave', {row}.direction = 'got'
        WHERE EXISTS (SELECT 1 FROM contacts WHERE id = {row}.contact_id)
        ON CONFLICT (contact_id, month) DO UPDATE
            SET given = given + excluded.given, received = received + excluded.received;
"""


def _m013_months_remove(row: str) -> str:
    return f"""
    UPDATE standing_months SET given = given - ({row}.direction = 'gave'),
        received = received - ({row}.direction = 'got')
        WHERE contact_id = {row}.contact_id AND month = substr({row}.happened_at, 1, 7);
    DELETE FROM standing_months WHERE contact_id = {row}.contact_id
        AND month = substr({row}.happened_at, 1, 7) AND given = 0 AND received = 0;
"""


_M013_SQL = (
    """
CREATE TABLE standings (
    contact_id INTEGER PRIMARY KEY,
    my_open INTEGER NOT NULL DEFAULT 0,
    my_first_due TEXT,
    their_open INTEGER NOT NULL DEFAULT 0,
    their_first_due TEXT,
    ledger_last_at TEXT,
    ledger_last_direction TEXT,
    ledger_turn_at TEXT,
    ledger_turn_id INTEGER,
    one_way_since TEXT
);
CREATE INDEX standings_ledger_last ON standings(ledger_last_at);
CREATE INDEX standings_my_first_due ON standings(my_first_due);
CREATE TABLE standing_months (
    contact_id INTEGER NOT NULL,
    month TEXT NOT NULL,
    given INTEGER NOT NULL,
    received INTEGER NOT NULL,
    PRIMARY KEY (contact_id, month)
) WITHOUT ROWID;
CREATE INDEX standing_months_month ON standing_months(month, contact_id, given, received);
CREATE INDEX promises_open_contact ON promises(contact_id, owner, due_on) WHERE status = 'open';
INSERT INTO standings (contact_id) SELECT id FROM contacts;
"""
    + _m013_refresh("standings.contact_id")
    .replace(
        "INSERT OR IGNORE INTO standings (contact_id)\n"
        "        SELECT standings.contact_id WHERE EXISTS"
        " (SELECT 1 FROM contacts WHERE id = standings.contact_id);",
        "",
    )
    .replace("WHERE contact_id = standings.contact_id;", ";")
    + """
INSERT INTO standing_months (contact_id, month, given, received)
    SELECT contact_id, substr(happened_at, 1, 7), sum(direction = 'gave'), sum(direction = 'got')
    FROM ledger GROUP BY 1, 2;
CREATE TRIGGER standings_contacts_ai AFTER INSERT ON contacts BEGIN
    DELETE FROM standing_months WHERE contact_id = NEW.id;
    INSERT INTO standing_months (contact_id, month, given, received)
        SELECT contact_id, substr(happened_at, 1, 7), sum(direction = 'gave'),
            sum(direction = 'got')
        FROM ledger WHERE contact_id = NEW.id GROUP BY 1, 2;
"""
    + _m013_refresh("NEW.id")
    + """
END;
CREATE TRIGGER standings_contacts_ad AFTER DELETE ON contacts BEGIN
    DELETE FROM standings WHERE contact_id = OLD.id;
    DELETE FROM standing_months WHERE contact_id = OLD.id;
END;
CREATE TRIGGER standings_promises_ai AFTER INSERT ON promises BEGIN
"""
    + _m013_refresh("NEW.contact_id")
    + """
END;
CREATE TRIGGER standings_promises_ad AFTER DELETE ON promises BEGIN
"""
    + _m013_refresh("OLD.contact_id")
    + """
END;
CREATE TRIGGER standings_promises_au AFTER UPDATE OF contact_id, owner, status, due_on
ON promises BEGIN
"""
    + _m013_refresh("OLD.contact_id")
    + _m013_refresh("NEW.contact_id")
    + """
END;
CREATE TRIGGER standings_ledger_ai AFTER INSERT ON ledger BEGIN
"""
    + _m013_months_add("NEW")
    + _m013_refresh("NEW.contact_id")
    + """
END;
CREATE TRIGGER standings_ledger_ad AFTER DELETE ON ledger BEGIN
"""
    + _m013_months_remove("OLD")
    + _m013_refresh("OLD.contact_id")
    + """
END;
CREATE TRIGGER standings_ledger_au AFTER UPDATE OF contact_id, direction, happened_at
ON ledger BEGIN
"""
    + _m013_months_remove("OLD")
    + _m013_months_add("NEW")
    + _m013_refresh("OLD.contact_id")
    + _m013_refresh("NEW.contact_id")
    + """
END;
"""
)


def m014_deals(db: Database) -> None:
    # Deals where both sides win, with a mutual action plan.
    # * deals: what is being sold to whom (the company as typed, and the
    #   company record that text names, as for contacts: SET NULL when the
    #   company goes), the target date, both wins in words (a deal is won only
    #   when both are written), its status and, once closed, why; `notes` and
    #   `close_note` are the seller's own: never shared.
    # * deal_people: the contacts on a deal, in the order they were added; a
    #   forgotten person leaves the deal and the deal stays.
    # * deal_steps: the plan. Each step IS a promise (so it shows in
    #   followups, today, health and sync), with its place in the plan, a
    #   milestone flag and at most one step it follows (SET NULL: removing a
    #   step frees the steps after it).
    # * plan_templates: a plan saved as days before the target, to apply to
    #   another deal backwards from its date (steps as JSON).
    # * deals_fts: search finds a deal by its title, company, either win or its
    #   notes (the same tokenizer as m001; steps are promises, searched already).
    for statement in _statements(_M014_SQL + _M014_FTS_SQL):
        db.conn.execute(statement)


_M014_SQL = """
CREATE TABLE deals (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL CHECK (length(trim(title)) > 0),
    company TEXT,
    company_id INTEGER REFERENCES companies(id) ON DELETE SET NULL,
    target_on TEXT,
    they_win TEXT,
    we_win TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'won', 'lost', 'dropped')),
    closed_at TEXT,
    close_note TEXT,
    notes TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX deals_status_target ON deals(status, target_on);
CREATE INDEX deals_created ON deals(created_at);
CREATE INDEX deals_closed ON deals(closed_at) WHERE closed_at IS NOT NULL;
CREATE INDEX deals_company ON deals(company_id) WHERE company_id IS NOT NULL;

CREATE TABLE deal_people (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    contact_id INTEGER NOT NULL REFERENCES contacts(id) ON DELETE CASCADE,
    updated_at TEXT NOT NULL,
    UNIQUE (deal_id, contact_id)
);
CREATE INDEX deal_people_contact ON deal_people(contact_id);

CREATE TABLE deal_steps (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    deal_id INTEGER NOT NULL REFERENCES deals(id) ON DELETE CASCADE,
    promise_id INTEGER NOT NULL UNIQUE REFERENCES promises(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    milestone INTEGER NOT NULL DEFAULT 0 CHECK (milestone IN (0, 1)),
    after_step_id INTEGER REFERENCES deal_steps(id) ON DELETE SET NULL
        CHECK (after_step_id IS NULL OR after_step_id != id),
    updated_at TEXT NOT NULL
);
CREATE INDEX deal_steps_deal ON deal_steps(deal_id, position);
CREATE INDEX deal_steps_after ON deal_steps(after_step_id) WHERE after_step_id IS NOT NULL;

CREATE TABLE plan_templates (
    id INTEGER PRIMARY KEY,
    uid TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE CHECK (length(trim(name)) > 0),
    steps TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
"""


_M014_FTS_SQL = """
CREATE VIRTUAL TABLE "deals_fts" USING FTS5 (
    "title", "company", "they_win", "we_win", "notes",
    tokenize='unicode61 remove_diacritics 2',
    content="deals"
);
CREATE TRIGGER "deals_ai" AFTER INSERT ON "deals" BEGIN
  INSERT INTO "deals_fts" (rowid, "title", "company", "they_win", "we_win", "notes")
    VALUES (new.rowid, new."title", new."company", new."they_win", new."we_win", new."notes");
END;
CREATE TRIGGER "deals_ad" AFTER DELETE ON "deals" BEGIN
  INSERT INTO "deals_fts" ("deals_fts", rowid, "title", "company", "they_win", "we_win", "notes")
    VALUES ('delete', old.rowid, old."title", old."company", old."they_win", old."we_win", old."notes");
END;
CREATE TRIGGER "deals_au" AFTER UPDATE ON "deals" BEGIN
  INSERT INTO "deals_fts" ("deals_fts", rowid, "title", "company", "they_win", "we_win", "notes")
    VALUES ('delete', old.rowid, old."title", old."company", old."they_win", old."we_win", old."notes");
  INSERT INTO "deals_fts" (rowid, "title", "company", "they_win", "we_win", "notes")
    VALUES (new.rowid, new."title", new."company", new."they_win", new."we_win", new."notes");
END;
"""


def m015_standings_seek(db: Database) -> None:
    # The standings triggers of m013 read, on every write, the contact's whole
    # run of entries in one direction (to find the turn and where the run
    # began) and recomputed the ledger figures when a promise changed: a
    # contact with thousands of entries one way made a bulk import quadratic.
    # Now the turn is one seek in an index by direction, the run's start one
    # seek after it, and a promise refreshes only the promise figures, a
    # ledger entry only the ledger figures. Same values.
    for statement in _statements(_M015_SQL):
        db.conn.execute(statement)


def m016_promises_by_contact_created(db: Database) -> None:
    # `wt show` lists a contact's newest promises: through promises_contact
    # (contact_id, due_on) that read and sorted all of them (1,300 for a key
    # account) to keep 20. In creation order per contact, it stops at the limit.
    db.conn.execute(
        "CREATE INDEX IF NOT EXISTS promises_contact_created ON promises(contact_id, created_at)"
    )


def _m015_promises(who: str) -> str:
    return f"""
    INSERT OR IGNORE INTO standings (contact_id)
        SELECT {who} WHERE EXISTS (SELECT 1 FROM contacts WHERE id = {who});
    UPDATE standings SET
        my_open = (SELECT count(*) FROM promises
            WHERE contact_id = {who} AND owner = 'me' AND status = 'open'),
        my_first_due = (SELECT min(due_on) FROM promises
            WHERE contact_id = {who} AND owner = 'me' AND status = 'open'),
        their_open = (SELECT count(*) FROM promises
            WHERE contact_id = {who} AND owner = 'them' AND status = 'open'),
        their_first_due = (SELECT min(due_on) FROM promises
            WHERE contact_id = {who} AND owner = 'them' AND status = 'open')
        WHERE contact_id = {who};
"""


def _m015_ledger(who: str) -> str:
    return f"""
    INSERT OR IGNORE INTO standings (contact_id)
        SELECT {who} WHERE EXISTS (SELECT 1 FROM contacts WHERE id = {who});
    UPDATE standings SET
        ledger_last_at = (SELECT happened_at FROM ledger WHERE contact_id = {who}
            ORDER BY happened_at DESC, id DESC LIMIT 1),
        ledger_last_direction = (SELECT direction FROM ledger WHERE contact_id = {who}
            ORDER BY happened_at DESC, id DESC LIMIT 1)
        WHERE contact_id = {who};
    UPDATE standings SET
        ledger_turn_at = (SELECT happened_at FROM ledger WHERE contact_id = {who}
            AND direction = CASE standings.ledger_last_direction
                WHEN 'gave' THEN 'got' ELSE 'gave' END
            ORDER BY happened_at DESC, id DESC LIMIT 1),
        ledger_turn_id = (SELECT id FROM ledger WHERE contact_id = {who}
            AND direction = CASE standings.ledger_last_direction
                WHEN 'gave' THEN 'got' ELSE 'gave' END
            ORDER BY happened_at DESC, id DESC LIMIT 1)
        WHERE contact_id = {who};
    UPDATE standings SET
        one_way_since = CASE WHEN standings.ledger_turn_id IS NULL
            THEN (SELECT min(happened_at) FROM ledger WHERE contact_id = {who})
            ELSE (SELECT happened_at FROM ledger WHERE contact_id = {who}
                AND (happened_at, id) > (standings.ledger_turn_at, standings.ledger_turn_id)
                ORDER BY happened_at, id LIMIT 1) END
        WHERE contact_id = {who};
"""


_M015_SQL = (
    """
CREATE INDEX ledger_contact_direction ON ledger(contact_id, direction, happened_at);
DROP TRIGGER standings_contacts_ai;
DROP TRIGGER standings_promises_ai;
DROP TRIGGER standings_promises_ad;
DROP TRIGGER standings_promises_au;
DROP TRIGGER standings_ledger_ai;
DROP TRIGGER standings_ledger_ad;
DROP TRIGGER standings_ledger_au;
CREATE TRIGGER standings_contacts_ai AFTER INSERT ON contacts BEGIN
    DELETE FROM standing_months WHERE contact_id = NEW.id;
    INSERT INTO standing_months (contact_id, month, given, received)
        SELECT contact_id, substr(happened_at, 1, 7), sum(direction = 'gave'),
            sum(direction = 'got')
        FROM ledger WHERE contact_id = NEW.id GROUP BY 1, 2;
"""
    + _m015_promises("NEW.id")
    + _m015_ledger("NEW.id")
    + """
END;
CREATE TRIGGER standings_promises_ai AFTER INSERT ON promises BEGIN
"""
    + _m015_promises("NEW.contact_id")
    + """
END;
CREATE TRIGGER standings_promises_ad AFTER DELETE ON promises BEGIN
"""
    + _m015_promises("OLD.contact_id")
    + """
END;
CREATE TRIGGER standings_promises_au AFTER UPDATE OF contact_id, owner, status, due_on
ON promises BEGIN
"""
    + _m015_promises("OLD.contact_id")
    + _m015_promises("NEW.contact_id")
    + """
END;
CREATE TRIGGER standings_ledger_ai AFTER INSERT ON ledger BEGIN
"""
    + _m013_months_add("NEW")
    + _m015_ledger("NEW.contact_id")
    + """
END;
CREATE TRIGGER standings_ledger_ad AFTER DELETE ON ledger BEGIN
"""
    + _m013_months_remove("OLD")
    + _m015_ledger("OLD.contact_id")
    + """
END;
CREATE TRIGGER standings_ledger_au AFTER UPDATE OF contact_id, direction, happened_at
ON ledger BEGIN
"""
    + _m013_months_remove("OLD")
    + _m013_months_add("NEW")
    + _m015_ledger("OLD.contact_id")
    + _m015_ledger("NEW.contact_id")
    + """
END;
"""
)


def m017_contact_touches(db: Database) -> None:
    # Who was in which conversation, by the person and the conversation's time:
    # one row per participant (contact_id, happened_at, interaction_id), kept by
    # triggers on interaction_participants and interactions in the transaction
    # of the write (log, edit, delete, merge, forget, undo, import, sync all
    # write those rows; the triggers follow). "Conversations with these people
    # since a day" and "per month" (`wt path`, `wt company`) read one index
    # range per person instead of looking up every conversation ever held with
    # them: a key account's people have tens of thousands. Derived data, like
    # the standings (m013): not journaled, not exported; store/touches.py
    # compares and rebuilds it. Filled here for existing databases.
    for statement in _statements(_M017_SQL):
        db.conn.execute(statement)


_M017_SQL = """
CREATE TABLE contact_touches (
    contact_id INTEGER NOT NULL,
    happened_at TEXT NOT NULL,
    interaction_id INTEGER NOT NULL,
    PRIMARY KEY (contact_id, happened_at, interaction_id)
) WITHOUT ROWID;
CREATE INDEX contact_touches_interaction ON contact_touches(interaction_id, contact_id);
INSERT INTO contact_touches (contact_id, happened_at, interaction_id)
    SELECT p.contact_id, i.happened_at, p.interaction_id
    FROM interaction_participants p JOIN interactions i ON i.id = p.interaction_id;
CREATE TRIGGER contact_touches_ai AFTER INSERT ON interaction_participants BEGIN
    INSERT OR IGNORE INTO contact_touches (contact_id, happened_at, interaction_id)
        SELECT NEW.contact_id, happened_at, NEW.interaction_id FROM interactions
        WHERE id = NEW.interaction_id;
END;
CREATE TRIGGER contact_touches_ad AFTER DELETE ON interaction_participants BEGIN
    DELETE FROM contact_touches
        WHERE interaction_id = OLD.interaction_id AND contact_id = OLD.contact_id;
END;
CREATE TRIGGER contact_touches_au AFTER UPDATE OF contact_id, interaction_id
ON interaction_participants BEGIN
    DELETE FROM contact_touches
        WHERE interaction_id = OLD.interaction_id AND contact_id = OLD.contact_id;
    INSERT OR IGNORE INTO contact_touches (contact_id, happened_at, interaction_id)
        SELECT NEW.contact_id, happened_at, NEW.interaction_id FROM interactions
        WHERE id = NEW.interaction_id;
END;
CREATE TRIGGER contact_touches_interactions_au AFTER UPDATE OF happened_at
ON interactions BEGIN
    UPDATE contact_touches SET happened_at = NEW.happened_at
        WHERE interaction_id = NEW.id;
END;
"""


def m018_contact_quiet(db: Database) -> None:
    # When each contact's quiet began, kept so that "who is slipping" reads index
    # ranges instead of every contact's tags (store/quiet.py):
    # ``contact_quiet`` has one row per contact: active (not archived), its own
    # rhythm (cadence_days, NULL when none) and the julian day of its last touch
    # (else of its creation); ``tag_quiet`` has one row per tag of each active
    # contact without its own rhythm, with the same julian day. Nothing here
    # depends on the config (which tag carries which rhythm, the default) or on
    # the clock: both are applied when reading. Kept by triggers in the
    # transaction of every write to contacts and their tags; derived data, like
    # the standings (m013): not journaled, not exported. Filled here.
    for statement in _statements(_M018_SQL):
        db.conn.execute(statement)


def _m018_refresh(who: str) -> str:
    # Deleted, then inserted: a trigger's INSERT OR REPLACE would take the
    # conflict rule of the statement that fired it (INSERT OR IGNORE ...).
    return f"""
    DELETE FROM contact_quiet WHERE contact_id = {who};
    INSERT INTO contact_quiet (contact_id, active, own, quiet)
        SELECT id, archived_at IS NULL, CASE WHEN cadence_days THEN cadence_days END,
            julianday(coalesce(last_touch_at, created_at))
        FROM contacts WHERE id = {who};
    DELETE FROM tag_quiet WHERE contact_id = {who};
    INSERT INTO tag_quiet (contact_id, tag_id, quiet)
        SELECT DISTINCT c.id, ct.tag_id, julianday(coalesce(c.last_touch_at, c.created_at))
        FROM contacts c JOIN contact_tags ct ON ct.contact_id = c.id
        WHERE c.id = {who} AND c.archived_at IS NULL
            AND CASE WHEN c.cadence_days THEN 0 ELSE 1 END;"""


def _m018_tag_add(row: str) -> str:
    # One tag's row only: a contact with thousands of tags (a synced card's
    # CATEGORIES) gets them one insert each, not its whole set rewritten each time.
    return f"""
    INSERT INTO tag_quiet (contact_id, tag_id, quiet)
        SELECT c.id, {row}.tag_id, julianday(coalesce(c.last_touch_at, c.created_at))
        FROM contacts c WHERE c.id = {row}.contact_id AND c.archived_at IS NULL
            AND CASE WHEN c.cadence_days THEN 0 ELSE 1 END
            AND NOT EXISTS (SELECT 1 FROM tag_quiet
                WHERE contact_id = {row}.contact_id AND tag_id = {row}.tag_id);"""


def _m018_tag_remove(row: str) -> str:
    return f"""
    DELETE FROM tag_quiet WHERE contact_id = {row}.contact_id AND tag_id = {row}.tag_id
        AND NOT EXISTS (SELECT 1 FROM contact_tags
            WHERE contact_id = {row}.contact_id AND tag_id = {row}.tag_id);"""


_M018_SQL = (
    """
CREATE TABLE contact_quiet (
    contact_id INTEGER PRIMARY KEY,
    active INTEGER NOT NULL,
    own INTEGER,
    quiet REAL
);
CREATE INDEX contact_quiet_due ON contact_quiet(own, quiet) WHERE active;
CREATE TABLE tag_quiet (
    contact_id INTEGER NOT NULL,
    tag_id INTEGER NOT NULL,
    quiet REAL,
    PRIMARY KEY (contact_id, tag_id)
) WITHOUT ROWID;
CREATE INDEX tag_quiet_due ON tag_quiet(tag_id, quiet);
INSERT INTO contact_quiet (contact_id, active, own, quiet)
    SELECT id, archived_at IS NULL, CASE WHEN cadence_days THEN cadence_days END,
        julianday(coalesce(last_touch_at, created_at))
    FROM contacts;
INSERT INTO tag_quiet (contact_id, tag_id, quiet)
    SELECT DISTINCT c.id, ct.tag_id, julianday(coalesce(c.last_touch_at, c.created_at))
    FROM contacts c JOIN contact_tags ct ON ct.contact_id = c.id
    WHERE c.archived_at IS NULL AND CASE WHEN c.cadence_days THEN 0 ELSE 1 END;
CREATE TRIGGER contact_quiet_contacts_ai AFTER INSERT ON contacts BEGIN"""
    + _m018_refresh("NEW.id")
    + """
END;
CREATE TRIGGER contact_quiet_contacts_au
AFTER UPDATE OF id, cadence_days, last_touch_at, created_at, archived_at ON contacts BEGIN
    DELETE FROM contact_quiet WHERE contact_id = OLD.id;
    DELETE FROM tag_quiet WHERE contact_id = OLD.id;"""
    + _m018_refresh("NEW.id")
    + """
END;
CREATE TRIGGER contact_quiet_contacts_ad AFTER DELETE ON contacts BEGIN
    DELETE FROM contact_quiet WHERE contact_id = OLD.id;
    DELETE FROM tag_quiet WHERE contact_id = OLD.id;
END;
CREATE TRIGGER contact_quiet_tags_ai AFTER INSERT ON contact_tags BEGIN"""
    + _m018_tag_add("NEW")
    + """
END;
CREATE TRIGGER contact_quiet_tags_ad AFTER DELETE ON contact_tags BEGIN"""
    + _m018_tag_remove("OLD")
    + """
END;
CREATE TRIGGER contact_quiet_tags_au AFTER UPDATE OF contact_id, tag_id ON contact_tags BEGIN"""
    + _m018_tag_remove("OLD")
    + _m018_tag_add("NEW")
    + """
END;
"""
)


def m019_contact_birthday_day(db: Database) -> None:
    # Birthdays coming up (`wt today`, the reminders, the summary's next week)
    # are the active contacts whose stored birthday ends with one of a few
    # "MM-DD" days: a scan of every contact before. An index on that ending
    # makes it one seek per day. Kept by SQLite itself, like any index.
    db.conn.execute(
        "CREATE INDEX IF NOT EXISTS contacts_birthday_day ON contacts(substr(birthday, -5))"
        " WHERE archived_at IS NULL"
    )


def m020_counts_by_time(db: Database) -> None:
    # What the summary counts over a period, read from indexes alone: the
    # ledger's entries by time with their way and kind (the twelve weeks' value
    # given and received, the period's by kind: no lookup of each entry's row),
    # the conversations by time with their channel, the done promises by time
    # with what the trends and the counts read of them, and who took part in
    # the period's conversations by time (contact_touches, m017: the people
    # reached, grouped from one index range instead of every conversation's
    # participants looked up).
    for statement in _statements(_M020_SQL):
        db.conn.execute(statement)


_M020_SQL = """
CREATE INDEX ledger_happened_way ON ledger(happened_at, direction, kind);
CREATE INDEX interactions_happened_channel ON interactions(happened_at, channel);
CREATE INDEX promises_done_counted ON promises(done_at, status, owner, due_on)
    WHERE done_at IS NOT NULL;
CREATE INDEX contact_touches_happened ON contact_touches(happened_at, contact_id);
"""


def m021_give_first_ranges(db: Database) -> None:
    # Give first (`wt today`) ranks those receiving: the contacts whose latest
    # ledger entry, inside the year, was received. An index of the standings by
    # the way of their latest entry and its time, with the start of the one-way
    # run, finds them in one range without a lookup of each contact's row (3,700
    # in the year on the large benchmark, 1,300 receiving). Their two partial
    # months are read from the ledger by time with the contact and the way, one
    # range each instead of a seek into every receiving contact's entries. That
    # index is partial on a condition every entry meets (ids are positive) and
    # only give first states, so that the summary's counts by time keep
    # ledger_happened_way (m020). Kept by SQLite itself, like any index.
    for statement in _statements(_M021_SQL):
        db.conn.execute(statement)


_M021_SQL = """
CREATE INDEX standings_receiving
    ON standings(ledger_last_direction, ledger_last_at, one_way_since);
CREATE INDEX ledger_happened_contact ON ledger(happened_at, contact_id, direction)
    WHERE contact_id > 0;
"""


def m022_journal_triggers_per_connection(db: Database) -> None:
    # The change journal's 69 triggers (insert, update and delete of each
    # journaled table) were half of the schema SQLite parses before the first
    # statement of every command, reads included, which never fire them. Each
    # writing connection now makes the ones its write needs as TEMP triggers
    # (store/journal_active.py); those the file held go. The tables journaled
    # when this shipped, frozen here.
    tables = (
        "contacts", "contact_emails", "contact_phones", "contact_urls", "tags",
        "contact_tags", "interactions", "interaction_participants", "promises",
        "ledger", "wins", "contact_events", "contact_extras", "imports",
        "capture_proposals", "capture_proposal_people", "capture_never",
        "companies", "company_aliases", "deals", "deal_people", "deal_steps",
        "plan_templates",
    )  # fmt: skip
    for table in tables:
        for change in ("insert", "update", "delete"):
            db.conn.execute(f'DROP TRIGGER IF EXISTS "journal_{table}_{change}"')
    # A command of an earlier version still running (it opened the file before
    # this ran, and never looks at the schema again) would make no trigger:
    # its changes would go unjournaled. Its command's row says no version, and
    # is refused, so its write fails whole rather than unseen.
    for statement in _statements(_M022_SQL):
        db.conn.execute(statement)


_M022_SQL = """
ALTER TABLE journal_commands ADD COLUMN schema_version INTEGER;
CREATE TRIGGER journal_commands_current BEFORE INSERT ON journal_commands
    WHEN NEW.schema_version IS NULL OR NEW.schema_version < 22
BEGIN
    SELECT RAISE(ABORT, 'upgraded by a newer wintogether while this command ran: run it again');
END;
"""


#: Every migration, in the order it runs. Append only; never edit or reorder.
MIGRATIONS: list[tuple[str, Callable[[Database], None]]] = [
    ("m001_initial", m001_initial),
    ("m002_contact_events", m002_contact_events),
    ("m003_change_journal", m003_change_journal),
    ("m004_ledger_links", m004_ledger_links),
    ("m005_sync_state", m005_sync_state),
    ("m006_touch_on_insert", m006_touch_on_insert),
    ("m007_capture", m007_capture),
    ("m008_accounts", m008_accounts),
    ("m009_sync_merge", m009_sync_merge),
    ("m010_meetings_reminders", m010_meetings_reminders),
    ("m011_sync_reminders", m011_sync_reminders),
    ("m012_sync_history", m012_sync_history),
    ("m013_standings", m013_standings),
    ("m014_deals", m014_deals),
    ("m015_standings_seek", m015_standings_seek),
    ("m016_promises_by_contact_created", m016_promises_by_contact_created),
    ("m017_contact_touches", m017_contact_touches),
    ("m018_contact_quiet", m018_contact_quiet),
    ("m019_contact_birthday_day", m019_contact_birthday_day),
    ("m020_counts_by_time", m020_counts_by_time),
    ("m021_give_first_ranges", m021_give_first_ranges),
    ("m022_journal_triggers_per_connection", m022_journal_triggers_per_connection),
]

#: ``PRAGMA user_version`` of an up-to-date database.
LATEST_VERSION = len(MIGRATIONS)


def migrate(conn: Connection) -> None:
    """Bring the schema up to date; a no-op (two pragma reads) when it is."""
    from wintogether.store.connection import APPLICATION_ID

    raw = conn.conn
    version = raw.execute("PRAGMA user_version").fetchone()[0]
    if version >= LATEST_VERSION:
        return
    if version > 0:
        # An existing database is copied before its schema changes (a brand-new
        # empty file has nothing to lose). Two processes upgrading at once may
        # both make a copy; that is harmless.
        from wintogether.store.backup import backup_before

        backup_before(conn, "before-upgrade")
    from sqlite_utils.migrations import Migrations

    migrations = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS:
        migrations(name=name)(function)
    with conn.write():
        # Re-check inside the write lock: another process may have just migrated.
        if raw.execute("PRAGMA user_version").fetchone()[0] >= LATEST_VERSION:
            return
        migrations.apply(conn.utils)
        # Contacts written before companies were records get theirs, once: the
        # company key is live code (store/companies.py), not frozen SQL.
        from wintogether.clock import now, to_utc_iso
        from wintogether.store.companies import link_all

        link_all(raw, to_utc_iso(now()))
        raw.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        raw.execute(f"PRAGMA user_version = {LATEST_VERSION}")
