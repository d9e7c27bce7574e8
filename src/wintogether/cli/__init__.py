"""The `wt` command line."""

from __future__ import annotations


def main() -> None:
    import sys

    from wintogether.cli.app import app, keep_only_invoked

    keep_only_invoked(sys.argv[1:])
    app(prog_name="wt")
