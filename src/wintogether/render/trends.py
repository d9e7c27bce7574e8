"""The summary's twelve-week trends drawn: sparklines for text, SVG charts for HTML.

The numbers come from ``domain.trends`` (the same ones the JSON summary
carries); nothing is computed here but the drawing. The SVG charts are made
with pygal, imported only when a chart is drawn (``wt summary --format
html``): no other command pays for it. Each chart is static SVG (no script:
pygal's tooltip script is left out), with every value printed on its bar so
that a printed page says the numbers too. Only our own labels (week dates,
series names) reach a chart, and pygal writes them through an XML library
that escapes them.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from wintogether.domain.trends import Trends
from wintogether.records import dataclass

BLOCKS = "▁▂▃▄▅▆▇█"
#: Colours that print well in black and white too (a dark and a light tone).
COLOURS = ("#2f5d8a", "#e08a2c")


def sparkline(values: list[int]) -> str:
    """One character per value: zero is the lowest block, any other value is
    scaled against the largest so a single conversation still shows."""
    top = max(values, default=0)
    out = []
    for value in values:
        if value <= 0 or top <= 0:
            out.append(BLOCKS[0])
        else:
            out.append(BLOCKS[1 + round((value / top) * (len(BLOCKS) - 2))])
    return "".join(out)


def week_label(day: date) -> str:
    return f"{day.day} {day:%b}"


@dataclass(frozen=True)
class Chart:
    """One chart: its key, its title, and its series as (name, values)."""

    key: str
    title: str
    series: list[tuple[str, list[int]]]


def charts(trends: Trends) -> list[Chart]:
    """The three charts of the weekly review, from the one set of series."""
    s = trends.series
    return [
        Chart("conversations", "Conversations per week", [("Conversations", s["conversations"])]),
        Chart(
            "promises",
            "Promises kept on time",
            [("Mine", s["my_kept_on_time"]), ("Theirs", s["their_kept_on_time"])],
        ),
        Chart(
            "value",
            "Value given and received",
            [("Given", s["value_given"]), ("Received", s["value_received"])],
        ),
    ]


def _y_labels(top: int) -> list[int]:
    """Whole numbers for the y axis, about three steps up to at least ``top``."""
    step = max(1, -(-top // 3))
    highest = -(-max(top, 1) // step) * step
    return list(range(0, highest + 1, step))


def svg(chart: Chart, weeks: list[date], *, width: int = 350, height: int = 180) -> str:
    """``chart`` as one inline ``<svg>`` element (no XML declaration, no script)."""
    import pygal
    from pygal.style import Style

    top = max((max(values, default=0) for _, values in chart.series), default=0)

    style = Style(
        background="white",
        plot_background="white",
        foreground="#1d1d1f",
        foreground_strong="#1d1d1f",
        foreground_subtle="#888",
        colors=COLOURS,
        value_colors=("#1d1d1f",) * len(COLOURS),
        opacity="1",
        opacity_hover="1",
        font_family='-apple-system, "Segoe UI", Helvetica, Arial, sans-serif',
        label_font_size=10,
        major_label_font_size=10,
        value_font_size=9,
        legend_font_size=11,
        transition="none",
    )
    drawing = pygal.Bar(
        width=width,
        height=height,
        explicit_size=True,
        style=style,
        js=[],
        disable_xml_declaration=True,
        show_legend=len(chart.series) > 1,
        legend_at_bottom=True,
        legend_box_size=10,
        print_values=True,
        print_zeroes=False,
        show_y_guides=True,
        y_labels=_y_labels(top),
        print_values_position="top",
        margin=6,
        margin_top=14,
        spacing=6,
        x_labels=[week_label(day) for day in weeks],
        x_labels_major_every=2,
        show_minor_x_labels=False,
        truncate_label=-1,
        range=(0, _y_labels(top)[-1]),
    )
    # A fixed id instead of a random one: the page is the same for the same data.
    drawing.uuid = f"trend-{chart.key}"
    for name, values in chart.series:
        drawing.add(name, list(values))
    return _static(drawing.render_tree())


def _static(root: Any) -> str:
    """The chart's element tree without its scripts and comments, as text.

    pygal always adds a script with its tooltip settings (the page's
    Content-Security-Policy would block it anyway), and comments naming the day
    it ran (the page is dated by its footer).
    """
    from pygal.etree import etree

    for parent in list(root.iter()):
        for child in list(parent):
            if not isinstance(child.tag, str) or child.tag.rpartition("}")[2] == "script":
                parent.remove(child)
    return str(etree.tostring(root, encoding="unicode"))
