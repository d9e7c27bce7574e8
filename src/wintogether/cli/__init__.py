"""The `wt` command line."""

from __future__ import annotations


def main() -> None:
    import atexit
    import gc
    import sys

    # The cyclic garbage collector, twice. Start-up (imports, building the
    # command line) only allocates: collections triggered while it runs find
    # nothing to free, so they are off until the command runs (WtGroup.invoke
    # freezes what start-up made, modules and classes that live to the end, so
    # the command's collections do not walk them, and turns collections back
    # on: 3-9 ms less for the reads and the sync). And at exit, Python's last collections walk every
    # object still alive (about 10 ms for `wt log`), only to free memory the
    # process is about to give back: frozen objects are not walked. Files and
    # the database are closed by then (each command closes its own), and
    # modules are still torn down as usual, so nothing is left unflushed.
    gc.disable()
    atexit.register(gc.freeze)

    from wintogether.cli.app import app_for, quiet_stdout

    try:
        app_for(sys.argv[1:])(prog_name="wt")
    except SystemExit as exc:
        # A reader that stopped before any command ran (`wt --help | head -1`):
        # Click (wrapping standard output) and Rich (drawing the help) exit 1;
        # as for a command's output, 0.
        broken = "PacifyFlushWrapper" in type(sys.stdout).__name__ or isinstance(
            exc.__context__, BrokenPipeError
        )
        if exc.code == 1 and broken:
            raise SystemExit(0) from None
        raise
    finally:
        # What is still buffered, written now: a reader that stopped reading
        # (`wt today | head -1`) is not a failure at exit either.
        try:
            sys.stdout.flush()
        except BrokenPipeError:
            quiet_stdout()
