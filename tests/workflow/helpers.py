"""Building a small Kunming registry through the real ``xuefen import``, for workflow and CLI tests.

The org tree::

    YN (province) ─ KM (city) ─┬─ D1 (county) ─┬─ S1 (school)
                               │                └─ S2 (school)
                               ├─ D2 (county) ── S3 (school)
                               └─ SC (school directly under the city)

Every person is invented.
"""
from __future__ import annotations

import csv
import json
from pathlib import Path

import sqlalchemy as sa
from tests.conftest import KEYS_FOR

ORGS = [
    {"id": "YN", "name": "云南省", "level": "province", "parent_id": "", "region": "kunming"},
    {"id": "KM", "name": "昆明市", "level": "city", "parent_id": "YN", "region": "kunming"},
    {"id": "D1", "name": "测试一区", "level": "county", "parent_id": "KM", "region": "kunming"},
    {"id": "D2", "name": "测试二区", "level": "county", "parent_id": "KM", "region": "kunming"},
    {"id": "S1", "name": "测试一区第一小学", "level": "school", "parent_id": "D1", "region": "kunming"},
    {"id": "S2", "name": "测试一区第二小学", "level": "school", "parent_id": "D1", "region": "kunming"},
    {"id": "S3", "name": "测试二区实验中学", "level": "school", "parent_id": "D2", "region": "kunming"},
    {"id": "SC", "name": "昆明市直属测试中学", "level": "school", "parent_id": "KM", "region": "kunming"},
]
ACTORS = [
    {"id": "sa1", "name": "周校管", "role": "school_admin", "org_id": "S1"},
    {"id": "sa2", "name": "吴校管", "role": "school_admin", "org_id": "S2"},
    {"id": "sa3", "name": "郑校管", "role": "school_admin", "org_id": "S3"},
    {"id": "sac", "name": "冯校管", "role": "school_admin", "org_id": "SC"},
    {"id": "ca1", "name": "陈县管", "role": "county_admin", "org_id": "D1"},
    {"id": "ca2", "name": "褚县管", "role": "county_admin", "org_id": "D2"},
    {"id": "cy", "name": "卫市管", "role": "city_admin", "org_id": "KM"},
    {"id": "pa", "name": "蒋省管", "role": "province_admin", "org_id": "YN"},
]


def teacher(tid, school="S1", **kw):
    row = {"id": tid, "name": f"测试教师{tid}", "stage": "primary", "school_id": school, "hired_on": "2008-09-01",
           "cycle_start": "2015-02-01"}
    row.update(kw)
    return row


def activity(tid, aid, kind="training", date="2015-05-10", **kw):
    return {"teacher_id": tid, "id": aid, "kind": kind, "date": date, **{k: str(v) for k, v in kw.items()}}


def write_csv(path: Path, rows: list[dict]) -> Path:
    fields: list[str] = []
    for r in rows:
        fields += [k for k in r if k not in fields]
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=fields)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in fields})
    return path


def load(cli, tmp_path: Path, teachers: list[dict], activities: list[dict], *, orgs=ORGS, actors=ACTORS) -> None:
    """Import the tables through the real CLI (which opens a claim per activity in the first stage)."""
    for kind, rows in (("orgs", orgs), ("actors", actors), ("teachers", teachers), ("activities", activities)):
        if rows:
            path = write_csv(tmp_path / f"{kind}.csv", rows)
            cli("import", kind, path, *KEYS_FOR[kind], expect=0)


def engine(cli):
    from xuefen.store import open_engine
    return open_engine(cli.db_url)


def claim(cli, claim_id: str):
    from xuefen.store.schema import claims
    with engine(cli).begin() as conn:
        return conn.execute(sa.select(claims).where(claims.c.id == claim_id)).first()


def claim_id(cli, teacher_id: str, activity_id: str) -> str:
    from xuefen.store.schema import claims
    with engine(cli).begin() as conn:
        return conn.execute(sa.select(claims.c.id).where(claims.c.teacher_id == teacher_id,
                                                         claims.c.activity_id == activity_id)).scalar_one()


def counts(cli) -> dict:
    """Rows per table that an action writes: what a refused action must leave unchanged."""
    from xuefen.store.schema import audit_log, certificates, claims, entries
    with engine(cli).begin() as conn:
        out = {t.name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar_one()
               for t in (audit_log, entries, claims, certificates)}
        out["states"] = sorted(tuple(r) for r in conn.execute(sa.select(claims.c.id, claims.c.state,
                                                                        claims.c.version)))
    return out


def set_actor(cli, actor_id: str, **values) -> None:
    """Change an actor's row through the library, as an import by the administrator would record it (no command
    changes an existing actor's data)."""
    from xuefen import audit
    from xuefen.store.schema import actors
    with engine(cli).begin() as conn, audit.acting(conn, cli.signer("admin"), "update_actor"):
        assert audit.update(conn, "admin", actors, {"id": actor_id}, values, action="import") is not None


def out_json(result):
    return json.loads(result.stdout)
