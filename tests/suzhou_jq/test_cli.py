"""Suzhou District through the real CLI against a real database: import, school then district approval, status.

The org tree and every person are invented::

    GS (province) ─ JQ (city) ─ SZQ (county: 肃州区) ─┬─ SZ1 (school)
                                                      └─ SZ2 (school)
"""
from __future__ import annotations

import json

from tests.workflow.helpers import write_csv
from tests.conftest import KEYS_FOR

CODE = "suzhou-jq"
ORGS = [
    {"id": "GS", "name": "甘肃省", "level": "province", "parent_id": "", "region": CODE},
    {"id": "JQ", "name": "酒泉市", "level": "city", "parent_id": "GS", "region": CODE},
    {"id": "SZQ", "name": "肃州区", "level": "county", "parent_id": "JQ", "region": CODE},
    {"id": "SZ1", "name": "示范第一小学", "level": "school", "parent_id": "SZQ", "region": CODE},
    {"id": "SZ2", "name": "示范第二中学", "level": "school", "parent_id": "SZQ", "region": CODE},
]
ACTORS = [
    {"id": "sa1", "name": "林校管", "role": "school_admin", "org_id": "SZ1"},
    {"id": "sa2", "name": "郝校管", "role": "school_admin", "org_id": "SZ2"},
    {"id": "ca", "name": "邵区管", "role": "county_admin", "org_id": "SZQ"},
]
TEACHERS = [
    {"id": "SZT1", "name": "测试甲", "stage": "primary", "school_id": "SZ1", "hired_on": "2009-09-01"},
    {"id": "SZT2", "name": "测试乙", "stage": "junior", "school_id": "SZ2", "hired_on": "2016-09-01"},
]
ACTIVITIES = [
    {"teacher_id": "SZT1", "id": "d", "kind": "training", "level": "county", "date": "2016-03-10", "hours": "24",
     "assessment": "pass"},
    {"teacher_id": "SZT1", "id": "s", "kind": "school_based", "level": "school", "date": "2016-05-10",
     "events": "8", "assessment": "pass"},
    {"teacher_id": "SZT1", "id": "p", "kind": "publication", "level": "provincial", "date": "2016-06-10",
     "characters": "1500"},
    {"teacher_id": "SZT1", "id": "c", "kind": "competition", "level": "city", "date": "2016-07-10",
     "prize": "second"},
    {"teacher_id": "SZT2", "id": "long", "kind": "training", "level": "city", "date": "2016-12-20",
     "full_time": "true", "assessment": "pass"},
]


def _load(cli, tmp_path):
    for kind, rows in (("orgs", ORGS), ("actors", ACTORS), ("teachers", TEACHERS), ("activities", ACTIVITIES)):
        cli("import", kind, write_csv(tmp_path / f"{kind}.csv", rows), *KEYS_FOR[kind], expect=0)


def test_suzhou_e2e_import_school_then_district_bureau_then_status(cli, tmp_path):
    _load(cli, tmp_path)
    queued = json.loads(cli("queue", "--as", "sa1", "--json", expect=0).stdout)
    assert len(queued) == 4  # SZT1's four claims wait at the school (SZ-A1)
    assert json.loads(cli("queue", "--as", "ca", "--json", expect=0).stdout) == []
    cli("approve", "--all-queued", "--as", "sa1", "--on", "2016-12-15", expect=0)
    cli("approve", "--all-queued", "--as", "sa2", "--on", "2016-12-28", expect=0)
    # the district bureau reviews in January (第十一条)
    cli("approve", "--all-queued", "--as", "ca", "--on", "2017-01-10", expect=0)
    ev = json.loads(cli("status", "SZT1", "--as-of", "2016-12-31", "--json", expect=0).stdout)
    assert ev["region"] == CODE and ev["cycle"] is None
    assert sorted((e["activity"], e["credits"], e["rule"]) for e in ev["entries"]) == [
        ("d", "24", "SZ-C1"), ("p", "2", "SZ-C5"), ("s", "16", "SZ-C3")]
    assert [(r["activity"], r["rule"]) for r in ev["refused"]] == [("c", "SZ-C9")]
    total = ev["years"][0]["requirements"][0]
    assert (ev["years"][0]["year"], total["rule"], total["counted"], total["met"]) == (2016, "SZ-R1", "42", True)
    assert ev["certificate"]["eligible"] is True
    # the new teacher: 42 of long training in December, 120 needed in the academic year of hiring
    ev = json.loads(cli("status", "SZT2", "--as-of", "2016-12-31", "--json", expect=0).stdout)
    r2 = next(r for r in ev["years"][0]["requirements"] if r["rule"] == "SZ-R2")
    assert (r2["counted"], r2["required"], r2["met"]) == ("42", "120", False)
    assert [f["rule"] for f in ev["flags"]] == ["SZ-P1"] and ev["certificate"]["eligible"] is False
