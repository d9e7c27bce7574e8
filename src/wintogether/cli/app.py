"""The root of the command line: global options, error handling, command groups."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from wintogether import __version__, interrupt
from wintogether.cli.common import State, state
from wintogether.errors import UserError, WintogetherError

HELP = """Keep in touch, keep your word, win together.

A relationship tracker for sellers, kept in one private SQLite file.
Run `wt` alone for today's dashboard.
"""


def report(exc: WintogetherError) -> None:
    """One line on stderr: what went wrong and what to do next."""
    from wintogether.text import one_line

    message = exc.message + (f" {exc.hint}" if exc.hint else "")
    print(f"Error: {one_line(message)}", file=sys.stderr)


#: Arguments that take an id, which people may type as #N.
HASH_ARGS = ("ID", "CONTACT", "KEEP", "OTHER")


#: What may follow ``[`` for Rich to read a markup tag in help text: ``[sync]``,
#: ``[default: 10]``, ``[#ff0000]``, ``[/]``, ``[@click]``.
_TAG_START = frozenset("abcdefghijklmnopqrstuvwxyz#/@")


def literal_help(text: str | None) -> str | None:
    """Help text with its square brackets kept: Rich shows ``\\[sync]`` as ``[sync]``
    where it would swallow ``[sync]`` as a style.

    A ``[`` is escaped when it is not escaped already, the next character can
    start a tag and a ``]`` closes it before any other bracket. Found with
    ``str.find``, not a regular expression: every command's help passes here
    when the command is built, and compiling the pattern cost more than the
    search."""
    if not text or "[" not in text:
        return text
    out: list[str] = []
    done = 0
    at = text.find("[")
    while at >= 0:
        if (at == 0 or text[at - 1] != "\\") and text[at + 1 : at + 2] in _TAG_START:
            close, reopen = text.find("]", at + 2), text.find("[", at + 2)
            if close >= 0 and (reopen < 0 or close < reopen):
                out.append(text[done:at] + "\\[")
                done = at + 1
        at = text.find("[", at + 1)
    return "".join(out) + text[done:]


def keep_brackets(command: Any) -> None:
    """Escape the help of ``command``, its parameters and its subcommands, once."""
    if getattr(command, "_wt_literal", False):
        return
    command._wt_literal = True
    for attr in ("help", "short_help", "epilog"):
        if isinstance(getattr(command, attr, None), str):
            setattr(command, attr, literal_help(getattr(command, attr)))
    for param in command.params:
        if isinstance(getattr(param, "help", None), str):
            param.help = literal_help(param.help)
    for sub in getattr(command, "commands", {}).values():
        keep_brackets(sub)


#: Help for Typer's completion options, which here also take a shell's name.
_COMPLETION_HELP = {
    "install_completion": "Install completion for the shell named after it (bash, zsh, fish,"
    " powershell), or the current one.",
    "show_completion": "Print the completion script for the shell named after it (bash, zsh,"
    " fish, powershell), or the current one.",
}


class WtGroup(TyperGroup):
    """Turns domain and store errors into a message and an exit code, in one place.

    Help text is plain text everywhere: the square brackets of config sections
    (``[sync] vdir``) are escaped here, once for every command, so Rich keeps them.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep_brackets(self)

    def get_params(self, ctx: Any) -> list[Any]:
        params: list[Any] = list(super().get_params(ctx))
        for param in params:  # Typer adds its completion options after __init__
            if param.name in _COMPLETION_HELP:
                param.help = _COMPLETION_HELP[param.name]
        return params

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        # Arguments that are not valid UTF-8 arrive as lone surrogates; nothing
        # can store or search them, so refuse them here in one clear line.
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
                report(
                    UserError(
                        f"The argument '{shown}' is not valid UTF-8 text.",
                        hint="Check the terminal's encoding, or convert the text first.",
                    )
                )
                raise typer.Exit(1) from None
        if ctx.parent is None:
            _completion(ctx.info_name or "wt", args)
        return list(super().parse_args(ctx, args))

    def invoke(self, ctx: Any) -> Any:
        import gc

        gc.freeze()  # what start-up made lives to the end: not walked by collections
        gc.enable()  # off during start-up (cli/__init__.py): the command may make garbage
        previous = interrupt.install()
        try:
            return super().invoke(ctx)
        except typer.BadParameter as exc:  # MissingParameter is one (typer's own click)
            missing = type(exc).__name__ == "MissingParameter"
            param = exc.param
            named = param is not None and (param.metavar or (param.name or "").upper())
            if missing and named in HASH_ARGS:
                # `wt done #1`: the shell took "#1" (and the rest) for a comment.
                exc.message = "In a shell # starts a comment: quote it, '#1', or just type 1."
            raise
        except WintogetherError as exc:
            report(exc)
            raise typer.Exit(exc.exit_code) from None
        except KeyboardInterrupt:
            # Every write is one transaction, rolled back on the way out.
            print("Interrupted: nothing was saved.", file=sys.stderr)
            raise typer.Exit(130) from None
        except BrokenPipeError:
            # The reader stopped reading (`wt export | head -1`): not a failure,
            # and the same exit whether or not the output outgrew the pipe.
            quiet_stdout()
            raise typer.Exit(0) from None
        except sqlite3.Error as exc:
            from wintogether.store.connection import translate

            err = translate(exc)
            report(err)
            raise typer.Exit(err.exit_code) from None
        finally:
            state(ctx).close()
            interrupt.restore(previous)


#: The shells Typer writes completion scripts for.
SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def _completion(prog_name: str, args: list[str]) -> None:
    """``--show-completion [SHELL]`` and ``--install-completion [SHELL]``.

    Typer's own options find the shell from the parent processes and ignore a
    name typed after them, so `wt --show-completion zsh` typed in bash printed
    bash's script, and a run with no shell among its parents (a cron job, a
    script whose shell has exited) printed "Shell  not supported.". Here a
    shell named after the option is the one used; without a name the shell is
    looked for as before, and when none is found the error says to name one.
    """
    for index, arg in enumerate(args):
        option, _, named = arg.partition("=")
        if option not in ("--show-completion", "--install-completion"):
            continue
        if not named and index + 1 < len(args) and args[index + 1] in SHELLS:
            named = args[index + 1]
        shell = named or _detected_shell()
        if shell not in SHELLS:
            what = f"'{shell}' is not a shell" if shell else "Could not tell which shell this is"
            report(
                UserError(
                    f"{what}: completion is written for bash, zsh, fish or powershell.",
                    hint=f"Name the shell: wt {option} bash (or zsh, fish, powershell).",
                )
            )
            raise typer.Exit(2)
        # The scripts and the installer behind Typer's own options (pinned to 0.28).
        from typer import _completion_shared as completion

        var = "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())
        if option == "--show-completion":
            print(
                completion.get_completion_script(prog_name=prog_name, complete_var=var, shell=shell)
            )
        else:
            _, path = completion.install(shell=shell, prog_name=prog_name, complete_var=var)
            print(f"{shell} completion installed in {path}", file=sys.stderr)
            print("Completion will take effect once you restart the terminal.", file=sys.stderr)
        raise typer.Exit(0)


def _detected_shell() -> str:
    """The shell among the parent processes, as Typer finds it; "" when none."""
    import os

    if os.environ.get("_TYPER_COMPLETE_TEST_DISABLE_SHELL_DETECTION"):
        return ""
    import shellingham

    try:
        return str(shellingham.detect_shell()[0]).lower()
    except shellingham.ShellDetectionFailure:
        return ""


def _version(value: bool) -> None:
    if value:
        print(f"wintogether {__version__}")
        raise typer.Exit()


def root(
    ctx: typer.Context,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Database file to use (also $WINTOGETHER_DB). Default: your user data folder.",
            show_default=False,
        ),
    ] = None,
    plain: Annotated[
        bool,
        typer.Option("--plain", help="Plain text: no colour, no box drawing (as when piped)."),
    ] = False,
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    st = state(ctx)
    if db and str(db).startswith("~"):
        from wintogether.paths import expand

        db = expand(db, "--db")
    st.db_option = db
    st.plain = plain
    if ctx.invoked_subcommand != "config":
        _apply_display_settings(ctx, st)
    if ctx.invoked_subcommand is None:
        from wintogether.cli.reports import today

        ctx.invoke(today, ctx=ctx)


def _apply_display_settings(ctx: typer.Context, st: State) -> None:
    """Show days as the config file says, for this command only (the setting is
    undone when the command's context closes). Without a file nothing is read
    or imported (a stat call): the capture path stays light."""
    from wintogether.paths import config_path

    if config_path().exists() and (settings := st.settings()):
        from wintogether.dates import showing_days

        ctx.with_resource(showing_days(settings["date_format"], settings["date_order"]))


#: The modules that define commands, in the order help lists them, and the
#: top-level commands and groups each one registers. Start-up imports only the
#: module of the command being run; tests/test_startup_imports.py checks that
#: this table says what the modules register. A command missing here still
#: works (every module is then loaded, as for help), only more slowly.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    "contacts": ("add", "edit", "contacts", "show", "archive", "unarchive"),
    "conversations": ("log", "conversation"),
    "capture": ("scan", "review"),
    "promises": ("follow-up", "followups", "done", "snooze", "cancel"),
    "ledger": ("gave", "got", "win", "balance"),
    "accounts": ("company", "companies", "referrals", "path"),
    "deals": ("deals", "deal", "plan"),
    "reports": ("today", "neglected"),
    "brief": ("brief", "remind"),
    "review": ("history", "search", "summary"),
    "transfer": ("import", "export", "dupes", "merge"),
    "sync": ("sync",),
    "safety": ("backup", "doctor", "undo", "forget"),
    "admin": ("init", "db"),
    "config_cmd": ("config",),
    "demo": ("demo",),
}


def new_app() -> typer.Typer:
    """The root of the command line (global options, errors), no command yet."""
    command_line = typer.Typer(
        name="wt",
        help=HELP,
        cls=WtGroup,
        no_args_is_help=False,
        add_completion=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    command_line.callback(invoke_without_command=True)(root)
    return command_line


def register(command_line: typer.Typer, modules: Iterable[str]) -> None:
    """Register the commands of ``modules`` (names in :data:`COMMAND_MODULES`)."""
    for module in modules:
        # __import__ rather than importlib: `python -X importtime` sees it.
        __import__(f"wintogether.cli.{module}", fromlist=["register"]).register(command_line)


def full_app() -> typer.Typer:
    """Every command: what help, shell completion and the reference list."""
    command_line = new_app()
    register(command_line, COMMAND_MODULES)
    return command_line


if TYPE_CHECKING:
    #: The whole command line, built (every command module imported) on first use.
    app: typer.Typer


def __getattr__(name: str) -> typer.Typer:
    if name == "app":
        command_line = globals()["app"] = full_app()
        return command_line
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def quiet_stdout() -> None:
    """Standard output's reader is gone: what is left to write goes nowhere (so
    that closing it at exit raises nothing either)."""
    import os

    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
    finally:
        os.close(devnull)


def app_for(args: list[str]) -> typer.Typer:
    """Start-up: the command line with only the command about to run.

    Typer turns every registered command into a Click command (inspecting each
    function's signature and annotations) before it parses the command line,
    and registering a command means importing its module: with twenty-odd
    commands in sixteen modules that costs about as much as importing Typer.
    When the command line names a known command, only its module is imported
    and only that command converted. Help, shell completion and anything
    unrecognised get every command, so what the user sees never changes.
    ``wt --version`` and ``wt`` alone (the dashboard, run by the root callback)
    need no command at all.
    """
    name = invoked_name(args)
    if name is None:
        return full_app()
    command_line = new_app()
    if not name:
        return command_line
    module = next((m for m, names in COMMAND_MODULES.items() if name in names), None)
    if module is None:
        return full_app()  # not a command: let Typer say so (and suggest one)
    register(command_line, [module])
    command_line.registered_commands = [
        info
        for info in command_line.registered_commands
        if info.callback is not None
        and (info.name or typer.main.get_command_name(info.callback.__name__)) == name
    ]
    command_line.registered_groups = [
        _only_subcommand(info, args) for info in command_line.registered_groups if info.name == name
    ]
    if not command_line.registered_commands and not command_line.registered_groups:
        return full_app()  # the table above is out of date: slower, still right
    return command_line


def _only_subcommand(info: Any, args: list[str]) -> Any:
    """A group (`wt deal`, `wt plan`) with only the subcommand the arguments name,
    so only that one is converted (`wt deal show`: 3 ms less than all six).

    The word after the group's name picks it: a subcommand, or else the group's
    ``default_command`` (`wt plan DEAL` is `wt plan show DEAL`). Help anywhere,
    no word, an option or an unknown word leave the group whole, so what help
    and errors say never changes. The group itself is copied, never changed."""
    import copy

    if any(arg in ("--help", "-h") for arg in args):
        return info
    takes_value = GLOBAL_OPTIONS[0]
    words = iter(args)
    word = None
    for arg in words:  # the global options (as invoked_name reads them), then the group
        if arg in takes_value:
            next(words, None)
        elif not arg.startswith("-"):
            word = next(words, None) if arg == info.name else None
            break
    group = info.typer_instance
    if word is None or word.startswith("-") or group is None:
        return info

    def named(command: Any) -> str | None:
        if command.name:
            return str(command.name)
        callback = command.callback
        return typer.main.get_command_name(callback.__name__) if callback else None

    commands = [c for c in group.registered_commands if named(c) == word]
    groups = [g for g in group.registered_groups if g.name == word]
    if not commands and not groups:
        default = getattr(group.info.cls, "default_command", None)
        commands = [c for c in group.registered_commands if default and named(c) == default]
        if not commands:
            return info
    pruned = copy.copy(group)
    pruned.registered_commands = commands
    pruned.registered_groups = groups
    shown = copy.copy(info)
    shown.typer_instance = pruned
    return shown


def invoked_name(args: list[str]) -> str | None:
    """The command the arguments name; "" when none is needed (``wt`` alone,
    ``wt --version``); None when everything must be there (help, completion,
    an unknown option)."""
    import os

    if any(key.startswith("_WT_") and key.endswith("_COMPLETE") for key in os.environ):
        return None
    takes_value, flags, final = GLOBAL_OPTIONS
    rest = iter(args)
    for arg in rest:
        if arg in takes_value:
            next(rest, None)
        elif arg.split("=", 1)[0] in takes_value or arg in flags:
            continue
        elif arg in final:
            return ""  # e.g. --version: answered before any command
        elif arg.startswith("-"):
            return None  # help or an unknown option: Typer shows everything
        else:
            return arg
    return ""  # `wt` alone: the dashboard, through the root callback


#: The root callback's options: those taking a value, the flags, and the eager
#: flags that answer on their own. Written out rather than read from ``root``
#: at every start-up (half a millisecond); a test checks it against
#: :func:`_global_options`, so a new global option fails it until added here.
GLOBAL_OPTIONS: tuple[frozenset[str], frozenset[str], frozenset[str]] = (
    frozenset({"--db"}),
    frozenset({"--plain"}),
    frozenset({"--version"}),
)


def _global_options() -> tuple[set[str], set[str], set[str]]:
    """The root callback's options, read from its parameters: those taking a
    value, the flags, and the eager flags that answer on their own
    (``--version``)."""
    params = typer.main.get_params_convertors_ctx_param_name_from_function(root)[0]
    takes_value: set[str] = set()
    flags: set[str] = set()
    final: set[str] = set()
    for param in params:
        if param.param_type_name != "option":
            continue
        names = {*param.opts, *param.secondary_opts}
        if not getattr(param, "is_flag", False):
            takes_value |= names
        elif param.is_eager:
            final |= names
        else:
            flags |= names
    return takes_value, flags, final
