"""``xuefen shortfalls``: the real CLI against a real database, figures against hand-computed cases.

Kunming (tests/workflow/helpers.py's tree), every claim approved, as of 2015-09-01:

=====  =====================================================  ========  ===============
who    approved activities (hours)                            2015      cycle (K-R1 360)
=====  =====================================================  ========  ===============
T1     city training 3 days × 8 = 24 (K-C2), school-based 20  44 of 72  44 → short 316
T2     county training 40; county training 40 on 2015-11-05   40 of 72  40 → short 320
       (after the as-of day: not counted yet)
T3     hired 2015-03-01: county induction 60 (K-R3 120)       60 of 120 60 → short 300
T4     city training 80                                       met       80 → short 280
=====  =====================================================  ========  ===============

The year falls due at K-A2's 31 October filing (第十四条): 60 days after 2015-09-01; the cycle
(2015-02-01 – 2020-01-31, K-R1) in 1,613 days. Urgency: the year's notices first (T3 short 60,
T2 32, T1 28), then the cycle's (T2 320, T1 316, T3 300, T4 280).
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from rich.cells import cell_len

from tests.workflow.helpers import activity, load, teacher

AS_OF = "2015-09-01"
CYCLE_DAYS = (dt.date(2020, 1, 31) - dt.date(2015, 9, 1)).days


@pytest.fixture
def kunming(cli, tmp_path):
    teachers = [teacher("T1"), teacher("T2"), teacher("T3", school="S2", hired_on="2015-03-01"),
                teacher("T4", school="S3")]
    acts = [activity("T1", "a1", level="city", days=3),
            activity("T1", "a2", kind="school_based", level="school", hours=20, date="2015-06-01"),
            activity("T2", "a1", level="county", hours=40),
            activity("T2", "a2", level="county", hours=40, date="2015-11-05"),
            activity("T3", "a1", kind="new_teacher_training", level="county", hours=60),
            activity("T4", "a1", level="city", hours=80)]
    load(cli, tmp_path, teachers, acts)
    for _ in range(2):
        for actor in ("sa1", "sa2", "sa3", "ca1", "ca2"):
            cli("approve", "--all-queued", "--as", actor, "--on", "2015-12-01")
    return cli


def _json(cli, *args):
    return json.loads(cli("shortfalls", "--org", "KM", "--as-of", AS_OF, "--json", *args, expect=0).stdout)


@pytest.mark.rule("K-A2", "K-R1", "K-R2", "K-R3")
def test_kunming_notices_against_hand_computed_figures(kunming):
    r = _json(kunming)
    assert (r["org"], r["as_of"], r["teachers"], r["short_teachers"]) == ("KM", AS_OF, 4, 4)
    got = [(n["teacher"], n["period"], n["deadline"]["date"], n["deadline"]["rule"], n["days_left"],
            [(q["rule"], q["required"], q["counted"], q["short"]) for q in n["requirements"]], n["missing"])
           for n in r["shortfalls"]]
    assert got == [
        ("T3", "year", "2015-10-31", "K-A2", 60, [("K-R3", "120", "60", "60")], {"hours": "60"}),
        ("T2", "year", "2015-10-31", "K-A2", 60, [("K-R2", "72", "40", "32")], {"hours": "32"}),
        ("T1", "year", "2015-10-31", "K-A2", 60, [("K-R2", "72", "44", "28")], {"hours": "28"}),
        ("T2", "cycle", "2020-01-31", "K-R1", CYCLE_DAYS, [("K-R1", "360", "40", "320")], {"hours": "320"}),
        ("T1", "cycle", "2020-01-31", "K-R1", CYCLE_DAYS, [("K-R1", "360", "44", "316")], {"hours": "316"}),
        ("T3", "cycle", "2020-01-31", "K-R1", CYCLE_DAYS, [("K-R1", "360", "60", "300")], {"hours": "300"}),
        ("T4", "cycle", "2020-01-31", "K-R1", CYCLE_DAYS, [("K-R1", "360", "80", "280")], {"hours": "280"}),
    ]
    assert CYCLE_DAYS == 1613
    first = r["shortfalls"][0]
    assert first["deadline"]["article"] == "第十四条" and first["deadline"]["kind"] == "filing"
    assert first["requirements"][0]["article"] == "第三条" and first["overdue"] is False
    assert first["requirements"][0]["labels"] == {"zh": "新任教师入职培训", "en": "induction training"}
    assert (first["name"], first["school"], first["school_name"]) == ("测试教师T3", "S2", "测试一区第二小学")
    assert first["deadline"]["labels"]["zh"] == "年度学时申报截止（10月31日）"


@pytest.mark.rule("K-A2", "K-R2")
def test_after_the_filing_deadline_the_year_is_overdue_and_later_hours_count(kunming):
    """On 2015-12-01 T2's 2015-11-05 training counts (80 ≥ 72: no year notice); T1's year is 31 days overdue."""
    r = json.loads(kunming("shortfalls", "--org", "D1", "--as-of", "2015-12-01", "--json", expect=0).stdout)
    years = {n["teacher"]: n for n in r["shortfalls"] if n["period"] == "year"}
    assert sorted(years) == ["T1", "T3"]
    assert (years["T1"]["days_left"], years["T1"]["overdue"]) == (-31, True)
    assert r["shortfalls"][0]["days_left"] == -31  # the most urgent first
    assert {n["teacher"] for n in r["shortfalls"]} == {"T1", "T2", "T3"}  # D1 only: T4 is at S3 (D2)


@pytest.mark.rule("K-R2", "K-A2")
def test_table_is_chinese_by_default_english_with_lang_en_and_fits_80_columns(kunming, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")
    zh = kunming("shortfalls", "--org", "KM", "--as-of", AS_OF, expect=0).stdout
    en = kunming("shortfalls", "--org", "KM", "--as-of", AS_OF, "--lang", "en", expect=0).stdout
    assert "学时缺口提醒" in zh and "剩余天数" in zh and "年度学时" in zh and "60天" in zh and "K-A2" in zh
    assert "shortfall notice" in en and "days left" in en and "annual hours" in en and "60 d" in en
    for text in (zh, en):
        wide = [ln for ln in text.splitlines() if cell_len(ln) > 80]
        assert not wide, wide
        assert "测试教师T3" in text and "316" in text
    assert zh.index("T3") < zh.index("T2 ") < zh.index("T1 ")  # by urgency


@pytest.mark.rule("K-R1", "K-R2")
def test_csv_and_xlsx_carry_the_same_rows(kunming, tmp_path):
    from openpyxl import load_workbook

    out = kunming("shortfalls", "--org", "KM", "--as-of", AS_OF, "--csv", expect=0).stdout
    assert out.startswith("\ufeff")  # the BOM, for Excel
    rows = list(csv.DictReader(io.StringIO(out.removeprefix("\ufeff"))))
    assert len(rows) == 7
    assert rows[0]["teacher"] == "T3" and rows[0]["rule"] == "K-R3" and rows[0]["short"] == "60"
    assert rows[0]["requirement"] == "新任教师入职培训" and rows[0]["deadline"] == "2015-10-31"
    assert rows[0]["days_left"] == "60" and rows[0]["deadline_rule"] == "K-A2"
    assert [(r["teacher"], r["period"], r["short"]) for r in rows[3:5]] == [
        ("T2", "2015-02-01/2020-01-31", "320"), ("T1", "2015-02-01/2020-01-31", "316")]
    path = tmp_path / "notices.xlsx"
    res = kunming("shortfalls", "--org", "KM", "--as-of", AS_OF, "--xlsx", path, expect=0)
    assert "7" in res.stdout
    ws = load_workbook(path).active
    cells = [[c.value for c in row] for row in ws.iter_rows()]
    assert cells[0][:3] == ["教师编号", "姓名", "学校编号"] and "尚缺" in cells[0]
    assert len(cells) == 8
    short = cells[0].index("尚缺")
    assert [r[short] for r in cells[1:]] == [60, 32, 28, 320, 316, 300, 280]
    assert cells[1][cells[0].index("剩余天数")] == 60 and cells[1][cells[0].index("单位")] == "学时"
    en = tmp_path / "en.xlsx"
    kunming("shortfalls", "--org", "KM", "--as-of", AS_OF, "--xlsx", en, "--lang", "en", expect=0)
    assert [c.value for c in next(load_workbook(en).active.iter_rows())][:2] == ["teacher", "name"]


def test_bad_input_is_a_clear_error(kunming, tmp_path):
    res = kunming("shortfalls", "--org", "KM", "--as-of", "2015-13-01", expect=2)
    assert "--as-of" in res.output and "Traceback" not in res.output
    res = kunming("shortfalls", "--org", "NOPE", expect=None)
    assert res.exit_code != 0 and "NOPE" in res.output
    res = kunming("shortfalls", "--org", "KM", "--json", "--csv", expect=2)
    assert "exclude" in res.output
    res = kunming("shortfalls", "--org", "KM", "--xlsx", tmp_path / "x.csv", expect=2)
    assert ".xlsx" in res.output


def test_help_names_each_concept_in_english_and_chinese(cli):
    text = cli("shortfalls", "--help", expect=0).output
    for pair in ("Shortfall notices (学时缺口提醒)", "(截止日期", "(剩余天数)", "Org unit (单位)"):
        assert pair in " ".join(text.split()), pair


# -- Zhengzhou: the paper path's 2018-12-31 (Z-T2) and each teacher's own cycle (Z-R4) ------------------------


@pytest.fixture
def zhengzhou(cli, tmp_path):
    from tests.zhengzhou.helpers import approve_all
    from tests.zhengzhou.helpers import load as zload
    from tests.zhengzhou.helpers import teacher as zteacher

    def person(tid, hours, prev="2012-03-01", school_based=80, date="2013-05-01", sb_date="2014-04-01"):
        acts = [activity(tid, f"{tid}-sb", "school_based", sb_date, level="school", hours=school_based,
                         assessment="pass"),
                activity(tid, f"{tid}-p", "training", date, level="county", hours=hours - school_based,
                         assessment="pass")]
        return zteacher(tid, previous_certificate_on=prev), acts

    people = [person("P260", 260), person("N2017", 100, prev="2017-06-01", school_based=30, date="2017-09-01",
                                                sb_date="2017-10-01")]
    zload(cli, tmp_path, [p[0] for p in people], [a for p in people for a in p[1]])
    approve_all(cli, on="2018-01-15")
    return cli


@pytest.mark.rule("Z-T2", "Z-R1", "Z-R2", "Z-R4")
def test_zhengzhou_paper_path_falls_due_on_2018_12_31_others_at_their_own_cycle_end(zhengzhou):
    """As of 2018-06-01. P260: 260 hours before the cutover → paper path (Z-T1); 360 − 260 = 100 short by
    2018-12-31 (Z-T2), 213 days. N2017: certificate of 2017-06-01, so a cycle to 2022-05-31 (Z-R4); 100 of
    360 (Z-R1, short 260) and 30 of 80 school-based (Z-R2, short 50): at least 260 more (they overlap), 1,460
    days. No year notice: Zhengzhou's 72 a year is advice (Z-R3)."""
    r = json.loads(zhengzhou("shortfalls", "--org", "ZZ", "--as-of", "2018-06-01", "--json", expect=0).stdout)
    got = [(n["teacher"], n["period"], n["deadline"]["date"], n["deadline"]["rule"], n["deadline"]["kind"],
            n["days_left"], [(q["rule"], q["counted"], q["short"]) for q in n["requirements"]], n["missing"])
           for n in r["shortfalls"]]
    assert got == [
        ("P260", "cycle", "2018-12-31", "Z-T2", "issue", 213, [("Z-R1", "260", "100")], {"hours": "100"}),
        ("N2017", "cycle", "2022-05-31", "Z-R4", "period_end", 1460,
         [("Z-R1", "100", "260"), ("Z-R2", "30", "50")], {"hours": "260"}),
    ]
    assert (dt.date(2018, 12, 31) - dt.date(2018, 6, 1)).days == 213
    assert (dt.date(2022, 5, 31) - dt.date(2018, 6, 1)).days == 1460
    assert r["shortfalls"][0]["deadline"]["article"] == "八"
    assert r["shortfalls"][0]["deadline"]["labels"]["zh"].startswith("郑州市教育局纸质路径审核发证截止")
    text = zhengzhou("shortfalls", "--org", "ZZ", "--as-of", "2019-01-10", expect=0).stdout
    assert "逾期10天" in text and "Z-T2" in text  # after the date: overdue, for manual handling


# -- the hook and the labels, through the plugin managers ----------------------------------------------------


@pytest.mark.rule("K-A2", "C-R1")
def test_hook_xuefen_deadline():
    """Kunming answers a year with K-A2's 31 October; Chifeng has no deadline of its own, so the core's
    default answers: the year's 31 December citing its first short requirement, a cycle's end citing the
    rule that set the cycle."""
    from xuefen.evaluate import Case, evaluate
    from xuefen.model import Period, Teacher
    from xuefen.regions import runtime

    for code, year_rule, year_end in (("kunming", "K-A2", dt.date(2016, 10, 31)),
                                      ("chifeng", "C-R1", dt.date(2016, 12, 31))):
        rt = runtime(code)
        t = Teacher(id="T1", stage="primary", hired_on=dt.date(2008, 9, 1), cycle_start=dt.date(2015, 2, 1))
        ev = evaluate(Case(region=code, as_of=dt.date(2016, 6, 1), teacher=t, activities=()))
        year = rt.hook.xuefen_deadline(teacher=t, evaluation=ev, period=Period("year", dt.date(2016, 1, 1),
                                       dt.date(2016, 12, 31), 2016), settings=rt.settings, region=rt.region)
        assert (year.date, year.rule) == (year_end, year_rule)
        assert year.article == rt.region.rules.article(year_rule)
        cycle = rt.hook.xuefen_deadline(teacher=t, evaluation=ev, period=Period("cycle", ev.cycle.start,
                                        ev.cycle.end), settings=rt.settings, region=rt.region)
        assert (cycle.date, cycle.rule, cycle.kind) == (dt.date(2020, 1, 31), ev.cycle.rule, "period_end")


def test_labels_come_from_the_plugins_in_both_languages_with_fallbacks():
    from xuefen import labels

    assert labels.region_name("kunming") == "昆明市" and labels.region_name("kunming", "en") == "Kunming"
    assert labels.region_name("dongying", "en") == "Dongying"
    # a child without a label of its own falls back to its parent's
    assert labels.rule_label("dongying", "S-R1", "zh", "cycle credits") == labels.rule_label("shandong", "S-R1",
                                                                                           "zh", "cycle credits")
    assert labels.rule_label("kunming", "K-C8", "zh", "famous-teacher base member") == "名师名校长工作室成员"
    assert labels.rule_label("kunming", "K-NOPE", "zh", "something") == "something"
    assert labels.rule_label("kunming", "K-NOPE", "en") == "K-NOPE"
    assert labels.help_term("school_based") == "school-based training (校本研修)"
    assert labels.term("hours") == "学时" and labels.term("hours", "en") == "hours"
