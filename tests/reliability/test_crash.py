"""Crashes: the real ``xuefen`` command killed with SIGKILL at random points, on the real database.

* ``xuefen import activities FILE --progress`` is killed right after it has
  printed one of its progress lines (checked the file, wrote the activities,
  wrote the claims: the marker is the process's own output, never the clock),
  each line in turn: the file is in the database entirely or not at all, every
  activity has its claim, the audit chain is intact; running the same command
  again imports what was missing, and once more imports nothing.
* ``xuefen approve --all-queued`` (one signed action, one transaction) is killed
  right after it has printed a random number of its claims (the marker is the
  process's own output, not the clock): nothing
  of the batch is committed — no claim approved without its entries or entries
  without their approval — the chain and the signatures verify; re-running
  finishes the queue and every claim has exactly one entry.

The figures (``IMPORT_KILLS`` + ``APPROVE_KILLS`` crash points per database)
are quoted in docs/reliability.md.
"""
from __future__ import annotations

import os
import random
import signal
import subprocess
from collections import Counter

import pytest
import sqlalchemy as sa

from xuefen import audit
from xuefen.store import repo, schema as S

from tests.conftest import XUEFEN
from tests.reliability.helpers import earned_hours, fresh_registry

#: kills of a running import (after each of its progress lines, then one of them again) / of a running
#: batch approval, per database
IMPORT_KILLS = 4
APPROVE_KILLS = 4
#: teachers in the registry, and activities per teacher in each imported file
TEACHERS = 100
ACTIVITIES_EACH = 5
#: claims the crashed batch approval works through, and how many are always left for the last run
APPROVALS = 120
KEEP = 20
SEED = 20261123

pytestmark = pytest.mark.slow


def _xuefen(db_url, *args) -> subprocess.Popen:
    return subprocess.Popen([XUEFEN, "--db", db_url, *map(str, args)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "XUEFEN_ACTOR": "admin"})


def _run(db_url, *args, timeout=300) -> subprocess.CompletedProcess:
    r = subprocess.run([XUEFEN, "--db", db_url, *map(str, args)], capture_output=True, text=True,
                       env={**os.environ, "XUEFEN_ACTOR": "admin"},
                       timeout=timeout)
    assert "Traceback" not in r.stderr, r.stderr
    return r


def _kill(proc: subprocess.Popen) -> bool:
    """SIGKILL ``proc``; True when it was still running (a real crash, not a kill after the end)."""
    running = proc.poll() is None
    if running:
        os.kill(proc.pid, signal.SIGKILL)
    proc.communicate(timeout=60)
    if running:
        assert proc.returncode == -signal.SIGKILL
    return running


def _count(conn, table, *where) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(table).where(*where)).scalar_one()


def assert_consistent(engine) -> dict:
    """The invariants a crash must never break; returns a few counts."""
    with engine.connect() as conn:
        v = audit.verify(conn)
        assert v.intact, v.broken
        claims = {r.id: r for r in conn.execute(sa.select(S.claims.c.id, S.claims.c.state, S.claims.c.teacher_id,
                                                          S.claims.c.activity_id))}
        acts = {(r.teacher_id, r.id) for r in conn.execute(sa.select(S.activities.c.teacher_id, S.activities.c.id))}
        # every activity has its claim and every claim its activity: no half-imported row
        assert {(c.teacher_id, c.activity_id) for c in claims.values()} == acts
        per_claim = Counter(r.claim_id for r in conn.execute(sa.select(S.entries.c.claim_id)))
        approved = {cid for cid, c in claims.items() if c.state == "approved"}
        # no half-posted claim: entries exactly for the approved ones, one each (no duplicates)
        assert set(per_claim) == approved, (set(per_claim) ^ approved)
        assert set(per_claim.values()) <= {1}, per_claim.most_common(3)
        return {"activities": len(acts), "claims": len(claims), "approved": len(approved), "audit": v.records}


def _teachers_csv(path, n):
    rows = ["id,name,stage,school_id,hired_on,cycle_start"]
    rows += [f"T{i:04d},测试教师{i},primary,{('S1', 'S2')[i % 2]},2005-09-01,2020-02-01" for i in range(n)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _activities_csv(path, batch, teachers, each, days="1"):
    rows = ["teacher_id,id,kind,level,date,days,assessment"]
    rows += [f"T{i:04d},b{batch}-a{j},training,city,2020-04-{10 + j:02d},{days},pass"
             for i in range(teachers) for j in range(each)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def test_an_import_killed_at_random_points_is_all_or_nothing_and_rerunning_finishes_it(db_url, tmp_path):
    rng = random.Random(SEED)
    engine = fresh_registry(db_url)
    _run(db_url, "import", "teachers", _teachers_csv(tmp_path / "t.csv", TEACHERS)).check_returncode()
    per_file = TEACHERS * ACTIVITIES_EACH
    r = _run(db_url, "import", "activities", _activities_csv(tmp_path / "a0.csv", 0, TEACHERS, ACTIVITIES_EACH),
             "--progress")
    assert r.returncode == 0, r.stderr
    # the steps a whole import prints, in order: the kills land right after each
    steps = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert steps == [f"checking {per_file}/{per_file}", f"writing activities {per_file}/{per_file}",
                     f"writing claims {per_file}/{per_file}"], steps
    expected = assert_consistent(engine)
    assert expected["activities"] == expected["claims"] == per_file
    crashed = 0
    points = list(range(1, len(steps) + 1)) + [rng.randint(1, len(steps))]
    assert len(points) == IMPORT_KILLS
    for k, after in enumerate(points, 1):
        path = _activities_csv(tmp_path / f"a{k}.csv", k, TEACHERS, ACTIVITIES_EACH)
        proc = _xuefen(db_url, "import", "activities", path, "--progress")
        for _ in range(after):  # the process's own lines, read as it writes them
            assert proc.stderr.readline().strip(), "the import ended before its progress line"
        crashed += _kill(proc)
        got = assert_consistent(engine)
        assert got["activities"] in (expected["activities"], expected["activities"] + per_file), got  # all or none
        r = _run(db_url, "import", "activities", path)  # the same command again finishes the job
        assert r.returncode == 0, r.stderr
        assert f" {per_file if got == expected else 0} activities imported" in r.stdout, r.stdout
        expected = assert_consistent(engine)
        assert expected["activities"] == expected["claims"] == per_file * (k + 1)
    again = _run(db_url, "import", "activities", path)
    assert again.returncode == 0 and " 0 activities imported" in again.stdout, again.stdout  # no duplicates
    assert crashed >= IMPORT_KILLS // 2, f"only {crashed} of {IMPORT_KILLS} kills hit a running import"


def test_a_batch_approval_killed_at_random_points_never_half_posts_and_rerunning_finishes_it(db_url, tmp_path):
    rng = random.Random(SEED + 1)
    engine = fresh_registry(db_url)
    n_teachers = APPROVALS
    _run(db_url, "import", "teachers", _teachers_csv(tmp_path / "t.csv", n_teachers)).check_returncode()
    # every teacher at school S1 or S2 (county K1): one activity each, days 1..4
    rows = ["teacher_id,id,kind,level,date,days,assessment"]
    days = {f"T{i:04d}": rng.choice([1, 2, 3, 4]) for i in range(n_teachers)}
    rows += [f"{t},a1,training,city,2020-04-18,{d},pass" for t, d in days.items()]
    (tmp_path / "a.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert _run(db_url, "import", "activities", tmp_path / "a.csv").returncode == 0
    for school_admin in ("sa-S1", "sa-S2"):  # the school stage, not crashed
        r = _run(db_url, "approve", "--all-queued", "--as", school_admin, "--on", "2020-06-30")
        assert r.returncode == 0, r.stderr
    crashed = 0
    for _ in range(APPROVE_KILLS):
        before = assert_consistent(engine)["approved"]
        # leave a tail of at least KEEP claims, so the kill always lands while the batch is still running
        target = rng.randint(1, max(1, APPROVALS - before - KEEP))
        proc = _xuefen(db_url, "approve", "--all-queued", "--as", "ca-K1", "--on", "2020-06-30")
        shown = 0
        for line in proc.stdout:  # the process says each claim it has approved (inside its one transaction)
            shown += " → approved" in line
            if shown >= target:
                break
        crashed += _kill(proc)  # right after the marker: inside the next claim
        after = assert_consistent(engine)
        assert after["approved"] == before  # one transaction: a killed batch leaves nothing of itself
    assert crashed == APPROVE_KILLS, f"only {crashed} of {APPROVE_KILLS} kills hit a running approval"
    r = _run(db_url, "approve", "--all-queued", "--as", "ca-K1", "--on", "2020-06-30")
    assert r.returncode == 0, r.stderr
    r = _run(db_url, "approve", "--all-queued", "--as", "ca-K1", "--on", "2020-06-30")
    assert r.returncode == 0 and "nothing waits for ca-K1" in r.stdout  # nothing approved twice
    final = assert_consistent(engine)
    assert final["approved"] == APPROVALS
    with engine.connect() as conn:
        hours = {r.teacher_id: r.hours for r in conn.execute(sa.select(S.entries.c.teacher_id, S.entries.c.hours))}
        approved_ids = set(conn.execute(sa.select(S.claims.c.id).where(S.claims.c.state == "approved")).scalars())
    assert approved_ids == {repo.claim_id_for(t, "a1") for t in days}
    assert hours == {t: earned_hours(t, d) for t, d in days.items()}  # the right amount, once each
