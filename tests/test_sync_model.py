"""A model of `wt sync` with two databases and a phone: random edits everywhere, syncs in
random order, and after two quiet rounds everything agrees and nothing is lost.

The phone edits the vdir's files directly, as a phone app writes them: vCard 3.0
with a base64 PHOTO, ``TEL;TYPE=CELL``, ``item1.`` groups with an X-ABLabel, a
REV it sometimes moves and sometimes leaves alone; to-dos with an RRULE and a
VALARM that name their contact the way wintogether writes them.

The default profile runs a few short examples (seconds); ``HYPOTHESIS_PROFILE=slow``
(or ``-m slow``) runs many long ones.
"""

from __future__ import annotations

import base64
import json
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, rule, run_state_machine_as_test

from conftest import Invoke
from wintogether.domain.sync.apply import _FIELD_WORDS
from wintogether.domain.sync.model import COLLECTIONS
from wintogether.domain.sync.scan import _parse

START = datetime(2026, 11, 28, 10, 0, tzinfo=UTC)
NAMES = [
    "Dana Reyes", "Marcus Oneil", "Priya Shah", "Lee Park", "Sam Okafor", "Ines Duarte",
    "Tomas Berg", "Yuki Mori", "Ada Quill", "Omar Haddad", "Rosa Lind", "Jon Weiss",
]  # fmt: skip
PHOTO = base64.b64encode(bytes(range(256)) * 2).decode()
TITLES = ["CFO", "VP Finance", "Head of Sales", "CTO"]
COMPANIES = ["Northwind", "Initech", "Globex", "Umbrella"]
#: Conflict entries travel between databases as timeline entries in the history
#: collection; without it each database keeps the conflicts it settled.
EVENTS_TRAVEL = "history" in {kind for kind, _, _ in COLLECTIONS}
QUIET = "sent 0, received 0, deleted 0, conflicts 0"


def _stamp(at: datetime) -> str:
    return at.strftime("%Y%m%dT%H%M%SZ")


def _phone_card(uid: str, name: str, at: datetime) -> str:
    first, last = name.split(" ", 1)
    photo = "\r\n ".join(PHOTO[i : i + 74] for i in range(0, len(PHOTO), 74))
    return (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.1//EN\r\n"
        f"N:{last};{first};;;\r\nFN:{name}\r\nORG:Phonecorp;Sales\r\n"
        f"TEL;TYPE=CELL;TYPE=VOICE;TYPE=pref:+1 555 01{len(name):02d}\r\n"
        f"item1.EMAIL;type=INTERNET:{first.lower()}@phone.example\r\n"
        "item1.X-ABLabel:_$!<Work>!$_\r\n"
        f"PHOTO;ENCODING=b;TYPE=JPEG:{photo}\r\n"
        f"UID:{uid}\r\nREV:{_stamp(at)}\r\nEND:VCARD\r\n"
    )


def _phone_todo(uid: str, summary: str, at: datetime) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Apple Inc.//iOS 17.1//EN\r\n"
        f"BEGIN:VTODO\r\nUID:{uid}\r\nDTSTAMP:{_stamp(at)}\r\nSUMMARY:{summary}\r\n"
        "DUE;VALUE=DATE:20261215\r\nSTATUS:NEEDS-ACTION\r\nPRIORITY:1\r\n"
        "RRULE:FREQ=WEEKLY;COUNT=3\r\n"
        "BEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:Reminder\r\nTRIGGER:-PT15M\r\n"
        "END:VALARM\r\nEND:VTODO\r\nEND:VCALENDAR\r\n"
    )


class Database:
    def __init__(self, name: str, path: Path) -> None:
        self.name = name
        self.path = path

    def rows(self, sql: str, *params: object) -> list[tuple[Any, ...]]:
        conn = sqlite3.connect(self.path)
        try:
            return conn.execute(sql, params).fetchall()
        finally:
            conn.close()

    def contact_names(self) -> set[str]:
        return {row[0] for row in self.rows("SELECT name FROM contacts")}


class SyncModel(RuleBasedStateMachine):
    def __init__(self, wt: Invoke, monkeypatch: pytest.MonkeyPatch, root: Path) -> None:
        super().__init__()
        self.wt, self.mp = wt, monkeypatch
        self.root = root
        self.clock = START
        self.counter = 0
        #: Every name ever given (never given twice), and what was ever deleted.
        self.used: set[str] = set()
        self.deleted_names: set[str] = set()
        #: The duplicates a merge removed, on either computer.
        self.merged_away: set[str] = set()
        #: Conflicts each database reported: (database, contact uid, fields).
        self.conflicts: list[tuple[str, str, list[str]]] = []
        self.log: list[str] = []

    # -- plumbing ------------------------------------------------------------------

    @initialize()
    def setup(self) -> None:
        self.counter = len(list(self.root.iterdir()))
        home = self.root / f"run{self.counter}"
        home.mkdir()
        self.vdir = home / "vdir"
        self.dbs = {n: Database(n, home / f"{n}.db") for n in ("laptop", "desktop")}
        for db in self.dbs.values():
            self.run(db, "init")
        # Something to work on from the first step: two people, a talk, a promise.
        laptop = self.dbs["laptop"]
        for name, company in (("Dana Reyes", "Northwind"), ("Marcus Oneil", "Initech")):
            self.used.add(name)
            self.run(laptop, "add", name, "--company", company)
        self.run(laptop, "log", "Dana Reyes", "Talk 0", "--with", "Marcus Oneil")
        self.run(laptop, "follow-up", "Marcus Oneil", "Promise 0", "--due", "2026-12-20")
        # And a deal with a plan: a step of theirs, then one of mine waiting for it.
        self.run(laptop, "deal", "add", "Deal 0", "--with", "Dana Reyes", "--with",
                 "Marcus Oneil", "--they-win", "Theirs", "--we-win", "Ours")  # fmt: skip
        self.run(laptop, "plan", "add", "Deal 0", "Step 0", "--owner", "them", "--due",
                 "2026-12-10")  # fmt: skip
        self.run(laptop, "plan", "add", "Deal 0", "Step 00", "--owner", "me", "--due",
                 "2026-12-18", "--after", "1", "--milestone")  # fmt: skip
        self.sync(laptop)
        self.sync(self.dbs["desktop"])

    def tick(self) -> str:
        self.clock += timedelta(minutes=1)
        return self.clock.isoformat()

    def run(self, db: Database, *args: str, ok: bool = True) -> Any:
        self.mp.setenv("WINTOGETHER_DB", str(db.path))
        self.mp.setenv("WINTOGETHER_NOW", self.tick())
        self.log.append(f"{db.name}: wt {' '.join(args)}")
        return self.wt(*args, ok=ok)

    def sync(self, db: Database) -> dict[str, Any]:
        out = self.run(db, "sync", str(self.vdir), "--json", ok=False)
        if out.exit_code != 0:
            # A collection emptied all at once is refused until the user says
            # so (as vdirsyncer does); here every deletion was meant.
            assert "--force-delete" in out.stderr, out.stderr
            out = self.run(db, "sync", str(self.vdir), "--json", "--force-delete")
        data: dict[str, Any] = json.loads(out.stdout)
        for change in data["changes"]:
            if change["action"] != "conflict":
                continue
            fields = change["detail"].removeprefix("both changed ").split(";")[0].split(", ")
            table = {"contact": "contacts", "promise": "promises"}.get(change["kind"])
            if change["kind"] == "history":
                # A deal's conflict is on the timeline of its first person when
                # settled (a deal with nobody on it: reported only).
                title = change["name"].partition(": ")[2]
                first = db.rows(
                    "SELECT c.uid FROM contact_events e JOIN contacts c ON c.id = e.contact_id"
                    " WHERE e.kind = 'sync_conflict' AND e.text LIKE ? ORDER BY e.id DESC",
                    f"Sync conflict on deal {title!r}: %",
                )
                if first:
                    self.conflicts.append((db.name, first[0][0], fields))
                continue
            if table == "contacts":
                owner = change["uid"]
            elif table == "promises":
                # On the timeline of whom the promise was for when the conflict
                # was settled (a plan step the merge moved to another person
                # keeps it on the first one's).
                settled = db.rows(
                    "SELECT c.uid FROM contact_events e JOIN contacts c ON c.id = e.contact_id"
                    " WHERE e.kind = 'sync_conflict' AND e.text LIKE ? ORDER BY e.id DESC",
                    f"Sync conflict on promise {change['name']!r}: %",
                )
                owner = (
                    settled[0][0]
                    if settled
                    else db.rows(
                        "SELECT c.uid FROM promises p JOIN contacts c ON c.id = p.contact_id"
                        " WHERE p.uid = ?",
                        change["uid"],
                    )[0][0]
                )
            else:
                # On the timeline of one of its people (the first when it was
                # settled; a merge in the same sync moves it to the keeper).
                settled = db.rows(
                    "SELECT c.uid FROM contact_events e JOIN contacts c ON c.id = e.contact_id"
                    " WHERE e.kind = 'sync_conflict' AND e.text LIKE ? ORDER BY e.id DESC",
                    f"Sync conflict on conversation {change['name']!r}: %",
                )
                owner = (
                    settled[0][0]
                    if settled
                    else db.rows(
                        "SELECT c.uid FROM interactions i JOIN interaction_participants p"
                        " ON p.interaction_id = i.id JOIN contacts c ON c.id = p.contact_id"
                        " WHERE i.uid = ? ORDER BY c.id LIMIT 1",
                        change["uid"],
                    )[0][0]
                )
            self.conflicts.append((db.name, owner, fields))
        self.log.append(f"  -> {data['sent']}/{data['received']}/{data['deleted']}/"
                        f"{data['conflicts']} {[c['detail'] for c in data['changes']]}")  # fmt: skip
        return data

    def new_name(self, index: int) -> str | None:
        free = [n for n in NAMES if n not in self.used]
        if not free:
            return None
        name = free[index % len(free)]
        self.used.add(name)
        return name

    def files(self, folder: str) -> list[Path]:
        path = self.vdir / folder
        return sorted(path.iterdir()) if path.is_dir() else []

    def phone_write(self, path: Path, text: str) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode())
        moment = self.clock.timestamp()
        os.utime(path, (moment, moment))
        self.log.append(f"phone: wrote {path.parent.name}/{path.name}")

    # -- the two databases -----------------------------------------------------------

    dbs_names = st.sampled_from(["laptop", "desktop"])

    @rule(db=dbs_names, index=st.integers(0, 50), company=st.sampled_from(COMPANIES))
    def add_contact(self, db: str, index: int, company: str) -> None:
        name = self.new_name(index)
        if name is not None:
            first = name.split()[0].lower()
            self.run(self.dbs[db], "add", name, "--company", company, "--email",
                     f"{first}@{company.lower()}.example")  # fmt: skip

    def pick(self, db: Database, index: int) -> str | None:
        names = sorted(db.contact_names())
        return names[index % len(names)] if names else None

    @rule(
        db=dbs_names,
        index=st.integers(0, 50),
        change=st.sampled_from(["--title", "--company", "--email", "--phone"]),
        value=st.integers(0, 3),
    )
    def edit_contact(self, db: str, index: int, change: str, value: int) -> None:
        name = self.pick(self.dbs[db], index)
        if name is None:
            return
        text = {
            "--title": TITLES[value],
            "--company": COMPANIES[value],
            "--email": f"{name.split()[0].lower()}.{value}@{db}.example",
            "--phone": f"+1 555 02{value}{len(db)}",
        }[change]
        self.run(self.dbs[db], "edit", name, change, text)

    @rule(db=dbs_names, index=st.integers(0, 50))
    def promise(self, db: str, index: int) -> None:
        name = self.pick(self.dbs[db], index)
        if name is not None:
            self.counter += 1
            self.run(self.dbs[db], "follow-up", name, f"Promise {self.counter}", "--due",
                     "2026-12-20")  # fmt: skip

    @rule(db=dbs_names, index=st.integers(0, 50), snooze=st.booleans())
    def settle_promise(self, db: str, index: int, snooze: bool) -> None:
        ids = [r[0] for r in self.dbs[db].rows("SELECT id FROM promises WHERE status = 'open'")]
        if ids:
            promise_id = str(ids[index % len(ids)])
            if snooze:
                self.run(self.dbs[db], "snooze", promise_id, "2026-12-24")
            else:
                self.counter += 1
                note = f"done {self.counter} on the {db}"
                self.run(self.dbs[db], "done", promise_id, "--note", note)

    @rule(db=dbs_names, index=st.integers(0, 50), other=st.integers(0, 50))
    def log_conversation(self, db: str, index: int, other: int) -> None:
        name = self.pick(self.dbs[db], index)
        if name is None:
            return
        self.counter += 1
        args = ["log", name, f"Talk {self.counter}", "--channel", "call"]
        second = self.pick(self.dbs[db], other)
        if second is not None and second != name:
            args += ["--with", second]
        self.run(self.dbs[db], *args)

    @rule(db=dbs_names, index=st.integers(0, 50))
    def edit_conversation(self, db: str, index: int) -> None:
        ids = [r[0] for r in self.dbs[db].rows("SELECT id FROM interactions ORDER BY id")]
        if ids:
            self.counter += 1
            conversation = str(ids[index % len(ids)])
            self.run(self.dbs[db], "conversation", "edit", conversation, f"Talk {self.counter}")

    @rule(db=dbs_names, index=st.integers(0, 50))
    def forget(self, db: str, index: int) -> None:
        """Someone forgotten. Not a duplicate merged away elsewhere (that computer
        keeps what it merged, this one forgets what it had: docs/sync.md)."""
        name = self.pick(self.dbs[db], index)
        if name is not None and name not in self.merged_away:
            self.deleted_names.add(name)
            self.run(self.dbs[db], "forget", name, "--yes")

    @rule(db=dbs_names, index=st.integers(0, 50), other=st.integers(0, 50))
    def merge(self, db: str, index: int, other: int) -> None:
        """Two records of one person merged: the other device merges them too.

        One duplicate is merged once: merged into two different people on two
        computers (and one of those forgotten on the other), what it had may end
        with a different person on each (docs/sync.md says so)."""
        keep, duplicate = self.pick(self.dbs[db], index), self.pick(self.dbs[db], other)
        if keep is None or duplicate is None or keep == duplicate:
            return
        if duplicate in self.merged_away or duplicate in self.deleted_names:
            return
        self.merged_away.add(duplicate)
        self.deleted_names.add(duplicate)
        self.run(self.dbs[db], "merge", keep, duplicate)

    # -- deals and their plans -------------------------------------------------------

    @rule(db=dbs_names, index=st.integers(0, 50))
    def add_deal(self, db: str, index: int) -> None:
        name = self.pick(self.dbs[db], index)
        if name is not None:
            self.counter += 1
            self.run(self.dbs[db], "deal", "add", f"Deal {self.counter}", "--with", name,
                     "--target", "2027-01-31", "--they-win", "Theirs", "--we-win", "Ours")  # fmt: skip

    def open_deal(self, db: Database, index: int) -> int | None:
        ids = [r[0] for r in db.rows("SELECT id FROM deals WHERE status = 'open' ORDER BY id")]
        return ids[index % len(ids)] if ids else None

    @rule(db=dbs_names, index=st.integers(0, 50), theirs=st.booleans(), after=st.booleans())
    def add_step(self, db: str, index: int, theirs: bool, after: bool) -> None:
        deal = self.open_deal(self.dbs[db], index)
        if deal is None:
            return
        self.counter += 1
        args = ["plan", "add", str(deal), f"Step {self.counter}", "--owner",
                "them" if theirs else "me", "--due", "2026-12-18"]  # fmt: skip
        if after and self.dbs[db].rows("SELECT 1 FROM deal_steps WHERE deal_id = ?", deal):
            args += ["--after", "1"]
        # A deal whose people were all forgotten takes no step of theirs: refused.
        self.run(self.dbs[db], *args, ok=False)

    @rule(db=dbs_names, index=st.integers(0, 50))
    def step_done(self, db: str, index: int) -> None:
        rows = self.dbs[db].rows(
            "SELECT s.deal_id, p.id FROM deal_steps s JOIN promises p ON p.id = s.promise_id"
            " JOIN deals d ON d.id = s.deal_id WHERE p.status = 'open' AND d.status = 'open'"
            " ORDER BY p.id"
        )
        if rows:
            deal, promise = rows[index % len(rows)]
            self.run(self.dbs[db], "plan", "done", str(deal), f"#{promise}")

    @rule(db=dbs_names, index=st.integers(0, 50), won=st.booleans())
    def close_deal(self, db: str, index: int, won: bool) -> None:
        deal = self.open_deal(self.dbs[db], index)
        if deal is not None:
            outcome = "won" if won else "lost"
            self.run(self.dbs[db], "deal", outcome, str(deal), "--note", f"{outcome} here")

    @rule(db=dbs_names, index=st.integers(0, 50), value=st.integers(0, 3))
    def edit_deal(self, db: str, index: int, value: int) -> None:
        deal = self.open_deal(self.dbs[db], index)
        if deal is not None:
            self.run(self.dbs[db], "deal", "edit", str(deal), "--target", f"2027-0{value + 1}-15")

    @rule(db=dbs_names)
    def sync_one(self, db: str) -> None:
        self.sync(self.dbs[db])

    # -- the phone ---------------------------------------------------------------------

    @rule(index=st.integers(0, 50))
    def phone_adds_contact(self, index: int) -> None:
        name = self.new_name(index)
        if name is not None:
            uid = f"phone-{name.split()[0].lower()}"
            self.phone_write(
                self.vdir / "contacts" / f"{uid}.vcf", _phone_card(uid, name, self.clock)
            )

    @rule(
        index=st.integers(0, 50),
        title=st.sampled_from(TITLES),
        moves_rev=st.booleans(),
    )
    def phone_edits_contact(self, index: int, title: str, moves_rev: bool) -> None:
        files = self.files("contacts")
        if not files:
            return
        self.tick()
        path = files[index % len(files)]
        text = path.read_bytes().decode()
        if re.search(r"^TITLE[:;]", text, re.MULTILINE):
            text = re.sub(r"^TITLE[:;][^\r\n]*", f"TITLE:{title}", text, flags=re.MULTILINE)
        else:
            text = text.replace("END:VCARD", f"TITLE:{title}\r\nEND:VCARD")
        if moves_rev:
            text = re.sub(r"^REV:[^\r\n]*", f"REV:{_stamp(self.clock)}", text, flags=re.MULTILINE)
        self.phone_write(path, text)

    @rule(index=st.integers(0, 50))
    def phone_deletes_contact(self, index: int) -> None:
        files = self.files("contacts")
        if files:
            path = files[index % len(files)]
            found = re.search(r"^FN:(.*?)\r?$", path.read_text(), re.MULTILINE)
            if found:
                self.deleted_names.add(found.group(1))
            path.unlink()
            self.log.append(f"phone: deleted contacts/{path.name}")

    @rule(index=st.integers(0, 50))
    def phone_completes_todo(self, index: int) -> None:
        files = self.files("promises")
        if files:
            self.tick()
            path = files[index % len(files)]
            text = path.read_bytes().decode()
            text = text.replace("STATUS:NEEDS-ACTION", "STATUS:COMPLETED")
            self.phone_write(path, text)

    @rule(index=st.integers(0, 50))
    def phone_adds_todo(self, index: int) -> None:
        names = sorted(
            {n for db in self.dbs.values() for n in db.contact_names()} - self.deleted_names
        )
        if names:
            self.counter += 1
            name = names[index % len(names)]
            uid = f"phone-todo-{self.counter}"
            summary = f"Call back {self.counter} (for {name})"
            self.phone_write(
                self.vdir / "promises" / f"{uid}.ics", _phone_todo(uid, summary, self.clock)
            )

    # -- after two quiet rounds ------------------------------------------------------

    def teardown(self) -> None:
        if not hasattr(self, "dbs"):
            return
        laptop, desktop = self.dbs["laptop"], self.dbs["desktop"]
        for _ in range(2):
            for db in (laptop, desktop):
                self.sync(db)
        # Settled: one more round changes nothing and reports nothing.
        for db in (laptop, desktop):
            data = self.sync(db)
            assert (data["sent"], data["received"], data["deleted"], data["conflicts"]) == (
                0, 0, 0, 0,
            ), "\n".join(self.log)  # fmt: skip
            assert data["changes"] == [], "\n".join(self.log)
        self.check_agreement(laptop, desktop)
        self.check_phone_data()

    def check_phone_data(self) -> None:
        """What the phone wrote and wintogether does not own is still in its files,
        byte for byte, however often the databases rewrote them."""
        log = "\n".join(self.log)
        for path in self.files("contacts"):
            text = path.read_bytes().decode()
            if "PRODID:-//Apple Inc.//iPhone" not in text:
                continue
            unfolded = text.replace("\r\n ", "")
            assert f"\r\nPHOTO;ENCODING=b;TYPE=JPEG:{PHOTO}\r\n" in unfolded, f"{path.name}\n{log}"
            org = re.search(r"^ORG:([^\r\n]*)\r$", unfolded, re.MULTILINE)
            assert org is None or org.group(1).endswith(";Sales"), f"{path.name}\n{log}"
            if re.search(r"^item1\.EMAIL", unfolded, re.MULTILINE):
                assert "\r\nitem1.X-ABLabel:_$!<Work>!$_\r\n" in unfolded, f"{path.name}\n{log}"
        for path in self.files("promises"):
            text = path.read_bytes().decode()
            if "PRODID:-//Apple Inc.//iOS" not in text:
                continue
            for line in (
                "PRIORITY:1",
                "RRULE:FREQ=WEEKLY;COUNT=3",
                "BEGIN:VALARM",
                "TRIGGER:-PT15M",
            ):
                assert f"\r\n{line}\r\n" in text, f"{path.name}: {line} lost\n{log}"

    def vdir_items(self, kind: str, folder: str) -> dict[str, dict[str, Any]]:
        out: dict[str, dict[str, Any]] = {}
        for path in self.files(folder):
            fields = _parse(kind, path.read_bytes())
            assert fields["uid"] not in out, f"two files with the uid {fields['uid']}"
            out[fields["uid"]] = fields
        return out

    def check_agreement(self, laptop: Database, desktop: Database) -> None:
        log = "\n".join(self.log)
        cards = self.vdir_items("contact", "contacts")
        contacts: dict[str, dict[str, Any]] = {}
        for db in (laptop, desktop):
            # A contact deleted elsewhere but kept here with its history stays
            # out of the folder (its sync state has no file): not compared.
            kept_out = {r[0] for r in db.rows("SELECT uid FROM sync_state WHERE file_name = ''")}
            rows = db.rows(
                "SELECT c.uid, c.name, ifnull(c.company, ''), ifnull(c.title, ''),"
                " (SELECT json_group_array(lower(email)) FROM"
                "  (SELECT email FROM contact_emails e WHERE e.contact_id = c.id ORDER BY 1)),"
                " (SELECT json_group_array(phone) FROM"
                "  (SELECT phone FROM contact_phones p WHERE p.contact_id = c.id ORDER BY 1))"
                " FROM contacts c"
            )
            names = [r[1] for r in rows]
            assert len(names) == len(set(names)), f"{db.name}: a duplicate contact\n{log}"
            # A merge made anywhere is made everywhere: no one here is someone
            # another contact here says it merged.
            assert not db.rows(
                "SELECT d.name FROM contact_extras x JOIN contacts k ON k.id = x.contact_id"
                " JOIN contacts d ON d.uid = x.value WHERE x.key = 'MERGED-UID' AND d.id != k.id"
            ), f"{db.name}: a merge not made here\n{log}"
            contacts[db.name] = {
                r[0]: {
                    "name": r[1],
                    "company": r[2],
                    "title": r[3],
                    "emails": sorted(json.loads(r[4])),
                    "phones": sorted(json.loads(r[5])),
                }
                for r in rows
                if r[0] not in kept_out
            }
            # Nothing created anywhere is missing unless it was deleted somewhere.
            missing = self.used - self.deleted_names - {r[1] for r in rows}
            assert not missing, f"{db.name} lost {missing}\n{log}"
        in_folder = {
            uid: {
                "name": c["name"],
                "company": c["company"] or "",
                "title": c["title"] or "",
                "emails": sorted(e.lower() for e in c["emails"]),
                "phones": sorted(c["phones"]),
            }
            for uid, c in cards.items()
        }
        assert contacts["laptop"] == in_folder, log
        assert contacts["desktop"] == in_folder, log

        both = set(in_folder)
        todos = self.vdir_items("promise", "promises")
        promises = {}
        for db in (laptop, desktop):
            rows = db.rows(
                "SELECT p.uid, p.text, p.due_on, p.status, c.uid, p.done_at, p.done_note"
                " FROM promises p JOIN contacts c ON c.id = p.contact_id"
            )
            promises[db.name] = {r[0]: r[1:] for r in rows if r[4] in both}
            texts = [(r[1], r[4]) for r in rows]
            assert len(texts) == len(set(texts)), f"{db.name}: a duplicate promise\n{log}"
        # Done (or cancelled) on either side, or both: the same date and note.
        assert promises["laptop"] == promises["desktop"], log
        for uid, (text, due, status, _contact, _at, _note) in promises["laptop"].items():
            todo = todos[uid]
            assert (todo["due_on"], todo["status"]) == (due, status), log
            assert text in todo["text"], log

        journals = self.vdir_items("conversation", "conversations")
        talks = {}
        for db in (laptop, desktop):
            # No orphan conversations: everyone talked to is someone.
            assert db.rows(
                "SELECT count(*) FROM interactions i WHERE NOT EXISTS"
                " (SELECT 1 FROM interaction_participants p WHERE p.interaction_id = i.id)"
            ) == [(0,)], f"{db.name}: a conversation with nobody\n{log}"
            rows = db.rows(
                "SELECT i.uid, i.note, i.channel, (SELECT json_group_array(c.uid) FROM"
                " interaction_participants p JOIN contacts c ON c.id = p.contact_id"
                " WHERE p.interaction_id = i.id) FROM interactions i"
            )
            talks[db.name] = {
                r[0]: (r[1], r[2], sorted(set(json.loads(r[3])) & both))
                for r in rows
                if set(json.loads(r[3])) & both
            }
        assert talks["laptop"] == talks["desktop"], log
        for uid, (note, channel, people) in talks["laptop"].items():
            entry = journals[uid]
            assert (entry["note"].strip(), entry["channel"]) == (note, channel), log
            assert sorted(set(entry["participants"]) & both) == people, log
        known = both | set(contacts["laptop"]) | set(contacts["desktop"])
        for uid, entry in journals.items():
            kept = {r[0] for db in (laptop, desktop) for r in db.rows("SELECT uid FROM contacts")}
            assert set(entry["participants"]) & (known | kept), (
                f"conversation {uid} in the folder is with no one known\n{log}"
            )

        # Deals agree (with the people both know), and so do the plan steps of
        # the promises both have: their deal, their place, what each waits for.
        deals, steps = {}, {}
        for db in (laptop, desktop):
            rows = db.rows(
                "SELECT d.uid, d.title, d.status, d.target_on, d.close_note,"
                " (SELECT json_group_array(c.uid) FROM deal_people p JOIN contacts c"
                "  ON c.id = p.contact_id WHERE p.deal_id = d.id) FROM deals d"
            )
            deals[db.name] = {r[0]: (*r[1:5], sorted(set(json.loads(r[5])) & both)) for r in rows}
            titles = [r[1] for r in rows]
            assert len(titles) == len(set(titles)), f"{db.name}: a duplicate deal\n{log}"
            steps[db.name] = {
                r[0]: r[1:]
                for r in db.rows(
                    "SELECT s.uid, d.uid, p.uid, s.milestone, a.uid FROM deal_steps s"
                    " JOIN deals d ON d.id = s.deal_id JOIN promises p ON p.id = s.promise_id"
                    " LEFT JOIN deal_steps a ON a.id = s.after_step_id"
                )
                if r[2] in promises["laptop"]
            }
        assert deals["laptop"] == deals["desktop"], log
        assert steps["laptop"] == steps["desktop"], log
        step_promises = {r[1] for r in steps["laptop"].values()}
        assert len(step_promises) == len(steps["laptop"]), log

        # Every conflict is on the timeline of the database that settled it (and,
        # once conflict entries travel, on the other one's too).
        for name, owner, fields in self.conflicts:
            targets = [name] + ([n for n in self.dbs if n != name] if EVENTS_TRAVEL else [])
            for target in targets:
                db = self.dbs[target]
                texts = [
                    r[0]
                    for r in db.rows(
                        "SELECT e.text FROM contact_events e JOIN contacts c"
                        " ON c.id = e.contact_id WHERE c.uid = ? AND e.kind = 'sync_conflict'",
                        owner,
                    )
                ]
                if not db.rows("SELECT 1 FROM contacts WHERE uid = ?", owner):
                    continue  # forgotten since, with its timeline
                if any(
                    d.rows("SELECT 1 FROM sync_forgotten WHERE uid = ?", owner)
                    for d in self.dbs.values()
                ):
                    continue  # forgotten elsewhere: their timeline there left the folder for good
                if target != name and any(
                    d.rows("SELECT 1 FROM sync_state WHERE uid = ? AND file_name = ''", owner)
                    for d in self.dbs.values()
                ):
                    continue  # kept out of the folder somewhere: its history stays there
                for field in fields:
                    said = _FIELD_WORDS.get(field, field)  # "done note", as a person says it
                    assert any(f"{said}: kept" in t for t in texts), (
                        f"{target}: the conflict on {field} is not on the timeline\n{log}"
                    )


def _run(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, root: Path, examples: int, steps: int
) -> None:
    run_state_machine_as_test(
        lambda: SyncModel(wt, monkeypatch, root),
        settings=settings(max_examples=examples, stateful_step_count=steps, deadline=None),
    )


def test_two_databases_and_a_phone_agree_after_two_quiet_rounds(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    slow = os.environ.get("HYPOTHESIS_PROFILE") == "slow"
    _run(wt, monkeypatch, tmp_path, 100 if slow else 4, 40 if slow else 15)


@pytest.mark.slow
def test_two_databases_and_a_phone_agree_after_many_long_runs(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    _run(wt, monkeypatch, tmp_path, 60, 50)


def test_a_deal_naming_someone_forgotten_elsewhere_settles_in_two_rounds(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the desktop adds a deal with Dana and edits her, the laptop
    # forgets her. Teardown asserts the two databases are quiet after two rounds.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.add_deal(db="desktop", index=0)
    state.edit_contact(db="desktop", index=0, change="--title", value=0)
    state.forget(db="laptop", index=0)
    state.teardown()


def test_a_merged_edit_of_someone_forgotten_elsewhere_settles_in_two_rounds(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the laptop changes Dana's title, the desktop forgets her.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.edit_contact(db="laptop", index=0, change="--title", value=0)
    state.forget(db="desktop", index=0)
    state.teardown()


@pytest.mark.parametrize(
    "steps",
    [
        # The desktop forgets Dana while the laptop merges Marcus into her.
        [("forget", {"db": "desktop", "index": 0}),
         ("merge", {"db": "laptop", "index": 0, "other": 1})],
        # Marcus merged into Dana on the laptop, Dana into Marcus on the desktop
        # (both were deleted; their conversation was left with nobody).
        [("merge", {"db": "laptop", "index": 0, "other": 1}),
         ("merge", {"db": "desktop", "index": 1, "other": 0})],
    ],
    ids=["into-someone-forgotten-elsewhere", "each-way-round"],
)  # fmt: skip
def test_merges_on_two_computers_settle_in_two_rounds(
    wt: Invoke,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    steps: list[tuple[str, dict[str, Any]]],
) -> None:
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    for step, arguments in steps:
        getattr(state, step)(**arguments)
    state.teardown()


def test_a_merge_chain_into_a_phone_card_the_phone_edits_settles(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: Marcus merged into Dana on the desktop, Dana into a card
    # the phone made, which the phone then edits (without our properties).
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.phone_adds_contact(index=3)
    state.sync_one(db="laptop")
    state.merge(db="desktop", index=0, other=1)
    state.log_conversation(db="laptop", index=0, other=0)
    phone_made = next(p.name for p in state.files("contacts") if p.name.startswith("phone-"))
    keeper = state.dbs["laptop"].rows(
        "SELECT name FROM contacts WHERE uid = ?", phone_made.removesuffix(".vcf")
    )[0][0]
    state.merge(db="laptop", index=sorted(state.dbs["laptop"].contact_names()).index(keeper),
                other=0)  # fmt: skip
    files = [p.name for p in state.files("contacts")]
    state.phone_edits_contact(index=files.index(phone_made), title="CFO", moves_rev=False)
    state.teardown()


def test_a_step_that_waited_for_one_deleted_there_settles_in_two_rounds(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the desktop merges Dana into Marcus, then forgets him (the
    # deal's steps go with them), while the laptop adds a step: the laptop's steps
    # that waited for a step deleted there went out again a round later.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.merge(db="desktop", index=1, other=46)
    state.add_step(db="laptop", index=0, theirs=False, after=False)
    state.forget(db="desktop", index=28)
    state.teardown()


def test_a_step_kept_aside_for_a_to_do_it_lacked_comes_in_with_the_to_do(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the desktop adds a step for Dana's side while the
    # laptop forgets her; the laptop keeps the step aside (its to-do, Dana's,
    # is not sent there) until the desktop, forgetting her too, gives the to-do
    # to Marcus. The to-do then came in, but the step stayed aside for good.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.add_step(db="desktop", index=32, theirs=True, after=True)
    state.forget(db="laptop", index=0)
    state.sync_one(db="desktop")
    state.forget(db="desktop", index=36)
    state.teardown()


def test_a_merge_into_someone_forgotten_elsewhere_does_not_send_them_back(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the laptop merges Dana into Tomas while the desktop
    # edits Dana and forgets Tomas. Dana's edited card came back to the
    # laptop, was merged into Tomas (archived there, deleted on the desktop),
    # and that merge sent Tomas back to the desktop, round after round.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.phone_adds_contact(index=44)
    state.forget(db="desktop", index=19)
    state.sync_one(db="laptop")
    state.phone_adds_contact(index=15)
    state.forget(db="laptop", index=16)
    state.sync_one(db="desktop")
    state.forget(db="desktop", index=22)
    state.merge(db="laptop", index=5, other=40)
    state.sync_one(db="laptop")
    state.edit_contact(change="--phone", db="desktop", index=16, value=3)
    state.forget(db="desktop", index=1)
    state.teardown()


def test_a_todo_ticked_on_the_phone_without_a_date_has_one_date_everywhere(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model once done dates were compared: each computer dated the
    # phone's tick (no COMPLETED in the file) at its own sync.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.phone_completes_todo(index=0)
    state.teardown()


def test_a_deal_won_here_and_lost_there_settles_in_two_rounds(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the desktop sent the wins of its "won" and, in the
    # same sync, took the laptop's "lost" and deleted them; their files went
    # round once more before leaving.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.close_deal(db="desktop", index=0, won=True)
    state.close_deal(db="laptop", index=0, won=False)
    state.teardown()


def test_someone_forgotten_there_and_edited_here_settles_in_two_rounds(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Found by the model: the desktop forgets Marcus, the laptop (after taking
    # that in) forgets Dana while the desktop edits her. The desktop sent Dana
    # back ("changed here after it was deleted there"), the laptop removed her
    # card again, and only then did the desktop delete her and, with her, the
    # talk and the deal now hers alone there: a third round. `wt forget` now
    # notes what it took out, and forgetting wins over the edit at once.
    state = SyncModel(wt, monkeypatch, tmp_path)
    state.setup()
    state.phone_adds_contact(index=18)
    state.forget(db="desktop", index=15)
    state.sync_one(db="laptop")
    state.forget(db="laptop", index=15)
    state.edit_contact(change="--company", db="desktop", index=32, value=2)
    state.teardown()
