"""The real thing on loopback: Radicale, vdirsyncer, two databases and a "phone".

A Radicale server started here (127.0.0.1, a free port, no authentication,
temporary storage) plays the CardDAV/CalDAV server. Two databases, "laptop"
and "desktop", each sync with their own vdir, and vdirsyncer syncs each vdir
with the server. The `caldav` client library, talking to the server directly,
plays the phone. Times are pinned a little in the past: when an app does not
move an item's LAST-MODIFIED, the time a file arrived (its mtime, real time)
is what counts, and it must come after the changes made here.

The default run makes the one-way trip (laptop to server to desktop) and then a
phone's card back; the whole story, with the phone, a conflict and a quiet
re-sync, is marked slow.
"""

from __future__ import annotations

import importlib.util
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from conftest import Invoke
from test_sync import Side, _dump_hash

_MISSING = [
    name for name in ("radicale", "vdirsyncer", "caldav") if importlib.util.find_spec(name) is None
]
pytestmark = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"needs {', '.join(_MISSING)} (pip install -e '.[test]' installs them)",
)

USER = "seller"
#: Radicale with `[auth] type = none` accepts any password.
PASSWORD = "not-checked"
COLLECTIONS = (("contacts", "carddav", ".vcf"), ("promises", "caldav", ".ics"),
               ("conversations", "caldav", ".ics"))  # fmt: skip


def _base(real_now: datetime) -> datetime:
    """Some hours before the real time (the server and vdirsyncer keep real
    times), on the hour and before 22:00 UTC: the half hour of pinned times a
    test runs through never crosses midnight, where "12 days since" turns into
    13 and a test passed or failed by the time of day it ran."""
    base = (real_now - timedelta(hours=6)).replace(minute=0, second=0, microsecond=0)
    return base - timedelta(hours=2) if base.hour >= 22 else base


BASE = _base(datetime.now(UTC))


def at(minutes: int) -> str:
    """A pinned "now", ``minutes`` after a base six to nine hours ago."""
    return (BASE + timedelta(minutes=minutes)).isoformat()


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[str]:
    port = _free_port()
    config = tmp_path / "radicale.conf"
    config.write_text(
        f"[server]\nhosts = 127.0.0.1:{port}\n"
        "[auth]\ntype = none\n"
        f"[storage]\nfilesystem_folder = {tmp_path / 'radicale'}\n"
        "[logging]\nlevel = warning\n"
    )
    log = (tmp_path / "radicale.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "radicale", "--config", str(config)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        "Radicale did not start: " + (tmp_path / "radicale.log").read_text()
                    ) from None
                time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


class Device:
    """A database, its vdir and its vdirsyncer configuration."""

    def __init__(
        self, side: Side, root: Path, url: str, collections: tuple[tuple[str, str, str], ...] = ()
    ) -> None:
        self.side = side
        self.vdir = root / "vdir"
        self.config = root / "vdirsyncer.conf"
        root.mkdir()
        parts = [f'[general]\nstatus_path = "{root / "status"}/"\n']
        for name, dav, ext in collections or COLLECTIONS:
            parts.append(
                f'[pair wt_{name}]\na = "wt_{name}_local"\nb = "wt_{name}_remote"\n'
                f'collections = ["{name}"]\nconflict_resolution = "b wins"\n'
                'implicit = "create"\n'
                f'[storage wt_{name}_local]\ntype = "filesystem"\npath = "{self.vdir}/"\n'
                f'fileext = "{ext}"\n'
                f'[storage wt_{name}_remote]\ntype = "{dav}"\nurl = "{url}"\n'
                f'username = "{USER}"\npassword = "{PASSWORD}"\n'
            )
        self.config.write_text("\n".join(parts))
        self.discovered = False
        self.log: list[str] = []

    def vdirsyncer(self, *args: str) -> str:
        """vdirsyncer's command line, run in this process: the code its script runs,
        without a Python start-up and its imports for each of the ten or so runs."""
        from click.testing import CliRunner
        from vdirsyncer.cli import app

        done = CliRunner().invoke(
            app, args, env={"VDIRSYNCER_CONFIG": str(self.config)}, prog_name="vdirsyncer"
        )
        assert done.exit_code == 0, f"{done.output}{done.exception!r}"
        return done.output

    def cycle(self, minute: int) -> list[str]:
        """wt sync, vdirsyncer sync, wt sync, vdirsyncer sync: the summaries of both wt runs."""
        first = self.side("sync", str(self.vdir), at=at(minute)).stderr
        if not self.discovered:
            self.vdirsyncer("discover")
            self.discovered = True
        self.log.append(self.vdirsyncer("sync"))
        second = self.side("sync", str(self.vdir), at=at(minute + 1)).stderr
        self.log.append(self.vdirsyncer("sync"))
        return [first, second]


def _listing(folder: Path) -> list[tuple[str, int, int]]:
    return [
        (str(p.relative_to(folder)), p.stat().st_ino, p.stat().st_mtime_ns)
        for p in sorted(folder.rglob("*"))
    ]


def _devices(
    server: str, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> tuple[Device, Device]:
    """Laptop and desktop; what the laptop writes down reaches the desktop."""
    laptop = Device(Side(tmp_path / "laptop.db", wt, monkeypatch), tmp_path / "laptop", server)
    desktop = Device(Side(tmp_path / "desktop.db", wt, monkeypatch), tmp_path / "desktop", server)
    lap, desk = laptop.side, desktop.side
    lap("init", at=at(0))
    desk("init", at=at(0))

    # A contact, a conversation and a promise on the laptop reach the desktop.
    lap("add", "Dana Reyes", "--company", "Northwind", "--email", "dana@northwind.example",
        at=at(1))  # fmt: skip
    lap("add", "Marcus O'Neil", "--company", "O'Neil Consulting", at=at(1))
    lap("log", "dana", "Renewal call", "--with", "marcus", "--channel", "call",
        "--follow-up", "2026-12-04", at=at(2))  # fmt: skip
    first, _ = laptop.cycle(3)
    assert first.strip() == "sent 4, received 0, deleted 0, conflicts 0"
    _, second = desktop.cycle(5)
    assert second.strip() == "sent 0, received 4, deleted 0, conflicts 0"
    assert sorted(c["name"] for c in desk.json("contacts", at=at(6))) == [
        "Dana Reyes",
        "Marcus O'Neil",
    ]
    promise = desk.json("followups", at=at(6))[0]
    assert (promise["text"], promise["due_on"], promise["status"]) == (
        "Follow up: Renewal call",
        "2026-12-04",
        "open",
    )
    timeline = desk.json("show", "dana", at=at(6))["timeline"]
    talk = next(e for e in timeline if e["kind"] == "conversation")
    assert talk["note"] == "Renewal call"
    assert sorted(p["name"] for p in talk["participants"]) == ["Dana Reyes", "Marcus O'Neil"]
    return laptop, desktop


@pytest.mark.slow
def test_from_one_database_to_another_through_radicale(
    server: str, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The short trip alone: one way, through the server and vdirsyncer. The
    default run makes the same trip, with every check here, at the start of
    test_a_phone_card_survives_a_local_edit_unchanged_on_the_server."""
    _devices(server, tmp_path, wt, monkeypatch)


@pytest.mark.slow
def test_two_databases_and_a_phone_through_radicale(
    server: str, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    import caldav

    laptop, desktop = _devices(server, tmp_path, wt, monkeypatch)
    lap, desk = laptop.side, desktop.side

    # The phone ticks the promise off, on the server; both databases see it done.
    client = caldav.DAVClient(url=server, username=USER, password=PASSWORD)
    calendar = next(
        c for c in client.principal().calendars() if str(c.url).rstrip("/").endswith("promises")
    )
    todos = calendar.todos()
    assert len(todos) == 1
    todos[0].complete()
    assert "STATUS:COMPLETED" in calendar.todos(include_completed=True)[0].data
    _, second = laptop.cycle(10)
    assert second.strip() == "sent 0, received 1, deleted 0, conflicts 0"
    _, second = desktop.cycle(12)
    assert second.strip() == "sent 0, received 1, deleted 0, conflicts 0"
    for side in (lap, desk):
        done = side.json("followups", "--all", at=at(14))[0]
        assert done["status"] == "done"
        assert done["done_at"] is not None

    # Both edit Dana; the desktop's change is later and wins on both sides.
    lap("edit", "dana", "--title", "CFO", at=at(20))
    desk("edit", "dana", "--title", "VP Finance", at=at(21))
    laptop.cycle(22)
    first, second = desktop.cycle(24)
    assert first.strip() == "sent 1, received 0, deleted 0, conflicts 0"
    lines = second.strip().splitlines()
    assert lines[-1] == "sent 1, received 0, deleted 0, conflicts 1: Dana Reyes, title"
    assert lines[0].startswith(
        "Conflict: contact Dana Reyes: both changed title; kept the version from this database"
    )
    lost = desk.rows("SELECT old_value FROM contact_events WHERE kind = 'sync_conflict'")
    assert len(lost) == 1
    assert "title: CFO" in str(lost[0][0])
    # The settled winner was uploaded: the laptop receives it.
    first, second = laptop.cycle(26)
    assert second.strip() == "sent 0, received 1, deleted 0, conflicts 0", "\n".join(
        [first, second, "laptop:", *laptop.log, "desktop:", *desktop.log]
    )
    for side in (lap, desk):
        assert side.json("show", "dana", at=at(28))["contact"]["title"] == "VP Finance"

    # Nothing changed: no file is written and no row touched, on either side.
    for device in (laptop, desktop):
        device.vdirsyncer("sync")
        before, dump = _listing(device.vdir), _dump_hash(device.side.path)
        out = device.side("sync", str(device.vdir), at=at(30))
        assert out.stderr.strip() == "sent 0, received 0, deleted 0, conflicts 0"
        assert _listing(device.vdir) == before
        assert _dump_hash(device.side.path) == dump


def _properties(text: str) -> set[tuple[object, ...]]:
    """A card's properties as a server sees them (it may re-fold, reorder and merge
    TYPE parameters): group, name, parameters and value of each."""
    import vobject

    out: set[tuple[object, ...]] = set()
    for prop in vobject.readOne(text).getChildren():
        params = tuple(
            sorted(
                (
                    key.upper(),
                    tuple(sorted(v.upper() for value in values for v in value.split(","))),
                )
                for key, values in prop.params.items()
            )
        )
        value = prop.value if isinstance(prop.value, bytes) else str(prop.value)
        out.add(((prop.group or "").upper(), prop.name.upper(), params, value))
    return out


def test_a_phone_card_survives_a_local_edit_unchanged_on_the_server(
    server: str, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PHOTO, ADR, labels and TYPE parameters written by a phone come back from the server."""
    import urllib.request

    from test_sync_patch import PHONE_CARD

    laptop, _desktop = _devices(server, tmp_path, wt, monkeypatch)
    card = PHONE_CARD.replace("N:Reyes;Dana;;;", "N:Shah;Priya;;;").replace(
        "FN:Dana Reyes", "FN:Priya Shah"
    )
    url = f"{server}{USER}/contacts/dana-phone-1.vcf"
    put = urllib.request.Request(
        url, data=card.encode(), method="PUT", headers={"Content-Type": "text/vcard"}
    )
    with urllib.request.urlopen(put, timeout=10) as response:
        assert response.status in (200, 201, 204)
    _, second = laptop.cycle(10)
    assert second.strip() == "sent 0, received 1, deleted 0, conflicts 0"
    laptop.side("edit", "priya", "--title", "VP Finance", at=at(12))
    first, _ = laptop.cycle(13)
    assert first.strip() == "sent 1, received 0, deleted 0, conflicts 0"
    with urllib.request.urlopen(url, timeout=10) as response:
        stored = response.read().decode()
    theirs, ours = _properties(card), _properties(stored)
    changed = {"TITLE", "REV", "PRODID"}
    assert {p for p in theirs if p[1] not in changed} - ours == set(), stored
    assert ("", "TITLE", (), "VP Finance") in ours
    photo = next(p for p in ours if p[1] == "PHOTO")
    assert photo[3] == next(p for p in theirs if p[1] == "PHOTO")[3]  # the same bytes


@pytest.mark.slow
def test_what_only_wintogether_knows_travels_through_radicale(
    server: str, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cadence and how you met on the card, the ledger, a win and a job change in
    history/ (journal entries), through a real CalDAV server and vdirsyncer."""
    every = (*COLLECTIONS, ("history", "caldav", ".ics"))
    laptop = Device(
        Side(tmp_path / "laptop.db", wt, monkeypatch), tmp_path / "laptop", server, every
    )
    desktop = Device(
        Side(tmp_path / "desktop.db", wt, monkeypatch), tmp_path / "desktop", server, every
    )
    lap, desk = laptop.side, desktop.side
    lap("init", at=at(0))
    desk("init", at=at(0))
    lap("add", "Sam Okafor", at=at(1))
    lap("add", "Dana Reyes", "--company", "Northwind", "--email", "dana@northwind.example",
        "--every", "2w", "--met", "SaaStr, booth 12", "--via", "sam", at=at(1))  # fmt: skip
    lap("gave", "dana", "Intro to Sam; for EMEA", "--kind", "intro", "--to", "sam", at=at(2))
    lap("win", "dana", "Renewed early", "--mine", "Quota", at=at(2))
    card = tmp_path / "moved.vcf"
    card.write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dana Reyes\r\nEMAIL:dana@northwind.example\r\n"
        "ORG:Initech\r\nEND:VCARD\r\n"
    )
    lap("import", str(card), at=at(2))
    first, _ = laptop.cycle(3)
    assert first.strip() == "sent 5, received 0, deleted 0, conflicts 0"
    _, second = desktop.cycle(5)
    assert second.strip() == "sent 0, received 5, deleted 0, conflicts 0"
    for args in (("show", "dana"), ("balance",), ("neglected",)):
        mine, theirs = lap.json(*args, at=at(7)), desk.json(*args, at=at(7))
        assert _without_ids(theirs) == _without_ids(mine), args
    dana = desk.json("show", "dana", at=at(7))["contact"]
    assert (dana["cadence_days"], dana["how_met"]) == (14, "SaaStr, booth 12")
    assert dana["introduced_by"]["name"] == "Sam Okafor"
    # Added on the desktop, it reaches the laptop; undone there, it goes here too.
    desk("got", "dana", "Lunch", "--kind", "gift", at=at(8))
    desktop.cycle(9)
    laptop.cycle(11)
    assert lap.rows("SELECT text FROM ledger WHERE direction = 'got'") == [("Lunch",)]
    desk("undo", at=at(13))
    desktop.cycle(14)
    laptop.cycle(16)
    assert lap.rows("SELECT count(*) FROM ledger WHERE direction = 'got'") == [(0,)]
    assert lap.rows("SELECT count(*) FROM ledger") == [(1,)]


def _without_ids(value: object) -> object:
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k not in ("id", "updated_at")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


@pytest.mark.slow
def test_phone_reminders_through_radicale(
    server: str, tmp_path: Path, wt: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    """[sync] reminders: the alarm and a "Reach out" to-do reach the phone, and
    ticking the to-do there records the touch here."""
    import caldav

    from conftest import write_config

    write_config(tmp_path, '[sync]\nreminders = true\nreminder_time = "08:30"\n')
    laptop = Device(Side(tmp_path / "laptop.db", wt, monkeypatch), tmp_path / "laptop", server)
    laptop.config.write_text(
        laptop.config.read_text()
        + '\n[pair wt_reminders]\na = "wt_reminders_local"\nb = "wt_reminders_remote"\n'
        'collections = ["reminders"]\nconflict_resolution = "b wins"\nimplicit = "create"\n'
        f'[storage wt_reminders_local]\ntype = "filesystem"\npath = "{laptop.vdir}/"\n'
        'fileext = ".ics"\n'
        f'[storage wt_reminders_remote]\ntype = "caldav"\nurl = "{server}"\n'
        f'username = "{USER}"\npassword = "{PASSWORD}"\n'
    )
    lap = laptop.side
    lap("init", at=at(0))
    lap("add", "Dana Reyes", at=at(1))
    lap("follow-up", "dana", "Send the SOC2 report", "--due", "2026-12-04", at=at(1))
    lap("add", "Ana Souza", "--every", "1w", at=at(-20 * 24 * 60))
    lap("log", "Ana Souza", "Catch-up", "--at", at(-12 * 24 * 60), at=at(-12 * 24 * 60))
    first, _ = laptop.cycle(3)
    assert "1 alarm set" in first and "1 reach-out to-do written" in first

    client = caldav.DAVClient(url=server, username=USER, password=PASSWORD)
    calendars = {
        str(c.url).rstrip("/").rsplit("/", 1)[1]: c for c in client.principal().calendars()
    }
    (promise,) = calendars["promises"].todos()
    (alarm,) = promise.icalendar_component.walk("VALARM")
    assert alarm["TRIGGER"].dt == datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
    (reach,) = calendars["reminders"].todos()
    assert (
        str(reach.icalendar_component["SUMMARY"]) == "Reach out to Ana Souza (12 days, every week)"
    )

    reach.complete()
    _, second = laptop.cycle(10)  # the second `wt sync` reads what vdirsyncer brought
    assert "reached out to Ana Souza (ticked on the phone)" in second, "\n".join(laptop.log)
    # On the server it stays, ticked (an emptied list is one vdirsyncer refuses to sync).
    assert calendars["reminders"].todos() == []
    (done,) = calendars["reminders"].todos(include_completed=True)
    assert str(done.icalendar_component["STATUS"]) == "COMPLETED"
    assert not lap.json("neglected", at=at(12))
    talk = lap.json("show", "Ana Souza", at=at(12))["timeline"][0]
    assert talk["note"] == "Reached out (ticked on the phone)"


def test_the_pinned_times_never_cross_midnight_whenever_the_suite_runs() -> None:
    """Every minute of a day as the real time: the base is at least six hours
    before it, and the hour of pinned times after the base is on its day."""
    day = datetime(2026, 12, 7, tzinfo=UTC)
    for minute in range(24 * 60):
        real = day + timedelta(minutes=minute, seconds=59)
        base = _base(real)
        assert base <= real - timedelta(hours=6)
        assert (base + timedelta(minutes=60)).date() == base.date(), real
