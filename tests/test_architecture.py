"""The house's rules (ARCHITECTURE.md): rooms import only rooms below them, no import circles,
Streamlit only in the Streamlit side, and the product never imports the benchmarks."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
# Lowest first: a module may import its own room and the rooms before it, never after.
ROOMS = ("ground", "data", "charts", "present", "cli", "app")
GROUND = {
    "plans.db",
    "plans.settings",
    "plans.messages",
    "plans.auth",
    "plans.numbers",
    "plans.escape",
}


def _module(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_module(p): p for p in sorted((ROOT / "plans").rglob("*.py"))}


def _room(module: str) -> str:
    if module in GROUND or module == "plans":
        return "ground"
    if module == "plans.__main__":
        return "cli"
    return module.split(".")[1]


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function (a late import still ties)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from plans.data import imports` imports the module plans.data.imports
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


GRAPH = {
    module: {m for m in _imports(path) if m in MODULES and m != module}
    for module, path in MODULES.items()
}


def _circles() -> list[list[str]]:
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(module: str) -> None:
        state[module] = 1
        path.append(module)
        for target in sorted(GRAPH[module]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target)
        path.pop()
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module)
    return circles


def test_the_walk_sees_the_imports() -> None:
    assert {"plans.data.build", "plans.data.registry"} <= GRAPH["plans.data.imports"]
    assert "plans.app.cache" in GRAPH["plans.app.ui"]


def test_no_import_circles_in_plans() -> None:
    assert [] == _circles()


def test_a_circle_is_found_when_there_is_one(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(GRAPH, "plans.data.registry", {"plans.data.imports"})
    found = _circles()
    assert found, "registry -> imports -> registry is a circle"
    assert all(c[0] == c[-1] for c in found)
    assert any({"plans.data.registry", "plans.data.imports"} <= set(c) for c in found)


def test_rooms_import_only_rooms_below_them() -> None:
    upward = [
        f"{module} ({_room(module)}) imports {target} ({_room(target)})"
        for module, targets in GRAPH.items()
        for target in targets
        if ROOMS.index(_room(target)) > ROOMS.index(_room(module))
    ]
    assert [] == upward


def _streamlit_importers(paths: list[Path]) -> list[str]:
    return sorted(
        str(p.relative_to(ROOT))
        for p in paths
        if any(m == "streamlit" or m.startswith("streamlit.") for m in _imports(p))
    )


def test_only_the_streamlit_side_imports_streamlit() -> None:
    outside_app = [p for m, p in MODULES.items() if _room(m) != "app"]
    assert [] == _streamlit_importers(outside_app)


def test_the_product_never_imports_the_benchmarks() -> None:
    product = [*MODULES.values(), *(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"]
    assert [] == sorted(
        str(p.relative_to(ROOT))
        for p in product
        if any(m == "benchmarks" or m.startswith("benchmarks.") for m in _imports(p))
    )


def test_pages_hold_no_sql_and_no_duckdb() -> None:
    pages = [*(ROOT / "pages").glob("*.py"), ROOT / "dashboard.py"]
    assert [] == sorted(str(p.relative_to(ROOT)) for p in pages if "duckdb" in _imports(p))
