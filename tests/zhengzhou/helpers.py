"""A small Zhengzhou registry built through the real ``xuefen import`` (invented places and people).

The org tree::

    HN (province) ─ ZZ (city) ─┬─ ZD (county) ─┬─ ZS1 (primary school)
                               │                └─ ZS2 (junior school)
                               └─ ZSC (senior school directly under the city)
"""
from __future__ import annotations

import sqlalchemy as sa

from tests.workflow.helpers import activity, write_csv  # noqa: F401  (re-exported for the tests)
from tests.conftest import KEYS_FOR

R = "zhengzhou"
ORGS = [
    {"id": "HN", "name": "河南省", "level": "province", "parent_id": "", "region": R},
    {"id": "ZZ", "name": "郑州市", "level": "city", "parent_id": "HN", "region": R},
    {"id": "ZD", "name": "测试示范区", "level": "county", "parent_id": "ZZ", "region": R},
    {"id": "ZS1", "name": "测试示范区第一小学", "level": "school", "parent_id": "ZD", "region": R},
    {"id": "ZS2", "name": "测试示范区育英初级中学", "level": "school", "parent_id": "ZD", "region": R},
    {"id": "ZSC", "name": "市直测试高级中学", "level": "school", "parent_id": "ZZ", "region": R},
]
ACTORS = [
    {"id": "zs1", "name": "林校管", "role": "school_admin", "org_id": "ZS1"},
    {"id": "zs2", "name": "何校管", "role": "school_admin", "org_id": "ZS2"},
    {"id": "zsc", "name": "罗校管", "role": "school_admin", "org_id": "ZSC"},
    {"id": "zd", "name": "梁县管", "role": "county_admin", "org_id": "ZD"},
    {"id": "zc", "name": "宋市管", "role": "city_admin", "org_id": "ZZ"},
    {"id": "hp", "name": "唐省管", "role": "province_admin", "org_id": "HN"},
]


def teacher(tid, school="ZS1", stage="primary", **kw):
    row = {"id": tid, "name": f"测试教师{tid}", "stage": stage, "school_id": school, "hired_on": "2005-09-01"}
    row.update({k: str(v) for k, v in kw.items()})
    return row


def load(cli, tmp_path, teachers, activities):
    for kind, rows in (("orgs", ORGS), ("actors", ACTORS), ("teachers", teachers), ("activities", activities)):
        if rows:
            cli("import", kind, write_csv(tmp_path / f"{kind}.csv", rows), *KEYS_FOR[kind], expect=0)


def approve_all(cli, on="2019-01-15"):
    """Every queued claim through its stages, as the right admins."""
    for _ in range(4):
        for actor in ("zs1", "zs2", "zsc", "zd", "zc", "hp"):
            cli("approve", "--all-queued", "--as", actor, "--on", on)


def engine(cli):
    from xuefen.store import open_engine
    return open_engine(cli.db_url)


def teacher_row(cli, tid):
    from xuefen.store.schema import teachers
    with engine(cli).begin() as conn:
        return conn.execute(sa.select(teachers).where(teachers.c.id == tid)).first()


def count(cli, table) -> int:
    with engine(cli).begin() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def audit_records(cli, action):
    from xuefen.store.schema import audit_log
    with engine(cli).begin() as conn:
        return list(conn.execute(sa.select(audit_log).where(audit_log.c.action == action)
                                 .order_by(audit_log.c.seq)))
