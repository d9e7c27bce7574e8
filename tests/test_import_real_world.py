"""Files as address books really write them: each imports right, twice, and round-trips.

Every file in tests/data/real-world has a JSON file beside it naming what must
come in: the contacts in file order (name, company, title, emails, phones,
web links, LinkedIn profile, note length, photo and logo bytes), the rows
skipped for having no name, and the notices (a charset guessed, a damaged
photo left out). Each file is imported, compared field by field, imported
again (nothing changes), then exported as vCard 3.0 and 4.0 and each export
imported into an empty database (nothing lost).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any

import pytest

from conftest import Invoke
from test_import import db_dump_hash

CORPUS = Path(__file__).parent / "data" / "real-world"
FILES = sorted(p for p in CORPUS.iterdir() if p.suffix != ".json")
FAMILIES = (
    "apple", "google", "outlook-2003", "outlook-2007", "outlook-2013", "thunderbird", "kde",
    "evolution", "sogo", "blackberry", "netscape", "linkedin-2018", "linkedin-2020",
    "linkedin-2024",
)  # fmt: skip


def expected_of(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.name + ".json").read_text(encoding="utf-8"))


def binary_sha(extras: list[list[str]], name: str) -> str | None:
    from wintogether.formats.vcardprop import uri_bytes

    for key, value in extras:
        if key.rpartition(".")[2].upper() == name and value.startswith("data:"):
            return hashlib.sha256(uri_bytes(value)).hexdigest()
    return None


def as_read(record: dict[str, Any]) -> dict[str, Any]:
    """A stored contact in the corpus's terms."""
    urls = record["urls"]
    seen = {
        "name": record["name"],
        "company": record["company"],
        "title": record["title"],
        "emails": record["emails"],
        "phones": record["phones"],
        "urls": [u["url"] for u in urls if u["kind"] == "web"],
        "linkedin": next((u["url"] for u in urls if u["kind"] == "linkedin"), None),
        "note_length": len(record["notes"] or ""),
        "photo_sha256": binary_sha(record["extras"], "PHOTO"),
    }
    logo = binary_sha(record["extras"], "LOGO")
    if logo:
        seen["logo_sha256"] = logo
    return seen


def stored(wt: Invoke) -> list[dict[str, Any]]:
    return [as_read(c) for c in json.loads(wt("export").stdout)["contacts"]]


def test_every_family_has_a_file() -> None:
    names = [p.name for p in FILES]
    for family in FAMILIES:
        assert any(n.startswith(family) for n in names), family
    covered = {c for p in FILES for c in expected_of(p)["classes"]}
    assert covered == set(range(1, 15))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_world_file(
    path: Path, db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_of(path)
    report = json.loads(wt("import", str(path), "--json").stdout)
    assert report["problems"] == []
    assert [s["position"] for s in report["skipped_rows"]] == expected["skipped"]
    assert [f"{n['position']}: {n['reason']}" for n in report["notices"]] == expected["notices"]
    assert report["added"] == len(expected["contacts"])
    assert stored(wt) == expected["contacts"]

    # The same file again changes nothing: no update, no invented job change.
    before = db_dump_hash(db)
    again = json.loads(wt("import", str(path), "--json").stdout)
    assert (again["added"], again["updated"], again["job_changes"]) == (0, 0, 0)
    assert db_dump_hash(db) == before

    # Exported as vCard 3.0 and 4.0, each imports into an empty database with nothing lost.
    # (A CR LF inside a note comes back as a plain line break.)
    originals = [c for c in json.loads(wt("export").stdout)["contacts"]]
    home_db = os.environ["WINTOGETHER_DB"]
    for version in ("3.0", "4.0"):
        out = tmp_path / f"export-{version}.vcf"
        wt("export", "--format", "vcard", "--vcard-version", version, "-o", str(out))
        monkeypatch.setenv("WINTOGETHER_DB", str(tmp_path / f"again-{version}.db"))
        wt("init")
        wt("import", str(out))
        back = json.loads(wt("export").stdout)["contacts"]
        assert [as_read(c) for c in back] == [
            as_read(c | {"notes": (c["notes"] or "").replace("\r\n", "\n")}) for c in originals
        ]
        assert [c["uid"] for c in back] == [c["uid"] for c in originals]
        monkeypatch.setenv("WINTOGETHER_DB", home_db)
