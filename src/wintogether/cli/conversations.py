"""Capturing conversations: `log`, and fixing a logged one."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from wintogether.cli.common import (
    ContactArg,
    Format,
    JsonFlag,
    NestedFormatOption,
    ResultJsonFlag,
    State,
    complete_contact,
    edit_note,
    emit_json,
    emit_table,
    item_id,
    now,
    output_format,
    read_stdin,
    say,
    say_past_due,
    say_time_ignored,
    state,
    stdin_is_terminal,
)

PANEL = "Capture"

With = Annotated[
    list[str] | None,
    typer.Option(
        "--with",
        "-w",
        help="Someone else who was there (repeatable).",
        autocompletion=complete_contact,
    ),
]
Channel = Annotated[
    str | None,
    typer.Option(
        "--channel",
        "-c",
        help="call, email, meeting, message, social, event or note (phone, video, text, "
        "sms, chat, mail… are read as one of these). "
        "[default: note, or log.channel in `wt config`]",
        show_default=False,
    ),
]
At = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="When it happened: 'yesterday', 'mon 3pm', 2026-12-04T15:00. [default: now]",
        show_default=False,
    ),
]
#: `wt conversation edit`'s: what is not given stays as it was.
NewChannel = Annotated[
    str | None,
    typer.Option(
        "--channel",
        "-c",
        help="A new channel: call, email, meeting, message, social, event or note."
        " [default: unchanged]",
        show_default=False,
    ),
]
NewAt = Annotated[
    str | None,
    typer.Option(
        "--at",
        help="A new time: 'yesterday 4pm', 2026-12-04T15:00. [default: unchanged]",
        show_default=False,
    ),
]


def log(
    ctx: typer.Context,
    contact: ContactArg,
    note: Annotated[
        str | None,
        typer.Argument(
            help="What was said. '-' reads stdin; piped input is read too; "
            "with neither, your editor opens ($VISUAL, $EDITOR, else sensible-editor, nano or vi).",
            metavar="NOTE",
            show_default=False,
        ),
    ] = None,
    with_: With = None,
    channel: Channel = None,
    at: At = None,
    follow_up: Annotated[
        str | None,
        typer.Option(
            "--follow-up",
            "-F",
            help="I promise to follow up by this date: fri, next week, 2026-12-04.",
        ),
    ] = None,
    about: Annotated[
        str | None,
        typer.Option(
            "--about",
            help='What the follow-up is (default: "Follow up: " and the note\'s first line).',
        ),
    ] = None,
    they_will: Annotated[
        str | None,
        typer.Option("--they-will", help="What they promised to do (give --by too)."),
    ] = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="When their promise is due: fri, next week, 2026-12-04."),
    ] = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Log a conversation; it resets the relationship's rhythm.

    Examples:

      wt log dana "Renewal talk; needs SOC2 report" --follow-up fri

      wt log dana "Pricing call" --they-will "send the signed order form" --by mon

      wt log dana --with marcus --channel meeting --at "yesterday 3pm" "QBR"

    The clipboard as the note: pbpaste on macOS, wl-paste on Linux with Wayland,
    xclip -o -selection clipboard with X11:

      pbpaste | wt log dana -

      wl-paste | wt log dana -
    """
    from wintogether.dates import format_day
    from wintogether.domain import conversations

    st = state(ctx)
    store = st.store()
    draft: Path | None = None
    if note == "-" or (note is None and not stdin_is_terminal()):
        text = read_stdin()
    elif note is None:
        from wintogether.domain.resolve import resolve

        who = resolve(store, contact)
        text, draft = edit_note(st.db_path.parent / "drafts", who.name)
    else:
        text = note
    moment = now()
    try:
        result = conversations.log(
            store,
            moment,
            contact=contact,
            note=text,
            with_=with_,
            at=at,
            channel=channel or _default_channel(st),
            follow_up=follow_up,
            about=about,
            they_will=they_will,
            by=by,
        )
    except BaseException:
        if draft is not None:
            say(f"Your draft is kept at {draft}")
        raise
    if draft is not None:
        draft.unlink(missing_ok=True)
    if as_json:
        emit_json(result.to_json())
        return
    names = ", ".join(p.name for p in result.participants)
    when = "" if at is None else f" on {format_day(result.happened_at.date(), moment.date())}"
    message = f"Logged {result.channel} with {names}{when} (#{result.conversation_id})"
    if result.promise_due:
        message += (
            f"; follow-up due {format_day(result.promise_due, moment.date())}"
            f" (#{result.promise_id})"
        )
    if result.their_promise_due:
        message += (
            f"; their promise due {format_day(result.their_promise_due, moment.date())}"
            f" (#{result.their_promise_id})"
        )
    say(message)
    say_time_ignored(follow_up, by)
    say_past_due(moment.date(), result.promise_due, result.promise_id)
    say_past_due(moment.date(), result.their_promise_due, result.their_promise_id)


def _default_channel(st: State) -> str:
    """``[log] channel`` from the config file; without a file, nothing is read
    or imported (the config module alone costs ~3 ms of start-up)."""
    from wintogether.paths import config_path

    if config_path().exists() and (settings := st.settings()):
        return str(settings["log_channel"])
    from wintogether.domain.conversations import DEFAULT_CHANNEL

    return DEFAULT_CHANNEL


conversation_app = typer.Typer(
    help="Show, fix or delete a logged conversation by its id.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)

ConversationId = Annotated[
    int, typer.Argument(help="The conversation id (shown as #N).", metavar="ID", parser=item_id)
]


@conversation_app.command("show")
def show_conversation(
    ctx: typer.Context,
    conversation_id: ConversationId,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
) -> None:
    """Show one conversation.

    Example:

      wt conversation show 41
    """
    from wintogether.domain import conversations

    fmt_ = output_format(fmt, as_json, no_csv="conversation show")
    conv = conversations.get(state(ctx).store(), conversation_id)
    if fmt_ is Format.json:
        emit_json(conv.to_json())
        return
    from wintogether.render.conversations import conversation_view

    emit_table(ctx, lambda _plain: conversation_view(conv, now().date()))


@conversation_app.command("edit")
def edit_conversation(
    ctx: typer.Context,
    conversation_id: ConversationId,
    note: Annotated[
        str | None,
        typer.Argument(
            help="The corrected note ('-' reads stdin).", metavar="NOTE", show_default=False
        ),
    ] = None,
    with_: Annotated[
        list[str] | None,
        typer.Option(
            "--with",
            "-w",
            help="Replace who was there (repeatable).",
            autocompletion=complete_contact,
        ),
    ] = None,
    channel: NewChannel = None,
    at: NewAt = None,
) -> None:
    """Fix a logged conversation: its note, channel, time or people.

    Examples:

      wt conversation edit 41 "Renewal talk; needs SOC2 and a DPA"

      wt conversation edit 41 --at "yesterday 4pm" --channel call
    """
    from wintogether.domain import conversations

    text = read_stdin() if note == "-" else note
    conv = conversations.edit(
        state(ctx).store(), now(), conversation_id, note=text, channel=channel, at=at, with_=with_
    )
    say(f"Updated conversation #{conv.id}")


@conversation_app.command("delete")
def delete_conversation(ctx: typer.Context, conversation_id: ConversationId) -> None:
    """Delete a logged conversation.

    Example:

      wt conversation delete 41
    """
    from wintogether.domain import conversations

    conv = conversations.delete(state(ctx).store(), conversation_id)
    say(
        f"Deleted conversation #{conv.id} ({conv.channel}, "
        f"{', '.join(p.name for p in conv.participants)})"
    )


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(log)
    app.add_typer(conversation_app, name="conversation", rich_help_panel=PANEL)
