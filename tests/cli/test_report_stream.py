"""``xuefen report --json/--csv`` and the table read school by school (``xuefen.reports.ReportStream``), each
teacher's item rendered as it is made and spooled (``spool_report``), then written in the teachers' order:
the same bytes as the report dict's forms (``build_report``, then ``print_json`` / ``write_csv``), and the
stream's own contract — schools in id order, a school's teachers together and by id, one batch of whole
schools evaluated at a time, lazily. On Shandong's demo (three regions' schools under one county: Dongying's
D-P1 flag lists a school's teachers in order), on every backend of the run."""
from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from click.testing import CliRunner

from xuefen import registry, reports
from xuefen.store import open_engine
from xuefen_cli import demo_runner
from xuefen_cli.commands import reports as cli_reports
from xuefen_cli.output import json_text

from tests.conftest import ONE_BACKEND


@pytest.fixture
def demo(db_url, tmp_path):
    """Shandong's demo registry (its claims through every stage): the engine, the report's org and year."""
    from xuefen_cli.commands.demo import demo_region

    _, data, _ = demo_region("shandong", 2024)
    engine = open_engine(db_url)
    demo_runner.run(engine, data, 2024, keys_dir=tmp_path / "demo-keys")
    yield engine, data["report_org"], int(data["year"])
    engine.dispose()


def _report(db_url, *args) -> str:
    r = CliRunner().invoke(__import__("xuefen_cli.main", fromlist=["cli"]).cli, ["--db", db_url, "report", *args],
                           catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_report_json_and_csv_are_the_bytes_of_the_report_dict(demo, db_url, monkeypatch):
    engine, org, year = demo
    monkeypatch.setattr(registry, "WORKER_CHUNK", 7)  # many batches, so the spool's order does the work
    with engine.connect() as conn:
        key = reports.redact_key(conn)
    mid = dt.date(year, 6, 30)
    for args, kw in (((), {}), (("--redact",), {"key": key}), (("--short-only",), {"short_only": True}),
                     (("--as-of", mid.isoformat()), {"as_of": mid, "year": None}),
                     (("--by", "level", "--redact"), {"by": ("level",), "key": key})):
        with engine.connect() as conn:
            rep = reports.build_report(conn, org, kw.pop("year", year), **kw)
        with_year = () if "--as-of" in args else ("--year", str(year))
        got = _report(db_url, "--org", org, *with_year, *args, "--json")
        assert got == json_text(rep) + "\n", args
        assert json.loads(got) == rep
        buf = io.StringIO()
        (cli_reports.write_by_csv(rep, buf) if "--by" in args else cli_reports.write_csv(rep, buf))
        assert _report(db_url, "--org", org, *with_year, *args, "--csv") == "\ufeff" + buf.getvalue(), args
    assert rep["teachers"] and rep["schools"] and rep["by"]["level"]  # the last report had something to list


def test_the_table_from_the_spool_is_the_table_of_the_report_dict(demo, db_url, monkeypatch):
    engine, org, year = demo
    monkeypatch.setattr(registry, "WORKER_CHUNK", 7)
    monkeypatch.setenv("COLUMNS", "160")
    from rich.console import Console

    with engine.connect() as conn:
        rep = reports.build_report(conn, org, year, short_only=True)
    out = io.StringIO()
    cli_reports.show_report(rep, short_only=True, out=Console(file=out, soft_wrap=True, highlight=False), lang="en")
    got = _report(db_url, "--org", org, "--year", str(year), "--short-only", "--lang", "en")
    assert got == out.getvalue() and rep["teachers"][0]["teacher"] in got


def test_the_stream_reads_school_by_school_and_evaluates_one_batch_at_a_time(demo, monkeypatch):
    engine, org, year = demo
    calls: list[int] = []
    real = reports.evaluate_many

    def counting(cases):  # the real evaluation, its batch sizes recorded
        calls.append(len(cases))
        return real(cases)

    monkeypatch.setattr(reports, "evaluate_many", counting)
    monkeypatch.setattr(registry, "WORKER_CHUNK", 1)  # a batch is one school: never less, whatever its size
    with engine.connect() as conn:
        stream = reports.ReportStream(conn, org, year)
        parts = stream.parts()
        first = next(parts)
        assert calls == [first.school["teachers"]]  # lazily: the first school read and evaluated, no more
        rest = list(parts)
    evaluated = list(calls)
    with engine.connect() as conn:
        whole = reports.build_report(conn, org, year)
    schools = [p.school for p in [first, *rest]]
    assert [s["id"] for s in schools] == sorted(s["id"] for s in schools) and len(schools) > 2
    assert evaluated == [s["teachers"] for s in schools]  # one school per evaluation, each school whole
    assert schools == whole["schools"] and stream.summary == whole["summary"]
    for p in [first, *rest]:
        keys = [k for k, _ in p.items]
        assert keys == sorted(keys) and {t["school"] for _, t in p.items} == {p.school["id"]}
    # batches of whole schools up to about 60 teachers: more than one batch, none past a school's worth more
    calls.clear()
    monkeypatch.setattr(registry, "WORKER_CHUNK", 60)
    with engine.connect() as conn:
        stream = reports.ReportStream(conn, org, year)
        assert [p.school for p in stream.parts()] == whole["schools"]
    biggest = max(s["teachers"] for s in schools)
    assert len(calls) > 1 and sum(calls) == whole["summary"]["teachers"]
    assert all(n < 60 + biggest for n in calls)


def test_a_spooled_report_in_two_workers_is_the_same_report(demo, monkeypatch):
    engine, org, year = demo
    monkeypatch.setattr(registry, "WORKER_CHUNK", 7)  # enough batches that two workers are used
    texts = {}
    for workers in (1, 2):
        with engine.connect() as conn:
            spooled = reports.spool_report(conn, org, year, renders={"json": cli_reports.json_item}, workers=workers)
        with spooled:
            out = io.StringIO()
            cli_reports.write_json(spooled, out)
            texts[workers] = out.getvalue()
    with engine.connect() as conn:
        rep = reports.build_report(conn, org, year)
    assert rep["summary"]["teachers"] >= 2 * registry.WORKER_CHUNK
    assert texts[2] == texts[1] == json_text(rep) + "\n"


@ONE_BACKEND  # the workers' reading is the parent's: test_a_spooled_report_in_two_workers runs it on both
def test_report_workers_gives_the_same_bytes_in_every_form(demo, db_url, monkeypatch, tmp_path):
    import multiprocessing

    engine, org, year = demo
    monkeypatch.setattr(registry, "WORKER_CHUNK", 7)  # the demo's teachers are enough for a pool
    pools = []
    real = multiprocessing.get_context

    def get_context(method=None):
        ctx = real(method)
        if method == "fork":
            pools.append(ctx)
        return ctx

    monkeypatch.setattr(multiprocessing, "get_context", get_context)
    for form in (("--json",), ("--csv",), ("--by", "level", "--csv")):
        one = _report(db_url, "--org", org, "--year", str(year), *form)
        assert pools == []
        two = _report(db_url, "--org", org, "--year", str(year), *form, "--workers", "2")
        assert len(pools) == 1, form  # the two workers were used
        pools.clear()
        assert two == one and one.strip(), form
    for n in ("1", "2"):  # the workbook too, read back cell by cell
        _report(db_url, "--org", org, "--year", str(year), "--xlsx", str(tmp_path / f"r{n}.xlsx"), "--workers", n)
    from openpyxl import load_workbook
    books = [load_workbook(tmp_path / f"r{n}.xlsx") for n in ("1", "2")]
    assert [ws.title for ws in books[0]] == [ws.title for ws in books[1]]
    for a, b in zip(*books):
        assert [[c.value for c in row] for row in a.iter_rows()] == [[c.value for c in row] for row in b.iter_rows()]
    r = CliRunner().invoke(__import__("xuefen_cli.main", fromlist=["cli"]).cli,
                           ["--db", db_url, "report", "--org", org, "--workers", "0"])
    assert r.exit_code == 2 and "--workers" in r.output and "Traceback" not in r.output
