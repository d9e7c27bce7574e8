"""Plain records passed between the store, the domain and the renderers.

``to_json`` gives the documented, stable JSON shape of each record
(docs/json.md); keys are snake_case and are only ever added, never renamed.

Every record and constant is named here (``from wintogether.models import
Deal``). The records live in modules of their own, loaded when first named:
each dataclass costs the compilation of its methods at start-up, and `wt log`
needs none of them but ``ContactRef`` (with the constants, in ``base``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from wintogether.models.base import (
    ACCOUNT_ROLES,
    CHANNEL_WORDS,
    CHANNELS,
    DEAL_STATUSES,
    DIRECTIONS,
    LEDGER_KINDS,
    OWNERS,
    STATUSES,
    ContactRef,
)

if TYPE_CHECKING:
    from wintogether.models.contact import Contact, ContactStanding
    from wintogether.models.conversation import Conversation
    from wintogether.models.deals import Deal, PlanStep
    from wintogether.models.events import ContactEvent
    from wintogether.models.ledger import LedgerEntry, Win
    from wintogether.models.promise import Promise

__all__ = [
    "ACCOUNT_ROLES",
    "CHANNELS",
    "CHANNEL_WORDS",
    "DEAL_STATUSES",
    "DIRECTIONS",
    "LEDGER_KINDS",
    "OWNERS",
    "STATUSES",
    "Contact",
    "ContactEvent",
    "ContactRef",
    "ContactStanding",
    "Conversation",
    "Deal",
    "LedgerEntry",
    "PlanStep",
    "Promise",
    "Win",
]

#: Records defined in their own modules, loaded when first named.
_ELSEWHERE = {
    "Contact": "wintogether.models.contact",
    "ContactStanding": "wintogether.models.contact",
    "Conversation": "wintogether.models.conversation",
    "Promise": "wintogether.models.promise",
    "LedgerEntry": "wintogether.models.ledger",
    "Win": "wintogether.models.ledger",
    "ContactEvent": "wintogether.models.events",
    "Deal": "wintogether.models.deals",
    "PlanStep": "wintogether.models.deals",
}


def __getattr__(name: str) -> Any:
    module = _ELSEWHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(__import__(module, fromlist=[name]), name)
    globals()[name] = value
    return value
