"""The store layer's modules import each other in one direction only.

Read from the source (every import, at the top of a module, inside a function
or under TYPE_CHECKING), so a lazy import cannot hide a circle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import wintogether.store

PACKAGE = "wintogether.store"
FOLDER = Path(wintogether.store.__file__).parent
ABOVE = ("wintogether.cli", "wintogether.domain", "wintogether.render", "wintogether.formats")


def module_name(path: Path) -> str:
    return PACKAGE if path.name == "__init__.py" else f"{PACKAGE}.{path.stem}"


def imports_of(path: Path) -> set[str]:
    """Every wintogether module ``path`` imports (a submodule named in a from-import counts)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                if (FOLDER / f"{alias.name}.py").exists() and node.module == PACKAGE:
                    found.add(candidate)
    return {name for name in found if name.startswith("wintogether")}


def store_graph() -> dict[str, set[str]]:
    graph = {}
    for path in sorted(FOLDER.glob("*.py")):
        graph[module_name(path)] = {
            name for name in imports_of(path) if name.startswith(PACKAGE + ".")
        } - {module_name(path)}
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import circle, as the path that closes it (empty when there is none)."""
    found: list[list[str]] = []
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> None:
        if node in path:
            found.append([*path[path.index(node) :], node])
            return
        if node in done:
            return
        for nxt in sorted(graph.get(node, ())):
            visit(nxt, [*path, node])
        done.add(node)

    for start in sorted(graph):
        visit(start, [])
    return found


def test_no_module_in_store_imports_one_that_imports_it_back() -> None:
    graph = store_graph()
    assert len(graph) > 10  # the measurement itself works
    assert circles(graph) == []


def test_the_circle_finder_finds_a_circle() -> None:
    """The check above can fail: the old connection -> migrations -> backup one."""
    old = {
        "connection": {"migrations"},
        "migrations": {"backup", "journal"},
        "backup": {"connection"},
        "journal": {"migrations"},
    }
    found = [set(circle) for circle in circles(old)]
    assert {"connection", "migrations", "backup"} in found
    assert {"migrations", "journal"} in found


def test_store_imports_no_layer_above_it() -> None:
    upward = {
        module_name(path): sorted(n for n in imports_of(path) if n.startswith(ABOVE))
        for path in FOLDER.glob("*.py")
    }
    assert {name: found for name, found in upward.items() if found} == {}
