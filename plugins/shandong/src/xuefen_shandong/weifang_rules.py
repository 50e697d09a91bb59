"""Weifang's numbers, each row with its digest id and article.

Source: 潍坊市中小学教师继续教育学分制管理规定(试行), no date, in force from
publication (第三十条), the third part of
docs/regulations/shandong-2015-and-others.txt (digest docs/rules/shandong.md).
For Weifang teachers it gives way to the province's rules (鲁教师发〔2015〕3号)
on 2015-03-31. Ids W-T1 (that cut-over), W-A1 (approval) and W-X1 (kinds no
article credits) are ours: the digest describes them in prose without an id.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen_shandong.rules import RULES as S

CODE = "weifang"

#: the levels "county and above" (县及县以上)
COUNTY_AND_ABOVE = ("national", "provincial", "city", "county")

#: Weifang's own rows, in a child of the province's table: the province's hooks, answering for a
#: Weifang teacher from the cut-over, find the province's rows in it with the province's articles
RULES = S.child(
    CODE,
    ("W-R1", "第六条, 第九条", "5-year cycle (原则上) of 36 credits, made of W-R2 (required) and W-R3 (elective), "
     "counted separately: neither makes up for the other", {"cycle_years": 5, "total": D(36),
     "certificate_titles": {  # as the certificate shows it (xuefen.certificate_pdf)
         "潍坊市中小学教师继续教育学分 (周期合格)": {
             "zh": "潍坊市中小学教师继续教育学分（周期合格）",
             "en": "Weifang Teachers' Continuing Education Credits (Cycle Completed)",
             "issuer": {"zh": "市教育局（必修）、县教育局（选修）",
                        "en": "the city (required) and county (elective) bureaus"}}}}),
    ("W-R2", "第九条", "required courses (必修): at least 10 credits per cycle", {"minimum": D(10)}),
    ("W-R3", "第九条", "elective courses (选修): at least 26 credits per cycle", {"minimum": D(26)}),
    ("W-R4", "第十三条", "probation (试用期): normal-school graduates at least 12 credits, 6 of them required; others "
     "at least 18, 9 of them required; then the rest of the cycle (setting probation_counts_in_cycle: "
     "probation credits count in it too). The probation's length is not stated: the setting probation_months "
     "(reading: 12 months from hired_on)",
     {"normal_total": D(12), "normal_required": D(6), "other_total": D(18), "other_required": D(9),
      "probation_months": 12}),
    ("W-C1", "第十条", "required courses: the credits the city bureau sets for each (the activity's stated credits, "
     "mandatory true)", {}),
    ("W-C2", "第十二条 1", "centralized training organised by a county-or-above education authority: 10 hours = 1 "
     "credit (原则上: a project may state its own credits or rate)",
     {"credits_per_hour": D("0.1"), "levels": COUNTY_AND_ABOVE}),
    ("W-C3", "第十二条 2", "reports and special lectures (报告会、专题讲座) organised by the city or county bureau: 0.1 "
     "credit per hour, at most 2 in the cycle",
     {"credits_per_hour": D("0.1"), "maximum": D(2), "levels": ("city", "county")}),
    ("W-C4", "第十二条 3", "backbone-teacher training (骨干教师培训) with its certificate: county 5, city 8, province 10, "
     "national 12; trained several times: only the highest level, once (a later higher level tops up the "
     "difference)", {"credits": {"county": D(5), "city": D(8), "provincial": D(10), "national": D(12)}}),
    ("W-C5", "第十二条 4", "degree study in the national series, 师范类 only (normal_school), above the teacher's "
     "qualifying degree, with the degree certificate (graduated): 15. Qualifying degree by stage (教师法 第十一条, "
     "reading): the degree must be above it",
     {"credits": D(15), "qualifying_degree": {"kindergarten": None, "primary": None, "special": None,
                                              "junior": "associate", "senior": "bachelor",
                                              "vocational": "bachelor", "institution": "bachelor"}}),
    ("W-C6", "第十二条 5", "senior-high teacher, postgraduate course (研究生课程进修班) approved by the city bureau, "
     "with its completion certificate: 12", {"credits": D(12), "stages": ("senior",)}),
    ("W-C7", "第十二条 6", "member of a research project approved and appraised (通过鉴定) by a county-or-above "
     "research body: county 1, city 2, province 3, national 4; at most 6",
     {"credits": {"county": D(1), "city": D(2), "provincial": D(3), "national": D(4)}, "maximum": D(6)}),
    ("W-C8", "第十二条 7", "teaching-research activities of a county-or-above research body: attending 0.1 per hour; "
     "giving an open class, research class or research report: county 0.5, city 1, province 2, national 3; at "
     "most 6 together",
     {"credits_per_hour": D("0.1"),
      "credits": {"county": D("0.5"), "city": D(1), "provincial": D(2), "national": D(3)}, "maximum": D(6)}),
    ("W-C9", "第十二条 8", "mentoring (导师带教) under an agreement filed with the county bureau: the credits the "
     "authority states; at most 4", {"maximum": D(4)}),
    ("W-C10", "第十二条 9", "textbooks published or in use: school 3, local (county, city, province) 6, national 10; "
     "at most 10",
     {"credits": {"school": D(3), "county": D(6), "city": D(6), "provincial": D(6), "national": D(10)},
      "maximum": D(10)}),
    ("W-C11", "第十二条 10", "papers published or presented: county 0.5, city 1, province 2, national 3, at most 4; a "
     "monograph (module monograph) 5, outside that cap",
     {"credits": {"county": D("0.5"), "city": D(1), "provincial": D(2), "national": D(3)}, "maximum": D(4),
      "monograph": D(5)}),
    ("W-C12", "第十二条 11", "other continuing education a county bureau or the school ran with approval: the credits "
     "the approving authority sets (the activity's stated credits)", {"levels": ("county", "school")}),
    ("W-C13", "第十二条 12", "everything the teacher's school organised: at most 16 in the cycle", {"maximum": D(16)}),
    ("W-Z1", "第十四条, 第八条", "continuing education held without the approval procedure (approved_by_authority "
     "false): no credit", {}),
    ("W-Z2", "第十六条, 第十七条", "failed assessment: no credit; absent for more than a quarter of the class hours "
     "(attendance_shortfall): no credit", {}),
    ("W-Z3", "第二十二条", "selected for off-duty (centralized) training and absent without leave "
     "(absent_without_leave): no credit, and 10 more elective credits owed in the cycle", {"owed": D(10)}),
    ("W-V1", "第十九条", "one-vote veto: credits short at the cycle's end bar promotion, awards and backbone "
     "selection in the next cycle's first 2 years; a school whose pass rate is under 98% is barred from awards "
     "for those years too", {"years_barred": 2, "school_pass_rate": D("0.98")}),
    ("W-T1", "第三十条; 鲁教师发〔2015〕3号 第三十条", "in force from publication (no date); for Weifang teachers "
     "superseded by the province's rules from 2015-03-31 (reading, setting weifang_cutover): an activity dated on "
     "or after that day is evaluated as shandong, a period by the rules in force at its end. Without a "
     "cycle_start, Weifang cycles are counted back in whole cycles from the cut-over. A cycle straddling the "
     "cut-over (setting straddling_cycle, reading split): the cut-over ends the old cycle, whose W-R2/W-R3 are "
     "reported for the part under Weifang's scheme, and the province's cycle starts on the cut-over day; "
     "Weifang's 10-hours-per-credit credits never count one-for-one towards the province's 360",
     {"cutover": dt.date(2015, 3, 31)}),
    ("W-A1", "第八条, 第十五条, 第二十五条, 第二十六条", "courses need the bureau's approval in advance; required "
     "credits are managed by the city bureau (school → city), elective credits by county and school, mainly the "
     "county (school → county); registered by city, county and school in an online file", {}),
    ("W-X1", "第十二条", "an activity of a kind no article of the Weifang text credits earns nothing", {}),
    ("W-Z4", "第十八条", "a verified report (一次举报并查实) of one violation of the 潍坊市中小学教师“十不”行为规范 in the "
     "cycle fails the teacher's 职业道德教育 course (module ethics): it earns nothing",
     {"field": "ten_nos_violation_on", "module": "ethics"}),
    ("W-A2", "第八条", "the organiser applies in writing ahead of the course: a county bureau two months ahead to the "
     "city bureau, a unit of the city bureau one month ahead to it, a county's unit or a school one month ahead "
     "to the county bureau; a later application (the activity's applied_on) is warned",
     {"field": "applied_on", "months": {"county": 2, "city": 1, "school": 1}}),
)

#: the name of Weifang's own rule set (hooks receive it as ``ruleset.name``)
SCHEME = "潍坊市继续教育学分制 (试行)"

#: degree levels in ascending order (W-C5's "above the qualifying degree")
DEGREE_ORDER = ("associate", "bachelor", "master", "doctor")
