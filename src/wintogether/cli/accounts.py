"""Commands for accounts: company, companies."""

from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    TABLE_LIMIT,
    Format,
    FormatOption,
    JsonFlag,
    ListLimit,
    NestedFormatOption,
    PlainFlag,
    complete_contact,
    emit_json,
    emit_rows,
    emit_table,
    now,
    output_format,
    say,
    shown_limit,
    state,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

PANEL = "Accounts"
#: Paths `wt path` shows unless --limit says otherwise.
PATH_LIMIT = 20
#: Rows of each list `wt company` shows in a table unless --limit says
#: otherwise: people, promises and ledger of a big account on a screen or two.
ACCOUNT_LIMIT = 20


def company(
    ctx: typer.Context,
    words: Annotated[
        list[str] | None,
        typer.Argument(
            help="A company (its name, an alias or part of the name); or `merge KEEP OTHER`.",
            metavar="NAME | merge KEEP OTHER",
            show_default=False,
        ),
    ] = None,
    show_map: Annotated[
        bool, typer.Option("--map", help="Draw the reporting tree (--reports-to) instead.")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            help="Rows shown in each list (people, former, promises, ledger, wins); 0 for all."
            f" [default: {ACCOUNT_LIMIT} in a table, all in json]",
            show_default=False,
        ),
    ] = None,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """One account: who you know there and how each relationship stands.

    The people there now (with their part in the account, health in one line and
    last touch) and those who left (from job changes imports recorded); the
    account's open promises both ways; conversations per month over the last
    year; the ledger and wins with its people; how both sides kept their word.

    `wt company merge KEEP OTHER` says two names are one company: OTHER's name
    becomes an alias of KEEP, its people move over, and an import that shows one
    name where the other was is no longer a job change. `wt company rename
    COMPANY NEW-NAME` puts its name right (the old one stays one of its names).

    Examples:

      wt company northwind

      wt company northwind --map

      wt company merge "Northwind Traders" Northwind

      wt company rename "northwind traders inc" "Northwind Traders"
    """
    from wintogether.domain import accounts, companies

    typed = list(words or [])
    if not typed:
        raise typer.BadParameter(
            "Name a company, or `merge KEEP OTHER`. `wt companies` lists them.", param_hint="NAME"
        )
    st = state(ctx)
    fmt_ = output_format(fmt, as_json, no_csv="company")
    if typed[0] == "rename" and not (len(typed) != 3 and companies.names_one(st.store(), typed)):
        if len(typed) != 3:
            raise typer.BadParameter(
                "`wt company rename COMPANY NEW-NAME` takes a company and its new name"
                " (quote names with spaces).",
                param_hint="NAME",
            )
        renamed, was = companies.rename(st.store(), typed[1], typed[2], now())
        if fmt_ is Format.json:
            emit_json({"company": accounts.company_json(renamed), "was": was})
            return
        say(f"{was} is now called {renamed.name}.")
        return
    if typed[0] == "merge" and not (len(typed) != 3 and companies.names_one(st.store(), typed)):
        if len(typed) != 3:
            raise typer.BadParameter(
                "`wt company merge KEEP OTHER` takes two companies (quote names with spaces).",
                param_hint="NAME",
            )
        result = companies.merge(st.store(), typed[1], typed[2], now())
        if fmt_ is Format.json:
            emit_json(result.to_json())
            return
        people = result.people_moved
        say(
            f"{result.other.name} is now a name of {result.keep.name}"
            f" ({people} {'person' if people == 1 else 'people'} moved)."
        )
        return
    name = " ".join(typed)
    # A screenful of each list in a table (a big account has hundreds of people
    # and a year of ledger); all of them in JSON unless --limit says otherwise.
    top = shown_limit(limit, fmt_, ACCOUNT_LIMIT)
    if show_map:
        found, roots, managed = accounts.org_chart(st.store(), name)
        if fmt_ is Format.json:
            emit_json(
                {
                    "company": accounts.company_json(found),
                    "tree": [node.to_json() for node in roots],
                }
            )
            return
        from wintogether.render.accounts import org_tree

        emit_table(ctx, lambda is_plain: org_tree(found.name, roots, plain=is_plain), plain=plain)
        if not managed:
            say("Nobody there reports to anyone yet: `wt edit CONTACT --reports-to MANAGER`.")
        return
    moment = now()
    view = accounts.account(st.store(), name, st.config(), moment, limit=top)
    deals = None
    # Most accounts have no deal: then their code is not even loaded.
    if fmt_ is Format.json or accounts.has_deals(st.store(), view.company.id, moment):
        from wintogether.domain.deals import of_company

        deals = of_company(st.store(), view.company.id, moment)
    if fmt_ is Format.json:
        assert deals is not None
        from wintogether.render import words as wording
        from wintogether.render.plan_words import account_deals_json

        emit_json(
            {
                **view.to_json(wording, written=True, limit=top),
                "deals": account_deals_json(deals),
            }
        )
        return

    def draw(is_plain: bool) -> "RenderableType":
        from rich.console import Group

        from wintogether.render.accounts import account_view
        from wintogether.render.base import spaced
        from wintogether.render.deals import account_deals

        shown = account_view(view, moment.date(), plain=is_plain, limit=top)
        more = None if deals is None else account_deals(deals, moment.date())
        return shown if more is None else Group(*spaced([shown, more]))

    def pipe(width: int) -> list[str] | None:
        from wintogether.render import plain_accounts

        return plain_accounts.account_view(view, moment.date(), width, top, deals)

    emit_table(ctx, draw, plain=plain, pipe=pipe)


def companies(
    ctx: typer.Context,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="attention (coldest account first), name, or people (most first).",
        ),
    ] = "attention",
    limit: ListLimit = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Every company you know people at, coldest account first.

    An account's attention is that of its warmest relationship: days since you
    last talked with the person there you are most in touch with, over their
    rhythm. At 1 or more even your best contact there is slipping.

    Examples:

      wt companies

      wt companies --sort people --json
    """
    from wintogether.domain import account_list

    st = state(ctx)
    fmt_ = output_format(fmt, as_json)
    moment = now()
    # A table shows a screenful: Rich takes a second to draw two thousand rows.
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    shown, total = account_list.companies_page(
        st.store(), st.config(), moment, sort=sort, limit=top
    )
    if fmt_ is not Format.table:  # the column specs only for JSON and CSV
        from wintogether.render.columns import COMPANIES

        emit_rows(fmt_, COMPANIES, shown)
        return
    if not total:
        say("No companies yet: `wt add NAME --company COMPANY` links a person to one.")
        return

    def pipe(width: int) -> list[str] | None:
        from wintogether.render import plain_accounts

        return plain_accounts.companies_table(shown, moment.date(), width)

    def build(is_plain: bool) -> "RenderableType":
        from wintogether.render.accounts import companies_table

        return companies_table(shown, moment.date(), plain=is_plain)

    emit_table(ctx, build, plain=plain, pipe=pipe)
    if total > len(shown):
        say(f"… and {total - len(shown)} more: `wt companies --limit 0` shows all.")


def referrals(
    ctx: typer.Context,
    contact: Annotated[
        str | None,
        typer.Argument(
            help="Start from this contact: who they brought, and who those brought.",
            autocompletion=complete_contact,
            show_default=False,
        ),
    ] = None,
    accept: Annotated[
        int | None,
        typer.Option(
            "--accept",
            help="Make thank-you N (as listed) a promise of yours.",
            show_default=False,
        ),
    ] = None,
    due: Annotated[
        str | None,
        typer.Option("--due", help="With --accept: when. [default: in a week]", show_default=False),
    ] = None,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Who brought whom: the tree of introductions and what each led to.

    Each person shows when they were introduced, and the conversations and wins
    since. When an introduced relationship produced a win, a thank-you to the
    introducer is proposed ("Thank Marcus for the intro to Dana"); `--accept N`
    makes it a promise of yours. An introduction is recorded with `wt add
    --introduced-by`, `wt edit --introduced-by`, or `wt got MARCUS "…" --kind
    intro --to DANA`.

    Examples:

      wt referrals

      wt referrals marcus --json

      wt referrals --accept 1
    """
    from wintogether.domain import referrals as referrals_domain

    st = state(ctx)
    moment = now()
    if accept is not None:
        promise = referrals_domain.accept(st.store(), moment, accept, due, contact=contact)
        from wintogether.dates import format_day

        say(
            f"Promised: {promise.text}, due {format_day(promise.due_on, moment.date())}"
            f" (#{promise.id})"
        )
        return
    fmt_ = output_format(fmt, as_json, no_csv="referrals")
    view = referrals_domain.referrals(st.store(), moment, contact)
    if fmt_ is Format.json:
        emit_json(view.to_json())
        return
    if not view.roots:
        say(
            "No introductions yet: `wt add NAME --introduced-by CONTACT`, or"
            " `wt got CONTACT TEXT --kind intro --to OTHER`."
        )
        return
    import shlex

    from wintogether.render.accounts import referral_tree

    # The numbers are those of this view: accepting one names the same contact.
    command = "wt referrals" + (f" {shlex.quote(contact)}" if contact else "")
    emit_table(
        ctx,
        lambda is_plain: referral_tree(view, moment.date(), plain=is_plain, command=command),
        plain=plain,
    )
    if contact and not any(root.children for root in view.roots):
        say(
            f"{view.roots[0].contact.name} has introduced no one yet"
            " (`wt add NAME --introduced-by CONTACT`)."
        )


def path(
    ctx: typer.Context,
    target: Annotated[
        list[str],
        typer.Argument(
            help="A company (name, alias or part of it), or else a contact.",
            metavar="COMPANY|CONTACT",
            show_default=False,
        ),
    ],
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            "-n",
            help=f"Show at most N; 0 for all. [default: {PATH_LIMIT}]",
            show_default=False,
        ),
    ] = None,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Warm paths: whom to ask for a way in, best first, each with why.

    For a company: the people you know there, then those who worked there, then
    people who know someone there (they introduced you, or were in a
    conversation with them), then introducers two steps away. For a contact:
    them, their colleagues, people who know them. Within each, by the strength
    of your relationship: recency and frequency of conversations, promises kept
    on time both ways, and the balance (someone you have given to before
    someone you owe). docs/accounts.md gives the formula.

    Examples:

      wt path northwind

      wt path "Dana Reyes" --json
    """
    from wintogether.domain import paths
    from wintogether.render import words

    st = state(ctx)
    fmt_ = output_format(fmt, as_json, no_csv="path")
    # A screenful, in JSON too: every path to a big account is thousands of
    # people (the rest is counted in `total`; --limit 0 gives them all).
    top = shown_limit(limit, Format.table, PATH_LIMIT)
    view = paths.find_path(
        st.store(), " ".join(target), st.config().one_sided_after_days, now(), top
    )
    total = view.total
    if fmt_ is Format.json:
        emit_json(view.to_json(words))
    elif not view.lines:
        say(f"No warm path to {view.target} yet: nobody you know there or near them.")
        return
    else:

        def pipe(width: int) -> list[str] | None:
            from wintogether.render import plain_accounts

            return plain_accounts.paths_table(view, width)

        def build(is_plain: bool) -> "RenderableType":
            from wintogether.render.accounts import paths_table

            return paths_table(view, plain=is_plain)

        emit_table(ctx, build, plain=plain, pipe=pipe)
    if total is None and top is not None and len(view.lines) >= top:
        say(f"The first {top} shown: `wt path {' '.join(target)} --limit 0` shows all.")
    elif total is not None and total > len(view.lines):
        more = total - len(view.lines)
        say(f"… and {more} more: `wt path {' '.join(target)} --limit 0` shows all.")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(company)
    app.command(rich_help_panel=PANEL)(companies)
    app.command(rich_help_panel=PANEL)(referrals)
    app.command(rich_help_panel=PANEL)(path)
