"""`wt dupes` and `wt merge`: likely pairs with reasons; a merge that loses nothing."""

from __future__ import annotations

import difflib
import hashlib
import json
import random
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Invoke


def table_counts(db: Path) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return {
            t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("interactions", "promises", "ledger", "wins", "contact_events", "tags")
        }
    finally:
        conn.close()


def dump_hash(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return hashlib.sha256("\n".join(conn.iterdump()).encode()).hexdigest()
    finally:
        conn.close()


def test_dupes_lists_pairs_with_reasons(dana: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes-Smith", "--email", "dana.reyes@northwind.example", "--force")
    wt("add", "Jose Nunez", "--company", "Contoso", "--linkedin", "https://www.linkedin.com/in/jn")
    wt("add", "José Núñez", "--company", "contoso", "--force")
    wt("add", "J. Nunez", "--linkedin", "https://www.linkedin.com/in/jn/", "--force")
    wt("add", "Sam", "--force")
    wt("add", "sam", "--force")
    wt("add", "Ann Lee", "--company", "Initech")
    wt("add", "Bob Lee", "--company", "Initech")  # different people, same company
    pairs = json.loads(wt("dupes", "--json").stdout)
    found = {(p["first"]["name"], p["second"]["name"]): p["reason"] for p in pairs}
    assert found == {
        ("Dana Reyes", "Dana Reyes-Smith"): "same email dana.reyes@northwind.example",
        ("Jose Nunez", "José Núñez"): "near-identical names at Contoso",
        ("Jose Nunez", "J. Nunez"): "same LinkedIn profile",
        ("Sam", "sam"): "same name, no company",
    }
    table = wt("dupes")
    assert "same LinkedIn profile" in table.stdout
    assert "4 likely duplicate pairs" in table.stderr


def test_dupes_lists_the_same_name_whatever_the_companies(dana: Path, wt: Invoke) -> None:
    wt("add", "Dana Reyes", "--new")  # no company
    wt("add", "dana  reyes", "--company", "Initech", "--new")
    pairs = json.loads(wt("dupes", "--json").stdout)
    found = {(p["first"]["id"], p["second"]["id"]): p["reason"] for p in pairs}
    assert found == {
        (1, 3): "same name, one with no company",
        (1, 4): "same name, at Northwind Traders and at Initech",
    }


def test_dupes_table_shows_a_screenful_of_many_near_identical_names(dana: Path, wt: Invoke) -> None:
    from factory import Factory

    with Factory(dana) as make:
        for index in range(12):  # names one or two characters apart at one company
            make.contact(f"Test Person{index:02d}", company="Initech")
        make.contact("Quite Different", company="Initech")
    pairs = json.loads(wt("dupes", "--json").stdout)
    assert len(pairs) == 57  # "person00"/"person11" differ by two of 13: not near-identical
    assert all(p["reason"] == "near-identical names at Initech" for p in pairs)
    assert "Quite Different" not in {p["first"]["name"] for p in pairs} | {
        p["second"]["name"] for p in pairs
    }
    table = wt("--plain", "dupes")
    assert table.stdout.count("near-identical") == 50
    assert "… and 7 more: `wt dupes --limit 0` shows all." in table.stderr
    assert "57 likely duplicate pairs" in table.stderr
    assert wt("--plain", "dupes", "-n", "0").stdout.count("near-identical") == 57


def test_dupes_page_of_large_companies_says_there_are_more_without_counting(
    dana: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where counting means comparing every name at companies of thousands,
    the page shows its screenful and says how to see the rest."""
    from factory import Factory
    from wintogether.domain import dupes

    with Factory(dana) as make:
        for index in range(12):
            make.contact(f"Test Person{index:02d}", company="Initech")
    monkeypatch.setattr(dupes, "_EXHAUSTIVE", 0)  # as if the companies were that large
    every = json.loads(wt("dupes", "--json").stdout)
    page = wt("--plain", "dupes", "-n", "5")
    assert page.stdout.count("near-identical") == 5
    assert "… and more: `wt dupes --limit 0` lists them all" in page.stderr
    assert "5 likely duplicate pairs shown;" in page.stderr
    shown = json.loads(wt("dupes", "--json", "-n", "5").stdout)
    assert shown == every[:5]
    assert wt("--plain", "dupes", "-n", "0").stdout.count("near-identical") == len(every) == 57


def test_every_pair_in_a_pipe_is_the_table_written_as_it_goes(dana: Path, wt: Invoke) -> None:
    from factory import Factory
    from wintogether.domain import dupes
    from wintogether.render.plain import dupes_lines, dupes_table
    from wintogether.store import open_store

    with Factory(dana) as make:
        for index in range(12):
            make.contact(f"Test Person{index:02d}", company="Initech Worldwide Holdings")
        make.contact("Dana Reyes", emails=["dana.reyes@northwind.example"], force=True)
    store, _ = open_store(dana)
    try:
        pairs = dupes.find(store)
        every = dupes.AllPairs(store)
        assert len(every) == len(pairs) == 58
        assert list(every) == pairs
    finally:
        store.close()
    for width in (120, 80, 50):  # wide, wrapped, squeezed
        assert list(dupes_lines(lambda: pairs, width)) == dupes_table(pairs, width)
    out = wt("--plain", "dupes", "-n", "0")
    assert out.stdout == "".join(line + "\n" for line in dupes_table(pairs, 80))
    assert "58 likely duplicate pairs;" in out.stderr


def test_no_dupes(dana: Path, wt: Invoke) -> None:
    run = wt("dupes")
    assert run.stdout == "" and "No likely duplicates." in run.stderr


def test_merge_moves_everything_and_loses_nothing(dana: Path, wt: Invoke) -> None:
    wt(
        "add",
        "D. Reyes",
        "--company",
        "Northwind Traders",
        "--title",
        "Head of Procurement",
        "--email",
        "dana@reyes.example",
        "--phone",
        "+1 415 555 0100",
        "--tag",
        "vip",
        "--birthday",
        "1986-04-17",
        "--note",
        "Second record",
        "--force",
    )
    wt("edit", "dana", "--note", "First record")
    wt("log", "D. Reyes", "Call about renewal", "--follow-up", "fri")
    wt("log", "dana", "Meeting with both", "--with", "D. Reyes", "--with", "marcus")
    wt("follow-up", "D. Reyes", "Send SOC2", "--due", "2026-12-01", "--theirs")
    wt("add", "Intro Person", "--via", "D. Reyes")
    conn = sqlite3.connect(dana)
    with conn:
        conn.execute(
            "INSERT INTO ledger (uid, contact_id, direction, kind, text, happened_at, created_at,"
            " updated_at) VALUES ('l1', 3, 'gave', 'intro', 'Intro', '2026-11-01T00:00:00Z',"
            " '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z')"
        )
    conn.close()
    wt("win", "D. Reyes", "Signed early", "--mine", "Quarter made")
    wt("gave", "marcus", "Intro to the other Dana record", "--kind", "intro", "--to", "D. Reyes")
    before = table_counts(dana)
    snapshot = dump_hash(dana)
    preview = wt("merge", "dana", "D. Reyes", "--dry-run", "--json")
    plan = json.loads(preview.stdout)
    assert plan["moved"] == {
        "conversations": 2, "promises": 2, "ledger": 1, "wins": 1, "intros": 1, "events": 0, "deals": 0,
    }  # fmt: skip
    assert plan["filled"]["title"] == "Head of Procurement"
    assert plan["filled"]["notes"] == "First record\n\nSecond record"
    assert plan["emails_added"] == ["dana@reyes.example"]
    assert "Nothing changed." in preview.stderr
    assert dump_hash(dana) == snapshot  # the dry run wrote nothing

    run = wt("merge", "dana", "D. Reyes")
    assert "Merged D. Reyes (#3) into Dana Reyes (#1)." in run.stderr
    assert table_counts(dana) == before  # nothing lost
    shown = json.loads(wt("show", "dana", "--json").stdout)
    contact = shown["contact"]
    assert contact["emails"] == ["dana.reyes@northwind.example", "dana@reyes.example"]
    assert contact["phones"] == ["+1 415 555 0100"]
    assert set(contact["tags"]) == {"customers", "vip"}
    assert contact["title"] == "Head of Procurement"
    assert contact["birthday"] == "1986-04-17"
    assert contact["notes"] == "First record\n\nSecond record"
    assert shown["conversation_count"] == 2
    assert len(shown["open_promises"]) == 2
    assert wt("show", "D. Reyes", ok=False).exit_code == 1  # the duplicate is gone
    assert [w["theirs"] for w in shown["timeline"] if w["kind"] == "win"] == ["Signed early"]
    given = json.loads(wt("show", "marcus", "--json").stdout)["timeline"]
    intro_to = [e["to_contact"] for e in given if e["kind"] == "ledger" and e.get("to_contact")]
    assert intro_to and intro_to[0]["name"] == "Dana Reyes"  # the intro now names the keeper
    intro = json.loads(wt("show", "Intro Person", "--json").stdout)["contact"]
    assert intro["introduced_by"]["name"] == "Dana Reyes"
    meeting = json.loads(wt("export", "--format", "json").stdout)["conversations"]
    assert all(len(c["participants"]) == len(set(c["participants"])) for c in meeting)


def test_merge_keeps_the_duplicates_place_on_its_deals(db: Path, wt: Invoke) -> None:
    wt("add", "Ann Able")
    wt("add", "Ann A", "--new")
    wt("add", "Bo Bee")
    wt("deal", "add", "Globex pilot", "--with", "Ann A", "--with", "Bo Bee")
    wt("deal", "add", "Both there", "--with", "Ann Able", "--with", "Ann A")
    dry = json.loads(wt("merge", "Ann Able", "Ann A", "--dry-run", "--json").stdout)
    assert dry["moved"]["deals"] == 1  # on "Both there" the keeper is already
    wt("merge", "Ann Able", "Ann A")

    def people(deal: str) -> list[str]:
        data = json.loads(wt("deal", "show", deal, "--json").stdout)
        return sorted(p["name"] for p in data["deal"]["people"])

    assert people("globex") == ["Ann Able", "Bo Bee"]
    assert people("both") == ["Ann Able"]
    wt("undo")
    assert people("globex") == ["Ann A", "Bo Bee"]


def test_merge_makes_no_reporting_loop_and_keeps_the_line_through_the_duplicate(
    db: Path, wt: Invoke
) -> None:
    def manager(name: str) -> str | None:
        data = json.loads(wt("show", name, "--json").stdout)["contact"]
        return None if data["reports_to"] is None else data["reports_to"]["name"]

    wt("add", "Hannah Hill", "--company", "Acme")
    wt("add", "Dana Doe", "--company", "Acme", "--reports-to", "hannah")
    wt("add", "Victor Vale", "--company", "Acme", "--reports-to", "dana")
    # Hannah takes Victor's manager only if that is no loop: Dana reports to Hannah.
    wt("merge", "hannah", "victor")
    assert (manager("hannah"), manager("dana")) == (None, "Hannah Hill")
    # Zed reported to and was introduced by Dana R, who reported to Marcus and
    # was introduced by Sam: merged, Zed reports to Marcus and was introduced by Sam.
    wt("add", "Marcus Moe")
    wt("add", "Sam Sun")
    wt("add", "Dana R", "--reports-to", "marcus", "--introduced-by", "sam")
    wt("add", "Zed Zee", "--reports-to", "dana r", "--introduced-by", "dana r")
    wt("merge", "zed", "dana r")
    zed = json.loads(wt("show", "zed", "--json").stdout)["contact"]
    assert zed["reports_to"]["name"] == "Marcus Moe"
    assert zed["introduced_by"]["name"] == "Sam Sun"


def test_merge_refuses_same_contact_and_unknowns(dana: Path, wt: Invoke) -> None:
    snapshot = dump_hash(dana)
    run = wt("merge", "dana", "#1", ok=False)
    assert run.exit_code == 1 and "same contact" in run.stderr
    run = wt("merge", "dana", "nobody", ok=False)
    assert run.exit_code == 1 and "No contact matches" in run.stderr
    assert dump_hash(dana) == snapshot


def test_reimport_after_merge_maps_to_the_keeper(db: Path, wt: Invoke, tmp_path: Path) -> None:
    card = tmp_path / "one.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Kenji W\r\nUID:k-1\r\nEND:VCARD\r\n", encoding="utf-8"
    )
    wt("add", "Kenji Watanabe", "--company", "Litware")
    wt("import", str(card))
    wt("merge", "Kenji Watanabe", "Kenji W")
    run = wt("import", str(card))
    assert "0 added" in run.stderr
    assert len(json.loads(wt("contacts", "--json").stdout)) == 1


def _every_pair(names: list[str]) -> list[tuple[int, int]]:
    """The near-identical pairs found by comparing every pair, as before the index."""
    from wintogether.domain.dupes import NAME_SIMILARITY

    found = []
    # One matcher per second name (difflib caches what it learns of it), and the
    # two cheap upper bounds of ratio() first: the same pairs, found faster.
    matcher = difflib.SequenceMatcher(None)
    for j, b in enumerate(names):
        matcher.set_seq2(b)
        for i in range(j):
            a = names[i]
            if a == b:
                found.append((i, j))
                continue
            matcher.set_seq1(a)
            if (
                matcher.real_quick_ratio() >= NAME_SIMILARITY
                and matcher.quick_ratio() >= NAME_SIMILARITY
                and matcher.ratio() >= NAME_SIMILARITY
            ):
                found.append((i, j))
    return found


def _generated_names(seed: int) -> list[str]:
    """Names built to be near-identical often: numbered people as a test import
    makes them, and typos (dropped, doubled, swapped and changed letters) of a
    few names, short and long, empty and repeated."""
    rng = random.Random(seed)
    bases = ["ann lee", "jose nunez", "dana reyes", "alexandra konstantinopoulou", "bo", ""]
    bases.append("margaret " * 5)  # long: compared pair by pair, not indexed
    names = [f"test person{rng.randrange(2000)}" for _ in range(150)]
    for _ in range(150):
        name = list(rng.choice(bases))
        for _ in range(rng.randrange(4)):
            if not name:
                break
            place = rng.randrange(len(name))
            edit = rng.randrange(4)
            if edit == 0:
                del name[place]
            elif edit == 1:
                name.insert(place, name[place])
            elif edit == 2 and place + 1 < len(name):
                name[place], name[place + 1] = name[place + 1], name[place]
            else:
                name[place] = rng.choice("aeiou nrst")
        names.append("".join(name))
    rng.shuffle(names)
    return names


@pytest.mark.parametrize("seed", range(3))
def test_indexed_comparison_finds_the_pairs_every_pair_comparison_finds(seed: int) -> None:
    from wintogether.domain.dupes import near_identical

    names = _generated_names(seed)
    expected = _every_pair(names)
    assert len(expected) > 100  # the set is built to have many
    assert sorted(near_identical(names)) == sorted(expected)
    # Small groups take the pair-by-pair path: the same answer.
    assert sorted(near_identical(names[:40])) == sorted(_every_pair(names[:40]))


def _profile(url: str) -> str:
    """The profile a LinkedIn address names, as the rules say: its host (any
    www. or country before linkedin.com) and path, without the scheme, query,
    fragment or last slashes, casefolded."""
    from urllib.parse import urlsplit

    text = url.strip().casefold()
    parts = urlsplit(text if "://" in text else f"//{text}")
    host = parts.hostname or ""
    if host == "linkedin.com" or host.endswith(".linkedin.com"):
        if parts.path.startswith(("/in/", "/pub/")):  # a profile: its path says who
            return "https://www.linkedin.com" + parts.path.rstrip("/")
        # Another address there (an old ``/profile/view?id=``): all of it counts.
        return "https://www.linkedin.com" + text.split(host, 1)[1].rstrip(" \t/")
    return text.rstrip("/")


def _rule_pairs(db: Path) -> list[tuple[int, int, str]]:
    """The pairs and reasons by the rules as first written: every contact record
    loaded, every two names at one company compared."""
    from collections import defaultdict

    from wintogether.domain.dupes import _plain
    from wintogether.store import contacts as contacts_store
    from wintogether.store import open_store
    from wintogether.store import records as records_store

    store, _ = open_store(db)
    try:
        ids = [r.id for r in contacts_store.all_refs(store, include_archived=True)]
        records = list(records_store.contact_records(store, ids))
    finally:
        store.close()
    found: dict[tuple[int, int], str] = {}

    def note(a: int, b: int, why: str) -> None:
        if a != b:
            found.setdefault((min(a, b), max(a, b)), why)

    by_email: dict[str, list[int]] = defaultdict(list)
    by_url: dict[str, list[int]] = defaultdict(list)
    by_company: dict[str, list[dict[str, object]]] = defaultdict(list)
    for record in records:
        for email in record["emails"]:
            by_email[email.casefold()].append(record["id"])
        for url in record["urls"]:
            if url["kind"] == "linkedin":
                by_url[_profile(url["url"])].append(record["id"])
        by_company[_plain(record["company"])].append(record)
    for email, sharing in by_email.items():
        for other in sharing[1:]:
            note(sharing[0], other, f"same email {email}")
    for sharing in by_url.values():
        for other in sharing[1:]:
            note(sharing[0], other, "same LinkedIn profile")
    for company, group in by_company.items():
        names = [_plain(str(r["name"])) for r in group]
        for i, j in _every_pair(names):
            if company or (
                names[i] == names[j] and not any(names[k] == names[i] for k in range(i))
            ):
                why = (
                    f"near-identical names at {group[i]['company']}"
                    if company
                    else "same name, no company"
                )
                note(int(group[i]["id"]), int(group[j]["id"]), str(why))  # type: ignore[call-overload]
    by_name: dict[str, list[dict[str, object]]] = defaultdict(list)
    for record in records:
        by_name[_plain(record["name"])].append(record)
    for same in by_name.values():
        for namesake in same[1:]:
            companies = [c for c in (same[0]["company"], namesake["company"]) if c]
            note(
                int(same[0]["id"]),  # type: ignore[call-overload]
                int(namesake["id"]),  # type: ignore[call-overload]
                f"same name, at {companies[0]} and at {companies[1]}"
                if len(companies) == 2
                else "same name, one with no company",
            )
    return [(a, b, found[a, b]) for a, b in sorted(found)]


@pytest.mark.parametrize("seed", range(2))
def test_dupes_finds_the_pairs_of_the_rules_by_every_path(
    db: Path, seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Emails differing in case, links differing in scheme, host (www., a
    country), query, fragment and last slash, the
    same name with and without companies and accents, near-identical names at
    companies written differently: the walk, the indexed comparison and a page
    of each give the pairs and reasons of the rules."""
    from factory import Factory
    from wintogether.domain import dupes
    from wintogether.store import open_store

    rng = random.Random(seed)
    names = [*_generated_names(seed)[:160], "José Núñez", "Jose Nunez", "JOSE NUNEZ", "Zoë Ng"]
    companies = [None, "Initech", "initech", "Ínitech!", "Contoso", "", None]
    with Factory(db) as make:
        for index, name in enumerate(names):
            emails = [f"p{rng.randrange(40)}@x.example"] if rng.random() < 0.3 else []
            if emails and rng.random() < 0.5:
                emails.append(emails[0].upper().replace("@X", "@y"))
            if emails and rng.random() < 0.3:
                emails[0] = emails[0].upper()
            link = None
            if rng.random() < 0.2:
                link = (
                    rng.choice(["https://www.", "http://", "https://de.", "https://WWW."])
                    + f"linkedin.com/in/p{rng.randrange(20)}"
                    + rng.choice(["", "/", "?trk=a", "/#top"])
                )
            make.contact(
                (name or "x").title() if index % 3 else name or "x",
                company=rng.choice(companies),
                emails=emails,
                linkedin=link,
                force=True,
            )
        # Case beyond ASCII, which SQLite does not fold: "É"/"é", "ß"/"SS".
        emile = make.contact("Émile A", emails=["Émile@x.example"], force=True)
        make.contact("Emile B", emails=["other@x.example", "émile@X.example"], force=True)
        make.contact("Anna Straße", emails=["straße@x.example"], force=True)
        make.contact("Anna Strasse", emails=["STRASSE@x.example"], force=True)
    expected = _rule_pairs(db)
    assert len(expected) > 150
    assert (emile, emile + 1, "same email émile@x.example") in expected
    assert (emile + 2, emile + 3, "same email strasse@x.example") in expected
    reasons = {reason.split(" ")[1] for _, _, reason in expected}
    assert {"email", "LinkedIn", "name,", "names"} <= reasons

    def listed(pairs: list[dupes.Pair]) -> list[tuple[int, int, str]]:
        return [(p.first.id, p.second.id, p.reason) for p in pairs]

    store, _ = open_store(db)
    try:
        assert listed(dupes.find(store)) == expected  # company by company, by length
        page, total = dupes.find_page(store, 20)
        assert (listed(page), total) == (expected[:20], len(expected))
        monkeypatch.setattr(dupes, "_EXHAUSTIVE", 0)
        assert listed(dupes.find(store)) == expected  # the index
        page, total = dupes.find_page(store, 20)
        assert (listed(page), total) == (expected[:20], None)  # more, not counted
        page, total = dupes.find_page(store, len(expected) + 5)
        assert (listed(page), total) == (expected, len(expected))  # the walk's end
        monkeypatch.setattr(dupes, "_WALK_BUDGET", 0)
        page, total = dupes.find_page(store, 20)  # hands over to the index
        assert (listed(page), total) == (expected[:20], len(expected))
    finally:
        store.close()


def test_dupes_json_is_written_as_it_goes_with_the_same_bytes() -> None:
    import io

    from wintogether.text import write_json, write_json_list

    for items in ([], [{"a": 1}], [{"a": [1, {"b": "x\u202e\ny"}]}, 2, "é"]):
        whole, parts = io.StringIO(), io.StringIO()
        write_json(items, whole)
        write_json_list(iter(items), parts)
        assert parts.getvalue() == whole.getvalue()


_NAME = st.text(alphabet="aeinst ", max_size=9)


@given(
    people=st.lists(st.tuples(_NAME, st.integers(0, 2)), max_size=24),
    keyed=st.lists(st.tuples(st.integers(1, 24), st.integers(1, 24)), max_size=6),
    page=st.integers(0, 30),
)
def test_the_walk_gives_the_pairs_of_comparing_every_two_names(
    people: list[tuple[str, int]], keyed: list[tuple[int, int]], page: int
) -> None:
    """The walk contact by contact (which gives each pair as it finds it and
    finds each name's characters when first compared) and the walk company by
    company give, in id order, what comparing every two names at one company
    gives, with the pairs of shared keys merged in."""
    from itertools import islice

    from wintogether.domain import dupes
    from wintogether.domain.dupes import NAME_SIMILARITY

    rows = {cid: (cid, name, f"c{company}") for cid, (name, company) in enumerate(people, 1)}
    names = {cid: name for cid, (name, _) in enumerate(people, 1)}
    groups: dict[int, list[int]] = {}
    for cid, (_, company) in enumerate(people, 1):
        groups.setdefault(company, []).append(cid)
    shared = {
        dupes._key(a, b): (0, "same email") for a, b in keyed if a != b and a in rows and b in rows
    }
    companies = [sorted(g) for g in groups.values() if len(g) > 1]
    near = set()
    for group in companies:
        for x, a in enumerate(group):
            for b in group[x + 1 :]:
                one, two = sorted([a, b], key=lambda cid: (names[cid], cid))
                matcher = difflib.SequenceMatcher(None, names[one], names[two])
                if names[a] == names[b] or matcher.ratio() >= NAME_SIMILARITY:
                    near.add(dupes._key(a, b))
    expected = [(key, key in near) for key in sorted(near | set(shared))]

    def walk() -> dupes._Walk:
        return dupes._Walk(dupes._People(rows, names, companies, shared))

    assert list(walk().pairs()) == expected
    assert list(walk().every()) == expected
    assert list(islice(walk().pairs(), page)) == expected[:page]


@given(st.lists(st.text(max_size=12) | st.text(alphabet="Éeé ́-.'\nß İ", max_size=8), max_size=20))
def test_names_simplified_together_are_each_simplified_alone(texts: list[str]) -> None:
    from wintogether.domain.dupes import _plain, _plain_all

    assert _plain_all(texts) == [_plain(text) for text in texts]


def test_one_linkedin_profile_whatever_the_address() -> None:
    from wintogether.domain.dupes import profile_keys

    same = [
        "http://linkedin.com/in/dana",
        "https://www.linkedin.com/in/Dana/",
        "https://de.linkedin.com/in/dana?trk=public_profile",
        "https://www.linkedin.com/in/dana/#about",
        " linkedin.com/in/dana ",
    ]
    others = [
        "https://www.linkedin.com/in/dana2",
        "https://www.notlinkedin.com/in/dana",
        "https://evil.example/linkedin.com/in/dana",
        # Older profile addresses name the person in the query: it counts.
        "https://www.linkedin.com/profile/view?id=111",
        "https://www.linkedin.com/profile/view?id=222",
    ]
    keys = profile_keys(same + others)
    assert set(keys[: len(same)]) == {"https://www.linkedin.com/in/dana"}
    assert len(set(keys)) == 1 + len(others)
    # Each the key it has alone (the links are keyed all at once).
    assert keys == [profile_keys([url])[0] for url in same + others]
    assert profile_keys(["x\ny", "https://www.linkedin.com/in/dana/"]) == [
        "x\ny",
        "https://www.linkedin.com/in/dana",
    ]
    # A line break inside a link cannot make another look like the usual form.
    odd = [
        "https://www.linkedin.com/in/a\nhttps://www.linkedin.com/in/b",
        "http://linkedin.com/in/c",
    ]
    assert profile_keys(odd)[1] == "https://www.linkedin.com/in/c"
    assert profile_keys([]) == []


#: Pieces of addresses, LinkedIn's and others, joined at random.
_PIECES = "https:// http:// www. de. WWW. linkedin.com LinkedIn.com /in/ dana Zoë / ?trk=a #x ."
_LINK_PARTS = st.lists(
    st.sampled_from([*_PIECES.split(), " ", "\t", "\n", "evil.example/", ""]), max_size=6
).map("".join)


@given(st.lists(_LINK_PARTS, max_size=8))
def test_links_keyed_together_are_keyed_as_each_alone(urls: list[str]) -> None:
    from wintogether.domain.dupes import _profile_key, profile_keys

    assert profile_keys(urls) == [_profile_key(url.casefold()) for url in urls]


def test_a_merge_whose_notes_would_not_fit_one_contact_is_refused(
    db: Path, wt: Invoke, tmp_path: Path
) -> None:
    # Joined, the notes were longer than an import takes: the export of the
    # database could no longer be imported anywhere.
    note = "meeting notes " * 45_000  # 630,000 characters each
    card = {"name": "Dana Reyes", "company": "Northwind"}
    people = [
        {**card, "uid": "u-1", "emails": ["dana@northwind.example"], "notes": note},
        {**card, "uid": "u-2", "emails": ["dana@home.example"], "notes": note + "!"},
    ]
    source = tmp_path / "in.json"
    source.write_text(json.dumps({"format": "wintogether", "version": 1, "contacts": people}))
    wt("import", str(source))
    run = wt("merge", "#1", "#2", ok=False)
    assert run.exit_code == 1
    assert "Their notes together are 1,260,002 characters; a contact holds 1,000,000." in (
        " ".join(run.stderr.split())
    )
    assert len(json.loads(wt("contacts", "--json").stdout)) == 2
