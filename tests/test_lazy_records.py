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
