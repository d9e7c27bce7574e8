"""Test data through the domain functions: no command-line parsing, one transaction.

Fixtures that need a few contacts, conversations, promises and ledger entries
build them here; tests that are about the command line still run the command
line. Every call goes through the same domain function the command calls, with
the same arguments, and the change journal gets the label the command would
have given it (``add Dana Reyes``, ``log dana Renewal call``), so `wt undo` and
`wt history` see what they would after the commands.

    with Factory(db) as make:
        make.at("2026-11-16T10:00:00+00:00")
        dana = make.contact("Dana Reyes", company="Northwind", tags=["customers"])
        make.promise("dana", "Send the deck", due="2026-11-20")
        make.log("dana", "Kickoff call", channel="call", at="2026-11-16T09:00")

Everything is written in one transaction, committed when the block ends (and
rolled back if it raises): a fixture costs one commit, not one per record.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any

from wintogether.cli.common import typed_word
from wintogether.clock import now as clock_now
from wintogether.domain import contacts, conversations, deals, ledger, plan, promises
from wintogether.store import open_store


class _Nested:
    """Stands in for the store's connection: the domain's transactions join the factory's."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    @contextmanager
    def write(self) -> Iterator[Any]:
        yield self._inner.conn

    @contextmanager
    def read(self) -> Iterator[Any]:
        yield self._inner.conn


class Factory:
    """Builds records in the database at ``path`` (which must exist: see the ``db`` fixture)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._clock = os.environ.get("WINTOGETHER_NOW")
        self.store, _ = open_store(path)
        self._connection = self.store.connection
        self.store.connection = _Nested(self._connection)  # type: ignore[assignment]
        self.store.conn.execute("BEGIN IMMEDIATE")

    # -- the block ---------------------------------------------------------------

    def __enter__(self) -> Factory:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(commit=kind is None)

    def close(self, *, commit: bool = True) -> None:
        conn = self.store.conn
        try:
            if conn.in_transaction:
                conn.execute("COMMIT" if commit else "ROLLBACK")
        finally:
            self.store.connection = self._connection
            self.store.close()
            self._restore_clock()

    # -- the clock ---------------------------------------------------------------

    def at(self, moment: str) -> None:
        """What "now" is for the records that follow, as ``WINTOGETHER_NOW`` sets it."""
        os.environ["WINTOGETHER_NOW"] = moment

    def _restore_clock(self) -> None:
        if self._clock is None:
            os.environ.pop("WINTOGETHER_NOW", None)
        else:
            os.environ["WINTOGETHER_NOW"] = self._clock

    def _now(self, command: str, *words: str) -> datetime:
        """The moment, and the journal label the command line would give this write."""
        label = " ".join([command, *(typed_word(" ".join(w.split())) for w in words)])
        if len(label) > 200:
            label = label[:199] + "…"
        self.store.command_name, self.store.command_label = command, label
        return clock_now()

    # -- records -----------------------------------------------------------------

    def contact(
        self,
        name: str,
        *,
        company: str | None = None,
        title: str | None = None,
        emails: Sequence[str] = (),
        phones: Sequence[str] = (),
        tags: Sequence[str] = (),
        every: str | None = None,
        met: str | None = None,
        via: str | None = None,
        birthday: str | None = None,
        linkedin: str | None = None,
        note: str | None = None,
        role: str | None = None,
        reports_to: str | None = None,
        force: bool = False,
    ) -> int:
        """`wt add NAME ...`; returns the new contact's id."""
        changes = contacts.ContactChanges(
            name=name,
            company=company,
            title=title,
            emails=list(emails),
            phones=list(phones),
            tags=list(tags),
            every=every,
            met=met,
            via=via,
            birthday=birthday,
            linkedin=linkedin,
            note=note,
            role=role,
            reports_to=reports_to,
        )
        return contacts.add(self.store, changes, self._now("add", name), force=force).id

    def edit(self, contact: str, **changes: Any) -> None:
        """`wt edit CONTACT ...`: ``changes`` as the domain names them (``phones=[...]``)."""
        contacts.edit(
            self.store, contact, contacts.ContactChanges(**changes), self._now("edit", contact)
        )

    def archive(self, contact: str) -> None:
        """`wt archive CONTACT`."""
        contacts.set_archived(self.store, contact, True, self._now("archive", contact))

    def log(
        self,
        contact: str,
        note: str,
        *,
        with_: Sequence[str] = (),
        channel: str = conversations.DEFAULT_CHANNEL,
        at: str | None = None,
        follow_up: str | None = None,
        about: str | None = None,
        they_will: str | None = None,
        by: str | None = None,
    ) -> conversations.LogResult:
        """`wt log CONTACT NOTE ...`."""
        return conversations.log(
            self.store,
            self._now("log", contact, note),
            contact=contact,
            note=note,
            with_=list(with_),
            channel=channel,
            at=at,
            follow_up=follow_up,
            about=about,
            they_will=they_will,
            by=by,
        )

    def promise(self, contact: str, text: str, *, due: str, theirs: bool = False) -> int:
        """`wt follow-up CONTACT TEXT --due DUE [--theirs]`; returns the promise's id."""
        moment = self._now("follow-up", contact, text)
        return promises.add(
            self.store, moment, contact=contact, text=text, due=due, theirs=theirs
        ).id

    def done(self, promise_id: int, note: str | None = None) -> None:
        """`wt done ID`."""
        promises.done(self.store, self._now("done", str(promise_id)), promise_id, note)

    def cancel(self, promise_id: int, note: str | None = None) -> None:
        """`wt cancel ID`."""
        promises.cancel(self.store, self._now("cancel", str(promise_id)), promise_id, note)

    def snooze(self, promise_id: int, until: str) -> None:
        """`wt snooze ID UNTIL`."""
        promises.snooze(self.store, self._now("snooze", str(promise_id), until), promise_id, until)

    def gave(
        self,
        contact: str,
        text: str,
        *,
        kind: str = ledger.DEFAULT_KIND,
        to: str | None = None,
        at: str | None = None,
    ) -> int:
        """`wt gave CONTACT TEXT ...`; returns the ledger entry's id."""
        moment = self._now("gave", contact, text)
        return ledger.record(
            self.store,
            moment,
            direction="gave",
            contact=contact,
            text=text,
            kind=kind,
            at=at,
            to=to,
        ).id

    def got(
        self,
        contact: str,
        text: str,
        *,
        kind: str = ledger.DEFAULT_KIND,
        to: str | None = None,
        at: str | None = None,
    ) -> int:
        """`wt got CONTACT TEXT ...`; returns the ledger entry's id."""
        moment = self._now("got", contact, text)
        return ledger.record(
            self.store, moment, direction="got", contact=contact, text=text, kind=kind, at=at, to=to
        ).id

    def win(self, contact: str, theirs: str, *, mine: str, at: str | None = None) -> int:
        """`wt win CONTACT THEIRS --mine MINE`; returns the win's id."""
        moment = self._now("win", contact, theirs)
        return ledger.win(self.store, moment, contact=contact, theirs=theirs, mine=mine, at=at).id

    def deal(
        self,
        title: str,
        *,
        company: str | None = None,
        with_: Sequence[str] = (),
        target: str | None = None,
        they_win: str | None = None,
        we_win: str | None = None,
        note: str | None = None,
    ) -> int:
        """`wt deal add TITLE ...`; returns the deal's id."""
        moment = self._now("deal add", title)
        return deals.add(
            self.store,
            moment,
            title=title,
            company=company,
            with_=list(with_),
            target=target,
            they_win=they_win,
            we_win=we_win,
            note=note,
        ).id

    def step(
        self,
        deal: str,
        text: str,
        *,
        owner: str,
        due: str,
        after: str | None = None,
        milestone: bool = False,
    ) -> int:
        """`wt plan add DEAL TEXT --owner OWNER --due DUE ...`; returns the step's promise id."""
        moment = self._now("plan add", deal, text)
        result = plan.add_step(
            self.store, moment, deal, text, owner=owner, due=due, after=after, milestone=milestone
        )
        return result.step.promise.id
