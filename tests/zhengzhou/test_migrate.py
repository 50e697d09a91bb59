"""``xuefen migrate zhengzhou-cutover`` through the real CLI against a real database (Z-T1, Z-T2).

Each teacher's approved hours from the previous certificate to 2016-12-31 decide
the path: both sides of 260, both sides of 360 for senior-high teachers, hours on
2016-12-31 itself and on the day after; after 2018-12-31 a paper-path teacher still
short is listed for manual handling with every hour kept.
"""
from __future__ import annotations

import json
from decimal import Decimal as D

import pytest
import sqlalchemy as sa

from tests.zhengzhou.helpers import (activity, approve_all, audit_records, engine, load, teacher, teacher_row,
                                     write_csv)

PREV = "2012-03-01"


def before_cutover(tid, hours, school="ZS1", stage="primary", date="2013-05-01", level="county", more=()):
    """A teacher with 80 school-based hours in 2014 plus ``hours - 80`` of one project on ``date``."""
    t = teacher(tid, school, stage, previous_certificate_on=PREV)
    acts = [activity(tid, f"{tid}-sb", "school_based", "2014-04-01", level="school", hours=80, assessment="pass"),
            activity(tid, f"{tid}-p", "training", date, level=level, hours=hours - 80, assessment="pass")]
    acts += [activity(tid, f"{tid}-m{i}", "training", d, level=level, hours=h, assessment="pass")
             for i, (d, h) in enumerate(more)]
    return t, acts


@pytest.fixture
def registry(cli, tmp_path):
    people = [
        before_cutover("P259", 259),
        before_cutover("P260", 260),
        before_cutover("P2595", D("259.5")),
        before_cutover("D1231", 260, date="2016-12-31"),
        before_cutover("D0101", 260, date="2017-01-01"),
        before_cutover("S359", 359, "ZSC", "senior", level="city"),
        before_cutover("S360", 360, "ZSC", "senior", level="city"),
        before_cutover("J300", 300, "ZS2", "junior"),
        before_cutover("P360", 260, more=[("2018-05-01", 100)]),
        (teacher("NEW", hired_on="2018-09-01"), []),
    ]
    load(cli, tmp_path, [p[0] for p in people], [a for p in people for a in p[1]])
    approve_all(cli, on="2019-01-15")
    return cli


def migrate(cli, *args, expect=0):
    return json.loads(cli("migrate", "zhengzhou-cutover", "--json", *args, expect=expect).stdout)


def decisions(result, rule="Z-T1"):
    return {d["teacher"]: next(x["decision"] for x in d["decisions"] if x["rule"] == rule)
            for d in result["decided"] if any(x["rule"] == rule for x in d["decisions"])}


@pytest.mark.rule("Z-T1")
def test_Z_T1_migration_both_sides_of_260_and_of_360_senior(registry):
    r = migrate(registry, "--on", "2019-03-01")
    assert decisions(r) == {"P259": "system_path", "P2595": "system_path", "P260": "paper_path",
                            "D1231": "paper_path", "D0101": "system_path", "S359": "system_path",
                            "S360": "complete", "J300": "paper_path", "P360": "paper_path"}
    hours = {d["teacher"]: d["decisions"][0]["hours"] for d in r["decided"]}
    assert (hours["P2595"], hours["P260"], hours["D0101"], hours["S360"]) == ("259.5", "260", "80", "360")
    assert r["teachers"] == 10 and r["not_concerned"] == 1  # the new teacher is not classified
    counts = {(c["rule"], c["decision"]): c["teachers"] for c in r["counts"]}
    assert counts[("Z-T1", "system_path")] == 4 and counts[("Z-T1", "paper_path")] == 4
    assert counts[("Z-T1", "complete")] == 1


@pytest.mark.rule("Z-T1")
def test_Z_T1_migration_counts_hours_of_2016_12_31_itself_and_not_of_2017_01_01(registry):
    r = migrate(registry, "--on", "2017-06-30")
    assert (decisions(r)["D1231"], decisions(r)["D0101"]) == ("paper_path", "system_path")


@pytest.mark.rule("Z-T1")
def test_Z_T1_senior_at_360_setting_changes_the_migration(registry, tmp_path):
    out = registry("settings", "set", "zhengzhou", "senior_at_360", "system_path", expect=0).output
    assert "senior_at_360 = system_path (set by admin)" in out
    assert decisions(migrate(registry, "--on", "2019-03-01"))["S360"] == "system_path"


@pytest.mark.rule("Z-T2")
def test_Z_T2_after_2018_12_31_paper_path_teachers_still_short_are_listed_for_manual_handling(registry):
    after = migrate(registry, "--on", "2019-01-01")
    t2 = decisions(after, "Z-T2")
    assert t2 == {"P260": "manual_handling", "D1231": "manual_handling", "J300": "manual_handling",
                  "P360": "closed"}
    assert after["manual_handling"] == ["D1231", "J300", "P260"]
    p260 = next(d for d in after["decided"] if d["teacher"] == "P260")["decisions"][1]
    assert (p260["hours_at_deadline"], p260["hours_to_date"]) == ("260", "260")  # hours kept, never dropped
    on_deadline = migrate(registry, "--on", "2018-12-31")
    assert set(decisions(on_deadline, "Z-T2").values()) == {"open"} and on_deadline["manual_handling"] == []
    text = registry("migrate", "zhengzhou-cutover", "--on", "2019-01-01", expect=0).output
    assert "3 teacher(s) for manual handling" in text and "dry run" in text


@pytest.mark.rule("Z-T1")
def test_Z_T1_dry_run_changes_nothing_and_apply_records_each_decision_once(registry):
    from xuefen.store.schema import audit_log
    with engine(registry).begin() as conn:
        n = conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()
    dry = migrate(registry, "--on", "2019-03-01")
    assert not dry["applied"] and dry["recorded"] == 0
    assert len(audit_records(registry, "migrate:zhengzhou-cutover")) == 0
    with engine(registry).begin() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one() == n
    applied = migrate(registry, "--on", "2019-03-01", "--apply", "--as", "zc")
    assert applied["applied"] and applied["recorded"] == 9
    records = audit_records(registry, "migrate:zhengzhou-cutover")
    assert {r.object_id for r in records} == set(decisions(applied))
    p260 = next(r for r in records if r.object_id == "P260")
    assert p260.actor_id == "zc" and p260.after["decisions"][0]["decision"] == "paper_path"
    assert teacher_row(registry, "P260").data["cutover_path"] == "paper_path"
    assert teacher_row(registry, "S360").data["cutover_path"] == "complete"
    again = migrate(registry, "--on", "2019-03-01", "--apply")
    assert again["recorded"] == 0 and len(audit_records(registry, "migrate:zhengzhou-cutover")) == 9
    assert registry("audit", "verify", expect=0).exit_code == 0


@pytest.mark.rule("Z-T1")
def test_Z_T1_applied_paper_path_routes_new_claims_on_paper(registry, tmp_path):
    from xuefen.store.schema import claims
    migrate(registry, "--on", "2019-03-01", "--apply")
    path = write_csv(tmp_path / "more.csv", [activity("P260", "P260-late", "training", "2018-06-01", level="city",
                                                      hours=40, assessment="pass")])
    registry("import", "activities", path, expect=0)
    with engine(registry).begin() as conn:
        stages = conn.execute(sa.select(claims.c.stages).where(claims.c.activity_id == "P260-late")).scalar_one()
    # stored with their medium, and ``on_paper`` kept for readers of earlier versions
    assert [(s["role"], s["rule"], s["medium"], s["on_paper"]) for s in stages] == [
        ("school_admin", "Z-T1", "paper", True), ("county_admin", "Z-T1", "paper", True)]


def test_migrate_lists_and_refuses_unknown_names(cli):
    listed = json.loads(cli("migrate", "--json", expect=0).stdout)
    assert "zhengzhou-cutover" in {m["name"] for m in listed}
    r = cli("migrate", "no-such-migration", expect=2)
    assert "unknown migration 'no-such-migration'" in r.output
    assert "not a date" in cli("migrate", "zhengzhou-cutover", "--on", "31/12/2016", expect=2).output


def test_hook_xuefen_migrations():
    from xuefen import regions
    from xuefen.evaluate import Case, evaluate
    from xuefen.model import Activity, Teacher
    import datetime as dt
    assert [m for group in regions.runtime("kunming").hook.xuefen_migrations() for m in group or ()] == []
    rt = regions.runtime("zhengzhou")
    (m,) = [m for group in rt.hook.xuefen_migrations() for m in group or ()]
    assert (m.name, m.region, m.rule, m.article, m.field) == ("zhengzhou-cutover", "zhengzhou", "Z-T1", "八",
                                                              "cutover_path")
    t = Teacher("T", "junior", previous_certificate_on=dt.date(2013, 1, 1))
    ev = evaluate(Case("zhengzhou", dt.date(2017, 6, 1), t,
                       (Activity("a", "training", dt.date(2015, 1, 1), level="city", hours=300),)))
    assert [(x.rule, x.decision) for x in m.decide(teacher=t, evaluation=ev, settings=rt.settings)] == [
        ("Z-T1", "paper_path"), ("Z-T2", "open")]
