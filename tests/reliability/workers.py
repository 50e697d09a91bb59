"""Worker processes for the concurrency tests: ``python -m tests.reliability.workers COMMAND ARGS``.

Each prints one JSON line with what it did, so the test can add up what was
accepted and compare it with what the database holds.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import random
import sys
import time
from pathlib import Path

AS_OF = dt.date(2020, 6, 30)
#: the admins who serve each school's two stages (Kunming: school review, county review)
#: files each worker imports its teachers (and then their activities) in
BATCHES = 2
SERVERS = {"S1": ("sa-S1", "ca-K1"), "S2": ("sa-S2", "ca-K1"), "S3": ("sa-S3", "ca-K2"), "SC": ("sa-SC", "ci-C")}


def _wait_for(path: Path) -> None:
    while not path.exists():
        time.sleep(0.002)


def approve_once(url: str, claim_id: str, actor: str, version: str, gate: str) -> None:
    """Approve ``claim_id`` at ``version`` as soon as ``gate`` exists (so two processes go at once)."""
    from tests import keys
    from xuefen import claims
    from xuefen.errors import XuefenError
    from xuefen.store import open_engine

    engine = open_engine(url, migrate=False)
    with engine.connect():
        pass  # connect before the start line, so both race on the approval itself
    Path(f"{gate}.ready.{os.getpid()}").touch()
    _wait_for(Path(gate))
    try:
        out = claims.approve(engine, claim_id, keys.signer(actor), version=int(version), as_of=AS_OF)
        print(json.dumps({"ok": True, "after": out.after, "hours": [str(e.hours) for e in out.entries]}))
    except XuefenError as exc:
        print(json.dumps({"ok": False, "error": type(exc).__name__, "exit": exc.exit_code, "message": str(exc)}))


def import_and_approve(url: str, worker: str, teachers: str, workers: str, seed: str, marks: str) -> None:
    """Import ``teachers`` teachers with one activity each (CSV files through the real importer, one
    transaction per file, in ``BATCHES`` files), then approve everything any admin can, racing the
    other workers, until every worker has imported and no claim is left under review."""
    from tests import keys
    from xuefen import imports, claims
    from xuefen.errors import Conflict, NotFound, RefusedAction
    from xuefen.store import open_engine

    rng = random.Random(f"{seed}-{worker}")
    engine = open_engine(url, migrate=False)
    registered = []
    n = int(teachers)
    for b in range(BATCHES):
        t_rows = ["id,name,stage,school_id,hired_on,cycle_start"]
        a_rows = ["teacher_id,id,kind,level,date,days,assessment"]
        for i in range(b, n, BATCHES):
            school = rng.choice(sorted(SERVERS))
            days = rng.choice(["0.5", "1", "2", "2.5", "3", "4"])
            tid = f"W{worker}-T{i:02d}"
            t_rows.append(f"{tid},测试{worker}号{i},primary,{school},2005-09-01,2020-02-01")
            a_rows.append(f"{tid},a1,training,city,2020-04-18,{days},pass")
            registered.append({"teacher": tid, "days": days})
        for kind, rows in (("teachers", t_rows), ("activities", a_rows)):
            path = Path(marks, f"{kind}-{worker}-{b}.csv")
            path.write_text("\n".join(rows) + "\n", encoding="utf-8")
            imports.import_file(engine, kind, path, signer=keys.signer(keys.ADMIN))
    Path(marks, f"registered.{worker}").touch()
    actors = [a for pair in SERVERS.values() for a in pair]
    won, conflicts, refused = [], 0, 0
    while True:
        all_registered = len(list(Path(marks).glob("registered.*"))) == int(workers)
        rng.shuffle(actors)
        pending = 0
        for actor in actors:
            with engine.connect() as conn:
                waiting = [(r.id, r.version) for r in claims.queue(conn, actor)]
            rng.shuffle(waiting)
            pending += len(waiting)
            for claim_id, version in waiting:
                try:
                    out = claims.approve(engine, claim_id, keys.signer(actor), version=version, as_of=AS_OF)
                except Conflict:
                    conflicts += 1
                    continue
                except (RefusedAction, NotFound):
                    refused += 1
                    continue
                if out.after == "approved":
                    won.append({"claim": claim_id, "hours": [str(e.hours) for e in out.entries]})
        if all_registered and pending == 0:
            break
    print(json.dumps({"worker": worker, "registered": registered, "approved": won, "conflicts": conflicts,
                      "refused": refused}))


if __name__ == "__main__":
    globals()[sys.argv[1]](*sys.argv[2:])
