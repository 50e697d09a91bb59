"""Chifeng's numbers, each row with its digest id and article.

Source: 赤峰市中小学教师培训学分管理办法 (docs/regulations/chifeng.txt;
digest docs/rules/chifeng.md), based on 教师〔2016〕12号. Unit: 学分 credits.

Ids C-S2, C-Q1, C-L1, C-A1 … C-A4 and C-T1 are ours: the digest states those
rules in prose (scope of activities, the 25% quota, levels and dimensions,
approval, the in-force date) without an id.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen.rules import table

CODE = "chifeng"

#: the authority levels at or above the county (旗县区): the organisers of required courses
COUNTY_OR_ABOVE = ("national", "provincial", "city", "county")

RULES = table(
    CODE,
    # -- requirements ------------------------------------------------------------------------
    ("C-R1", "第4条", "5-year cycle: at least 360 credits; every year at least 50",
     {"cycle_years": 5, "cycle_minimum": D(360), "annual_minimum": D(50)}),
    ("C-R2", "第九条", "required (必修) at least 210 per cycle and 30 per year; elective (选修) at least 150 per "
     "cycle and 20 per year, checked separately",
     {"required_cycle": D(210), "required_annual": D(30), "elective_cycle": D(150), "elective_annual": D(20)}),
    ("C-R3", "第5条", "new principal / kindergarten director: at least 300 credits of qualification training, "
     "at least 100 of them centralized; 50% of its credits count towards the cycle and its required bucket, "
     "not towards the annual 50/30 (setting principal_counts_annually)",
     {"minimum": D(300), "centralized_minimum": D(100), "cycle_share": D("0.5")}),
    ("C-R4", "第5条", "new teacher: at least 120 credits of new-teacher training; none of them count towards "
     "the cycle or the year", {"minimum": D(120), "cycle_share": D(0)}),
    ("C-R5", "第二十条", "annual and cycle credits and structure met: the teacher's training assessment passes "
     "(cycle verification; settings certificate_needs_every_year, veto_blocks_certificate)", {}),
    ("C-S1", "第二条", "scope: kindergarten, primary and secondary, special education and education research "
     "institutions; vocational (中职) teachers are out of scope",
     {"in_scope": ("kindergarten", "primary", "junior", "senior", "special", "institution"),
      "out_of_scope": ("vocational",)}),
    ("C-S2", "第三条", "activities in scope are those organised, commissioned or recognised by an education "
     "authority; one no authority approved earns nothing", {}),
    ("C-V1", "第二十一条", "one-vote veto (一票否决): a failed training or a disciplinary breach during training "
     "flags the teacher's assessment for the year, whatever the credits",
     {"field": "disciplinary_breach"}),
    # -- conversion ----------------------------------------------------------------------------
    ("C-C1", "第十条", "required course (必修): centralized training organised or commissioned by a national, "
     "autonomous-region, city or county (旗县区) authority, new-teacher and new-principal training: "
     "1 credit per hour",
     {"credits_per_hour": D(1), "levels": COUNTY_OR_ABOVE, "delivery": "centralized",
      "kinds": ("new_teacher_training", "principal_training"),
      "flagged_kinds": ("training", "class_teacher_training", "professional_certificate_training", "other")}),
    ("C-C2", "第六条, 第十一条", "elective (选修): school-based study, self-selected study and other conversions "
     "(degree upgrade, research activities, studio work, training others, 送教下乡): 0.5 credit per hour the "
     "organising body states",
     {"credits_per_hour": D("0.5"),
      "kinds": ("school_based", "degree_study", "self_study_exam", "trainer", "studio", "volunteer_teaching",
                "research", "publication", "open_class", "competition", "mentoring")}),
    ("C-C3", "第十九条", "assessment 优秀 or 合格 earns credits (考核合格后方可获得培训学分); 不合格 (fail) or no "
     "assessment recorded earns 0",
     {"earning": ("excellent", "pass"), "credits": D(0)}),
    ("C-Q1", "第十九条", "at most 25% of a cohort (a training's participants) graded excellent (优秀)",
     {"share": D("0.25"), "assessment": "excellent"}),
    # -- structure (reported) --------------------------------------------------------------------
    ("C-L1", "第七条", "levels: national, autonomous region, city, county, school; dimensions: 政治素质和职业道德, "
     "专业知识, 专业能力 (the activity's module); reports group credits by both",
     {"levels": ("national", "provincial", "city", "county", "school"),
      "dimensions": {"ethics": ("ethics", "政治素质和职业道德", "政治素质", "职业道德"),
                     "knowledge": ("knowledge", "专业知识"),
                     "ability": ("ability", "专业能力")}}),
    # -- approval --------------------------------------------------------------------------------
    ("C-A1", "第十条, 第十四条", "required courses: the implementing authority (or its designated institution) "
     "reviews and recognises them; for city/county centralized and all-staff training it imports actual hours "
     "and scores and the system converts them",
     {"authority": {"national": "province", "provincial": "province", "city": "city", "county": "county"}}),
    ("C-A2", "第十一条, 第十五条", "electives: the school (or the organising body) enters them, a county-or-above "
     "authority reviews and confirms", {}),
    ("C-A3", "第十五条", "work an education authority specially assigned: that authority enters the credits, not "
     "the school (activity field assigned_by)", {"field": "assigned_by"}),
    ("C-A4", "第十二条", "annual registration of credits, verification every 5 years: the school declares the "
     "cycle, the county verifies it",
     {"certificate_titles": {  # the 5-year verification, as the certificate shows it (xuefen.certificate_pdf)
         "赤峰市中小学教师培训学分周期核定": {
             "zh": "赤峰市中小学教师培训学分周期核定",
             "en": "Chifeng Teachers' Training Credits: Five-Year Cycle Verification",
             "issuer": {"zh": "县级及以上教育行政部门", "en": "the county (or higher) education authority"}}}}),
    ("C-T1", "第二十三条, 第1条", "in force from publication; the text gives no date, so the date is the setting "
     "in_force; it implements the 2018 central teacher-reform opinion (第1条), so never before 2018-01-01 "
     "(setting not_before_2018)", {"not_before": dt.date(2018, 1, 1)}),
)
