"""vCard 2.1, 3.0 and 4.0 in (via vobject), 4.0 or 3.0 out.

Cards are split out of the file here, with their line numbers, and each is
parsed on its own: one malformed card is reported by position instead of
stopping the parser for every card after it.

vobject does not understand vCard 2.1 quoted-printable soft line breaks (a
line ending in ``=`` continues on the next line, with no leading space): it
reads the continuation as a new, broken property. :func:`_join_soft_breaks`
rejoins those lines first; vobject then decodes the quoted-printable value.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from wintogether.formats import Card, Problem, ReadResult
from wintogether.formats import csvfile as c

_BEGIN = re.compile(r"^BEGIN:VCARD\s*$", re.IGNORECASE)
_END = re.compile(r"^END:VCARD\s*$", re.IGNORECASE)
_X_NAME = re.compile(r"^X-[A-Za-z0-9-]+$")
_QP = re.compile(r"ENCODING=QUOTED-PRINTABLE|;QUOTED-PRINTABLE[;:]", re.IGNORECASE)
#: Properties we read into fields; everything else is kept as an extra.
_KNOWN = {
    "VERSION", "FN", "N", "ORG", "TITLE", "EMAIL", "TEL", "URL", "BDAY", "NOTE",
    "CATEGORIES", "UID", "X-SOCIALPROFILE", "X-ABLABEL", "PRODID", "REV",
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
                yield number, start, current  # no END: the parser reports it
            current, start = [line], index
            continue
        if current is None:
            if line.strip():
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


def _join_soft_breaks(lines: list[str]) -> list[str]:
    out: list[str] = []
    joining = False
    for line in lines:
        if joining and out:
            out[-1] = out[-1][:-1] + line
        else:
            out.append(line)
        last = out[-1]
        head = last.split(":", 1)[0]
        joining = bool(_QP.search(head + ":")) and last.endswith("=") and ":" in last
    return out


def read(text: str, progress: Callable[[int], None] | None = None) -> ReadResult:
    import vobject

    cards: list[Card] = []
    problems: list[Problem] = []
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
            component = vobject.readOne("\r\n".join(_join_soft_breaks(lines)) + "\r\n")
            card = _card(component, position)
        except Exception as exc:  # vobject raises many kinds; all mean "cannot read"
            problems.append(Problem(position, _reason(exc)))
            continue
        if not card.name:
            problems.append(Problem(position, "no name (FN or N)"))
            continue
        cards.append(card)
    return ReadResult(cards, problems, records)


def _reason(exc: Exception) -> str:
    text = " ".join(str(exc).split())
    return f"unreadable ({text[:120]})" if text else f"unreadable ({type(exc).__name__})"


def binary_value(data: bytes) -> str:
    """A binary property value (an embedded PHOTO or LOGO) as stored: its base64
    text, exactly as a vCard carries it, never the Python repr of the bytes."""
    import base64

    return base64.b64encode(data).decode("ascii")


def _text(value: Any) -> str:
    if isinstance(value, bytes):
        return binary_value(value)
    if isinstance(value, list):
        return " ".join(str(v) for v in value if v)
    return str(value)


def _card(component: Any, position: str) -> Card:
    card = Card(position=position)
    labels: dict[str, str] = {}
    for child in component.getChildren():
        if child.name == "X-ABLABEL" and child.group:
            labels[child.group] = str(child.value)
    for child in component.getChildren():
        name = child.name
        value = child.value
        types = {t.casefold() for v in child.params.get("TYPE", []) for t in v.split(",")}
        if name == "FN":
            card.name = " ".join(str(value).split())
        elif name == "N" and not card.name:
            card.name = " ".join(
                str(p) for p in (value.prefix, value.given, value.additional, value.family) if p
            )
            card.name = " ".join(card.name.split())
        elif name == "ORG":
            parts = [p for p in (value if isinstance(value, list) else [value]) if p]
            card.company = str(parts[0]).strip() if parts else None
            if len(parts) > 1:
                card.extras.append(("ORG-UNIT", "; ".join(str(p) for p in parts[1:])))
        elif name == "TITLE":
            card.title = _text(value).strip() or None
        elif name == "EMAIL" and str(value).strip():
            card.emails.append(str(value).strip().removeprefix("mailto:"))
        elif name == "TEL" and str(value).strip():
            card.phones.append(str(value).strip().removeprefix("tel:"))
        elif name in ("URL", "X-SOCIALPROFILE") and str(value).strip():
            url = c.clean_url(str(value))
            label = labels.get(child.group or "", "").casefold()
            if c.is_linkedin(url) or "linkedin" in types or label == "linkedin":
                card.linkedin = card.linkedin or url
            else:
                card.urls.append(url)
        elif name == "BDAY":
            card.birthday = c.birthday(str(value))
            if card.birthday is None:
                card.extras.append(("BDAY", str(value)))
        elif name == "NOTE":
            card.notes = _text(value).strip() or None
        elif name == "CATEGORIES":
            values = value if isinstance(value, list) else str(value).split(",")
            card.tags = c.tags_from([str(v) for v in values])
        elif name == "UID":
            uid = str(value).strip()
            card.uid = uid[len("urn:uuid:") :] if uid.casefold().startswith("urn:uuid:") else uid
        elif name not in _KNOWN:
            key = f"{child.group}.{name}" if child.group else name
            card.extras.append((key, _text(value)))
    if not card.name and card.company:
        card.name = card.company
    return card


_REV = re.compile(r"^REV(?:;[^:]*)?:(.+)$", re.IGNORECASE | re.MULTILINE)


def revision(text: str) -> str | None:
    """A card's REV (when it was last changed) as written, if it has one."""
    match = _REV.search(text.replace("\r\n", "\n"))
    return match.group(1).strip() if match else None


# -- writing ------------------------------------------------------------------


def card_text(contact: dict[str, Any], version: str = "4.0") -> str:
    """One contact (export JSON shape) as a vCard of the given version."""
    import vobject

    card = vobject.vCard()
    card.add("version").value = version
    card.add("uid").value = (
        f"urn:uuid:{contact['uid']}" if version == "4.0" else str(contact["uid"])
    )
    card.add("fn").value = contact["name"]
    given, _, family = str(contact["name"]).rpartition(" ")
    card.add("n").value = vobject.vcard.Name(family=family, given=given)
    if contact.get("company"):
        card.add("org").value = [contact["company"]]
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
    for key, value in contact.get("extras") or []:
        # Unknown X- properties read from a vCard go back out as they came in.
        name = str(key).rpartition(".")[2]
        if _X_NAME.match(name) and name.upper() not in _KNOWN:
            card.add(name.lower()).value = str(value)
    if contact.get("updated_at"):
        card.add("rev").value = str(contact["updated_at"]).replace("-", "").replace(":", "")
    return str(card.serialize())


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
    ours = card_text({**contact, "extras": []}, version)
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
