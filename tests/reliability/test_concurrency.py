"""Concurrency, with real processes against the real database (SQLite, and PostgreSQL in CI).

* Two processes approve the same claim at the same moment (through the library, and as two
  `xuefen approve --expect-version` commands): exactly one wins,
  the other gets a conflict error, one set of entries is posted.
* ``WORKERS`` processes import teachers and activities (CSV, the real importer) and approve claims in parallel, all
  racing for the same queues: the ledger's totals equal the sum of what the
  winners were told was posted, and what the pure evaluation says those
  activities earn.
"""
from __future__ import annotations

import json
import subprocess
import time
from collections import Counter
from decimal import Decimal

import pytest
import sqlalchemy as sa

from tests import keys
from xuefen import audit, claims
from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from xuefen.store import repo, schema as S

from tests.reliability.helpers import PY, ROOT, entries_of, fresh_registry, seed_teacher, total_hours
from tests.reliability.workers import AS_OF

#: processes racing in the parallel test (the README's figure)
WORKERS = 8
#: teachers each of them registers (one activity each)
TEACHERS_EACH = 5
#: claims raced by two processes at once
RACES = 3


def _spawn(*args):
    return subprocess.Popen([PY, "-m", "tests.reliability.workers", *map(str, args)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})


def _finish(proc, timeout=600):
    out, err = proc.communicate(timeout=timeout)
    assert proc.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


def test_two_processes_approving_the_same_claim_exactly_one_wins(db_url, tmp_path):
    engine = fresh_registry(db_url)
    with engine.begin() as conn:
        claim_ids = [seed_teacher(conn, f"T-{n}", activities=(("a1", 3),), as_of=AS_OF)[0] for n in range(RACES)]
    for cid in claim_ids:
        claims.approve(engine, cid, keys.signer("sa-S1"), as_of=AS_OF)  # now at county review, version 2
    for n, cid in enumerate(claim_ids):
        gate = tmp_path / f"go-{n}"
        procs = [_spawn("approve_once", db_url, cid, "ca-K1", 2, gate) for _ in range(2)]
        while len(list(tmp_path.glob(f"go-{n}.ready.*"))) < 2:
            assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
            time.sleep(0.01)
        gate.touch()
        results = [_finish(p) for p in procs]
        winners = [r for r in results if r["ok"]]
        losers = [r for r in results if not r["ok"]]
        assert len(winners) == 1 and len(losers) == 1, results
        assert winners[0]["after"] == "approved" and winners[0]["hours"] == ["24"]
        assert losers[0]["error"] == "Conflict" and losers[0]["exit"] == 4, losers
        assert f"claim {cid} was changed by someone else" in losers[0]["message"]
        with engine.connect() as conn:
            posted = entries_of(conn, cid)
            assert [e.hours for e in posted] == [Decimal("24")]  # one set of entries, not two
            claim = claims.claim_row(conn, cid)
            assert (claim.state, claim.version) == ("approved", 3)
    with engine.connect() as conn:
        assert total_hours(conn) == Decimal(24 * RACES)
        assert audit.verify(conn).intact


@pytest.mark.slow
def test_many_workers_import_and_approve_in_parallel_and_totals_add_up(db_url, tmp_path):
    engine = fresh_registry(db_url)
    engine.dispose()
    procs = [_spawn("import_and_approve", db_url, w, TEACHERS_EACH, WORKERS, 20261123, tmp_path)
             for w in range(WORKERS)]
    results = [_finish(p) for p in procs]

    registered = [t for r in results for t in r["registered"]]
    won = [a for r in results for a in r["approved"]]
    assert len(registered) == WORKERS * TEACHERS_EACH
    # every claim reached approval exactly once, whoever got there first
    assert Counter(a["claim"] for a in won) == Counter(repo.claim_id_for(t["teacher"], "a1") for t in registered)
    reported = sum((Decimal(h) for a in won for h in a["hours"]), Decimal(0))
    # what the pure evaluation says each accepted activity earns
    expected = Decimal(0)
    for t in registered:
        case = parse_case({"region": "kunming", "as_of": AS_OF.isoformat(),
                           "teacher": {"id": t["teacher"], "stage": "primary", "hired_on": "2005-09-01",
                                       "cycle_start": "2020-02-01"},
                           "activities": [{"id": "a1", "date": "2020-04-18", "days": t["days"], "kind": "training",
                                           "level": "city", "assessment": "pass"}]})
        expected += sum((e.hours for e in evaluate(case).entries), Decimal(0))
    with engine.connect() as conn:
        assert total_hours(conn) == reported == expected
        per_claim = Counter(r.claim_id for r in conn.execute(sa.select(S.entries.c.claim_id)))
        assert set(per_claim.values()) == {1}, per_claim  # one entry per one-activity claim, never two
        states = Counter(r.state for r in conn.execute(sa.select(S.claims.c.state)))
        assert states == {"approved": WORKERS * TEACHERS_EACH}
        assert audit.verify(conn).intact
    print(f"{WORKERS} workers: {len(won)} approvals, {sum(r['conflicts'] for r in results)} conflicts lost")


def test_two_xuefen_approve_commands_at_once_one_wins_the_other_exits_4(db_url, xuefen_exe):
    """The same race through the real command line, as two officers would run it."""
    engine = fresh_registry(db_url)
    with engine.begin() as conn:
        [cid] = seed_teacher(conn, "T-cli", activities=(("a1", 2),), as_of=AS_OF)
    claims.approve(engine, cid, keys.signer("sa-S1"), as_of=AS_OF)
    cmd = [xuefen_exe, "--db", db_url, "approve", cid, "--as", "ca-K1", "--expect-version", "2",
           "--on", AS_OF.isoformat()]
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
    codes = sorted(r[0] for r in results)
    assert codes == [0, 4], results
    [(_, _, err)] = [r for r in results if r[0] == 4]
    assert f"error: claim {cid} was changed by someone else" in err and "Traceback" not in err
    with engine.connect() as conn:
        assert len(entries_of(conn, cid)) == 1
        assert claims.claim_row(conn, cid).state == "approved"
        assert audit.verify(conn).intact
    engine.dispose()
