"""Planning an import: each card added, merged into a contact, or left as it is."""

from __future__ import annotations

from dataclasses import dataclass

from wintogether.domain.importing.match import (
    _MERGED_FIELDS,
    _apply_to_state,
    _Change,
    _merge,
    _Planner,
    _State,
)
from wintogether.domain.importing.result import Decision
from wintogether.formats import Card
from wintogether.store import Store
from wintogether.store import companies as companies_store


@dataclass
class _Step:
    decision: Decision
    key: int
    card: Card
    change: _Change | None
    #: Added, with the name of a contact there was before (a likely duplicate).
    namesake: bool = False


def _plan(store: Store, cards: list[Card]) -> list[_Step]:
    planner = _Planner(store, cards)

    def same_company(new: str, old: str | None) -> bool:
        return companies_store.same_company(store, new, old)

    steps: list[_Step] = []
    for card in cards:
        repeated = planner.repeat(card)
        if repeated is not None:
            steps.append(
                _Step(
                    Decision(
                        "skip",
                        card.position,
                        card.name,
                        card.company,
                        "repeats an earlier row word for word",
                        repeated if repeated > 0 else None,
                    ),
                    repeated,
                    card,
                    None,
                )
            )
            continue
        found = planner.find(card)
        if found is None:
            key = planner.next_provisional
            planner.next_provisional -= 1
            planner.states[key] = _State(
                None,
                {"company": card.company, "title": card.title}
                | {k: getattr(card, k) for k in _MERGED_FIELDS},
                list(card.emails),
                list(card.phones),
                ([("linkedin", card.linkedin)] if card.linkedin else [])
                + [("web", u) for u in card.urls],
                list(card.tags),
                list(card.extras),
                new=True,
                card=card,
            )
            namesake = card.name.casefold() in planner.had_names
            planner.register(key, card)
            planner.claim(key, card)
            reason = "new contact" + ("; you had someone of this name" if namesake else "")
            steps.append(
                _Step(
                    Decision("add", card.position, card.name, card.company, reason),
                    key,
                    card,
                    None,
                    namesake,
                )
            )
            continue
        key, why = found
        state = planner.state(key)
        change = _merge(state, card, same_company)
        planner.register(key, card)
        planner.claim(key, card)
        contact_id = key if key > 0 else None
        if not change:
            reason = f"already up to date ({why})"
            if key < 0:
                reason = f"repeats an earlier row ({why})"
            steps.append(
                _Step(
                    Decision("skip", card.position, card.name, card.company, reason, contact_id),
                    key,
                    card,
                    None,
                )
            )
            continue
        _apply_to_state(state, change)
        steps.append(
            _Step(
                Decision(
                    "update",
                    card.position,
                    card.name,
                    card.company,
                    f"{why}: {change.describe()}",
                    contact_id,
                    change.job[0] if change.job else None,
                ),
                key,
                card,
                change,
            )
        )
    return steps
