"""The approval workflow against a real SQLite file: actors, stages, ledger, audit, concurrency.

Setup goes through the real ``xuefen import``; actions through :mod:`xuefen.claims`
(the CLI's own tests are in tests/cli/test_e2e_workflow.py).
"""
from __future__ import annotations

import datetime as dt
import threading
from decimal import Decimal

import pytest
import sqlalchemy as sa

from xuefen import audit, ledger, registry, claims
from xuefen.errors import Conflict, RefusedAction
from xuefen.store.schema import certificates, integrity

from tests.workflow.helpers import activity, claim, claim_id, counts, engine, load, set_actor, teacher

ON = dt.date(2016, 1, 15)


@pytest.fixture
def reg(cli, tmp_path):
    """Teachers T1, T2 (S1), T3 (S3, county D2), TC (city-direct school SC), one activity each."""
    load(cli, tmp_path,
         [teacher("T1"), teacher("T2"), teacher("T3", "S3"), teacher("TC", "SC")],
         [activity("T1", "a1", level="city", days=3),
          activity("T2", "a1", level="county", hours=40),
          activity("T3", "a1", level="county", hours=16),
          activity("TC", "a1", level="city", hours=24)])
    return engine(cli)


def _cid(cli, t, a="a1"):
    return claim_id(cli, t, a)


@pytest.mark.rule("K-A1")
def test_K_A1_import_opens_each_claim_at_the_school_stage(cli, reg):
    row = claim(cli, _cid(cli, "T1"))
    assert (row.state, row.version, row.region) == ("school_review", 1, "kunming")
    assert [s["name"] for s in row.stages] == ["school_review", "county_review"]


@pytest.mark.rule("K-A1")
def test_K_A1_school_then_county_approval_posts_the_entries_in_the_same_transaction(cli, reg):
    cid = _cid(cli, "T1")
    first = claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    assert (first.after, first.version, first.entries) == ("county_review", 2, ())
    with reg.begin() as conn:
        assert ledger.for_claim(conn, cid) == []
    final = claims.approve(reg, cid, cli.signer("ca1"), as_of=ON)
    assert final.after == "approved"
    assert [(e.hours, e.rule, e.article) for e in final.entries] == [(Decimal(24), "K-C2", "第五条")]
    with reg.begin() as conn:
        posted = ledger.for_claim(conn, cid)
        assert [p.entry.hours for p in posted] == [Decimal(24)]
        ev = registry.evaluate_teacher(conn, "T1", dt.date(2015, 12, 31))
        assert audit.verify(conn).intact
    assert [e.as_json() for e in ev.entries] == [e.as_json() for e in final.entries]
    records = _records(reg, cid)
    assert [(r.action, r.actor_id, r.before["state"], r.after["state"]) for r in records if r.before] == [
        ("approve", "sa1", "school_review", "county_review"), ("approve", "ca1", "county_review", "approved")]


def _records(engine, cid):
    with engine.begin() as conn:
        return audit.records(conn, object_type="claim", object_id=cid, newest_first=False)


def test_the_same_conversion_as_evaluate_counts_already_approved_activities(cli, tmp_path):
    """K-C6's cap and the degree rules see the teacher's earlier approved activities."""
    load(cli, tmp_path, [teacher("T1")],
         [activity("T1", "sb1", "school_based", "2015-03-01", level="school", hours=30),
          activity("T1", "sb2", "school_based", "2015-04-01", level="school", hours=30)])
    eng = engine(cli)
    for a in ("sb1", "sb2"):
        claims.approve(eng, _cid(cli, "T1", a), cli.signer("sa1"), as_of=ON)
        claims.approve(eng, _cid(cli, "T1", a), cli.signer("ca1"), as_of=ON)
    with eng.begin() as conn:
        ev = registry.evaluate_teacher(conn, "T1", dt.date(2015, 12, 31))
    cap = next(r for r in ev.year_results(2015) if r.rule == "K-C6")
    assert (cap.earned, cap.counted) == (Decimal(60), Decimal(48))


@pytest.mark.rule("K-A1")
def test_K_A1_city_direct_school_county_stage_is_served_by_the_city(cli, reg):
    cid = _cid(cli, "TC")
    claims.approve(reg, cid, cli.signer("sac"), as_of=ON)
    with pytest.raises(RefusedAction, match="needs a city_admin, and ca1 is a county_admin"):
        claims.approve(reg, cid, cli.signer("ca1"), as_of=ON)
    assert claims.approve(reg, cid, cli.signer("cy"), as_of=ON).after == "approved"


def test_city_admin_cannot_take_the_county_stage_of_a_school_in_a_county(cli, reg):
    cid = _cid(cli, "T1")
    claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    with pytest.raises(RefusedAction, match="needs a county_admin"):
        claims.approve(reg, cid, cli.signer("cy"), as_of=ON)


# -- refusals change nothing ---------------------------------------------------------------


@pytest.mark.parametrize("actor,stage_first,match", [
    ("ca1", False, "needs a school_admin"),          # wrong role for the stage
    ("sa1", True, "needs a county_admin"),           # right person, wrong stage
    ("sa2", False, "does not contain the teacher's school"),  # another school
    ("ca2", True, "does not contain the teacher's school"),   # another county
    ("nobody", False, "not registered"),
])
def test_refused_actor_changes_nothing(cli, reg, actor, stage_first, match):
    cid = _cid(cli, "T1")
    if stage_first:
        claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    before = counts(cli)
    with pytest.raises(RefusedAction, match=match):
        claims.approve(reg, cid, cli.signer(actor), as_of=ON)
    assert counts(cli) == before


def test_teacher_may_not_act_on_their_own_claim_same_id(cli, tmp_path):
    actors = [{"id": "T1", "name": "测试教师T1", "role": "school_admin", "org_id": "S1"}]
    from tests.workflow.helpers import ACTORS
    load(cli, tmp_path, [teacher("T1")], [activity("T1", "a1", level="city", days=2)], actors=ACTORS + actors)
    before = counts(cli)
    with pytest.raises(RefusedAction, match="own claim"):
        claims.approve(engine(cli), _cid(cli, "T1"), cli.signer("T1"), as_of=ON)
    assert counts(cli) == before


def test_teacher_may_not_act_on_their_own_claim_linked_actor(cli, reg):
    set_actor(cli, "sa1", data={"teacher_id": "T1"})
    with pytest.raises(RefusedAction, match="own claim"):
        claims.approve(reg, _cid(cli, "T1"), cli.signer("sa1"), as_of=ON)
    assert claims.approve(reg, _cid(cli, "T2"), cli.signer("sa1"), as_of=ON).after == "county_review"


def test_inactive_actor_is_refused(cli, reg):
    cli("actors", "deactivate", "sa1", "--reason", "left the school", "--as", "ca1", expect=0)
    before = counts(cli)
    with pytest.raises(RefusedAction, match="inactive"):
        claims.approve(reg, _cid(cli, "T1"), cli.signer("sa1"), as_of=ON)
    assert counts(cli) == before
    with reg.begin() as conn:
        assert claims.queue(conn, "sa1") == []


def test_approving_an_approved_claim_is_refused(cli, reg):
    cid = _cid(cli, "T1")
    claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    claims.approve(reg, cid, cli.signer("ca1"), as_of=ON)
    before = counts(cli)
    with pytest.raises(RefusedAction, match="cannot approve a claim that is approved"):
        claims.approve(reg, cid, cli.signer("ca1"), as_of=ON)
    assert counts(cli) == before


# -- return, reject, revoke ------------------------------------------------------------------


def test_return_needs_a_reason_and_resubmit_restarts_the_review(cli, reg):
    cid = _cid(cli, "T1")
    with pytest.raises(RefusedAction, match="reason is required"):
        claims.return_(reg, cid, cli.signer("sa1"), " ")
    claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    out = claims.return_(reg, cid, cli.signer("ca1"), "certificate scan unreadable")
    assert (out.after, claim(cli, cid).reason) == ("returned", "certificate scan unreadable")
    with pytest.raises(RefusedAction, match="cannot approve"):
        claims.approve(reg, cid, cli.signer("ca1"))
    with reg.begin() as conn:
        back = claims.act(conn, cid, "resubmit", cli.signer("sa1"))
    assert back.after == "school_review"


def test_reject_is_final(cli, reg):
    cid = _cid(cli, "T1")
    claims.reject(reg, cid, cli.signer("sa1"), "not an approved provider")
    with pytest.raises(RefusedAction, match="rejected"):
        claims.approve(reg, cid, cli.signer("sa1"))
    with reg.begin() as conn:
        with pytest.raises(RefusedAction):
            claims.act(conn, cid, "resubmit", cli.signer("sa1"))


def test_revoke_posts_reversals_pointing_at_the_originals(cli, reg):
    cid = _cid(cli, "T2")
    claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    claims.approve(reg, cid, cli.signer("ca1"), as_of=ON)
    with pytest.raises(RefusedAction, match="needs a county_admin"):
        claims.revoke(reg, cid, cli.signer("sa1"), "forged")
    out = claims.revoke(reg, cid, cli.signer("ca1"), "certificate forged", falsified=True)
    assert out.after == "revoked"
    with reg.begin() as conn:
        lines = ledger.for_claim(conn, cid)
        assert len(lines) == 2
        original, reversal = lines
        assert reversal.entry.reverses == original.id and reversal.entry.hours == -original.entry.hours
        assert ledger.balance(conn, "T2", 2015, "hours") == 0
        ev = registry.evaluate_teacher(conn, "T2", dt.date(2015, 12, 31))
        assert ev.entries == ()
        rows = list(conn.execute(sa.select(integrity).where(integrity.c.teacher_id == "T2")))
        assert [(r.claim_id, r.reason) for r in rows] == [(cid, "certificate forged")]
        assert audit.verify(conn).intact
    assert claim(cli, cid).reason == "falsified: certificate forged"


# -- concurrency ---------------------------------------------------------------------------------


def test_stale_version_is_a_conflict_and_changes_nothing(cli, reg):
    cid = _cid(cli, "T1")
    seen = claim(cli, cid).version
    claims.approve(reg, cid, cli.signer("sa1"), as_of=ON)
    before = counts(cli)
    with pytest.raises(Conflict, match=f"claim {cid} was changed by someone else"):
        claims.return_(reg, cid, cli.signer("ca1"), "late look", version=seen)
    assert counts(cli) == before


def test_two_approvals_at_once_exactly_one_wins(cli, reg):
    cid = _cid(cli, "T1")
    seen = claim(cli, cid).version
    barrier = threading.Barrier(2)
    results = []

    def go():
        barrier.wait()
        try:
            results.append(claims.approve(reg, cid, cli.signer("sa1"), version=seen, as_of=ON))
        except (Conflict, RefusedAction) as exc:
            results.append(exc)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wins = [r for r in results if isinstance(r, claims.Outcome)]
    assert len(wins) == 1 and isinstance(next(r for r in results if r not in wins), Conflict)
    assert claim(cli, cid).version == seen + 1


def test_batch_approval_each_claim_in_its_own_transaction(cli, reg):
    ids = [_cid(cli, "T1"), _cid(cli, "T3"), _cid(cli, "T2")]
    results = claims.approve_many(reg, ids, cli.signer("sa1"), as_of=ON)
    assert [type(r).__name__ for r in results] == ["Outcome", "RefusedAction", "Outcome"]
    assert [claim(cli, c).state for c in ids] == ["county_review", "school_review", "county_review"]


def test_queue_shows_what_waits_for_each_actor(cli, reg):
    t1, t2 = _cid(cli, "T1"), _cid(cli, "T2")
    with reg.begin() as conn:
        assert [r.id for r in claims.queue(conn, "sa1")] == [t1, t2]
        assert claims.queue(conn, "ca1") == []
    claims.approve(reg, t1, cli.signer("sa1"), as_of=ON)
    with reg.begin() as conn:
        assert [r.id for r in claims.queue(conn, "ca1")] == [t1]
        assert claims.queue(conn, "ca2") == []


# -- the cohort limit (K-C3) ----------------------------------------------------------------------


def _cohort(cli, tmp_path, size, excellent):
    ts = [teacher(f"C{i:02d}") for i in range(size)]
    acts = [activity(f"C{i:02d}", "p", level="county", days=2, project_id="PRJ-1",
                     assessment="excellent" if i < excellent else "pass") for i in range(size)]
    load(cli, tmp_path, ts, acts)
    return engine(cli)


@pytest.mark.rule("K-C3")
def test_K_C3_cohort_limit_exactly_ten_percent_is_allowed(cli, tmp_path):
    eng = _cohort(cli, tmp_path, 20, 2)
    outs = [claims.approve(eng, _cid(cli, f"C{i:02d}", "p"), cli.signer("sa1"), as_of=ON) for i in range(20)]
    assert all(o.after == "county_review" for o in outs)


@pytest.mark.rule("K-C3")
def test_K_C3_cohort_limit_one_over_is_refused_citing_the_rule(cli, tmp_path):
    eng = _cohort(cli, tmp_path, 20, 3)
    for i in range(2):
        claims.approve(eng, _cid(cli, f"C{i:02d}", "p"), cli.signer("sa1"), as_of=ON)
    before = counts(cli)
    with pytest.raises(RefusedAction, match=r"3 of 20 .* exceed 10% .*\(K-C3, 第五条\)"):
        claims.approve(eng, _cid(cli, "C02", "p"), cli.signer("sa1"), as_of=ON)
    assert counts(cli) == before
    # a trainee graded pass is never held back by the limit
    assert claims.approve(eng, _cid(cli, "C05", "p"), cli.signer("sa1"), as_of=ON).after == "county_review"


@pytest.mark.rule("K-C3")
def test_K_C3_excellent_counted_past_the_stage_even_after_final_approval(cli, tmp_path):
    eng = _cohort(cli, tmp_path, 10, 2)
    claims.approve(eng, _cid(cli, "C00", "p"), cli.signer("sa1"), as_of=ON)
    out = claims.approve(eng, _cid(cli, "C00", "p"), cli.signer("ca1"), as_of=ON)
    assert out.entries[0].rule == "K-C3" and out.entries[0].hours == Decimal(20)
    with pytest.raises(RefusedAction, match="K-C3"):
        claims.approve(eng, _cid(cli, "C01", "p"), cli.signer("sa1"), as_of=ON)


# -- the cycle review (K-A3) ------------------------------------------------------------------------


def _cycle_setup(cli, tmp_path, hours):
    load(cli, tmp_path, [teacher("T1")], [activity("T1", "n1", level="national", hours=hours,
                                                    date="2016-05-01")])
    eng = engine(cli)
    claims.approve(eng, _cid(cli, "T1", "n1"), cli.signer("sa1"), as_of=ON)
    claims.approve(eng, _cid(cli, "T1", "n1"), cli.signer("ca1"), as_of=ON)
    with eng.begin() as conn:
        cid = claims.open_claim(conn, cli.signer("sa1"), "T1", purpose="cycle", as_of=dt.date(2020, 1, 20))
    return eng, cid


@pytest.mark.rule("K-A3")
def test_K_A3_cycle_review_school_county_city_province_then_certified(cli, tmp_path):
    eng, cid = _cycle_setup(cli, tmp_path, 360)
    day = dt.date(2020, 1, 20)
    steps = [claims.approve(eng, cid, cli.signer(a), as_of=day).after for a in ("sa1", "ca1", "cy", "pa")]
    assert steps == ["county_rechecked", "city_confirmed", "province_filed", "certified"]
    with eng.begin() as conn:
        rows = list(conn.execute(sa.select(certificates).where(certificates.c.teacher_id == "T1")))
        assert audit.verify(conn).intact
    assert [(r.kind, r.cycle_start, r.cycle_end, r.rule) for r in rows] == [
        ("cycle", dt.date(2015, 2, 1), dt.date(2020, 1, 31), "K-R1")]


@pytest.mark.rule("K-A3")
def test_K_A3_cycle_not_met_is_refused_at_the_last_step(cli, tmp_path):
    eng, cid = _cycle_setup(cli, tmp_path, 300)
    day = dt.date(2020, 1, 20)
    for a in ("sa1", "ca1", "cy"):
        claims.approve(eng, cid, cli.signer(a), as_of=day)
    with pytest.raises(RefusedAction, match=r"K-R1 .*300 of 360"):
        claims.approve(eng, cid, cli.signer("pa"), as_of=day)
    assert claim(cli, cid).state == "province_filed"
