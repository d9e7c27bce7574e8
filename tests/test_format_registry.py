"""One registry of file formats: every entry works, and the command line offers them all."""

from __future__ import annotations

import pytest

from conftest import SAMPLES
from wintogether.cli.transfer import ExportFormat, ImportFormat
from wintogether.formats import detect, registry


def test_every_format_has_what_it_claims() -> None:
    for fmt in registry.FORMATS:
        module = fmt.load()
        assert callable(getattr(module, "read", None)) == fmt.reads, fmt.name
        assert callable(getattr(module, "export", None)) == fmt.writes, fmt.name
        assert fmt.extensions and all(ext.startswith(".") for ext in fmt.extensions)
    assert len({f.name for f in registry.FORMATS}) == len(registry.FORMATS)


def test_the_command_line_offers_the_registry() -> None:
    assert [f.value for f in ImportFormat] == list(registry.IMPORT_FORMATS)
    assert sorted(f.value for f in ExportFormat) == sorted(registry.EXPORT_FORMATS)


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        ("linkedin_connections.csv", "linkedin"),
        ("google_contacts.csv", "google"),
        ("outlook_contacts.csv", "outlook"),
        ("contacts_v3.vcf", "vcard"),
        ("contacts_v21.vcf", "vcard"),
    ],
)
def test_samples_are_recognised(sample: str, expected: str) -> None:
    path = SAMPLES / sample
    text = detect.decode(path.read_bytes(), path.name)
    found = registry.recognise(text)
    assert found is not None and found.name == expected


def test_recognition_is_exclusive() -> None:
    csv_like_json = '[\n"First Name,Last Name,URL,Connected On"\n]'
    assert registry.recognise(csv_like_json).name == "json"  # type: ignore[union-attr]
    assert registry.recognise("BEGIN:VCARD\nFN:A\nEND:VCARD\n").name == "vcard"  # type: ignore[union-attr]
    assert registry.recognise("just,some\n1,2\n") is None
    header = "Notes:\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    assert registry.recognise(header).name == "linkedin"  # type: ignore[union-attr]


def test_unknown_names_are_refused_with_the_list() -> None:
    from wintogether.errors import InvalidValue

    with pytest.raises(InvalidValue) as info:
        registry.reader("csv")  # written, never read
    assert info.value.hint and "linkedin, google, outlook, vcard, json" in info.value.hint
    with pytest.raises(InvalidValue) as info:
        registry.writer("linkedin")
    assert info.value.hint and "json" in info.value.hint
