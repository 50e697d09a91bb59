"""pytest plugin: ``@pytest.mark.rule("K-C6", ...)`` names the rule ids a test is about, and holds it to them.

Registered from the root ``pyproject.toml`` (``-p tests.rule_marks``). A test marked with
rule ids fails unless, while it ran, the code under test *cited* every one of them:

* a decision xuefen built had it as its ``rule``, or named it in its prose (``note``,
  ``notes``, ``reason``, ``message``, ``detail``): Entry, Refusal, Warning, Flag,
  RequirementResult, Cycle, CertificateSpec, Transition, Stage, CohortLimit, Certificate, and
  any other attrs class of xuefen, its CLI or a plugin with a ``rule`` (found with
  ``attrs.fields``). Only what xuefen's code builds counts: a value the test builds (an input,
  an expected value) cites nothing;
* a declaration with that ``rule`` (a RuleRow's ``id``) was read by the test: Setting, RuleSet,
  Requirement, RuleRow, Migration. A region builds these whatever the input (every Kunming
  evaluation builds the K-C4, K-A2 and K-T1 settings), so building one proves nothing; a test
  that looks at one (a rule set's dates, a setting's default, a row's text) examines the rule;
* or the id appeared in text xuefen printed: a ``CliRunner`` result, the output of a
  subprocess the test read (``Popen.communicate``, so ``subprocess.run``), ``capsys``/``capfd``
  ``readouterr()``, or the test's captured stdout/stderr.

An id is matched whole: ``K-C1`` is not cited by ``K-C10``, nor ``Z-P1`` by ``SZ-P1``.

The wrappers (``__init__`` of the decisions, ``__getattribute__`` of the declarations, the
output readers) are installed only around a marked test and removed after it; they are paused
while a module- or session-wide fixture is set up, and every xuefen module is imported before
the first one, so what a test cites does not depend on which test ran first. An unmarked test
pays one stash lookup.

:func:`static_marks` reads the marks from the source (``ast``), so the meta-test
(``tests/core/test_rule_ids_tested.py``) sees the whole tree when only part of it is selected;
:data:`COLLECTED` (``config.stash``) holds the marks of the items this run collected.
"""
from __future__ import annotations

import ast
import functools
import importlib
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
#: rule id -> node ids of the collected tests marked with it
COLLECTED = pytest.StashKey[dict]()
_IDS = pytest.StashKey[tuple]()  # an item's marked ids


# -- reading marks --------------------------------------------------------------------------------


def marked_ids(item) -> tuple[str, ...]:
    """The rule ids an item's ``rule`` marks name (function, class and module marks), in order."""
    out: list[str] = []
    for mark in item.iter_markers("rule"):
        if not mark.args or mark.kwargs or not all(isinstance(a, str) and a.strip() for a in mark.args):
            raise pytest.UsageError(f"{item.nodeid}: @pytest.mark.rule takes rule ids as strings, "
                                    f"e.g. @pytest.mark.rule('K-C6'); got {mark.args!r} {mark.kwargs!r}")
        out += [a for a in mark.args if a not in out]
    return tuple(out)


def _is_rule_mark(node: ast.AST) -> bool:
    """``pytest.mark.rule`` or ``mark.rule`` (the callee of a mark)."""
    return (isinstance(node, ast.Attribute) and node.attr == "rule" and (
        (isinstance(node.value, ast.Attribute) and node.value.attr == "mark")
        or (isinstance(node.value, ast.Name) and node.value.id == "mark")))


def _calls(node: ast.AST):
    """The ``rule`` mark calls in an expression (a decorator, a ``pytestmark`` value, ``marks=``)."""
    for n in ast.walk(node):
        if isinstance(n, ast.Call) and _is_rule_mark(n.func):
            yield n


def _ids(call: ast.Call, where: str) -> list[str]:
    ids = []
    for a in call.args:
        if not (isinstance(a, ast.Constant) and isinstance(a.value, str)):
            raise ValueError(f"{where}: @pytest.mark.rule takes rule ids as string literals")
        ids.append(a.value)
    return ids


def static_marks(root: Path = TESTS) -> dict[str, set[str]]:
    """Rule id -> ``path::test`` names, read from the test files under ``root`` without importing them.

    Counts ``@pytest.mark.rule(...)`` on test functions and classes, ``pytestmark`` of a
    module or class, and ``pytest.param(..., marks=...)`` in a test's ``parametrize``.
    """
    out: dict[str, set[str]] = {}

    def add(ids, name):
        for i in ids:
            out.setdefault(i, set()).add(name)

    def tests_in(body, prefix, inherited):
        for node in body:
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "pytestmark"
                                                    for t in node.targets):
                inherited = inherited + [i for c in _calls(node.value) for i in _ids(c, prefix)]
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                name = f"{prefix}::{node.name}"
                add(inherited + [i for d in node.decorator_list for c in _calls(d) for i in _ids(c, name)], name)
            elif isinstance(node, ast.ClassDef) and node.name.startswith("Test"):
                name = f"{prefix}::{node.name}"
                tests_in(node.body, name, inherited + [i for d in node.decorator_list
                                                       for c in _calls(d) for i in _ids(c, name)])

    for path in sorted(root.rglob("test_*.py")):
        rel = path.relative_to(root.parent).as_posix()
        tests_in(ast.parse(path.read_text(encoding="utf-8"), str(path)).body, rel, [])
    return out


# -- what the code under test cites ----------------------------------------------------------------

#: classes whose ``rule`` (a RuleRow's ``id``) is a declaration, not a decision: a region builds
#: them whatever the input, so they cite their rule only when the test examines one
DECLARATIONS = {"Setting", "RuleSet", "RuleRow", "Requirement", "Migration"}
#: the prose of a decision, which may cite rules too (not ids of activities or teachers)
TEXT_FIELDS = ("note", "notes", "reason", "message", "detail")
_SKIP_MODULES = ("xuefen.store.migrations",)  # Alembic scripts: not importable on their own


def _rule_of(obj):
    return obj.id if type(obj).__name__ == "RuleRow" else getattr(obj, "rule", None)


@functools.cache
def traced_classes() -> tuple[tuple[type, tuple[str, ...]], ...]:
    """Every attrs class of xuefen, its CLI and its installed plugins that carries a rule id.

    Imports those packages first (so nothing built at import time is traced later) and finds
    the classes by their attrs fields (``rule``, or a ``rule`` property as RequirementResult
    has; a RuleRow's ``id``). Each comes with the names of its text fields (notes, reasons),
    which cite rules too ("no carry-over (SZ-R3)").
    """
    import attrs
    from importlib.metadata import entry_points

    packages = {"xuefen", "xuefen_cli"}
    for group in ("xuefen.regions",):
        packages |= {ep.module.split(".")[0] for ep in entry_points(group=group)}
    for name in sorted(packages):
        try:
            pkg = importlib.import_module(name)
        except Exception:  # noqa: BLE001  (a broken plugin is its own tests' business)
            continue
        for mod in pkgutil.walk_packages(getattr(pkg, "__path__", []), prefix=f"{name}.", onerror=lambda _: None):
            if mod.name.startswith(_SKIP_MODULES):
                continue
            try:
                importlib.import_module(mod.name)
            except Exception:  # noqa: BLE001
                continue
    found = {}
    for name, mod in list(sys.modules.items()):
        if mod is None or name.split(".")[0] not in packages:
            continue
        for value in list(vars(mod).values()):
            if not (isinstance(value, type) and attrs.has(value) and value.__module__.split(".")[0] in packages):
                continue
            fields = attrs.fields_dict(value)
            key = "id" if value.__name__ == "RuleRow" else "rule"
            if key in fields or isinstance(getattr(value, key, None), property):
                found[value] = tuple(n for n in TEXT_FIELDS if n in fields)
    return tuple(sorted(found.items(), key=lambda c: (c[0].__module__, c[0].__qualname__)))


def _attrs_dirs() -> tuple[str, ...]:
    """Frames to look through for the caller: attrs, and this module."""
    import attr
    import attrs
    return (*(str(Path(m.__file__).parent) for m in (attr, attrs)), str(Path(__file__)))


def _caller_file(frame, skip: tuple[str, ...]) -> str:
    """The file of the first frame outside attrs (``attrs.evolve``, generated ``__eq__``) and ``skip``."""
    while frame is not None:
        name = frame.f_code.co_filename
        if not (name.startswith(skip) or name.startswith("<attrs generated")):
            return name
        frame = frame.f_back
    return ""


class _Trace:
    """What one marked test cited: rules of the values xuefen built or the test examined, text it printed."""

    def __init__(self):
        self.rules: list[str] = []  # rule of each value cited, and the text fields of the decisions
        self.texts: list[str] = []
        self.paused = 0
        self._undo: list = []

    # the wrappers ---------------------------------------------------------------------------

    def install(self):
        tests, attrs_dirs = str(TESTS), _attrs_dirs()
        for cls, texts in traced_classes():
            if cls.__name__ in DECLARATIONS:
                self._watch_reads(cls, tests, attrs_dirs)
            else:
                self._wrap_init(cls, texts, tests, attrs_dirs)
        from click.testing import CliRunner
        self._wrap(CliRunner, "invoke", self._scan_result)
        self._wrap(subprocess.Popen, "communicate", self._scan_pair)
        self._wrap(pytest.CaptureFixture, "readouterr", self._scan_pair)

    def uninstall(self):
        for owner, name, original in reversed(self._undo):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._undo.clear()

    def _wrap_init(self, cls, texts, tests, attrs_dirs):
        """A decision cites its rule when xuefen builds it (not when the test builds one as input)."""
        original = cls.__init__
        trace = self

        @functools.wraps(original)
        def __init__(self, *args, **kwargs):
            original(self, *args, **kwargs)
            if trace.paused or _caller_file(sys._getframe(1), attrs_dirs).startswith(tests):
                return
            found = [_rule_of(self)] + [getattr(self, n, None) for n in texts]
            for value in found:
                if isinstance(value, str):
                    trace.rules.append(value)
                elif isinstance(value, (tuple, list)):
                    trace.rules += [v for v in value if isinstance(v, str)]

        self._undo.append((cls, "__init__", original))
        cls.__init__ = __init__

    def _watch_reads(self, cls, tests, attrs_dirs):
        """A declaration cites its rule when the test reads it (a setting's default, a rule set's dates)."""
        original = cls.__dict__.get("__getattribute__")
        base = original or object.__getattribute__
        trace = self

        def __getattribute__(self, name):
            value = base(self, name)
            if not trace.paused and _caller_file(sys._getframe(1), attrs_dirs).startswith(tests):
                rule = _rule_of(self) if name not in ("id", "rule") else value
                if isinstance(rule, str):
                    trace.rules.append(rule)
            return value

        self._undo.append((cls, "__getattribute__", original))
        cls.__getattribute__ = __getattribute__

    def _wrap(self, owner, name, scan):
        original = getattr(owner, name)

        @functools.wraps(original)
        def wrapper(*args, **kwargs):
            result = original(*args, **kwargs)
            if not self.paused:
                scan(result)
            return result

        self._undo.append((owner, name, original))
        setattr(owner, name, wrapper)

    def _scan_result(self, result):
        for attr in ("output", "stdout", "stderr"):
            try:
                self.add_text(getattr(result, attr, None))
            except (ValueError, AttributeError):  # click: stderr not captured separately
                pass

    def _scan_pair(self, pair):
        for text in tuple(pair or ()):
            self.add_text(text)

    def add_text(self, text):
        if isinstance(text, bytes):
            text = text.decode("utf-8", "replace")
        if isinstance(text, str) and text:
            self.texts.append(text)

    # the verdict ----------------------------------------------------------------------------

    def uncited(self, ids) -> list[str]:
        rules = "\n".join(self.rules)
        texts = "\n".join(self.texts)
        return [i for i in ids if not (_mentions(rules, i) or _mentions(texts, i))]


@functools.cache
def _pattern(rule_id: str) -> re.Pattern:
    return re.compile(rf"(?<![A-Za-z0-9-]){re.escape(rule_id)}(?![A-Za-z0-9])")


def _mentions(text: str, rule_id: str) -> bool:
    return rule_id in text and _pattern(rule_id).search(text) is not None


# -- hooks ----------------------------------------------------------------------------------------


def pytest_collection_modifyitems(session, config, items):
    collected: dict[str, list[str]] = {}
    for item in items:
        ids = marked_ids(item)
        if ids:
            item.stash[_IDS] = ids
            for i in ids:
                collected.setdefault(i, []).append(item.nodeid)
    config.stash[COLLECTED] = collected


_current: _Trace | None = None  # the marked test running now


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    global _current
    if not item.stash.get(_IDS, ()):
        return (yield)
    _current = _Trace()
    _current.install()
    try:
        return (yield)
    finally:
        _current.uninstall()
        _current = None


@pytest.hookimpl(wrapper=True)
def pytest_fixture_setup(fixturedef, request):
    """A module- or session-wide fixture is set up by whichever test comes first: it cites for none."""
    trace = _current if fixturedef.scope != "function" else None
    if trace is None:
        return (yield)
    trace.paused += 1
    try:
        return (yield)
    finally:
        trace.paused -= 1


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    trace = _current
    if trace is None or call.when != "call" or not report.passed or hasattr(report, "wasxfail"):
        return report
    for _, content in report.sections:  # what the test printed (captured stdout/stderr, logging)
        trace.add_text(content)
    missing = trace.uncited(item.stash[_IDS])
    if missing:
        seen = sorted({i for r in trace.rules for i in re.findall(r"[A-Z]+-[A-Z]*\d+[a-z]?", r)})
        report.outcome = "failed"
        report.longrepr = (
            f"{item.nodeid} is marked @pytest.mark.rule({', '.join(map(repr, item.stash[_IDS]))}) but the code "
            f"it ran never cited {', '.join(missing)}: no entry, refusal, warning, flag, requirement result, "
            f"cycle, certificate, transition or stage xuefen built had that rule or named it, the test read "
            f"no setting, rule set, requirement or rule row of it, and nothing printed named it.\n"
            f"Rule ids the code did cite: {', '.join(seen) or 'none'}.\n"
            f"Check the rule of what the test examines, or mark the rule it really exercises.")
    return report
