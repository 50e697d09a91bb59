"""Approval in a cycle's later years: teachers with a history of approved activities, one new claim each.

``bench/run.py`` approves a registry that starts empty, so a final approval there converts an activity
with at most the few activities approved before it in the same batch. A province's registry is rarely
empty: by a cycle's last year a teacher has dozens of approved activities. This measures the county
stage (the final one, which posts the entries) of one new activity for each teacher of ``bench/run.py``'s
Kunming city of SIZE activities, after H earlier years of the same activities were imported and
approved (``--back 0,3``: 0 and 3 two-year blocks more: ~5 and ~21 approved activities a teacher).

The floor is ``bench/run.py``'s: a raw ``executemany`` of SIZE rows of the same width, in the same run.
Each county stage runs in its own process (``run.py``'s phases); CPU is that process's.

Usage: python bench/bench_history.py [--size 20000] [--back 0,3] [--json FILE]
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run  # noqa: E402  (bench/run.py: its generator, phases and floor)


def _import(work: Path, url: str, rows: list[dict], name: str) -> None:
    from xuefen import imports

    path = work / name
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    engine = run._engine(url)
    imports.import_file(engine, "activities", str(path), signer=run._signer(work, "bench-admin"))
    engine.dispose()


def build(work: Path, size: int, back: int) -> dict:
    """A registry whose teachers have ``back`` + 1 two-year blocks of approved activities and one new
    activity each (a county training, dated in December of the report year) approved at the school stage."""
    url = f"sqlite:///{work / 'bench.db'}"
    run.phase_setup(work, url, size)
    meta = run._meta(work)
    base = list(csv.DictReader(open(meta["paths"]["activities"], encoding="utf-8")))
    blocks = [base] + [[{**r, "id": f"{r['id']}-B{b}", "project_id": "", "date": f"{int(r['date'][:4]) - 2 * b}"
                         f"{r['date'][4:]}"} for r in base if not r["date"].endswith("02-29")] for b in range(1, back + 1)]
    for i, rows in enumerate(blocks):
        _import(work, url, rows, f"block{i}.csv")
        run.phase_approve_school_review(work, url, size)
        run.phase_approve_county_review(work, url, size)
    teachers = sorted({r["teacher_id"] for r in base})
    empty = dict.fromkeys(base[0], "")
    _import(work, url, [{**empty, "teacher_id": t, "id": f"{t}-NEW", "kind": "training", "date": f"{meta['year']}-12-20",
                         "level": "county", "hours": "20", "assessment": "pass"} for t in teachers], "new.csv")
    run.phase_approve_school_review(work, url, size)
    db = sqlite3.connect(work / "bench.db")
    approved = db.execute("SELECT count(*) FROM claims WHERE state = 'approved'").fetchone()[0]
    db.close()
    return {"url": url, "teachers": len(teachers), "history": approved / len(teachers)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", type=int, default=20000, help="activities of bench/run.py's city (each block)")
    ap.add_argument("--back", default="0,3", help="earlier two-year blocks approved first, comma-separated")
    ap.add_argument("--json", dest="json_path", help="write the measurements to this file")
    a = ap.parse_args(argv)
    env = os.environ.copy()
    out = []
    for back in (int(x) for x in a.back.split(",")):
        work = Path(tempfile.mkdtemp(prefix=f"xuefen-history-{back}-"))
        try:
            built = build(work, a.size, back)
            floor = run._run_phase("floor", work, built["url"], a.size, env)
            stage = run._run_phase("approve_county_review", work, built["url"], a.size, env)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        rate, floor_rate = stage["items"] / stage["seconds"], floor["items"] / floor["seconds"]
        out.append({"name": "approve_county_review", "database": "sqlite", "size": a.size,
                    "history": round(built["history"], 1), "items": stage["items"], "seconds": stage["seconds"],
                    "cpu_seconds": stage.get("cpu_seconds"), "rate": rate, "floor_rate": floor_rate,
                    "ratio": rate / floor_rate, "peak_rss_mb": stage.get("peak_rss_mb")})
        m = out[-1]
        print(f"{m['history']:5.1f} approved activities a teacher: {m['items']:,} final approvals in "
              f"{m['seconds']:.2f} s ({m['cpu_seconds']:.2f} s CPU), {rate:,.0f} claims/s, "
              f"{m['ratio']:.4f}x the floor ({floor_rate:,.0f}/s), {m['peak_rss_mb']} MB")
    if a.json_path:
        Path(a.json_path).write_text(json.dumps({"measurements": out}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
