"""Lincang end to end through the real CLI: signed approvals (第十五条, L-W1/L-W2), province recognition
posting hours and credits, ``verify-signatures`` naming tampered claims, and revocation as falsified (L-F1).

Every person is invented. The database is opened with SQLAlchemy only (SQLite or PostgreSQL).
"""
from __future__ import annotations

import json
import os
import stat

import pytest
import sqlalchemy as sa

from tests.workflow.helpers import activity, load, out_json

ORGS = [
    {"id": "YN", "name": "云南省", "level": "province", "parent_id": "", "region": "lincang"},
    {"id": "LC", "name": "临沧市", "level": "city", "parent_id": "YN", "region": "lincang"},
    {"id": "LD", "name": "测试县", "level": "county", "parent_id": "LC", "region": "lincang"},
    {"id": "LS", "name": "测试县第一中学", "level": "school", "parent_id": "LD", "region": "lincang"},
]
ACTORS = [
    {"id": "pl", "name": "甲负责人", "role": "project_leader", "org_id": "LD"},
    {"id": "ca", "name": "乙局长", "role": "county_admin", "org_id": "LD"},
    {"id": "pa", "name": "丙省管", "role": "province_admin", "org_id": "YN"},
    {"id": "sa", "name": "丁校长", "role": "school_admin", "org_id": "LS"},
]
TEACHERS = [{"id": "LT1", "name": "测试教师一", "stage": "junior", "school_id": "LS", "hired_on": "2010-09-01",
             "cycle_start": "2019-01-01"}]
ON = ("--on", "2020-01-15")
CLAIM = "activity:LT1:c1"
SCHOOL_CLAIM = "activity:LT1:s1"


def _acts():
    return [activity("LT1", "c1", "training", "2019-05-10", level="county", delivery="centralized", days=5, rate="1.2",
                     score=85, module="ability", published_on="2019-03-05"),
            activity("LT1", "s1", "school_based", "2019-06-10", level="school", hours=24, rate=1, score=92)]


def _engine(cli):
    from xuefen.store import open_engine
    return open_engine(cli.db_url)


@pytest.fixture
def registry(cli, tmp_path):
    """The Lincang registry; ``import actors --create-keys`` gave every actor its key in the test's key folder."""
    load(cli, tmp_path, TEACHERS, _acts(), orgs=ORGS, actors=ACTORS)
    cli.keys = {who: cli.keys_dir / f"{who}.pem" for who in ("pl", "ca", "pa", "sa")}
    return cli


def _state(cli, claim_id):
    from xuefen.store.schema import claims
    with _engine(cli).begin() as conn:
        return conn.execute(sa.select(claims.c.state).where(claims.c.id == claim_id)).scalar_one()


def _recognise(cli, claim_id, first="pl"):
    k = cli.keys
    cli("approve", claim_id, "--as", first, "--key", k[first], *ON, expect=0)
    cli("approve", claim_id, "--as", "ca", "--key", k["ca"], *ON, expect=0)
    return out_json(cli("approve", claim_id, "--as", "pa", *ON, "--json", expect=0))


def test_keys_create_writes_an_owner_only_private_key_and_stores_the_public_key(registry, tmp_path):
    cli = registry
    mode = stat.S_IMODE(os.stat(cli.keys["pl"]).st_mode)
    assert mode == 0o600
    assert b"PRIVATE KEY" in cli.keys["pl"].read_bytes()
    shown = cli("keys", "show", "--actor", "pl", expect=0).stdout
    assert "BEGIN PUBLIC KEY" in shown and "PRIVATE" not in shown
    # a new key, registered by the administrator, replaces pl's; an existing file is never overwritten
    out = out_json(cli("keys", "create", "--actor", "pl", "--out", tmp_path / "other.pem", "--json", expect=0))
    assert out["path"] == str(tmp_path / "other.pem") and len(out["fingerprint"]) == 64 and out["by"] == "admin"
    assert cli("keys", "show", "--actor", "pl", expect=0).stdout.startswith(f"# fingerprint {out['fingerprint']}")
    r = cli("keys", "create", "--actor", "ca", "--out", cli.keys["pl"])
    assert r.exit_code == 2 and "already exists" in r.output
    r = cli("keys", "create", "--actor", "nobody", "--out", tmp_path / "n.pem")
    assert r.exit_code == 3 and "nobody" in r.output and not (tmp_path / "n.pem").exists()


def test_keys_create_writes_into_the_keys_dir_by_default(cli, tmp_path, monkeypatch):
    load(cli, tmp_path, [], [], orgs=ORGS, actors=ACTORS)
    monkeypatch.setenv("XUEFEN_KEYS_DIR", str(tmp_path / "kd"))
    out = out_json(cli("keys", "create", "--actor", "pl", "--key", cli.keys_dir / "admin.pem", "--json", expect=0))
    assert out["path"] == str(tmp_path / "kd" / "pl.pem")
    assert stat.S_IMODE(os.stat(out["path"]).st_mode) == 0o600


@pytest.mark.rule("L-W1")
def test_L_W1_signed_stages_need_the_signers_own_key_and_province_recognition_posts(registry):
    cli = registry
    k = cli.keys
    r = cli("approve", CLAIM, "--as", "pl", "--key", k["ca"], *ON)
    assert r.exit_code == 3 and "is ca's, not pl's" in r.output
    assert _state(cli, CLAIM) == "entered"
    r = cli("approve", CLAIM, "--as", "pl", "--key", cli.keys["pl"].parent / "missing.pem", *ON)
    assert r.exit_code == 2 and "missing.pem" in r.output
    cli("approve", CLAIM, "--as", "pl", "--key", k["pl"], *ON, expect=0)
    assert _state(cli, CLAIM) == "leader_signed"
    r = cli("approve", CLAIM, "--as", "ca", "--key", k["pl"], *ON)
    assert r.exit_code == 3 and _state(cli, CLAIM) == "leader_signed"
    cli("approve", CLAIM, "--as", "ca", "--key", k["ca"], *ON, expect=0)
    assert _state(cli, CLAIM) == "authority_signed"
    out = out_json(cli("approve", CLAIM, "--as", "pa", *ON, "--json", expect=0))
    assert out["after"] == "approved"
    # 5 days × 6 = 30 hours (L-H5); 1.2 × 30 = 36 base, 良 0.20 → 43.2 credits (L-C1)
    assert [(e["hours"], e["credits"], e["rule"], e["article"]) for e in out["entries"]] == [
        ("30", "43.2", "L-C1", "第十条")]
    v = out_json(cli("verify-signatures", "--json", expect=0))
    assert (v["ok"], v["signatures"], v["claims"]) == (True, 2, 1)
    ev = out_json(cli("status", "LT1", "--as-of", "2019-12-31", "--json", expect=0))
    r4 = next(r for y in ev["years"] if y["year"] == 2019 for r in y["requirements"] if r["rule"] == "L-R4")
    assert r4["counted"] == "43.2"


@pytest.mark.rule("L-W2")
def test_L_W2_school_based_the_principal_signs(registry):
    cli = registry
    out = _recognise(cli, SCHOOL_CLAIM, first="sa")
    # 24 hours × 1 = 24, 优 0.25 → 30 credits
    assert [(e["hours"], e["credits"]) for e in out["entries"]] == [("24", "30")]
    assert "2 signature(s) on 1 claim(s)" in cli("verify-signatures", expect=0).stdout


def _tamper_activity(cli, activity_id, **changes):
    from xuefen.store.schema import activities
    with _engine(cli).begin() as conn:
        data = conn.execute(sa.select(activities.c.data).where(activities.c.id == activity_id)).scalar_one()
        conn.execute(sa.update(activities).where(activities.c.id == activity_id)
                     .values(data={**data, **changes}))


@pytest.mark.parametrize("changes,field", [({"score": "95"}, "grade"), ({"rate": "1.5"}, "rate"),
                                           ({"days": "6"}, "record"), ({"module": "knowledge"}, "record")])
@pytest.mark.rule("L-W1")
def test_L_W1_a_signature_fails_after_one_field_changes(registry, changes, field):
    cli = registry
    _recognise(cli, CLAIM)
    _tamper_activity(cli, "c1", **changes)
    r = cli("verify-signatures")
    assert r.exit_code == 1
    assert CLAIM in r.stderr and "changed after signing" in r.stderr
    v = out_json(cli("verify-signatures", "--json"))
    assert v["ok"] is False and {p["claim"] for p in v["problems"]} == {CLAIM}
    assert all(field in p["fields"] for p in v["problems"]) and len(v["problems"]) == 2  # both signers


@pytest.mark.parametrize("column,value,old", [("credits", "99", "43.2"), ("hours", "36", "30")])
@pytest.mark.rule("L-W1")
def test_L_W1_hours_or_credits_changed_in_the_ledger_are_named(registry, column, value, old):
    from xuefen.store.schema import entries
    cli = registry
    _recognise(cli, CLAIM)
    _recognise(cli, SCHOOL_CLAIM, first="sa")
    with _engine(cli).begin() as conn:
        conn.execute(sa.update(entries).where(entries.c.claim_id == CLAIM).values({column: value}))
    v = out_json(cli("verify-signatures", "--json"))
    assert {p["claim"] for p in v["problems"]} == {CLAIM}
    assert {p["problem"] for p in v["problems"]} == {"changed"}
    assert all(p["fields"] == [column] and old in p["detail"] and value in p["detail"] for p in v["problems"])


@pytest.mark.rule("L-W1")
def test_L_W1_data_changed_between_signing_and_recognition_is_refused(registry):
    cli = registry
    k = cli.keys
    cli("approve", CLAIM, "--as", "pl", "--key", k["pl"], *ON, expect=0)
    cli("approve", CLAIM, "--as", "ca", "--key", k["ca"], *ON, expect=0)
    _tamper_activity(cli, "c1", score="99")
    r = cli("approve", CLAIM, "--as", "pa", *ON)
    assert r.exit_code == 3 and "changed after signing" in r.output and _state(cli, CLAIM) == "authority_signed"


@pytest.mark.rule("L-W1")
def test_L_W1_an_altered_or_deleted_signature_is_named(registry):
    from xuefen.store.schema import signatures
    cli = registry
    _recognise(cli, CLAIM)
    with _engine(cli).begin() as conn:
        row = conn.execute(sa.select(signatures).where(signatures.c.stage == "entered")).one()
        body = json.loads(row.payload)
        body["credits"] = "50"
        conn.execute(sa.update(signatures).where(signatures.c.id == row.id)
                     .values(payload=json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)))
        conn.execute(sa.delete(signatures).where(signatures.c.stage == "leader_signed"))
    v = out_json(cli("verify-signatures", "--json"))
    assert sorted((p["stage"], p["problem"]) for p in v["problems"]) == [
        ("entered", "bad_signature"), ("leader_signed", "unsigned")]


@pytest.mark.rule("L-W1")
def test_L_W1_a_replaced_key_keeps_old_signatures_verifiable(registry, tmp_path):
    cli = registry
    _recognise(cli, CLAIM)
    new = tmp_path / "pl-2.pem"
    cli("keys", "create", "--actor", "pl", "--out", new, expect=0)
    cli("verify-signatures", expect=0)
    cli("audit", "verify", expect=0)
    r = cli("approve", SCHOOL_CLAIM, "--as", "pl", "--key", cli.keys["pl"], *ON)
    assert r.exit_code == 3 and "was replaced" in r.output  # the old key signs nothing new
    r = cli("approve", SCHOOL_CLAIM, "--as", "sa", "--key", cli.keys["pl"], *ON)
    assert r.exit_code == 3  # the principal's stage: a project leader's key is not the principal's


@pytest.mark.rule("L-F1")
def test_L_F1_revoked_as_falsified_voids_credits_and_enters_the_integrity_file(registry):
    from xuefen.store.schema import integrity
    cli = registry
    _recognise(cli, CLAIM)
    _recognise(cli, SCHOOL_CLAIM, first="sa")
    out = out_json(cli("revoke", CLAIM, "--as", "pa", "--reason", "score sheet found forged", "--falsified",
                       *ON, "--json", expect=0))
    assert [(e["hours"], e["credits"]) for e in out["entries"]] == [("-30", "-43.2")]
    with _engine(cli).begin() as conn:
        rows = list(conn.execute(sa.select(integrity)))
    assert [(r.teacher_id, r.claim_id, r.rule, r.article) for r in rows] == [("LT1", CLAIM, "L-F1", "第二十一条")]
    ev = out_json(cli("status", "LT1", "--as-of", "2019-12-31", "--json", expect=0))
    flags = [f for f in ev["flags"] if f["kind"] == "integrity"]
    assert [(f["rule"], f["article"], f["activity"]) for f in flags] == [("L-F1", "第二十一条", "c1")]
    r1 = next(r for y in ev["years"] if y["year"] == 2019 for r in y["requirements"] if r["rule"] == "L-R1")
    assert r1["counted"] == "30"  # only the school-based claim counts now
    text = cli("status", "LT1", "--as-of", "2019-12-31", expect=0).stdout
    assert "L-F1" in text and "诚信档案" in text
    rep = out_json(cli("report", "--org", "LD", "--year", "2019", "--json", expect=0))
    t = next(t for t in rep["teachers"] if t["teacher"] == "LT1")
    assert [f["rule"] for f in t["flags"]] == ["L-F1"]
    assert "L-F1" in cli("report", "--org", "LD", "--year", "2019", expect=0).stdout
    # the reversal leaves what was signed as it was
    cli("verify-signatures", expect=0)
    cli("audit", "verify", expect=0)


@pytest.mark.rule("L-W1")
def test_L_X1_signed_data_names_the_teacher_by_registry_id_only(registry):
    from xuefen.store.schema import signatures
    cli = registry
    _recognise(cli, CLAIM)
    with _engine(cli).begin() as conn:
        payloads = [json.loads(p) for p in conn.execute(sa.select(signatures.c.payload)).scalars()]
    assert len(payloads) == 2
    for p in payloads:
        assert p["teacher"] == "LT1" and "测试教师一" not in json.dumps(p, ensure_ascii=False)
        assert (p["hours"], p["grade"], p["rate"], p["credits"]) == ("30", "85", "1.2", "43.2")


@pytest.mark.rule("L-W1")
def test_L_W1_batch_approval_signs_each_claim_and_a_bad_key_file_is_an_input_error(registry, tmp_path):
    cli = registry
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key\n", encoding="utf-8")
    r = cli("approve", "--all-queued", "--as", "ca", "--key", bad, *ON)  # readable by others: refused first
    assert r.exit_code == 3 and "bad.pem" in r.output and "too open" in r.output
    bad.chmod(0o600)
    r = cli("approve", "--all-queued", "--as", "ca", "--key", bad, *ON)
    assert r.exit_code == 2 and "bad.pem" in r.output and "private key" in r.output
    cli("approve", CLAIM, "--as", "pl", "--key", cli.keys["pl"], *ON, expect=0)
    cli("approve", SCHOOL_CLAIM, "--as", "sa", "--key", cli.keys["sa"], *ON, expect=0)
    out = out_json(cli("approve", "--all-queued", "--as", "ca", "--key", cli.keys["ca"], *ON, "--json", expect=0))
    assert sorted(o["claim"] for o in out) == [CLAIM, SCHOOL_CLAIM]
    assert {_state(cli, c) for c in (CLAIM, SCHOOL_CLAIM)} == {"authority_signed"}
    v = out_json(cli("verify-signatures", "--json", expect=0))
    assert (v["signatures"], v["claims"]) == (4, 2)
