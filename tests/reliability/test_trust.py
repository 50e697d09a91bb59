"""Who acted is proven, not typed: each attack of the trust issue, mounted through the real CLI and library.

Before signing, every one of these succeeded: approving end to end by typing other actors' ids,
importing administrators as an unchecked ``system`` actor, replacing another actor's key without
proof, approving one's own claim under an admin id, a library call acting for anyone, and a history
rewritten (or extended) with the project's own public hash function passing ``audit verify``.
Now each is refused (exit 3, nothing changed) or named by ``audit verify``.
"""
from __future__ import annotations

import datetime as dt
import json
import os

import pytest
import sqlalchemy as sa

from tests import keys
from tests.workflow.helpers import ACTORS, activity, engine, load, teacher, write_csv
from xuefen import audit, claims
from xuefen import keys as xkeys
from xuefen.errors import RefusedAction
from xuefen.store import schema as S

ON = "2015-07-01"
CLAIM = "activity:T1:a1"


@pytest.fixture
def reg(cli, tmp_path):
    """Kunming's test tree; T1's activity waits at the school stage; every actor has a key in the key folder."""
    load(cli, tmp_path, [teacher("T1"), teacher("T2")], [activity("T1", "a1", level="city", days=3),
                                                         activity("T2", "a1", level="city", days=2)])
    return cli


def _state(cli, claim_id=CLAIM):
    with engine(cli).begin() as conn:
        return conn.execute(sa.select(S.claims.c.state, S.claims.c.version)
                            .where(S.claims.c.id == claim_id)).one()


def _hide_keys(cli, *actors):
    """Take actors' private keys away (they are someone else's: the attacker does not have them)."""
    for a in actors:
        (cli.keys_dir / f"{a}.pem").unlink()


def test_typing_other_actors_ids_approves_nothing(reg):
    """One person with only the school admin's key tries to approve as the county reviewer too."""
    _hide_keys(reg, "ca1", "cy", "pa")
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)
    before = _state(reg)
    r = reg("approve", CLAIM, "--as", "ca1", "--on", ON)
    assert r.exit_code == 3 and "no signing key for actor ca1" in r.output
    r = reg("approve", CLAIM, "--as", "ca1", "--key", reg.keys_dir / "sa1.pem", "--on", ON)
    assert r.exit_code == 3 and "is sa1's, not ca1's" in r.output
    assert _state(reg) == before == ("county_review", 2)
    assert reg("audit", "verify", expect=0).output.startswith("chain intact")


def test_importing_administrators_needs_authority_over_their_units(reg, tmp_path):
    """A school admin's import of a province and a county admin is refused line by line; nothing is created."""
    evil = write_csv(tmp_path / "evil.csv", [
        {"id": "evil-pa", "name": "假省管", "role": "province_admin", "org_id": "YN"},
        {"id": "evil-ca", "name": "假县管", "role": "county_admin", "org_id": "D1"},
        {"id": "evil-sa", "name": "假校管", "role": "school_admin", "org_id": "S1"},
    ])
    r = reg("import", "actors", evil, "--as", "sa1")
    assert r.exit_code == 3
    assert "evil.csv:2: org_id: sa1 may not register actor evil-pa: actor sa1's unit S1 does not contain YN" in r.output
    assert "evil.csv:3: org_id:" in r.output and "evil.csv:4" not in r.output
    with engine(reg).begin() as conn:
        assert conn.execute(sa.select(S.actors.c.id).where(S.actors.c.id.like("evil-%"))).all() == []
    # without any key at all (the old unchecked `system` actor) nothing is imported either
    r = reg("import", "actors", evil, "--as", "system")
    assert r.exit_code == 3 and "no signing key for actor system" in r.output
    # nor can anyone import a second registry administrator
    r = reg("import", "actors", write_csv(tmp_path / "ra.csv", [{"id": "ra2", "name": "x", "role": "registry_admin",
                                                                 "org_id": "YN"}]))
    assert r.exit_code == 2 and "registry_admin is created once" in r.output
    # the county admin may register a school admin of its own county
    ok = write_csv(tmp_path / "ok.csv", [{"id": "new-sa", "name": "新校管", "role": "school_admin", "org_id": "S2"}])
    reg("import", "actors", ok, "--as", "ca1", expect=0)
    with engine(reg).begin() as conn:
        rec = audit.records(conn, object_type="actor", object_id="new-sa")[0]
    assert rec.actor_id == "ca1"


def test_replacing_another_actors_key_needs_authority_and_names_the_true_actor(reg, tmp_path):
    r = reg("keys", "create", "--actor", "ca1", "--out", tmp_path / "stolen.pem", "--as", "sa2")
    assert r.exit_code == 3 and "sa2's unit S2 does not contain D1" in r.output
    assert not (tmp_path / "stolen.pem").exists()
    # an actor replaces its own key with the old one; the audit log names who did it
    reg("keys", "create", "--actor", "sa2", "--out", tmp_path / "sa2-new.pem", "--as", "sa2", expect=0)
    with engine(reg).begin() as conn:
        rec = audit.records(conn, object_type="key", limit=1)[0]
        assert rec.actor_id == "sa2"
        sa2_keys = [k.fingerprint for k in xkeys.keys_of(conn, "sa2")]
    assert len(sa2_keys) == 2
    # the replaced key signs nothing any more
    r = reg("approve", CLAIM, "--as", "sa2", "--key", reg.keys_dir / "sa2.pem", "--on", ON)
    assert r.exit_code == 3 and "was replaced" in r.output


def test_an_admin_who_is_also_a_teacher_cannot_approve_their_own_claim(cli, tmp_path):
    actors = ACTORS + [{"id": "sa1-b", "name": "周校管", "role": "school_admin", "org_id": "S1", "teacher_id": "T1"}]
    load(cli, tmp_path, [teacher("T1")], [activity("T1", "a1", level="city", days=3)], actors=actors)
    r = cli("approve", CLAIM, "--as", "sa1-b", "--on", ON)
    assert r.exit_code == 3 and "may not act on their own claim" in r.output
    cli("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)  # another admin of the school may


def test_a_library_call_cannot_act_without_a_signed_action(reg):
    eng = engine(reg)
    with pytest.raises(RefusedAction, match="signing key"):
        claims.approve(eng, CLAIM, "sa1", as_of=dt.date(2015, 7, 1))
    with pytest.raises(RefusedAction, match="not inside a signed action"):
        with eng.begin() as conn:
            audit.update(conn, "sa1", S.claims, {"id": CLAIM}, {"state": "approved"}, action="approve")
    with pytest.raises(RefusedAction, match="in the name of ca1 inside sa1's signed action"):
        with eng.begin() as conn, audit.acting(conn, reg.signer("sa1"), "approve"):
            audit.update(conn, "ca1", S.claims, {"id": CLAIM}, {"state": "approved"}, action="approve")
    assert _state(reg) == ("school_review", 1)


KEY_STATES = ["none", "another_actors", "revoked", "expired", "deactivated", "unregistered", "readable"]


@pytest.mark.parametrize("action", ["approve", "return", "reject"])
@pytest.mark.parametrize("how", KEY_STATES)
def test_a_key_that_is_not_valid_now_is_refused_saying_why(reg, how, action):
    """The key states of the permission matrix, for each action a reviewer takes: no key, another actor's key,
    a revoked key, an expired key, the actor deactivated, a key nobody registered, a key file others can read.
    sa1 could take each action with its own valid key; with each of these it is refused and nothing changes."""
    key = reg.keys_dir / "sa1.pem"
    extra = ("--reason", "测试") if action != "approve" else ()
    args = [action, CLAIM, "--as", "sa1", *extra, "--on", ON]
    if how == "none":
        key.unlink()
        want = "no signing key for actor sa1"
    elif how == "another_actors":
        args += ["--key", reg.keys_dir / "sa2.pem"]
        want = "is sa2's, not sa1's"
    elif how == "revoked":
        fp = json.loads(reg("keys", "show", "--actor", "sa1", "--json", expect=0).output)[0]["fingerprint"]
        reg("keys", "revoke", "--actor", "sa1", "--fingerprint", fp[:12], "--reason", "laptop stolen", expect=0)
        want = "was revoked"
    elif how == "expired":
        with engine(reg).begin() as conn:  # its expiry passed (set in SQL: the test's shortcut for waiting)
            conn.execute(sa.update(S.keys).where(S.keys.c.actor_id == "sa1")
                         .values(valid_until=S.utcnow() - dt.timedelta(seconds=1)))
        want = "expired"
    elif how == "deactivated":
        reg("actors", "deactivate", "sa1", "--reason", "left the school", "--as", "ca1", expect=0)
        want = "sa1 is inactive"
    elif how == "unregistered":
        key.unlink()
        keys.signer("sa1").write(key)  # a key of the right shape that no one registered
        want = "not registered for anyone"
    else:
        os.chmod(key, 0o644)
        want = "too open"
    r = reg(*args)
    assert r.exit_code == 3 and want in r.output, r.output
    assert _state(reg) == ("school_review", 1)


def test_the_same_actions_with_the_valid_key_are_taken(reg):
    """The control of the matrix above: with its own valid key sa1 returns, and on resubmission approves."""
    reg("return", CLAIM, "--as", "sa1", "--reason", "测试", "--on", ON, expect=0)
    reg("submit", "T1", "a1", "--as", "sa1", "--on", ON, expect=0)
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)
    assert _state(reg) == ("county_review", 4)


def test_an_expiry_is_checked_at_the_time_of_the_action(reg):
    """A key valid now is refused for a moment after its expiry (the check the verifier also makes)."""
    with engine(reg).begin() as conn:
        rec = xkeys.check_signer(conn, reg.signer("sa1"), S.utcnow())
        conn.execute(sa.update(S.keys).where(S.keys.c.fingerprint == rec.fingerprint)
                     .values(valid_until=S.utcnow() + dt.timedelta(hours=1)))
    with engine(reg).begin() as conn:
        xkeys.check_signer(conn, reg.signer("sa1"), S.utcnow())
        with pytest.raises(RefusedAction, match="expired"):
            xkeys.check_signer(conn, reg.signer("sa1"), S.utcnow() + dt.timedelta(days=1))


def test_a_rewritten_history_with_recomputed_hashes_is_named(reg):
    """Change an activity's data, its claim's and its image, then rebuild the whole chain with the public hash
    function: every record still links, but the signed actions no longer match them."""
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)
    reg("approve", CLAIM, "--as", "ca1", "--on", ON, expect=0)
    with engine(reg).begin() as conn:
        rows = [dict(r._mapping) for r in conn.execute(sa.select(S.audit_log).order_by(S.audit_log.c.seq))]
        def rewritten(img):
            if isinstance(img, dict) and (img.get("data") or {}).get("days") == "3":
                return {**img, "data": {**img["data"], "days": "30"}}
            return img

        for r in rows:  # days 3 → 30, everywhere it appears: in a record's images, or a batch record's rows'
            batch = r["object_id"].startswith(audit.BATCH_PREFIX)
            for side in ("before", "after"):
                if batch and isinstance(r[side], dict):
                    r[side] = {k: rewritten(v) for k, v in r[side].items()}
                else:
                    r[side] = rewritten(r[side])
        prev = audit.GENESIS
        for r in rows:
            body = audit.Record.from_row(type("R", (), {"_mapping": r})()).body()
            r["prev_hash"], r["hash"] = prev, audit.chain_hash(prev, body)
            prev = r["hash"]
        conn.execute(sa.delete(S.audit_log))
        conn.execute(sa.insert(S.audit_log), rows)
        data = conn.execute(sa.select(S.activities.c.data).where(S.activities.c.id == "a1",
                                                                 S.activities.c.teacher_id == "T1")).scalar_one()
        conn.execute(sa.update(S.activities).where(S.activities.c.id == "a1", S.activities.c.teacher_id == "T1")
                     .values(data={**data, "days": "30"}))
    r = reg("audit", "verify", "--json")
    assert r.exit_code == 1
    problems = json.loads(r.output)["problems"]
    assert any(p["table"] == "actions" and "not the ones signed" in p["problem"] for p in problems), problems


def test_an_appended_forged_claim_and_entry_are_named(reg):
    """A claim born approved and its ledger entry, appended at the chain's end with correct hashes."""
    with engine(reg).begin() as conn:
        tail = conn.execute(sa.select(S.audit_log).order_by(S.audit_log.c.seq.desc()).limit(1)).one()
        body = {"seq": tail.seq + 1, "at": audit.jsonable(S.utcnow()), "actor_id": "ca1", "action": "approve",
                "object_type": "claim", "object_id": "activity:T2:a1", "before": None, "after": {"state": "approved"}}
        conn.execute(sa.insert(S.audit_log), [{**body, "at": S.utcnow(), "prev_hash": tail.hash,
                                               "hash": audit.chain_hash(tail.hash, body)}])
    r = reg("audit", "verify", "--json")
    assert r.exit_code == 1
    problems = json.loads(r.output)["problems"]
    assert any(p["table"] == "audit_log" and "no signed action covers" in p["problem"] for p in problems)


def test_a_forged_action_signed_with_an_unregistered_key_is_named(reg):
    """Extending the chain and signing it oneself: the key is nobody's."""
    forger = keys.signer("mallory")
    with engine(reg).begin() as conn:
        conn.info[audit.ACT_KEY] = audit.Act(forger, "approve", S.utcnow())
        try:
            audit.record_many(conn, "mallory", "approve", "claim", [("activity:T2:a1", None, {"state": "approved"})])
            audit.seal(conn, conn.info[audit.ACT_KEY])
        finally:
            conn.info.pop(audit.ACT_KEY, None)
    problems = json.loads(reg("audit", "verify", "--json").output)["problems"]
    assert any(p["table"] == "actions" and "not registered" in p["problem"] for p in problems), problems


def _checkpoint(cli, tmp_path, name="cp.json"):
    path = tmp_path / name
    cli("audit", "checkpoint", "-o", path, "--as", "cy", expect=0)
    return path


def test_a_checkpoint_proves_the_log_extends_it(reg, tmp_path):
    cp = _checkpoint(reg, tmp_path)
    assert json.loads(cp.read_text())["checkpoint"]["signer"] == "cy"
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)  # the log grows after it: still extends
    assert "extends 1 checkpoint(s)" in reg("audit", "verify", "--checkpoint", cp, expect=0).output
    r = reg("audit", "checkpoint", "-o", cp, "--as", "cy")
    assert r.exit_code == 2 and "never overwritten" in r.output


def test_deleting_the_last_records_and_rolling_rows_back_is_named_against_a_checkpoint(reg, tmp_path):
    """A falsified revocation disappears: its records and action deleted, the claim and entries rolled back
    to what they were, so every remaining record and action verifies — but the checkpoint taken after it
    says the log was longer."""
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)
    reg("approve", CLAIM, "--as", "ca1", "--on", ON, expect=0)
    with engine(reg).begin() as conn:
        mark_record = conn.execute(sa.select(sa.func.max(S.audit_log.c.seq))).scalar_one()
        mark_action = conn.execute(sa.select(sa.func.max(S.actions.c.seq))).scalar_one()
        claim_before = dict(conn.execute(sa.select(S.claims).where(S.claims.c.id == CLAIM)).one()._mapping)
    reg("revoke", CLAIM, "--as", "ca1", "--reason", "forged certificate", "--falsified", "--on", ON, expect=0)
    cp = _checkpoint(reg, tmp_path)
    with engine(reg).begin() as conn:  # the DBA's rollback, done carefully
        conn.execute(sa.delete(S.integrity))
        conn.execute(sa.delete(S.entries).where(S.entries.c.reverses.is_not(None)))
        conn.execute(sa.update(S.claims).where(S.claims.c.id == CLAIM).values(
            {k: v for k, v in claim_before.items() if k != "id"}))
        conn.execute(sa.delete(S.audit_log).where(S.audit_log.c.seq > mark_record))
        conn.execute(sa.delete(S.actions).where(S.actions.c.seq > mark_action))
    assert reg("audit", "verify", expect=0).output.startswith("chain intact")  # without the checkpoint: unseen
    r = reg("audit", "verify", "--checkpoint", cp, "--json")
    assert r.exit_code == 1
    problems = json.loads(r.output)["problems"]
    assert [p["table"] for p in problems] == ["checkpoint", "checkpoint"]
    assert "records were deleted" in problems[0]["problem"] and "actions were deleted" in problems[1]["problem"]


def test_a_rewrite_before_a_checkpoint_and_an_altered_checkpoint_are_named(reg, tmp_path):
    cp = _checkpoint(reg, tmp_path)
    with engine(reg).begin() as conn:  # one record rewritten, and every hash after it recomputed
        rows = [dict(r._mapping) for r in conn.execute(sa.select(S.audit_log).order_by(S.audit_log.c.seq))]
        rows[5]["action"] = "rewritten"
        prev = rows[4]["hash"]
        for r in rows[5:]:
            body = {k: audit.jsonable(r[k]) for k in ("seq", "at", "actor_id", "action", "object_type", "object_id",
                                                       "before", "after")}
            r["prev_hash"], r["hash"] = prev, audit.chain_hash(prev, body)
            prev = r["hash"]
        conn.execute(sa.delete(S.audit_log).where(S.audit_log.c.seq >= rows[5]["seq"]))
        conn.execute(sa.insert(S.audit_log), rows[5:])
    problems = json.loads(reg("audit", "verify", "--checkpoint", cp, "--json").output)["problems"]
    assert any(p["table"] == "checkpoint" and "was rewritten" in p["problem"] for p in problems)
    data = json.loads(cp.read_text())
    data["checkpoint"]["records"] -= 1  # moving the checkpoint back to hide it
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(data), encoding="utf-8")
    problems = json.loads(reg("audit", "verify", "--checkpoint", forged, "--json").output)["problems"]
    assert problems[0]["table"] == "checkpoint" and "signature does not verify" in problems[0]["problem"]


def test_a_claim_edited_in_sql_then_laundered_by_a_real_approval_is_named(reg):
    """The stage changed in SQL, then a real approval moves the claim on: its record starts from the forged
    row, not from the program's last image of it."""
    with engine(reg).begin() as conn:
        conn.execute(sa.update(S.claims).where(S.claims.c.id == CLAIM).values(reason="edited"))
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)  # the approval writes the row's new image
    problems = json.loads(reg("audit", "verify", "--json").output)["problems"]
    assert any(p["table"] == "claims" and p["id"] == CLAIM and "behind the program's back in between" in p["problem"]
               and "reason" in p["problem"] for p in problems), problems


def test_a_signed_record_that_skips_a_stage_is_named(reg):
    """Even with a valid key, a record moving a claim where its flow does not go (school review straight to
    approved, under "approve") is named: verify checks meaning, not only hashes and signatures."""
    with engine(reg).begin() as conn, audit.acting(conn, reg.signer("sa1"), "approve"):
        audit.update(conn, "sa1", S.claims, {"id": CLAIM}, {"state": "approved", "version": 2}, action="approve")
    problems = json.loads(reg("audit", "verify", "--json").output)["problems"]
    assert any(p["table"] == "claims" and "not to approved" in p["problem"] for p in problems), problems


def test_a_setting_is_changed_only_by_a_signed_action_of_an_actor_over_the_region(reg):
    r = reg("settings", "set", "kunming", "legacy_counts", "false", "--as", "sa1")
    assert r.exit_code == 3 and "sa1's unit S1 does not contain YN" in r.output
    r = reg("settings", "set", "kunming", "no_such_setting", "1")
    assert r.exit_code == 2 and "unknown setting" in r.output
    r = reg("settings", "set", "kunming", "legacy_counts", "perhaps")
    assert r.exit_code == 2 and "true/false" in r.output
    reg("settings", "set", "kunming", "legacy_counts", "false", "--as", "pa", expect=0)  # the province's admin
    shown = json.loads(reg("settings", "show", "kunming", "--json", expect=0).output)
    assert next(s for s in shown if s["name"] == "legacy_counts")["value"] is False
    assert reg("audit", "verify", expect=0).output.startswith("chain intact")


def test_a_setting_row_inserted_in_sql_is_named(reg):
    """A setting that changes who meets the year, slipped in behind the program's back."""
    with engine(reg).begin() as conn:
        conn.execute(sa.insert(S.settings), [{"region": "kunming", "name": "legacy_counts", "value": False}])
    problems = json.loads(reg("audit", "verify", "--json").output)["problems"]
    assert any(p["table"] == "settings" and p["id"] == "kunming/legacy_counts" and "no audit record" in p["problem"]
               for p in problems), problems


def test_a_record_of_a_kind_no_command_writes_is_named(reg):
    """An "update" record, signed with a valid key through the library: no command writes that kind."""
    with engine(reg).begin() as conn, audit.acting(conn, reg.signer("sa1"), "approve"):
        audit.record(conn, "sa1", "update", "teacher", "T1", None, {"note": "edited"})
    problems = json.loads(reg("audit", "verify", "--json").output)["problems"]
    assert any(p["table"] == "audit_log" and "no command writes" in p["problem"] for p in problems), problems


def test_an_approval_by_an_actor_who_had_no_authority_then_is_named(reg):
    """A signed record of a school admin approving at the county stage: the key is valid, the action is not."""
    reg("approve", CLAIM, "--as", "sa1", "--on", ON, expect=0)  # now at county review
    with engine(reg).begin() as conn, audit.acting(conn, reg.signer("sa1"), "approve"):
        audit.update(conn, "sa1", S.claims, {"id": CLAIM}, {"state": "approved", "version": 3}, action="approve")
    problems = json.loads(reg("audit", "verify", "--json").output)["problems"]
    assert any(p["table"] == "claims" and "sa1 could not approve it then" in p["problem"] for p in problems), problems
