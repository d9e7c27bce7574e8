"""vCard content lines and property values, read and written the same way everywhere.

Imports and sync both go through here, so a value is decoded once and written
back as it came in:

* lines are unfolded (a line starting with a space or tab continues the one
  before) and vCard 2.1 quoted-printable soft breaks (a line ending in ``=``)
  are joined;
* quoted-printable and base64 values are decoded to bytes, and text bytes are
  decoded with the card's declared charset, then UTF-8, then Windows-1252 (the
  charset used is reported when it was not the declared one or UTF-8);
* text values are unescaped once (``\\n``, ``\\,``, ``\\;``, ``\\\\`` and the
  ``\\:`` Apple and Gmail write in URLs); an unescaped comma in FN, NOTE, TITLE
  or ROLE is text, not a list separator;
* binary values (PHOTO, LOGO) become ``data:`` URIs, which carry their media
  type, and go back out as base64 with their type in vCard 3.0 and as the same
  ``data:`` URI in vCard 4.0.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

#: Properties whose value may be an embedded image or other binary data.
BINARY = ("PHOTO", "LOGO")

_LINE = re.compile(r"^(?:(?P<group>[^.;:\"]+)\.)?(?P<name>[^;:]+)(?P<params>(?:;[^:]*)?):", re.S)
_PARAM_SPLIT = re.compile(r';(?=(?:[^"]*"[^"]*")*[^"]*$)')
_ESCAPE = re.compile(r"\\(.)", re.S)
_UNESCAPED = {"n": "\n", "N": "\n", ",": ",", ";": ";", "\\": "\\", ":": ":"}
_MEDIA = {"JPG": "image/jpeg", "JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}
_DATA_URI = re.compile(r"^data:(?P<type>[^;,]*)(?P<base64>;base64)?,(?P<data>.*)$", re.S | re.I)
#: 2.1 writes some parameters without a name (``TEL;CELL``, ``;QUOTED-PRINTABLE``).
_BARE_ENCODINGS = {"QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"}


class BadLine(ValueError):
    """A line inside a card that is not a property at all (no ``name:value``)."""

    def __init__(self, line: int, text: str) -> None:
        shown = text if len(text) <= 40 else text[:37] + "…"
        super().__init__(f"line {line} is not a vCard property ({shown!r})")


@dataclass
class Property:
    """One content line: ``group.NAME;PARAM=a,b:value`` with the raw value."""

    line: int
    name: str  # upper case, as written apart from case
    group: str | None
    params: dict[str, list[str]] = field(default_factory=dict)
    raw: str = ""

    @property
    def types(self) -> set[str]:
        return {t.casefold() for t in self.params.get("TYPE", [])}

    @property
    def encoding(self) -> str:
        return (self.params.get("ENCODING") or [""])[0].upper()

    @property
    def charset(self) -> str | None:
        values = self.params.get("CHARSET")
        return values[0] if values else None


def unfold(lines: list[str], first_line: int) -> Iterator[tuple[int, str]]:
    """(line number, logical line): folded and soft-broken lines joined, blanks dropped."""
    current: str | None = None
    start = first_line
    soft = False
    for offset, raw in enumerate(lines):
        number = first_line + offset
        if current is not None and soft:
            # A soft break's continuation is taken whole: its first space is text.
            current = current[:-1] + raw
            soft = _soft_break(current)
            continue
        if current is not None and raw[:1] in (" ", "\t"):
            current += raw[1:]
            soft = _soft_break(current)
            continue
        if current is not None and _BASE64_LINE.match(raw) and _is_base64(current):
            # Some phones continue a 2.1 base64 value on unindented lines.
            current += raw
            continue
        if current is not None:
            yield start, current
        if not raw.strip():
            current = None
            soft = False
            continue
        current, start = raw, number
        soft = _soft_break(current)
    if current is not None:
        yield start, current


_BASE64_LINE = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")


def _is_base64(line: str) -> bool:
    head = line.split(":", 1)[0].upper()
    return ":" in line and ("BASE64" in head or "ENCODING=B" in head)


def _soft_break(line: str) -> bool:
    if not line.endswith("="):
        return False
    head = line.split(":", 1)[0].upper()
    return ":" in line and "QUOTED-PRINTABLE" in head


def parse(number: int, text: str) -> Property:
    match = _LINE.match(text)
    if not match or not match.group("name").strip():
        raise BadLine(number, text)
    params: dict[str, list[str]] = {}
    for part in _PARAM_SPLIT.split(match.group("params"))[1:]:
        key, eq, value = part.partition("=")
        key = key.strip().upper()
        if not eq:
            if key in _BARE_ENCODINGS:
                params.setdefault("ENCODING", []).append(key)
            elif key:
                params.setdefault("TYPE", []).append(key)
            continue
        values = [v.strip().strip('"') for v in _split_param(value)]
        params.setdefault(key, []).extend(v for v in values if v)
    group = match.group("group")
    return Property(
        line=number,
        name=match.group("name").strip().upper(),
        group=group.strip() if group else None,
        params=params,
        raw=text[match.end() :],
    )


def _split_param(value: str) -> list[str]:
    if '"' in value:
        return [value]
    return value.split(",")


# -- values ---------------------------------------------------------------------------


@dataclass
class Decoder:
    """Turns raw values into text or bytes, remembering the charsets it fell back to."""

    #: (property, charset used) for each value not read as declared or as UTF-8.
    fallbacks: list[tuple[str, str]] = field(default_factory=list)

    def data(self, prop: Property) -> bytes | None:
        """The bytes of a quoted-printable or base64 value; ``None`` for plain text."""
        encoding = prop.encoding
        if encoding == "QUOTED-PRINTABLE":
            import quopri

            return quopri.decodestring(_as_bytes(prop.raw))
        if encoding in ("B", "BASE64"):
            return base64_bytes(prop.raw)
        return None

    def text(self, prop: Property) -> str:
        """The whole value as one text: escapes undone, commas and semicolons kept."""
        return unescape(self.decoded(prop))

    def parts(self, prop: Property, separator: str = ";") -> list[str]:
        """A structured value (N, ORG, CATEGORIES) split on its unescaped separator."""
        return [unescape(p) for p in split_escaped(self.decoded(prop), separator)]

    def decoded(self, prop: Property) -> str:
        """The value as text, still escaped; 8-bit bytes decoded by charset."""
        data = self.data(prop)
        if data is None:
            if not _has_raw_bytes(prop.raw):
                return prop.raw
            data = _as_bytes(prop.raw)
        return self._charset(prop, data)

    def _charset(self, prop: Property, data: bytes) -> str:
        declared = prop.charset
        tried: list[str] = []
        for charset in (declared, "utf-8", "cp1252", "latin-1"):
            if not charset or charset.casefold() in tried:
                continue
            tried.append(charset.casefold())
            try:
                text = data.decode(charset)
            except (LookupError, UnicodeDecodeError):
                continue
            if charset not in (declared, "utf-8"):
                self.fallbacks.append((prop.name, _CHARSET_NAMES.get(charset, charset)))
            return text
        raise AssertionError("latin-1 decodes every byte")  # pragma: no cover


_CHARSET_NAMES = {"cp1252": "Windows-1252", "latin-1": "Latin-1"}


def _as_bytes(text: str) -> bytes:
    # Bytes that were not UTF-8 in the file come through as surrogate escapes.
    return text.encode("utf-8", "surrogateescape")


def _has_raw_bytes(text: str) -> bool:
    return any("\udc80" <= ch <= "\udcff" for ch in text)


def base64_bytes(text: str) -> bytes:
    """Base64 as exporters write it: folded, indented, sometimes without padding."""
    import base64
    import binascii

    cleaned = "".join(text.split())
    cleaned += "=" * (-len(cleaned) % 4)
    try:
        return base64.b64decode(cleaned, validate=False)
    except (binascii.Error, ValueError) as exc:
        raise ValueError("its base64 data is damaged") from exc


def split_escaped(text: str, separator: str) -> list[str]:
    """Split on ``separator`` where it is not escaped by a backslash."""
    parts: list[str] = []
    current: list[str] = []
    escaped = False
    for ch in text:
        if escaped:
            current.append("\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def unescape(text: str) -> str:
    """``\\n``, ``\\,``, ``\\;``, ``\\\\`` and ``\\:`` undone; other backslashes kept."""
    if "\\" not in text:
        return text
    return _ESCAPE.sub(lambda m: _UNESCAPED.get(m.group(1), m.group(0)), text)


# -- binary values ------------------------------------------------------------------------


def data_uri(prop: Property, decoder: Decoder) -> str:
    """A PHOTO or LOGO as it is kept: a ``data:`` URI, or the URL it points to.

    Raises ValueError when embedded data cannot be decoded.
    """
    raw = "".join(prop.raw.split()) if prop.encoding in ("B", "BASE64") else prop.raw.strip()
    if prop.encoding in ("B", "BASE64"):
        import base64

        data = base64_bytes(raw)
        default = "image/jpeg" if prop.name in BINARY else "application/octet-stream"
        types = prop.params.get("TYPE", []) + prop.params.get("MEDIATYPE", [])
        media = media_type(types, default)
        return f"data:{media};base64,{base64.b64encode(data).decode('ascii')}"
    value = unescape(raw)
    match = _DATA_URI.match(value)
    if match:
        photo = uri_bytes(value)  # checks the data decodes
        import base64

        media = match.group("type") or "application/octet-stream"
        return f"data:{media};base64,{base64.b64encode(photo).decode('ascii')}"
    return value


def media_type(types: list[str], default: str = "image/jpeg") -> str:
    for value in types:
        upper = value.upper()
        if "/" in value:
            return value.lower()
        if upper in _MEDIA:
            return _MEDIA[upper]
        if upper not in ("PREF", "WORK", "HOME", "INTERNET"):
            return f"image/{value.lower()}" if default.startswith("image/") else default
    return default


def uri_bytes(uri: str) -> bytes:
    """The bytes a ``data:`` URI holds."""
    match = _DATA_URI.match(uri)
    if not match:
        raise ValueError("not a data: URI")
    if match.group("base64"):
        return base64_bytes(match.group("data"))
    from urllib.parse import unquote_to_bytes

    return unquote_to_bytes(match.group("data"))


def binary_lines(name: str, value: str, version: str) -> list[str]:
    """PHOTO or LOGO content lines (unfolded) for a stored value."""
    match = _DATA_URI.match(value)
    if not match:
        param = ";VALUE=uri" if version != "4.0" else ""
        return [f"{name}{param}:{value}"]
    if version == "4.0":
        return [f"{name}:{value}"]
    import base64

    data = base64.b64encode(uri_bytes(value)).decode("ascii")
    media = match.group("type") or "image/jpeg"
    subtype = media.partition("/")[2].upper() or "JPEG"
    return [f"{name};ENCODING=b;TYPE={subtype}:{data}"]


def fold(line: str, width: int = 75) -> str:
    """A content line folded to ``width`` characters per line, CRLF-terminated."""
    if len(line) <= width:
        return line + "\r\n"
    out = [line[:width]]
    rest = line[width:]
    while rest:
        out.append(" " + rest[: width - 1])
        rest = rest[width - 1 :]
    return "\r\n".join(out) + "\r\n"
