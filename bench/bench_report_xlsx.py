"""The report workbook's writer at a province's shape, without a database (issue 16).

    python bench/bench_report_xlsx.py [--schools 20000] [--per 50] [--dict] [--out FILE.xlsx]

Writes a workbook of ``schools`` schools of ``per`` invented teachers each (a year requirement and a
cycle one per teacher, as a Kunming report has) with :func:`xuefen.io.report_xlsx.write_workbook`, the
items made on demand — all of them in the report's order, then school by school, as ``report --xlsx``
reads them from its spool — so the figure is the writer's own: time, peak RSS, the file's size. ``--dict``
builds the report dict first and writes it with ``write_report_xlsx`` (every item in memory, grouped by
school once). Prints one JSON line. Run it under ``ulimit -n 256`` to see that a school's sheet holds no
file once written.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path


def _item(s: int, i: int) -> dict:
    short = (s + i) % 4 == 0
    return {"teacher": f"T{s:05d}{i:04d}", "name": f"测试教师{i}", "school": f"S{s:05d}", "region": "kunming",
            "met": not short,
            "requirements": [{"rule": "K-R2", "article": "第三条, 第十六条", "unit": "hours", "label": "年度学时",
                              "required": "72", "counted": str(40 + (s * 7 + i) % 60) if short else "80.5",
                              "short": str(32 - (s * 7 + i) % 32) if short else "0", "met": not short}],
            "cycle": {"start": "2020-02-01", "end": "2025-01-31", "rule": "K-R1", "met": False,
                      "status": "in_progress",
                      "requirements": [{"rule": "K-R1", "article": "第三条", "unit": "hours", "label": "五年周期学时",
                                        "required": "360", "counted": str(100 + i), "short": str(260 - i),
                                        "met": False}]}}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--schools", type=int, default=20000)
    ap.add_argument("--per", type=int, default=50)
    ap.add_argument("--dict", action="store_true", help="write the report dict (write_report_xlsx) instead")
    ap.add_argument("--out", default=None, help="the workbook (default: a temporary file, removed)")
    a = ap.parse_args(argv)
    from xuefen.io.report_xlsx import write_report_xlsx, write_workbook

    schools = [{"id": f"S{s:05d}", "name": f"测试县第{s}学校", "region": "kunming", "teachers": a.per,
                "with_requirements": a.per, "short": sum((s + i) % 4 == 0 for i in range(a.per)), "flags": []}
               for s in range(a.schools)]
    head = {"org": "KM", "name": "测试市", "level": "city", "year": 2024, "as_of": "2024-12-31", "redacted": False,
            "schools": schools, "short_only": False}
    out = Path(a.out) if a.out else Path(tempfile.mkdtemp(prefix="xlsxbench-")) / "report.xlsx"
    started = time.perf_counter()
    if a.dict:
        report = {**head, "teachers": [_item(s, i) for s in range(a.schools) for i in range(a.per)]}
        done = write_report_xlsx(report, out)
    else:
        def items():
            return (_item(s, i) for s in range(a.schools) for i in range(a.per))

        def school_items(sid):
            return (_item(int(sid[1:]), i) for i in range(a.per))

        done = write_workbook(head, out, items=items, school_items=school_items)
    took = time.perf_counter() - started
    size = out.stat().st_size
    if not a.out:
        out.unlink()
        out.parent.rmdir()
    print(json.dumps({"schools": a.schools, "teachers": a.schools * a.per, "rows": done["rows"],
                      "sheets": len(done["sheets"]), "dict": a.dict, "seconds": round(took, 2),
                      "teachers_per_s": round(a.schools * a.per / took), "file_mb": round(size / 2**20, 1),
                      "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                      "load": [round(x, 2) for x in os.getloadavg()]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
