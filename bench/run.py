"""xuefen at a region's scale: one command measures import, approval, evaluation and report against the floors.

Usage::

    python bench/run.py [--sizes 10000,100000,1000000] [--json FILE] [--database sqlite|postgresql|sqlite,postgresql]
                        [--only import,approve,...] [--workers 2] [--keep DIR]

``size`` is a number of activities. For each database and size a deterministic seeded
generator (:func:`generate`) builds a Kunming city: counties of 2,000 teachers in schools of
50, each teacher with the region's real mix of activities over the report year and the one
before (:func:`xuefen.demo.generate`, one county at a time), cut to exactly ``size``
activities. Every measurement runs in its own process (so ``peak_rss_mb`` is its own peak)
on the same database, in this order:

=============== =========================================================== ==============================
name            what is timed                                               rate (per second) of
=============== =========================================================== ==============================
floor           raw ``sqlite3`` ``executemany`` of one row per activity of   activities
                the same width (teacher, id, kind, date, JSON data), one
                transaction; on PostgreSQL ``floor_copy``: raw ``COPY``
orm_peer        the same import as an ordinary SQLAlchemy ORM application:   activities
                CSV read, teacher looked up, one Activity and one Claim
                object per row, commit per 1000
import          ``xuefen.imports.import_file(engine, "activities", CSV)``    activities
approve_<stage> every queue of the stage's actors approved (``approve        claims
                --all-queued``: the queue read, then one signed batch);
                the last stage posts the entries
approve         every stage                                                  claims
end_to_end      import + every stage                                         activities
floor_groupby   raw ``SELECT teacher_id, year, SUM(hours), SUM(credits)      entries
                FROM entries GROUP BY teacher_id, year``
report          ``xuefen.reports.build_report`` of the city (every teacher)  teachers
                written as CSV and as JSON (as ``report --csv`` and
                ``report --json`` write them)
floor_evaluate  a pass summing every activity's hours per teacher           teachers
evaluate        ``evaluate_many`` of 5-year histories (20 activities a       teachers
                teacher, ``size // 10`` teachers, streamed in chunks)
=============== =========================================================== ==============================

``floor_rate`` and ``ratio`` (rate ÷ floor rate, both of this run): import, orm_peer, approve*
and end_to_end against ``floor`` (``floor_copy`` on PostgreSQL); report against
``floor_groupby`` (per teacher); evaluate against ``floor_evaluate``. ``orm_peer``'s figure
is also given as ``import`` ÷ ``orm_peer`` in the table (``× peer``).

The JSON written by ``--json`` is ``{"measurements": [{name, database, size, seconds, rate,
floor_rate, ratio, peak_rss_mb, items, cpu_seconds}], "scaling": [...], "machine": {...}}``.
``cpu_seconds`` is the user + system CPU time of the measurement's whole process and its workers
(start-up included; for ``evaluate`` the generation of its cases too): unlike ``seconds`` it hardly
moves with other work on the machine. ``scaling`` gives, for a measurement run at two sizes ten times
apart, the ratio of their items, wall seconds and CPU seconds (the issue's ≤ 11× for 10× the data). PostgreSQL uses the server
named by ``XUEFEN_BENCH_POSTGRES_URL`` or else a throwaway one (``tests/pg.py``).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
#: teachers per county and per school in the generated city
COUNTY_TEACHERS = 2000
SCHOOL_TEACHERS = 50
SEED = 16
#: worker processes for evaluate and report (the issue allows two); --workers
WORKERS = int(os.environ.get("XUEFEN_BENCH_WORKERS", "2"))


# -- the generator -----------------------------------------------------------------------------


def generate(size: int, seed: int = SEED) -> dict:
    """A Kunming city with exactly ``size`` activities: orgs, actors, teachers, activities (formats.md §3 rows).

    County ``c`` is :func:`xuefen.demo.generate` with seed ``seed + c`` and its own ids, so a
    bigger size is a smaller size plus more counties (the same rows first)."""
    import attrs

    from xuefen import demo
    from xuefen_kunming.demo import PROFILE

    orgs, actors, teachers, acts = {}, {}, [], []
    c = 0
    while len(acts) < size:
        c += 1
        cid = f"KM-C{c:03d}"
        prof = attrs.evolve(PROFILE, county=(cid, f"示范县{c:03d}"), prefix=cid, city_school=None)
        d = demo.generate(seed + c, prof, teachers=COUNTY_TEACHERS, schools=COUNTY_TEACHERS // SCHOOL_TEACHERS)
        for o in d["orgs"]:
            orgs.setdefault(o["id"], o)
        for a in d["actors"]:
            actors.setdefault(a["id"], a)
        teachers += d["teachers"]
        acts += d["activities"]
    acts = acts[:size]
    used = {a["teacher_id"] for a in acts}
    teachers = [t for t in teachers if t["id"] in used]
    return {"orgs": list(orgs.values()), "actors": list(actors.values()), "teachers": teachers,
            "activities": acts, "year": PROFILE.year, "city": PROFILE.city[0], "counties": c}


def eval_cases(n: int, seed: int = SEED, chunk: int = 2000, start: int = 0):
    """``n`` 5-year Kunming cases (20 activities each) in chunks, each chunk seeded on its own (from ``start``)."""
    from xuefen.evaluate import Case
    from xuefen.model import Activity, Teacher

    kinds = [("training", "city"), ("training", "county"), ("school_based", "school"), ("training", "national"),
             ("trainer", "county"), ("volunteer_teaching", "county"), ("self_study_exam", None)]
    begin = dt.date(2015, 2, 1)
    for base in range(start, n, chunk):
        rng = random.Random(seed * 1_000_003 + base)
        out = []
        for i in range(base, min(n, base + chunk)):
            t = Teacher(id=f"B{i:07d}", stage=rng.choice(["primary", "junior", "senior"]), cycle_start=begin,
                        hired_on=dt.date(2005, 9, 1))
            acts = []
            for j in range(20):
                kind, level = rng.choice(kinds)
                day = begin + dt.timedelta(days=rng.randrange(0, 5 * 365))
                acts.append(Activity(f"a{j}", kind, day, level=level, hours=Decimal(rng.randrange(4, 40)),
                                     events=rng.randrange(1, 4), assessment=rng.choice(["pass", "pass", "excellent"])))
            out.append(Case("kunming", dt.date(2020, 1, 31), t, tuple(acts)))
        yield out


# -- phases (each in its own process) ---------------------------------------------------------


def _rss_mb() -> float:
    return round(max(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
                     resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) / 1024, 1)  # a worker counts too


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its children that have ended (a pool's workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _meta(work: Path) -> dict:
    return json.loads((work / "meta.json").read_text())


def _engine(url: str):
    from xuefen.store import open_engine

    return open_engine(url)


def _signer(work: Path, actor_id: str):
    from xuefen import keys

    return keys.Signer.load(actor_id, work / "keys" / f"{keys.safe_name(actor_id)}.pem")


def phase_setup(work: Path, url: str, size: int) -> dict:
    """Generate, write the CSVs, register orgs, actors, teachers and every actor's key (not measured)."""
    from xuefen import actors as actors_mod, audit, demo, imports, keys

    data = generate(size)
    paths = demo.write_tables(data, work)
    engine = _engine(url)
    (work / "keys").mkdir(exist_ok=True)
    with engine.begin() as conn:
        admin = actors_mod.bootstrap(conn, "bench-admin")
    admin.write(work / "keys" / f"{keys.safe_name('bench-admin')}.pem")
    for kind in ("orgs", "actors", "teachers"):
        imports.import_file(engine, kind, paths[kind], signer=admin)
    with engine.begin() as conn, audit.acting(conn, admin, "key_register"):
        for a in data["actors"]:
            actors_mod.create_key(conn, admin, a["id"]).write(work / "keys" / f"{keys.safe_name(a['id'])}.pem")
    engine.dispose()
    # the floor's and the ORM peer's rows, prepared here so only their writing is timed there
    rows = [(a["teacher_id"], a["id"], a["kind"], a["date"],
             json.dumps({k: v for k, v in a.items() if k not in ("teacher_id",)}, ensure_ascii=False))
            for a in data["activities"]]
    (work / "floor_rows.json").write_text(json.dumps(rows, ensure_ascii=False))
    meta = {"activities": len(data["activities"]), "teachers": len(data["teachers"]),
            "counties": data["counties"], "year": data["year"], "city": data["city"],
            "actors": [(a["id"], a["role"]) for a in data["actors"]], "paths": {k: str(v) for k, v in paths.items()}}
    (work / "meta.json").write_text(json.dumps(meta))
    return {"items": 0, "seconds": 0.0}


def phase_floor(work: Path, url: str, size: int) -> dict:
    """Raw executemany (SQLite) or COPY (PostgreSQL) of one row per activity, one transaction."""
    rows = [tuple(r) for r in json.loads((work / "floor_rows.json").read_text())]
    ddl = "CREATE TABLE floor (teacher_id TEXT, id TEXT, kind TEXT, date TEXT, data TEXT, PRIMARY KEY (teacher_id, id))"
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(work / "floor.db", isolation_level=None)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute(ddl)
        t = time.perf_counter()
        db.execute("BEGIN IMMEDIATE")
        db.executemany("INSERT INTO floor VALUES (?, ?, ?, ?, ?)", rows)
        db.execute("COMMIT")
        secs = time.perf_counter() - t
        db.close()
        return {"items": len(rows), "seconds": secs}
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as pg:
        pg.execute(ddl.replace("data TEXT", "data JSONB").replace("date TEXT", "date DATE"))
        pg.commit()
        t = time.perf_counter()
        with pg.cursor() as cur, cur.copy("COPY floor (teacher_id, id, kind, date, data) FROM STDIN") as cp:
            for r in rows:
                cp.write_row(r)
        pg.commit()
        secs = time.perf_counter() - t
        pg.execute("DROP TABLE floor")
        pg.commit()
    return {"items": len(rows), "seconds": secs}


def phase_orm_peer(work: Path, url: str, size: int) -> dict:
    """The same activities CSV imported as an ordinary ORM application would: object per row, commit per 1000."""
    import csv

    import sqlalchemy as sa
    from sqlalchemy import orm

    class Base(orm.DeclarativeBase):
        pass

    class Teacher(Base):
        __tablename__ = "peer_teachers"
        id = sa.Column(sa.String, primary_key=True)
        school_id = sa.Column(sa.String)

    class Activity(Base):
        __tablename__ = "peer_activities"
        teacher_id = sa.Column(sa.String, sa.ForeignKey("peer_teachers.id"), primary_key=True)
        id = sa.Column(sa.String, primary_key=True)
        kind = sa.Column(sa.String, nullable=False)
        date = sa.Column(sa.Date, nullable=False)
        data = sa.Column(sa.JSON, nullable=False)

    class Claim(Base):
        __tablename__ = "peer_claims"
        id = sa.Column(sa.String, primary_key=True)
        teacher_id = sa.Column(sa.String, sa.ForeignKey("peer_teachers.id"), nullable=False)
        activity_id = sa.Column(sa.String)
        state = sa.Column(sa.String, nullable=False)
        version = sa.Column(sa.Integer, nullable=False, default=1)
        created_at = sa.Column(sa.DateTime, nullable=False)

    meta = _meta(work)
    if url.startswith("sqlite"):
        engine = sa.create_engine(f"sqlite:///{work / 'peer.db'}")
    else:
        engine = sa.create_engine(url)
    Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    with open(meta["paths"]["teachers"], encoding="utf-8") as fh, orm.Session(engine) as s:
        s.add_all(Teacher(id=r["id"], school_id=r["school_id"]) for r in csv.DictReader(fh))
        s.commit()
    t = time.perf_counter()
    n = 0
    now = dt.datetime.now(dt.timezone.utc)
    with open(meta["paths"]["activities"], encoding="utf-8", newline="") as fh, orm.Session(engine) as s:
        for row in csv.DictReader(fh):
            teacher = s.get(Teacher, row["teacher_id"])
            if teacher is None:
                raise SystemExit(f"peer: no teacher {row['teacher_id']}")
            data = {k: v for k, v in row.items() if v and k not in ("teacher_id",)}
            s.add(Activity(teacher_id=teacher.id, id=row["id"], kind=row["kind"],
                           date=dt.date.fromisoformat(row["date"]), data=data))
            s.add(Claim(id=f"{teacher.id}:{row['id']}", teacher_id=teacher.id, activity_id=row["id"],
                        state="school_review", version=1, created_at=now))
            n += 1
            if n % 1000 == 0:
                s.commit()
        s.commit()
    secs = time.perf_counter() - t
    Base.metadata.drop_all(engine)
    engine.dispose()
    return {"items": n, "seconds": secs}


def phase_import(work: Path, url: str, size: int) -> dict:
    from xuefen import imports

    meta = _meta(work)
    engine = _engine(url)
    admin = _signer(work, "bench-admin")
    t = time.perf_counter()
    res = imports.import_file(engine, "activities", meta["paths"]["activities"], signer=admin)
    secs = time.perf_counter() - t
    engine.dispose()
    return {"items": res.created, "seconds": secs}


#: Kunming's activity stages and the role that serves each
STAGES = (("school_review", "school_admin"), ("county_review", "county_admin"))


def _approve_stage(work: Path, url: str, stage: str, role: str) -> dict:
    from xuefen.claims import actions, queues

    meta = _meta(work)
    engine = _engine(url)
    on = dt.date(meta["year"] + 1, 1, 15)
    who = [aid for aid, r in meta["actors"] if r == role]
    signers = {aid: _signer(work, aid) for aid in who}
    done = 0
    try:  # the set-based queue approval (issue 16); before it, the queue read then approve_many
        from xuefen.claims.bulk import approve_queue as bulk
    except ImportError:
        bulk = None
    t = time.perf_counter()
    for aid in who:
        if bulk is not None:
            done += sum(isinstance(o, actions.Outcome) for o in bulk(engine, signers[aid], as_of=on))
            continue
        with engine.begin() as conn:
            mine = [r.id for r in queues.queue(conn, aid)]
        for out in actions.approve_many(engine, mine, signers[aid], as_of=on):
            done += isinstance(out, actions.Outcome)
    secs = time.perf_counter() - t
    engine.dispose()
    return {"items": done, "seconds": secs}


def phase_approve_school_review(work, url, size):
    return _approve_stage(work, url, *STAGES[0])


def phase_approve_county_review(work, url, size):
    return _approve_stage(work, url, *STAGES[1])


def phase_floor_groupby(work: Path, url: str, size: int) -> dict:
    q = "SELECT teacher_id, year, SUM(hours), SUM(credits), COUNT(*) FROM entries GROUP BY teacher_id, year"
    if url.startswith("sqlite"):
        import sqlite3

        db = sqlite3.connect(url.split("///", 1)[1])
        t = time.perf_counter()
        rows = db.execute(q).fetchall()
        secs = time.perf_counter() - t
        db.close()
    else:
        import psycopg

        with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as pg:
            t = time.perf_counter()
            rows = pg.execute(q).fetchall()
            secs = time.perf_counter() - t
    return {"items": sum(r[4] for r in rows), "seconds": secs, "teachers": len({r[0] for r in rows})}


def phase_report(work: Path, url: str, size: int) -> dict:
    """The report as ``report --csv`` and ``report --json`` write it: read school by school, each teacher's
    CSV rows and JSON item made as the teacher is evaluated (in the workers), spooled, then written in
    order (``xuefen.reports.spool_report``); before it, ``build_report`` then both forms of the dict."""
    from functools import partial

    from xuefen import reports
    from xuefen_cli.commands import reports as cli_reports
    from xuefen_cli.output import json_text  # what report --json prints

    meta = _meta(work)
    engine = _engine(url)
    t = time.perf_counter()
    csv_path, json_path = work / "report.csv", work / "report.json"  # files, as a redirected stdout: not held
    buf, out = csv_path.open("w", encoding="utf-8"), json_path.open("w", encoding="utf-8")
    if hasattr(reports, "spool_report"):
        renders = {"csv": partial(cli_reports.csv_item, fields=cli_reports.csv_fields(False), year=meta["year"]),
                   "json": cli_reports.json_item}
        with engine.connect() as conn:
            spooled = reports.spool_report(conn, meta["city"], meta["year"], renders=renders, workers=WORKERS)
        with spooled:
            buf.write(cli_reports.csv_header(cli_reports.csv_fields(False)))
            for text in spooled.texts("csv"):
                buf.write(text)
            cli_reports.write_json(spooled, out)
            teachers = spooled.stream.summary["teachers"]
    else:
        with engine.connect() as conn:
            rep = reports.build_report(conn, meta["city"], meta["year"], workers=WORKERS)
        cli_reports.write_csv(rep, buf)
        out.write(json_text(rep) + "\n")  # as `report --json` prints it (print_json)
        teachers = rep["summary"]["teachers"]
    buf.close()
    out.close()
    secs = time.perf_counter() - t
    engine.dispose()
    size_out = csv_path.stat().st_size + json_path.stat().st_size
    csv_path.unlink()
    json_path.unlink()
    return {"items": teachers, "seconds": secs, "bytes": size_out}


def _teachers_for_eval(size: int) -> int:
    return max(1, size // 10)


def phase_floor_evaluate(work: Path, url: str, size: int) -> dict:
    secs, n = 0.0, 0
    for cases in eval_cases(_teachers_for_eval(size)):
        t = time.perf_counter()
        for c in cases:
            total = Decimal(0)
            for a in c.activities:
                total += a.hours or 0
        secs += time.perf_counter() - t
        n += len(cases)
    return {"items": n, "seconds": secs}


def _eval_chunk(base: int) -> tuple[int, int, float]:
    """One chunk of cases generated, then evaluated (only the evaluation timed): (pid, teachers, seconds)."""
    from xuefen.evaluate import evaluate_many

    block = base - base % GEN_CHUNK  # the cases are generated in blocks of GEN_CHUNK (the same cases whatever EVAL_CHUNK)
    if _BLOCK.get("start") != block:  # a worker keeps its last block (chunks come in order)
        _BLOCK.update(start=block, cases=next(eval_cases(min(_EVAL_N, block + GEN_CHUNK), chunk=GEN_CHUNK,
                                                         start=block)))
    cases = _BLOCK["cases"][base - block:base - block + EVAL_CHUNK]
    t = time.perf_counter()
    n = len(evaluate_many(cases))
    return os.getpid(), n, time.perf_counter() - t


_BLOCK: dict = {}
#: cases generated per seeded block (:func:`eval_cases`)
GEN_CHUNK = 2000
#: cases per chunk evaluated: small enough that both workers have chunks at 10,000 activities (1,000 teachers)
EVAL_CHUNK = 250
_EVAL_N = 0


def phase_evaluate(work: Path, url: str, size: int) -> dict:
    """evaluate_many over the chunks in WORKERS processes; the time is the busiest worker's evaluating time."""
    global _EVAL_N
    import multiprocessing as mp

    from xuefen.regions import runtime

    runtime("kunming")
    _EVAL_N = _teachers_for_eval(size)
    bases = range(0, _EVAL_N, EVAL_CHUNK)
    per: dict[int, float] = {}
    n = 0
    if WORKERS > 1:
        with mp.get_context("fork").Pool(WORKERS) as pool:
            results = list(pool.imap_unordered(_eval_chunk, bases))
    else:
        results = [_eval_chunk(b) for b in bases]
    for pid, k, secs in results:
        per[pid] = per.get(pid, 0.0) + secs
        n += k
    return {"items": n, "seconds": max(per.values()), "workers": len(per)}


PHASES = {name[len("phase_"):]: fn for name, fn in globals().items() if name.startswith("phase_")}
ORDER = ("setup", "floor", "orm_peer", "import", "approve_school_review", "approve_county_review",
         "floor_groupby", "report", "floor_evaluate", "evaluate")


# -- the driver ------------------------------------------------------------------------------


def _run_phase(name: str, work: Path, url: str, size: int, env: dict) -> dict:
    cmd = [sys.executable, __file__, "--_phase", name, "--_work", str(work), "--_url", url, "--sizes", str(size)]
    r = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if r.returncode != 0:
        sys.stderr.write(r.stderr)
        raise SystemExit(f"bench phase {name} failed (exit {r.returncode})")
    return json.loads(r.stdout.strip().splitlines()[-1])


def _pg_url() -> str:
    url = os.environ.get("XUEFEN_BENCH_POSTGRES_URL")
    if url:
        import uuid

        import sqlalchemy as sa

        name = f"xuefen_bench_{uuid.uuid4().hex[:8]}"
        eng = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        with eng.connect() as c:
            c.execute(sa.text(f"CREATE DATABASE {name}"))
        eng.dispose()
        return str(sa.engine.make_url(url).set(database=name).render_as_string(hide_password=False))
    sys.path.insert(0, str(ROOT))
    from tests import pg

    return pg.fresh_database()


#: the phases that write the database the later ones read: run once in a kept directory (``--keep``)
BUILDS = ("setup", "import", "approve_school_review", "approve_county_review")


def measure(database: str, size: int, only: set[str] | None = None, keep: Path | None = None) -> list[dict]:
    """The measurements of one database and size; with ``keep`` (SQLite only) the generated database stays in
    ``keep/sqlite-SIZE`` and a later run there re-runs only the read phases (its earlier build phases'
    figures are reported again, from ``built.json``)."""
    if keep is not None:
        work = keep / f"{database}-{size}"
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix=f"xuefen-bench-{database}-{size}-"))
    built_path = work / "built.json"
    built = json.loads(built_path.read_text()) if keep is not None and built_path.exists() else {}
    env = dict(os.environ)
    try:
        url = f"sqlite:///{work / 'xuefen.db'}" if database == "sqlite" else _pg_url()
        raw: dict[str, dict] = {}
        wanted = set(ORDER) if not only else (
            only | {"setup"} | {n for n in ORDER if n.startswith("floor")}
            | ({n for n in ORDER if n.startswith("approve_")} | {"import"} if "approve" in only or "end_to_end" in only else set())
            | ({n for n in ORDER if n.startswith("approve_")} | {"import"} if "report" in only else set()))
        for name in ORDER:
            if name not in wanted:
                continue
            if name in built:  # a kept database: built once, its figures those of that run
                raw[name] = built[name]
                print(f"  {database} {size:>9,} {name:<22} (kept)", file=sys.stderr)
                continue
            if name == "floor":
                (work / "floor.db").unlink(missing_ok=True)
            raw[name] = _run_phase(name, work, url, size, env)
            print(f"  {database} {size:>9,} {name:<22} {raw[name]['seconds']:9.2f} s", file=sys.stderr)
            if keep is not None and name in BUILDS:
                built[name] = raw[name]
                built_path.write_text(json.dumps(built))
    finally:
        if keep is None:
            shutil.rmtree(work, ignore_errors=True)
    return _measurements(database, size, raw)


def _measurements(database: str, size: int, raw: dict) -> list[dict]:
    out = []
    floor_name = "floor" if database == "sqlite" else "floor_copy"

    def rate(r):
        return r["items"] / r["seconds"] if r["seconds"] > 0 else None

    def add(name, r, floor_rate=None, items=None, seconds=None):
        items = r["items"] if items is None else items
        seconds = r["seconds"] if seconds is None else seconds
        rt = items / seconds if seconds > 0 else None
        out.append({"name": name, "database": database, "size": size, "seconds": round(seconds, 3),
                    "rate": round(rt, 1) if rt else None, "floor_rate": round(floor_rate, 1) if floor_rate else None,
                    "ratio": round(rt / floor_rate, 6) if rt and floor_rate else None,
                    "peak_rss_mb": r.get("peak_rss_mb"), "items": items,
                    "cpu_seconds": r.get("cpu_seconds")})

    fl = raw.get("floor")
    fr = rate(fl) if fl else None
    if fl:
        add(floor_name, fl)
    for name in ("orm_peer", "import"):
        if name in raw:
            add(name, raw[name], fr)
    stages = [raw[f"approve_{s}"] for s, _ in STAGES if f"approve_{s}" in raw]
    for s, _ in STAGES:
        if f"approve_{s}" in raw:
            add(f"approve_{s}", raw[f"approve_{s}"], fr)
    if len(stages) == len(STAGES):
        add("approve", {"peak_rss_mb": max(r["peak_rss_mb"] for r in stages), "cpu_seconds": _cpu_sum(stages)}, fr,
            items=sum(r["items"] for r in stages), seconds=sum(r["seconds"] for r in stages))
        if "import" in raw:
            imp = raw["import"]
            add("end_to_end", {"peak_rss_mb": max(r["peak_rss_mb"] for r in stages + [imp]),
                               "cpu_seconds": _cpu_sum(stages + [imp])}, fr,
                items=imp["items"], seconds=imp["seconds"] + sum(r["seconds"] for r in stages))
    gb = raw.get("floor_groupby")
    if gb:
        add("floor_groupby", gb)
    if "report" in raw:
        add("report", raw["report"], gb["teachers"] / gb["seconds"] if gb and gb["seconds"] > 0 else None)
    fe = raw.get("floor_evaluate")
    if fe:
        add("floor_evaluate", fe)
    if "evaluate" in raw:
        add("evaluate", raw["evaluate"], rate(fe) if fe else None)
    return out


def _cpu_sum(parts: list[dict]):
    cpus = [r.get("cpu_seconds") for r in parts]
    return round(sum(cpus), 3) if None not in cpus else None


def scaling(ms: list[dict]) -> list[dict]:
    """For each measurement run at two sizes ten times apart: the larger's seconds (wall, and CPU) ÷ the
    smaller's, per item (the issue's target: 10× the data in at most 11× the time)."""
    by = {(m["database"], m["name"], m["size"]): m for m in ms}
    out = []
    for (db, name, size), big in by.items():
        small = by.get((db, name, size // 10))
        if small is None or size % 10 or not small["items"] or not big["items"]:
            continue
        items = big["items"] / small["items"]
        row = {"name": name, "database": db, "sizes": [size // 10, size], "items": round(items, 2),
               "wall": round(big["seconds"] / small["seconds"], 2) if small["seconds"] else None}
        if big.get("cpu_seconds") and small.get("cpu_seconds"):
            row["cpu"] = round(big["cpu_seconds"] / small["cpu_seconds"], 2)
        out.append(row)
    return out


def table(ms: list[dict]) -> str:
    lines = [f"{'database':<11}{'size':>10}  {'measurement':<22}{'seconds':>9}{'rate/s':>12}{'floor/s':>12}"
             f"{'ratio':>8}{'RSS MB':>8}{'CPU s':>9}"]
    for m in ms:
        lines.append(f"{m['database']:<11}{m['size']:>10,}  {m['name']:<22}{m['seconds']:>9.2f}"
                     f"{(m['rate'] or 0):>12,.0f}{(m['floor_rate'] or 0):>12,.0f}"
                     f"{(m['ratio'] if m['ratio'] is not None else float('nan')):>8.3f}"
                     f"{(m['peak_rss_mb'] or 0):>8.0f}"
                     f"{(m.get('cpu_seconds') or float('nan')):>9.1f}")
    peers = {}
    for m in ms:
        if m["name"] in ("import", "orm_peer"):
            peers.setdefault((m["database"], m["size"]), {})[m["name"]] = m["rate"]
    for (db, size), p in peers.items():
        if p.get("import") and p.get("orm_peer"):
            lines.append(f"{db} {size:,}: import is {p['import'] / p['orm_peer']:.1f}× the ORM peer")
    for r in scaling(ms):
        cpu = f", {r['cpu']}× the CPU" if "cpu" in r else ""
        lines.append(f"{r['database']} {r['name']}: {r['items']}× the items from {r['sizes'][0]:,} to "
                     f"{r['sizes'][1]:,} took {r['wall']}× the time{cpu}")
    return "\n".join(lines)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10000,100000,1000000", help="activities per run, comma-separated")
    ap.add_argument("--json", dest="json_path", help="write the measurements to this file")
    ap.add_argument("--database", default="sqlite", help="sqlite, postgresql, or both comma-separated")
    ap.add_argument("--workers", type=int, default=None, help="processes for evaluate and report (default 2)")
    ap.add_argument("--only", help="measurements to run (comma-separated), with the floors they need")
    ap.add_argument("--keep", metavar="DIR", help="keep the generated SQLite database in DIR and reuse it on a later "
                                                  "run (the build phases run once; the read phases each time)")
    ap.add_argument("--_phase", help=argparse.SUPPRESS)
    ap.add_argument("--_work", help=argparse.SUPPRESS)
    ap.add_argument("--_url", help=argparse.SUPPRESS)
    a = ap.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in a.sizes.split(",") if s]
    if a._phase:
        cpu = _cpu_seconds()
        r = PHASES[a._phase](Path(a._work), a._url, sizes[0])
        r["peak_rss_mb"] = _rss_mb()
        r["cpu_seconds"] = round(_cpu_seconds() - cpu, 3)  # the whole phase's, its start-up too
        print(json.dumps(r))
        return 0
    if a.workers is not None:
        os.environ["XUEFEN_BENCH_WORKERS"] = str(a.workers)
    dbs = [d.strip() for d in a.database.split(",") if d.strip()]
    for d in dbs:
        if d not in ("sqlite", "postgresql"):
            ap.error(f"--database: {d!r} is neither sqlite nor postgresql")
    only = {s.strip() for s in a.only.split(",")} if a.only else None
    if a.keep and dbs != ["sqlite"]:
        ap.error("--keep: only with --database sqlite (a PostgreSQL bench database is a throwaway server's)")
    ms: list[dict] = []
    for size in sizes:
        for d in dbs:
            ms += measure(d, size, only, Path(a.keep) if a.keep else None)
            if a.json_path:  # written after each run, so a long series keeps what it has measured
                machine = {"cpus": os.cpu_count(), "python": sys.version.split()[0],
                           "at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                           "load": os.getloadavg(), "workers": WORKERS}
                Path(a.json_path).write_text(json.dumps({"measurements": ms, "scaling": scaling(ms),
                                                         "machine": machine}, indent=1) + "\n")
    print(table(ms))
    return 0


if __name__ == "__main__":
    sys.exit(main())
