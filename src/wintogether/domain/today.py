"""The morning dashboard: what is due, who is slipping, whose birthday is near."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from wintogether.config import Config
from wintogether.dates import stored_day
from wintogether.domain import cadence
from wintogether.domain.birthdays import Birthday, birthday_days, birthdays_of
from wintogether.models import ContactEvent, Promise
from wintogether.store import Store, events
from wintogether.store import dashboard as dashboard_store
from wintogether.store import promises as promises_store
from wintogether.text import json_string

if TYPE_CHECKING:
    from wintogether.domain.health import Wording

SLIPPING_ON_DASHBOARD = 10


class Dashboard:
    """What `wt today` shows. ``empty_database``: nobody is in it yet.

    A plain class, not a dataclass: one is made at every run, and compiling a
    dataclass's methods costs more than the few lines below (records.py)."""

    today: date
    overdue: list[Promise]
    due_today: list[Promise]
    slipping: list[cadence.Attention]
    slipping_total: int
    birthdays: list[Birthday]
    #: People I owe, by the ledger (see domain/ledger.py ``give_first``).
    give_first: list[Any]
    #: Job changes seen on an import, until a conversation is logged after them.
    job_changes: list[ContactEvent]
    empty_database: bool
    #: Proposals from `wt scan` waiting for `wt review` (None: nothing waits).
    to_review: Any
    #: Today's meetings from the captured calendars, each with its people's briefs
    #: (domain/brief.py ``Section``).
    meetings: list[Any]
    #: How many are overdue and due today: more than the lists hold when the
    #: dashboard was asked for the first few only (``promises_shown``).
    overdue_total: int
    due_today_total: int

    def __init__(
        self,
        today: date,
        overdue: list[Promise],
        due_today: list[Promise],
        slipping: list[cadence.Attention],
        slipping_total: int,
        birthdays: list[Birthday],
        give_first: list[Any] | None = None,
        job_changes: list[ContactEvent] | None = None,
        empty_database: bool = False,
        to_review: Any = None,
        meetings: list[Any] | None = None,
        overdue_total: int = 0,
        due_today_total: int = 0,
    ) -> None:
        self.today = today
        self.overdue = overdue
        self.due_today = due_today
        self.slipping = slipping
        self.slipping_total = slipping_total
        self.birthdays = birthdays
        self.give_first = [] if give_first is None else give_first
        self.job_changes = [] if job_changes is None else job_changes
        self.empty_database = empty_database
        self.to_review = to_review
        self.meetings = [] if meetings is None else meetings
        self.overdue_total = overdue_total
        self.due_today_total = due_today_total

    def to_json(self, words: Wording, *, lists: bool = True) -> dict[str, Any]:
        """``lists``: False leaves the two lists of promises, who is slipping
        and the birthdays empty (:meth:`json_text` writes them itself)."""
        return {
            "date": self.today.isoformat(),
            "overdue": [p.to_json() for p in self.overdue] if lists else [],
            "due_today": [p.to_json() for p in self.due_today] if lists else [],
            "slipping": [a.to_json() for a in self.slipping] if lists else [],
            "slipping_total": self.slipping_total,
            "birthdays": [b.to_json() for b in self.birthdays] if lists else [],
            "give_first": [g.to_json(words) for g in self.give_first],
            "job_changes": [e.to_json() for e in self.job_changes],
            "to_review": self.to_review.to_json() if self.to_review else None,
            "meetings": [
                {
                    "meeting": section.meeting.to_json(),
                    "people": [
                        {"contact": p.contact.ref.to_json(), "headline": words.brief_headline(p)}
                        for p in section.people
                    ],
                }
                for section in self.meetings
            ],
        }

    def json_text(self, words: Wording) -> str:
        """:meth:`to_json` as ``write_json`` writes it, without the last newline.
        The promises, the bulk of it (every one overdue), who is slipping and
        the birthdays are written from their fields (:func:`_promise_item`,
        ``Attention.json_item``, :func:`_birthday_item`), the rest by
        ``indented_json``."""
        from wintogether.text import indented_json

        data = self.to_json(words, lists=False)
        parts = []
        for key, value in data.items():
            if key in ("overdue", "due_today"):
                owed = self.overdue if key == "overdue" else self.due_today
                text = (
                    "[\n    " + ",\n    ".join(_promise_item(p) for p in owed) + "\n  ]"
                    if owed
                    else "[]"
                )
            elif key == "slipping" and self.slipping:
                # Each as `wt neglected --json` writes it, two spaces further in.
                text = (
                    "[\n"
                    + ",\n".join("  " + a.json_item().replace("\n", "\n  ") for a in self.slipping)
                    + "\n  ]"
                )
            elif key == "birthdays" and self.birthdays:
                # A week of a big address book's birthdays (dozens).
                text = "[\n    " + ",\n    ".join(map(_birthday_item, self.birthdays)) + "\n  ]"
            else:
                text = indented_json(value, safe=True).replace("\n", "\n  ")
            parts.append(f"{json_string(key)}: {text}")
        return "{\n  " + ",\n  ".join(parts) + "\n}"


def _promise_item(p: Promise) -> str:
    """``Promise.to_json`` as ``write_json`` writes it as an item of a list that
    is a value of the top object (four spaces in). Days and times are written
    as their ISO text, which has nothing to escape; an owner and a status are
    one of a few words (the table's checks), escaped only if one were not."""
    ref = p.contact
    conversation = "null" if p.conversation_id is None else repr(p.conversation_id)
    done_at = "null" if p.done_at is None else f'"{p.done_at.isoformat()}"'
    return (
        f'{{\n      "id": {p.id!r},\n      "uid": {json_string(p.uid)},\n'
        f'      "contact": {{\n        "id": {ref.id!r},\n'
        f'        "name": {json_string(ref.name)},\n'
        f'        "company": {json_string(ref.company)}\n      }},\n'
        f'      "conversation_id": {conversation},\n'
        f'      "text": {json_string(p.text)},\n'
        f'      "due_on": "{p.due_on.isoformat()}",\n'
        f'      "owner": {_WORDS.get(p.owner) or json_string(p.owner)},\n'
        f'      "status": {_WORDS.get(p.status) or json_string(p.status)},\n'
        f'      "done_at": {done_at},\n'
        f'      "done_note": {json_string(p.done_note)},\n'
        f'      "created_at": "{p.created_at.isoformat()}"\n    }}'
    )


#: A promise's owners and statuses as JSON strings.
_WORDS = {word: f'"{word}"' for word in ("me", "them", "open", "done", "cancelled")}


def _birthday_item(b: Birthday) -> str:
    """``Birthday.to_json`` as ``write_json`` writes it as an item of a list that
    is a value of the top object (four spaces in)."""
    ref = b.contact
    turns = "null" if b.turns is None else repr(b.turns)
    return (
        f'{{\n      "contact": {{\n        "id": {ref.id!r},\n'
        f'        "name": {json_string(ref.name)},\n'
        f'        "company": {json_string(ref.company)}\n      }},\n'
        f'      "date": "{b.on.isoformat()}",\n'
        f'      "in_days": {b.in_days!r},\n'
        f'      "turns": {turns}\n    }}'
    )


def dashboard(
    store: Store,
    config: Config,
    now: datetime,
    *,
    slipping_limit: int = SLIPPING_ON_DASHBOARD,
    promises_shown: int | None = None,
) -> Dashboard:
    """``promises_shown``: only the first promises overdue and due today (a
    table's rows), the others counted; None: all of them (JSON)."""
    today = now.date()
    with store.read():
        overdue, due_today, totals = _due(store, today, promises_shown)
        ranked, slipping_total = cadence.slipping_in(store, config, now, top=slipping_limit)
        born = dashboard_store.birthday_people(store, birthday_days(today))
        job_changes = _job_changes(store)
        empty = not dashboard_store.has_contacts(store)
        to_review, meetings = None, []
        if events.anything_captured(store):
            from wintogether.domain.brief import todays_sections
            from wintogether.domain.capture import waiting

            waits = waiting(store)
            to_review = waits if waits.meetings or waits.emails else None
            meetings = todays_sections(store, config, now)
    from wintogether.domain.ledger import give_first

    return Dashboard(
        today=today,
        overdue=overdue,
        due_today=due_today,
        slipping=ranked,
        slipping_total=slipping_total,
        birthdays=birthdays_of(born, today),
        give_first=give_first(store, config, now),
        job_changes=job_changes,
        empty_database=empty,
        to_review=to_review,
        meetings=meetings,
        overdue_total=totals[0],
        due_today_total=totals[1],
    )


def _due(
    store: Store, today: date, shown: int | None
) -> tuple[list[Promise], list[Promise], tuple[int, int]]:
    """Open promises overdue and due today (the first ``shown`` of each, or
    all), and how many of each there are."""
    if shown is None:
        due = promises_store.promises(store, due_on_or_before=today)
        overdue = [p for p in due if p.due_on < today]
        due_today = [p for p in due if p.due_on == today]
        return overdue, due_today, (len(overdue), len(due_today))
    # Classified from the index's due days as the lists above are, and only
    # the promises shown read in full.
    late: list[int] = []
    now_due: list[int] = []
    for promise_id, due_on in promises_store.due_keys(store, today):
        day = stored_day(due_on)
        if day < today:
            late.append(promise_id)
        elif day == today:
            now_due.append(promise_id)
    wanted = late[:shown] + now_due[:shown]
    full = {p.id: p for p in promises_store.promises_by_id(store, wanted)} if wanted else {}
    return (
        [full[i] for i in late[:shown] if i in full],
        [full[i] for i in now_due[:shown] if i in full],
        (len(late), len(now_due)),
    )


def _job_changes(store: Store) -> list[ContactEvent]:
    from wintogether.store.events import open_job_changes

    return open_job_changes(store)


def neglected(
    store: Store,
    config: Config,
    now: datetime,
    *,
    limit: int | None = None,
    tag: str | None = None,
) -> tuple[list[cadence.Attention], int]:
    """The most slipping relationships (at most ``limit``), and how many slip in all."""
    with store.read():
        return cadence.slipping_in(store, config, now, tag=tag, top=limit)


def neglected_json(
    store: Store,
    config: Config,
    now: datetime,
    *,
    limit: int | None = None,
    tag: str | None = None,
) -> list[str]:
    """:func:`neglected` as JSON items (cadence.json_item), for `--json`: all of
    them straight from the ranges (cadence.slipping_json), or the first ``limit``."""
    with store.read():
        if limit is None and tag is None:
            return cadence.slipping_json(store, config, now)
        rows, _ = cadence.slipping_rows(store, config, now, tag=tag, top=limit)
    return [cadence.json_item(*row) for row in rows]
