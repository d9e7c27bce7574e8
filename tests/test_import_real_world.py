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

from conftest import Invoke, NewDatabase
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
    path: Path,
    db: Path,
    wt: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    new_database: NewDatabase,
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
        monkeypatch.setenv("WINTOGETHER_DB", str(new_database(tmp_path / f"again-{version}.db")))
        wt("import", str(out))
        back = json.loads(wt("export").stdout)["contacts"]
        assert [as_read(c) for c in back] == [
            as_read(c | {"notes": (c["notes"] or "").replace("\r\n", "\n")}) for c in originals
        ]
        assert [c["uid"] for c in back] == [c["uid"] for c in originals]
        monkeypatch.setenv("WINTOGETHER_DB", home_db)


# -- the rules the corpus relies on, one at a time -------------------------------------


def test_rows_without_a_name_are_skipped_and_counted_or_refused_with_strict(
    db: Path, wt: Invoke
) -> None:
    path = CORPUS / "linkedin-2024.csv"
    before = db_dump_hash(db)
    run = wt("import", str(path), "--strict", ok=False)
    assert run.exit_code == 1
    assert "3 rows without a name: lines 12, 40, 41" in run.stderr
    assert "Nothing was imported" in run.stderr and "Traceback" not in run.stderr
    assert db_dump_hash(db) == before
    run = wt("import", str(path))
    assert run.stderr.strip().endswith(
        "37 added, 0 updated, 0 unchanged; skipped 3 rows without a name: lines 12, 40, 41."
    )
    dry = wt("--plain", "import", str(path), "--dry-run")
    assert "skip    line 12: no name" in dry.stdout


def test_linkedin_2018_layout_is_detected_and_named(db: Path, wt: Invoke) -> None:
    path = CORPUS / "linkedin-2018.csv"
    assert "(LinkedIn connections): 2 added" in wt("import", str(path)).stderr
    assert "0 added, 0 updated" in wt("import", str(path), "--from", "linkedin").stderr


def test_notices_name_the_card_and_the_property(db: Path, wt: Invoke) -> None:
    run = wt("import", str(CORPUS / "blackberry.vcf"))
    assert (
        "Note: card 1 (line 1): the photo on line 9 was left out (its base64 data is damaged)"
        in run.stderr
    )
    assert "2 added" in run.stderr and "Traceback" not in run.stderr


def test_a_line_that_is_no_property_names_its_card_and_line(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "odd.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nFN:Ann Lee\nX-GOOGLE TALK:ann\nX-messaging/aim-All:ann\n"
        "END:VCARD\nBEGIN:VCARD\nVERSION:3.0\nFN:Bo\nwhat is this\nEND:VCARD\n",
        encoding="utf-8",
    )
    run = wt("import", str(path), ok=False)
    assert "card 2 (line 7): line 10 is not a vCard property ('what is this')" in run.stderr
    wt("import", str(path), "--skip-invalid")
    (ann,) = json.loads(wt("export").stdout)["contacts"]
    assert ["X-GOOGLE TALK", "ann"] in ann["extras"]
    assert ["X-MESSAGING/AIM-ALL", "ann"] in ann["extras"]


def test_different_uids_stay_apart_whatever_the_order(db: Path, wt: Invoke, tmp_path: Path) -> None:
    """A card with a new uid never takes the contact a later card of the file names by uid."""
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:Chris Miller\nORG:Contoso\nTITLE:{}\nUID:{}\nEND:VCARD\n"
    first = tmp_path / "first.vcf"
    first.write_text(card.format("Account Executive", "uid-a"), encoding="utf-8")
    wt("import", str(first))
    both = tmp_path / "both.vcf"
    both.write_text(
        card.format("Solutions Engineer", "uid-b") + card.format("Account Executive", "uid-a"),
        encoding="utf-8",
    )
    run = wt("import", str(both))
    assert "1 added, 0 updated, 1 unchanged." in run.stderr
    assert "job change" not in run.stderr
    titles = {c["uid"]: c["title"] for c in json.loads(wt("export").stdout)["contacts"]}
    assert titles == {"uid-a": "Account Executive", "uid-b": "Solutions Engineer"}


def test_rows_sharing_an_email_are_two_people_and_stay_two(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "shared.csv"
    path.write_text(
        "First Name,Last Name,Organization Name,Organization Title,E-mail 1 - Value,Labels\n"
        "Ann,Lee,Initech,Buyer,office@initech.example,\n"
        "Bo,Ray,Initech,Engineer,office@initech.example,\n",
        encoding="utf-8",
    )
    assert "2 added" in wt("import", str(path)).stderr
    assert "0 added, 0 updated, 2 unchanged" in wt("import", str(path)).stderr
    people = json.loads(wt("export").stdout)["contacts"]
    assert [(c["name"], c["title"]) for c in people] == [
        ("Ann Lee", "Buyer"),
        ("Bo Ray", "Engineer"),
    ]


def test_a_stray_nul_is_not_utf16_but_real_utf16_still_is(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    from wintogether.errors import InvalidValue
    from wintogether.formats.detect import decode

    text = (CORPUS / "netscape-communicator.vcf").read_bytes()
    assert b"\x00" in text[:4096]
    assert decode(text, "n.vcf").startswith("begin:vcard")
    with pytest.raises(InvalidValue, match="UTF-16 without a byte-order mark"):
        decode("BEGIN:VCARD\r\nFN:Ann\r\nEND:VCARD\r\n".encode("utf-16-le"), "u.vcf")


def test_a_photo_over_the_limit_is_left_out_not_the_whole_file(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    import base64

    big = base64.b64encode(b"\xff\xd8" + b"\x00" * 800_000).decode()
    path = tmp_path / "big.vcf"
    path.write_text(
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nPHOTO;ENCODING=b;TYPE=JPEG:{big}\r\n"
        "END:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bo Ray\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    run = wt("import", str(path))
    assert "2 added" in run.stderr
    assert "Note: card 1 (line 1): the photo (" in run.stderr and "was left out" in run.stderr
    assert all(c["extras"] == [] for c in json.loads(wt("export").stdout)["contacts"])


def test_unindented_base64_lines_of_an_old_phone_continue_the_photo() -> None:
    import base64

    from wintogether.formats import vcard
    from wintogether.formats.vcardprop import uri_bytes

    data = bytes(range(200))
    text = base64.b64encode(data).decode()
    lines = "\r\n".join(text[i : i + 64] for i in range(0, len(text), 64))
    result = vcard.read(
        "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Lee;Ann\r\nPHOTO;ENCODING=BASE64;TYPE=GIF:"
        f"{lines}\r\n\r\nTEL;CELL:+1 555 0100\r\nEND:VCARD\r\n"
    )
    assert result.problems == [] and result.notices == []
    (card,) = result.cards
    assert (card.name, card.phones) == ("Ann Lee", ["+1 555 0100"])
    photo = dict(card.extras)["PHOTO"]
    assert photo.startswith("data:image/gif;base64,") and uri_bytes(photo) == data
