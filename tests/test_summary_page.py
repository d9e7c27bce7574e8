"""The weekly review page: hostile names stay text, and a real browser draws it.

The browser check runs Debian's Chromium headless on the written HTML file and
looks at the screenshot: the right size, not blank, and the charts' two
colours really on it. It is skipped only where no `chromium` is installed
(.ci/run installs it, so CI runs it, in its slow run).
"""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import time
import xml.etree.ElementTree as ET
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import Invoke
from test_output import RAW_CONTROLS, hostile_people

SCRIPT_TAG = "<script>alert(1)</script>"


@pytest.fixture
def hostile_week(db: Path, wt: Invoke) -> list[str]:
    """The hostile sample's people (and a name with a script tag), busy this week."""
    names = [f"{p['First Name']} {p['Last Name']}" for p in hostile_people()]
    names.append(f"Eve {SCRIPT_TAG} | [x](javascript:alert(1))")
    for index, name in enumerate(names, 1):
        wt("add", name, "--company", "<b>ACME</b> & Co", "--force")
        wt("log", f"#{index}", f"Met {name}", "--at", "2026-11-24", "--follow-up", "2026-12-01")
        wt("gave", f"#{index}", f"Intro for {name}", "--kind", "intro", "--at", "2026-11-25")
    wt("follow-up", "#1", "Send <script>", "--due", "2026-11-26")
    return names


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_hostile_names_stay_text_in_the_page_and_never_reach_a_chart(
    hostile_week: list[str], wt: Invoke
) -> None:
    page = wt("summary", "--format", "html").stdout
    parser = _Page()
    parser.feed(page)
    assert "script" not in parser.tags
    assert not {"a", "img", "link", "iframe", "object", "b"} & set(parser.tags)
    assert SCRIPT_TAG not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;ACME&lt;/b&gt; &amp; Co" in page
    for char in RAW_CONTROLS:
        assert char not in page, repr(char)
    # The names are on the page, as text...
    shown = "".join(parser.text)
    assert "[bold red]Mallory [/]" in shown
    assert "Eve <script>alert(1)</script> | [x](javascript:alert(1))" in shown
    # ...and no chart holds any of them: each SVG is well-formed XML of our own labels.
    svgs = re.findall(r"<svg.*?</svg>", page, re.S)
    assert len(svgs) == 3
    for svg in svgs:
        root = ET.fromstring(svg)
        words = " ".join(t for node in root.iter() for t in (node.text, node.tail) if t)
        for name in ("Mallory", "Eve", "Trent", "ACME", "alert"):
            assert name not in words
        assert not [n for n in root.iter() if n.tag.rpartition("}")[2] in ("script", "a")]
    text = wt("summary", "--format", "md").stdout
    assert SCRIPT_TAG not in text and "<b>" not in text


# -- the page in a real browser ------------------------------------------------------------

CHROMIUM = shutil.which("chromium")
WIDTH, HEIGHT = 800, 1500
#: The charts' colours (render/trends.py COLOURS).
BLUE, ORANGE = (0x2F, 0x5D, 0x8A), (0xE0, 0x8A, 0x2C)


def read_png(path: Path) -> tuple[int, int, list[tuple[int, ...]]]:
    """Width, height and pixels (RGB) of an 8-bit RGB or RGBA PNG, without a library."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    offset, chunks, header = 8, [], b""
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            chunks.append(body)
        offset += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    channels = 4 if colour == 6 else 3
    raw = zlib.decompress(b"".join(chunks))
    stride = width * channels
    previous = bytearray(stride)
    pixels: list[tuple[int, ...]] = []
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up = previous[i]
            corner = previous[i - channels] if i >= channels else 0
            if kind == 1:
                line[i] = (line[i] + left) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + up) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 0xFF
            elif kind == 4:
                guess = left + up - corner
                pa, pb, pc = abs(guess - left), abs(guess - up), abs(guess - corner)
                best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                line[i] = (line[i] + best) & 0xFF
        pixels += [tuple(line[i : i + 3]) for i in range(0, stride, channels)]
        previous = line
    return width, height, pixels


def near(pixel: tuple[int, ...], colour: tuple[int, int, int]) -> bool:
    return all(abs(a - b) <= 4 for a, b in zip(pixel, colour, strict=False))


# About 4 s (the browser starts in about 1 s; reading the PNG in pure Python takes
# the rest): in the slow run, which CI does.
@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium)")
def test_the_page_draws_in_a_headless_browser(
    db: Path, wt: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WINTOGETHER_NOW", "2026-11-27T09:30:00+00:00")
    wt("demo", "--path")
    demo_db = next((tmp_path / "home").rglob("demo.db"))
    page = tmp_path / "week.html"
    wt("--db", str(demo_db), "summary", "-o", str(page))
    shot = tmp_path / "week.png"
    assert CHROMIUM is not None
    started = time.monotonic()
    done = subprocess.run(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--no-first-run", f"--user-data-dir={tmp_path / 'profile'}",
            f"--screenshot={shot}", f"--window-size={WIDTH},{HEIGHT}", page.as_uri(),
        ],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    took = time.monotonic() - started
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 1000
    width, height, pixels = read_png(shot)
    assert (width, height) == (WIDTH, HEIGHT)
    colours = set(pixels)
    assert len(colours) > 20, "the page looks blank"
    white = sum(1 for p in pixels if p == (255, 255, 255))
    assert white < len(pixels) * 0.99
    # The bars themselves: both series colours are drawn, in solid blocks.
    assert sum(1 for p in pixels if near(p, BLUE)) > 200
    assert sum(1 for p in pixels if near(p, ORANGE)) > 100
    assert took < 60, took
