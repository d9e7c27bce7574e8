"""The shape of the code stays as docs/architecture.md draws it.

Every import in src/ (at module top or inside a function: a lazy import is still a
dependency) is read with ``ast``. Two rules:

1. No module imports a layer above its own (the table ``LAYERS``).
2. No import circles between modules, lazy imports included.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = SRC / "wintogether"

#: Each top-level room and its layer: a module may import its own layer (inside its
#: own room) or any lower one, never a higher one. Read bottom to top.
LAYERS: dict[str, int] = {
    # The ground: plain values and helpers that know nothing of the program.
    "errors": 0,
    "clock": 0,
    "halving": 0,
    "text": 0,
    "models": 0,
    "paths": 0,
    "patterns": 0,
    "records": 0,
    "frozen": 0,
    "interrupt": 0,
    "__init__": 0,
    # Parsing and settings, files on disk.
    "dates": 1,
    "files": 1,
    "reading": 1,
    "config": 2,
    "config_defaults": 2,
    "config_record": 2,
    # Storage and file formats: each stands on the ground alone.
    "store": 3,
    "formats": 3,
    # The product's ideas.
    "domain": 4,
    # Showing results.
    "render": 5,
    # The command line, on top of everything.
    "cli": 6,
    "__main__": 7,
}

#: Rooms of one layer that must not import each other.
SIBLINGS_APART = {("store", "formats"), ("formats", "store")}


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(SRC).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def imports_of(name: str, path: Path, known: set[str]) -> Iterator[tuple[str, int]]:
    """The modules of ours that ``name`` imports, with the line of each import."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield from _ours(alias.name, node.lineno, known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                # `from pkg import module` imports the module; `from mod import name` the module.
                candidate = f"{base}.{alias.name}"
                target = candidate if candidate in known else base
                yield from _ours(target, node.lineno, known)


def _ours(target: str, line: int, known: set[str]) -> Iterator[tuple[str, int]]:
    while target and target not in known:
        target = target.rpartition(".")[0]
    if target.startswith("wintogether"):
        yield target, line


@functools.cache  # two tests read it; the sources do not change during a run
def graph() -> dict[str, dict[str, int]]:
    found = modules()
    known = set(found)
    edges: dict[str, dict[str, int]] = {}
    for name, path in found.items():
        edges[name] = {}
        for target, line in imports_of(name, path, known):
            if target != name:
                edges[name].setdefault(target, line)
    return edges


def room(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_every_room_has_a_layer() -> None:
    rooms = {room(name) for name in modules()}
    assert rooms - set(LAYERS) == set(), "add the new room to LAYERS and docs/architecture.md"


def test_no_module_imports_a_layer_above_it() -> None:
    wrong = []
    for source, targets in graph().items():
        for target, line in targets.items():
            here, there = room(source), room(target)
            if there == here or there == "__init__":
                continue
            if LAYERS[there] > LAYERS[here] or (here, there) in SIBLINGS_APART:
                wrong.append(f"{source}:{line} imports {target} ({here} → {there})")
    assert wrong == []


def test_no_import_circles() -> None:
    edges = graph()
    circles = _strongly_connected(edges)
    described = [" → ".join([*sorted(c), sorted(c)[0]]) for c in circles]
    assert described == []


def _strongly_connected(edges: dict[str, dict[str, int]]) -> list[set[str]]:
    """Tarjan's algorithm; components of more than one module are circles."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, {}):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.add(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return found


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from wintogether.store import backup\n", {"wintogether.store.backup"}),
        ("from wintogether.store.connection import x\n", {"wintogether.store.connection"}),
        ("from . import backup\n", {"wintogether.store.backup"}),
        ("def f():\n    import wintogether.dates\n", {"wintogether.dates"}),
        ("import json\n", set()),
    ],
)
def test_the_reader_sees_every_kind_of_import(
    tmp_path: Path, source: str, expected: set[str]
) -> None:
    """The checker itself can fail: it finds top-level, relative and lazy imports."""
    path = tmp_path / "journal.py"
    path.write_text(source, encoding="utf-8")
    known = {
        "wintogether.store",
        "wintogether.store.backup",
        "wintogether.store.connection",
        "wintogether.dates",
    }
    found = {target for target, _ in imports_of("wintogether.store.journal", path, known)}
    assert found == expected


def test_a_circle_is_found() -> None:
    edges = {"a": {"b": 1}, "b": {"c": 1}, "c": {"a": 1}, "d": {"a": 1}}
    assert _strongly_connected(edges) == [{"a", "b", "c"}]
