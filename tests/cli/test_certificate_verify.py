"""Certificate verification codes through the real CLI on a real database: show, verify, revoke, assign-codes.

The code is random (100 bits from ``secrets``), stored in the certificate row's ``data`` when it is written,
so the row's audit image covers it (docs/trust.md, *Certificate verification codes*). Attack tests: codes
of consecutive serials share nothing, the same certificate issued in two registries gets two codes (nothing
is derived from the serial or the teacher), an altered code fails, and a code changed in SQL is named by
``audit verify``. Every person is invented.
"""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest
import sqlalchemy as sa

from tests.conftest import cli_for
from tests.zhengzhou.helpers import activity, approve_all, engine, load, teacher

ID_NUMBER = "410102198003074512"  # an invented 18-digit identity number (the teacher id)
NAMES = {ID_NUMBER: "王晓梅", "ZT2": "李建国"}  # invented
CODE = re.compile(r"[0-9A-HJKMNP-TV-Z]{5}(-[0-9A-HJKMNP-TV-Z]{5}){3}")


def cycle_done(tid, school="ZS1", stage="primary", prev="2017-04-01", **kw):
    return (teacher(tid, school, stage, previous_certificate_on=prev, **kw),
            [activity(tid, f"{tid}-sb", "school_based", "2018-03-01", level="school", hours=80, assessment="pass"),
             activity(tid, f"{tid}-tr", "training", "2019-05-01", level="county", hours=280, assessment="pass")])


def registry(cli, tmp_path, ids=(ID_NUMBER, "ZT2")):
    ts, acts = [], []
    for tid in ids:
        t, a = cycle_done(tid, name=NAMES.get(tid, f"测试教师{tid}"))
        ts.append(t)
        acts += a
    load(cli, tmp_path, ts, acts)
    approve_all(cli, on="2019-06-01")
    return cli


def issue(cli, tid, actor="zd", on="2020-06-01"):
    return json.loads(cli("certificate", "issue", tid, "--as", actor, "--on", on, "--json", expect=0).stdout)


def verify(cli, code, *more, expect=0):
    r = cli("certificate", "verify", code, "--json", *more, expect=expect)
    return json.loads(r.stdout) if r.stdout.strip() else r


@pytest.fixture
def done(cli, tmp_path):
    return registry(cli, tmp_path)


@pytest.mark.rule("Z-R1")
def test_show_prints_the_name_and_verify_tells_for_whom_which_cycle_until_when(done):
    cert = issue(done, ID_NUMBER)
    assert CODE.fullmatch(cert["verification_code"]), cert["verification_code"]
    shown = json.loads(done("certificate", "show", cert["serial"], "--json", expect=0).stdout)
    assert (shown["name"], shown["verification_code"]) == ("王晓梅", cert["verification_code"])
    text = done("certificate", "show", cert["serial"], expect=0).output
    assert "王晓梅" in text and cert["verification_code"] in text

    v = verify(done, cert["verification_code"], "--on", "2021-01-01")
    assert (v["found"], v["serial"], v["name"], v["status"]) == (True, cert["serial"], "王晓梅", "valid")
    assert v["teacher"] == "410102********4512"  # the birth date and more masked, as bureaus print them
    assert ID_NUMBER not in json.dumps(v, ensure_ascii=False)
    assert (v["cycle_start"], v["cycle_end"], v["valid_until"]) == ("2017-04-01", "2022-03-31", "2025-05-31")
    assert (v["rule"], v["article"], v["revoked"]) == ("Z-R1", "四", None)
    out = done("certificate", "verify", cert["verification_code"].lower().replace("-", " "), "--on", "2021-01-01",
               expect=0).output  # typed in lower case with spaces: the same code
    assert "410102********4512" in out and "valid until 2025-05-31" in out and "cycle 2017-04-01" in out
    assert verify(done, cert["verification_code"], "--on", "2025-06-01")["status"] == "expired"


def test_an_unknown_code_exits_1_and_a_malformed_one_exits_2(done):
    cert = issue(done, ID_NUMBER)
    unknown = done("certificate", "verify", "7KQ2M-4XH9D-P0RWT-C3N8V", expect=1)
    assert "no certificate carries the verification code 7KQ2M-4XH9D-P0RWT-C3N8V" in unknown.output
    assert verify(done, "7KQ2M-4XH9D-P0RWT-C3N8V", expect=1) == {"code": "7KQ2M-4XH9D-P0RWT-C3N8V", "found": False}
    for bad, why in (("12345", "it has 5 letters and digits"), (cert["serial"], "it holds")):
        r = done("certificate", "verify", bad, expect=2)
        assert r.output.startswith("error:") and "is not a certificate verification code" in r.output
        assert why in r.output and "Traceback" not in r.output


def test_attack_codes_are_not_derived_from_the_serial_or_the_teacher(cli, tmp_path, monkeypatch):
    """Consecutive serials share nothing, the same certificate in two registries gets two codes, and an
    altered code (one symbol changed, or another certificate's code with this serial) fails."""
    registry(cli, tmp_path)
    a, b = issue(cli, ID_NUMBER), issue(cli, "ZT2")
    assert (a["serial"], b["serial"]) == ("ZHENGZHOU-CYCLE-2020-000001", "ZHENGZHOU-CYCLE-2020-000002")
    ca, cb = a["verification_code"].replace("-", ""), b["verification_code"].replace("-", "")
    # 20 random symbols of 32: two codes agree in ~0.6 positions on average; derived ones would agree a lot
    assert sum(x == y for x, y in zip(ca, cb)) <= 6
    # the same teachers, activities, actors, dates and serials in a second registry: other codes
    other_dir = tmp_path / "second"
    (other_dir / "keys").mkdir(parents=True, mode=0o700)
    monkeypatch.setenv("XUEFEN_KEYS_DIR", str(other_dir / "keys"))  # its own actors' keys
    other = cli_for(f"sqlite:///{other_dir / 'x.db'}", other_dir / "keys")
    registry(other, other_dir)
    a2 = issue(other, ID_NUMBER)
    monkeypatch.setenv("XUEFEN_KEYS_DIR", str(cli.keys_dir))
    assert a2["serial"] == a["serial"] and a2["data"]["counted"] == a["data"]["counted"]
    assert a2["verification_code"] != a["verification_code"]
    assert verify(cli, a2["verification_code"], expect=1)["found"] is False  # not this registry's certificate
    # one symbol changed (to another symbol of the alphabet) fails
    code = a["verification_code"]
    flipped = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert verify(cli, flipped, expect=1)["found"] is False
    assert verify(cli, code)["serial"] == a["serial"]


def test_attack_a_code_changed_in_sql_is_named_by_audit_verify(done):
    cert = issue(done, ID_NUMBER)
    from xuefen.store.schema import certificates
    forged = "7KQ2M-4XH9D-P0RWT-C3N8V"
    with engine(done).begin() as conn:
        row = conn.execute(sa.select(certificates).where(certificates.c.serial == cert["serial"])).first()
        conn.execute(sa.update(certificates).where(certificates.c.id == row.id)
                     .values(data={**row.data, "verification_code": forged}))
    assert verify(done, forged)["serial"] == cert["serial"]  # the forged code now "verifies" …
    r = done("audit", "verify", expect=1)  # … and the registry's own check names the row
    assert re.search(rf"broken: certificates {re.escape(row.id)}: ", r.output), r.output


@pytest.mark.rule("Z-R1")
def test_revoke_is_signed_and_verify_reports_by_whom_citing_the_rule(done):
    cert = issue(done, ID_NUMBER)
    refused = done("certificate", "revoke", cert["serial"], "--as", "zs1", "--reason", "x", expect=3)
    assert "county_admin" in refused.output
    r = json.loads(done("certificate", "revoke", cert["serial"], "--as", "zd", "--on", "2021-03-01",
                        "--reason", "hours of ZT1-tr were not attended", "--json", expect=0).stdout)
    assert r["revoked"] == {"on": "2021-03-01", "by": "zd", "reason": "hours of ZT1-tr were not attended",
                            "rule": "Z-R1", "article": "四", "falsified": False}
    v = verify(done, cert["verification_code"], "--on", "2021-03-02")
    assert (v["status"], v["revoked"]["by"], v["revoked"]["rule"]) == ("revoked", "zd", "Z-R1")
    assert verify(done, cert["verification_code"], "--on", "2021-02-28")["status"] == "valid"
    text = done("certificate", "verify", cert["verification_code"], "--on", "2021-03-02", expect=0).output
    assert "revoked on 2021-03-01 by zd: hours of ZT1-tr were not attended (Z-R1, 四)" in text
    again = done("certificate", "revoke", cert["serial"], "--as", "zd", "--reason", "again", expect=3)
    assert "already revoked on 2021-03-01 by zd" in again.output
    assert done("audit", "verify", expect=0).exit_code == 0


def _write_a_certificate_as_before_codes(cli, tid):
    """A certificate row as the program wrote it before verification codes (no ``verification_code``),
    through a signed action, so the registry is intact."""
    from xuefen import audit
    from xuefen.claims import certificates as C
    from xuefen.store.schema import certificates
    signer = cli.signer("zd")
    with engine(cli).begin() as conn:
        with audit.acting(conn, signer, "issue_certificate", {"teacher": tid}):
            d = C.decide(conn, tid, on=dt.date(2020, 6, 1))
            row = {"id": d.cert_id, "serial": C.next_serial(conn, d.region, d.kind, 2020), "teacher_id": tid,
                   "region": d.region, "kind": d.kind, "title": d.spec.title, "issuer": d.spec.issuer,
                   "cycle_start": d.evaluation.cycle.start, "cycle_end": d.evaluation.cycle.end,
                   "issued_on": d.on, "valid_until": d.spec.valid_until, "rule": d.spec.rule,
                   "article": d.spec.article,
                   "data": audit.jsonable({"reason": d.spec.reason, "once_from": d.once_from, "starts_cycle": True,
                                           "counted": {r.rule: r.counted for r in d.evaluation.cycle_results}})}
            audit.insert(conn, "zd", certificates, [row], action="issue_certificate")
    return row["serial"]


def test_certificates_issued_before_codes_get_one_by_a_signed_backfill(done):
    old = _write_a_certificate_as_before_codes(done, ID_NUMBER)
    new = issue(done, "ZT2")
    assert done("audit", "verify", expect=0).exit_code == 0
    shown = json.loads(done("certificate", "show", old, "--json", expect=0).stdout)
    assert shown["verification_code"] is None
    assert "certificate assign-codes" in done("certificate", "show", old, expect=0).output
    refused = done("certificate", "assign-codes", "--as", "zs2", expect=3)  # another school's admin
    assert f"certificate {old}" in refused.output and "does not contain" in refused.output
    got = json.loads(done("certificate", "assign-codes", "--org", "ZD", "--as", "zd", "--json", expect=0).stdout)
    assert [g["serial"] for g in got] == [old] and CODE.fullmatch(got[0]["verification_code"])
    assert verify(done, got[0]["verification_code"])["serial"] == old
    # a code once assigned (or issued) never changes
    assert json.loads(done("certificate", "assign-codes", "--as", "zd", "--json", expect=0).stdout) == []
    assert json.loads(done("certificate", "show", new["serial"], "--json",
                           expect=0).stdout)["verification_code"] == new["verification_code"]
    assert done("audit", "verify", expect=0).exit_code == 0
