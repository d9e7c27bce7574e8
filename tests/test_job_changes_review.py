"""Job changes seen by imports, in `wt history` and in every format of `wt summary`."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from conftest import SAMPLES, Invoke, WrittenOnce

HOSTILE = "<script>x</script> | # [x](javascript:alert(1))"
MD_HOSTILE = r"\<script\>x\</script\> \| \# \[x\](javascript\:alert(1))"
HTML_HOSTILE = "&lt;script&gt;x&lt;/script&gt; | # [x](javascript:alert(1))"
ORIGINAL = (SAMPLES / "linkedin_connections.csv").read_text(encoding="utf-8-sig")
PRIYA_MOVES = ORIGINAL.replace("Fabrikam,Chief Revenue Officer", "Initech,VP Sales")
ANA_AND_JOSE_MOVE = PRIYA_MOVES.replace(
    "Tailspin Toys,Account Executive", f"{HOSTILE},Account Executive"
).replace('"Contoso, Ltd.",VP Sales', '"Contoso, Ltd.",Chief Revenue Officer')


def _import_at(
    wt: Invoke, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, moment: str, text: str
) -> str:
    monkeypatch.setenv("WINTOGETHER_NOW", moment)
    path = tmp_path / f"Connections-{moment[:10]}.csv"
    path.write_text(text, encoding="utf-8")
    return wt("import", str(path)).stderr


@pytest.fixture
def changes(
    db: Path,
    wt: Invoke,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    written_once: WrittenOnce,
) -> Path:
    """Priya moves on Fri 20 Nov (last week); Ana and José on Wed 25 Nov (this week).
    Written by the first test, copied for the others."""
    written_once("test_job_changes_review changes", lambda: _changes(db, wt, tmp_path, monkeypatch))
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-28T10:00:00+00:00")
    return db


def _changes(db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    _import_at(wt, monkeypatch, tmp_path, "2026-11-19T09:00:00+00:00", ORIGINAL)
    wt("edit", "Ana Souza", "--tag", "vip")
    assert "1 job change" in _import_at(
        wt, monkeypatch, tmp_path, "2026-11-20T09:00:00+00:00", PRIYA_MOVES
    )
    assert "2 job changes" in _import_at(
        wt, monkeypatch, tmp_path, "2026-11-25T14:30:00+00:00", ANA_AND_JOSE_MOVE
    )
    return db


def _history(wt: Invoke, *args: str) -> list[dict[str, Any]]:
    run = wt("history", "--json", *args)
    assert run.stderr == ""
    entries: list[dict[str, Any]] = json.loads(run.stdout)["entries"]
    return entries


def _names(items: list[dict[str, Any]]) -> list[str]:
    return sorted(item["contact"]["name"] for item in items)


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- history -------------------------------------------------------------------


def test_history_json_has_job_changes_on_the_day_they_were_seen(changes: Path, wt: Invoke) -> None:
    entries = _history(wt)
    assert [e["kind"] for e in entries] == ["job_change"] * 3
    priya = entries[0]
    assert priya["contact"]["name"] == "Priya Natarajan"
    assert priya["at"] == "2026-11-20T09:00:00+00:00"
    assert set(priya) == {"at", "kind", "id", "uid", "contact", "text", "happened_at"}
    assert priya["text"] == "now VP Sales at Initech, was Chief Revenue Officer at Fabrikam"
    assert priya["contact"]["company"] == "Initech"
    assert _names(entries[1:]) == ["Ana Souza", "José Núñez"]
    assert {e["at"] for e in entries[1:]} == {"2026-11-25T14:30:00+00:00"}
    ana = next(e for e in entries if e["contact"]["name"] == "Ana Souza")
    assert ana["contact"]["company"] == HOSTILE
    assert HOSTILE in ana["text"]


def test_history_filters(changes: Path, wt: Invoke) -> None:
    assert len(_history(wt, "--kind", "job_change")) == 3
    assert len(_history(wt, "--kind", "JOB_CHANGE")) == 3
    assert _history(wt, "--kind", "conversation") == []
    assert _names(_history(wt, "--contact", "priya")) == ["Priya Natarajan"]
    assert _names(_history(wt, "--contact", "José", "--kind", "job_change")) == ["José Núñez"]
    assert _history(wt, "--contact", "dana") == []
    assert _names(_history(wt, "--tag", "vip")) == ["Ana Souza"]
    assert _history(wt, "--tag", "nobody") == []
    assert _history(wt, "--channel", "call") == []
    assert _names(_history(wt, "--since", "2026-11-21")) == ["Ana Souza", "José Núñez"]
    assert _names(_history(wt, "--until", "2026-11-24")) == ["Priya Natarajan"]
    both = wt("history", "--kind", "job_change", "--channel", "call", ok=False)
    assert both.exit_code == 1 and both.stdout == ""
    assert "--channel applies to conversations only" in both.stderr


def test_history_table(changes: Path, wt: Invoke) -> None:
    run = wt("history")
    assert run.stderr == ""
    out = _flat(run.stdout)
    assert "Fri 20 Nov" in out and "Wed 25 Nov" in out
    assert (
        "job Priya Natarajan: now VP Sales at Initech, was Chief Revenue Officer at Fabrikam" in out
    )
    assert "job José Núñez: now Chief Revenue Officer at Contoso, Ltd." in out
    assert "job Ana Souza: now Account Executive" in out
    assert out.index("Fri 20 Nov") < out.index("Priya Natarajan") < out.index("Wed 25 Nov")
    assert HOSTILE in out  # shown as text, never parsed as markup
    empty = wt("history", "--channel", "call")
    assert empty.stdout == "" and "Nothing happened in that range." in empty.stderr


def test_history_csv(changes: Path, wt: Invoke) -> None:
    lines = wt("history", "--kind", "job_change", "--format", "csv").stdout.splitlines()
    assert lines[0] == "at,kind,id,people,text"
    assert len(lines) == 4
    assert lines[1].startswith("2026-11-20T09:00:00+00:00,job_change,")
    assert "Priya Natarajan" in lines[1]


# -- summary -------------------------------------------------------------------


def test_summary_json_counts_the_period_only(changes: Path, wt: Invoke) -> None:
    week = json.loads(wt("summary", "--format", "json").stdout)
    assert week["numbers"]["job_changes"] == len(week["job_changes"]) == 2
    assert _names(week["job_changes"]) == ["Ana Souza", "José Núñez"]
    event = week["job_changes"][0]
    assert set(event) == {"id", "uid", "contact", "kind", "text", "happened_at"}
    assert event["kind"] == "job_change"
    assert event["happened_at"] == "2026-11-25T14:30:00+00:00"

    last = json.loads(wt("summary", "--last-week", "--format", "json").stdout)
    assert last["numbers"]["job_changes"] == len(last["job_changes"]) == 1
    assert _names(last["job_changes"]) == ["Priya Natarajan"]

    # the period ends before the day the change was seen: not counted
    before = json.loads(
        wt("summary", "--since", "2026-11-21", "--until", "2026-11-24", "--format", "json").stdout
    )
    assert before["numbers"]["job_changes"] == 0 and before["job_changes"] == []
    # and it starts after it: not counted either
    after = json.loads(wt("summary", "--since", "2026-11-26", "--format", "json").stdout)
    assert after["numbers"]["job_changes"] == 0 and after["job_changes"] == []


def test_summary_markdown(changes: Path, wt: Invoke) -> None:
    run = wt("summary", "--format", "md")
    assert run.stderr == ""
    text = run.stdout
    assert "| Job changes seen | 2 |" in text
    section = text.split("## Job changes seen\n\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert len(section) == 2 and all(line.startswith("- Wed 25 Nov: ") for line in section)
    ana = next(line for line in section if "Ana Souza" in line)
    assert f"Ana Souza ({MD_HOSTILE}): now Account Executive 🚀 at {MD_HOSTILE}" in ana
    assert "<script>" not in text and "javascript:" not in text
    assert "Priya" not in text
    last = wt("summary", "--last-week", "--format", "md").stdout
    assert "| Job changes seen | 1 |" in last
    assert "- Fri 20 Nov: Priya Natarajan (Initech): now VP Sales at Initech" in last


def test_summary_html(changes: Path, wt: Invoke) -> None:
    text = wt("summary", "--format", "html").stdout
    assert '<tr data-key="job_changes"><td>Job changes seen</td><td class="n">2</td></tr>' in text
    section = text.split("<h2>Job changes seen</h2><ul>", 1)[1].split("</ul>", 1)[0]
    items = re.findall(r"<li>(.*?)</li>", section)
    assert len(items) == 2
    ana = next(item for item in items if "Ana Souza" in item)
    assert ana.startswith(f"Ana Souza ({HTML_HOSTILE}): now Account Executive 🚀 at {HTML_HOSTILE}")
    assert "(seen Wed 25 Nov)" in ana
    assert "<script" not in text and "Priya" not in text


def test_summary_terminal(changes: Path, wt: Invoke) -> None:
    run = wt("summary")
    assert run.stderr == ""
    out = _flat(run.stdout)
    assert "Job changes seen 2" in out
    assert out.count("Job changes seen") == 2  # the figure and the table title
    table = out.split("Job changes seen", 2)[2]
    assert "Ana Souza" in table and "José Núñez" in table and "Priya" not in out
    assert HOSTILE in table
    last = _flat(wt("summary", "--last-week").stdout)
    assert "Job changes seen 1" in last and "Priya Natarajan (Initech)" in last


def test_summary_without_job_changes_has_no_section(changes: Path, wt: Invoke) -> None:
    args = ("summary", "--since", "2026-11-26")
    assert "Job changes seen 0" in _flat(wt(*args).stdout)
    assert _flat(wt(*args).stdout).count("Job changes seen") == 1
    md = wt(*args, "--format", "md").stdout
    assert "| Job changes seen | 0 |" in md and "## Job changes seen" not in md
    html = wt(*args, "--format", "html").stdout
    assert '<td class="n">0</td>' in html and "<h2>Job changes seen</h2>" not in html
