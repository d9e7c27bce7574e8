"""The plan sent to the buyer: Markdown, HTML and iCalendar hold only what they may see."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conftest import Invoke
from factory import Factory

SECRETS = (
    "SECRET-DEAL-NOTE",
    "SECRET-DONE-NOTE",
    "SECRET-LEDGER",
    "SECRET-CONVERSATION",
    "SECRET-CONTACT-NOTE",
    "SECRET-OTHER-DEAL",
    "SECRET-OTHER-STEP",
    "SECRET-OTHER-WIN",
    "SECRET-PROMISE",
)
#: Words of the health figures and the plan analysis: none belongs in a shared plan.
HEALTH_WORDS = ("kept", "broken", "at risk", "on track", "overdue", "late", "critical", "one-sided")


@pytest.fixture
def planned(dana: Path) -> Path:
    with Factory(dana) as make:
        make.edit("dana", note="SECRET-CONTACT-NOTE")
        make.contact("Greta Lind", company="Northwind Traders")
        make.log("dana", "SECRET-CONVERSATION call", channel="call")
        make.gave("dana", "SECRET-LEDGER advice")
        make.promise("dana", "SECRET-PROMISE outside the deal", due="2026-12-02")
        make.deal(
            "Northwind renewal",
            company="Northwind",
            with_=["dana", "greta"],
            target="2027-01-31",
            they_win="SOC2-ready vendor before their audit",
            we_win="3-year renewal, +20 seats",
            note="SECRET-DEAL-NOTE",
        )
        first = make.step("1", "Security questionnaire", owner="me", due="2026-11-20")
        make.done(first, note="SECRET-DONE-NOTE")
        make.step("1", "Security review <done> & *signed*", owner="them", due="2026-11-22",
                  after="1")  # fmt: skip
        make.step("1", "Legal review", owner="greta", due="2027-01-10", after="2")
        make.step("1", "Go-live", owner="me", due="2027-01-31", after="3", milestone=True)
        make.deal("SECRET-OTHER-DEAL", with_=["marcus"], they_win="SECRET-OTHER-WIN",
                  we_win="x")  # fmt: skip
        make.step("2", "SECRET-OTHER-STEP", owner="them", due="2026-12-01")
    return dana


def _shared(wt: Invoke, tmp_path: Path, fmt: str) -> str:
    target = tmp_path / f"plan.{fmt}"
    run = wt("plan", "northwind", "--format", fmt, "-o", str(target))
    assert f"Wrote the plan of deal #1 'Northwind renewal' to {target}" in run.stderr
    assert target.stat().st_mode & 0o777 == 0o600
    return target.read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["md", "html", "ics"])
def test_nothing_private_leaks_into_a_shared_plan(
    planned: Path, wt: Invoke, tmp_path: Path, fmt: str
) -> None:
    text = _shared(wt, tmp_path, fmt)
    # The secrets are really there: the internal views show them.
    internal = wt("deal", "show", "northwind", "--json").stdout
    assert "SECRET-DEAL-NOTE" in internal and "SECRET-DONE-NOTE" in internal
    assert "SECRET-OTHER-DEAL" in wt("deals", "--json").stdout
    for secret in SECRETS:
        assert secret not in text, secret
    plain = text.lower()
    for word in HEALTH_WORDS:
        assert word not in plain, word
    # And what the buyer should see is there.
    unfolded = text.replace("\r\n ", "").replace("\\,", ",")
    for wanted in ("SOC2-ready vendor before their audit", "3-year renewal, +20 seats",
                   "Legal review", "Go-live"):  # fmt: skip
        assert wanted in unfolded or html.escape(wanted) in unfolded, wanted


def test_markdown_has_both_wins_first_then_the_steps(
    planned: Path, wt: Invoke, tmp_path: Path
) -> None:
    text = _shared(wt, tmp_path, "md")
    lines = text.splitlines()
    assert lines[0] == "# Northwind renewal: our plan together"
    assert lines[2] == "Northwind, target Sun 31 Jan 2027"
    assert text.index("What each side wins") < text.index("## Steps")
    assert "- **Northwind:** SOC2-ready vendor before their audit" in lines
    assert "- **Us:** 3-year renewal, +20 seats" in lines
    assert "| 1 | Security questionnaire | us | Fri 20 Nov 2026 | done Sat 28 Nov 2026 |" in lines
    # User text stays text: Markdown and HTML specials escaped.
    assert r"Security review \<done\> \& \*signed\*, after 1 | Dana Reyes" in text
    assert "| 4 | Go-live (milestone), after 3 | us | Sun 31 Jan 2027 | to do |" in lines
    assert "1 of 4 steps done as of Sat 28 Nov 2026." in lines


def test_html_is_self_contained_and_escaped(planned: Path, wt: Invoke, tmp_path: Path) -> None:
    text = _shared(wt, tmp_path, "html")
    assert "default-src 'none'" in text
    assert "<script" not in text and "http" not in text.replace("http-equiv", "")
    assert "Security review &lt;done&gt; &amp; *signed*" in text
    rows = re.findall(r'<tr class="([a-z-]+)" data-step="(\d)">', text)
    assert rows == [("done", "1"), ("to-do", "2"), ("to-do", "3"), ("to-do", "4")]
    assert '<li data-side="buyer"><strong>Northwind:</strong> SOC2-ready vendor' in text


def test_ics_carries_the_steps_as_todos(planned: Path, wt: Invoke, tmp_path: Path) -> None:
    from icalendar import Calendar

    calendar = Calendar.from_ical(_shared(wt, tmp_path, "ics"))
    todos = [c for c in calendar.walk() if c.name == "VTODO"]
    assert [str(t["summary"]) for t in todos] == [
        "Security questionnaire (us)",
        "Security review <done> & *signed* (Dana Reyes)",
        "Legal review (Greta Lind)",
        "Go-live (us)",
    ]
    assert [t.decoded("due") for t in todos] == [
        date(2026, 11, 20), date(2026, 11, 22), date(2027, 1, 10), date(2027, 1, 31),
    ]  # fmt: skip
    assert [str(t["status"]) for t in todos] == [
        "COMPLETED", "NEEDS-ACTION", "NEEDS-ACTION", "NEEDS-ACTION",
    ]  # fmt: skip
    assert len({str(t["uid"]) for t in todos}) == 4
    assert "Step 3 of Northwind renewal" in str(todos[2]["description"])
    assert "After step 2" in str(todos[2]["description"])


def test_the_format_follows_the_file_name_and_stdout_works(
    planned: Path, wt: Invoke, tmp_path: Path
) -> None:
    target = tmp_path / "plan.ics"
    wt("plan", "northwind", "-o", str(target))
    assert target.read_text().startswith("BEGIN:VCALENDAR")
    assert wt("plan", "northwind", "--format", "md").stdout.startswith("# Northwind renewal")
    again = wt("plan", "northwind", "-o", str(target), ok=False)
    assert again.exit_code == 1 and "exists" in again.stderr
    wt("plan", "northwind", "-o", str(target), "--force", "--format", "html")
    assert target.read_text().startswith("<!DOCTYPE html>")


@given(st.text())
def test_html_escaping_is_the_standard_librarys(text: str) -> None:
    """``h`` escapes as ``html.escape(quote=True)`` does, on one line of text."""
    from wintogether.render.escaping import h
    from wintogether.text import one_line

    assert h(text) == html.escape(one_line(text), quote=True)
