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


# -- the core speaks of no region -------------------------------------------------------------------

#: terms only one region's rules use, which the core must not name (a region declares them)
REGION_ONLY_TERMS = ("normal_school_graduate", "on_paper", "famous_backbone", "cutover", "affiliation")
#: where the core may still name one, and why: the schema's history names what a migration moved, and the
#: stored stage keeps the key earlier versions wrote, for their readers
ALLOWED = {("xuefen.store.schema", "normal_school_graduate"), ("xuefen.store.repo", "on_paper")}
#: modules of human-facing text (field labels and column comments in Chinese and English), which may give a
#: region as an example as a docstring does, and label a field a region declares
TEXT_MODULES = {"xuefen.labels"}


def _region_words() -> set[str]:
    """Every installed region's code and the words of its name (``昆明市 Kunming``: 昆明市, 昆明, kunming)."""
    from xuefen import regions

    words = set()
    for code, rp in regions.installed().items():
        words |= {code.lower(), *code.lower().split("-")}
        for part in rp.region.name.split():  # its Chinese name, with and without 市/省/区
            if not part.isascii():
                words |= {part, part.rstrip("市省区")}
    return {w for w in words if len(w) >= 2}


def _code_words(path: Path) -> list[tuple[int, str]]:
    """(line, text) of every identifier and every string of ``path`` that is code, not documentation:
    names, attributes, arguments, keywords and string constants, docstrings and comments aside."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for stmt in body:  # a bare string statement documents (a docstring, an attribute's doc)
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                        and isinstance(stmt.value.value, str):
                    docstrings.add(id(stmt.value))
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            out.append((node.lineno, node.id))
        elif isinstance(node, ast.Attribute):
            out.append((node.lineno, node.attr))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.AsyncFunctionDef)):
            out.append((node.lineno, node.name))
        elif isinstance(node, ast.arg):
            out.append((node.lineno, node.arg))
        elif isinstance(node, ast.keyword) and node.arg:
            out.append((node.value.lineno, node.arg))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            out.append((node.lineno, node.value))
    return out


def _findings(words: set[str]) -> list[str]:
    import re

    found = []
    for path in sorted(CORE.rglob("*.py")):
        if "migrations" in path.parts:  # a migration's docstring and code say what it moved from where
            continue
        module = _module_name(path)
        if module in TEXT_MODULES:
            continue
        for line, text in _code_words(path):
            low = text.lower()
            for w in words | set(REGION_ONLY_TERMS):
                if (module, w) in ALLOWED:
                    continue
                if re.search(rf"(?<![a-z0-9_]){re.escape(w)}(?![a-z0-9_])", low) if w.isascii() else w in low:
                    found.append(f"{path.relative_to(CORE.parent)}:{line}: {w!r} in {text[:60]!r}")
    return found


def test_the_core_names_no_region_in_its_code():
    """No region code, region name or region-only term in the core's code (identifiers and strings; a
    docstring or comment may give a region as an example): what one region needs, it declares."""
    words = _region_words()
    assert {"kunming", "weifang", "昆明市"} <= words  # the regions the suite installs are all read
    found = _findings(words)
    assert not found, "\n".join(found)


def test_the_region_word_finder_finds_a_word_in_code_and_not_in_a_docstring(tmp_path):
    path = tmp_path / "m.py"
    path.write_text('"""Kunming, as an example."""\nPREFERRED = "kunming"\ndef f(on_paper):\n    """Weifang."""\n',
                    encoding="utf-8")
    texts = [t for _, t in _code_words(path)]
    assert "kunming" in texts and "on_paper" in texts and "Weifang." not in texts
    assert not any("Kunming, as" in t for t in texts)
