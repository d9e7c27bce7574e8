"""The JSON every command writes (text.indented_json): the json module's text
with indent=2, written without its pure-Python encoder."""

from __future__ import annotations

import enum
import json
import random
from collections import Counter
from typing import Any

import pytest

from wintogether.text import indented_json, json_safe, read_json


class Level(enum.IntEnum):
    HIGH = 3


class Kind(enum.StrEnum):
    NOTE = "note\u00e9"


SCALARS: list[Any] = [
    None, True, False, 0, -5, 10**20, 1.5, -0.0, 1e300, 2.0, float("nan"), float("inf"),
    -float("inf"), "", "plain", 'q"b\\s\n\t\x00\x1f\x7f\x85\u200b\u2028\U000e0041\U0001f600é',
    Level.HIGH, Kind.NOTE,
]  # fmt: skip
KEYS: list[Any] = ["k", "", "é\u2028", 1, 2.5, True, False, None, Level.HIGH, "z\n"]


def _value(rng: random.Random, depth: int = 0) -> Any:
    roll = rng.random()
    if depth > 4 or roll < 0.5:
        return rng.choice(SCALARS)
    if roll < 0.75:
        items = [_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]
        return items if rng.random() < 0.7 else tuple(items)
    out: dict[Any, Any] = {} if rng.random() < 0.8 else Counter()
    for _ in range(rng.randrange(0, 4)):
        out[rng.choice(KEYS)] = _value(rng, depth + 1)
    return out


def test_the_same_text_as_the_json_module() -> None:
    rng = random.Random(16)
    for _ in range(3000):
        value = _value(rng)
        dumped = json.dumps(value, ensure_ascii=False, indent=2)
        assert indented_json(value) == dumped
        assert indented_json(value, safe=True) == json_safe(dumped)


@pytest.mark.parametrize("bad", [{(1,): 2}, {1: object()}, [{1, 2}]])
def test_what_the_json_module_refuses_is_refused(bad: Any) -> None:
    with pytest.raises(TypeError) as theirs:
        json.dumps(bad, ensure_ascii=False, indent=2)
    with pytest.raises(TypeError) as ours:
        indented_json(bad)
    assert str(ours.value) == str(theirs.value)


def _same(a: Any, b: Any) -> bool:
    """Equal, NaN equal to NaN, and of the same types throughout."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and a != a:
        return b != b
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    return bool(a == b)


def test_read_json_reads_what_json_loads_reads_and_refuses_what_it_refuses() -> None:
    """text.read_json (the C scanner without the json package) gives the value
    json.loads gives, and its error where it raises one."""
    rng = random.Random(17)
    texts = [
        json.dumps(_value(rng), ensure_ascii=rng.random() < 0.5, indent=rng.choice([None, 2]))
        for _ in range(2000)
    ]
    texts += [
        "", " ", "\t\n 1 \r\n", "{", "}", "[1,]", "1 2", "nul", "NaN", "-Infinity", "[Infinity]",
        '{"a": 1}x', '{"a": 1} ', '\ufeff{"a": 1}', '{"a": 1, "a": 2}', '"\\ud800"', '"\x00"',
        '{"company": "Acme", "title": null}', "1e400", "-0", "01", '"\\u00e9\\ud83d\\ude00"',
        "[" * 50 + "]" * 50, '{"a" 1}', "tru", "\u00a01",
    ]  # fmt: skip
    for text in texts:
        try:
            theirs = json.loads(text)
        except ValueError as error:
            with pytest.raises(ValueError) as ours:
                read_json(text)
            assert type(ours.value) is type(error) and str(ours.value) == str(error)
            continue
        assert _same(read_json(text), theirs), text


def test_one_string_as_the_safe_json_module_writes_it() -> None:
    """``json_string`` (each string of the JSON written by hand) is the json
    module's text made safe, for text in every script and every unsafe
    character: printable text is returned as encoded, the rest escaped."""
    from wintogether.text import json_string

    rng = random.Random(3)
    pool = [chr(c) for c in (*range(0, 0x250), *range(0x2000, 0x2070), 0xFEFF, 0x1F600, 0xE0041)]
    pool += ["日", "本", "é", "ß", "Ł", "\u0301"]
    for _ in range(4000):
        text = "".join(rng.choice(pool) for _ in range(rng.randrange(0, 8)))
        assert json_string(text) == json_safe(json.dumps(text, ensure_ascii=False)), repr(text)
    assert json_string(None) == "null"
