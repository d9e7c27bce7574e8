"""The `wt` command line."""

from __future__ import annotations


def main() -> None:
    from wintogether.cli.app import app

    app(prog_name="wt")
