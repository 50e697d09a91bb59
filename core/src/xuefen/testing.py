"""Checking an evaluation against a case's ``expect`` block (docs/formats.md §1, "expect").

A case file (§1) may carry the results computed by hand under ``expect``; this
module says whether an evaluation (§2, the ``as_json`` form) agrees with them.
The vocabulary is the one of the worked examples (``tests/shared/examples``,
checked by ``tests/shared/tools/check-examples.py``) and the Kunming cases
(``tests/kunming/cases``): ``entries``, ``entry_year``, ``refused``,
``zero_or_refused``, ``year_req``, ``no_year_req``, ``cycle_req``,
``cycle_met``, ``certificate_eligible``, ``transition``, ``warnings`` and
``no_warnings``. Amounts are compared as decimals (``"24" == "24.0"``).

:func:`validate` and :func:`compare` are pure (values in, values out);
:func:`run_file` and :func:`case_files` read files and evaluate, for
``xuefen test``. Nothing here prints or knows about click.
"""
from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import attrs

from xuefen.model import UNITS, dec_str

#: the keys an ``expect`` block may hold, in the order they are checked
EXPECT_KEYS = ("entries", "entry_year", "refused", "zero_or_refused", "year_req", "no_year_req", "cycle_req",
               "cycle_met", "certificate_eligible", "transition", "warnings", "no_warnings", "year_status",
               "cycle_status", "certificate_status")
#: the statuses of docs/formats.md §2
STATUSES = ("met", "short", "in_progress", "not_required", "waived", "advisory", "maximum")
#: the keys that pick a requirement row rather than being compared with it
ROW_IDS = ("year", "rule", "unit", "label")
_AMOUNT = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


#: a key the evaluation's object does not have
ABSENT = _Absent()


@attrs.frozen
class Difference:
    """One expectation the evaluation does not meet: where, what was expected, what came out."""

    path: str  #: where in the ``expect`` block, e.g. ``year_req[year=2015,rule=K-R2].counted``
    expected: Any  #: the expected value (or a description of it)
    got: Any  #: what the evaluation gives (:data:`ABSENT` when it has no such key)
    detail: str = ""  #: a hint: the refusal of an activity that earned nothing, the rows that matched

    def __str__(self) -> str:
        text = f"{self.path}: expected {show(self.expected)}, got {show(self.got)}"
        return f"{text} ({self.detail})" if self.detail else text

    def as_json(self) -> dict:
        d = {"path": self.path, "expected": _plain(self.expected), "got": _plain(self.got)}
        if self.got is ABSENT:
            d["absent"] = True
        if self.detail:
            d["detail"] = self.detail
        return d


@attrs.frozen
class CaseResult:
    """The outcome of one case file: ``pass``, ``fail`` (with differences) or ``error`` (with problems)."""

    path: str
    status: str  #: ``pass``, ``fail`` or ``error``
    differences: tuple[Difference, ...] = ()
    problems: tuple[str, ...] = ()  #: for ``error``: each a line naming the file and the field

    def as_json(self) -> dict:
        return {"file": self.path, "status": self.status,
                "differences": [d.as_json() for d in self.differences], "problems": list(self.problems)}


def show(value: Any) -> str:
    """A value as a difference line prints it: strings bare, decimals exact, the rest as JSON."""
    if value is ABSENT:
        return "(absent)"
    if isinstance(value, str):
        return value
    if isinstance(value, Decimal):
        return dec_str(value)
    return json.dumps(_plain(value), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if value is ABSENT:
        return None
    if isinstance(value, Decimal):
        return dec_str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def as_amount(value: Any) -> Decimal | None:
    """``value`` as a Decimal when it is a decimal string or a JSON number (not a boolean), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, str) and _AMOUNT.match(value.strip()):
        return Decimal(value.strip())
    return None


def same(expected: Any, got: Any) -> bool:
    """Whether ``got`` matches ``expected``.

    Two amounts (decimal strings or numbers) compare as decimals; booleans only
    equal booleans; an expected object matches when each of its keys matches
    (the evaluation's object may hold more); a list matches a list of the same
    length item by item; anything else by equality.
    """
    if got is ABSENT:
        return False
    if isinstance(expected, bool) or isinstance(got, bool):
        return isinstance(expected, bool) and isinstance(got, bool) and expected == got
    a, b = as_amount(expected), as_amount(got)
    if a is not None and b is not None:
        return a == b
    if isinstance(expected, dict):
        return isinstance(got, dict) and all(same(v, got.get(k, ABSENT)) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(got, list) and len(got) == len(expected) and all(map(same, expected, got))
    return expected == got


# -- validating an expect block ------------------------------------------------------


def validate(expect: Any, where: str = "case") -> list[str]:
    """The problems of an ``expect`` block, each ``WHERE: expect.FIELD: what is wrong`` (empty: valid)."""
    if not isinstance(expect, dict):
        return [f"{where}: expect: not an object"]
    out: list[str] = []

    def bad(path: str, what: str) -> None:
        out.append(f"{where}: expect.{path}: {what}")

    def obj(path: str, value: Any) -> bool:
        if not isinstance(value, dict):
            bad(path, "not an object")
            return False
        return True

    def items(path: str, value: Any) -> list:
        if not isinstance(value, list):
            bad(path, "not a list")
            return []
        return value

    def ident(path: str, value: Any) -> None:
        if not isinstance(value, str) or not value:
            bad(path, f"{value!r} is not an activity id")

    def year(path: str, value: Any) -> None:
        if isinstance(value, bool) or not isinstance(value, int):
            bad(path, f"{value!r} is not a year")

    def text(path: str, value: Any, what: str) -> None:
        if not isinstance(value, str) or not value:
            bad(path, f"{value!r} is not {what}")

    def boolean(path: str, value: Any) -> None:
        if not isinstance(value, bool):
            bad(path, f"{value!r} is not true or false")

    for key, value in expect.items():
        if key not in EXPECT_KEYS:
            bad(key, f"unknown field (known: {', '.join(EXPECT_KEYS)})")
        elif key == "entries" and obj(key, value):
            for act, units in value.items():
                if obj(f"{key}.{act}", units):
                    for unit, amount in units.items():
                        if unit not in UNITS:
                            bad(f"{key}.{act}.{unit}", f"unknown unit (one of {', '.join(UNITS)})")
                        elif as_amount(amount) is None:
                            bad(f"{key}.{act}.{unit}", f"{amount!r} is not a decimal amount")
        elif key == "entry_year" and obj(key, value):
            for act, y in value.items():
                year(f"{key}.{act}", y)
        elif key == "refused" and obj(key, value):
            for act, rule in value.items():
                if rule is not None and rule != "":
                    text(f"{key}.{act}", rule, "a rule id or null")
        elif key in ("zero_or_refused", "no_warnings"):
            for n, act in enumerate(items(key, value)):
                ident(f"{key}[{n}]", act)
        elif key in ("year_req", "cycle_req"):
            for n, row in enumerate(items(key, value)):
                path = f"{key}[{n}]"
                if not obj(path, row):
                    continue
                if key == "year_req":
                    if "year" not in row:
                        bad(f"{path}.year", "required")
                    else:
                        year(f"{path}.year", row["year"])
                elif "year" in row:
                    bad(f"{path}.year", "not allowed in cycle_req (use year_req)")
                if "rule" not in row:
                    bad(f"{path}.rule", "required")
                else:
                    text(f"{path}.rule", row["rule"], "a rule id")
                for k in ("unit", "label"):
                    if k in row:
                        text(f"{path}.{k}", row[k], f"a {k}")
        elif key == "no_year_req":
            for n, pair in enumerate(items(key, value)):
                if (not isinstance(pair, list) or len(pair) != 2 or isinstance(pair[0], bool)
                        or not isinstance(pair[0], int) or not isinstance(pair[1], str) or not pair[1]):
                    bad(f"{key}[{n}]", f"{pair!r} is not a [year, rule] pair")
        elif key in ("cycle_met", "certificate_eligible"):
            boolean(key, value)
        elif key in ("cycle_status", "certificate_status"):
            if value not in STATUSES:
                bad(key, f"{value!r} is not a status (one of {', '.join(STATUSES)})")
        elif key == "year_status" and obj(key, value):
            for y, st in value.items():
                if not str(y).isdigit():
                    bad(f"{key}.{y}", f"{y!r} is not a year")
                elif st not in STATUSES:
                    bad(f"{key}.{y}", f"{st!r} is not a status (one of {', '.join(STATUSES)})")
        elif key == "transition":
            for n, t in enumerate(value if isinstance(value, list) else [value]):
                path = f"{key}[{n}]" if isinstance(value, list) else key
                if obj(path, t):
                    if "rule" not in t:
                        bad(f"{path}.rule", "required")
                    else:
                        text(f"{path}.rule", t["rule"], "a rule id")
        elif key == "warnings" and obj(key, value):
            for act, article in value.items():
                text(f"{key}.{act}", article, "an article")
    return out


# -- comparing ----------------------------------------------------------------------------


def _amount(output: dict, act: str, unit: str) -> Decimal:
    return sum((as_amount(e.get(unit)) or Decimal(0) for e in output.get("entries", [])
                if e.get("activity") == act), Decimal(0))


def _why_nothing(output: dict, act: str) -> str:
    """Why an activity earned nothing, when it has no entry: its refusals, or that it has none."""
    if any(e.get("activity") == act for e in output.get("entries", [])):
        return ""
    refusals = [r for r in output.get("refused", []) if r.get("activity") == act]
    if refusals:
        return "; ".join(f"refused by {r.get('rule')}: {r.get('reason')}" for r in refusals)
    return "no entry and no refusal"


def _row_key(row: dict, ids: tuple[str, ...]) -> str:
    return ",".join(f"{k}={row[k]}" for k in ids if k in row)


def _pick(pool: list[dict], want: dict, keys: tuple[str, ...], path: str, what: str,
          diffs: list[Difference]) -> dict | None:
    """The one item of ``pool`` whose ``keys`` equal ``want``'s; a difference when none or several match."""
    hits = [r for r in pool if all(r.get(k) == want[k] for k in keys if k in want)]
    if len(hits) == 1:
        return hits[0]
    if not hits:
        diffs.append(Difference(path, f"a {what}", "none"))
    else:
        told = [r.get("label") or r.get("unit") or "" for r in hits]
        diffs.append(Difference(path, f"one {what}", f"{len(hits)}",
                                f"add unit or label to tell them apart: {', '.join(map(repr, told))}"))
    return None


def _compare_fields(want: dict, got: dict, ids: tuple[str, ...], path: str, diffs: list[Difference]) -> None:
    for k, v in want.items():
        if k in ids:
            continue
        value = got.get(k, ABSENT)
        if not same(v, value):
            diffs.append(Difference(f"{path}.{k}", v, value))


def _year_rows(output: dict, year: int) -> list[dict]:
    return [r for y in output.get("years", []) if y.get("year") == year for r in y.get("requirements", [])]


def compare(expect: dict, output: dict) -> list[Difference]:
    """Every difference between a valid ``expect`` block and an evaluation (§2 JSON); empty: they agree."""
    diffs: list[Difference] = []
    entries = output.get("entries", [])
    refused = output.get("refused", [])
    warnings = output.get("warnings", [])
    cycle = output.get("cycle")

    for act, units in expect.get("entries", {}).items():
        for unit, want in units.items():
            got = _amount(output, act, unit)
            if got != as_amount(want):
                diffs.append(Difference(f"entries.{act}.{unit}", want, got,
                                        _why_nothing(output, act) if not got else ""))

    for act, want in expect.get("entry_year", {}).items():
        years = sorted({e.get("year") for e in entries if e.get("activity") == act})
        if years != [want]:
            got = "no entry" if not years else years[0] if len(years) == 1 else years
            diffs.append(Difference(f"entry_year.{act}", want, got))

    for act, want in expect.get("refused", {}).items():
        rules = [r.get("rule") for r in refused if r.get("activity") == act]
        if not rules or (want and want not in rules):
            got = "not refused" if not rules else "refused by " + ", ".join(rules)
            earned = ", ".join(f"{dec_str(_amount(output, act, u))} {u}" for u in output.get("units", UNITS))
            diffs.append(Difference(f"refused.{act}", f"refused by {want}" if want else "a refusal", got,
                                    "" if rules else f"earned {earned}"))

    for act in expect.get("zero_or_refused", []):
        if any(r.get("activity") == act for r in refused):
            continue
        earned = {u: _amount(output, act, u) for u in UNITS}
        if any(earned.values()):
            diffs.append(Difference(f"zero_or_refused[{act}]", "nothing earned, or a refusal",
                                    ", ".join(f"{dec_str(v)} {u}" for u, v in earned.items() if v)))

    for want in expect.get("year_req", []):
        path = f"year_req[{_row_key(want, ROW_IDS)}]"
        row = _pick(_year_rows(output, want["year"]), want, ("rule", "unit", "label"), path,
                    "requirement row", diffs)
        if row is not None:
            _compare_fields(want, row, ROW_IDS, path, diffs)

    for year, rule in expect.get("no_year_req", []):
        rows = [r for r in _year_rows(output, year) if r.get("rule") == rule]
        if rows:
            shown = "; ".join(f"counted {r.get('counted')}, met {show(r.get('met'))}" for r in rows)
            diffs.append(Difference(f"no_year_req[year={year},rule={rule}]", "no requirement row",
                                    f"{len(rows)} row{'s' if len(rows) > 1 else ''}", shown))

    for want in expect.get("cycle_req", []):
        path = f"cycle_req[{_row_key(want, ROW_IDS)}]"
        pool = (cycle or {}).get("requirements", [])
        row = _pick(pool, want, ("rule", "unit", "label"), path, "requirement row", diffs)
        if row is not None:
            _compare_fields(want, row, ROW_IDS, path, diffs)

    for key, obj, field, none_why in (("cycle_met", cycle, "met", "the case has no cycle"),
                                      ("certificate_eligible", output.get("certificate"), "eligible",
                                       "the region has no certificate rule")):
        if key in expect:
            got = obj.get(field, ABSENT) if obj is not None else None
            if not same(expect[key], got):
                diffs.append(Difference(key, expect[key], got, none_why if obj is None else ""))

    for y, want in expect.get("year_status", {}).items():
        got = next((item.get("status", ABSENT) for item in output.get("years", []) if str(item.get("year")) == str(y)),
                   "no such year")
        if got != want:
            diffs.append(Difference(f"year_status.{y}", want, got))
    for key, obj in (("cycle_status", cycle), ("certificate_status", output.get("certificate"))):
        if key in expect:
            got = obj.get("status", ABSENT) if obj is not None else None
            if got != expect[key]:
                diffs.append(Difference(key, expect[key], got))

    if "transition" in expect:
        raw = expect["transition"]
        for want in raw if isinstance(raw, list) else [raw]:
            path = f"transition[rule={want['rule']}]"
            t = _pick(output.get("transitions", []), want, ("rule",), path, "transition", diffs)
            if t is not None:
                _compare_fields(want, t, ("rule",), path, diffs)

    for act, article in expect.get("warnings", {}).items():
        cited = [w.get("article") for w in warnings if w.get("activity") == act]
        if article not in cited:
            diffs.append(Difference(f"warnings.{act}", f"a warning citing {article}",
                                    "no warning" if not cited else "warnings citing " + ", ".join(cited)))

    for act in expect.get("no_warnings", []):
        mine = [w for w in warnings if w.get("activity") == act]
        if mine:
            diffs.append(Difference(f"no_warnings[{act}]", "no warning",
                                    "; ".join(f"{w.get('rule')} ({w.get('article')}): {w.get('message')}"
                                              for w in mine)))
    return diffs


# -- files ----------------------------------------------------------------------------------


def case_files(paths) -> tuple[list[Path], list[CaseResult]]:
    """The case files named by ``paths`` (directories searched for ``*.json``, recursively, in name order).

    Returns the files, each once, and an ``error`` result for each path that
    names nothing to run (missing, or a directory without ``*.json``).
    """
    files: list[Path] = []
    errors: list[CaseResult] = []
    seen: set[Path] = set()
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            found = sorted(f for f in p.rglob("*.json") if f.is_file())
            if not found:
                errors.append(CaseResult(str(p), "error", problems=(f"{p}: no *.json case files in this directory",)))
        elif p.exists():
            found = [p]
        else:
            errors.append(CaseResult(str(p), "error", problems=(f"{p}: cannot read: no such file or directory",)))
            found = []
        for f in found:
            key = f.resolve()
            if key not in seen:
                seen.add(key)
                files.append(f)
    return files, errors


def read_json(path: str | Path) -> tuple[Any, list[str]]:
    """The JSON value of a case file, or the problems that stop reading it (as ``xuefen evaluate`` words them)."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        return None, [f"{p}: cannot read: {exc.strerror}"]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None, [f"{p}: not UTF-8 (save the file as UTF-8)"]
    try:
        return json.loads(text), []
    except json.JSONDecodeError as exc:
        return None, [f"{p}:{exc.lineno}: not valid JSON: {exc.msg}"]


def run_file(path: str | Path) -> CaseResult:
    """Read one case file, evaluate it and compare the evaluation with its ``expect`` block.

    Every problem of the case (§1) and of its ``expect`` block is reported at
    once, each line naming the file and the field; the case is then not evaluated.
    """
    from xuefen.errors import XuefenError
    from xuefen.evaluate import evaluate
    from xuefen.io.case import parse_case

    name = str(path)

    def located(problems) -> list[str]:
        return [p if p.startswith(name) else f"{name}: {p}" for p in problems]

    data, problems = read_json(path)
    if problems:
        return CaseResult(name, "error", problems=tuple(problems))
    case = None
    try:
        case = parse_case(data, where=name)
    except XuefenError as exc:
        problems += located(getattr(exc, "problems", None) or [str(exc)])
    if isinstance(data, dict):
        if "expect" not in data:
            problems.append(f"{name}: expect: required, an object of expected results (docs/formats.md §1)")
        else:
            problems += validate(data["expect"], name)
    if problems:
        return CaseResult(name, "error", problems=tuple(problems))
    try:
        ev = evaluate(case)
    except XuefenError as exc:
        return CaseResult(name, "error", problems=tuple(located(getattr(exc, "problems", None) or [str(exc)])))
    diffs = compare(data["expect"], ev.as_json())
    return CaseResult(name, "fail" if diffs else "pass", differences=tuple(diffs))
