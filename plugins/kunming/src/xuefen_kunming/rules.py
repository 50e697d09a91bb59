"""Kunming's numbers, each row with its digest id and article.

Source: 昆明市中小学教师培训学时登记管理办法（试行）, 2014-12-18, in force
2015-02-01 (docs/regulations/kunming-2014.txt; digest docs/rules/kunming.md).
Ids K-A1, K-A2, K-A3, K-T1, K-T2 and K-X1 are ours: the digest describes those
rules in prose without an id.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen.rules import table

CODE = "kunming"

RULES = table(
    CODE,
    ("K-R1", "第三条", "5-year cycle: at least 360 hours", {"cycle_years": 5, "minimum": D(360)}),
    ("K-R2", "第三条, 第十六条", "other teachers: at least 72 hours every year (not a new teacher in the year "
     "of hiring, not a new principal in the year of appointment)", {"minimum": D(72)}),
    ("K-R3", "第三条", "new teacher: at least 120 hours of induction training in the year of hiring",
     {"minimum": D(120)}),
    ("K-R4", "第三条", "new principal: at least 300 hours of qualification training in the cycle of appointment",
     {"minimum": D(300)}),
    ("K-R5", "第十八条", "a school where 10% or more of its teachers missed the year's required hours is barred "
     "from county-level-and-above awards that year", {"share": D("0.10")}),
    ("K-C1", "第四条", "national/provincial training: hours as the documents or completion certificate state",
     {"levels": ("national", "provincial")}),
    ("K-C2", "第五条", "training organised or approved by a city/county authority or teacher training school "
     "(教师进修学校, the activity's organiser teacher_training_school: the county's level unless city is "
     "recorded): hours as stated, else 8 per day",
     {"hours_per_day": D(8), "levels": ("city", "county"), "organisers": {"teacher_training_school": "county"}}),
    ("K-C3", "第五条", "excellent trainee of a K-C2 training: 125% of its hours; at most 10% of a cohort",
     {"factor": D("1.25"), "cohort_share": D("0.10")}),
    ("K-C4", "第六条", "degree study matched to subject and teaching level: 48 per year of study, counted for "
     "at most 3 years per programme",
     {"hours_per_year": D(48), "valid_years": 3,
      "minimum_degree": {"primary": "associate", "junior": "bachelor", "senior": "master"}}),
    ("K-C5", "第六条", "self-study exam: 24 per subject passed, in that year", {"hours_per_subject": D(24)}),
    ("K-C6", "第七条", "school-based training: as recorded, at most 48 a year", {"maximum": D(48)}),
    ("K-C7", "第八条", "trainer on a county-or-above project: 2 × hours taught, at most 72 a year",
     {"factor": D(2), "maximum": D(72), "levels": ("national", "provincial", "city", "county"),
      "roles": ("lecturer", "trainer")}),
    ("K-C8", "第九条", "city/county famous-teacher/principal base: convener 72 a year, member 48 a year",
     {"convener": D(72), "member": D(48), "levels": ("city", "county")}),
    ("K-C9", "第十条", "送教下乡/volunteer lecture or demo class dispatched by a city/county authority: 5 per event, "
     "at most 24 a year", {"hours_per_event": D(5), "maximum": D(24), "levels": ("city", "county"),
      "kinds": ("volunteer_teaching", "open_class")}),
    ("K-C10", "第十条", "full-time support teaching organised by a county-or-above authority: hours as its "
     "document states", {"levels": ("national", "provincial", "city", "county")}),
    ("K-C11", "第十一条", "professional training of a teacher holding another qualification: hours as the "
     "notice states, with a pass certificate", {}),
    ("K-C12", "第十二条", "unapproved training, degree study outside the national series, compensatory degree "
     "education: 0, refused", {}),
    ("K-C13", "第三条, 第十五条", "new-teacher induction and new-principal qualification training: hours as "
     "K-C1/K-C2; they count towards K-R1 too", {}),
    ("K-A1", "第十四条", "annual registration: teacher applies → school review → county (or city, for "
     "city-direct schools) registration agency", {}),
    ("K-A2", "第十四条", "the teacher applies before the end of October", {"deadline_month": 10, "deadline_day": 31}),
    ("K-A3", "第十三条", "cycle review: school declares → county rechecks → city confirms → province files",
     {"certificate_titles": {  # the cycle's approval (核准), as the certificate shows it (xuefen.certificate_pdf)
         "昆明市中小学教师培训学时周期核准": {
             "zh": "昆明市中小学教师培训学时周期核准",
             "en": "Kunming Teachers' Training Hours: Five-Year Cycle Approval",
             "issuer": {"zh": "省级教育行政部门（备案）", "en": "the provincial education authority (filed)"}}}}),
    ("K-T1", "第十九条", "in force from 2015-02-01; records of the repealed 2006 credit method are legacy, "
     "1 old credit = 1 hour", {"in_force": dt.date(2015, 2, 1), "legacy_rate": D(1)}),
    ("K-T2", "第十七条", "a teacher moving between schools inside Kunming keeps the hours", {}),
    ("K-X1", "第四条至第十二条", "an activity of a kind no article of the text converts earns nothing", {}),
)

#: degree levels in ascending order (K-C4's matching)
DEGREE_ORDER = ("associate", "bachelor", "master", "doctor")
