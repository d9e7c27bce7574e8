"""Make the README's pictures: `python scripts/gen_screenshots.py`.

Renders `wt today` and `wt show dana` from the demo database, on a pinned day,
with Rich's own SVG export. tests/test_screenshots.py fails when the committed
pictures no longer show what the code renders.

The weekly review (`wt summary --format html`) is a page: headless Chromium
(Debian's `chromium`) takes its picture, `weekly-review.png`; without Chromium
that picture is left as it is.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

IMAGES = Path(__file__).resolve().parent.parent / "docs" / "img"
#: The demo's "today" in the pictures.
PINNED = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
WIDTH = 96


def render() -> dict[str, str]:
    """{file name: SVG text} for every picture."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    from rich.console import Console

    from wintogether.config import Config
    from wintogether.domain import contacts, demo
    from wintogether.domain.today import dashboard
    from wintogether.render.contacts import profile_view
    from wintogether.render.today import dashboard_view
    from wintogether.store import open_store

    pictures: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as folder:
        store, _ = open_store(Path(folder) / "demo.db", create=True)
        try:
            demo.build(store, PINNED)
            views = {
                "today.svg": ("wt today", dashboard_view(dashboard(store, Config(), PINNED),
                                                          plain=False)),
                "show.svg": ("wt show dana", profile_view(
                    contacts.profile(store, "dana", Config(), PINNED, limit=8),
                    PINNED.date(), plain=False)),
            }  # fmt: skip
            for name, (title, view) in views.items():
                console = Console(
                    record=True, width=WIDTH, force_terminal=True, color_system="truecolor",
                    file=open(os.devnull, "w"),  # noqa: SIM115 - closed with the console
                    markup=False, emoji=False, highlight=False,
                )  # fmt: skip
                console.print(view)
                pictures[name] = console.export_svg(title=title)
                console.file.close()
        finally:
            store.close()
    return pictures


def review_page() -> str:
    """Last week's summary of the demo database, on the pinned day, as HTML."""
    os.environ["TZ"] = "UTC"
    time.tzset()
    from wintogether.config import Config
    from wintogether.domain import demo, summary
    from wintogether.render import summary_html
    from wintogether.store import open_store

    with tempfile.TemporaryDirectory() as folder:
        store, _ = open_store(Path(folder) / "demo.db", create=True)
        try:
            demo.build(store, PINNED)
            span = summary.period(PINNED, Config(), last_week=True)
            return summary_html.render(summary.summarise(store, Config(), PINNED, span))
        finally:
            store.close()


def screenshot(page: Path, picture: Path, width: int, height: int) -> None:
    """A picture of ``page`` as headless Chromium draws it (no network, no profile kept)."""
    chromium = shutil.which("chromium")
    if chromium is None:
        raise FileNotFoundError("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium, "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                "--hide-scrollbars", f"--screenshot={picture}",
                f"--window-size={width},{height}", page.as_uri(),
            ],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, svg in render().items():
        (IMAGES / name).write_text(svg, encoding="utf-8")
        print(f"wrote {IMAGES / name}", file=sys.stderr)
    if shutil.which("chromium") is None:
        print("chromium is not installed: weekly-review.png left as it is", file=sys.stderr)
        return 0
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "week.html"
        page.write_text(review_page(), encoding="utf-8")
        screenshot(page, IMAGES / "weekly-review.png", 820, 1380)
    print(f"wrote {IMAGES / 'weekly-review.png'}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
