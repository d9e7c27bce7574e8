"""Companies as records: matching, aliases, `wt company merge`, and every way data travels."""

from __future__ import annotations

import csv
import io
import json
import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from conftest import Invoke
from factory import Factory
from wintogether.store import open_store
from wintogether.store.companies import company_key
from wintogether.store.connection import APPLICATION_ID
from wintogether.store.migrations import LATEST_VERSION, MIGRATION_SET, MIGRATIONS


def companies_of(db: Path) -> dict[str, str | None]:
    """Each contact's name -> the name of the company record it links to."""
    with sqlite3.connect(db) as conn:
        return dict(
            conn.execute(
                "SELECT c.name, co.name FROM contacts c"
                " LEFT JOIN companies co ON co.id = c.company_id ORDER BY c.id"
            ).fetchall()
        )


def company_names(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT name FROM companies ORDER BY name")]


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Initech, Inc.", "initech"),
        ("ACME GmbH", "Acme"),
        ("Société Générale S.A.", "societe generale"),
        ("Globex  Corp", "GLOBEX"),
        ("Smith & Sons Ltd", "smith and sons"),
        ("O'Neil Consulting", "ONeil Consulting"),
    ],
)
def test_case_punctuation_accents_and_legal_forms_do_not_count(a: str, b: str) -> None:
    assert company_key(a) == company_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Northwind", "Northwind Traders"),
        ("IBM", "International Business Machines"),
        ("Initech", "Initech Labs"),
    ],
)
def test_other_words_make_another_company_until_merged(a: str, b: str) -> None:
    assert company_key(a) != company_key(b)


def test_a_legal_form_alone_is_still_a_name() -> None:
    assert company_key("Inc.") == "inc"


def test_add_and_edit_link_contacts_to_one_record(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Initech, Inc.")
    wt("add", "Sam Okafor", "--company", "initech")
    wt("add", "Lee Park")
    assert companies_of(db) == {
        "Dana Reyes": "Initech, Inc.",
        "Sam Okafor": "Initech, Inc.",
        "Lee Park": None,
    }
    wt("edit", "lee", "--company", "Globex")
    wt("edit", "sam", "--clear", "company")
    assert companies_of(db) == {
        "Dana Reyes": "Initech, Inc.",
        "Sam Okafor": None,
        "Lee Park": "Globex",
    }
    assert company_names(db) == ["Globex", "Initech, Inc."]


def test_company_merge_makes_an_alias_and_moves_people(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind Traders")
    wt("add", "Sam Okafor", "--company", "NWT")
    out = wt("company", "merge", "Northwind Traders", "nwt")
    assert "NWT is now a name of Northwind Traders (1 person moved)" in out.stderr
    assert company_names(db) == ["Northwind Traders"]
    wt("add", "Lee Park", "--company", "N.W.T.")
    assert set(companies_of(db).values()) == {"Northwind Traders"}
    # The text each contact carries is theirs: it is not rewritten.
    with sqlite3.connect(db) as conn:
        assert (
            conn.execute("SELECT company FROM contacts WHERE name = 'Sam Okafor'").fetchone()[0]
            == "NWT"
        )
    again = wt("company", "merge", "northwind traders", "NWT", ok=False)
    assert again.exit_code == 1 and "already one company" in again.stderr


def test_company_merge_is_undone_like_any_write(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind Traders")
    wt("add", "Sam Okafor", "--company", "NWT")
    wt("company", "merge", "Northwind Traders", "NWT")
    wt("undo")
    assert company_names(db) == ["NWT", "Northwind Traders"]
    assert companies_of(db) == {"Dana Reyes": "Northwind Traders", "Sam Okafor": "NWT"}


def test_company_merge_moves_the_deals_too_and_undo_moves_them_back(db: Path, wt: Invoke) -> None:
    wt("add", "Ann Able", "--company", "Acme")
    wt("deal", "add", "Acme renewal", "--company", "Acme", "--with", "ann")
    wt("add", "Gus Grey", "--company", "Globex")

    def deals_of(company: str) -> list[str]:
        data = json.loads(wt("company", company, "--json").stdout)
        return [d["title"] for d in data["deals"]["open"]]

    assert deals_of("acme") == ["Acme renewal"]
    wt("company", "merge", "Globex", "Acme")
    assert deals_of("globex") == ["Acme renewal"]
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM deals WHERE company_id IS NULL").fetchone() == (
            0,
        )
    wt("undo")
    assert deals_of("acme") == ["Acme renewal"]


def test_an_import_whose_alias_is_a_company_here_merges_the_two(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    """Exported where Northwind was merged into Northwind Traders, imported where
    Northwind is a company of its own: merged here too, as sync does."""
    wt("add", "Hannah Hill", "--company", "Northwind Traders")
    wt("add", "Victor Vale", "--company", "Northwind")
    wt("company", "merge", "Northwind Traders", "Northwind")
    exported = tmp_path / "merged.json"
    wt("export", "-o", str(exported))
    elsewhere = tmp_path / "elsewhere.db"
    wt("--db", str(elsewhere), "init")
    wt("--db", str(elsewhere), "add", "Pat Poe", "--company", "Northwind")
    wt("--db", str(elsewhere), "import", str(exported))
    listed = json.loads(wt("--db", str(elsewhere), "companies", "--json").stdout)
    assert [(c["company"]["name"], c["people"], c["company"]["aliases"]) for c in listed] == [
        ("Northwind Traders", 3, ["Northwind"])
    ]


def test_unknown_and_ambiguous_companies_are_errors(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind Traders")
    wt("add", "Sam Okafor", "--company", "Northwind Labs")
    missing = wt("company", "merge", "Globex", "Northwind Labs", ok=False)
    assert missing.exit_code == 1 and "No company matches 'Globex'" in missing.stderr
    vague = wt("company", "merge", "northwind", "Northwind Labs", ok=False)
    assert vague.exit_code == 1 and "matches 2 companies" in vague.stderr


def vcard(name: str, org: str, title: str) -> str:
    return (
        f"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:{name}\r\nEMAIL:dana@example.com\r\n"
        f"ORG:{org}\r\nTITLE:{title}\r\nEND:VCARD\r\n"
    )


def test_an_alias_is_no_job_change_on_import(db: Path, wt: Invoke, tmp_path: Path) -> None:
    wt("add", "Dana Reyes", "--company", "IBM", "--title", "CTO", "--email", "dana@example.com")
    card = tmp_path / "dana.vcf"
    card.write_text(vcard("Dana Reyes", "International Business Machines", "CTO"))
    before = json.loads(wt("import", str(card), "--dry-run", "--json").stdout)
    assert before["job_changes"] == 1  # two names, two companies: news
    wt("add", "Sam Okafor", "--company", "International Business Machines")
    wt("company", "merge", "IBM", "International Business Machines")
    after = json.loads(wt("import", str(card), "--json").stdout)
    assert after["job_changes"] == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM contact_events").fetchone()[0] == 0
        assert (
            conn.execute("SELECT company FROM contacts WHERE name = 'Dana Reyes'").fetchone()[0]
            == "IBM"
        )


def test_json_round_trip_keeps_companies_aliases_roles_and_managers(
    db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Factory(db) as make:
        make.contact("Hannah Schmidt", company="Northwind Traders")
        make.contact("Dana Reyes", company="NWT")
    wt("company", "merge", "Northwind Traders", "NWT")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE contacts SET account_role = 'champion', reports_to = 1 WHERE id = 2")
    out = tmp_path / "all.json"
    wt("export", "--format", "json", "-o", str(out))
    data = json.loads(out.read_text())
    assert [(c["name"], c["aliases"]) for c in data["companies"]] == [
        ("Northwind Traders", ["NWT"])
    ]
    dana = next(c for c in data["contacts"] if c["name"] == "Dana Reyes")
    assert dana["account_role"] == "champion"
    assert dana["reports_to"] == data["contacts"][0]["uid"]
    assert dana["company_uid"] == data["companies"][0]["uid"]
    copy = tmp_path / "copy.db"
    monkeypatch.setenv("WINTOGETHER_DB", str(copy))
    wt("init")
    wt("import", str(out))
    again = tmp_path / "again.json"
    wt("export", "--format", "json", "-o", str(again))
    second = json.loads(again.read_text())
    for key in ("contacts", "companies"):
        assert second[key] == data[key], key
    # The alias came along: a new contact at NWT joins the same record.
    wt("add", "Lee Park", "--company", "nwt")
    assert set(companies_of(copy).values()) == {"Northwind Traders"}


def test_import_refuses_an_unknown_role_for_that_contact_only(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    data = {
        "format": "wintogether",
        "version": 1,
        "contacts": [
            {"name": "Dana Reyes", "account_role": "kingmaker"},
            {"name": "Sam Okafor", "account_role": "blocker"},
        ],
    }
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data))
    result = json.loads(wt("import", str(path), "--skip-invalid", "--json").stdout)
    assert result["added"] == 1
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name, account_role FROM contacts").fetchall() == [
            ("Sam Okafor", "blocker")
        ]


def test_csv_export_has_role_and_manager(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.contact("Hannah Schmidt", company="Northwind")
        make.contact("Dana Reyes", company="Northwind")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE contacts SET account_role = 'blocker', reports_to = 1 WHERE id = 2")
        hannah_uid = conn.execute("SELECT uid FROM contacts WHERE id = 1").fetchone()[0]
    rows = list(csv.DictReader(io.StringIO(wt("export", "--format", "csv").stdout)))
    dana = next(r for r in rows if r["name"] == "Dana Reyes")
    assert (dana["account_role"], dana["reports_to"]) == ("blocker", hannah_uid)


def test_merging_people_keeps_role_manager_and_reports(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.contact("Hannah Schmidt", company="Northwind")
        make.contact("Dana Reyes", company="Northwind")
        make.contact("D. Reyes", company="Northwind", force=True)
        make.contact("Sam Okafor", company="Northwind")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE contacts SET account_role = 'champion', reports_to = 1 WHERE id = 3")
        conn.execute("UPDATE contacts SET reports_to = 3 WHERE id = 4")
    wt("merge", "Dana Reyes", "D. Reyes")
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, account_role, reports_to FROM contacts ORDER BY id"
        ).fetchall()
    assert rows == [(1, None, None), (2, "champion", 1), (4, None, 2)]


def test_forget_takes_a_person_out_of_the_reporting_tree(db: Path, wt: Invoke) -> None:
    with Factory(db) as make:
        make.contact("Hannah Schmidt", company="Northwind")
        make.contact("Dana Reyes", company="Northwind")
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE contacts SET reports_to = 1 WHERE id = 2")
    wt("forget", "Hannah Schmidt", "--yes")
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name, reports_to FROM contacts").fetchall() == [
            ("Dana Reyes", None)
        ]


def test_search_finds_a_company_by_an_alias(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind Traders")
    wt("add", "Sam Okafor", "--company", "NWT")
    wt("company", "merge", "Northwind Traders", "NWT")
    hits = json.loads(wt("search", "nwt", "--json").stdout)
    assert hits[0]["source"] == "company"
    assert hits[0]["snippet"] == "Northwind Traders (also NWT)"
    assert hits[0]["highlights"] == [[24, 27]]


def test_an_upgraded_database_links_the_companies_it_has(wt: Invoke) -> None:
    path = Path(os.environ["WINTOGETHER_DB"])
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA trusted_schema = ON")
    before = Migrations(MIGRATION_SET)
    for name, function in MIGRATIONS[:7]:
        before(name=name)(function)
    conn.execute("BEGIN")
    before.apply(Database(conn))
    stamp = "2026-11-01T09:00:00Z"
    for uid, name, company in (
        ("u1", "Dana", "Initech Inc"),
        ("u2", "Sam", "initech"),
        ("u3", "Lee", None),
    ):
        conn.execute(
            "INSERT INTO contacts (uid, name, company, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (uid, name, company, stamp, stamp),
        )
    conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    conn.execute("PRAGMA user_version = 7")
    conn.execute("COMMIT")
    conn.close()
    wt("contacts")
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST_VERSION
    assert companies_of(path) == {"Dana": "Initech Inc", "Sam": "Initech Inc", "Lee": None}


def test_undo_takes_back_a_company_made_by_an_add(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Initech")
    wt("add", "Sam Okafor", "--company", "Globex")
    wt("undo")
    assert company_names(db) == ["Initech"]
    wt("edit", "dana", "--company", "Globex")
    assert companies_of(db) == {"Dana Reyes": "Globex"}
    wt("undo")
    assert companies_of(db) == {"Dana Reyes": "Initech"}
    assert company_names(db) == ["Initech"]


def test_contacts_by_company_finds_every_name_of_the_record(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Northwind Traders")
    wt("add", "Sam Okafor", "--company", "NWT")
    wt("add", "Ana Souza", "--company", "Globex")

    def names(company: str) -> list[str]:
        out = json.loads(wt("contacts", "--company", company, "--json").stdout)
        return [c["name"] for c in out]

    assert names("northwind") == ["Dana Reyes"]
    wt("company", "merge", "Northwind Traders", "NWT")
    # The record's name finds a contact whose own text is the alias, and the
    # alias finds those whose text is the name.
    assert names("Northwind Traders") == ["Dana Reyes", "Sam Okafor"]
    assert names("nwt") == ["Dana Reyes", "Sam Okafor"]
    assert names("glob") == ["Ana Souza"]
    attention = json.loads(
        wt("contacts", "--company", "nwt", "--sort", "attention", "--json").stdout
    )
    assert sorted(c["name"] for c in attention) == ["Dana Reyes", "Sam Okafor"]


def build_accounts(path: Path, seed: int) -> None:
    """test_slipping_sql's random contacts, then companies of every size: many
    of one person, a few large ones, one whose people are all archived, one
    with nobody, and contacts at none; roles here and there."""
    import random

    from test_slipping_sql import build

    build(path, seed)
    rng = random.Random(seed)
    store, _ = open_store(path)
    try:
        with store.write("accounts"):
            names = [f"Company {n:02d}" if n % 3 else f"company {n:02d}" for n in range(70)]
            store.conn.executemany(
                "INSERT INTO companies (id, uid, name, key, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, 'x', 'x')",
                [(n + 1, f"k{n}", name, f"key{n}") for n, name in enumerate(names)],
            )
            ids = [row[0] for row in store.conn.execute("SELECT id FROM contacts ORDER BY id")]
            for contact_id in ids:
                pick = rng.random()
                company = (
                    None if pick < 0.1
                    else rng.randint(1, 5) if pick < 0.45  # a few large accounts
                    else rng.randint(6, 68)  # many small ones (69: nobody, 70: archived only)
                )  # fmt: skip
                role = rng.choice([None, None, "champion", "user", "blocker"])
                store.conn.execute(
                    "UPDATE contacts SET company_id = ?, account_role = ? WHERE id = ?",
                    (company, role if company else None, contact_id),
                )
            for contact_id in ids[:3]:
                store.conn.execute(
                    "UPDATE contacts SET company_id = 70, archived_at = '2026-11-01T00:00:00Z'"
                    " WHERE id = ?",
                    (contact_id,),
                )
    finally:
        store.close()


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("config_index", [0, 1, 2], ids=["defaults", "tags", "ties"])
@pytest.mark.parametrize("offset_hours", [0, -8])
def test_a_page_by_attention_is_the_first_of_the_whole_listing(
    built: Callable[..., Path], seed: int, config_index: int, offset_hours: float
) -> None:
    """`wt companies` shows a screenful by attention from the people walked
    coldest first (store/accounts.py ``coldest_companies``): the same companies,
    figures, order and count as the first rows of the whole listing, ties and
    archived people included."""
    from test_slipping_sql import CONFIGS
    from wintogether.domain import cadence
    from wintogether.domain.account_list import companies_page
    from wintogether.store import accounts as accounts_store

    config = CONFIGS[config_index]
    db = built(build_accounts, seed)
    now = datetime(2026, 11, 28, 23, 30, tzinfo=UTC).astimezone(
        timezone(timedelta(hours=offset_hours))
    )
    store, _ = open_store(db)
    try:
        whole, count = companies_page(store, config, now)
        with store.read():
            walked = accounts_store.coldest_companies(
                store,
                today=now.date(),
                default_days=config.default_cadence_days,
                tag_days=cadence.tag_days(store, config),
                top=5,
            )
        pages = {n: companies_page(store, config, now, limit=n) for n in (1, 2, 5, 13, 40, 500)}
    finally:
        store.close()
    assert walked is not None  # the walk answered, not the grouped pass
    assert count == len(whole) > 40
    assert not {69, 70} & {row.company.id for row in whole}  # nobody; archived people only
    assert {row.company.id for row in whole[:5]} <= set(walked[0]) and walked[1] == count
    for n, (page, total) in pages.items():
        assert total == count
        assert page == whole[:n], n


def test_a_company_name_put_right(db: Path, wt: Invoke) -> None:
    """`wt company rename`: a spelling put right keeps its people; a name that
    reads differently keeps the old one as another name; a name that is
    another company is refused (merge says how); undo takes it back."""
    wt("add", "Yann Le", "--company", "northwind traders inc")
    wt("add", "Zoe Ray", "--company", "Acme")
    wt("add", "Ann Bo", "--company", "Globex")
    said = wt("company", "rename", "northwind traders inc", "Northwind Traders").stderr
    assert said == "northwind traders inc is now called Northwind Traders.\n"
    wt("company", "rename", "acme", "Acme Holdings")
    names = {r["company"]["name"]: r["company"]["aliases"] for r in json.loads(
        wt("companies", "--json").stdout)}  # fmt: skip
    assert names == {"Northwind Traders": [], "Acme Holdings": ["Acme"], "Globex": []}
    assert json.loads(wt("company", "acme holdings", "--json").stdout)["people"][0]["contact"][
        "name"] == "Zoe Ray"  # fmt: skip
    taken = wt("company", "rename", "globex", "Acme", ok=False)
    assert taken.exit_code == 1 and 'wt company merge "Acme" "Globex"' in taken.stderr
    wt("undo")
    names = [r["company"]["name"] for r in json.loads(wt("companies", "--json").stdout)]
    assert sorted(names) == ["Acme", "Globex", "Northwind Traders"]


def test_a_company_typed_wrong_goes_when_its_last_person_moves(db: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--company", "Nrthwind")
    wt("add", "Sam Okafor", "--company", "Northwind")
    wt("edit", "Dana Reyes", "--company", "Northwind")
    names = [r["company"]["name"] for r in json.loads(wt("companies", "--json").stdout)]
    assert names == ["Northwind"]
    exported = json.loads(wt("export", "--format", "json").stdout)
    assert [c["name"] for c in exported["companies"]] == ["Northwind"]
    wt("undo")
    names = [r["company"]["name"] for r in json.loads(wt("companies", "--json").stdout)]
    assert sorted(names) == ["Northwind", "Nrthwind"]


def test_only_the_company_someone_left_is_kept_for_them(db: Path, wt: Invoke) -> None:
    """Li left "Acme Labs, Inc." (a job change): "ACME LABS" typed wrong for
    Sam stays when Sam is put right (the same company by its key), and "Acme",
    typed for Zoe, goes (a name inside another is not that company)."""
    from test_accounts import job_change

    wt("add", "Li Lei", "--company", "Initech")
    wt("add", "Sam Okafor", "--company", "ACME LABS")
    wt("add", "Zoe Ray", "--company", "Acme")
    job_change(db, 1, "Acme Labs, Inc.", "Initech", "2026-06-01T09:00:00Z")
    wt("edit", "Sam Okafor", "--company", "Initech")
    wt("edit", "Zoe Ray", "--company", "Initech")
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM companies ORDER BY name")]
    assert names == ["ACME LABS", "Initech"]


def test_a_company_someone_left_stays_when_its_last_person_is_edited_away(
    db: Path, wt: Invoke
) -> None:
    from test_accounts import job_change

    wt("add", "Li Lei", "--company", "Initech")
    wt("add", "Sam Okafor", "--company", "Globex")
    job_change(db, 1, "Globex", "Initech", "2026-06-01T09:00:00Z")
    wt("edit", "Sam Okafor", "--company", "Initech")
    former = json.loads(wt("company", "globex", "--json").stdout)["former"]
    assert [p["contact"]["name"] for p in former] == ["Li Lei"]


def test_attention_from_sql_is_the_double_python_divides() -> None:
    """The walks coldest first (store/quiet.py ``_walk``) take each row's
    attention from SQL, ``days * -1.0 / rhythm``: the same double as Python's
    ``-(days / rhythm)``, so the ranges merge in the order the rule ranks."""
    conn = sqlite3.connect(":memory:")
    pairs = [(days, rhythm) for rhythm in (1, 3, 7, 14, 21, 30, 42, 90, 365, 9999)
             for days in range(0, 4000, 7)]  # fmt: skip
    values = [conn.execute("SELECT ? * -1.0 / ?", p).fetchone()[0] for p in pairs]
    assert values == [-(days / rhythm) for days, rhythm in pairs]
    assert all(type(value) is float for value in values)
