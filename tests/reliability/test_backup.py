"""Backup and restore through the real CLI: ``xuefen export --all`` then ``xuefen import --all`` (and
``xuefen restore``) into an empty database give the same registry: every report, status, queue, the
audit log and a second export are identical, and the restored registry keeps working.
"""
from __future__ import annotations

import json
import os

import pytest

from tests.reliability.helpers import ACTORS, ORGS
from tests.reliability.workers import AS_OF

ON = AS_OF.isoformat()
TEACHERS = [("T1", "陈一", "S1"), ("T2", "林二", "S1"), ("T3", "王三", "S2"), ("T4", "赵四", "S3"),
            ("T5", "孙五", "SC")]
ACTIVITIES = [("T1", "a1", 3, "excellent"), ("T1", "a2", 1, "pass"), ("T2", "a1", 2, "pass"),
              ("T3", "a1", 4, "pass"), ("T4", "a1", 2, "pass"), ("T5", "a1", 1, "pass"), ("T5", "a2", 2, "pass")]


def _csv(path, header, rows):
    path.write_text(header + "\n" + "\n".join(",".join(str(v) for v in r) for r in rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def other_db_url(empty_db_url):
    """A second empty database on the same backend as ``db_url``."""
    return empty_db_url


def _populate(cli, tmp_path):
    """Orgs, actors, teachers and activities imported; claims approved, returned, rejected and revoked."""
    cli("import", "orgs", _csv(tmp_path / "o.csv", "id,name,level,parent_id,region",
                               [(o["id"], o["name"], o["level"], o["parent_id"] or "", o["region"]) for o in ORGS]),
        expect=0)
    cli("import", "actors", _csv(tmp_path / "ac.csv", "id,name,role,org_id",
                                 [(a["id"], a["name"], a["role"], a["org_id"]) for a in ACTORS]), "--create-keys", expect=0)
    cli("import", "teachers", _csv(tmp_path / "t.csv", "id,name,stage,school_id,hired_on,cycle_start",
                                   [(t, n, "primary", s, "2005-09-01", "2020-02-01") for t, n, s in TEACHERS]), expect=0)
    cli("import", "activities", _csv(tmp_path / "a.csv", "teacher_id,id,kind,level,date,days,assessment",
                                     [(t, a, "training", "city", "2020-04-18", d, g) for t, a, d, g in ACTIVITIES]),
        expect=0)
    for admin in ("sa-S1", "sa-S2", "sa-S3", "sa-SC"):
        cli("approve", "--all-queued", "--as", admin, "--on", ON)
    cli("approve", "activity:T1:a1", "activity:T1:a2", "activity:T3:a1", "--as", "ca-K1", "--on", ON, expect=0)
    cli("approve", "activity:T5:a1", "--as", "ci-C", "--on", ON, expect=0)
    cli("return", "activity:T5:a2", "--as", "ci-C", "--reason", "证书缺页", "--on", ON, expect=0)
    cli("reject", "activity:T4:a1", "--as", "ca-K2", "--reason", "重复申报", "--on", ON, expect=0)
    cli("revoke", "activity:T1:a2", "--as", "ca-K1", "--reason", "材料不实", "--on", ON, expect=0)


def _views(cli) -> dict:
    """Everything a user can read back from the registry."""
    out = {}
    for fmt in ("--json", "--csv"):
        for redact in ((), ("--redact",)):
            for org in ("C", "K1", "SC"):
                out[("report", org, fmt, redact)] = cli("report", "--org", org, "--year", 2020, fmt, *redact,
                                                        expect=0).output
    for t, _, _ in TEACHERS:
        out[("status", t)] = cli("status", t, "--as-of", ON, "--json", expect=0).output
        out[("claims", t)] = cli("claims", "--teacher", t, "--json", expect=0).output
    for a in ACTORS:
        out[("queue", a["id"])] = cli("queue", "--as", a["id"], "--json", expect=0).output
    out["verify"] = cli("audit", "verify", "--json", expect=0).output
    out["log"] = cli("audit", "log", "--limit", 10000, "--json", expect=0).output
    # JSON compared as values: the members of a JSON column's object have no order (a backup writes
    # them sorted; PostgreSQL's jsonb reorders them too)
    return {k: json.loads(v) if "--json" in k or k in ("verify", "log") or k[0] in ("status", "claims", "queue")
            else v for k, v in out.items()}


@pytest.mark.parametrize("how", ["import --all", "restore"])
def test_export_all_then_restore_gives_identical_reports(cli, other_db_url, tmp_path, how):
    _populate(cli, tmp_path)
    before = _views(cli)  # the first --redact report makes the database's pseudonym key: it is in the backup
    assert before[("report", "C", "--json", ())]["summary"]["teachers"] == len(TEACHERS)
    assert [c["state"] for c in before[("claims", "T1")]] == ["approved", "revoked"]
    backup = tmp_path / "registry.jsonl"
    cli("export", "--all", "-o", backup, expect=0)
    assert before == _views(cli)  # reading changed nothing
    r2 = _runner(other_db_url)
    args = ("import", "--all", backup) if how == "import --all" else ("restore", backup)
    out = r2(*args, "--as", "admin", expect=0).output
    assert out.startswith("restored ") and "audit_log" in out
    after = _views(r2)
    assert after.keys() == before.keys()
    for k in before:
        if k not in ("verify", "log"):
            assert after[k] == before[k], k
    # the restore itself is one more record, signed by the restored registry's administrator
    assert after["verify"]["intact"] is True
    assert (after["verify"]["records"], after["verify"]["actions"]) == (
        before["verify"]["records"] + 1, before["verify"]["actions"] + 1)
    assert after["log"][0]["action"] == "restore" and after["log"][0]["actor_id"] == "admin"
    assert after["log"][1:] == before["log"]
    again = tmp_path / "again.jsonl"
    r2("export", "--all", "-o", again, expect=0)
    old, new = _rows(backup), _rows(again)  # the same registry, row for row, plus the restore's record and action
    assert {t: r for t, r in new.items() if t not in ("audit_log", "actions")} == {
        t: r for t, r in old.items() if t not in ("audit_log", "actions")}
    for t in ("audit_log", "actions"):
        assert new[t][:-1] == old[t] and len(new[t]) == len(old[t]) + 1
    # and it keeps working: a claim waiting at the county is approved, the chain grows intact
    r2("approve", "activity:T2:a1", "--as", "ca-K1", "--on", ON, expect=0)
    assert json.loads(r2("audit", "verify", "--json", expect=0).output)["records"] > before["verify"]["records"]


def test_restore_refuses_a_database_that_is_not_empty_and_changes_nothing(cli, tmp_path):
    _populate(cli, tmp_path)
    backup = tmp_path / "b.jsonl"
    cli("export", "--all", "-o", backup, expect=0)
    before = _views(cli)
    r = cli("import", "--all", backup)
    assert r.exit_code == 2 and "restore needs an empty database" in r.output
    assert _views(cli) == before


def test_a_truncated_backup_is_refused_and_nothing_is_restored(cli, other_db_url, tmp_path):
    _populate(cli, tmp_path)
    backup = tmp_path / "b.jsonl"
    cli("export", "--all", "-o", backup, expect=0)
    lines = backup.read_text(encoding="utf-8").splitlines(keepends=True)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(lines[: len(lines) // 2]), encoding="utf-8")
    r2 = _runner(other_db_url)
    r = r2("import", "--all", cut, "--as", "admin")
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert json.loads(r2("audit", "verify", "--json", expect=0).output)["records"] == 0


def test_export_without_all_writes_no_personal_data(cli, tmp_path):
    _populate(cli, tmp_path)
    r = cli("export")
    assert r.exit_code == 2 and "--all" in r.output
    assert not any(t in r.output for t, _, _ in TEACHERS) and not any(n in r.output for _, n, _ in TEACHERS)


def _runner(db_url):
    """The ``cli`` fixture's runner, for a second database (the same key folder, no administrator made)."""
    from tests.conftest import cli_for
    import os
    from pathlib import Path

    return cli_for(db_url, Path(os.environ["XUEFEN_KEYS_DIR"]), bootstrap=False)


def _rows(path) -> dict:
    """A backup's rows per table."""
    out: dict = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        obj = json.loads(line)
        if "table" in obj:
            out.setdefault(obj["table"], []).append(obj["row"])
    return out
