"""Runs several `wt` commands one after another in one process, and prints what
each did (exit code, stdout, stderr) as JSON: for tests whose commands must run
in a child process (one that gave up root's right to ignore file permissions,
say) but need not start one per command. See ``run_cli_batch`` in
tests/reliability.py.

An exception that escapes a command is written to its stderr as the traceback
the real command line would print.
"""

from __future__ import annotations

import json
import sys
import traceback


def main() -> None:
    import typer.main
    import typer.testing

    from wintogether.cli.app import app

    command = typer.main.get_command(app)  # converted once, not once per command
    typer.testing._get_command = lambda _app: command  # type: ignore[assignment]
    runner = typer.testing.CliRunner()
    done = []
    for args in json.loads(sys.argv[1]):
        result = runner.invoke(app, args, prog_name="wt")
        stderr = result.stderr
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            stderr += "".join(traceback.format_exception(result.exception))
        done.append({"exit_code": result.exit_code, "stdout": result.stdout, "stderr": stderr})
    json.dump(done, sys.stdout)


if __name__ == "__main__":
    main()
