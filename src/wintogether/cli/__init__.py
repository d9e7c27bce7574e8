"""The `wt` command line."""

from __future__ import annotations


def main() -> None:
    import sys

    from wintogether.cli.app import app_for

    app_for(sys.argv[1:])(prog_name="wt")
