"""Issue 13: what-if settings — a case's "settings", ``xuefen evaluate --set``, and ``xuefen rules CODE`` listing them."""
from __future__ import annotations

import json

import pytest

from tests.conftest import write_case
from tests.conftest import run_in_process as run_exe

CASE = {"region": "kunming", "as_of": "2015-12-31",
        "teacher": {"id": "T-1", "stage": "primary", "cycle_start": "2015-02-01", "hired_on": "2008-09-01"},
        "activities": [{"id": "old", "kind": "training", "level": "city", "date": "2015-01-10", "hours": 40},
                       {"id": "a1", "kind": "training", "level": "city", "date": "2015-04-18", "hours": 40,
                        "assessment": "pass"}]}


def _eval(tmp_path, case, *args):
    p = run_exe("evaluate", write_case(tmp_path, case), "--json", *args)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout)


def _k_r2(out):
    return next(r for y in out["years"] if y["year"] == 2015 for r in y["requirements"] if r["rule"] == "K-R2")


@pytest.mark.rule("K-T1")
def test_set_changes_the_reading_and_the_output_lists_what_differs(tmp_path):
    base = _eval(tmp_path, CASE)
    assert base["settings"] == {} and _k_r2(base)["counted"] == "80"
    out = _eval(tmp_path, CASE, "--set", "legacy_counts=false")
    assert out["settings"] == {"legacy_counts": False}
    assert (_k_r2(out)["counted"], _k_r2(out)["status"]) == ("40", "short")
    # the case's own "settings" do the same, and --set wins over them
    case = dict(CASE, settings={"legacy_counts": False})
    assert _eval(tmp_path, case)["settings"] == {"legacy_counts": False}
    assert _eval(tmp_path, case, "--set", "legacy_counts=true")["settings"] == {}
    p = run_exe("evaluate", write_case(tmp_path, CASE), "--set", "legacy_counts=false")
    assert p.returncode == 0 and "legacy_counts=False" in p.stdout and "K-T1" in p.stdout


@pytest.mark.parametrize("args,expected", [
    (("--set", "legacy_count=false"), "--set: legacy_count: unknown setting of region 'kunming' (known: "),
    (("--set", "legacy_counts=perhaps"), "--set: legacy_counts: 'perhaps' is not true/false"),
    (("--set", "degree_validity=forever"), "--set: degree_validity: 'forever' is not one of per_programme, per_record"),
    (("--set", "legacy_counts"), "write NAME=VALUE"),
])
def test_an_unknown_setting_or_bad_value_is_an_error_naming_it(tmp_path, args, expected):
    p = run_exe("evaluate", write_case(tmp_path, CASE), *args)
    assert p.returncode == 2 and expected in (p.stderr + p.stdout), p.stderr


@pytest.mark.parametrize("settings,expected", [
    ({"legacy_counts": "perhaps"}, "settings: legacy_counts: 'perhaps' is not true/false"),
    ({"legacy_counts": 3}, "settings: legacy_counts: 3 is not true/false"),
    ({"nope": 1}, "settings: nope: unknown setting"),
])
def test_a_cases_bad_settings_are_errors_naming_them(tmp_path, settings, expected):
    p = run_exe("evaluate", write_case(tmp_path, dict(CASE, settings=settings)))
    assert p.returncode == 2 and expected in p.stderr, p.stderr


@pytest.mark.rule("K-C4", "K-T1")
def test_rules_lists_each_named_setting_with_reading_and_default():
    p = run_exe("rules", "kunming", "--settings", "--json")
    assert p.returncode == 0, p.stderr
    items = {i["name"]: i for i in json.loads(p.stdout)}
    assert items["legacy_counts"]["default"] is True and items["legacy_counts"]["rule"] == "K-T1"
    assert items["degree_validity"]["choices"] == ["per_programme", "per_record"]
    assert "三年有效" in items["degree_validity"]["reading"]
    p = run_exe("rules", "kunming")
    assert p.returncode == 0 and "named" in p.stdout and "K-C4" in p.stdout and "default" in p.stdout
