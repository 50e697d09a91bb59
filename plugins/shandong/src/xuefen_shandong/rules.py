"""Shandong province's numbers, each row with its digest id and article.

Source: 山东省中小学教师继续教育学分管理办法, 鲁教师发〔2015〕3号, in force
2015-03-31 to 2020-03-30 (docs/regulations/shandong-2015-and-others.txt,
the fourth part, cited since the second copy drops 第 from its article numbers;
digest docs/rules/shandong.md). Ids S-D1 (dates in force) and S-A1 (approval) are
ours: the digest describes them in prose without an id.

A city that restates the province's rules in its own articles (Dongying) declares
its table as a child of this one (``RULES.child(...)``): the province's hooks cite
the table the core hands them (``ruleset.rules``, ``region.rules``), so one
conversion serves both and every result names the article of the text that
governs the teacher.
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
