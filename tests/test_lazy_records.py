"""wintogether.records: dataclasses processed at their first instance."""

from __future__ import annotations

import dataclasses
import inspect

import pytest

from wintogether.records import dataclass, field, ready


def test_a_record_is_a_dataclass_once_made() -> None:
    @dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    assert "__dataclass_fields__" not in Point.__dict__  # nothing compiled yet
    p = Point(1)
    assert dataclasses.is_dataclass(Point)
    assert p == Point(1, 0, ()) and p != Point(2)
    assert hash(p) == hash(Point(1))
    assert repr(p).endswith(".Point(x=1, y=0, tags=())")
    with pytest.raises(dataclasses.FrozenInstanceError):
        p.x = 3  # type: ignore[misc]
    assert [f.name for f in dataclasses.fields(Point)] == ["x", "y", "tags"]


def test_defaults_factories_and_subclasses() -> None:
    @dataclass
    class Box:
        items: list[int] = field(default_factory=list)

    @dataclass
    class Labelled(Box):
        label: str = "box"

    a, b = Labelled(), Labelled([1], "b")
    assert a.items == [] and a.items is not Labelled().items
    assert b == Labelled([1], "b") and repr(b).endswith(".Labelled(items=[1], label='b')")
    assert Box() == Box([])


def test_ready_processes_a_class_before_any_instance() -> None:
    @dataclass
    class Row:
        name: str

    assert [f.name for f in dataclasses.fields(ready(Row))] == ["name"]
    assert ready(Row) is Row and Row("a").name == "a"


def test_config_records_behave_as_frozen_dataclasses() -> None:
    """config_record.py writes Config and Capture out (no dataclass compiled at
    start-up): equal and hashed by their fields, shown by them, immutable."""

    from wintogether.config_record import Capture, Config

    for cls in (Config, Capture):
        assert list(inspect.signature(cls).parameters) == list(cls._fields)
    assert Config() == Config() and Config(week_start=6) != Config()
    assert Config().tag_cadences == {} and Config().tag_cadences is not Config().tag_cadences
    assert Config().capture == Capture() and hash(Capture()) == hash(Capture())
    assert Capture(me=("me@x",)) != Capture()
    assert repr(Capture()).startswith("Capture(calendars=(), ignore_calendars=(), mail=()")
    assert repr(Config()).startswith("Config(default_cadence_days=")
    config = Config(tag_cadences={"customers": 30})
    assert config.cadence_for_tags(["customers/eu"]) == (30, "tag customers")
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.week_start = 1  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del config.path  # type: ignore[misc]


@pytest.mark.parametrize(
    "options", [{}, {"frozen": True}, {"eq": False}, {"repr": False}, {"frozen": True, "eq": False}]
)
def test_repr_eq_and_hash_behave_as_the_compiled_ones(options: dict[str, bool]) -> None:
    """records writes ``__repr__``, ``__eq__`` and ``__hash__`` as plain functions:
    the same results as dataclasses' compiled methods, field options included."""

    def shape() -> type:
        class Shape:
            x: int
            y: str = "a"
            hidden: int = dataclasses.field(default=0, repr=False, compare=False)
            hash_only: int = dataclasses.field(default=1, compare=True, hash=False)
            items: tuple[object, ...] = ()

        return Shape

    ours = ready(dataclass(**options)(shape()))  # type: ignore[call-overload]
    theirs = dataclasses.dataclass(**options)(shape())
    values = [(1,), (1, "b"), (1, "a", 5), (1, "a", 0, 7), (2, "a", 0, 1, ("x",)), (1,)]
    made = [(ours(*v), theirs(*v)) for v in values]
    for a, b in made:
        if options.get("repr", True):
            assert repr(a) == repr(b)
        assert (a.__class__.__hash__ is None) == (b.__class__.__hash__ is None)
        if options.get("frozen") and options.get("eq", True):
            assert hash(a) == hash(b)
        for c, d in made:
            assert (a == c) == (b == d) and (a != c) == (b != d)
        assert (a == "other") == (b == "other")


def test_a_class_of_its_own_keeps_its_methods_and_repr_survives_recursion() -> None:
    @dataclass(frozen=True)
    class Own:  # noqa: PLW1641 (dataclasses hashes its fields)
        x: int

        def __eq__(self, other: object) -> bool:
            return True

    @dataclass
    class Node:
        children: list[Node] = field(default_factory=list)

    assert Own(1) == Own(2) and hash(Own(1)) == hash((1,))  # as dataclasses hashes it
    node = Node()
    node.children.append(node)
    assert repr(node).endswith(".Node(children=[...])")


def test_written_out_contact_records_behave_as_their_dataclasses() -> None:
    """Contact, ContactStanding and ContactRow are written out (frozen.py's
    Plain): the same parameters, defaults, a new list per record, equality,
    no hash and the repr the dataclass had."""
    from datetime import UTC, datetime

    from wintogether.domain.contacts import ContactRow
    from wintogether.models import Contact, ContactRef, ContactStanding

    lists = ("emails", "phones", "urls", "tags")
    defaults: dict[type, dict[str, object]] = {
        Contact: {"account_role": None, "reports_to": None},
        ContactStanding: {"birthday": None},
        ContactRow: {"health": None},
    }
    when = datetime(2026, 1, 2, tzinfo=UTC)
    ref = ContactRef(1, "Dana", "Acme")
    samples: dict[type, list[tuple[object, ...]]] = {
        Contact: [
            (1, "u", "Dana", None, None, None, None, None, None, None, None, None, when, when, None),
            (1, "u", "Dana", "Acme", "t", "h", "m", ref, "05-01", 7, "n", when, when, when, when,
             ["d@x"], ["1"], [("linkedin", "l")], ["t"], "user", ref),
            (2, "u", "Dana", None, None, None, None, None, None, None, None, None, when, when, None),
        ],
        ContactStanding: [(ref, None, [], None, when), (ref, 7, ["a"], when, when, "05-01")],
    }  # fmt: skip
    samples[ContactRow] = [(samples[Contact][0], ("attention",)), (samples[Contact][1], 1, 2)]
    for cls, values in samples.items():
        fields = []
        for name, parameter in inspect.signature(cls).parameters.items():
            if name in lists and cls is Contact:
                fields.append((name, object, dataclasses.field(default_factory=list)))
            elif parameter.default is not inspect.Parameter.empty:
                assert defaults[cls][name] == parameter.default
                fields.append((name, object, dataclasses.field(default=parameter.default)))
            else:
                fields.append((name, object))
        assert tuple(name for name, *_ in fields) == cls._fields
        theirs = dataclasses.make_dataclass(cls.__qualname__, fields)
        assert theirs.__hash__ is None and cls.__hash__ is None
        made = [(cls(*v), theirs(*v)) for v in values]
        for a, b in made:
            assert repr(a) == repr(b)
            for c, d in made:
                assert (a == c) == (b == d) and (a != c) == (b != d)
            assert (a == "other") == (b == "other")
    first, second = Contact(*samples[Contact][0]), Contact(*samples[Contact][0])
    assert first.emails == [] and first.emails is not second.emails
    assert first.tags is not second.tags and first.urls is not first.phones


def test_written_out_conversation_behaves_as_its_dataclass() -> None:
    """Conversation is written out (frozen.py's Record): the same parameters,
    equality, no hash, the repr the dataclass had, and its JSON."""
    from datetime import UTC, datetime

    from wintogether.models import ContactRef, Conversation

    when = datetime(2026, 1, 2, tzinfo=UTC)
    ref = ContactRef(1, "Dana", "Acme")
    values = [
        (1, "u", when, "call", "Hi", [ref], when),
        (1, "u", when, "call", "Hi", [], when),
        (2, "v", when, "email", "Re: x", [ref, ContactRef(2, "Ada")], datetime(2026, 1, 3)),
    ]
    fields = [(name, object) for name in inspect.signature(Conversation).parameters]
    assert tuple(name for name, _ in fields) == Conversation._fields
    theirs = dataclasses.make_dataclass("Conversation", fields)
    assert Conversation.__hash__ is None
    made = [(Conversation(*v), theirs(*v)) for v in values]
    for a, b in made:
        assert repr(a) == repr(b)
        for c, d in made:
            assert (a == c) == (b == d) and (a != c) == (b != d)
        assert (a == "other") == (b == "other")
        a.note = "changed"  # assignable, as the dataclass
    assert made[0][0].to_json() == {
        "id": 1, "uid": "u", "happened_at": when.isoformat(), "channel": "call",
        "note": "changed", "participants": [ref.to_json()], "created_at": when.isoformat(),
    }  # fmt: skip


def test_written_out_deal_behaves_as_its_dataclass() -> None:
    """Deal is written out (frozen.py's Record): the same parameters, a new
    list of people each when none is given, equality, no hash, the repr."""
    from datetime import UTC, date, datetime

    from wintogether.models import ContactRef, Deal

    when = datetime(2026, 1, 2, tzinfo=UTC)
    head = (1, "u", "Renewal", None, None, None, None, "open", None, None, None, when, when)
    values = [
        head,
        (*head, [ContactRef(1, "Dana")]),
        (2, "v", "Pilot", "Acme", date(2026, 2, 1), "a", "b", "won", when, "n", "x", when, when),
    ]
    fields: list[tuple[str, object] | tuple[str, object, object]] = [
        (name, object) for name in inspect.signature(Deal).parameters
    ]
    fields[-1] = ("people", object, dataclasses.field(default_factory=list))
    assert tuple(name for name, *_ in fields) == Deal._fields
    theirs = dataclasses.make_dataclass("Deal", fields)
    assert Deal.__hash__ is None
    made = [(Deal(*v), theirs(*v)) for v in values]  # type: ignore[arg-type]
    for a, b in made:
        assert repr(a) == repr(b)
        for c, d in made:
            assert (a == c) == (b == d) and (a != c) == (b != d)
        assert (a == "other") == (b == "other")
    assert Deal(*head).people == [] and Deal(*head).people is not Deal(*head).people
    assert made[1][0].to_json()["people"] == [{"id": 1, "name": "Dana", "company": None}]


def test_written_out_history_records_behave_as_their_dataclasses() -> None:
    """HistoryEntry and History are written out (frozen.py's Plain): the same
    parameters and defaults, equality, no hash and the repr the dataclass had."""
    from datetime import UTC, date, datetime

    from wintogether.domain.history import History, HistoryEntry

    when = datetime(2026, 1, 2, tzinfo=UTC)
    samples: dict[type, list[tuple[object, ...]]] = {
        HistoryEntry: [(when, "conversation"), (when, "deal", None, None, None, None, None, 1, "won")],
        History: [(date(2026, 1, 1), date(2026, 1, 2), []), (date(2026, 1, 1), date(2026, 1, 3), [1]),
                  (date(2026, 1, 1), date(2026, 1, 3), [1], 4)],
    }  # fmt: skip
    for cls, values in samples.items():
        fields = []
        for name, parameter in inspect.signature(cls).parameters.items():
            if parameter.default is not inspect.Parameter.empty:
                assert parameter.default is None or type(parameter.default) is int
                fields.append((name, object, dataclasses.field(default=parameter.default)))
            else:
                fields.append((name, object))
        assert tuple(name for name, *_ in fields) == cls._fields  # type: ignore[attr-defined]
        theirs = dataclasses.make_dataclass(cls.__qualname__, fields)
        assert cls.__hash__ is None
        made = [(cls(*v), theirs(*v)) for v in values]
        for a, b in made:
            assert repr(a) == repr(b)
            for c, d in made:
                assert (a == c) == (b == d) and (a != c) == (b != d)


def test_written_out_account_records_behave_as_their_dataclasses() -> None:
    """The records an account view, `wt companies` and a relationship's health
    make are written out (frozen.py): the same parameters and defaults, a new
    list per record, equality, hash (or none), immutability when frozen and
    the repr the dataclass had; an account person's ``assess`` is neither shown
    nor compared."""
    from collections import Counter
    from datetime import UTC, date, datetime

    from wintogether.domain.accounts import Account, AccountPerson, CompanyRowView
    from wintogether.domain.cadence import Attention
    from wintogether.domain.deals import AccountDeals
    from wintogether.domain.health import Balance, Health, WordRecord
    from wintogether.models import ContactRef
    from wintogether.store.accounts import CompanyFigures, WarmPerson
    from wintogether.store.companies import CompanyRow
    from wintogether.store.standings import LedgerFigures

    when = datetime(2026, 1, 2, tzinfo=UTC)
    ref, other = ContactRef(1, "Dana", "Acme"), ContactRef(2, "Lee", None)
    word = WordRecord("me", 1, (2, 3), 1, 0)
    attention = Attention(ref, 3, 30, "default", 0.1, True)
    row = CompanyRow(1, "u", "Acme", ["Acme Inc"], "c", "u")

    def assess() -> Health:
        raise AssertionError("not assessed")

    frozen = {WordRecord, Health, AccountDeals, CompanyFigures, WarmPerson, LedgerFigures}
    lists = {CompanyRow: {"aliases"}}
    samples: dict[type, list[tuple[object, ...]]] = {
        CompanyRow: [(1, "u", "Acme"), (1, "u", "Acme", ["A"], "c", "u"), (2, "v", "B")],
        WordRecord: [("me",), ("them", 1, (2,), 3, 4), ("me", 0, (), 0, 0)],
        Health: [(ref, attention, word, word, Balance()), (other, attention, word, word, Balance())],
        AccountDeals: [([], []), ([1], [])],
        CompanyFigures: [
            (1, "A", 3, 0.5, None, ()), (1, "A", 3, 0.5, "2026", ("user",)), (2, "B", 1, 1.0, None, ()),
        ],
        WarmPerson: [(ref, 3, 30, "default", True), (other, 3, 30, "tag x", False)],
        LedgerFigures: [(ref, 1, 2, "got", "2026-01-02T00:00:00Z", False), (other, 0, 1, "gave", "x", True)],
        CompanyRowView: [(row, 3, attention, when, Counter(user=1)), (row, 3, None, None, Counter())],
        AccountPerson: [
            (ref, "CTO", "user", None, True, assess),
            (ref, "CTO", "user", None, True, lambda: None),
            (ref, None, None, other, False, assess, when, date(2026, 1, 1), "B", "C", None, True),
        ],
        Account: [
            (row, [], [], [], [], [], [], Balance(), word, word, date(2026, 1, 1)),
            (row, [], [], [], [("2026-01", 3)], [], [], Balance(), word, word, date(2026, 1, 1)),
            (row, [], [], [], [], [], [], Balance(), word, word, date(2026, 1, 1), 200, 10, 130),
        ],
    }  # fmt: skip
    for cls, values in samples.items():
        fields: list[tuple[str, object, object] | tuple[str, object]] = []
        for name, parameter in inspect.signature(cls).parameters.items():
            if name in lists.get(cls, ()):
                fields.append((name, object, dataclasses.field(default_factory=list)))
            elif name == "assess":
                fields.append((name, object, dataclasses.field(repr=False, compare=False)))
            elif name == "as_of":
                fields.append((name, object, dataclasses.field(default_factory=date.today)))
            elif parameter.default is not inspect.Parameter.empty:
                fields.append((name, object, dataclasses.field(default=parameter.default)))
            else:
                fields.append((name, object))
        shown = tuple(name for name, *_ in fields if name != "assess")
        assert shown == cls._fields  # type: ignore[attr-defined]
        theirs = dataclasses.make_dataclass(cls.__qualname__, fields, frozen=cls in frozen)
        assert (theirs.__hash__ is None) == (cls.__hash__ is None)
        made = [(cls(*v), theirs(*v)) for v in values]
        for a, b in made:
            assert repr(a) == repr(b)
            if cls in frozen:
                hashable = True
                try:
                    hash(b)
                except TypeError:
                    hashable = False
                    with pytest.raises(TypeError):
                        hash(a)
                if hashable:
                    assert hash(a) == hash(b)
                with pytest.raises(dataclasses.FrozenInstanceError):
                    a.x = 1
            for c, d in made:
                assert (a == c) == (b == d) and (a != c) == (b != d)
            assert (a == "other") == (b == "other")
    assert CompanyRow(1, "u", "A").aliases == [] and CompanyRow(1, "u", "A").aliases is not (
        CompanyRow(1, "u", "A").aliases
    )
    made_today = Account(row, [], [], [], [], [], [], Balance(), word, word)
    assert made_today.as_of == date.today()


def assert_like_its_dataclass(
    cls: type, values: list[tuple[object, ...]], *, frozen: bool, lists: tuple[str, ...] = ()
) -> None:
    """``cls``, written out (frozen.py), behaves as the dataclass it was: the
    same fields in order with the same defaults (``lists``: a new list for
    each), the same repr, equality, hash or none, and immutability when
    frozen. The dataclass is made from ``cls``'s own signature."""
    fields: list[tuple[str, object, object] | tuple[str, object]] = []
    for name, parameter in inspect.signature(cls).parameters.items():
        if name in lists:
            fields.append((name, object, dataclasses.field(default_factory=list)))
        elif parameter.default is not inspect.Parameter.empty:
            fields.append((name, object, dataclasses.field(default=parameter.default)))
        else:
            fields.append((name, object))
    assert tuple(name for name, *_ in fields) == cls._fields  # type: ignore[attr-defined]
    theirs = dataclasses.make_dataclass(cls.__qualname__, fields, frozen=frozen)
    assert (cls.__hash__ is None) == (theirs.__hash__ is None)
    made = [(cls(*v), theirs(*v)) for v in values]
    for a, b in made:
        assert repr(a) == repr(b)
        assert cls(**{n: getattr(a, n) for n in cls._fields}) == a  # type: ignore[attr-defined]
        if frozen:
            try:
                expected = hash(b)
            except TypeError:  # a list among the fields: neither hashes
                with pytest.raises(TypeError):
                    hash(a)
            else:
                assert hash(a) == expected
            with pytest.raises(dataclasses.FrozenInstanceError):
                a.x = 1  # type: ignore[attr-defined]
            with pytest.raises(dataclasses.FrozenInstanceError):
                delattr(a, cls._fields[0])  # type: ignore[attr-defined]
        else:
            with pytest.raises(TypeError):
                hash(a)
        for c, d in made:
            assert (a == c) == (b == d) and (a != c) == (b != d)
        assert (a == "other") == (b == "other")
    required = [v for v in values[0][: sum(len(f) == 2 for f in fields)]]
    first, second = cls(*required), cls(*required)
    for name in lists:  # a new list for each record made without one
        assert getattr(first, name) == [] and getattr(first, name) is not getattr(second, name)


def test_written_out_path_search_and_balance_records_behave_as_their_dataclasses() -> None:
    """The records `wt path`, `wt search` and `wt balance` make are written out
    (frozen.py), so that none of them imports the dataclasses module."""
    from datetime import UTC, datetime

    from wintogether.domain.health import Balance
    from wintogether.domain.ledger import BalanceRow, BalanceView
    from wintogether.domain.paths import PathLine, Paths, Strength
    from wintogether.domain.search import Result
    from wintogether.models import ContactRef
    from wintogether.store.reports import SearchHit

    ref, other = ContactRef(1, "Dana", "Acme"), ContactRef(2, "Lee", None)
    strength = Strength(1.0, 2.0, 3.0, 4.0, 5, 6, 7, 8, Balance())
    line = PathLine(1, ref, "works there", strength)
    when = datetime(2026, 1, 2, tzinfo=UTC)
    assert_like_its_dataclass(
        PathLine,
        [(1, ref, "works there", strength), (2, other, "knows", strength, ["x"]), (1, ref, "t", strength, [])],
        frozen=False,
        lists=("links",),
    )  # fmt: skip
    assert_like_its_dataclass(
        Paths, [("Acme", "company", [line]), ("Acme", "company", [line], None), ("Lee", "contact", [])],
        frozen=False,
    )  # fmt: skip
    assert_like_its_dataclass(
        SearchHit,
        [("contact", 1, -1.5, "a", None, None, None), ("promise", 2, -0.5, "b", "2026", 1, "Dana")],
        frozen=True,
    )
    assert_like_its_dataclass(
        Result,
        [("contact", 1, -1.5, "a", [(0, 1)], None, None, None),
         ("deal", 2, -0.5, "b", [], str(when), 1, "Dana")],
        frozen=True,
    )  # fmt: skip
    assert_like_its_dataclass(
        BalanceRow, [(ref, Balance(), 0), (other, Balance(), 2)], frozen=False
    )
    assert_like_its_dataclass(
        BalanceView, [([], [], []), ([], [], [], ref), ([BalanceRow(ref, Balance(), 1)], [], [])],
        frozen=False,
    )  # fmt: skip


def test_written_out_show_and_followups_records_behave_as_their_dataclasses() -> None:
    """The records `wt show` and `wt followups` make are written out
    (frozen.py): the same parameters and defaults, a new list per record,
    equality, hash (or none), immutability for the promise filter and the repr
    the dataclass had."""
    from datetime import UTC, date, datetime

    from wintogether.domain.contacts import Profile, TimelineEntry
    from wintogether.domain.promises import PromiseFilter
    from wintogether.domain.referrals import Introduction, Introductions
    from wintogether.models import ContactRef, Win

    when = datetime(2026, 1, 2, tzinfo=UTC)
    ref, other = ContactRef(1, "Dana", "Acme"), ContactRef(2, "Lee", None)
    intro, later = Introduction(ref, date(2026, 1, 1), 3), Introduction(other, None)
    win = Win(1, "u", ref, "a", "b", when, when)
    lists = {Introductions: {"introduced_you_to", "you_introduced"}}
    samples: dict[type, list[tuple[object, ...]]] = {
        Introduction: [(ref, date(2026, 1, 1), 3), (ref, date(2026, 1, 1)), (other, None, None)],
        Introductions: [(), (intro,), (None, [intro], [later]), (None, [], [later]), (later, [])],
        TimelineEntry: [
            (when, "conversation"), (when, "win", None, None, None, win),
            (when, "job_change", None, None, None, None, "event"), (when, "conversation", "c"),
        ],
        Profile: [
            ("contact", "attention", [], [], 0), ("contact", "attention", ["p"], ["t"], 3, "h", intro),
            ("contact", "attention", [], [], 0, None, Introductions()),
        ],
        PromiseFilter: [(), (True, "7d", True, False, True), (False, None, False, True), (True,)],
        Win: [(1, "u", ref, "a", "b", when, when), (2, "v", other, "c", "d", when, when)],
    }  # fmt: skip
    for cls, values in samples.items():
        assert_like_its_dataclass(
            cls, values, frozen=cls is PromiseFilter, lists=tuple(sorted(lists.get(cls, ())))
        )
    assert PromiseFilter(mine=True) == PromiseFilter(False, None, False, True, False)
    assert PromiseFilter.__init__.__defaults__ == (False, None, False, False, False)
    first, second = Introductions(), Introductions()
    assert first.introduced_you_to == [] and first.introduced_you_to is not second.introduced_you_to
    assert first.you_introduced is not second.you_introduced
    assert first.you_introduced is not first.introduced_you_to
    assert not first and Introductions(intro) and Introductions(None, [], [later])


def test_written_out_plan_records_behave_as_their_dataclasses() -> None:
    """A deal's plan step, the plan as it stands (its steps and risks) and the
    plan shared with the buyer are written out (frozen.py): the same parameters
    and defaults, a new list per plan for each list left out, equality, hash (or
    none), immutability when frozen and the repr the dataclass had."""
    from datetime import UTC, date, datetime

    from wintogether.domain.plan import SharedPlan, SharedStep
    from wintogether.domain.planview import PlanView, Risk, StepView
    from wintogether.models import ContactRef, Deal, PlanStep, Promise

    when = datetime(2026, 1, 2, tzinfo=UTC)
    day = date(2026, 1, 5)
    ref = ContactRef(1, "Dana", "Acme")
    promise = Promise(1, "p", ref, None, "Send the DPA", day, "me", "open", None, None, when)
    kept = Promise(2, "q", ref, None, "Review", day, "them", "done", when, "ok", when)
    deal = Deal(1, "u", "Renewal", "Acme", day, "a", "b", "open", None, None, None, when, when)
    step = PlanStep(1, "s", 1, 1, False, None, promise)
    other = PlanStep(2, "t", 1, 2, True, 1, kept)
    seen = StepView(1, step, "overdue", 3, None, 1, day, True)
    risk = Risk(1, "Send the DPA", 3, 1)
    shared = SharedStep(1, "Send the DPA", "us", "seller", day, "to do", None, False, None, "s")
    frozen = {StepView, Risk, SharedStep, SharedPlan}
    lists: dict[type, set[str]] = {PlanView: {"steps", "critical_path", "risks", "statuses"}}
    samples: dict[type, list[tuple[object, ...]]] = {
        PlanStep: [(1, "s", 1, 1, False, None, promise), (2, "t", 1, 2, True, 1, kept)],
        StepView: [
            (1, step, "overdue", 3, None, 1, day, True), (1, step, "overdue", 3, None, 1, day, True),
            (2, other, "done on time", 0, 1, 0, None, False),
        ],
        Risk: [(1, "Send the DPA", 3, 1), (2, "Review", 0, 0), (1, "Send the DPA", 3, 1)],
        PlanView: [
            (deal, day),
            (deal, day, [seen], [1], day, [risk], ["overdue"]),
            (deal, date(2026, 1, 6), [], [], None, [], []),
        ],
        SharedStep: [
            (1, "Send the DPA", "us", "seller", day, "to do", None, False, None, "s"),
            (2, "Review", "Dana", "buyer", day, "done", day, True, 1, "t"),
        ],
        SharedPlan: [
            ("u", "Renewal", "Acme", day, "a", "b", [shared], day),
            ("u", "Renewal", None, None, None, None, [], day),
        ],
    }  # fmt: skip
    for cls, values in samples.items():
        assert_like_its_dataclass(
            cls, values, frozen=cls in frozen, lists=tuple(sorted(lists.get(cls, ())))
        )
    assert hash(risk) == hash(Risk(1, "Send the DPA", 3, 1))
    first, second = PlanView(deal, day), PlanView(deal, day)
    for name in lists[PlanView]:
        assert getattr(first, name) == [] and getattr(first, name) is not getattr(second, name)
    assert len({id(getattr(first, name)) for name in lists[PlanView]}) == 4  # one list each
    first.projected_end = day  # assignable, as the dataclass
    step.position = 3
    assert first.mine is first.mine and first.mine.owner == "me"  # cached on the plan
    assert "mine" not in repr(first) and first == PlanView(deal, day, projected_end=day)
