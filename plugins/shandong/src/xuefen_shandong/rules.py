"""Every rule table and constant of the Shandong distribution, each row with its digest id and article.

Three tables, one per region code (digest docs/rules/shandong.md; text
docs/regulations/shandong-2015-and-others.txt):

- :data:`RULES` (ids S-*): the province, 山东省中小学教师继续教育学分管理办法, 鲁教师发〔2015〕3号,
  in force 2015-03-31 to 2020-03-30 (the text's fourth part, cited since the second copy
  drops 第 from its article numbers). Ids S-D1 (dates in force) and S-A1 (approval) are ours:
  the digest describes them in prose without an id.
- :data:`DONGYING_RULES` (ids D-*): 东营市中小学教师继续教育学分管理办法, 2015-12-04, in force to
  2020-12-03 (the fifth part). Dongying restates the province's rules in its own articles:
  its table is a child of the province's (``RULES.child(...)``), whose restated rows keep the
  province's ids, text and numbers and cite Dongying's article (:data:`DONGYING_RESTATED`).
  The province's hooks cite the table the core hands them (``ruleset.rules``,
  ``region.rules``), so one conversion serves both and every result names the article of the
  text that governs the teacher. Id D-D1 (dates in force) is ours.
- :data:`WEIFANG_RULES` (ids W-*): 潍坊市中小学教师继续教育学分制管理规定(试行), no date, in force
  from publication (第三十条), the third part. For Weifang teachers it gives way to the
  province's rules on 2015-03-31. Ids W-T1 (that cut-over), W-A1 (approval) and W-X1 (kinds
  no article credits) are ours. A child of the province's table: the province's hooks,
  answering for a Weifang teacher from the cut-over, find the province's rows in it with the
  province's articles.

The hooks are in :mod:`xuefen_shandong.hooks` (the province, and what the three codes
share), :mod:`xuefen_shandong.dongying` and :mod:`xuefen_shandong.weifang`.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen.rules import table

CODE = "shandong"

#: the province's authority levels that are "county and above" (县级及以上)
COUNTY_AND_ABOVE = ("national", "provincial", "city", "county")

RULES = table(
    CODE,
    ("S-R1", "第六条", "5-year cycle (原则上): at least 360 credits, and at least 48 every year",
     {"cycle_years": 5, "cycle_minimum": D(360), "year_minimum": D(48)}),
    ("S-R2", "第六条", "credits are valid anywhere in the province: a teacher moving between Shandong cities keeps "
     "them (activities before the move are evaluated under the region they were earned in)", {}),
    ("S-R3", "第十条", "county-and-above authorities provide at least 240 credits of all-staff training per cycle, "
     "at least 60 of it face-to-face by city/county: a structure check on the teacher's record (warning)",
     {"all_staff_minimum": D(240), "face_to_face_minimum": D(60), "all_staff_levels": COUNTY_AND_ABOVE,
      "face_to_face_levels": ("city", "county")}),
    ("S-R4", "第十一条", "公需科目 (public compulsory subjects) 一般 at most a third of the total: a course-design "
     "rule for authorities, so a warning on the teacher's record, never a cut",
     {"share_numerator": 1, "share_denominator": 3}),
    ("S-R5", "第十六条", "class teachers (班主任): at least 30 hours of class-teacher training per 5 years; those "
     "hours earn credits by S-C1", {"minimum_hours": D(30)}),
    ("S-R6", "第二十五条", "credits short of the requirement: teacher-qualification registration is deferred, no "
     "higher title, the annual assessment cannot be 优秀 (certificate not eligible)",
     {"certificate_titles": {  # as the certificate shows it (xuefen.certificate_pdf); Dongying restates S-R6
         "山东省中小学教师继续教育学分 (周期)": {
             "zh": "山东省中小学教师继续教育学分（周期）",
             "en": "Shandong Teachers' Continuing Education Credits (Cycle)",
             "issuer": {"zh": "教育行政部门（会同人力资源社会保障部门）",
                        "en": "the education authority (with human resources)"}},
         "东营市中小学教师继续教育学分 (周期)": {
             "zh": "东营市中小学教师继续教育学分（周期）",
             "en": "Dongying Teachers' Continuing Education Credits (Cycle)",
             "issuer": {"zh": "教育行政部门（会同人力资源社会保障部门）",
                        "en": "the education authority (with human resources)"}}}}),
    ("S-C1", "第十四条", "training organised or recognised by an education authority, passed: 1 hour = 1 credit "
     "(原则上: credits are 依据课程类型及其重要性折算, so the project's stated credits count when given, else its "
     "stated rate)", {"credits_per_hour": D(1)}),
    ("S-C2", "第十五条", "study for a higher degree in the national series, passing grades: 72 credits per academic "
     "year, credited to the calendar year in which the academic year ends; never twice for one academic year of "
     "one programme", {"credits_per_year": D(72), "academic_year_first_month": 9}),
    ("S-C3", "第十六条", "new-teacher probation training of at least 120 hours, passed: 72 credits, once",
     {"credits": D(72), "minimum_hours": D(120)}),
    ("S-C4", "第十七条", "lead lecturer, course expert or course tutor (指导教师, not 师徒结对 mentoring) in "
     "county-or-above training, on completing the task: 2 × the hours taught",
     {"factor": D(2), "levels": COUNTY_AND_ABOVE}),
    ("S-C5", "第十八条", "school-based training plus school-recognised self-study (自主研习): at most 120 credits per "
     "cycle, the excess does not count; the school sets the rate (the activity's credits; without them the "
     "setting school_based_rate per hour, 1 by default)", {"maximum": D(120), "default_rate": D(1)}),
    ("S-C6", "第十三条", "only authority training, degree study and school-based training/self-study register; "
     "research, publications, competitions, volunteer teaching and the like count only as school-recognised "
     "自主研习 under S-C5, otherwise refused", {}),
    ("S-L1", "第二十一条", "maternity, sick or similar leave (产假病假等): with school consent and filing, the year's "
     "shortfall may be made up later (period set by the authority: setting leave_makeup, by default within the "
     "cycle); the make-up is what later years earn above their own minimum", {}),
    ("S-F1", "第二十三条", "falsified credits (弄虚作假、骗取学分): the credit record is cancelled", {}),
    ("S-D1", "第三十条", "in force 2015-03-31 to 2020-03-30; an activity dated outside is evaluated by the rules in "
     "force on its date, or refused where none are installed",
     {"start": dt.date(2015, 3, 31), "end": dt.date(2020, 3, 30)}),
    ("S-A1", "第十九条, 第二十条", "registration: the teacher applies with the notice and certificate → the school "
     "checks the material, computes the credits and registers them → the education authority (with human "
     "resources) reviews and recognises them", {}),
)

#: the name of the province's rule set (hooks receive it as ``ruleset.name``)
RULESET = "鲁教师发〔2015〕3号"


# -- Dongying (东营市) ---------------------------------------------------------------

DONGYING_CODE = "dongying"

#: which province rows each Dongying row changes (``xuefen rules dongying`` shows both sides)
DONGYING_CHANGES = {"D-C1": ("S-C4",), "D-C2": ("S-C1",), "D-L1": ("S-L1",), "D-S1": ("S-R2", "S-C6"),
                    "D-D1": ("S-D1",), "D-T1": ("S-D1",)}
#: the province's rules Dongying restates in its own articles
DONGYING_RESTATED = {"S-R1": "第六条", "S-R3": "第十一条", "S-R4": "第十条", "S-R5": "第十四条", "S-R6": "第二十七条",
                     "S-C1": "第十二条", "S-C2": "第十三条", "S-C3": "第十四条", "S-C4": "第十五条", "S-C5": "第十六条",
                     "S-C6": "第二十二条", "S-F1": "第十九条", "S-A1": "第二十三条, 第二十四条"}
#: the table a Dongying teacher's results cite: the province's, with Dongying's articles and rows
DONGYING_RULES = RULES.child(
    DONGYING_CODE,
    ("D-C1", "第十五条", "besides lecturers, course experts and tutors (S-C4): 结对帮扶, education volunteers and "
     "送教下乡 organised by county-or-above authorities, task completed: 2 × the hours",
     {"factor": D(2), "levels": COUNTY_AND_ABOVE, "kinds": ("volunteer_teaching", "mentoring")}),
    ("D-C2", "第十二条", "a certificate stating both hours and credits: the credits count", {}),
    ("D-R1", "第十七条", "teachers on rotation (交流轮岗): the school holding their personnel relation registers "
     "their credits (the teacher's school_id, not rotation_school_id)", {}),
    ("D-L1", "第十八条", "leave (产假病假等): make up in the next year; two consecutive years short: with school "
     "consent and filing, within the cycle, or the cycle is incomplete", {"next_years": 1}),
    ("D-P1", "第二十五条", "every year the school publishes all its teachers' annual credits", {}),
    ("D-S1", "第六条, 第二十二条", "credits are valid across Dongying; 公需科目 training registers too (also when "
     "organised by human resources rather than an education authority)", {}),
    ("D-T1", "第三十二条", "credits on the old 山东省中小学教师继续教育证书 before 2012-07-01 stay valid "
     "(old_certificate_valid); training 2012-07-01 to 2015-12-03 not yet registered is computed under the old "
     "rules (old_rules: by default the province's rules in force on its date)",
     {"old_certificate_until": dt.date(2012, 6, 30), "old_rules_from": dt.date(2012, 7, 1),
      "old_rules_until": dt.date(2015, 12, 3)}),
    ("D-D1", "第三十四条", "in force 2015-12-04 to 2020-12-03", {"start": dt.date(2015, 12, 4),
                                                          "end": dt.date(2020, 12, 3)}),
    restates=DONGYING_RESTATED, changes=DONGYING_CHANGES,
)

#: the names of Dongying's rule sets: its 2015 rules, and D-T1's old certificate and old rules before them
DONGYING_RULESET = "东营市中小学教师继续教育学分管理办法 (2015)"
DONGYING_OLD_RULESET = "东营 第三十二条: old certificate and old rules (before 2015-12-04)"


# -- Weifang (潍坊市) ------------------------------------------------------------------

WEIFANG_CODE = "weifang"

#: Weifang's levels "county and above" (县及县以上)
WEIFANG_COUNTY_AND_ABOVE = ("national", "provincial", "city", "county")

#: Weifang's own rows, in a child of the province's table: the province's hooks, answering for a
#: Weifang teacher from the cut-over, find the province's rows in it with the province's articles
WEIFANG_RULES = RULES.child(
    WEIFANG_CODE,
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
     {"credits_per_hour": D("0.1"), "levels": WEIFANG_COUNTY_AND_ABOVE}),
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
WEIFANG_SCHEME = "潍坊市继续教育学分制 (试行)"

#: degree levels in ascending order (Weifang's W-C5: "above the qualifying degree")
DEGREE_ORDER = ("associate", "bachelor", "master", "doctor")
