"""Every region distribution has the same layout, so a newcomer finds a rule and its hook at once.

A plugin package is one rules module (every rule table and constant of the distribution),
one hooks module (the entry point of its root region, and what its regions share) and one
child module per further entry point (a child region's ``REGION`` and hooks only), with its
labels (``labels``) and demo data (``demo``) beside them: no private helper module. The
rules module imports nothing of the package (rules are data), no module but a child imports
a child, and the package has no import cycle, counting imports inside functions (read from
the source with ``ast``, as tests/core/test_layers.py reads the core).
"""
from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

from tests.core.test_layers import _cycle

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())
#: the modules every package may hold besides its child modules
SHARED = {"__init__", "rules", "hooks", "labels", "demo"}


def _entry_modules(dist: Path) -> list[str]:
    meta = tomllib.loads((dist / "pyproject.toml").read_text(encoding="utf-8"))
    return list(meta["project"]["entry-points"]["xuefen.regions"].values())


def _imports(path: Path, package: str, modules: set[str]) -> set[str]:
    """The package's modules (short names) that ``path`` imports anywhere in its source."""
    deps = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module == package:  # `from pkg import hooks as province`
                deps.update(a.name for a in node.names if a.name in modules)
            elif node.module.startswith(package + "."):
                deps.add(node.module.split(".")[1])
        elif isinstance(node, ast.ImportFrom) and node.level:  # relative: `from .rules import RULES`
            if node.module:
                deps.add(node.module.split(".")[0])
            else:
                deps.update(a.name for a in node.names if a.name in modules)
        elif isinstance(node, ast.Import):
            deps.update(a.name.split(".")[1] for a in node.names if a.name.startswith(package + "."))
    return {d for d in deps if d in modules and d != path.stem}


def layout_problems(src: Path, entry_modules: list[str]) -> list[str]:
    """What breaks the layout in the package directory ``src`` with these entry points (dotted names)."""
    package = src.name
    modules = {p.stem for p in src.glob("*.py")}
    children = {m.split(".", 1)[1] for m in entry_modules if m.split(".", 1)[1] != "hooks"}
    problems = []
    for m in entry_modules:
        if m.split(".", 1)[0] != package or m.split(".", 1)[1] not in modules:
            problems.append(f"entry point {m} is not a module of {package}")
    for needed in ("rules", "hooks"):
        if needed not in modules:
            problems.append(f"{package} has no {needed} module")
    extra = sorted(modules - SHARED - children)
    if extra:
        problems.append(f"{package}: module(s) {', '.join(extra)} beside rules, hooks, the child modules "
                        f"({', '.join(sorted(children)) or 'none'}), labels and demo: move their tables to rules, "
                        f"their shared helpers to hooks")
    graph = {m: _imports(src / f"{m}.py", package, modules) for m in modules}
    if graph.get("rules"):
        problems.append(f"{package}.rules imports {', '.join(sorted(graph['rules']))}: the rules module is data")
    for m, deps in sorted(graph.items()):
        if m not in children and deps & children:
            problems.append(f"{package}.{m} imports the child module(s) {', '.join(sorted(deps & children))}")
    cycle = _cycle(graph)
    if cycle:
        problems.append(f"{package}: import cycle " + " -> ".join(cycle))
    return problems


@pytest.mark.parametrize("dist", PLUGINS, ids=lambda p: p.name)
def test_each_plugin_is_rules_hooks_and_its_child_modules(dist):
    entries = _entry_modules(dist)
    (src,) = {dist / "src" / m.split(".", 1)[0] for m in entries}
    assert layout_problems(src, entries) == []


def test_the_layout_check_names_a_helper_module_a_child_import_and_a_cycle(tmp_path):
    src = tmp_path / "xuefen_x"
    src.mkdir()
    (src / "__init__.py").write_text("")
    (src / "rules.py").write_text("from xuefen_x.common import F\n")
    (src / "common.py").write_text("F = 1\n")
    (src / "hooks.py").write_text("def f():\n    from xuefen_x import city\n")
    (src / "city.py").write_text("from xuefen_x import hooks as province\n")
    problems = layout_problems(src, ["xuefen_x.hooks", "xuefen_x.city"])
    assert any("module(s) common beside" in p for p in problems), problems
    assert any("xuefen_x.rules imports common" in p for p in problems), problems
    assert any("xuefen_x.hooks imports the child module(s) city" in p for p in problems), problems
    assert any("import cycle city -> hooks -> city" in p for p in problems), problems


#: result types the rule table builds (xuefen.rules.RuleTable), and where their article is given positionally
BUILT = {"Warning": 1, "Flag": 1, "Requirement": 1, "Refusal": 2, "Entry": None}


def _row_article(node) -> bool:
    """``R["X"].article`` or ``R.article("X")``: an article read from a rule table by id."""
    if isinstance(node, ast.Attribute) and node.attr == "article":
        return isinstance(node.value, ast.Subscript)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "article"


def _row_value(node) -> bool:
    """``R["X"].values["key"]`` or ``R.value("X", "key")``."""
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Attribute):
        return node.value.attr == "values" and isinstance(node.value.value, ast.Subscript)
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "value"


def hand_built(source: str) -> list[str]:
    """Results built by hand from a table's row where the table's helper builds the same one.

    A flag that vetoes its year (``vetoes_year``, which ``R.flag`` does not take) and a requirement
    with a computed threshold (not a row's value) are the plugin's own; everything else citing
    ``R[id].article`` is ``R.entry``/``R.refuse``/``R.warning``/``R.flag``/``R.requirement``.
    """
    out = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in BUILT):
            continue
        name, kw = node.func.id, {k.arg: k.value for k in node.keywords}
        pos = BUILT[name]
        article = kw.get("article") if pos is None or len(node.args) <= pos else node.args[pos]
        if article is None or not _row_article(article):
            continue
        if name == "Flag" and "vetoes_year" in kw:
            continue
        if name == "Requirement" and not all(_row_value(kw[k]) for k in ("minimum", "maximum", "share") if k in kw):
            continue
        out.append(f"line {node.lineno}: {ast.unparse(node)[:100]}")
    return out


@pytest.mark.parametrize("dist", PLUGINS, ids=lambda p: p.name)
def test_plugins_cite_through_their_table_not_by_hand(dist):
    found = {str(p.relative_to(ROOT)): hand_built(p.read_text(encoding="utf-8"))
             for p in sorted((dist / "src").rglob("*.py"))}
    assert {p: f for p, f in found.items() if f} == {}


def test_the_hand_built_check_names_what_the_table_builds():
    src = '''
a = Warning("K-C1", R["K-C1"].article, "m", activity=act.id)
b = Requirement("K-R1", R.article("K-R1"), "hours", minimum=R["K-R1"].values["minimum"])
c = Entry(activity=act.id, year=2020, date=d, rule="K-C1", article=R["K-C1"].article)
ok1 = Flag("C-V1", R["C-V1"].article, "veto", "m", vetoes_year=True)
ok2 = Requirement("L-S2", R.article("L-S2"), "hours", minimum=threshold)
ok3 = Warning(first["rule"], first["article"], "m")
'''
    found = hand_built(src)
    assert [f.split(":")[0] for f in found] == ["line 2", "line 3", "line 4"], found
