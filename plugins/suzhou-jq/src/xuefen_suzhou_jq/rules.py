"""Suzhou District's numbers, each row with its digest id and article.

Source: 肃州区 中小学教师继续教育学分管理办法（试行）, 肃州区教育局, dated
2010-12-02: the first part of docs/regulations/shandong-2015-and-others.txt
(digest docs/rules/shandong.md, section "Suzhou District"). Jiuquan, Gansu: not part
of Shandong, its own distribution, no parent.

Ids SZ-D1 (the day in force), SZ-A1 (the registration route) and SZ-X1 (kinds
no article credits) are ours: the digest states the first two in prose and
not the third.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen.rules import table

CODE = "suzhou-jq"

#: 区级及以上: the district (county level in the shared vocabulary) and above
DISTRICT_PLUS = ("national", "provincial", "city", "county")

RULES = table(
    CODE,
    # -- requirements -----------------------------------------------------------------------
    ("SZ-R1", "第一条, 第六条", "every year at least 42 credits, of which training organised by district-or-above "
     "training bodies at least 24 and school-based training (校本研训) at least 16",
     {"minimum": D(42), "district_training": D(24), "school_based": D(16), "levels": DISTRICT_PLUS}),
    ("SZ-R2", "第一条", "a newly hired teacher: at least 120 credits in the academic year of hiring (当学年度), "
     "in place of SZ-R1's 42; the academic year runs from 1 September to 31 August (reading)",
     {"minimum": D(120), "academic_year_start": (9, 1)}),
    ("SZ-R3", "第十条", "credits are valid only in the year they are registered: no carry-over to another year "
     "(不得跨年度累计)", {}),
    # -- conversions ------------------------------------------------------------------------
    ("SZ-C1", "第五条", "training organised by a district-or-above body, or the district bureau's further "
     "training: by the hours its document states, 1 hour = 1 credit (reading of 按学时计), only when assessed "
     "as passed", {"credits_per_hour": D(1), "levels": DISTRICT_PLUS}),
    ("SZ-C2", "第五条", "special cases: medium or long off-duty training (脱产一个月以上, `full_time`) 42 a year; "
     "short training (days, no hours stated) or secondment (挂职锻炼, role `secondment`) 6 a day",
     {"long_per_year": D(42), "per_day": D(6)}),
    ("SZ-C3", "第六条", "school-based training (学校或学区级研训活动): 2 per topic assessed as passed (`events` "
     "topics, 1 when unstated)", {"per_topic": D(2)}),
    ("SZ-C4", "第七条", "research project led (主持), with plan and final report: district 1, city 3, province 5, "
     "national 10", {"credits": {"county": D(1), "city": D(3), "provincial": D(5), "national": D(10)}}),
    ("SZ-C5", "第七条", "research paper published in a provincial-or-higher journal: over 1,000 characters 2, "
     "otherwise 1 (exactly 1,000 is not over: 1, reading)",
     {"length": 1000, "long": D(2), "short": D(1), "levels": ("provincial", "national")}),
    ("SZ-C6", "第七条", "mentoring a young teacher (师徒结对, written agreement): 3 per academic year, once",
     {"per_academic_year": D(3)}),
    ("SZ-C7", "第七条", "open or demonstration class (公开示范课): school 1, district 3, city 6, province or "
     "higher 9, each",
     {"credits": {"school": D(1), "county": D(3), "city": D(6), "provincial": D(9), "national": D(9)}}),
    ("SZ-C8", "第七条", "talk or lecture (专题讲座, 培训主讲) of at least 1 hour with an outline: school 1, "
     "district 3, city 6, province or higher 10, each",
     {"credits": {"school": D(1), "county": D(3), "city": D(6), "provincial": D(10), "national": D(10)},
      "min_hours": D(1)}),
    ("SZ-C9", "第七条", "teaching competition (教学技能比武及其它教学比赛), first prize only: district 1, city 3, "
     "province 6, national 9",
     {"credits": {"county": D(1), "city": D(3), "provincial": D(6), "national": D(9)}, "prize": "first"}),
    ("SZ-C10", "第二条, 第四条, 第八条", "degree study (学历提升, single-subject pass or the year's diploma) and "
     "online distance training (网络远程培训): the text states no amount; the authority's stated `credits` "
     "are recorded", {}),
    # -- consequence ------------------------------------------------------------------------
    ("SZ-P1", "第十二条", "below the required 42 credits in a year: no title evaluation (职务评聘) and no "
     "awards (评优评先) that year",
     {"certificate_titles": {  # the year's registration, as the certificate shows it (xuefen.certificate_pdf)
         "中小学教师继续教育登记手册 (annual registration)": {
             "zh": "中小学教师继续教育登记手册（年度登记）",
             "en": "Teachers' Continuing Education Registration Book (Annual Registration)",
             "issuer": {"zh": "区教育局人事监察股", "en": "the district education bureau (personnel section)"}}}}),
    # -- ours ---------------------------------------------------------------------------------
    ("SZ-D1", "落款 (二〇一〇年十二月二日)", "the text states no effective date: in force from the day it is "
     "dated, 2010-12-02 (reading, setting `in_force`)", {"in_force": dt.date(2010, 12, 2)}),
    ("SZ-A1", "第三条, 第十条, 第十一条", "registration: the school records the year's credits in the "
     "登记手册 in December, the district bureau (人事监察股, 区人事局) reviews and stamps it in January; valid "
     "only after the bureau's review", {"school_month": 12, "bureau_month": 1}),
    ("SZ-X1", "第二条", "an activity outside the channels of 第二条 (training, degree study, online training, "
     "school-based training, the 研修提升 activities of 第七条) earns nothing", {}),
)
