"""The README's pictures show what the code renders today."""

from __future__ import annotations

import html
import importlib.util
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def load_generator():  # type: ignore[no-untyped-def]
    path = ROOT / "scripts" / "gen_screenshots.py"
    spec = importlib.util.spec_from_file_location("gen_screenshots", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def visible_text(svg: str) -> str:
    """The characters a picture shows, in order (styling and layout ignored)."""
    texts = re.findall(r"<text[^>]*>(.*?)</text>", svg, flags=re.S)
    return "".join(html.unescape(t) for t in texts).replace("\xa0", " ")


def test_pictures_are_current() -> None:
    rendered = load_generator().render()
    assert set(rendered) == {"today.svg", "show.svg"}
    for name, svg in rendered.items():
        committed = (ROOT / "docs" / "img" / name).read_text(encoding="utf-8")
        assert visible_text(committed) == visible_text(svg), (
            f"docs/img/{name} is stale: python scripts/gen_screenshots.py"
        )
    today = visible_text(rendered["today.svg"])
    for section in ("Overdue", "Slipping", "Birthdays", "Job changes", "Give first"):
        assert section in today


def test_readme_shows_the_pictures() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/img/today.svg" in readme and "docs/img/show.svg" in readme
    # The weekly review page, as headless Chromium drew it (scripts/gen_screenshots.py).
    assert "](docs/img/weekly-review.png)" in readme
    picture = (ROOT / "docs" / "img" / "weekly-review.png").read_bytes()
    assert picture[:8] == b"\x89PNG\r\n\x1a\n" and len(picture) > 10_000
