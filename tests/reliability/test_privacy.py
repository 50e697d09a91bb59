"""Privacy and spreadsheet safety of what xuefen writes out.

* ``report --redact`` (table, ``--json``, ``--csv``, ``--short-only``) holds no teacher id and no
  teacher name, only stable pseudonyms, distinct per teacher.
* ``export`` writes personal data only with ``--all``.
* ``report --csv`` (a file users open in a spreadsheet) neutralises text that would start a formula
  (``=``, ``+``, ``-``, ``@``), whoever typed it into a teacher's id or name.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

from tests.reliability.helpers import ACTORS, ORGS
from tests.reliability.workers import AS_OF

ON = AS_OF.isoformat()
#: (id, name, school); the ids and names are distinctive so that a leak is found by substring
TEACHERS = [("tch-aa01", "欧阳明", "S1"), ("tch-bb02", "司马静", "S2"), ("tch-cc03", "诸葛亮亮", "S3"),
            ("tch-dd04", "上官雪", "SC")]
#: teachers whose id or name is an attempted formula
FORMULA_TEACHERS = [("=1+1", "=HYPERLINK(\"http://evil\",\"x\")", "S1"), ("@SUM", "+cmd|' /C calc'!A0", "S1"),
                    ("-2+3", "-恶意", "S2")]


def _csv(path, header, rows):
    path.write_text(header + "\n" + "\n".join(",".join(f'"{v}"' if '"' not in str(v) else
                                                         '"' + str(v).replace('"', '""') + '"' for v in r)
                                              for r in rows) + "\n", encoding="utf-8")
    return path


def _registry(cli, tmp_path, teachers):
    cli("import", "orgs", _csv(tmp_path / "o.csv", "id,name,level,parent_id,region",
                               [(o["id"], o["name"], o["level"], o["parent_id"] or "", o["region"]) for o in ORGS]),
        expect=0)
    cli("import", "actors", _csv(tmp_path / "ac.csv", "id,name,role,org_id",
                                 [(a["id"], a["name"], a["role"], a["org_id"]) for a in ACTORS]), "--create-keys", expect=0)
    cli("import", "teachers", _csv(tmp_path / "t.csv", "id,name,stage,school_id,hired_on,cycle_start",
                                   [(t, n, "primary", s, "2005-09-01", "2020-02-01") for t, n, s in teachers]),
        expect=0)
    cli("import", "activities", _csv(tmp_path / "a.csv", "teacher_id,id,kind,level,date,days,assessment",
                                     [(t, "a1", "training", "city", "2020-04-18", 2, "pass") for t, _, _ in teachers]),
        expect=0)
    for admin in ("sa-S1", "sa-S2", "sa-S3", "sa-SC"):
        cli("approve", "--all-queued", "--as", admin, "--on", ON)
    cli("approve", "--all-queued", "--as", "ca-K1", "--on", ON)


@pytest.mark.parametrize("fmt", [(), ("--json",), ("--csv",), ("--short-only",)], ids=["table", "json", "csv", "short"])
def test_a_redacted_report_names_no_teacher(cli, tmp_path, fmt):
    _registry(cli, tmp_path, TEACHERS)
    plain = cli("report", "--org", "C", "--year", 2020, *fmt, expect=0).output
    assert any(t in plain for t, _, _ in TEACHERS)  # without --redact the ids are there (the report's use)
    out = cli("report", "--org", "C", "--year", 2020, "--redact", *fmt, expect=0).output
    for tid, name, _ in TEACHERS:
        assert tid not in out and name not in out, (tid, name)
        # not even part of the id (outside the pseudonyms, whose hex digits may hold "bb02" by chance)
        assert tid.split("-")[1] not in re.sub(r"T-[0-9a-f]{10}", "", out)
    again = cli("report", "--org", "C", "--year", 2020, "--redact", *fmt, expect=0).output
    assert again == out  # stable pseudonyms
    if fmt == ("--json",):
        ids = [t["teacher"] for t in json.loads(out)["teachers"]]
        assert len(set(ids)) == len(TEACHERS) and all(re.fullmatch(r"T-[0-9a-f]{10}", i) for i in ids)
        assert all(t.get("name") in (None, "") for t in json.loads(out)["teachers"])


def test_export_needs_all_to_write_personal_data(cli, tmp_path):
    _registry(cli, tmp_path, TEACHERS)
    r = cli("export")
    assert r.exit_code == 2 and "personal data" in r.output
    assert not any(t in r.output or n in r.output for t, n, _ in TEACHERS)
    out = cli("export", "--all", expect=0).output
    assert all(t in out and n in out for t, n, _ in TEACHERS)  # asked for explicitly: everything


def test_report_csv_neutralises_formulas_in_teacher_ids_and_names(cli, tmp_path):
    _registry(cli, tmp_path, FORMULA_TEACHERS)
    out = cli("report", "--org", "C", "--year", 2020, "--csv", expect=0).output
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert {r["teacher"] for r in rows} == {"'" + t for t, _, _ in FORMULA_TEACHERS}
    assert {r["name"] for r in rows} == {"'" + n for _, n, _ in FORMULA_TEACHERS}
    for r in rows:
        for value in r.values():
            assert not value.startswith(("=", "+", "@")) and not re.match(r"-\D", value), value
