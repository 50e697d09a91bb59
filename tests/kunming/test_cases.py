"""Kunming acceptance cases through the real CLI (``xuefen evaluate CASE --json``).

Each ``cases/*.json`` is a case (FORMATS.md §1) with an ``expect`` block computed
by hand from docs/rules/kunming.md, in the format of the worked examples in tests/shared/examples
(``entries``, ``refused``, ``zero_or_refused``, ``year_req``, ``cycle_req``,
``cycle_met``, ``certificate_eligible``) plus ``no_year_req``, ``warnings``,
``no_warnings`` and ``entry_year``. Every output is also checked against the
shape of FORMATS.md §2.
"""
from __future__ import annotations

import json
import re
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import run_in_process

CASES = sorted((Path(__file__).parent / "cases").glob("*.json"))
XUEFEN = Path(sys.executable).with_name("xuefen")
AMOUNT = re.compile(r"^-?\d+(\.\d*[1-9])?$")


def run(case_path: Path) -> dict:
    p = run_in_process("evaluate", case_path, "--json")  # the real command, in this process
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def amount(out, act, unit):
    return sum((Decimal(e[unit]) for e in out["entries"] if e["activity"] == act and e[unit] is not None),
               Decimal(0))


def find_req(out, year, rule):
    pool = []
    if year is not None:
        pool = [r for y in out["years"] if y["year"] == year for r in y["requirements"]]
    else:
        pool = out["cycle"]["requirements"]
    hits = [r for r in pool if r["rule"] == rule]
    return hits[0] if hits else None


def is_amount(v):
    return isinstance(v, str) and AMOUNT.match(v) is not None


def check_shape(out: dict) -> None:
    """FORMATS.md §2, strictly: field names, decimal strings, rule and article everywhere."""
    for k in ("region", "as_of", "teacher", "units", "entries", "refused", "years", "cycle", "certificate",
              "transitions", "warnings"):
        assert k in out, k
    assert out["region"] == "kunming" and out["units"] == ["hours"]
    assert re.match(r"^\d{4}-\d{2}-\d{2}$", out["as_of"]) and isinstance(out["teacher"], str)
    for e in out["entries"]:
        assert {"activity", "year", "hours", "credits", "buckets", "rule", "article"} <= e.keys(), e
        assert isinstance(e["year"], int) and is_amount(e["hours"]) and e["credits"] is None, e
        assert isinstance(e["buckets"], list) and e["rule"].startswith("K-") and e["article"], e
    for r in out["refused"]:
        assert {"activity", "rule", "article", "reason"} <= r.keys(), r
        assert r["rule"].startswith("K-") and r["article"] and r["reason"], r
    reqs = [r for y in out["years"] for r in y["requirements"]]
    for y in out["years"]:
        assert isinstance(y["year"], int) and isinstance(y["requirements"], list)
    if out["cycle"] is not None:
        c = out["cycle"]
        assert re.match(r"^\d{4}-\d{2}-\d{2}$", c["start"]) and re.match(r"^\d{4}-\d{2}-\d{2}$", c["end"])
        assert isinstance(c["met"], bool)
        reqs += c["requirements"]
        assert c["met"] == all(r["met"] for r in c["requirements"])
    for r in reqs:
        assert r["rule"].startswith("K-") and r["article"] and r["unit"] == "hours", r
        assert ("required" in r) != ("maximum" in r), r
        threshold = r.get("required", r.get("maximum"))
        assert all(is_amount(v) for v in (threshold, r["earned"], r["counted"])), r
        assert isinstance(r["met"], bool) and isinstance(r["notes"], list), r
        if "required" in r:
            assert r["met"] == (Decimal(r["counted"]) >= Decimal(r["required"])), r
        else:
            assert Decimal(r["counted"]) <= Decimal(r["maximum"]), r
        assert Decimal(r["counted"]) <= Decimal(r["earned"]), r
    cert = out["certificate"]
    if cert is not None:
        assert isinstance(cert["eligible"], bool) and isinstance(cert["reason"], str) and cert["reason"]
        assert cert["rule"].startswith("K-") and cert["article"]
        assert cert["eligible"] == out["cycle"]["met"]
    assert out["transitions"] == []
    for w in out["warnings"]:
        assert {"rule", "article", "message"} <= w.keys() and w["rule"].startswith("K-") and w["article"], w


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_kunming_case(path):
    exp = json.loads(path.read_text(encoding="utf-8"))["expect"]
    out = run(path)
    check_shape(out)
    fails = []
    for act, units in exp.get("entries", {}).items():
        for unit, want in units.items():
            if amount(out, act, unit) != Decimal(want):
                fails.append(f"{act} {unit} {amount(out, act, unit)} != {want}")
    refused = {r["activity"]: r["rule"] for r in out["refused"]}
    for act, rule in exp.get("refused", {}).items():
        if refused.get(act) != rule:
            fails.append(f"{act} refused by {refused.get(act)} not {rule}")
    for act in exp.get("zero_or_refused", []):
        if act not in refused and amount(out, act, "hours"):
            fails.append(f"{act} should earn nothing")
    for r in exp.get("year_req", []) + exp.get("cycle_req", []):
        got = find_req(out, r.get("year"), r["rule"])
        if got is None:
            fails.append(f"no requirement {r['rule']} for {r.get('year', 'cycle')}")
        elif Decimal(got["counted"]) != Decimal(r["counted"]) or got["met"] is not r["met"]:
            fails.append(f"{r['rule']} {r.get('year', 'cycle')}: counted {got['counted']} met {got['met']}, "
                         f"want {r['counted']} {r['met']}")
    for year, rule in exp.get("no_year_req", []):
        if find_req(out, year, rule) is not None:
            fails.append(f"{rule} should not apply in {year}")
    if "cycle_met" in exp and out["cycle"]["met"] is not exp["cycle_met"]:
        fails.append("cycle met differs")
    if "certificate_eligible" in exp and out["certificate"]["eligible"] is not exp["certificate_eligible"]:
        fails.append("certificate eligibility differs")
    warned = {w.get("activity"): w["article"] for w in out["warnings"]}
    for act, article in exp.get("warnings", {}).items():
        if warned.get(act) != article:
            fails.append(f"{act}: no warning citing {article} ({out['warnings']})")
    for act in exp.get("no_warnings", []):
        if act in warned:
            fails.append(f"{act}: unexpected warning {warned[act]}")
    for act, year in exp.get("entry_year", {}).items():
        years = {e["year"] for e in out["entries"] if e["activity"] == act}
        if years != {year}:
            fails.append(f"{act} in {years}, not {year}")
    assert not fails, "; ".join(fails)
