"""`wt log`: argument, stdin and editor capture; fixing a logged conversation."""

from __future__ import annotations

import json
import stat
import sys
from pathlib import Path

import pytest

from conftest import Invoke


def timeline(wt: Invoke, who: str = "dana") -> list[dict[str, object]]:
    return json.loads(wt("show", who, "--json").stdout)["timeline"]


def test_log_with_everything(dana: Path, wt: Invoke) -> None:
    run = wt(
        "log",
        "dana",
        "QBR with both teams",
        "--with",
        "marcus",
        "--channel",
        "meeting",
        "--at",
        "yesterday 3pm",
        "--follow-up",
        "next friday",
        "--about",
        "Send QBR deck",
    )
    assert run.stdout == ""
    assert (
        "Logged meeting with Dana Reyes, Marcus O'Neil on Fri 27 Nov (#1); "
        "follow-up due Fri 4 Dec (#1)"
    ) in run.stderr
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert conv["happened_at"] == "2026-11-27T15:00:00+00:00"
    assert [p["name"] for p in conv["participants"]] == ["Dana Reyes", "Marcus O'Neil"]
    promise = json.loads(wt("followups", "--json").stdout)[0]
    assert promise["text"] == "Send QBR deck"
    assert promise["owner"] == "me" and promise["conversation_id"] == 1
    assert promise["contact"]["name"] == "Dana Reyes"
    # both participants' timelines show the conversation
    assert any(e.get("note") == "QBR with both teams" for e in timeline(wt, "marcus"))


def test_log_json_for_scripts(dana: Path, wt: Invoke) -> None:
    data = json.loads(wt("log", "dana", "hi", "--json").stdout)
    assert data["conversation_id"] == 1
    assert data["participants"][0]["name"] == "Dana Reyes"


def test_follow_up_defaults_to_the_first_line(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", "Renewal talk\nneeds SOC2", "--follow-up", "fri")
    promise = json.loads(wt("followups", "--json").stdout)[0]
    assert promise["text"] == "Follow up: Renewal talk"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["dana", "   "], 1, "note is empty"),
        (["dana", "x", "--channel", "pigeon"], 1, "Unknown channel 'pigeon'"),
        (["dana", "x", "--at", "whenever"], 1, "Could not understand the date 'whenever'"),
        (["dana", "x", "--follow-up", "2026-02-30"], 1, "not a valid date"),
        (["dana", "x", "--about", "deck"], 1, "give --follow-up DATE too"),
        (["nobody", "x"], 1, "No contact matches 'nobody'"),
        (["dana", "x", "--with", "nobody"], 1, "No contact matches 'nobody'"),
        (["dana", "x", "--bogus"], 2, "No such option"),
        (["dana", "x", "--at", "tomorrow"], 1, "in the future"),
    ],
)
def test_bad_log_input_saves_nothing(
    dana: Path, wt: Invoke, args: list[str], code: int, message: str
) -> None:
    run = wt("log", *args, ok=False)
    assert run.exit_code == code
    assert message in run.stderr
    assert "Traceback" not in run.stderr
    assert timeline(wt) == []


def test_note_from_stdin_dash_and_pipe(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", "-", input="From the dash\nsecond line\n")
    wt("log", "dana", input="From a pipe\n")
    notes = [e["note"] for e in timeline(wt)]
    assert "From the dash\nsecond line" in notes
    assert "From a pipe" in notes


def test_empty_or_invalid_stdin(dana: Path, wt: Invoke) -> None:
    empty = wt("log", "dana", input="", ok=False)
    assert empty.exit_code == 1 and "empty" in empty.stderr
    bad = wt("log", "dana", "-", input=b"caf\xe9 latin-1", ok=False)
    assert bad.exit_code == 1 and "not valid UTF-8" in bad.stderr
    assert timeline(wt) == []


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    """Pretend stdin is a terminal, so `wt log CONTACT` opens the editor."""
    monkeypatch.setattr("wintogether.cli.conversations.stdin_is_terminal", lambda: True)


def fake_editor(tmp_path: Path, body: str, exit_code: int = 0) -> str:
    script = tmp_path / "editor.py"
    script.write_text(
        "import sys\n"
        f"body = {body!r}\n"
        "with open(sys.argv[1], 'r+', encoding='utf-8') as f:\n"
        "    old = f.read()\n"
        "    f.seek(0)\n"
        "    f.write(body + old)\n"
        f"sys.exit({exit_code})\n"
    )
    return f"{sys.executable} {script}"


def drafts(db: Path) -> list[Path]:
    return sorted((db.parent / "drafts").glob("*.txt"))


def test_editor_note_is_saved_and_draft_removed(
    dana: Path, wt: Invoke, terminal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path, "Typed in the editor"))
    run = wt("log", "dana", "--channel", "call")
    assert "Logged call with Dana Reyes" in run.stderr
    assert [e["note"] for e in timeline(wt)] == ["Typed in the editor"]
    assert drafts(dana) == []


def test_empty_edit_saves_nothing(
    dana: Path, wt: Invoke, terminal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path, "   \n"))
    run = wt("log", "dana", ok=False)
    assert run.exit_code == 1 and "empty: nothing was saved" in run.stderr
    assert timeline(wt) == []
    assert drafts(dana) == []


def test_failed_editor_keeps_a_private_draft(
    dana: Path, wt: Invoke, terminal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", fake_editor(tmp_path, "Half a thought", exit_code=3))
    run = wt("log", "dana", ok=False)
    assert run.exit_code == 1
    assert "exited with status 3" in run.stderr
    kept = drafts(dana)
    assert len(kept) == 1 and str(kept[0]) in run.stderr
    assert stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert "Half a thought" in kept[0].read_text()
    assert timeline(wt) == []


def test_missing_editor_is_a_clear_error(
    dana: Path, wt: Invoke, terminal: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EDITOR", "/nonexistent/editor")
    run = wt("log", "dana", ok=False)
    assert run.exit_code == 1 and "Could not start the editor" in run.stderr


def test_editor_is_not_opened_for_an_unknown_contact(
    dana: Path, wt: Invoke, terminal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    marker = tmp_path / "opened"
    monkeypatch.setenv("EDITOR", f"touch {marker}")
    run = wt("log", "nobody", ok=False)
    assert run.exit_code == 1
    assert not marker.exists()


def test_edit_and_delete_a_conversation(dana: Path, wt: Invoke) -> None:
    wt("log", "dana", "typo'd note", "--channel", "email")
    wt("conversation", "edit", "1", "Fixed note", "--channel", "call", "--with", "marcus")
    conv = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert conv["note"] == "Fixed note" and conv["channel"] == "call"
    assert [p["name"] for p in conv["participants"]] == ["Marcus O'Neil"]
    nothing = wt("conversation", "edit", "1", ok=False)
    assert nothing.exit_code == 1 and "Nothing to change" in nothing.stderr
    run = wt("conversation", "delete", "1")
    assert "Deleted conversation #1" in run.stderr
    missing = wt("conversation", "delete", "1", ok=False)
    assert missing.exit_code == 1 and "No conversation has id 1" in missing.stderr


def test_without_visual_or_editor_an_installed_nano_opens(
    dana: Path, wt: Invoke, terminal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Not vi, which a newcomer may not know how to leave."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = fake_editor(tmp_path, "Typed in nano")
    nano = bin_dir / "nano"
    nano.write_text(f'#!/bin/sh\nexec {script} "$@"\n')
    nano.chmod(0o755)
    (bin_dir / "vi").write_text("#!/bin/sh\nexit 1\n")
    (bin_dir / "vi").chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    wt("log", "dana")
    assert [e["note"] for e in timeline(wt)] == ["Typed in nano"]


def test_visual_comes_before_editor(
    dana: Path, wt: Invoke, terminal: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("VISUAL", fake_editor(tmp_path, "From VISUAL"))
    monkeypatch.setenv("EDITOR", "false")
    wt("log", "dana")
    assert [e["note"] for e in timeline(wt)] == ["From VISUAL"]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("phone", "call"), ("Video", "meeting"), ("text", "message"), ("mail", "email")],
)
def test_a_channel_said_in_everyday_words_is_read(
    dana: Path, wt: Invoke, typed: str, stored: str
) -> None:
    wt("log", "dana", "x", "--channel", typed)
    [conversation] = json.loads(wt("history", "--kind", "conversation", "--json").stdout)[
        "entries"
    ][:1]
    assert (conversation["note"], conversation["channel"]) == ("x", stored)


def test_a_channel_word_is_read_in_the_config_as_on_the_command_line(
    wt: Invoke, dana: Path, tmp_path: Path
) -> None:
    from conftest import write_config

    wt("log", "dana", "phone", "--channel", "phone")  # read as call
    write_config(tmp_path, '[log]\nchannel = "phone"\n')
    run = wt("log", "dana", "second call", ok=False)
    assert run.exit_code == 0, run
    assert (
        json.loads(wt("history", "--kind", "conversation", "--json").stdout)["entries"][0][
            "channel"
        ]
        == "call"
    )


def test_editing_a_conversation_keeps_what_is_not_given(dana: Path, wt: Invoke) -> None:
    """Its help said `--channel [default: note]` and `--at [default: now]`: a
    note alone changes neither, and the help says so."""
    wt("log", "dana", "Call about pricing", "--channel", "call", "--at", "2026-11-20 15:00")
    wt("conversation", "edit", "1", "Call about the renewal")
    shown = json.loads(wt("conversation", "show", "1", "--json").stdout)
    assert (shown["note"], shown["channel"]) == ("Call about the renewal", "call")
    assert shown["happened_at"].startswith("2026-11-20T15:00")
    text = wt("conversation", "edit", "--help").stdout
    assert text.count("[default: unchanged]") == 2 and "[default: now]" not in text
