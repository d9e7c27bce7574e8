"""Counts in the user's words ("2 contacts, 1 ledger entry"), without Rich."""

from __future__ import annotations

#: Export record kinds in the user's words (singular, plural).
_EXPORTED_WORDS = {
    "contacts": ("contact", "contacts"),
    "conversations": ("conversation", "conversations"),
    "promises": ("promise", "promises"),
    "ledger": ("ledger entry", "ledger entries"),
    "wins": ("win", "wins"),
    "events": ("timeline event", "timeline events"),
    "birthdays": ("birthday", "birthdays"),
}


def exported_words(counts: dict[str, int]) -> str:
    """``1 contact, 2 promises``: what an export wrote; kinds with nothing are left out."""
    words = []
    for kind, count in counts.items():
        if count:
            one, many = _EXPORTED_WORDS.get(kind, (kind, kind))
            words.append(f"{count} {one if count == 1 else many}")
    return ", ".join(words) or "nothing (no records matched)"


#: What a journaled table holds, in the user's words (singular, plural). Tables that
#: only link rows (who took part in a conversation, which tags a contact has) are
#: counted with the rows they link, so they are not named.
_ROW_WORDS: dict[str, tuple[str, str]] = {
    "contacts": ("contact", "contacts"),
    "contact_emails": ("email address", "email addresses"),
    "contact_phones": ("phone number", "phone numbers"),
    "contact_urls": ("link", "links"),
    "tags": ("tag", "tags"),
    "interactions": ("conversation", "conversations"),
    "promises": ("promise", "promises"),
    "ledger": ("ledger entry", "ledger entries"),
    "wins": ("win", "wins"),
    "contact_events": ("timeline event", "timeline events"),
    "contact_extras": ("imported detail", "imported details"),
}


def changed_rows(tables: dict[str, int]) -> str:
    """``2 contacts, 1 conversation``: what a command changed, in the user's words."""
    words = []
    for table, count in tables.items():
        if table not in _ROW_WORDS:
            continue
        one, many = _ROW_WORDS[table]
        words.append(f"{count} {one if count == 1 else many}")
    return ", ".join(words) or "no records"
