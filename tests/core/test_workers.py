"""Evaluations made in worker processes (``registry.evaluate_chunks``, ``build_report(workers=2)``) come back
pickled: they must be the same evaluations, and a report the same report, as in one process.

Before, an :class:`~xuefen.evaluate._EntryCounted` could not be unpickled, so a report with workers of
2,000 teachers or more waited forever on its pool (the bench's 100,000-activity report hung)."""
from __future__ import annotations

import datetime as dt
import json
import pickle
from pathlib import Path

import pytest

from xuefen import registry
from xuefen.evaluate import evaluate_many
from xuefen.io.case import parse_case

CASES = sorted((Path(__file__).resolve().parents[1] / "kunming" / "cases").glob("*.json"))


def _cases():
    out = []
    for path in CASES:
        data = json.loads(path.read_text(encoding="utf-8"))
        data.pop("expect", None)
        out.append(parse_case(data, str(path)))
    return out


def test_an_evaluation_pickles_back_the_same():
    evs = evaluate_many(_cases())
    back = pickle.loads(pickle.dumps(evs))
    assert [e.as_json() for e in back] == [e.as_json() for e in evs]
    assert [list(e.entry_counted) for e in back] == [list(e.entry_counted) for e in evs]


def test_evaluate_chunks_in_two_workers_is_evaluate_many():
    cases = _cases()
    chunks = [cases[i:i + 5] for i in range(0, len(cases), 5)]
    got = [ev.as_json() for evs in registry.evaluate_chunks(chunks, workers=2) for ev in evs]
    assert got == [ev.as_json() for ev in evaluate_many(cases)]


def test_a_report_in_two_workers_is_the_report(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from xuefen import reports
    from xuefen.store import open_engine
    from xuefen_cli.main import cli

    db = tmp_path / "demo.db"
    built = CliRunner().invoke(cli, ["demo", "--region", "kunming", "--db", str(db)], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    engine = open_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        one = reports.build_report(conn, "KM-D", 2024)
        monkeypatch.setattr(registry, "WORKER_CHUNK", 7)  # chunks small enough that the demo's teachers use workers
        assert len(one["teachers"]) >= 2 * registry.WORKER_CHUNK
        two = reports.build_report(conn, "KM-D", 2024, workers=2)
    engine.dispose()
    assert two == one
