"""The database-backed workflow and ``xuefen evaluate`` never disagree on Kunming's rules.

Each hand-computed case (cases/*.json, without per-case settings) is imported
through the real CLI, every claim approved by the school (K-A1) and then the
county, and ``xuefen status --json`` must give the entries and requirement
results that ``xuefen evaluate --json`` gives for the same case.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.workflow.helpers import load, teacher

CASES = [p for p in sorted((Path(__file__).parent / "cases").glob("*.json"))
         if "settings" not in json.loads(p.read_text(encoding="utf-8"))]


def _cell(v):
    return ("true" if v else "false") if isinstance(v, bool) else str(v)


def _essentials(ev):
    entries = sorted((e["activity"], e["year"], e["hours"], e["rule"], e["article"]) for e in ev["entries"])
    refused = sorted((r["activity"], r["rule"]) for r in ev["refused"])
    reqs = sorted((y["year"], r["rule"], r.get("label", ""), r["earned"], r["counted"], r["met"])
                  for y in ev["years"] for r in y["requirements"])
    cyc = sorted((r["rule"], r["earned"], r["counted"], r["met"]) for r in ev["cycle"]["requirements"])
    return entries, refused, reqs, cyc, ev["cycle"]["met"], ev["certificate"]["eligible"]


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_kunming_registry_agrees_with_evaluate(cli, tmp_path, path):
    data = json.loads(path.read_text(encoding="utf-8"))
    t = data["teacher"]
    row = teacher(t["id"], **{k: v for k, v in t.items() if k != "id"})
    acts = [{"teacher_id": t["id"], **{k: _cell(v) for k, v in a.items()}} for a in data["activities"]]
    load(cli, tmp_path, [row], acts)
    on = data["as_of"]
    for actor in ("sa1", "ca1"):
        cli("approve", "--all-queued", "--as", actor, "--on", on, expect=0)
    status = json.loads(cli("status", t["id"], "--as-of", on, "--json", expect=0).stdout)
    evaluated = json.loads(cli("evaluate", path, "--json", expect=0).stdout)
    assert _essentials(status) == _essentials(evaluated)
