"""Suzhou District's demo rows: deterministic, in Suzhou's terms, and every row a valid case."""
from __future__ import annotations

from collections import defaultdict

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from xuefen.regions import runtime

CODE = "suzhou-jq"


def test_suzhou_demo_is_deterministic_and_speaks_suzhou():
    hook = runtime(CODE).hook
    first, again = hook.xuefen_demo_data(seed=7), hook.xuefen_demo_data(seed=7)
    assert first == again and first["report_org"] == "JQ-SZ"
    assert {o["region"] for o in first["orgs"]} == {CODE}
    school_based = [a for a in first["activities"] if a["kind"] == "school_based"]
    assert school_based and all("hours" not in a and int(a["events"]) > 0 for a in school_based)  # SZ-C3: topics


def test_suzhou_demo_rows_evaluate_without_errors():
    data = runtime(CODE).hook.xuefen_demo_data(seed=7)
    acts = defaultdict(list)
    for a in data["activities"]:
        acts[a["teacher_id"]].append({k: v for k, v in a.items() if k != "teacher_id"})
    met = 0
    for t in data["teachers"][:40]:
        teacher = {k: v for k, v in t.items() if k not in ("name", "school_id")}
        ev = evaluate(parse_case({"region": CODE, "as_of": f"{data['year']}-12-31", "teacher": teacher,
                                  "activities": acts[t["id"]]}))
        met += ev.certificate.eligible
        assert all(e.rule.startswith("SZ-") for e in ev.entries)
    assert 0 < met < 40  # some teachers meet the year, some fall short (SZ-P1)
