"""Property-based tests of the table readers and the importer (CSV, XLSX) and of safe spreadsheet export.

Whatever rows a user feeds to ``import``, the import either takes every row or raises
:class:`InputError` whose every problem names ``FILE:LINE`` (and the field), and then nothing at
all was written (no activity, no claim, no audit record): never a traceback, never a partial
import. A GBK file is told to be saved as UTF-8. Text written to CSV/XLSX exports never starts a
formula. Generated inputs per run: the sum of ``EXAMPLES`` (the figure in docs/reliability.md).
"""
from __future__ import annotations

import csv
import datetime as dt
import re

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, example, given, settings, strategies as st

from tests import keys
from xuefen import audit, imports
from xuefen.errors import InputError
from xuefen.io import tables
from xuefen.store import schema as S

from tests.reliability.helpers import fresh_registry

#: max_examples of each property below; their sum is the figure docs/reliability.md quotes
EXAMPLES = {"csv_rows": 200, "csv_bytes": 150, "xlsx_cells": 80, "gbk": 60, "cli": 30, "export_text": 200}
HS = dict(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture,
                                                HealthCheck.filter_too_much])

COLUMNS = ("teacher_id", "id", "kind", "level", "date", "days", "hours", "assessment")
GOOD = {"teacher_id": "T1", "id": "a1", "kind": "training", "level": "city", "date": "2020-04-18", "days": "",
        "hours": "7.5", "assessment": "pass"}
PROBLEM = re.compile(r"^(?P<path>.+?):(?P<line>\d+): \S")

#: the nastiest texts a cell can hold: huge, negative, out-of-range dates, formulas, control characters
evil_text = st.one_of(
    st.sampled_from(["", " ", "-3", "-0.5", "0", "1e999999", "9" * 40, "NaN", "inf", "-inf", "0x10", "1_000",
                     "１２", "三", "7.55555", "9999-12-31", "0000-01-01", "0001-01-01", "2019-02-29",
                     "2020-13-01", "2020-04-31", "２０２０-０４-１８", "20200418", "18/04/2020", "=1+1",
                     "=HYPERLINK(\"http://x\")", "+1", "@SUM(A1)", "-2+3", "\x00", "\t", "\r\n", "\"", "T9",
                     "nobody", "training", "school_based", "excellent", "true", "None", "null"]),
    st.integers(min_value=-10**30, max_value=10**30).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)).map(str),
    st.text(max_size=12),
)
row_dicts = st.fixed_dictionaries({c: st.one_of(st.just(GOOD[c]), evil_text) for c in COLUMNS})


@pytest.fixture
def engine(db_url):
    eng = fresh_registry(db_url)
    with eng.begin() as conn, audit.acting(conn, keys.signer(keys.ADMIN), "import_teachers"):
        audit.insert(conn, keys.ADMIN, S.teachers, [{"id": t, "name": f"测试{t}", "school_id": "S1", "stage": "primary",
                                                  "cycle_start": dt.date(2020, 2, 1)} for t in ("T1", "T2")],
                     action="import")
    yield eng
    eng.dispose()


def _counts(engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
                     for t in (S.activities, S.claims, S.audit_log))


def _import_all_or_nothing(engine, path, n_lines: int | None = None):
    """Import ``path``; check all-or-nothing and that every problem names the file and a line."""
    before = _counts(engine)
    try:
        result = imports.import_file(engine, "activities", path, signer=keys.signer(keys.ADMIN))
    except InputError as exc:
        assert _counts(engine) == before, "a failed import wrote something"
        assert exc.problems
        for problem in exc.problems:
            assert "Traceback" not in problem
            assert problem.startswith(f"{path}"), problem
            m = PROBLEM.match(problem)
            if m and n_lines is not None:
                assert 1 <= int(m["line"]) <= n_lines, problem
        return exc
    after = _counts(engine)
    assert result.created + result.unchanged == result.rows
    assert after[0] - before[0] == result.created and after[1] - before[1] == result.claims == result.created
    return result


@settings(max_examples=EXAMPLES["csv_rows"], **HS)
@given(rows=st.lists(row_dicts, min_size=1, max_size=6))
@example(rows=[{**GOOD, "hours": "-3"}])
@example(rows=[{**GOOD, "hours": "9" * 40}])
@example(rows=[{**GOOD, "date": "0000-01-01"}])
@example(rows=[{**GOOD, "date": "9999-12-31"}])
@example(rows=[GOOD, {**GOOD, "id": "a2", "kind": "trainning"}])
@example(rows=[GOOD, {**GOOD, "teacher_id": "\x00"}])  # PostgreSQL text cannot hold NUL: named, not a traceback
@example(rows=[{**GOOD, "id": "a\x00"}])
def test_any_csv_rows_import_entirely_or_not_at_all(engine, tmp_path_factory, rows):
    path = tmp_path_factory.mktemp("csv") / "acts.csv"
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(COLUMNS)
        for r in rows:
            w.writerow([r[c] for c in COLUMNS])
    text = path.read_text(encoding="utf-8")
    _import_all_or_nothing(engine, path, text.count("\n") + 1)


@settings(max_examples=EXAMPLES["csv_bytes"], **HS)
@given(body=st.binary(max_size=300))
@example(body=b'T1,a1,training,city,2020-04-18,,"7.5,pass\n')  # an unclosed quote
@example(body=b"T1,a1,training,city,2020-04-18,,7.5,pass,extra,cells\n")
@example(body=b"\xff\xfeT\x00")
def test_any_bytes_after_the_header_are_imported_or_named(engine, tmp_path_factory, body):
    path = tmp_path_factory.mktemp("raw") / "acts.csv"
    path.write_bytes(",".join(COLUMNS).encode() + b"\n" + body)
    _import_all_or_nothing(engine, path, body.count(b"\n") + body.count(b"\r") + 2)


xlsx_cells = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-10**20, max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.datetimes(min_value=dt.datetime(1900, 3, 1), max_value=dt.datetime(9999, 12, 31)),
    st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(9999, 12, 31)),
    evil_text.filter(lambda s: not s.startswith("=")),  # a text starting with = would be stored as a formula
)


@settings(max_examples=EXAMPLES["xlsx_cells"], **HS)
@given(rows=st.lists(st.fixed_dictionaries({c: st.one_of(st.just(GOOD[c]), xlsx_cells) for c in COLUMNS}),
                     min_size=1, max_size=4))
def test_any_xlsx_cells_import_entirely_or_not_at_all(engine, tmp_path_factory, rows):
    from openpyxl import Workbook
    from openpyxl.utils.exceptions import IllegalCharacterError

    path = tmp_path_factory.mktemp("xlsx") / "acts.xlsx"
    wb = Workbook()
    wb.active.append(list(COLUMNS))
    try:
        for r in rows:
            wb.active.append([r[c] for c in COLUMNS])
    except IllegalCharacterError:
        assume(False)  # openpyxl cannot even write such a workbook, so no user can hand us one
    wb.save(path)
    _import_all_or_nothing(engine, path, len(rows) + 1)


@settings(max_examples=EXAMPLES["gbk"], **HS)
@given(names=st.lists(st.text(alphabet="陈林王赵孙李周吴郑冯学分教师培训小学中", min_size=1, max_size=6), min_size=1,
                      max_size=5), kind=st.sampled_from(["teachers", "orgs", "activities"]))
def test_a_gbk_file_is_told_to_be_saved_as_utf8_and_nothing_is_imported(engine, tmp_path_factory, names, kind):
    path = tmp_path_factory.mktemp("gbk") / f"{kind}.csv"
    lines = ["id,name,stage,school_id"] + [f"G{i},{n},primary,S1" for i, n in enumerate(names)]
    raw = ("\n".join(lines) + "\n").encode("gbk")
    try:
        raw.decode("utf-8")
        assume(False)  # a few GBK byte pairs are UTF-8 too (学 is D1 A7); such a file is not GBK to anyone
    except UnicodeDecodeError as exc:
        bad_line = raw[:exc.start].count(b"\n") + 1  # the first line that is not UTF-8
    path.write_bytes(raw)
    before = _counts(engine)
    with pytest.raises(InputError) as info:
        imports.import_file(engine, kind, path, signer=keys.signer(keys.ADMIN))
    [problem] = info.value.problems
    assert problem.startswith(f"{path}:{bad_line}: the file is not UTF-8") and "GBK" in problem
    assert "save it as UTF-8" in problem
    assert _counts(engine) == before


@settings(max_examples=EXAMPLES["cli"], **HS)
@given(rows=st.lists(row_dicts, min_size=1, max_size=3), fmt=st.sampled_from(["csv", "xlsx"]))
def test_the_import_command_never_shows_a_traceback(db_url, engine, tmp_path_factory, rows, fmt):
    from xuefen_cli.main import cli as group

    path = tmp_path_factory.mktemp("cli") / f"acts.{fmt}"
    if fmt == "xlsx":
        from openpyxl.utils.exceptions import IllegalCharacterError
        try:
            tables.write_table(path, COLUMNS, [[r[c] for c in COLUMNS] for r in rows])
        except IllegalCharacterError:
            assume(False)  # no spreadsheet can hold a control character
    else:
        path.write_text("\n".join([",".join(COLUMNS)] + [",".join(csv_quote(r[c]) for c in COLUMNS) for r in rows]),
                        encoding="utf-8")
    before = _counts(engine)
    result = CliRunner().invoke(group, ["--db", db_url, "import", "activities", str(path), "--as", keys.ADMIN])
    assert result.exit_code in (0, 2), (result.exit_code, result.output, result.exception)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        assert all(ln.startswith(f"error: {path}") for ln in result.output.splitlines() if ln.startswith("error:"))
        assert _counts(engine) == before


def csv_quote(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@settings(max_examples=EXAMPLES["export_text"], **HS)
@given(values=st.lists(st.one_of(evil_text, st.text(min_size=1).map(lambda s: st_prefix(s))), min_size=1, max_size=5))
def test_exported_text_never_starts_a_formula(tmp_path_factory, values):
    from openpyxl import load_workbook

    folder = tmp_path_factory.mktemp("export")
    header = [f"c{i}" for i in range(len(values))]
    tables.write_csv(folder / "x.csv", header, [values])
    with open(folder / "x.csv", encoding="utf-8-sig", newline="") as fh:
        [_, got] = list(csv.reader(fh))
    try:
        tables.write_xlsx(folder / "x.xlsx", header, [values])
    except Exception as exc:  # openpyxl refuses control characters: that is a clear error, not an injection
        assert type(exc).__name__ == "IllegalCharacterError", exc
        sheets = []
    else:
        wb = load_workbook(folder / "x.xlsx", read_only=True)
        sheets = [c for row in list(wb.worksheets[0].iter_rows(values_only=True))[1:] for c in row]
        wb.close()
    for original, cell in [*zip(values, got), *zip(values, sheets)]:
        text = "" if cell is None else str(cell)
        if text.startswith(tables.FORMULA_PREFIXES):
            assert re.fullmatch(r"[+-]?\d+(\.\d+)?", text), text  # only a plain signed number may
        if original.startswith(tables.FORMULA_PREFIXES) and not re.fullmatch(r"[+-]?\d+(\.\d+)?", original):
            # kept, behind a quote (XML normalises a carriage return in an XLSX cell to a line feed)
            assert _lf(text) == _lf("'" + original), (original, text)


def st_prefix(s: str) -> str:
    """Put a formula prefix in front of some generated texts."""
    return "=+-@"[len(s) % 4] + s


def _lf(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")
