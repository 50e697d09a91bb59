"""Bulk import and posting throughput, in the shape of SQLAlchemy's performance suite.

One data set (the demo generator at a larger size: N teachers, ~5 activities each)
goes through each strategy into a fresh SQLite file; the report gives activities
per second and the ratio to the machine's floor measured in the same run: a bare
``executemany`` of the same rows into a table of the same shape, no checks, one
transaction (what SQLite on this disk can do at all).

Strategies:

* ``floor``: the bare insert described above.
* ``import_activities``: ``xuefen.imports.import_file`` on the activities CSV (parse every
  field, check every reference, write activities and open a claim each, audit records).
* ``approve_all``: every claim through both Kunming stages with ``actions.approve_many``
  (one transaction per action, entries posted at the final stage): the per-claim path
  a bureau's clerk drives, not a bulk path.

Usage: python bench/bench_import.py [N_TEACHERS]   (default 2000)
"""
from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

from xuefen import actors as actors_mod, audit, demo, imports
from xuefen.claims import actions, queues
from xuefen.store import open_engine
from xuefen.store.schema import claims

try:
    from xuefen_kunming.demo import PROFILE
except ImportError:  # pragma: no cover
    sys.exit("bench_import needs the Kunming plugin (pip install -e plugins/kunming)")


def _timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def floor(folder: Path, data: dict) -> float:
    """Bare executemany of the activity rows into a look-alike table, one transaction."""
    eng = sa.create_engine(f"sqlite:///{folder / 'floor.db'}")
    md = sa.MetaData()
    t = sa.Table("activities", md, sa.Column("id", sa.String, primary_key=True), sa.Column("teacher_id", sa.String),
                 sa.Column("kind", sa.String), sa.Column("date", sa.String), sa.Column("data", sa.JSON))
    md.create_all(eng)
    rows = [{"id": f"{a['teacher_id']}:{a['id']}", "teacher_id": a["teacher_id"], "kind": a["kind"],
             "date": a["date"], "data": a} for a in data["activities"]]
    secs, _ = _timed(lambda: _insert(eng, t, rows))
    eng.dispose()
    return secs


def _insert(eng, table, rows):
    with eng.begin() as conn:
        conn.execute(table.insert(), rows)


def main(n: int) -> None:
    data = demo.generate(11, PROFILE, teachers=n, schools=max(5, n // 40))
    acts = len(data["activities"])
    print(f"{n} teachers, {acts} activities, SQLite, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="xuefen-bench-") as tmp:
        folder = Path(tmp)
        paths = demo.write_tables(data, folder)
        base = floor(folder, data)
        engine = open_engine(f"sqlite:///{folder / 'xuefen.db'}")
        with engine.begin() as conn:  # every action is signed: the registry's first administrator
            admin = actors_mod.bootstrap(conn, "bench-admin")
        for kind in ("orgs", "actors", "teachers"):
            imports.import_file(engine, kind, paths[kind], signer=admin)
        with engine.begin() as conn, audit.acting(conn, admin, "key_register"):
            keys = {a["id"]: actors_mod.create_key(conn, admin, a["id"]) for a in data["actors"]}
        secs_import, _ = _timed(lambda: imports.import_file(engine, "activities", paths["activities"],
                                                            signer=admin))
        with engine.begin() as conn:
            ids = [r.id for r in conn.execute(sa.select(claims.c.id).order_by(claims.c.id))]
        admins = [a for a in data["actors"] if a["role"] in ("school_admin", "county_admin", "city_admin")]
        on = dt.date(int(data["year"]) + 1, 1, 15)

        def approve_all():
            done = 0
            for admin in admins:
                with engine.begin() as conn:
                    mine = [r.id for r in queues.queue(conn, admin["id"])]
                for out in actions.approve_many(engine, mine, keys[admin["id"]], as_of=on):  # one signed batch
                    done += isinstance(out, actions.Outcome)
            return done

        sample = ids  # every claim
        secs_approve, approved = _timed(approve_all)
        engine.dispose()
    rows = [("floor", base, acts), ("import_activities", secs_import, acts), ("approve_all", secs_approve, approved)]
    print(f"{'strategy':<20}{'seconds':>10}{'items/s':>12}{'÷ floor':>10}")
    floor_rate = acts / base
    for name, secs, items in rows:
        rate = items / secs
        print(f"{name:<20}{secs:>10.2f}{rate:>12,.0f}{rate / floor_rate:>10.3f}")
    print(f"({len(sample)} claims; approve_all counts actions, two per claim in Kunming)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
