"""vCard 2.1, 3.0 and 4.0 in, 4.0 or 3.0 out.

Cards are split out of the file here, with their line numbers, and each is
read on its own: one malformed card is reported by position instead of
stopping the reader for every card after it. Content lines and values are
decoded by :mod:`wintogether.formats.vcardprop` (folding, quoted-printable
soft breaks, charsets, escapes, embedded photos), not by vobject: vobject
splits single text values at commas, keeps binary photos as the repr of
bytes and refuses whole cards over one odd property.

A property that cannot be decoded (a damaged photo) is left out with a
notice naming the card and the property; only a line that is not a property
at all makes a card unreadable.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import IO, Any

from wintogether.formats import Card, ExportRecords, Problem, ReadResult
from wintogether.formats import csvfile as c
from wintogether.formats import vcardprop as vp

_BEGIN = re.compile(r"^BEGIN\s*:\s*VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END\s*:\s*VCARD\s*$", re.IGNORECASE)
#: What old exporters leave between cards (Netscape pads files with NUL bytes).
_PADDING = " \t\x00"
_X_NAME = re.compile(r"^X-[A-Za-z0-9-]+$")
#: Properties we read into fields; everything else is kept as an extra.
_KNOWN = {
    "VERSION", "FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "URL", "BDAY", "NOTE",
    "CATEGORIES", "UID", "X-SOCIALPROFILE", "X-ABLABEL", "PRODID", "REV",
}  # fmt: skip
#: Property names as the user knows them, for messages.
_LABELS = {
    "PHOTO": "photo", "LOGO": "logo", "FN": "name", "N": "name", "ORG": "company",
    "TITLE": "title", "NOTE": "note", "EMAIL": "email", "TEL": "phone", "URL": "web address",
    "BDAY": "birthday", "ADR": "address", "CATEGORIES": "categories",
}  # fmt: skip


def split_cards(text: str) -> Iterator[tuple[int, int, list[str]]]:
    """(card number, first line number, lines) for each BEGIN/END:VCARD block.

    Text outside a block is yielded as a card with no END so it is reported.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    number = 0
    current: list[str] | None = None
    start = 0
    for index, line in enumerate(lines, 1):
        if _BEGIN.match(line):
            if current is not None:
                number += 1
                yield number, start, current  # no END: the reader reports it
            current, start = [line], index
            continue
        if current is None:
            if line.strip(_PADDING):
                number += 1
                yield number, index, [line]
            continue
        current.append(line)
        if _END.match(line):
            number += 1
            yield number, start, current
            current = None
    if current is not None:
        number += 1
        yield number, start, current


def count(text: str) -> int:
    """How many cards a file holds (for a progress bar)."""
    return sum(1 for line in text.splitlines() if _BEGIN.match(line))


def read(text: str, progress: Callable[[int], None] | None = None) -> ReadResult:
    cards: list[Card] = []
    problems: list[Problem] = []
    skipped: list[Problem] = []
    notices: list[Problem] = []
    records = 0
    for number, line, lines in split_cards(text):
        records += 1
        if progress is not None:
            progress(number)
        position = f"card {number} (line {line})"
        if not _BEGIN.match(lines[0]):
            problems.append(Problem(position, "text outside BEGIN:VCARD … END:VCARD"))
            continue
        if not _END.match(lines[-1]):
            problems.append(Problem(position, "no END:VCARD"))
            continue
        try:
            props = [vp.parse(n, t) for n, t in vp.unfold(lines[1:-1], line + 1)]
        except vp.BadLine as exc:
            problems.append(Problem(position, str(exc)))
            continue
        card = _card(props, position, notices)
        if not card.name:
            skipped.append(Problem(position, "no name, company, email or phone"))
            continue
        cards.append(card)
    return ReadResult(cards, problems, records, skipped=skipped, notices=notices)


def label(name: str) -> str:
    """A property name in the user's words ("photo", "X-GOOGLE TALK")."""
    return _LABELS.get(name.upper(), name)


def _card(props: list[vp.Property], position: str, notices: list[Problem]) -> Card:
    card = Card(position=position)
    decoder = vp.Decoder()
    labels: dict[str, str] = {}
    for prop in props:
        if prop.name == "X-ABLABEL" and prop.group:
            labels[prop.group.casefold()] = decoder.text(prop).strip()
    full_name = ""
    structured_name = ""
    for prop in props:
        name = prop.name
        try:
            if name in vp.BINARY or (prop.encoding in ("B", "BASE64") and name not in _KNOWN):
                if prop.raw.strip():
                    card.extras.append((_key(prop), vp.data_uri(prop, decoder)))
                continue
            if name == "FN":
                full_name = full_name or " ".join(decoder.text(prop).split())
            elif name == "N":
                parts = [" ".join(p.split()) for p in decoder.parts(prop)]
                parts += [""] * (5 - len(parts))
                family, given, additional, prefix, suffix = parts[:5]
                structured_name = structured_name or c.join_name(
                    prefix, given, additional, family, suffix
                )
            elif name == "ORG":
                parts = [p.strip() for p in decoder.parts(prop)]
                if card.company is None and any(parts):
                    card.company = parts[0] or None
                    units = [p for p in parts[1:] if p]
                    if units:
                        card.extras.append(("ORG-UNIT", "; ".join(units)))
            elif name == "TITLE":
                card.title = card.title or decoder.text(prop).strip() or None
            elif name == "EMAIL":
                email = decoder.text(prop).strip().removeprefix("mailto:")
                if email:
                    card.emails.append(email)
            elif name == "TEL":
                phone = decoder.text(prop).strip().removeprefix("tel:")
                if phone:
                    card.phones.append(phone)
            elif name in ("URL", "X-SOCIALPROFILE"):
                _url(card, prop, decoder, labels)
            elif name == "BDAY":
                value = decoder.text(prop).strip()
                card.birthday = card.birthday or c.birthday(value)
                if card.birthday is None and value:
                    card.extras.append(("BDAY", value))
            elif name == "NOTE":
                note = decoder.text(prop).strip()
                if note:
                    card.notes = f"{card.notes}\n\n{note}" if card.notes else note
            elif name == "CATEGORIES":
                card.tags = c.tags_from(card.tags + decoder.parts(prop, ","))
            elif name == "UID":
                uid = decoder.text(prop).strip()
                if uid.casefold().startswith("urn:uuid:"):
                    uid = uid[len("urn:uuid:") :]
                card.uid = card.uid or uid or None
            elif name not in _KNOWN or (name == "X-ABLABEL" and not prop.group):
                # (a label of no group labels nothing here: kept as it came)
                value = decoder.text(prop)
                if value.strip():
                    card.extras.append((_key(prop), value))
        except ValueError as exc:
            notices.append(
                Problem(position, f"the {label(name)} on line {prop.line} was left out ({exc})")
            )
    card.name = full_name or structured_name or card.company or ""
    if not card.name and card.emails:
        card.name = card.emails[0]
    if not card.name and card.phones:
        card.name = card.phones[0]
    for what, charset in dict.fromkeys((label(n), cs) for n, cs in decoder.fallbacks):
        notices.append(Problem(position, f"the {what} was read as {charset}"))
    return card


def _key(prop: vp.Property) -> str:
    return f"{prop.group}.{prop.name}" if prop.group else prop.name


def _url(card: Card, prop: vp.Property, decoder: vp.Decoder, labels: dict[str, str]) -> None:
    value = decoder.text(prop).strip()
    if not value:
        return
    url = c.clean_url(value)
    ab_label = labels.get((prop.group or "").casefold(), "").casefold()
    if c.is_linkedin(url) or "linkedin" in prop.types or ab_label == "linkedin":
        card.linkedin = card.linkedin or url
    elif url not in card.urls:
        card.urls.append(url)


_REV = re.compile(r"^REV(?:;[^:]*)?:(.+)$", re.IGNORECASE | re.MULTILINE)


def revision(text: str) -> str | None:
    """A card's REV (when it was last changed) as written, if it has one."""
    match = _REV.search(text.replace("\r\n", "\n"))
    return match.group(1).strip() if match else None


# -- writing ------------------------------------------------------------------


def export(stream: IO[str], records: ExportRecords) -> None:
    for contact in records.contacts():
        stream.write(card_text(contact, records.vcard_version))


def card_text(contact: dict[str, Any], version: str = "4.0", *, ours: bool = False) -> str:
    """One contact (export JSON shape) as a vCard of the given version.

    ``ours``: also the fields only wintogether has (how met, cadence, ...), as
    the X-WINTOGETHER- properties of :data:`X_FIELDS` (for a second database;
    other apps keep or ignore them).
    """
    import vobject

    card = vobject.vCard()
    card.add("version").value = version
    card.add("uid").value = (
        f"urn:uuid:{contact['uid']}" if version == "4.0" else str(contact["uid"])
    )
    card.add("fn").value = contact["name"]
    given, _, family = str(contact["name"]).rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    extras = [(str(k), str(v)) for k, v in contact.get("extras") or []]
    if contact.get("company"):
        units = [u for k, v in extras if k == "ORG-UNIT" for u in v.split("; ") if u]
        card.add("org").value = [contact["company"], *units]
    if contact.get("title"):
        card.add("title").value = contact["title"]
    for email in contact.get("emails", []):
        card.add("email").value = email
    for phone in contact.get("phones", []):
        card.add("tel").value = phone
    for url in contact.get("urls", []):
        prop = card.add("url")
        prop.value = url["url"]
        if url["kind"] == "linkedin":
            prop.type_param = "linkedin" if version == "4.0" else "x-linkedin"
    birthday = contact.get("birthday")
    if birthday:
        prop = card.add("bday")
        if birthday.startswith("--"):
            if version == "4.0":
                prop.value = "--" + birthday[2:].replace("-", "")
            else:
                # Apple's convention for "no year" in 3.0, read by iOS and macOS.
                prop.value = "1604" + birthday[1:]
                prop.params["X-APPLE-OMIT-YEAR"] = ["1604"]
        else:
            prop.value = birthday
    if contact.get("notes"):
        card.add("note").value = contact["notes"]
    if contact.get("tags"):
        card.add("categories").value = list(contact["tags"])
    binary: list[str] = []
    for key, value in extras:
        # Photos, logos and unknown X- properties go back out as they came in.
        name = _X_SPELLING.sub("-", key.rpartition(".")[2].strip())
        if name.upper() in vp.BINARY:
            binary += vp.binary_lines(name.upper(), value, version)
        elif _X_NAME.match(name) and (name.upper() not in _KNOWN or name.upper() == "X-ABLABEL"):
            card.add(name.lower()).value = value
        elif name.upper() in _WRITTEN_BACK and value.strip():
            group = key.rpartition(".")[0].strip()
            head = f"{group}.{name.upper()}" if _GROUP.fullmatch(group) else name.upper()
            binary.append(f"{head}:{_WRITTEN_BACK[name.upper()](value)}")
    if contact.get("updated_at"):
        card.add("rev").value = str(contact["updated_at"]).replace("-", "").replace(":", "")
    if ours:
        binary += own_lines(contact)
    text = str(card.serialize())
    if binary:
        end = text.rindex("END:VCARD")
        text = text[:end] + "".join(vp.fold(line) for line in binary) + text[end:]
    return text


# -- the fields only wintogether has, for a second database ----------------------------

#: A contact's fields that no standard vCard property holds, and the X-
#: properties that carry them between two wintogether databases. A card with
#: none of them was written by another app: these fields are left as they are.
X_FIELDS = {
    "how_met": "X-WINTOGETHER-HOW-MET",
    "met_on": "X-WINTOGETHER-MET-ON",
    "introduced_by": "X-WINTOGETHER-INTRODUCED-BY",
    "cadence_days": "X-WINTOGETHER-CADENCE-DAYS",
    "created_at": "X-WINTOGETHER-CREATED",
    "archived_at": "X-WINTOGETHER-ARCHIVED",
    "account_role": "X-WINTOGETHER-ACCOUNT-ROLE",
    "reports_to": "X-WINTOGETHER-REPORTS-TO",
}
_X_FIELD_OF = {prop: key for key, prop in X_FIELDS.items()}


def _structured(value: str) -> str:
    """A structured value kept as read (its parts joined by ";"): each part
    escaped, the separators kept."""
    return ";".join(_escape(part) for part in value.split(";"))


def _plain(value: str) -> str:
    """A value that is not text (a date, a URI): only line breaks escaped."""
    return " ".join(value.split())


def _escape(value: str) -> str:
    """A text value escaped as vCard 3.0 and 4.0 read it (RFC 6350 3.4)."""
    return (
        value.replace("\\", "\\\\")
        .replace(",", "\\,")
        .replace(";", "\\;")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


#: Standard properties wintogether keeps without reading them, written back
#: into the cards it writes (a sync to another computer, a vCard export) as
#: they were kept: how each value is written.
_WRITTEN_BACK: dict[str, Callable[[str], str]] = {
    "ADR": _structured, "GENDER": _structured, "NICKNAME": _escape,
    "ROLE": _escape, "ANNIVERSARY": _plain, "IMPP": _plain,
    "RELATED": _plain, "GEO": _plain, "TZ": _plain, "LANG": _plain,
}  # fmt: skip
_GROUP = re.compile(r"[A-Za-z0-9-]{1,40}")


#: The uid of a contact merged into this one (``wt merge``): one property each.
#: Another database that still has that contact merges it too when it reads the card.
MERGED_UID = "X-WINTOGETHER-MERGED-UID"


def merged_uids(extras: list[tuple[str, str]] | list[list[str]]) -> list[str]:
    """The uids of the contacts merged into this one, from a contact's extras
    (kept there as ``MERGED-UID``) or a card's properties."""
    return sorted(
        {
            str(value)
            for key, value in extras
            if key.rpartition(".")[2].upper() in ("MERGED-UID", MERGED_UID) and value
        }
    )


def own_lines(contact: dict[str, Any]) -> list[str]:
    """The X-WINTOGETHER- content lines (unfolded) of a contact's :data:`X_FIELDS`
    and of the contacts merged into it."""
    lines = [
        f"{prop}:{_escape(str(contact[key]))}"
        for key, prop in X_FIELDS.items()
        if contact.get(key) not in (None, "")
    ]
    lines += [f"{MERGED_UID}:{_escape(uid)}" for uid in merged_uids(contact.get("extras") or [])]
    return lines


def own_fields(extras: list[tuple[str, str]]) -> dict[str, str | None] | None:
    """The fields of :data:`X_FIELDS` a card carries (as text; absent ones None),
    or None when it carries none of them (a card written by another app)."""
    found: dict[str, str | None] = dict.fromkeys(X_FIELDS)
    seen = False
    for key, value in extras:
        field_name = _X_FIELD_OF.get(key.rpartition(".")[2].upper())
        if field_name is not None:
            seen = True
            if found[field_name] is None:
                found[field_name] = value
    return found if seen else None


#: Characters a property name cannot hold ("X-GOOGLE TALK", "X-messaging/aim").
_X_SPELLING = re.compile(r"[^A-Za-z0-9-]")


# -- patching a received card (see formats/patch.py) ------------------------------------

#: Our single-valued fields and the properties that carry them.
CARD_PROPERTIES = {
    "name": {"FN", "N"},
    "company": {"ORG"},
    "title": {"TITLE"},
    "birthday": {"BDAY"},
    "notes": {"NOTE"},
    "tags": {"CATEGORIES"},
}


def _email_key(value: str) -> str:
    from wintogether.formats.patch import unescape

    return unescape(value).strip().removeprefix("mailto:").casefold()


def _tel_key(value: str) -> str:
    from wintogether.formats.patch import unescape

    return unescape(value).strip().removeprefix("tel:")


def _url_key(value: str) -> str:
    from wintogether.formats.patch import unescape

    return c.clean_url(unescape(value)).casefold()


def _keep_org_unit(new: Any, old: Any) -> str:
    """Our company's name with the units (``;Sales;EMEA``) the received ORG had."""
    from wintogether.formats.patch import split_component

    _, units = split_component(old.value)
    company, _ = split_component(new.value)
    return f"{old.head}:{company}" + (f";{units}" if units else "")


def patch_card(base: str, contact: dict[str, Any], changed: set[str]) -> str:
    """``contact`` written into the received card ``base``, keeping what we do not own.

    ``changed``: the fields (keys of ``CARD_PROPERTIES``; emails, phones and
    URLs are matched value by value) whose value differs from ``base``'s.
    The card keeps its vCard version.
    """
    from wintogether.formats import patch

    version = "4.0" if re.search(r"^VERSION:\s*4", base, re.IGNORECASE | re.MULTILINE) else "3.0"
    # The card's own photos and X- properties stay as they are; whom the
    # contact merged is ours (an X-WINTOGETHER- property).
    merged = [("MERGED-UID", uid) for uid in merged_uids(contact.get("extras") or [])]
    ours = card_text({**contact, "extras": merged}, version, ours=True)
    replace: set[str] = set()
    for key in changed:
        replace |= CARD_PROPERTIES.get(key, set())
    return patch.patch(
        base,
        ours,
        "VCARD",
        replace=replace,
        lists={"EMAIL": _email_key, "TEL": _tel_key, "URL": _url_key, "X-SOCIALPROFILE": _url_key},
        ours_always=lambda name: name == "REV" or name.startswith("X-WINTOGETHER-"),
        fixes={"ORG": _keep_org_unit},
    )
