"""Records that can be corrected before final approval: `xuefen amend` and `xuefen withdraw`, through the audit
log; after posting only revocation. Through the real CLI against a real database; the attack tests write
what a holder of a valid key could write through the library, and `audit verify` must name it.
"""
from __future__ import annotations

import json

import pytest
import sqlalchemy as sa

from tests.workflow.helpers import ACTORS, activity, engine, load, teacher
from xuefen import audit
from xuefen.store import schema as S

ON = "2015-07-01"
C1 = "activity:T1:a1"  # a city training of 3 days: 24 hours under K-C2
C2 = "activity:T1:a2"


@pytest.fixture
def reg(cli, tmp_path):
    actors = ACTORS + [{"id": "T1", "name": "测试教师T1", "role": "teacher", "org_id": "S1", "teacher_id": "T1"}]
    load(cli, tmp_path, [teacher("T1"), teacher("T2")], [
        activity("T1", "a1", level="city", days=3),
        activity("T1", "a2", kind="school_based", hours=20, date="2015-06-01"),
        activity("T2", "a1", level="county", hours=40),
    ], actors=actors)
    return cli


def _claim(cli, cid):
    return next(c for c in json.loads(cli("claims", cid.split(":")[1], "--json", expect=0).output)
                if c["claim"] == cid)


def _verify(cli):
    return json.loads(cli("audit", "verify", "--json").output)


@pytest.mark.rule("K-C2")
def test_amend_corrects_the_record_returns_the_claim_to_its_first_stage_and_changes_what_it_earns(reg):
    reg("approve", C1, "--as", "sa1", "--on", ON, expect=0)  # now at county review
    assert _claim(reg, C1)["state"] == "county_review"
    out = json.loads(reg("amend", C1, "--set", "days=2", "--set", "assessment=pass", "--reason", "certificate says 2",
                         "--as", "ca1", "--json", expect=0).output)
    assert (out["before"], out["after"], out["version"]) == ("county_review", "school_review", 3)
    assert out["changes"] == [{"field": "assessment", "before": None, "after": "pass"},
                              {"field": "days", "before": "3", "after": "2"}]
    assert [(e["hours"], e["rule"]) for e in out["earns"]["entries"]] == [("16", "K-C2")]
    c = _claim(reg, C1)
    assert c["state"] == "school_review" and "days: \"3\" → \"2\"" in c["reason"] and "certificate says 2" in c["reason"]
    # the review starts again, and final approval posts what the corrected record earns
    reg("approve", C1, "--as", "sa1", "--on", ON, expect=0)
    final = json.loads(reg("approve", C1, "--as", "ca1", "--on", ON, "--json", expect=0).output)
    assert [(e["hours"], e["rule"]) for e in final["entries"]] == [("16", "K-C2")]
    status = json.loads(reg("status", "T1", "--as-of", "2015-12-31", "--json", expect=0).output)
    assert [(e["activity"], e["hours"]) for e in status["entries"]] == [("a1", "16")]
    v = _verify(reg)
    assert v["intact"], v["problems"]


@pytest.mark.rule("K-C6")
def test_amend_by_activity_id_a_returned_claim_and_bad_input(reg):
    r = reg("amend", "a1", "--set", "hours=8", "--as", "sa1", expect=2)
    assert "teachers T1, T2 each have one" in r.output
    reg("return", C2, "--reason", "hours unclear", "--as", "sa1", expect=0)
    out = json.loads(reg("amend", "a2", "--teacher", "T1", "--set", "hours=18", "--as", "sa1", "--json",
                         expect=0).output)
    assert (out["before"], out["after"]) == ("returned", "school_review")
    out = json.loads(reg("amend", "T1/a2", "--set", "hours=16", "--as", "sa1", "--json", expect=0).output)
    assert out["changes"] == [{"field": "hours", "before": "18", "after": "16"}]
    # bad input exits 2 naming the claim and the field; nothing changes
    for args, says in ((("--set", "hours=lots"), "amend activity:T1:a2: hours:"),
                       (("--set", "colour=red"), "colour: unknown field"),
                       (("--set", "date="), "date: required, it cannot be removed"),
                       (("--set", "id=a9"), "id: names the record"),
                       (("--set", "hours"), "give FIELD=VALUE"),
                       (("--set", "hours=16"), "nothing changes"),
                       (("--set", "hours="), "hours: needed by K-C6")):  # the region's needs, as at import
        r = reg("amend", C2, *args, "--as", "sa1", expect=2)
        assert says in r.output, (args, r.output)
    assert _claim(reg, C2)["version"] == 4
    v = _verify(reg)
    assert v["intact"], v["problems"]


def test_who_may_amend_and_withdraw(reg):
    """The school's administrators (who register its records: sa1, and above it ca1, cy, pa), the reviewer
    of the claim's stage, the registry administrator; never the teacher, another school's admin or a
    reviewer at another stage's level who does not manage the school."""
    before = _claim(reg, C1)["version"]
    r = reg("amend", C1, "--set", "days=1", "--as", "T1", expect=3)
    assert "may not correct their own record" in r.output
    r = reg("amend", C1, "--set", "days=1", "--as", "sa2", expect=3)
    assert "sa2 may not amend it" in r.output and "school S1" in r.output
    r = reg("withdraw", C1, "--as", "ca2", expect=3)
    assert "ca2 may not withdraw it" in r.output
    r = reg("withdraw", C1, "--as", "T1", expect=3)
    assert "own record" in r.output
    assert _claim(reg, C1)["version"] == before
    for who, days in (("sa1", "4"), ("ca1", "5"), ("cy", "6"), ("pa", "7"), ("admin", "8")):
        reg("amend", C1, "--set", f"days={days}", "--as", who, expect=0)
    v = _verify(reg)
    assert v["intact"], v["problems"]


def test_withdraw_ends_the_claim_and_a_posted_claim_is_only_revoked(reg):
    out = json.loads(reg("withdraw", C2, "--reason", "entered twice", "--as", "sa1", "--json", expect=0).output)
    assert (out["before"], out["after"]) == ("school_review", "withdrawn")
    c = _claim(reg, C2)
    assert c["state"] == "withdrawn" and c["reason"] == "withdrawn: entered twice"
    assert C2 not in [q["claim"] for q in json.loads(reg("queue", "--as", "sa1", "--json").output)]
    r = reg("amend", C2, "--set", "hours=1", "--as", "sa1", expect=3)
    assert "is withdrawn: nothing to amend" in r.output
    r = reg("approve", C2, "--as", "sa1", "--on", ON, expect=3)
    assert "cannot approve a claim that is withdrawn" in r.output
    # after final approval: amend and withdraw refused, naming revocation
    reg("approve", C1, "--as", "sa1", "--on", ON, expect=0)
    reg("approve", C1, "--as", "ca1", "--on", ON, expect=0)
    for args in (("amend", C1, "--set", "days=1"), ("withdraw", C1)):
        r = reg(*args, "--as", "ca1", expect=3)
        assert "is approved: its entries are posted" in r.output and f"xuefen revoke {C1}" in r.output
    reg("revoke", C1, "--reason", "wrong certificate", "--as", "ca1", "--on", ON, expect=0)
    status = json.loads(reg("status", "T1", "--as-of", "2015-12-31", "--json", expect=0).output)
    assert status["entries"] == []
    v = _verify(reg)
    assert v["intact"], v["problems"]


# -- attacks: signed with a valid key, through the library, behind the commands' checks ----------------


def test_an_amendment_by_an_actor_who_could_not_correct_the_record_is_named(reg):
    """sa2 (another school's admin) with a valid key writes an amendment of T1's claim through the library."""
    with engine(reg).begin() as conn, audit.acting(conn, reg.signer("sa2"), "amend"):
        audit.update(conn, "sa2", S.activities, {"teacher_id": "T1", "id": "a1"},
                     {"data": {"id": "a1", "kind": "training", "date": "2015-05-10", "level": "city", "days": "30"}},
                     action="amend")
        audit.update(conn, "sa2", S.claims, {"id": C1}, {"version": 2}, action="amend")
    problems = _verify(reg)["problems"]
    assert any(p["table"] == "claims" and p["id"] == C1 and "sa2 could not amend it then" in p["problem"]
               for p in problems), problems


def test_an_amendment_of_a_posted_record_is_named(reg):
    """The county admin may amend before approval; after it, an amend record (of the activity, the claim
    taken back to review) is no move of the claim's flow and amends a posted record."""
    reg("approve", C1, "--as", "sa1", "--on", ON, expect=0)
    reg("approve", C1, "--as", "ca1", "--on", ON, expect=0)
    with engine(reg).begin() as conn, audit.acting(conn, reg.signer("ca1"), "amend"):
        audit.update(conn, "ca1", S.activities, {"teacher_id": "T1", "id": "a1"},
                     {"data": {"id": "a1", "kind": "training", "date": "2015-05-10", "level": "city", "days": "30"}},
                     action="amend")
        audit.update(conn, "ca1", S.claims, {"id": C1}, {"state": "school_review", "version": 4}, action="amend")
    problems = _verify(reg)["problems"]
    assert any(p["table"] == "activities" and p["id"] == "T1/a1" and "which was approved then" in p["problem"]
               for p in problems), problems
    assert any(p["table"] == "claims" and p["id"] == C1 and "amend of a claim that is approved is not in its flow"
               in p["problem"] for p in problems), problems


def test_an_amended_activity_whose_claim_stays_at_its_stage_is_named(reg):
    """The record changed under "amend" while its claim goes on at the county stage: the review would approve
    data no earlier stage saw."""
    reg("approve", C1, "--as", "sa1", "--on", ON, expect=0)
    with engine(reg).begin() as conn, audit.acting(conn, reg.signer("ca1"), "amend"):
        audit.update(conn, "ca1", S.activities, {"teacher_id": "T1", "id": "a1"},
                     {"data": {"id": "a1", "kind": "training", "date": "2015-05-10", "level": "city", "days": "30"}},
                     action="amend")
    problems = _verify(reg)["problems"]
    assert any(p["table"] == "activities" and "was not taken back to its first stage" in p["problem"]
               for p in problems), problems


def test_an_amended_record_changed_in_sql_afterwards_is_named(reg):
    reg("amend", C1, "--set", "days=2", "--as", "sa1", expect=0)
    with engine(reg).begin() as conn:
        conn.execute(sa.update(S.activities).where(S.activities.c.teacher_id == "T1", S.activities.c.id == "a1")
                     .values(data={"id": "a1", "kind": "training", "date": "2015-05-10", "level": "city",
                                   "days": "20"}))
    problems = _verify(reg)["problems"]
    assert any(p["table"] == "activities" and p["id"] == "T1/a1" for p in problems), problems
    # and a withdrawal undone in SQL
    reg("withdraw", C2, "--as", "sa1", expect=0)
    with engine(reg).begin() as conn:
        conn.execute(sa.update(S.claims).where(S.claims.c.id == C2).values(state="school_review"))
    problems = _verify(reg)["problems"]
    assert any(p["table"] == "claims" and p["id"] == C2 for p in problems), problems
