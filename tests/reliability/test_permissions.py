"""Who may act: every actor (role × own/other school, county, city; the claim's own teacher; revoked)
× every stage of both Kunming flows (an activity: school, county; a cycle: school, county, city,
province) × a teacher in a county school, in another county, and in a city-direct school.

The expectation is written out by hand (``WHO``), not computed by the code under test: at each
stage exactly one unit serves a school, and only that unit's admin of the stage's role may act,
never on their own claim, never once revoked. Every cell runs the real ``claims.act`` in a
savepoint that is rolled back, for each of approve, return and reject.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests import keys
from xuefen import audit, claims
from xuefen.errors import RefusedAction
from xuefen.store import schema as S

from tests.reliability.helpers import ACTORS, fresh_registry, seed_teacher
from tests.reliability.workers import AS_OF

#: the teacher whose claims are judged, by school: S1 (county K1), S3 (county K2), SC (city-direct)
TEACHERS = {"S1": "T-S1", "S3": "T-S3", "SC": "T-SC"}
#: (school, level of the stage) -> the only actor who may act there
WHO = {
    ("S1", "school"): "sa-S1", ("S1", "county"): "ca-K1", ("S1", "city"): "ci-C", ("S1", "province"): "pa-P",
    ("S3", "school"): "sa-S3", ("S3", "county"): "ca-K2", ("S3", "city"): "ci-C", ("S3", "province"): "pa-P",
    # no county above a city-direct school: its county stage is the city's (K-A1)
    ("SC", "school"): "sa-SC", ("SC", "county"): "ci-C", ("SC", "city"): "ci-C", ("SC", "province"): "pa-P",
}
#: more actors: a classroom teacher, admins who are themselves the claim's teacher (by linked data and
#: by id), and a revoked copy of every admin
EXTRA = [
    {"id": "tch-S1", "name": "何老师", "role": "teacher", "org_id": "S1", "active": True, "data": None},
    {"id": "own-sa-S1", "name": "许老师", "role": "school_admin", "org_id": "S1", "active": True,
     "data": {"teacher_id": "T-S1"}},
    {"id": "T-S3", "name": "曹老师", "role": "county_admin", "org_id": "K2", "active": True, "data": None},
] + [{**a, "id": f"revoked-{a['id']}", "active": False, "data": None} for a in ACTORS]
#: the actor ids that stand in for an entry of WHO (same role and unit) but must still be refused
OWN = {"own-sa-S1": ("T-S1", "sa-S1"), "T-S3": ("T-S3", "ca-K2")}
ACTIONS = ("approve", "return", "reject")


def expected(actor_id: str, school: str, level: str) -> bool:
    return WHO[(school, level)] == actor_id


@pytest.fixture
def registry(db_url):
    engine = fresh_registry(db_url)
    with engine.begin() as conn:
        with audit.acting(conn, keys.signer(keys.ADMIN), "import_actors"):
            audit.insert(conn, keys.ADMIN, S.actors, EXTRA, action="import")
        keys.give_keys(conn, [a["id"] for a in EXTRA])
        for school, tid in TEACHERS.items():
            seed_teacher(conn, tid, school, name=f"测试{school}", activities=(("a1", 2),), as_of=AS_OF)
            claims.open_claim(conn, keys.signer(f"sa-{school}"), tid, purpose="cycle", as_of=AS_OF)
    yield engine
    engine.dispose()


def _claims(conn):
    return [(r.id, r.teacher_id, claims.flow_of(r)) for r in conn.execute(sa.select(S.claims))]


def test_permission_matrix_every_actor_every_stage_every_school(registry):
    actors = [a["id"] for a in ACTORS] + [a["id"] for a in EXTRA]
    school_of = {tid: school for school, tid in TEACHERS.items()}
    cells, allowed, mismatches = 0, 0, []
    with registry.connect() as conn:
        found = _claims(conn)
        conn.rollback()
        for claim_id, teacher, flow in found:
            for stage in flow.stages:
                outer = conn.begin()
                # put the claim at this stage (recorded like any change, then rolled back)
                row = claims.claim_row(conn, claim_id)
                with audit.acting(conn, keys.signer(keys.ADMIN), "test_setup"):
                    audit.update(conn, keys.ADMIN, S.claims, {"id": claim_id}, {"state": stage.name,
                                                                              "version": row.version + 1},
                                 action="approve")
                for actor in actors:
                    want = expected(actor, school_of[teacher], stage.level)
                    for action in ACTIONS:
                        if action == "approve" and flow.purpose == "cycle" and stage is flow.stages[-1]:
                            continue  # certifying depends on the hours too; return/reject test the person
                        cells += 1
                        sp = conn.begin_nested()
                        try:
                            claims.act(conn, claim_id, action, keys.signer(actor), reason="测试", as_of=AS_OF)
                            got, why = True, ""
                        except RefusedAction as exc:
                            got, why = False, str(exc)
                        sp.rollback()
                        allowed += got
                        if got != want:
                            mismatches.append((claim_id, stage.name, actor, action, want, why))
                outer.rollback()
    assert not mismatches, "\n".join(map(str, mismatches[:20]))
    # the figure for docs/reliability.md
    assert cells == len(actors) * len(ACTIONS) * len(TEACHERS) * 6 - len(actors) * len(TEACHERS)
    assert allowed == len(ACTIONS) * len(TEACHERS) * 6 - len(TEACHERS)
    print(f"permission matrix: {cells} cells, {allowed} allowed")


@pytest.mark.parametrize("own,teacher,legit", [(own, t, legit) for own, (t, legit) in OWN.items()])
def test_an_admin_never_acts_on_their_own_claim_even_with_the_right_role_and_unit(registry, own, teacher, legit):
    cid = claims.claim_id_for(teacher, "a1", "activity")
    school = next(s for s, t in TEACHERS.items() if t == teacher)
    if legit.startswith("ca-"):
        claims.approve(registry, cid, keys.signer(f"sa-{school}"), as_of=AS_OF)  # on to the county stage
    with registry.connect() as conn:
        assert cid not in {r.id for r in claims.queue(conn, own)}
        assert cid in {r.id for r in claims.queue(conn, legit)}
    with pytest.raises(RefusedAction, match="may not act on their own claim"):
        claims.approve(registry, cid, keys.signer(own), as_of=AS_OF)
    claims.approve(registry, cid, keys.signer(legit), as_of=AS_OF)  # the same role and unit, not the teacher: fine


def test_a_revoked_actor_can_do_nothing(cli, registry, tmp_path):
    cid = claims.claim_id_for("T-S1", "a1", "activity")
    for action, extra in (("approve", ()), ("return", ("--reason", "x")), ("reject", ("--reason", "x"))):
        r = cli(action, cid, "--as", "revoked-sa-S1", *extra, "--on", AS_OF.isoformat())
        assert r.exit_code == 3 and "revoked-sa-S1 is inactive" in r.output, r.output
    assert json.loads(cli("queue", "--as", "revoked-ca-K1", "--json", expect=0).output) == []
    with registry.begin() as conn, audit.acting(conn, keys.signer(keys.ADMIN), "import_teachers"):
        audit.insert(conn, keys.ADMIN, S.teachers, [{"id": "T-no-claim", "name": "测试", "school_id": "S1",
                                                     "stage": "primary", "cycle_start": AS_OF.replace(month=2, day=1)}],
                     action="import")
    r = cli("submit", "T-no-claim", "--cycle", "--as", "revoked-sa-S1", "--on", AS_OF.isoformat())
    assert r.exit_code == 3 and "inactive" in r.output, r.output
    csv = tmp_path / "t.csv"
    csv.write_text("id,name,stage,school_id\nT-new,新老师,primary,S1\n", encoding="utf-8")
    r = cli("import", "teachers", csv, "--as", "revoked-sa-S1")
    assert r.exit_code == 3 and "revoked-sa-S1 is inactive" in r.output
    # revoking an approved claim is the last stage's, and a revoked county admin cannot do it either
    claims.approve(registry, cid, keys.signer("sa-S1"), as_of=AS_OF)
    claims.approve(registry, cid, keys.signer("ca-K1"), as_of=AS_OF)
    r = cli("revoke", cid, "--as", "revoked-ca-K1", "--reason", "x")
    assert r.exit_code == 3 and "inactive" in r.output
    with registry.connect() as conn:
        assert claims.claim_row(conn, cid).state == "approved"
        assert not conn.execute(sa.select(S.audit_log.c.seq).where(S.audit_log.c.actor_id.like("revoked-%"))).first()
