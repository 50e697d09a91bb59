"""Zhengzhou's part of ``xuefen demo``: deterministic invented data that shows both sides of the cutover."""
from __future__ import annotations

import pytest

import datetime as dt

from xuefen_cli import demo_runner
from xuefen import migrate, regions
from xuefen.claims import certificates
from xuefen.store import open_engine


def test_hook_xuefen_demo_data_zhengzhou_is_deterministic_and_invented():
    rt = regions.runtime("zhengzhou")
    a, b = rt.hook.xuefen_demo_data(seed=7), rt.hook.xuefen_demo_data(seed=7)
    assert a == b and a != rt.hook.xuefen_demo_data(seed=8)
    assert {o["region"] for o in a["orgs"]} == {"zhengzhou"}
    assert a["year"] == 2017  # reviewed on 2018-01-15, before the paper-path deadline (Z-T2)
    kinds = {x["kind"] for x in a["activities"]}
    assert {"school_based", "training", "new_teacher_training"} <= kinds
    assert any(t.get("previous_certificate_on", "9999") < "2014-01-01" for t in a["teachers"])
    assert any("previous_certificate_on" not in t for t in a["teachers"])  # new teachers (Z-R5)


@pytest.mark.rule("Z-T1")
def test_Z_T1_demo_registry_runs_the_cutover_and_issues_certificates(db_url):
    from xuefen_zhengzhou.demo import demo_data
    data = demo_data(2024, teachers=40)
    engine = open_engine(db_url)
    tally = demo_runner.run(engine, data, 2024)
    assert sum(tally.approved.values()) > 100
    on = dt.date(data["year"] + 1, 1, 15)
    with engine.begin() as conn:
        result = migrate.run(conn, "zhengzhou-cutover", as_of=on, apply=True, signer=tally.keys[demo_runner.ADMIN])
    counts = result.counts()
    assert counts[("Z-T1", "system_path")] and counts[("Z-T1", "paper_path")]
    admins = [tally.keys[a["id"]] for a in data["actors"]]
    issued = certificates.issue_due(engine, [t["id"] for t in data["teachers"]], admins, on)
    assert issued and {c.kind for c in issued} == {"cycle"}
    assert len({c.serial for c in issued}) == len(issued)
    assert certificates.issue_due(engine, [c.teacher for c in issued], admins, on) == []  # never twice
