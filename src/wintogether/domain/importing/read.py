"""Reading an import file: detected, parsed, checked and cleaned before anything is written."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from wintogether.domain.text import MAX_FIELD_CHARS, MAX_NAME_CHARS
from wintogether.errors import InvalidValue, UserError
from wintogether.formats import Card, Problem, ReadResult

#: A file bigger than this is refused before it is read (100 MB).
MAX_FILE_BYTES = 100 * 1024 * 1024
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")


def read_file(
    path: Path,
    fmt: str | None,
    encoding: str | None,
    *,
    on_total: Callable[[int, str], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> tuple[str, ReadResult]:
    """Read and check a whole file; nothing is written here."""
    from wintogether.formats import detect, registry

    if fmt is not None:
        registry.reader(fmt)  # an unknown name is refused before the file is read
    from wintogether.reading import NotRegular, read_regular

    if path.is_dir():
        raise InvalidValue(f"{path} is a directory, not a file.")
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InvalidValue(
                f"{path.name} is {size // (1024 * 1024)} MB; the import limit is "
                f"{MAX_FILE_BYTES // (1024 * 1024)} MB.",
                hint="Split the file and import the parts.",
            )
        # A FIFO or device is refused before it is opened; what is read is
        # capped whatever stat said (/dev/zero says 0 bytes).
        data = read_regular(path, MAX_FILE_BYTES, follow=True)
    except NotRegular as exc:
        raise InvalidValue(f"Cannot import {path}: it is {exc}.") from exc
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror}.") from exc
    text = detect.decode(data, path.name, encoding)
    if not text.strip():
        raise InvalidValue(f"{path.name} is empty: nothing to import.")
    recognised = registry.recognise(text)
    found = recognised.name if recognised else None
    if fmt is None:
        if found is None:
            raise InvalidValue(
                f"Cannot tell what kind of file {path.name} is.",
                hint="Expected a LinkedIn, Google or Outlook CSV (with the header row they"
                " export), a vCard or a wintogether JSON export (--from vcard reads cards"
                " after other lines).",
            )
        fmt = found
    elif found is not None and found != fmt and not _fits(fmt, text):
        # Read as another layout, its emails, companies and notes would be
        # dropped without a word: refused, naming what the file looks like.
        assert recognised is not None
        raise InvalidValue(
            f"{path.name} is not {_a(registry.reader(fmt).label)} file: it looks like"
            f" {_a(recognised.label)} file.",
            hint=f"Import it without --from (or with --from {found}).",
        )
    elif fmt in ("linkedin", "google", "outlook") and detect.csv_kind(text) is None:
        raise InvalidValue(f"{path.name} has no {registry.reader(fmt).label} header row.")
    if fmt == "vcard" and on_total is not None:
        # Parsing vCards is the slow part of a big phone export: show it.
        from wintogether.formats import vcard

        on_total(vcard.count(text), "Reading")
        result = vcard.read(text, progress)
    else:
        result = registry.reader(fmt).load().read(text)
    _check_sizes(result)
    return fmt, result


def _fits(fmt: str, text: str) -> bool:
    """Whether ``text`` is (also) a file of ``fmt``: a CSV header row can fit
    two layouts (a Google export with Outlook's column names)."""
    from wintogether.formats import detect, registry

    if fmt in ("linkedin", "google", "outlook"):
        return fmt in detect.csv_kinds(text)
    recognise = registry.reader(fmt).recognise
    return recognise is None or recognise(text)


def _a(label: str) -> str:
    return f"an {label}" if label[:1] in "AEIOU" else f"a {label}"


def _check_sizes(result: ReadResult) -> None:
    """Refuse, before any write, a field over the limit (1 MB of text).

    An embedded photo or logo over the limit is left out with a notice
    instead: one big picture does not refuse a whole address book.
    """
    for card in result.cards:
        kept: list[tuple[str, str]] = []
        for key, extra in card.extras:
            if extra.startswith("data:") and len(extra) > MAX_FIELD_CHARS:
                what = key.rpartition(".")[2].lower()
                result.notices.append(
                    Problem(
                        card.position,
                        f"the {what} ({len(extra):,} characters) is over the limit of "
                        f"{MAX_FIELD_CHARS:,} and was left out",
                    )
                )
            else:
                kept.append((key, extra))
        card.extras = kept
        values: list[tuple[str, str | None]] = [
            ("name", card.name),
            ("company", card.company),
            ("title", card.title),
            ("notes", card.notes),
            ("how met", card.how_met),
        ]
        values += [("email", v) for v in card.emails] + [("phone", v) for v in card.phones]
        values += [("URL", v) for v in card.urls] + [(k, v) for k, v in card.extras]
        for label, value in values:
            limit = MAX_NAME_CHARS if label == "name" else MAX_FIELD_CHARS
            if value and len(value) > limit:
                raise InvalidValue(
                    f"{card.position}: the {label} is {len(value):,} characters; the limit is "
                    f"{limit:,}. Nothing was imported."
                )
    # The history records of our JSON: the checks typed text passes (size, no
    # NUL), as for what `wt sync` brings in, so any way in keeps to them.
    from wintogether.domain.text import check_field

    for section, records in (result.bundle or {}).items():
        if not isinstance(records, list) or section == "contacts":
            continue
        for index, record in enumerate(records, 1):
            for key, value in record.items() if isinstance(record, dict) else ():
                if isinstance(value, str):
                    try:
                        check_field(value, key.replace("_", " "))
                    except InvalidValue as exc:
                        raise InvalidValue(
                            f"{section} record {index}: {exc.message} Nothing was imported."
                        ) from exc


def _clean_card(card: Card, extra_tag: str | None) -> Card:
    from wintogether.domain.text import clean_name

    card.name = clean_name(card.name)
    for attr in ("company", "title", "notes", "how_met"):
        value = getattr(card, attr)
        setattr(card, attr, value.strip() or None if isinstance(value, str) else None)
    emails, seen = [], set()
    for email in card.emails:
        cleaned = email.strip()
        if _EMAIL.match(cleaned) and cleaned.casefold() not in seen:
            seen.add(cleaned.casefold())
            emails.append(cleaned)
        elif cleaned:
            card.extras.append(("EMAIL", cleaned))
    card.emails = emails
    phones: list[str] = []
    for phone in card.phones:
        cleaned = " ".join(phone.split())
        if any(ch.isdigit() for ch in cleaned):
            if _digits(cleaned) not in {_digits(p) for p in phones}:
                phones.append(cleaned)
        elif cleaned:
            card.extras.append(("TEL", cleaned))
    card.phones = phones
    if extra_tag and extra_tag.casefold() not in {t.casefold() for t in card.tags}:
        card.tags.append(extra_tag)
    return card


def _digits(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit()) or phone
