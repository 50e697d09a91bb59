"""An invented Kunming district for the reliability tests, written through the real audit/workflow code.

Org tree::

    P (province) ── C (city) ─┬─ K1 (county) ─┬─ S1 (school)
                              │               └─ S2 (school)
                              ├─ K2 (county) ─── S3 (school)
                              └─ SC (school directly under the city)

Every name is invented.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from tests import keys
from xuefen import audit, claims
from xuefen.store import open_engine, schema as S

ROOT = Path(__file__).resolve().parents[2]
PY = sys.executable

ORGS = [
    {"id": "P", "name": "云南省教育厅（测试）", "level": "province", "parent_id": None, "region": "kunming"},
    {"id": "C", "name": "昆明市教育局（测试）", "level": "city", "parent_id": "P", "region": "kunming"},
    {"id": "K1", "name": "青山区教育局", "level": "county", "parent_id": "C", "region": "kunming"},
    {"id": "K2", "name": "白水县教育局", "level": "county", "parent_id": "C", "region": "kunming"},
    {"id": "S1", "name": "青山第一小学", "level": "school", "parent_id": "K1", "region": "kunming"},
    {"id": "S2", "name": "青山第二小学", "level": "school", "parent_id": "K1", "region": "kunming"},
    {"id": "S3", "name": "白水中学", "level": "school", "parent_id": "K2", "region": "kunming"},
    {"id": "SC", "name": "市直实验学校", "level": "school", "parent_id": "C", "region": "kunming"},
]
ACTORS = [
    {"id": "sa-S1", "name": "林一", "role": "school_admin", "org_id": "S1"},
    {"id": "sa-S2", "name": "林二", "role": "school_admin", "org_id": "S2"},
    {"id": "sa-S3", "name": "林三", "role": "school_admin", "org_id": "S3"},
    {"id": "sa-SC", "name": "林四", "role": "school_admin", "org_id": "SC"},
    {"id": "ca-K1", "name": "周一", "role": "county_admin", "org_id": "K1"},
    {"id": "ca-K2", "name": "周二", "role": "county_admin", "org_id": "K2"},
    {"id": "ci-C", "name": "吴一", "role": "city_admin", "org_id": "C"},
    {"id": "pa-P", "name": "郑一", "role": "province_admin", "org_id": "P"},
    {"id": "pl-S1", "name": "冯一", "role": "project_leader", "org_id": "S1"},
]

#: one activity worth a known number of hours under Kunming's rules (a passed city training of 3 days)
ACTIVITY = {"kind": "training", "level": "city", "assessment": "pass"}


def seed_orgs(conn) -> None:
    """The registry's first administrator, the org tree and the actors, each actor with its test key."""
    from xuefen.actors import has_admin
    if not has_admin(conn):
        keys.bootstrap(conn)
    with audit.acting(conn, keys.signer(keys.ADMIN), "import_orgs"):
        audit.insert(conn, keys.ADMIN, S.orgs, [o for o in ORGS if o["parent_id"] is None], action="import")
        done = {o["id"] for o in ORGS if o["parent_id"] is None}
        while len(done) < len(ORGS):
            ready = [o for o in ORGS if o["id"] not in done and o["parent_id"] in done]
            audit.insert(conn, keys.ADMIN, S.orgs, ready, action="import")
            done |= {o["id"] for o in ready}
        audit.insert(conn, keys.ADMIN, S.actors, ACTORS, action="import")
    keys.give_keys(conn, [a["id"] for a in ACTORS])


def seed_teacher(conn, teacher_id: str, school: str = "S1", *, name: str = "陈老师", activities=(("a1", 3),),
                 submit_as: str | None = None, as_of=dt.date(2020, 6, 30)) -> list[str]:
    """A teacher, their activities (``(id, days)``) and a claim for each; returns the claim ids."""
    with audit.acting(conn, keys.signer(keys.ADMIN), "import_teachers"):
        _seed_teacher_rows(conn, teacher_id, school, name, activities)
    submitter = submit_as or f"sa-{school}"
    return [claims.open_claim(conn, keys.signer(submitter), teacher_id, aid, as_of=as_of) for aid, _ in activities]


def _seed_teacher_rows(conn, teacher_id, school, name, activities) -> None:
    audit.insert(conn, keys.ADMIN, S.teachers, [{"id": teacher_id, "name": name, "school_id": school,
                                              "stage": "primary", "hired_on": dt.date(2005, 9, 1),
                                              "cycle_start": dt.date(2020, 2, 1)}], action="import")
    rows = []
    for aid, days in activities:
        data = {"id": aid, "date": "2020-04-18", "days": str(days), **ACTIVITY}
        rows.append({"teacher_id": teacher_id, "id": aid, "kind": data["kind"], "date": dt.date(2020, 4, 18),
                     "data": data})
    audit.insert(conn, keys.ADMIN, S.activities, rows, action="import")


def fresh_registry(db_url: str):
    engine = open_engine(db_url)
    with engine.begin() as conn:
        seed_orgs(conn)
    return engine


def entries_of(conn, claim_id: str) -> list:
    return list(conn.execute(sa.select(S.entries).where(S.entries.c.claim_id == claim_id)))


def total_hours(conn) -> Decimal:
    v = conn.execute(sa.select(sa.type_coerce(sa.func.sum(S.entries.c.hours), S.Amount()))).scalar()
    return Decimal(0) if v is None else v


def run_script(code: str, *args, env=None, timeout=300) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh Python process (the test environment's interpreter)."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([PY, "-c", code, *map(str, args)], capture_output=True, text=True, env=full_env,
                          timeout=timeout)


def last_json(text: str):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith(("{", "[")):
            return json.loads(line)
    raise AssertionError(f"no JSON in output:\n{text}")


def earned_hours(teacher_id: str, days, as_of=dt.date(2020, 6, 30)) -> Decimal:
    """What the pure evaluation says one passed city training of ``days`` days (2020-04-18) earns."""
    from xuefen.evaluate import evaluate
    from xuefen.io.case import parse_case

    case = parse_case({"region": "kunming", "as_of": as_of.isoformat(),
                       "teacher": {"id": teacher_id, "stage": "primary", "hired_on": "2005-09-01",
                                   "cycle_start": "2020-02-01"},
                       "activities": [{"id": "a1", "date": "2020-04-18", "days": str(days), **ACTIVITY}]})
    return sum((e.hours for e in evaluate(case).entries), Decimal(0))
