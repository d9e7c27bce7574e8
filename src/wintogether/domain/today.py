"""The morning dashboard: what is due, who is slipping, whose birthday is near."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from wintogether.config import Config
from wintogether.domain import cadence
from wintogether.domain.birthdays import Birthday, birthday_days, birthdays
from wintogether.models import ContactEvent, ContactRef, Promise
from wintogether.records import dataclass, field
from wintogether.store import Store, events
from wintogether.store import contacts as contacts_store
from wintogether.store import promises as promises_store

if TYPE_CHECKING:
    from wintogether.domain.health import Wording

SLIPPING_ON_DASHBOARD = 10


@dataclass
class Dashboard:
    """What `wt today` shows. ``empty_database``: nobody is in it yet."""

    today: date
    overdue: list[Promise]
    due_today: list[Promise]
    slipping: list[cadence.Attention]
    slipping_total: int
    birthdays: list[Birthday]
    #: People I owe, by the ledger (see domain/ledger.py ``give_first``).
    give_first: list[Any] = field(default_factory=list)
    #: Job changes seen on an import, until a conversation is logged after them.
    job_changes: list[ContactEvent] = field(default_factory=list)
    empty_database: bool = False
    #: Proposals from `wt scan` waiting for `wt review` (None: nothing waits).
    to_review: Any = None
    #: Today's meetings from the captured calendars, each with its people's briefs
    #: (domain/brief.py ``Section``).
    meetings: list[Any] = field(default_factory=list)

    def to_json(self, words: Wording) -> dict[str, Any]:
        return {
            "date": self.today.isoformat(),
            "overdue": [p.to_json() for p in self.overdue],
            "due_today": [p.to_json() for p in self.due_today],
            "slipping": [a.to_json() for a in self.slipping],
            "slipping_total": self.slipping_total,
            "birthdays": [b.to_json() for b in self.birthdays],
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


def dashboard(
    store: Store, config: Config, now: datetime, *, slipping_limit: int = SLIPPING_ON_DASHBOARD
) -> Dashboard:
    today = now.date()
    with store.read():
        due = promises_store.promises(store, due_on_or_before=today)
        ranked, slipping_total = cadence.slipping_in(store, config, now, top=slipping_limit)
        with_birthdays = contacts_store.standings(store, birthdays_on=birthday_days(today))
        job_changes = _job_changes(store)
        empty = not contacts_store.has_contacts(store)
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
        overdue=[p for p in due if p.due_on < today],
        due_today=[p for p in due if p.due_on == today],
        slipping=ranked,
        slipping_total=slipping_total,
        birthdays=birthdays(with_birthdays, today),
        give_first=give_first(store, config, now),
        job_changes=job_changes,
        empty_database=empty,
        to_review=to_review,
        meetings=meetings,
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


def neglected_rows(
    store: Store,
    config: Config,
    now: datetime,
    *,
    limit: int | None = None,
    tag: str | None = None,
) -> tuple[list[tuple[ContactRef, int, int, str, bool]], int]:
    """:func:`neglected` as bare figures (cadence.slipping_rows), for JSON."""
    with store.read():
        return cadence.slipping_rows(store, config, now, tag=tag, top=limit)
