"""Commands for deals and their mutual action plans: `wt deal`, `wt deals`, `wt plan`."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from wintogether.cli.common import (
    DISAGREE,
    TABLE_LIMIT,
    Format,
    FormatOption,
    JsonFlag,
    ListLimit,
    NestedFormatOption,
    PlainFlag,
    ResultJsonFlag,
    complete_contact,
    emit_json,
    emit_json_texts,
    emit_rows,
    emit_table,
    now,
    output_format,
    say,
    say_past_due,
    say_time_ignored,
    shown_limit,
    state,
    stdin_is_terminal,
    write_out,
)
from wintogether.errors import UserError
from wintogether.paths import expand

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wintogether.domain.plan import StepResult
    from wintogether.models import Deal

PANEL = "Deals"
#: Rows the deals table shows by default: a screenful, whatever the size of the database.


def complete_deal(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: deal titles containing what was typed (ids for digits)."""
    try:
        from wintogether.cli.common import shell_ready
        from wintogether.domain.deals import refs_for_completion
        from wintogether.text import one_line

        st = state(ctx)
        if not st.db_path.exists():
            return []
        found = refs_for_completion(st.store(), incomplete)
        return [(value, one_line(help_)[:70]) for value, help_ in shell_ready(found, incomplete)][
            :50
        ]
    except Exception:  # completion must never print a traceback into the shell
        return []


def complete_template(ctx: typer.Context, incomplete: str) -> list[tuple[str, str]]:
    """Shell completion: the names of saved plan templates."""
    try:
        from wintogether.cli.common import shell_ready
        from wintogether.domain.plan import template_names

        st = state(ctx)
        if not st.db_path.exists():
            return []
        return shell_ready([(name, "") for name in template_names(st.store())], incomplete)
    except Exception:  # completion must never print a traceback into the shell
        return []


DealArg = Annotated[
    str,
    typer.Argument(
        help="The deal: its id (3 or #3), its title or a unique part of it.",
        metavar="DEAL",
        show_default=False,
        autocompletion=complete_deal,
    ),
]
TemplateArg = Annotated[
    str,
    typer.Argument(help="The template's name.", metavar="NAME", autocompletion=complete_template),
]
StepArg = Annotated[
    str,
    typer.Argument(
        help="The step: its number in `wt plan`, its promise id (#41) or part of its text.",
        metavar="STEP",
        show_default=False,
    ),
]
WithOption = Annotated[
    list[str] | None,
    typer.Option(
        "--with", "-w", help="A person on the deal (repeatable).", autocompletion=complete_contact
    ),
]
TargetOption = Annotated[
    str | None, typer.Option("--target", "-t", help="The target date: 2027-01-31, jan 31.")
]
TheyWin = Annotated[
    str | None, typer.Option("--they-win", help="What the buyer wins (needed to mark it won).")
]
WeWin = Annotated[str | None, typer.Option("--we-win", help="What we win (needed to mark it won).")]
NoteOption = Annotated[
    str | None, typer.Option("--note", "-n", help="An internal note (never shared).")
]


def _deal_words(deal: Deal) -> str:
    return f"#{deal.id} '{deal.title}'"


# -- wt deal -------------------------------------------------------------------------

deal_app = typer.Typer(
    help="Add, show, change and close a deal where both sides win.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@deal_app.command("add")
def deal_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What the deal is.", metavar="TITLE")],
    company: Annotated[
        str | None, typer.Option("--company", "-c", help="The buyer's company.")
    ] = None,
    with_: WithOption = None,
    target: TargetOption = None,
    they_win: TheyWin = None,
    we_win: WeWin = None,
    note: NoteOption = None,
    as_json: ResultJsonFlag = False,
) -> None:
    """Start a deal, with the people on it and what each side wins.

    Examples:

      wt deal add "Northwind renewal" --company Northwind --with dana --target 2027-01-31

      wt deal add "Initech pilot" --with marcus --they-win "Faster onboarding"
    """
    from wintogether.domain import deals

    moment = now()
    deal = deals.add(
        state(ctx).store(),
        moment,
        title=title,
        company=company,
        with_=with_,
        target=target,
        they_win=they_win,
        we_win=we_win,
        note=note,
    )
    if as_json:
        emit_json(deal.to_json())
    from wintogether.render.plan_words import target_text, wins_text

    target = f"target {target_text(deal, moment.date())}" if deal.target_on else "no target date"
    say(f"Deal {_deal_words(deal)}, {target}")
    say_time_ignored(target)
    if deal.one_sided:
        say(wins_text(deal))


@deal_app.command("show")
def deal_show(
    ctx: typer.Context,
    deal: DealArg,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """One deal: the people, both wins, the plan and how it stands.

    Example:

      wt deal show northwind
    """
    from wintogether.domain import deals

    fmt_ = output_format(fmt, as_json, no_csv="deal show")
    view = deals.view(state(ctx).store(), now(), deal)
    if fmt_ is Format.json:
        from wintogether.render.plan_words import plan_json

        emit_json(plan_json(view))
        return

    def draw(is_plain: bool) -> RenderableType:
        from wintogether.render.deals import deal_view

        return deal_view(view, plain=is_plain)

    def pipe(width: int) -> list[str]:
        from wintogether.render.plain_deals import deal_view

        return deal_view(view, width)

    emit_table(ctx, draw, plain=plain, pipe=pipe)


@deal_app.command("edit")
def deal_edit(
    ctx: typer.Context,
    deal: DealArg,
    title: Annotated[str | None, typer.Option("--title", help="A new title.")] = None,
    company: Annotated[
        str | None, typer.Option("--company", "-c", help="The buyer's company.")
    ] = None,
    with_: WithOption = None,
    without: Annotated[
        list[str] | None,
        typer.Option(
            "--without", help="Take a person off the deal.", autocompletion=complete_contact
        ),
    ] = None,
    target: TargetOption = None,
    they_win: TheyWin = None,
    we_win: WeWin = None,
    note: NoteOption = None,
    clear: Annotated[
        list[str] | None,
        typer.Option("--clear", help="Empty a field: company, target, they-win, we-win, note."),
    ] = None,
) -> None:
    """Change a deal: title, company, people, target, wins, note.

    Examples:

      wt deal edit northwind --they-win "SOC2-ready vendor before their audit"

      wt deal edit northwind --with greta --target 2027-02-15
    """
    from wintogether.domain import deals

    moment = now()
    found = deals.edit(
        state(ctx).store(),
        moment,
        deal,
        title=title,
        company=company,
        with_=with_,
        without=without,
        target=target,
        they_win=they_win,
        we_win=we_win,
        note=note,
        clear=clear,
    )
    from wintogether.render.plan_words import wins_text

    say(f"Updated deal {_deal_words(found)}: {wins_text(found)}")
    say_time_ignored(target)


def _close(ctx: typer.Context, deal: str, outcome: str, note: str | None) -> None:
    from wintogether.domain import deals

    if outcome == "lost" and note is None and stdin_is_terminal():
        note = typer.prompt("Why was it lost? (kept for the review)", err=True)
    closed = deals.close(state(ctx).store(), now(), deal, outcome, note)
    say(f"Deal {_deal_words(closed.deal)} {outcome}.")
    if closed.wins_recorded:
        names = ", ".join(p.name for p in closed.wins_recorded)
        deal_ = closed.deal
        say(f"Recorded a win with {names}: they win {deal_.they_win}; we win {deal_.we_win}.")
    if closed.steps_cancelled:
        n = closed.steps_cancelled
        say(f"Cancelled {n} open plan step{'s' if n != 1 else ''}.")


CloseNote = Annotated[str | None, typer.Option("--note", "-n", help="What happened.")]


@deal_app.command("won")
def deal_won(ctx: typer.Context, deal: DealArg, note: CloseNote = None) -> None:
    """Mark a deal won (both wins must be written); each person on it gets the win.

    Example:

      wt deal won northwind --note "Signed for three years"
    """
    _close(ctx, deal, "won", note)


@deal_app.command("lost")
def deal_lost(
    ctx: typer.Context,
    deal: DealArg,
    note: Annotated[
        str | None, typer.Option("--note", "-n", help="Why it was lost (asked for when absent).")
    ] = None,
) -> None:
    """Mark a deal lost, and say why (kept for the review); open steps are cancelled.

    Example:

      wt deal lost initech --note "Chose a cheaper vendor"
    """
    _close(ctx, deal, "lost", note)


@deal_app.command("dropped")
def deal_dropped(ctx: typer.Context, deal: DealArg, note: CloseNote = None) -> None:
    """Mark a deal dropped (nobody lost: it stopped mattering); open steps are cancelled.

    Example:

      wt deal dropped initech --note "Budget frozen until next year"
    """
    _close(ctx, deal, "dropped", note)


def deals_cmd(
    ctx: typer.Context,
    all_: Annotated[
        bool, typer.Option("--all", help="Include won, lost and dropped deals.")
    ] = False,
    limit: ListLimit = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """List open deals, soonest target first, with how each plan stands.

    Examples:

      wt deals

      wt deals --all --json
    """
    from wintogether.domain import deals

    fmt_ = output_format(fmt, as_json)
    moment = now()
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    rows = deals.listing(
        state(ctx).store(),
        moment,
        include_closed=all_,
        limit=None if top is None else top + 1,  # one more: is there more to say?
    )
    more = top is not None and len(rows) > top
    rows = rows[:top] if top is not None else rows
    if fmt_ is Format.json:
        # The column spec's records as emit_json writes them, each from its own text.
        from wintogether.render.plan_words import deal_row_item

        emit_json_texts(deal_row_item(view) for view in rows)
        return
    if fmt_ is not Format.table:  # the column specs only for JSON and CSV
        from wintogether.render.columns import DEALS

        emit_rows(fmt_, DEALS, rows)
        return
    if not rows:
        say("No deals." if all_ else "No open deals.")
        return

    def draw(is_plain: bool) -> RenderableType:
        from wintogether.render.deals import deals_table

        return deals_table(rows, moment.date(), plain=is_plain)

    def pipe(width: int) -> list[str]:
        from wintogether.render.plain_deals import deals_table

        return deals_table(rows, moment.date(), width)

    emit_table(ctx, draw, plain=plain, pipe=pipe)
    if more:
        say(f"… and more after these {top}: `wt deals --limit 0` shows all.")


# -- wt plan -------------------------------------------------------------------------


class PlanGroup(TyperGroup):
    """`wt plan DEAL` shows the plan; `wt plan add|done|...` change it."""

    #: What a word that names no subcommand runs (start-up converts only it).
    default_command = "show"

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            return self.default_command, self.commands[self.default_command], args
        return super().resolve_command(ctx, args)

    def shell_complete(self, ctx: Any, incomplete: str) -> list[Any]:
        """`wt plan <TAB>`: its subcommands, and the deals (`wt plan DEAL` shows one)."""
        from click.shell_completion import CompletionItem

        found = super().shell_complete(ctx, incomplete)
        if incomplete.startswith("-"):
            return found
        return found + [
            CompletionItem(value, help=help_) for value, help_ in complete_deal(ctx, incomplete)
        ]


plan_app = typer.Typer(
    cls=PlanGroup,
    help="A deal's mutual action plan: `wt plan DEAL` shows it; add, done, edit change it.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
template_app = typer.Typer(
    help="Plans saved to reuse: `wt plan template save NAME DEAL`.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class PlanFormat(enum.StrEnum):
    table = "table"
    json = "json"
    md = "md"
    html = "html"
    ics = "ics"


_SUFFIXES = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".ics": "ics"}


@plan_app.command("show")
def plan_show(
    ctx: typer.Context,
    deal: DealArg,
    fmt: Annotated[
        PlanFormat | None,
        typer.Option(
            "--format",
            "-f",
            help="table (default), json, or a plan to send the buyer: md, html or ics."
            " Default with -o: from the file's extension.",
        ),
    ] = None,
    as_json: JsonFlag = False,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file (atomically).")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace an existing -o file.")] = False,
    plain: PlainFlag = False,
) -> None:
    """A deal's plan: steps in order, who owns each, status, the critical path.

    md, html and ics hold only what the buyer may see: both wins, the steps,
    their owners and dates, what is done. No notes, no health, no other deals.

    Examples:

      wt plan northwind

      wt plan northwind --format md -o northwind-plan.md

      wt plan northwind -o northwind-plan.ics
    """
    st = state(ctx)
    if as_json:
        if fmt not in (None, PlanFormat.json):
            raise UserError(DISAGREE)
        fmt = PlanFormat.json
    if fmt is None and output is not None:
        fmt = PlanFormat(_SUFFIXES.get(output.suffix.lower(), "md"))
    if fmt is PlanFormat.table and output is not None:
        raise UserError("--format table is the terminal view; -o writes md, html, ics or json.")
    if output is not None:
        from wintogether.files import check_target

        check_target(expand(output, "--output"), database=st.db_path, overwrite=force)
    from wintogether.domain.deals import view as plan_of

    view = plan_of(st.store(), now(), deal)
    if fmt in (None, PlanFormat.table):

        def draw(is_plain: bool) -> RenderableType:
            from wintogether.render.deals import plan_view

            return plan_view(view, plain=is_plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain_deals import plan_view

            return plan_view(view, width)

        emit_table(ctx, draw, plain=plain, pipe=pipe)
        return
    if fmt is PlanFormat.json:
        import io

        from wintogether.render.plan_words import plan_json
        from wintogether.text import write_json

        buffer = io.StringIO()
        write_json(plan_json(view), buffer)
        text = buffer.getvalue()
    else:
        from wintogether.domain.plan import shared
        from wintogether.render import plan_share

        text = plan_share.render(shared(view), fmt.value)
    if output is None:
        write_out(text)
        return
    from wintogether.files import atomic_write

    written = atomic_write(expand(output, "--output"), text, database=st.db_path, overwrite=force)
    say(f"Wrote the plan of deal {_deal_words(view.deal)} to {written}")


def _say_step(result: StepResult, verb: str) -> None:
    from wintogether.dates import format_day

    promise = result.step.promise
    owner = "me" if promise.owner == "me" else promise.contact.name
    say(
        f"{verb} step {result.number} of deal {_deal_words(result.deal)}: {promise.text}"
        f" ({owner}, due {format_day(promise.due_on)})"
    )
    for warning in result.warnings:
        say(f"warning: {warning}")


@plan_app.command("add")
def plan_add(
    ctx: typer.Context,
    deal: DealArg,
    text: Annotated[str, typer.Argument(help="The step.", metavar="TEXT", show_default=False)],
    owner: Annotated[
        str,
        typer.Option(
            "--owner",
            help="Whose step: me, them (the deal's first person) or a person on their side.",
            autocompletion=complete_contact,
        ),
    ],
    due: Annotated[str, typer.Option("--due", "-d", help="When: jan 10, 2027-01-10, fri.")],
    after: Annotated[
        str | None, typer.Option("--after", help="The step this one waits for (its number).")
    ] = None,
    milestone: Annotated[bool, typer.Option("--milestone", help="A milestone.")] = False,
) -> None:
    """Add a step to a deal's plan: a promise, mine or theirs.

    Examples:

      wt plan add northwind "Security review done" --owner them --due "jan 10"

      wt plan add northwind "Order form signed" --owner dana --due "jan 25" --after 1 --milestone
    """
    from wintogether.domain import plan

    store = state(ctx).store()
    moment = now()
    result = plan.add_step(
        store, moment, deal, text, owner=owner, due=due, after=after, milestone=milestone
    )
    _say_step(result, "Added")
    say_time_ignored(due)
    say_past_due(moment.date(), result.step.promise.due_on, result.step.promise.id)


@plan_app.command("done")
def plan_done(
    ctx: typer.Context,
    deal: DealArg,
    step: StepArg,
    note: Annotated[str | None, typer.Option("--note", "-n", help="How it was done.")] = None,
) -> None:
    """Mark a step done (the buyer's or mine): its promise is kept.

    Example:

      wt plan done northwind "Security review"
    """
    from wintogether.domain import plan

    result = plan.settle_step(state(ctx).store(), now(), deal, step, "done", note)
    _say_step(result, "Done:")


@plan_app.command("cancel")
def plan_cancel(
    ctx: typer.Context,
    deal: DealArg,
    step: StepArg,
    note: Annotated[str | None, typer.Option("--note", "-n", help="Why.")] = None,
) -> None:
    """Cancel a step that no longer applies.

    Example:

      wt plan cancel northwind 4 --note "No pilot needed"
    """
    from wintogether.domain import plan

    result = plan.settle_step(state(ctx).store(), now(), deal, step, "cancelled", note)
    _say_step(result, "Cancelled")


@plan_app.command("edit")
def plan_edit(
    ctx: typer.Context,
    deal: DealArg,
    step: StepArg,
    after: Annotated[
        str | None, typer.Option("--after", help="The step this one waits for.")
    ] = None,
    first: Annotated[bool, typer.Option("--first", help="It waits for no other step.")] = False,
    due: Annotated[str | None, typer.Option("--due", "-d", help="A new due date.")] = None,
    text: Annotated[str | None, typer.Option("--text", help="New words for the step.")] = None,
    milestone: Annotated[
        bool | None, typer.Option("--milestone/--no-milestone", help="A milestone or not.")
    ] = None,
) -> None:
    """Change a step: what it waits for, its due date, its words, milestone.

    Examples:

      wt plan edit northwind 3 --after 2

      wt plan edit northwind "Legal review" --due "jan 20"
    """
    from wintogether.domain import plan

    result = plan.edit_step(
        state(ctx).store(),
        now(),
        deal,
        step,
        after=after,
        first=first,
        due=due,
        text=text,
        milestone=milestone,
    )
    _say_step(result, "Changed")


@template_app.command("save")
def template_save(
    ctx: typer.Context,
    name: TemplateArg,
    deal: DealArg,
) -> None:
    """Save a deal's plan as a template: each step as days before the target.

    Example:

      wt plan template save renewal northwind
    """
    from wintogether.domain import plan

    label, count = plan.save_template(state(ctx).store(), now(), name, deal)
    say(f"Saved template '{label}': {count} step{'s' if count != 1 else ''}.")


@plan_app.command("apply")
def plan_apply(
    ctx: typer.Context,
    name: TemplateArg,
    deal: DealArg,
    backwards_from: Annotated[
        str | None,
        typer.Option(
            "--backwards-from", help="The date the plan works back from (default: the target)."
        ),
    ] = None,
) -> None:
    """Build a deal's plan from a template, working back from a date.

    Example:

      wt plan apply renewal initech --backwards-from 2027-03-31
    """
    from wintogether.dates import format_day
    from wintogether.domain import plan

    applied = plan.apply_template(state(ctx).store(), now(), name, deal, backwards_from)
    say(
        f"Added {applied.added} step{'s' if applied.added != 1 else ''} to deal"
        f" {_deal_words(applied.deal)}, working back from {format_day(applied.anchor)}."
    )
    if applied.target_set:
        say(f"The deal's target is now {format_day(applied.anchor)}.")
    if applied.past_due:
        say(f"warning: {applied.past_due} of them are already past due.")


plan_app.add_typer(template_app, name="template")


def register(app: typer.Typer) -> None:
    app.command("deals", rich_help_panel=PANEL)(deals_cmd)
    app.add_typer(deal_app, name="deal", rich_help_panel=PANEL)
    app.add_typer(plan_app, name="plan", rich_help_panel=PANEL)
