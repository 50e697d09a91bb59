"""Backup and restore through the real CLI: ``xuefen export --all`` then ``xuefen import --all`` (and
``xuefen restore``) into an empty database give the same registry: every report, status, queue, the
audit log and a second export are identical, and the restored registry keeps working.

A backup is signed by the exporting actor and carries a checkpoint of the log (issue 15, "Backups"):
a file edited with its checksum recomputed, cut on a line boundary with a new end line, or re-signed
with a key the registry does not hold is refused, nothing restored; export refuses the live database
and symbolic links as its output or temporary file, and writes 0600.
"""
from __future__ import annotations

import hashlib
import json
import os
import stat

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
    cli("export", "--all", "-o", backup, "--as", "admin", expect=0)
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


# -- signed backups: the attacks of issue 15 ------------------------------------------------------


def _export(cli, tmp_path, name="b.jsonl", *args):
    _populate(cli, tmp_path)
    backup = tmp_path / name
    cli("export", "--all", "-o", backup, "--as", "admin", *args, expect=0)
    return backup


def _split(path) -> tuple[list[str], dict]:
    """A backup's lines before the end line, and the end line."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    return lines[:-1], json.loads(lines[-1])


def _end_line(lines: list[str], signer=None, checkpoint=None) -> str:
    """A new end line for ``lines``, as a forger makes it: counts and plain sha256 recomputed, signed by
    ``signer`` (any key) with ``checkpoint`` if given, else unsigned."""
    from xuefen import audit, keys
    from xuefen.store.schema import TABLES

    h = hashlib.sha256()
    counts = {t.name: 0 for t in TABLES}
    for line in lines:
        h.update(line.encode())
        obj = json.loads(line)
        if "table" in obj:
            counts[obj["table"]] += 1
    end = {"end": True, "rows": counts, "sha256": h.hexdigest()}
    if signer is not None:
        end.update(checkpoint=checkpoint, signer=signer.actor_id, key=signer.fingerprint,
                   public_key=signer.public_pem)
        end["signature"] = keys.b64(signer.sign(audit.canonical(end).encode()))
    return json.dumps(end, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def _checkpoint(signer, like: dict, **changes) -> dict:
    """A checkpoint like ``like``'s statement with ``changes``, signed by ``signer``."""
    from xuefen import audit, keys

    body = {**like, "signer": signer.actor_id, "key": signer.fingerprint, **changes}
    return {"checkpoint": body, "signature": keys.b64(signer.sign(audit.canonical(body).encode())),
            "public_key": signer.public_pem}


def _cut_last_action(lines: list[str]) -> tuple[list[str], dict]:
    """``lines`` without the newest signed action and the audit records it covers, and every row it wrote
    rolled back to the image its record holds as ``before`` (a careful DBA's cut on line boundaries, which
    ``audit verify`` alone cannot see); and the cut log's heads."""
    from xuefen import audit
    from xuefen.store.schema import TABLES

    tables = {t.name: t for t in TABLES}
    by_type = {v: k for k, v in audit.OBJECT_TYPES.items()}
    objs = [json.loads(line) for line in lines]
    acts = [o["row"] for o in objs if o.get("table") == "actions"]
    last = max(acts, key=lambda a: a["seq"])
    gone = range(last["first_record"], last["last_record"] + 1)
    records = sorted((o["row"] for o in objs if o.get("table") == "audit_log" and o["row"]["seq"] in gone),
                     key=lambda r: -r["seq"])
    objs = [o for o in objs if not (o.get("table") == "actions" and o["row"]["seq"] == last["seq"])
            and not (o.get("table") == "audit_log" and o["row"]["seq"] in gone)]
    for rec in records:  # newest first: each row back to what it was before the action
        name = by_type[rec["object_type"]]
        at = next((i for i, o in enumerate(objs) if o.get("table") == name
                   and audit.key_of(tables[name], o["row"]) == rec["object_id"]), None)
        if rec["before"] is None:
            del objs[at]
        else:
            objs[at] = {"table": name, "row": rec["before"]}
    kept = [json.dumps(o, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n" for o in objs]
    prev = next(o["row"] for o in objs if o.get("table") == "audit_log" and o["row"]["seq"] == gone[0] - 1)
    prev_act = next(a for a in acts if a["seq"] == last["seq"] - 1)
    return kept, {"records": prev["seq"], "head": prev["hash"], "actions": prev_act["seq"],
                  "action_head": prev_act["hash"]}


def _refused(other_db_url, path, *words):
    """``restore`` of ``path`` into an empty database exits 2 naming ``words``, and nothing is restored."""
    r2 = _runner(other_db_url)
    for args in (("restore", path), ("import", "--all", path)):
        r = r2(*args, "--as", "admin")
        assert r.exit_code == 2 and "Traceback" not in r.output, r.output
        for w in words:
            assert w in r.output, (w, r.output)
    v = json.loads(r2("audit", "verify", "--json", expect=0).output)
    assert (v["records"], v["actions"]) == (0, 0)
    return r.output


def test_the_end_line_is_signed_and_carries_a_checkpoint(cli, tmp_path):
    from xuefen import audit, keys

    backup = _export(cli, tmp_path)
    lines, end = _split(backup)
    assert json.loads(lines[0])["version"] == 2
    assert end["signer"] == "admin" and end["key"] == keys.fingerprint(end["public_key"])
    body = {k: v for k, v in end.items() if k != "signature"}
    assert keys.verify(end["public_key"], keys.unb64(end["signature"]), audit.canonical(body).encode())
    v = json.loads(cli("audit", "verify", "--json", expect=0).output)
    cp = end["checkpoint"]["checkpoint"]
    assert (cp["records"], cp["actions"], cp["signer"]) == (v["records"], v["actions"], "admin")
    assert end["rows"]["audit_log"] == cp["records"] and end["rows"]["actions"] == cp["actions"]


def test_a_changed_amount_with_a_recomputed_checksum_is_refused(cli, other_db_url, tmp_path):
    backup = _export(cli, tmp_path)
    lines, end = _split(backup)
    i, obj = next((i, json.loads(line)) for i, line in enumerate(lines) if json.loads(line).get("table") == "entries")
    obj["row"]["hours"] = str(int(obj["row"]["hours"]) + 100)
    lines[i] = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    forged = json.loads(_end_line(lines))
    end.update(sha256=forged["sha256"])  # the plain checksum anyone can recompute; the signature is kept
    bad = tmp_path / "amount.jsonl"
    bad.write_text("".join(lines) + json.dumps(end, ensure_ascii=False) + "\n", encoding="utf-8")
    _refused(other_db_url, bad, "signature: does not verify")


@pytest.mark.parametrize("trailer", ["unsigned", "self-made key", "real key, old checkpoint"])
def test_a_backup_cut_on_a_line_boundary_with_a_new_end_line_is_refused(cli, other_db_url, tmp_path, trailer):
    from xuefen.keys import Signer

    backup = _export(cli, tmp_path)
    lines, end = _split(backup)
    kept, heads = _cut_last_action(lines)
    old = end["checkpoint"]["checkpoint"]
    if trailer == "unsigned":
        text, words = _end_line(kept), ("not signed",)
    elif trailer == "self-made key":  # a consistent forgery: a checkpoint of the cut log, under a key of its own
        me = Signer.generate("admin")
        text, words = _end_line(kept, me, _checkpoint(me, old, **heads)), ("not registered",)
    else:  # a holder of the administrator's key re-signs the end line but cannot make the old checkpoint fit
        admin = cli.signer("admin")
        text, words = _end_line(kept, admin, end["checkpoint"]), ("records were deleted",)
    cut = tmp_path / "cut.jsonl"
    cut.write_text("".join(kept) + text, encoding="utf-8")
    out = _refused(other_db_url, cut, *words)
    # the cut is careful: the chain, the signed actions and the rows agree; only the signed end line tells
    problems = [line for line in out.splitlines() if line.startswith("error:") and "nothing was restored" not in line]
    assert problems and all("end line" in line for line in problems), out


def test_a_backup_re_signed_with_a_key_not_registered_in_it_is_refused(cli, other_db_url, tmp_path):
    from xuefen.keys import Signer

    backup = _export(cli, tmp_path)
    lines, end = _split(backup)
    me = Signer.generate("admin")  # the rows untouched, the end line and its checkpoint re-signed
    resigned = tmp_path / "resigned.jsonl"
    resigned.write_text("".join(lines) + _end_line(lines, me, _checkpoint(me, end["checkpoint"]["checkpoint"])),
                        encoding="utf-8")
    out = _refused(other_db_url, resigned, "not registered", me.fingerprint[:16])
    assert "nothing was restored" in out


def test_a_version_1_backup_is_refused_as_predating_signed_backups(cli, other_db_url, tmp_path):
    backup = _export(cli, tmp_path)
    lines, _ = _split(backup)
    header = json.loads(lines[0])
    header["version"] = 1
    lines[0] = json.dumps(header, sort_keys=True, separators=(",", ":")) + "\n"
    old = tmp_path / "v1.jsonl"
    old.write_text("".join(lines) + _end_line(lines), encoding="utf-8")
    _refused(other_db_url, old, "predates signed backups")


def test_export_needs_a_valid_key_and_writes_nothing_without_one(cli, tmp_path):
    from xuefen.keys import Signer

    _populate(cli, tmp_path)
    out = tmp_path / "b.jsonl"
    r = cli("export", "--all", "-o", out, "--as", "nobody")
    assert r.exit_code == 3 and "no signing key" in r.output
    stray = Signer.generate("admin").write(tmp_path / "stray.pem")  # 0600, but not registered
    r = cli("export", "--all", "-o", out, "--as", "admin", "--key", stray)
    assert r.exit_code == 3 and "not registered" in r.output
    assert not out.exists() and not (tmp_path / "b.jsonl.part").exists()


def test_export_refuses_the_live_database_as_its_output(cli, backend, tmp_path):
    if backend != "sqlite":
        pytest.skip("a database file is SQLite's")
    _populate(cli, tmp_path)
    before = cli("audit", "verify", "--json", expect=0).output
    db = cli.db_url.removeprefix("sqlite:///")
    for target in (db, db + "-wal", db + "-shm", os.path.relpath(db)):
        r = cli("export", "--all", "-o", target, "--as", "admin")
        assert r.exit_code == 2 and "is the database itself" in r.output, (target, r.output)
    os.link(db, tmp_path / "hard.db")  # another name of the same file
    r = cli("export", "--all", "-o", tmp_path / "hard.db", "--as", "admin")
    assert r.exit_code == 2 and "is the database itself" in r.output
    assert cli("audit", "verify", "--json", expect=0).output == before
    assert not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("where", ["output", "temporary file", "dangling temporary file"])
def test_export_refuses_a_planted_symlink_and_writes_nothing_through_it(cli, tmp_path, where):
    _populate(cli, tmp_path)
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "b.jsonl"
    part = tmp_path / "b.jsonl.part"
    if where == "output":
        out.symlink_to(victim)
    elif where == "temporary file":
        part.symlink_to(victim)
    else:
        part.symlink_to(tmp_path / "made-by-export")
    r = cli("export", "--all", "-o", out, "--as", "admin")
    assert r.exit_code == 2 and "symbolic link" in r.output, r.output
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert not (tmp_path / "made-by-export").exists()
    assert (out.is_symlink() if where == "output" else not os.path.lexists(out))
    assert part.is_symlink() == (where != "output")


def test_a_backup_is_written_0600_even_over_a_readable_file(cli, tmp_path):
    _populate(cli, tmp_path)
    out = tmp_path / "b.jsonl"
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o644)
    old_umask = os.umask(0)
    try:
        cli("export", "--all", "-o", out, "--as", "admin", expect=0)
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert json.loads(out.read_text(encoding="utf-8").splitlines()[-1])["end"] is True
    assert not (tmp_path / "b.jsonl.part").exists()
