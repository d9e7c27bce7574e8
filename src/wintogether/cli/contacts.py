"""Commands for people: add, edit, contacts, show, archive, unarchive."""

from typing import TYPE_CHECKING, Annotated

import typer

from wintogether.cli.common import (
    ALL_ROWS,
    TABLE_LIMIT,
    ContactArg,
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
    stdin_is_terminal,
)

if TYPE_CHECKING:
    from rich.console import RenderableType

    from wintogether.models.contact import Contact

PANEL = "Contacts"

Company = Annotated[str | None, typer.Option("--company", "-c", help="Company.")]
Title = Annotated[str | None, typer.Option("--title", "-t", help="Job title.")]
Emails = Annotated[
    list[str] | None, typer.Option("--email", "-e", help="Email address (repeatable).")
]
Phones = Annotated[list[str] | None, typer.Option("--phone", "-p", help="Phone (repeatable).")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="Tag (repeatable), e.g. customers.")]
Every = Annotated[
    str | None,
    typer.Option("--every", help="How often to be in touch: 10d, 2w, 3m, monthly, quarterly…"),
]
Met = Annotated[str | None, typer.Option("--met", help="How and where you met.")]
Via = Annotated[
    str | None,
    typer.Option(
        "--via",
        "--introduced-by",
        help="Who introduced you (a contact).",
        autocompletion=complete_contact,
    ),
]
Role = Annotated[
    str | None,
    typer.Option(
        "--role",
        help="Their part in the account: champion, economic-buyer, decision-maker, influencer, "
        "user, blocker or other.",
    ),
]
ReportsTo = Annotated[
    str | None,
    typer.Option(
        "--reports-to",
        help="Their manager (a contact): `wt company NAME --map` draws the tree.",
        autocompletion=complete_contact,
    ),
]
Birthday = Annotated[
    str | None,
    typer.Option("--birthday", help="Birthday: 1986-04-17, or --04-17 / 'apr 17' without a year."),
]
LinkedIn = Annotated[str | None, typer.Option("--linkedin", help="LinkedIn profile URL.")]
Note = Annotated[str | None, typer.Option("--note", "-n", help="Free-text notes about them.")]
EditNote = Annotated[
    str | None,
    typer.Option(
        "--note",
        "-n",
        help="New notes about them, in place of the old (`wt undo` brings those back;"
        " `wt log` adds a dated note instead).",
    ),
]


def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Full name.", metavar="NAME", show_default=False)],
    company: Company = None,
    title: Title = None,
    email: Emails = None,
    phone: Phones = None,
    tag: Tags = None,
    every: Every = None,
    met: Met = None,
    via: Via = None,
    birthday: Birthday = None,
    linkedin: LinkedIn = None,
    note: Note = None,
    role: Role = None,
    reports_to: ReportsTo = None,
    new: Annotated[
        bool,
        typer.Option(
            "--new",
            "--force",
            help="A new person, even with the name, email or LinkedIn of someone already here.",
        ),
    ] = False,
) -> None:
    """Add a contact.

    Someone already here with the same name, email or LinkedIn profile is named
    first: on a terminal you are asked whether this is another person; in a
    script the add is refused unless --new is given.

    Examples:

      wt add "Dana Reyes" --company Northwind --email dana@northwind.example --every monthly

      wt add "Marcus O'Neil" --tag partners --met "SaaStr 2024" --via dana

      wt add "Hannah Schmidt" --company Northwind --role economic-buyer --introduced-by marcus
    """
    from wintogether.domain import contacts

    changes = contacts.ContactChanges(
        name=name,
        company=company,
        title=title,
        emails=email or [],
        phones=phone or [],
        tags=tag or [],
        every=every,
        met=met,
        via=via,
        birthday=birthday,
        linkedin=linkedin,
        note=note,
        role=role,
        reports_to=reports_to,
    )
    store = state(ctx).store()
    try:
        contact = contacts.add(store, changes, now(), force=new)
    except contacts.LikelyDuplicate as exc:
        if not stdin_is_terminal():
            raise
        question = f"{exc.message} Add {name} as another person?"
        if not typer.confirm(question, default=False, err=True):
            say("Nothing was changed.")
            raise typer.Exit(1) from None
        contact = contacts.add(store, changes, now(), force=True)
    say(f"Added {contact.name} (#{contact.id})" + _echo(contact))


def _echo(contact: object) -> str:
    from wintogether.dates import every, format_birthday

    parts = []
    cadence = getattr(contact, "cadence_days", None)
    if cadence:
        parts.append(f"in touch {every(cadence)}")
    birthday = getattr(contact, "birthday", None)
    if birthday:
        parts.append(f"birthday {format_birthday(birthday)}")
    return (" — " + ", ".join(parts)) if parts else ""


def edit(
    ctx: typer.Context,
    contact: ContactArg,
    name: Annotated[str | None, typer.Option("--name", help="New name.")] = None,
    company: Company = None,
    title: Title = None,
    email: Emails = None,
    phone: Phones = None,
    tag: Tags = None,
    untag: Annotated[list[str] | None, typer.Option("--untag", help="Remove a tag.")] = None,
    remove_email: Annotated[
        list[str] | None, typer.Option("--remove-email", help="Remove an email.")
    ] = None,
    remove_phone: Annotated[
        list[str] | None, typer.Option("--remove-phone", help="Remove a phone.")
    ] = None,
    every: Every = None,
    met: Met = None,
    via: Via = None,
    birthday: Birthday = None,
    linkedin: LinkedIn = None,
    note: EditNote = None,
    role: Role = None,
    reports_to: ReportsTo = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            help="Empty a field: company, title, how_met, met_on, introduced_by, birthday, "
            "cadence, notes, linkedin, emails, phones, tags, role, reports_to.",
        ),
    ] = None,
) -> None:
    """Change a contact. Emails, phones and tags are added to what is there.

    Examples:

      wt edit dana --title "VP Procurement" --tag champions

      wt edit dana --every 2w --clear birthday

      wt edit dana --role champion --reports-to hannah
    """
    from wintogether.domain import contacts

    changes = contacts.ContactChanges(
        name=name,
        company=company,
        title=title,
        emails=email or [],
        phones=phone or [],
        tags=tag or [],
        untag=untag or [],
        remove_emails=remove_email or [],
        remove_phones=remove_phone or [],
        every=every,
        met=met,
        via=via,
        birthday=birthday,
        linkedin=linkedin,
        note=note,
        role=role,
        reports_to=reports_to,
        clear=clear or [],
    )
    updated = contacts.edit(state(ctx).store(), contact, changes, now())
    said = _said(changes, updated)
    say(f"Updated {updated.name} (#{updated.id})" + (f": {said}" if said else "") + _echo(updated))


def _said(changes: object, updated: "Contact") -> str:
    """What ``wt edit`` was told to change, in a few words (the values given;
    a manager or introducer by name, as found)."""
    from wintogether.text import one_line

    words = []
    for field, label in (
        ("name", "name"), ("company", "company"), ("title", "title"), ("role", "role"),
        ("reports_to", "reports to"), ("via", "introduced by"), ("met", "met"),
        ("linkedin", "LinkedIn"),
    ):  # fmt: skip
        value = getattr(changes, field, None)
        found = {"reports_to": updated.reports_to, "via": updated.introduced_by}.get(field)
        if value and str(value).strip() and found is not None:
            value = found.name
        if value is not None and not str(value).strip():
            words.append(f"{label} cleared")  # --company "": no company
        elif value:
            words.append(f"{label} {one_line(str(value))}")
    for field, sign in (
        ("emails", "+"), ("phones", "+"), ("tags", "+"), ("untag", "-"),
        ("remove_emails", "-"), ("remove_phones", "-"),
    ):  # fmt: skip
        words += [f"{sign}{one_line(str(v))}" for v in getattr(changes, field, None) or []]
    note = getattr(changes, "note", None)
    if note is not None:
        words.append("notes replaced" if note.strip() else "notes cleared")
    words += [f"{c} cleared" for c in getattr(changes, "clear", None) or []]
    return ", ".join(words)


def list_contacts(
    ctx: typer.Context,
    tag: Annotated[
        str | None, typer.Option("--tag", help="Only this tag (and its subtags).")
    ] = None,
    company: Annotated[str | None, typer.Option("--company", help="Company contains this.")] = None,
    sort: Annotated[
        str, typer.Option("--sort", help="name, recent (last talked) or attention (most slipping).")
    ] = "name",
    archived: Annotated[bool, typer.Option("--archived", help="Show archived contacts.")] = False,
    limit: ListLimit = None,
    fmt: FormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """List contacts.

    Examples:

      wt contacts --tag customers --sort attention

      wt contacts --json | jq -r '.[].name'
    """
    from wintogether.domain import contacts

    st = state(ctx)
    fmt_ = output_format(fmt, as_json)
    moment = now()
    # A table shows a screenful: drawing ten thousand rows takes Rich half a minute.
    top = shown_limit(limit, fmt_, TABLE_LIMIT)
    rows, total = contacts.listing_page(
        st.store(),
        st.config(),
        moment,
        tag=tag,
        company=company,
        sort=sort,
        archived=archived,
        limit=top,
    )
    from wintogether.render.columns import CONTACTS

    shown = rows
    if emit_rows(fmt_, CONTACTS, shown):
        return
    if not rows:
        close = contacts.tags_like(st.store(), tag) if tag else []
        say(
            "No contacts yet. `wt add NAME` adds one; `wt import FILE` brings many."
            if not (tag or company or archived)
            else "No contacts match."
            + (f" No one is tagged {tag!r}: did you mean {' or '.join(close)}?" if close else "")
        )
    else:

        def build(is_plain: bool) -> "RenderableType":
            from wintogether.render.contacts import contacts_table

            return contacts_table(shown, moment.date(), plain=is_plain)

        def pipe(width: int) -> list[str]:
            from wintogether.render.plain import contacts_table

            return contacts_table(shown, width)

        emit_table(ctx, build, plain=plain, pipe=pipe)
        if total > len(shown):
            say(f"… and {total - len(shown)} more: `wt contacts --limit 0` shows all.")


def show(
    ctx: typer.Context,
    contact: ContactArg,
    limit: Annotated[int, typer.Option("--limit", "-n", help="Timeline entries to show.")] = 20,
    fmt: NestedFormatOption = None,
    as_json: JsonFlag = False,
    plain: PlainFlag = False,
) -> None:
    """Profile and timeline of one contact, newest first.

    Examples:

      wt show dana

      wt show "#12" --limit 50
    """
    from wintogether.domain import contacts

    st = state(ctx)
    fmt_ = output_format(fmt, as_json, no_csv="show")
    moment = now()
    profile = contacts.profile(st.store(), contact, st.config(), moment, min(limit, ALL_ROWS))
    if fmt_ is Format.json:
        from wintogether.render import words

        emit_json(profile.to_json(words))
        return

    def build(is_plain: bool) -> "RenderableType":
        from wintogether.render.contacts import profile_view

        return profile_view(profile, moment.date(), plain=is_plain)

    def pipe(width: int) -> list[str] | None:
        from wintogether.render.plain_views import profile as plain_profile

        return plain_profile(profile, moment.date(), width)

    emit_table(ctx, build, plain=plain, pipe=pipe)


def archive(ctx: typer.Context, contact: ContactArg) -> None:
    """Archive a contact: off the contact lists, who is slipping and birthdays; history kept.

    Promises still open with them stay on `wt today` and `wt followups`
    until they are done or cancelled (`wt done`, `wt cancel`).

    Example:

      wt archive "Old Contact"
    """
    from wintogether.domain import contacts

    store = state(ctx).store()
    done = contacts.set_archived(store, contact, True, now())
    say(f"Archived {done.name} (#{done.id}). `wt unarchive {done.id}` brings them back.")
    still = contacts.open_promise_count(store, done.id)
    if still:
        say(
            f"{still} open promise{'s' if still != 1 else ''} with them still"
            f" show{'s' if still == 1 else ''} on `wt today` until done or cancelled."
        )


def unarchive(ctx: typer.Context, contact: ContactArg) -> None:
    """Bring an archived contact back.

    Example:

      wt unarchive 12
    """
    from wintogether.domain import contacts

    done = contacts.set_archived(state(ctx).store(), contact, False, now())
    say(f"Unarchived {done.name} (#{done.id}).")


def register(app: typer.Typer) -> None:
    app.command(rich_help_panel=PANEL)(add)
    app.command(rich_help_panel=PANEL)(edit)
    app.command("contacts", rich_help_panel=PANEL)(list_contacts)
    app.command(rich_help_panel=PANEL)(show)
    app.command(rich_help_panel=PANEL)(archive)
    app.command(rich_help_panel=PANEL)(unarchive)
