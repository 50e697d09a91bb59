"""Lincang's part of ``xuefen demo``: invented Lincang records, signed approvals, a falsified claim revoked."""
from __future__ import annotations

import pytest

from decimal import Decimal

import sqlalchemy as sa

from xuefen_cli import demo_runner
from xuefen import audit, regions
from xuefen.claims import signatures
from xuefen.store import open_engine
from xuefen.store.schema import entries, integrity

from xuefen_lincang.rules import RULES as R


def test_hook_xuefen_demo_data_lincang_is_deterministic_and_every_rate_in_its_range():
    rt = regions.runtime("lincang")
    a, b = rt.hook.xuefen_demo_data(seed=7), rt.hook.xuefen_demo_data(seed=7)
    assert a == b and a != rt.hook.xuefen_demo_data(seed=8)
    assert {o["region"] for o in a["orgs"]} == {"lincang"}
    assert {x["role"] for x in a["actors"]} >= {"project_leader", "county_admin", "province_admin"}
    c2 = R["L-C2"].values
    for x in a["activities"]:
        if x["kind"] in ("training", "school_based"):
            school = x["kind"] == "school_based" or x.get("level") == "school" or x.get("delivery") == "online"
            low, high = c2["school_or_online"] if school else c2["ranges"][x["level"]]
            assert low <= Decimal(x["rate"]) <= high and 0 <= int(x["score"]) <= 100, x
        if x["kind"] in R["L-T2"].values["kinds"]:
            assert Decimal(x["credits"]) > 0


@pytest.mark.rule("L-W1")
def test_L_W1_demo_registry_signs_recognises_and_revokes_one_as_falsified(db_url, tmp_path):
    from xuefen_lincang.demo import demo_data
    data = demo_data(2024, teachers=14)
    engine = open_engine(db_url)
    tally = demo_runner.run(engine, data, 2024, keys_dir=tmp_path / "keys")
    assert tally.approved["entered"] and tally.approved["leader_signed"] and tally.approved["authority_signed"]
    assert tally.revoked == 1
    with engine.begin() as conn:
        v = signatures.verify_all(conn)
        assert v.ok and v.signatures >= 2 * tally.approved["authority_signed"]
        posted = list(conn.execute(sa.select(entries.c.hours, entries.c.credits).where(entries.c.reverses.is_(None))))
        assert any(r.hours and r.credits for r in posted)  # an entry carries both units
        assert [r.rule for r in conn.execute(sa.select(integrity))] == ["L-F1"]
    # a key for every invented actor, and one for the demo registry's administrator who registered them
    assert sorted(p.stem for p in (tmp_path / "keys").glob("*.pem")) == sorted(
        [a["id"] for a in data["actors"]] + [demo_runner.ADMIN])
    with engine.begin() as conn:
        assert audit.verify(conn).intact
