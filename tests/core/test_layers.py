"""The core's rooms: no import cycle among its modules, and storage imports nothing above the model.

Imports are read from the source (``ast``), inside functions too: a function-level
import hides a cycle from the interpreter, not from a reader.
"""
from __future__ import annotations

import ast
from pathlib import Path

import xuefen

CORE = Path(xuefen.__file__).resolve().parent


def _module_name(path: Path) -> str:
    rel = path.relative_to(CORE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _graph() -> dict[str, set[str]]:
    """Module → the xuefen modules it imports anywhere in its source (``TYPE_CHECKING`` blocks aside)."""
    mods = {_module_name(p): p for p in CORE.rglob("*.py") if "migrations" not in p.parts}
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set()
        for node in ast.walk(tree):  # `if TYPE_CHECKING:` imports are annotations only
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                skip.update(id(n) for n in ast.walk(node))
        deps = set()
        for node in ast.walk(tree):
            if id(node) in skip:
                continue
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("xuefen"):
                for alias in node.names:  # `from xuefen import audit` imports the module xuefen.audit
                    full = f"{node.module}.{alias.name}"
                    deps.add(full if full in mods else node.module)
            elif isinstance(node, ast.Import):
                deps.update(a.name for a in node.names if a.name.startswith("xuefen"))
        graph[name] = {d for d in deps if d in mods and d != name and not name.startswith(d + ".")
                       and d != "xuefen"}
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for d in sorted(graph.get(n, ())):
            if state.get(d) == 1:
                return stack[stack.index(d):] + [d]
            if d not in state and (found := visit(d)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_the_core_has_no_import_cycle_counting_imports_inside_functions():
    cycle = _cycle(_graph())
    assert cycle is None, "import cycle: " + " -> ".join(cycle)


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


#: what the storage layer may import from the core: the model, errors, the field parsers it maps with
STORE_MAY_IMPORT = {"xuefen.model", "xuefen.errors", "xuefen.io.fields"}


def test_storage_imports_nothing_above_the_model():
    graph = _graph()
    for name, deps in graph.items():
        if name.startswith("xuefen.store"):
            above = {d for d in deps if not d.startswith("xuefen.store") and d not in STORE_MAY_IMPORT}
            assert not above, f"{name} imports {sorted(above)}"
