"""What every command shares: the database, output formats, messages, input."""

from __future__ import annotations

import enum
import os
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Annotated, Any

import typer

from wintogether.errors import EmptyNote, UserError

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wintogether.config import Config
    from wintogether.render.columns import Columns
    from wintogether.store import Store


class Format(enum.StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


#: Said in the help and in the error wherever a result has no CSV shape.
NO_CSV = "not csv: the result is nested, one table would not hold it"


def _format_option(csv: bool) -> Any:
    if csv:
        return typer.Option("--format", "-f", help="Output format: table (default), json or csv.")
    return typer.Option(
        "--format",
        "-f",
        help=f"Output format: table (default) or json; {NO_CSV}.",
        metavar="<table|json>",
    )


#: ``--format`` on a read command: one definition, so every command says the same.
FormatOption = Annotated[Format | None, _format_option(csv=True)]
#: ``--format`` where the result is nested (a dashboard, a profile): table or json.
NestedFormatOption = Annotated[Format | None, _format_option(csv=False)]
JsonFlag = Annotated[bool, typer.Option("--json", help="Shorthand for --format json.")]
#: ``--json`` on a command that changes something: the result as JSON.
ResultJsonFlag = Annotated[
    bool, typer.Option("--json", help="Print the result as JSON (shapes in docs/json.md).")
]
PlainFlag = Annotated[
    bool, typer.Option("--plain", help="Plain text: no colour, no box drawing (as when piped).")
]
#: Rows a list shows in a table unless --limit says otherwise (JSON and CSV: all).
TABLE_LIMIT = 50


def limit_option(shown: int) -> Any:
    """``--limit`` on a list: one wording for every list command."""
    return typer.Option(
        "--limit",
        "-n",
        help=f"Show at most N; 0 for all. [default: {shown} in a table, all in json/csv]",
        show_default=False,
    )


ListLimit = Annotated[int | None, limit_option(TABLE_LIMIT)]


class State:
    """Per-invocation settings from the global options.

    A plain class: every command builds one, and a dataclass costs half a
    millisecond of start-up to define.
    """

    def __init__(self, db_option: Path | None = None, plain: bool = False) -> None:
        self.db_option = db_option
        self.plain = plain
        self._store: Store | None = None
        self._config: Config | None = None
        #: The config file's settings, checked (see :meth:`settings`).
        self._settings: dict[str, Any] | None = None
        #: The running (sub)command's context, for the change journal's label.
        self.command_ctx: typer.Context | None = None

    @property
    def db_path(self) -> Path:
        from wintogether.paths import default_db_path, env_db_path

        return self.db_option or env_db_path() or default_db_path()

    @property
    def explicit(self) -> bool:
        from wintogether.paths import env_db_path

        return self.db_option is not None or env_db_path() is not None

    def store(self, *, create: bool = False) -> Store:
        if self._store is None:
            from wintogether.store import open_store

            path = self.db_path
            store, created = open_store(path, create=create or not self.explicit)
            if created and not create:
                say(f"Created a new wintogether database at {path}")
            ctx = self.command_ctx
            store.describe_command = lambda: command_label(ctx)
            self._store = store
        return self._store

    def config(self) -> Config:
        if self._config is None:
            from wintogether import config
            from wintogether.paths import config_path

            self._config = config.record(self.settings() or None, config_path())
        return self._config

    def settings(self) -> dict[str, Any]:
        """Every setting of the config file, checked, by the names :class:`Config`
        gives them; empty without a file. For the capture path, which reads two
        (how to show days, the channel) without building the record."""
        if self._settings is None:
            from wintogether import config
            from wintogether.paths import config_path

            self._settings = config.load_values(config_path()) or {}
        return self._settings

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


def item_id(value: str) -> int:
    """A promise's or conversation's id as typed: ``12`` or as shown, ``#12``."""
    typed = value.strip().removeprefix("#").strip()
    if not typed.isascii() or not typed.isdigit() or int(typed) >= 2**63:
        raise typer.BadParameter(f"{value!r} is not an id: type it as shown, like 12 or '#12'.")
    return int(typed)


def state(ctx: typer.Context) -> State:
    root = ctx.find_root()
    if not isinstance(root.obj, State):
        # During shell completion the root callback has not run: read its params.
        db = root.params.get("db")
        root.obj = State(db_option=Path(db) if db else None)
    if ctx is not root:
        root.obj.command_ctx = ctx
    return root.obj


def command_label(ctx: typer.Context | None, limit: int = 200) -> tuple[str, str]:
    """The running command's name and a one-line summary for the change journal.

    E.g. ``("log", "log dana 'Renewal call'")``: the command path and its
    arguments (not its options), quoted as a shell would need them, as `wt
    undo` shows them.
    """
    if ctx is None:
        return "write", "write"
    name = " ".join(ctx.command_path.split()[1:]) or "write"
    words = [name]
    for param in ctx.command.params:
        if param.param_type_name != "argument":
            continue
        value = ctx.params.get(param.name or "")
        if value is None:
            continue
        values = value if isinstance(value, list | tuple) else [value]
        words.extend(typed_word(" ".join(str(v).split())) for v in values)
    summary = " ".join(words)
    if len(summary) > limit:
        summary = summary[: limit - 1] + "…"
    return name, summary


def typed_word(word: str) -> str:
    """``word`` as it would be typed in a shell: bare when it can be, else in
    double quotes when nothing in it is special there ("Marcus O'Neil"), else
    in single quotes."""
    import shlex

    quoted = shlex.quote(word)
    if quoted == word or not any(ch in word for ch in "'"):
        return quoted
    return f'"{word}"' if not any(ch in word for ch in '"$`\\!') else quoted


def now() -> datetime:
    from wintogether.clock import now as clock_now

    return clock_now()


def say(message: str) -> None:
    """A message for the person at the terminal: stderr, never stdout."""
    from wintogether.text import visible

    print(visible(message), file=sys.stderr)


def say_time_ignored(*typed: str | None) -> None:
    """Say so when a due date was typed with a time (``fri 3pm``): promises are due on a day."""
    from wintogether.dates import has_time_of_day

    if any(text and has_time_of_day(text) for text in typed):
        say("(time ignored: promises are due on a day)")


def say_past_due(today: date, due: date | None, promise_id: int | None) -> None:
    """Say so when a promise is due on a day already gone (``--due 2025-12-01``
    for 2026, ``snooze 12 mon`` on a Tuesday): kept as typed, overdue now."""
    if due is not None and due < today:
        from wintogether.dates import format_day

        say(
            f"Note: {format_day(due, today)} is past, so it is overdue already;"
            f" `wt snooze {promise_id} DATE` moves it."
        )


def say_next_year(today: date, typed: str | None, due: date | None) -> None:
    """Say so when a day typed without a year (``dec 5`` on 7 December) was
    taken as next year's, the day being past this year: likely a slip."""
    if not typed or due is None or due.year != today.year + 1 or (due - today).days < 300:
        return
    _say_other_year(today, typed, due, "past")


def say_last_year(today: date, typed: str | None, day: date | None) -> None:
    """Say so when a day typed without a year (``--since "dec 10"`` on 7
    December) was taken as last year's, the day being ahead this year."""
    if not typed or day is None or day.year != today.year - 1 or (today - day).days < 300:
        return
    _say_other_year(today, typed, day, "ahead")


def _say_other_year(today: date, typed: str, day: date, where: str) -> None:
    import re

    words = typed.lower()
    if re.search(r"\d{3,}|\d+\D+\d+\D+\d+", words) or any(
        w in words for w in ("next", "last", "in ", "year", "month", "week", "day", "+", "ago")
    ):
        return  # a year, a full date or a span was typed: meant as read
    from wintogether.dates import format_day

    this_year = day.replace(year=today.year) if (day.month, day.day) != (2, 29) else None
    hint = f" (for this year's, type {this_year.isoformat()})" if this_year else ""
    say(f"Note: read as {format_day(day, today)}, the day being {where} this year{hint}.")


DISAGREE = "--json and --format disagree; give one of them."


def output_format(
    fmt: Format | None, as_json: bool, *, no_csv: str | None = None, hint: str | None = None
) -> Format:
    """The format asked for. ``no_csv``: the command's name, when its result has
    no CSV shape (``--format csv`` is then refused, in the same words everywhere)."""
    if as_json:
        if fmt not in (None, Format.json):
            raise UserError(DISAGREE)
        return Format.json
    if fmt is Format.csv and no_csv is not None:
        raise UserError(
            f"`wt {no_csv}` has no CSV form: the result is nested, one table would not hold it.",
            hint=hint or "Use --format json.",
        )
    return fmt or Format.table


def emit_rows(fmt: Format, spec: Columns[Any], rows: Sequence[Any], data: Any = None) -> bool:
    """JSON or CSV of ``rows`` from their column spec (render/columns.py); False
    when a table is wanted. ``data``: the whole JSON result, when it is more
    than the rows (a view with its range or totals)."""
    if fmt is Format.json:
        emit_json(spec.json(rows) if data is None else data)
        return True
    if fmt is Format.csv:
        emit_csv(spec.names(), spec.csv_rows(rows))
        return True
    return False


#: A --limit at least this large lists everything (SQLite's integers end at 2**63).
ALL_ROWS = 2**31


def shown_limit(limit: int | None, fmt: Format, table_default: int) -> int | None:
    """How many rows to show: ``--limit`` (0 means all); else a screenful in a
    table, everything in JSON and CSV (scripts get all the data)."""
    if limit is not None:
        if limit < 0:
            raise UserError("--limit must be 0 (all) or more.")
        return limit if 0 < limit < ALL_ROWS else None
    return table_default if fmt is Format.table else None


@contextmanager
def data_out() -> Iterator[IO[str]]:
    """Standard output for data (CSV, vCard, iCalendar, JSON, a path).

    In a file or a pipe the data goes out unchanged (CSV still formula-guarded
    by its writer). On a terminal it is shown as tables show text: escape
    sequences, C1 controls, bidi overrides, carriage returns and invisible
    format characters escaped, so no field can drive the terminal.
    """
    if not sys.stdout.isatty():
        yield sys.stdout
        # Written out before anything is said about it ("Exported …"): a reader
        # that stopped reading is found here, not at exit after the message.
        sys.stdout.flush()
        return
    import io

    from wintogether.text import for_terminal

    buffer = io.StringIO()
    try:
        yield buffer
    finally:
        sys.stdout.write(for_terminal(buffer.getvalue()))


def write_out(text: str) -> None:
    """``text`` on standard output, through :func:`data_out`."""
    with data_out() as out:
        out.write(text)


def emit_json(data: Any) -> None:
    from wintogether.text import write_json

    with data_out() as out:
        write_json(data, out)


def emit_json_text(text: str) -> None:
    """A JSON document already written as ``write_json`` writes it (no last newline)."""
    with data_out() as out:
        out.write(text)
        out.write("\n")


def emit_json_texts(texts: Iterable[str]) -> None:
    """A JSON list from its items' own text (text.write_json_texts)."""
    from wintogether.text import write_json_texts

    with data_out() as out:
        write_json_texts(texts, out)


def emit_csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from wintogether.text import write_csv

    with data_out() as out:
        write_csv(header, rows, out)


def emit_table(
    ctx: typer.Context,
    build: Callable[[bool], RenderableType],
    *,
    plain: bool = False,
    pipe: Callable[[int], list[str] | None] | None = None,
) -> None:
    """Render to stdout: Rich on a terminal, plain aligned text in a pipe.

    ``pipe``: the same view written without Rich (render/plain.py), given the
    screen width; used for plain text, so a pipe never imports Rich. It
    returns None where only Rich lays the view out that way (Rich draws it).
    """
    from wintogether.render.plain import plain_requested

    plain = plain_requested(state(ctx).plain or plain)
    if plain and pipe is not None:
        from wintogether.render.plain import screen_width, text_of

        lines = pipe(screen_width())
        if lines is not None:
            sys.stdout.write(text_of(lines))
            return
    from wintogether.render.base import make_console

    console = make_console(plain=plain)
    if not plain:
        console.print(build(plain))
        return
    # In a pipe, Rich pads every line to the console width: drop that padding.
    with console.capture() as captured:
        console.print(build(plain))
    sys.stdout.write("\n".join(line.rstrip() for line in captured.get().split("\n")))


def read_stdin() -> str:
    data = sys.stdin.buffer.read() if hasattr(sys.stdin, "buffer") else sys.stdin.read().encode()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(
            f"The note on standard input is not valid UTF-8 (byte {exc.start}).",
            hint="Convert it first, e.g. `iconv -f latin1 -t utf-8`.",
        ) from exc


def stdin_is_terminal() -> bool:
    return sys.stdin is not None and hasattr(sys.stdin, "isatty") and sys.stdin.isatty()


def editor_command() -> str:
    """The editor to open: ``$VISUAL``, then ``$EDITOR``, then ``sensible-editor`` or
    ``nano`` where installed, then ``vi``."""
    import shutil

    for var in ("VISUAL", "EDITOR"):
        value = os.environ.get(var, "").strip()
        if value:
            return value
    for name in ("sensible-editor", "nano"):
        if shutil.which(name):
            return name
    return "vi"


_DRAFT_HEADER = "# Write your note above. Lines starting with # are ignored.\n"


def edit_note(drafts_dir: Path, about: str) -> tuple[str, Path]:
    """Open ``$VISUAL``/``$EDITOR`` on a private draft; return the text and the draft.

    The caller deletes the draft once the note is saved. On a failed or
    interrupted edit the draft stays (0600) and its path is in the error.
    """
    import shlex
    import subprocess

    editor = editor_command()
    drafts_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    draft = drafts_dir / f"note-{stamp}-{os.getpid()}.txt"
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(f"\n{_DRAFT_HEADER}# Conversation with {about}\n")
    try:
        result = subprocess.run([*shlex.split(editor), str(draft)], check=False)
    except KeyboardInterrupt:
        raise UserError(f"Interrupted: your draft is kept at {draft}.") from None
    except OSError as exc:
        raise UserError(
            f"Could not start the editor '{editor}': {exc.strerror}. Draft kept at {draft}.",
            hint="Set $EDITOR, or pass the note as an argument or on stdin.",
        ) from exc
    if result.returncode != 0:
        raise UserError(
            f"The editor exited with status {result.returncode}: nothing saved; "
            f"your draft is kept at {draft}."
        )
    try:
        raw = draft.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UserError(f"The draft is not valid UTF-8; it is kept at {draft}.") from None
    text = "\n".join(line for line in raw.splitlines() if not line.startswith("#")).strip()
    if not text:
        draft.unlink(missing_ok=True)
        raise EmptyNote("The note is empty: nothing was saved.")
    return text, draft


def complete_contact(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: contact names containing what was typed."""
    try:
        from wintogether.domain.contacts import names_for_completion

        st = state(ctx)
        if not st.db_path.exists():
            return []
        found = names_for_completion(st.store(), incomplete)
        return shell_ready(found, incomplete)[:50]
    except Exception:  # completion must never print a traceback into the shell
        return []


def shell_ready(items: list[tuple[str, str]], incomplete: str) -> list[tuple[str, str]]:
    """Completion values a shell can insert as they are.

    Typer keeps only values that start with the typed text, case and all, so a
    name matching in another case or without its accents is given the typed
    prefix (``dan`` gives ``dana Reyes``, ``jose`` gives ``jose Núñez``; contacts
    resolve regardless of both), and a name matching
    only inside (``rey`` in ``Dana Reyes``) cannot be offered. Bash inserts a
    value unquoted, so its spaces and quotes are escaped there: ``Dana\\ Reyes``
    stays one argument (zsh and fish quote on their own).
    """
    import re

    from wintogether.domain.resolve import fold

    bash = os.environ.get("_WT_COMPLETE") == "complete_bash"
    unsafe = re.compile(r"""([\\\s'"$`!&;|<>()*?\[\]{}#~])""")
    if bash and unsafe.search(incomplete):
        return []  # the shell would insert the typed part unescaped: offer nothing
    out: list[tuple[str, str]] = []
    for value, help_ in items:
        if fold(value[: len(incomplete)]) != fold(incomplete):
            continue
        rest = value[len(incomplete) :]
        if bash:
            rest = unsafe.sub(r"\\\1", rest)
        out.append((incomplete + rest, help_))
    return out


#: The contact a command is about (every capture command takes one): defined
#: here so that `wt log` does not import the contacts commands to name it.
ContactArg = Annotated[
    str,
    typer.Argument(
        help="Who: an id (12 or #12), a name, an email, or a unique part of a name.",
        metavar="CONTACT",
        autocompletion=complete_contact,
        show_default=False,
    ),
]
