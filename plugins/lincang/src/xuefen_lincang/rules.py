"""Lincang's numbers, each row with its digest id and article.

Source: 临沧市中小学教师全员培训管理办法（试行）, 附件2 of 临教发〔2017〕105号,
dated 2017-08-28 (docs/regulations/lincang-2017.txt; digest
docs/rules/lincang.md). Ids L-D1, L-N1, L-W1 and L-W2 are ours: the digest states
those rules in prose (the date in force, the approval route) or not at all
(kinds no article converts).
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen.rules import table

CODE = "lincang"

#: the levels at or above the county (县级以上, 含县级)
COUNTY_PLUS = ("national", "provincial", "city", "county")

RULES = table(
    CODE,
    # -- hours (第九条) ---------------------------------------------------------------
    ("L-H1", "第九条", "5-year cycle: at least 360 hours; every year at least 72 (induction not counted)",
     {"cycle_years": 5, "cycle": D(360), "year": D(72)}),
    ("L-H2", "第九条", "county-level-and-above training: at least 240 hours per cycle, 48 per year",
     {"cycle": D(240), "year": D(48), "levels": COUNTY_PLUS}),
    ("L-H3", "第九条", "school-based research (校本研修): at least 120 hours per cycle, 24 per year",
     {"cycle": D(120), "year": D(24)}),
    ("L-H4", "第九条", "new teacher: in the first year of service at least 120 hours of induction, at least 60 "
     "of them practical; induction hours are not counted towards L-H1..L-H3",
     {"minimum": D(120), "practical": D(60), "first_year_years": 1}),
    ("L-H5", "第九条", "short centralized training: 6 hours per day; online training: actual hours",
     {"hours_per_day": D(6)}),
    # -- credits (第十条) -------------------------------------------------------------
    ("L-C1", "第十条", "credits = base + performance; base = project rate × hours; performance = base × the "
     "grade's coefficient (合格 60-69 0.10, 中 70-79 0.15, 良 80-89 0.20, 优 90-100 0.25)",
     {"bands": ((D(90), "excellent"), (D(80), "good"), (D(70), "fair"), (D(60), "pass")),
      "coefficients": {"pass": D("0.10"), "fair": D("0.15"), "good": D("0.20"), "excellent": D("0.25")},
      "grade_names": {"excellent": "优", "good": "良", "fair": "中", "pass": "合格"},
      "assessment_grades": {"excellent": "excellent", "pass": "pass", "fail": "fail"}}),
    ("L-C2", "第十条", "project rate (学分/学时) within its range: school-based or online 0.5-1, county 1-1.5, "
     "city 1-2, provincial 1-2.5, national 1-3 (ends included)",
     {"school_or_online": (D("0.5"), D(1)),
      "ranges": {"county": (D(1), D("1.5")), "city": (D(1), D(2)), "provincial": (D(1), D("2.5")),
                 "national": (D(1), D(3))}}),
    ("L-C3", "第十条, 第十三条", "fail (不合格, score below 60): no credits for the project, its hours still "
     "shown; the costs fall on the teacher, recorded", {"pass_score": D(60), "credits": D(0)}),
    # -- credit requirements (第十一条) -------------------------------------------------
    ("L-R1", "第十一条", "credits in total: at least 360 per cycle, 72 per year (every module counts, "
     "教师心理健康诊断与策略 included)", {"module": None, "cycle": D(360), "year": D(72)}),
    ("L-R2", "第十一条", "专业理念与师德 (ethics): at least 30 per cycle, 6 per year",
     {"module": "ethics", "cycle": D(30), "year": D(6)}),
    ("L-R3", "第十一条", "专业知识 (knowledge): at least 60 per cycle, 12 per year",
     {"module": "knowledge", "cycle": D(60), "year": D(12)}),
    ("L-R4", "第十一条", "专业能力 (ability): at least 120 per cycle, 24 per year",
     {"module": "ability", "cycle": D(120), "year": D(24)}),
    ("L-R5", "第十一条", "班级管理 (class management): at least 30 per cycle, 6 per year",
     {"module": "class_management", "cycle": D(30), "year": D(6)}),
    ("L-R6", "第十一条", "校本研修 (school-based): at least 120 per cycle, 24 per year",
     {"module": "school_based", "cycle": D(120), "year": D(24)}),
    # -- other rules --------------------------------------------------------------------
    ("L-S1", "第七条", "credits of self-selected projects (自主选学, school-based research included) at least "
     "60% of the cycle's credits; checked per cycle only", {"share": D("0.60")}),
    ("L-T1", "第十二条", "teaching on a training project: credits only, taught hours × 10 (国培), 8 (provincial), "
     "6 (州市), 4 (county); school-level teaching earns nothing under this rule",
     {"factors": {"national": D(10), "provincial": D(8), "city": D(6), "county": D(4)}}),
    ("L-T2", "第十二条", "studio work, awarded competitions, research projects, degree study with passed exams: "
     "the authority's stated credits, as stated (按相关规定)",
     {"kinds": ("studio", "competition", "research", "degree_study", "self_study_exam", "other")}),
    ("L-P1", "第五条", "county-and-above projects are published in March and September; another month warns",
     {"months": (3, 9), "levels": COUNTY_PLUS}),
    ("L-P2", "第八条, 第十五条", "school-based research runs on a plan the county approved first; research not "
     "carried out per plan, or assessed as ineffective, earns no credits", {"credits": D(0)}),
    ("L-A1", "第十九条", "training organised outside the education system earns credits only with the same-level "
     "authority's approval", {}),
    ("L-Z1", "第二十五条", "scope: vocational (中职) teachers are governed by other rules; institution teachers "
     "(进修学校等) may follow these", {"excluded": ("vocational",)}),
    ("L-E1", "第四条, 第十一条, 第二十条", "the cycle's and every year's hours and credits, all met together "
     "(第十一条: 5年一周期的全员培训及每年所取得的学时、学分均应同时满足), are a precondition of the qualification's "
     "periodic registration; only records entered in the information system count",
     {"certificate_titles": {  # as the certificate shows it (xuefen.certificate_pdf)
         "教师资格定期注册：全员培训学时学分": {
             "zh": "教师资格定期注册：全员培训学时学分",
             "en": "Teacher Qualification Periodic Registration: Training Hours and Credits",
             "issuer": {"zh": "县（市）级教育行政部门", "en": "the county or city education authority"}}}}),
    ("L-E2", "第二十条", "a training record not entered in the information system (未按规定录入信息管理系统) is no "
     "basis for registration, appointment or assessment: it earns nothing", {"field": "in_system"}),
    ("L-S2", "附件1 三(三)", "选学课程学时量不少于必修课程学时量: elective (选学) hours at least the required (必修) "
     "hours, per cycle", {"ratio": D(1)}),
    ("L-I1", "附件1 三(二)", "到2017年 every teacher completes 50 hours of the 信息技术应用能力提升工程 training: "
     "at least 50 such hours in the cycle that includes its 2017-12-31 deadline",
     {"minimum": D(50), "deadline": dt.date(2017, 12, 31), "field": "it_training"}),
    ("L-F1", "第二十一条", "falsified hours, grades or credits: that training's credits are void and the case "
     "goes into the teacher's integrity file (诚信档案)", {}),
    ("L-X1", "第二十条", "teachers' personal data must not leak to unrelated parties: outputs and signatures "
     "name a teacher by registry id only", {}),
    ("L-D1", "第二十六条", "in force from publication, 2017-08-28", {"in_force": dt.date(2017, 8, 28)}),
    ("L-N1", "第九条至第十二条", "an activity of a kind no article of the text converts earns nothing", {}),
    ("L-W1", "第十五条", "approval: the institution enters hours, grade and rate → the project leader e-signs → "
     "the county/city authority head reviews and e-signs → the province recognises the credits",
     {"leader_level": {"national": "province", "provincial": "province", "city": "city", "county": "county"}}),
    ("L-W2", "第十四条, 第十五条", "school-based research: the principal records and e-signs → the county reviews "
     "and e-signs → the province recognises", {}),
)

#: 第六条/第十一条 modules (第十一条 splits 专业知识与专业能力 in two)
MODULES = ("ethics", "knowledge", "ability", "class_management", "mental_health", "school_based")
