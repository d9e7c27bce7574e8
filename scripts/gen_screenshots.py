"""Make the README's pictures: `python scripts/gen_screenshots.py`.

Renders `wt today` and `wt show dana` from the demo database, on a pinned day,
with Rich's own SVG export. tests/test_screenshots.py fails when the committed
pictures no longer show what the code renders.
"""

from __future__ import annotations

import os
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


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name, svg in render().items():
        (IMAGES / name).write_text(svg, encoding="utf-8")
        print(f"wrote {IMAGES / name}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
