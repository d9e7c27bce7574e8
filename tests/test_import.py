"""`wt import`: every sample, detection, encodings, broken input, matching, job changes."""
# ruff: noqa: RUF001

from __future__ import annotations

import codecs
import hashlib
import json
import os
import sqlite3
from pathlib import Path

import pytest

from conftest import SAMPLES, Invoke
from wintogether.store import records as records_store


def contacts(wt: Invoke) -> list[dict]:
    return json.loads(wt("contacts", "--json").stdout)


def by_name(wt: Invoke) -> dict[str, dict]:
    return {c["name"]: c for c in contacts(wt)}


def db_dump_hash(path: Path) -> str:
    conn = sqlite3.connect(path)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


# -- the sample files ------------------------------------------------------------------


def test_linkedin_sample(db: Path, wt: Invoke) -> None:
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"))
    assert run.stdout == ""
    assert "(LinkedIn connections): 7 added, 0 updated, 0 unchanged." in run.stderr
    people = by_name(wt)
    assert set(people) == {
        "Dana Reyes", "José Núñez", "Priya Natarajan", "Li Lei", "Marcus O'Neil",
        "Ana Souza", "Greta Lindqvist",
    }  # fmt: skip
    jose = people["José Núñez"]
    assert jose["company"] == "Contoso, Ltd."
    assert jose["linkedin"] == "https://www.linkedin.com/in/jose-nunez-42"
    assert jose["met_on"] == "2023-01-03"  # Connected On becomes the first-met date
    assert jose["emails"] == []
    assert people["Ana Souza"]["title"] == "Account Executive 🚀"
    assert people["Greta Lindqvist"]["title"] == "Director, IT Operations"
    assert people["Dana Reyes"]["emails"] == ["dana.reyes@northwind.example"]
    assert people["Li Lei"]["company"] is None


def test_google_sample(db: Path, wt: Invoke) -> None:
    run = wt("import", str(SAMPLES / "google_contacts.csv"))
    assert "(Google Contacts): 3 added" in run.stderr
    people = by_name(wt)
    dana = people["Dana Reyes"]
    assert dana["emails"] == ["dana.reyes@northwind.example", "dana@reyes.example"]
    assert dana["notes"] == "Met at SaaStr 2024.\nPrefers email."  # multi-line cell
    assert dana["tags"] == ["Customers"]  # "* myContacts" is Google's, not a label
    assert dana["birthday"] == "1986-04-17"
    assert dana["phones"] == ["+1 415 555 0100"]
    kenji = people["Kenji Watanabe"]
    assert kenji["birthday"] == "--09-02"
    assert kenji["linkedin"] == "https://www.linkedin.com/in/kenjiw"
    assert people["Sam"]["emails"] == ["sam@example.org"]


def test_google_legacy_header(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_text(
        "Name,Given Name,Additional Name,Family Name,Yomi Name,Birthday,Notes,"
        "Group Membership,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
        "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title\n"
        "Omar Haddad,Omar,,Haddad,,1980-05-06,,* My Contacts ::: Buyers,* Work,"
        "omar@wwi.example,Mobile,+971 4 555 0123,,Wide World Importers,Buyer\n",
        encoding="utf-8",
    )
    run = wt("import", str(path))
    assert "(Google Contacts): 1 added" in run.stderr
    omar = by_name(wt)["Omar Haddad"]
    assert omar["company"] == "Wide World Importers"
    assert omar["title"] == "Buyer"
    assert omar["emails"] == ["omar@wwi.example"]
    assert omar["birthday"] == "1980-05-06"
    assert "Buyers" in omar["tags"]


def test_outlook_sample(db: Path, wt: Invoke) -> None:
    run = wt("import", str(SAMPLES / "outlook_contacts.csv"))
    assert "(Outlook contacts): 2 added" in run.stderr
    people = by_name(wt)
    priya = people["Priya Natarajan"]
    assert priya["birthday"] == "1979-03-14"  # 3/14/1979, US style
    assert priya["tags"] == ["Partners", "VIP"]
    assert priya["phones"] == ["+44 20 7946 0958"]
    assert priya["title"] == "Chief Revenue Officer"
    assert people["Omar Haddad"]["notes"] == "Ramadan schedule: calls after 3pm"


def test_outlook_columns_in_another_order(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "outlook.csv"
    path.write_text(
        "Job Title,E-mail Address,Last Name,First Name,Company\r\n"
        "Buyer,ann@x.example,Lee,Ann,Initech\r\n",
        encoding="utf-8",
    )
    wt("import", str(path))
    ann = by_name(wt)["Ann Lee"]
    assert (ann["company"], ann["title"], ann["emails"]) == ("Initech", "Buyer", ["ann@x.example"])


def test_vcard3_sample(db: Path, wt: Invoke) -> None:
    wt("import", str(SAMPLES / "contacts_v3.vcf"))
    people = by_name(wt)
    dana = people["Dana Reyes"]
    assert dana["notes"] == (
        "Met at SaaStr 2024, intro via Marcus.\nPrefers email; hates cold calls before 10am."
    )
    assert dana["linkedin"] == "https://www.linkedin.com/in/danareyes"  # item1 + X-ABLabel
    assert dana["company"] == "Northwind Traders"
    assert dana["tags"] == ["Customers", "Enterprise"]
    assert dana["birthday"] == "1986-04-17"
    assert dana["uid"] == "9f1c2d3e-0000-4000-8000-000000000001"
    jose = people["José Núñez"]
    assert jose["company"] == "Contoso, Ltd."
    assert jose["emails"] == ["jose@contoso.example", "jnunez@example.net"]
    assert jose["linkedin"] == "https://www.linkedin.com/in/jose-nunez-42"


def test_vcard4_sample(db: Path, wt: Invoke) -> None:
    wt("import", str(SAMPLES / "contacts_v4.vcf"))
    kenji = by_name(wt)["Kenji Watanabe"]
    assert kenji["birthday"] == "--09-02"  # BDAY:--0902
    assert kenji["phones"] == ["+81-3-5555-0199"]  # tel: URI
    assert kenji["uid"] == "9f1c2d3e-0000-4000-8000-000000000003"
    exported = json.loads(wt("export", "--contact", "kenji").stdout)
    extras = dict(map(tuple, exported["contacts"][0]["extras"]))
    assert extras["ANNIVERSARY"] == "20150610"  # unknown fields are kept
    assert extras["RELATED"].endswith("000000000001")


def test_vcard21_quoted_printable_soft_break(db: Path, wt: Invoke) -> None:
    wt("import", str(SAMPLES / "contacts_v21.vcf"))
    person = by_name(wt)["Jürgen Müller"]
    assert person["notes"] == "Messe Berlin 2023 – interested in fleet analytics"
    assert person["company"] == "Blue Yonder Airlines"


def test_vobject_alone_fails_on_the_soft_break() -> None:
    """The library bug the reader works around; if vobject fixes it, this tells us."""
    import vobject

    text = (SAMPLES / "contacts_v21.vcf").read_text(encoding="utf-8")
    with pytest.raises(vobject.base.ParseError):
        list(vobject.readComponents(text))


def test_hostile_sample_stored_literally_shown_safely(db: Path, wt: Invoke) -> None:
    wt("import", str(SAMPLES / "hostile_linkedin.csv"))
    people = contacts(wt)
    names = {c["name"] for c in people}
    assert "[bold red]Mallory [/]" in names
    assert "[link=https://evil.example]Trent \u202eReversed" in names
    eve = next(c for c in people if c["name"].startswith("Eve"))
    assert eve["name"] == "Eve\x1b[2J\x1b]0;pwned\x07 Tab CR LF"
    mallory = next(c for c in people if c["name"].startswith("[bold"))
    assert mallory["company"] == '=HYPERLINK("http://evil.example","click")'
    table = wt("contacts").stdout
    assert "\x1b" not in table and "\x07" not in table and "\u202e" not in table
    assert "[bold" in table and "\\x1b[2J" in table
    shown = wt("show", "Mallory").stdout
    assert "[bold red]Mallory [/]" in shown
    csv_out = wt("export", "--format", "csv").stdout
    assert "'=HYPERLINK" in csv_out and "'@SUM(1+1)" in csv_out and "'+cmd" in csv_out
    assert "'-2+3" in csv_out


# -- detection, encodings and broken files ------------------------------------------------


def test_detected_from_content_not_extension(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "export.txt"
    path.write_bytes((SAMPLES / "contacts_v3.vcf").read_bytes())
    assert "(vCard)" in wt("import", str(path)).stderr


def test_unknown_content_is_an_error(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.csv"
    path.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert run.stderr.startswith("Error: Cannot tell what kind of file x.csv is.")
    assert "Traceback" not in run.stderr


def test_from_overrides_but_must_fit(db: Path, wt: Invoke, tmp_path: Path) -> None:
    run = wt("import", str(SAMPLES / "contacts_v3.vcf"), "--from", "linkedin", ok=False)
    assert run.exit_code == 1
    assert run.stderr == (
        "Error: contacts_v3.vcf is not a LinkedIn connections file: it looks like a vCard"
        " file. Import it without --from (or with --from vcard).\n"
    )
    odd = tmp_path / "odd.csv"
    odd.write_text("a,b\n1,2\n", encoding="utf-8")
    run = wt("import", str(odd), "--from", "google", ok=False)
    assert run.stderr == "Error: odd.csv has no Google Contacts header row.\n"


@pytest.mark.parametrize(
    ("sample", "forced", "looks"),
    [
        ("google_contacts.csv", "outlook", "a Google Contacts"),
        ("outlook_contacts.csv", "google", "an Outlook contacts"),
        ("linkedin_connections.csv", "vcard", "a LinkedIn connections"),
        ("contacts_v4.vcf", "json", "a vCard"),
    ],
)
def test_a_file_read_as_another_layout_is_refused_not_half_read(
    db: Path, wt: Invoke, sample: str, forced: str, looks: str
) -> None:
    """`--from outlook` on a Google export read its names and dropped its
    emails, companies and notes ("3 added"): refused, naming what it is."""
    run = wt("import", str(SAMPLES / sample), "--from", forced, ok=False)
    assert run.exit_code == 1
    assert f"it looks like {looks} file" in run.stderr, run.stderr
    assert json.loads(wt("contacts", "--json").stdout) == []


def test_utf16_with_bom(db: Path, wt: Invoke, tmp_path: Path) -> None:
    text = (SAMPLES / "outlook_contacts.csv").read_text(encoding="utf-8")
    path = tmp_path / "outlook16.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    assert "2 added" in wt("import", str(path)).stderr
    assert "Priya Natarajan" in by_name(wt)


def test_latin1_is_a_clear_error_and_encoding_option_reads_it(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        "José,Núñez,https://www.linkedin.com/in/jn,,Contoso,VP,03 Jan 2023\n".encode("latin-1")
    )
    before = db_dump_hash(db)
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert run.stderr.count("\n") == 1
    assert "is not UTF-8" in run.stderr and "--encoding latin-1" in run.stderr
    assert db_dump_hash(db) == before
    wt("import", str(path), "--encoding", "latin-1")
    assert "José Núñez" in by_name(wt)


def test_crlf_and_no_bom(db: Path, wt: Invoke, tmp_path: Path) -> None:
    text = (SAMPLES / "linkedin_connections.csv").read_text(encoding="utf-8-sig")
    path = tmp_path / "crlf.csv"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    assert "7 added" in wt("import", str(path)).stderr
    assert by_name(wt)["Dana Reyes"]["company"] == "Northwind Traders"


HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"


def test_ragged_rows_reported_with_line_numbers_nothing_imported(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text(
        HEADER
        + "Ann,Lee,https://www.linkedin.com/in/ann,,Initech,VP,01 Jan 2024\n"
        + "Bob,Ray,https://www.linkedin.com/in/bob,,Initech\n"
        + "Cy,Dee,https://www.linkedin.com/in/cy,,A,B,01 Jan 2024,extra,more\n",
        encoding="utf-8",
    )
    before = db_dump_hash(db)
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert "2 unreadable rows" in run.stderr
    assert "line 3: 5 fields where the header has 7" in run.stderr
    assert "line 4: 9 fields" in run.stderr
    assert "Nothing was imported" in run.stderr
    assert db_dump_hash(db) == before
    run = wt("import", str(path), "--skip-invalid")
    assert "1 added" in run.stderr and "2 unreadable skipped" in run.stderr
    assert list(by_name(wt)) == ["Ann Lee"]


def test_unterminated_quote_reported(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        HEADER
        + "Ann,Lee,https://www.linkedin.com/in/ann,,Initech,VP,01 Jan 2024\n"
        + 'Bob,Ray,https://www.linkedin.com/in/bob,,"Initech,VP,01 Jan 2024\n'
        + "Cy,Dee,https://www.linkedin.com/in/cy,,A,B,01 Jan 2024\n",
        encoding="utf-8",
    )
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert "line 3: a quoted field is never closed (unterminated quote)" in run.stderr
    assert contacts(wt) == []


def test_never_zero_imported_as_success(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "nameless.csv"
    path.write_text(HEADER + ",,https://www.linkedin.com/in/x,,A,B,01 Jan 2024\n", "utf-8")
    run = wt("import", str(path), "--skip-invalid", ok=False)
    assert run.exit_code == 1
    assert "has 1 row but none could be read" in run.stderr


def test_header_only_file_is_an_error(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_text(HEADER, encoding="utf-8")
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert "holds no contacts" in run.stderr


def test_huge_field_refused_before_any_write(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "huge.vcf"
    ok_card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nEND:VCARD\r\n"
    path.write_text(
        ok_card
        + f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\nNOTE:{'x' * 1_000_001}\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    before = db_dump_hash(db)
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert "card 2 (line 5): the notes is 1,000,001 characters" in run.stderr
    assert db_dump_hash(db) == before


def test_huge_file_refused(
    db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from wintogether.domain.importing import read

    monkeypatch.setattr(read, "MAX_FILE_BYTES", 100)
    run = wt("import", str(SAMPLES / "google_contacts.csv"), ok=False)
    assert run.exit_code == 1
    assert "the import limit is" in run.stderr


def test_multi_card_vcf_with_one_malformed_card(db: Path, wt: Invoke, tmp_path: Path) -> None:
    cards = [
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Person {i}\r\nEMAIL:p{i}@x.example\r\nEND:VCARD\r\n"
        for i in range(1, 201)
    ]
    cards[116] = (
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Broken\r\nthis line is not a property\r\nEND:VCARD\r\n"
    )
    path = tmp_path / "many.vcf"
    path.write_text("".join(cards), encoding="utf-8")
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1
    assert "card 117 (line 581)" in run.stderr
    assert contacts(wt) == []
    dry = wt("import", str(path), "--dry-run")
    assert "card 117 (line 581)" in dry.stdout
    assert "199 added" in dry.stderr
    assert "199 added" in wt("import", str(path), "--skip-invalid").stderr


def test_vcard_edge_cases(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "edge.vcf"
    path.write_text(
        "BEGIN:VCARD\nVERSION:3.0\nN:Lindqvist;Greta;;;\n"
        "ORG:Adventure Works\\, Inc.;IT\nTITLE:Director\\, IT\n"
        "NOTE:first line\\nsecond\\; with semicolon and a long folded\n  tail\n"
        "item2.EMAIL;type=INTERNET:greta@aw.example\nitem2.X-ABLabel:_$!<Work>!$_\n"
        "BDAY:--0902\nX-CUSTOM-THING:kept value\nEND:VCARD\n",
        encoding="utf-8",
    )
    wt("import", str(path))
    greta = by_name(wt)["Greta Lindqvist"]
    assert greta["company"] == "Adventure Works, Inc."
    assert greta["title"] == "Director, IT"
    assert greta["notes"] == "first line\nsecond; with semicolon and a long folded tail"
    assert greta["emails"] == ["greta@aw.example"]
    assert greta["birthday"] == "--09-02"
    record = json.loads(wt("export").stdout)["contacts"][0]
    assert ["X-CUSTOM-THING", "kept value"] in record["extras"]


def test_vcard_21_qp_multiple_soft_breaks(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "qp.vcf"
    path.write_bytes(
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ren=C3=A9e =\r\n"
        b"O=E2=80=99Brien\r\nNOTE;ENCODING=QUOTED-PRINTABLE:one =\r\ntwo =\r\nthree=0D=0Afour\r\n"
        b"TEL;CELL:+1 555 0100\r\nEND:VCARD\r\n"
    )
    wt("import", str(path))
    person = by_name(wt)["Renée O’Brien"]
    assert person["notes"] == "one two three\r\nfour"
    assert person["phones"] == ["+1 555 0100"]


# -- matching, idempotence, dry run, job changes ------------------------------------------


def test_same_file_twice_adds_nothing(db: Path, wt: Invoke) -> None:
    for name in ("linkedin_connections.csv", "google_contacts.csv", "contacts_v3.vcf"):
        wt("import", str(SAMPLES / name))
    before = db_dump_hash(db)
    count = len(contacts(wt))
    for name in ("linkedin_connections.csv", "google_contacts.csv", "contacts_v3.vcf"):
        run = wt("import", str(SAMPLES / name))
        assert "0 added, 0 updated" in run.stderr
    assert len(contacts(wt)) == count
    assert db_dump_hash(db) == before


def test_matching_fills_but_never_blanks(dana: Path, wt: Invoke) -> None:
    wt("edit", "dana", "--title", "Chief Buyer", "--note", "Mine, not LinkedIn's")
    run = wt("import", str(SAMPLES / "google_contacts.csv"))
    assert "2 added, 1 updated" in run.stderr  # Dana matched by email
    person = by_name(wt)["Dana Reyes"]
    assert person["notes"] == "Mine, not LinkedIn's"
    assert person["birthday"] == "1986-04-17"  # empty field filled
    assert "dana@reyes.example" in person["emails"]
    assert set(person["tags"]) == {"customers"}  # tags are case-insensitive: "Customers" known
    assert person["title"] == "Head of Procurement"  # the file's newer title: a job change


def test_match_by_linkedin_url_and_by_name_and_company(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    wt(
        "add",
        "Priya Natarajan",
        "--company",
        "Fabrikam",
        "--linkedin",
        "https://www.linkedin.com/in/priyan",
    )
    wt("add", "Greta Lindqvist", "--company", "Adventure Works")
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"), "--dry-run")
    lines = run.stdout.splitlines()
    priya = next(line for line in lines if "Priya" in line)
    greta = next(line for line in lines if "Greta" in line)
    assert "update" in priya and "same LinkedIn profile" in priya
    assert "update" in greta and "same name and company" in greta


def test_dry_run_changes_nothing(dana: Path, wt: Invoke) -> None:
    before = db_dump_hash(dana)
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"), "--dry-run")
    assert db_dump_hash(dana) == before
    assert "Nothing changed." in run.stderr
    assert "would be 5 added, 2 updated" in run.stderr
    assert "add" in run.stdout and "new contact" in run.stdout
    assert "same email dana.reyes@northwind.example" in run.stdout
    as_json = json.loads(
        wt("import", str(SAMPLES / "linkedin_connections.csv"), "-n", "--json").stdout
    )
    assert as_json["dry_run"] is True and as_json["added"] == 5
    assert db_dump_hash(dana) == before


def test_tag_option(db: Path, wt: Invoke) -> None:
    wt("import", str(SAMPLES / "linkedin_connections.csv"), "--tag", "linkedin")
    assert all("linkedin" in c["tags"] for c in contacts(wt))
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"), "--tag", "linkedin")
    assert "0 added, 0 updated, 7 unchanged" in run.stderr
    bad = wt("import", str(SAMPLES / "linkedin_connections.csv"), "--tag", "two words", ok=False)
    assert bad.exit_code == 1


def _newer_linkedin(tmp_path: Path) -> Path:
    text = (SAMPLES / "linkedin_connections.csv").read_text(encoding="utf-8-sig")
    text = text.replace("Fabrikam,Chief Revenue Officer", "Initech,VP Sales")
    path = tmp_path / "Connections-2027.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_job_change_on_reimport(
    db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wt("import", str(SAMPLES / "linkedin_connections.csv"))
    assert json.loads(wt("today", "--json").stdout)["job_changes"] == []
    run = wt("import", str(_newer_linkedin(tmp_path)))
    assert "0 added, 1 updated, 6 unchanged, 1 job change" in run.stderr
    assert (
        "Job change: Priya Natarajan: now VP Sales at Initech, was Chief Revenue Officer at Fabrikam"
        in run.stderr
    )
    priya = by_name(wt)["Priya Natarajan"]
    assert (priya["company"], priya["title"]) == ("Initech", "VP Sales")
    shown = " ".join(wt("show", "priya").stdout.split())  # unwrapped
    assert "now VP Sales at Initech, was Chief Revenue Officer at Fabrikam" in shown
    timeline = json.loads(wt("show", "priya", "--json").stdout)["timeline"]
    assert timeline[0]["kind"] == "job_change" and timeline[0]["text"].startswith("now VP Sales")
    board = json.loads(wt("today", "--json").stdout)
    assert [e["contact"]["name"] for e in board["job_changes"]] == ["Priya Natarajan"]
    assert "Job changes" in wt("today").stdout
    # the same newer file again: no second event
    assert "0 updated" in wt("import", str(_newer_linkedin(tmp_path))).stderr
    assert len(json.loads(wt("today", "--json").stdout)["job_changes"]) == 1
    # a conversation logged after the change clears it from the dashboard
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-29T09:00:00+00:00")
    wt("log", "priya", "Congratulated her on the new role")
    assert json.loads(wt("today", "--json").stdout)["job_changes"] == []
    assert "Job changes" not in wt("today").stdout


def test_rows_repeated_within_one_file(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    row = "Ann,Lee,https://www.linkedin.com/in/ann,,Initech,VP,01 Jan 2024\n"
    path.write_text(HEADER + row + row, encoding="utf-8")
    run = wt("import", str(path))
    assert "1 added, 0 updated, 1 unchanged" in run.stderr
    assert len(contacts(wt)) == 1


def test_import_is_one_transaction(db: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    """A failure halfway (here: the 4th row) leaves nothing of the import."""
    original = records_store.insert_contact_record
    calls = {"n": 0}

    def failing(store, fields, stamp):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 4:
            raise sqlite3.OperationalError("database or disk is full")
        return original(store, fields, stamp)

    monkeypatch.setattr(records_store, "insert_contact_record", failing)
    before = db_dump_hash(db)
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"), ok=False)
    assert run.exit_code == 3
    assert "disk is full" in run.stderr
    assert db_dump_hash(db) == before


def test_missing_file(db: Path, wt: Invoke, tmp_path: Path) -> None:
    run = wt("import", str(tmp_path / "nope.csv"), ok=False)
    assert run.exit_code != 0
    assert "Traceback" not in run.stderr


def test_import_in_a_subprocess_uses_same_env(db: Path) -> None:
    import subprocess
    import sys

    proc = subprocess.run(
        [sys.executable, "-m", "wintogether", "import", str(SAMPLES / "contacts_v4.vcf")],
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
    assert "1 added" in proc.stderr


def test_progress_bar_only_on_a_terminal_for_big_files(monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    from wintogether.cli.transfer import PROGRESS_FROM, _Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Tty()
    monkeypatch.setattr("sys.stderr", terminal)
    small = _Progress()
    small.start(PROGRESS_FROM - 1)
    assert small.bar is None
    big = _Progress()
    big.start(PROGRESS_FROM * 4)
    assert big.bar is not None
    for done in range(1, PROGRESS_FROM * 4 + 1):
        big.advance(done)
    big.stop()
    assert "Importing" in terminal.getvalue()
    piped = io.StringIO()
    monkeypatch.setattr("sys.stderr", piped)
    quiet = _Progress()
    quiet.start(PROGRESS_FROM * 4)
    assert quiet.bar is None


def test_shorter_company_name_is_not_a_job_change(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind", "--email", "dana.reyes@northwind.example")
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"))
    assert "job change" not in run.stderr
    assert by_name(wt)["Dana Reyes"]["company"] == "Northwind"  # the user's value stays


def test_unknown_x_properties_go_back_out_in_vcard(db: Path, wt: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "x.vcf"
    path.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nX-SPOUSE:Bo Lee\r\nEND:VCARD\r\n",
        encoding="utf-8",
    )
    wt("import", str(path))
    out = wt("export", "--format", "vcard").stdout
    assert "X-SPOUSE:Bo Lee" in out


def test_long_csv_notes_up_to_the_limit(db: Path, wt: Invoke, tmp_path: Path) -> None:
    header = "First Name,Last Name,Notes,E-mail Address,Job Title\n"
    ok = tmp_path / "long.csv"
    ok.write_text(header + f'Ann,Lee,"{"n" * 300_000}",ann@x.example,VP\n', encoding="utf-8")
    wt("import", str(ok))
    assert len(by_name(wt)["Ann Lee"]["notes"]) == 300_000
    big = tmp_path / "big.csv"
    big.write_text(header + f'Bo,Lee,"{"n" * 1_500_000}",bo@x.example,VP\n', encoding="utf-8")
    run = wt("import", str(big), ok=False)
    assert run.exit_code == 1
    assert "line 2: the notes is 1,500,000 characters; the limit is 1,000,000" in run.stderr


def test_utf16_without_bom_and_unknown_encoding(db: Path, wt: Invoke, tmp_path: Path) -> None:
    text = (SAMPLES / "outlook_contacts.csv").read_text(encoding="utf-8")
    path = tmp_path / "nobom.csv"
    path.write_bytes(text.encode("utf-16-le"))
    run = wt("import", str(path), ok=False)
    assert run.exit_code == 1 and "UTF-16 without a byte-order mark" in run.stderr
    assert "2 added" in wt("import", str(path), "--encoding", "utf-16-le").stderr
    run = wt("import", str(path), "--encoding", "klingon", ok=False)
    assert run.exit_code == 1 and "Unknown encoding 'klingon'" in run.stderr


def test_a_binary_file_is_said_to_be_no_text_file(db: Path, wt: Invoke, tmp_path: Path) -> None:
    """A program (NULs every other byte, like UTF-16) or an image is not called
    UTF-16 or Latin-1 text; a Latin-1 file still is."""
    program = tmp_path / "program"
    program.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 8 + b"\0" * 2000)
    image = tmp_path / "photo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(128, 256)) * 20)
    for path in (program, image):
        run = wt("import", str(path), ok=False)
        assert run.exit_code == 1
        assert run.stderr == (
            f"Error: {path.name} is not a text file (a program, an image or an archive?)."
            " Import a CSV, vCard or JSON export.\n"
        )
    latin = tmp_path / "latin.csv"
    latin.write_bytes("First Name,Last Name,E-mail Address,Job Title\nJosé,Pérez,j@x.example,CEO\n"
                      .encode("latin-1"))  # fmt: skip
    run = wt("import", str(latin), ok=False)
    assert "is not UTF-8" in run.stderr and "--encoding latin-1" in run.stderr
    # FileMaker's line break in a field (a vertical tab) and DOS's end-of-file
    # mark are text: told to name the encoding, which then reads it.
    notes = tmp_path / "filemaker.csv"
    rows = "".join(
        f'José{i},Pérez,j{i}@x.example,CEO,"met at a fair\x0bsaid hi"\n' for i in range(30)
    )
    notes.write_bytes(
        ("First Name,Last Name,E-mail Address,Job Title,Notes\n" + rows).encode("cp1252") + b"\x1a"
    )
    run = wt("import", str(notes), ok=False)
    assert "is not UTF-8" in run.stderr and "--encoding" in run.stderr, run.stderr
    assert "30 added" in wt("import", str(notes), "--encoding", "cp1252").stderr


def test_an_import_says_when_someone_added_has_the_name_of_someone_you_had(
    db: Path, wt: Invoke
) -> None:
    """Added by hand first (another company's name, or none), then the LinkedIn
    export: the two Danas are not folded into one (they may be two people), but
    the import says so, in the summary and in the plan."""
    wt("add", "Dana Reyes", "--company", "Northwind")
    wt("add", "Marcus O'Neil")
    planned = json.loads(
        wt("import", str(SAMPLES / "linkedin_connections.csv"), "--dry-run", "--json").stdout
    )
    reasons = {d["name"]: d["reason"] for d in planned["decisions"]}
    assert reasons["Dana Reyes"] == "new contact; you had someone of this name"
    assert reasons["Priya Natarajan"] == "new contact"
    run = wt("import", str(SAMPLES / "linkedin_connections.csv"))
    assert (
        "Note: linkedin_connections.csv: 2 added have the name of someone you had (Dana Reyes,"
        " Marcus O'Neil): `wt dupes` shows likely duplicates, `wt merge KEEP OTHER` joins two."
    ) in run.stderr
    again = wt("import", str(SAMPLES / "linkedin_connections.csv"))
    assert "Note:" not in again.stderr  # nothing added the second time
