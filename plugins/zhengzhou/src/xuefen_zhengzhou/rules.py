"""Zhengzhou's numbers, each row with its digest id and article.

Source: 郑州市教育局关于贯彻落实省中小学幼儿园教师继续教育学时登记管理暂行意见的通知,
郑教明电〔2017〕139号, 2017-03-22, implementing Henan's 教师[2016]724号
(docs/regulations/zhengzhou-2017.txt; digest docs/rules/zhengzhou.md).

The digest gives ids to the requirements (Z-R*), scope (Z-S1), conversions
(Z-C*) and the transition (Z-T1, Z-T2). Ids Z-A1 … Z-A5 (approval routing, the
digest's routing table) and Z-X1 (no article registers the activity) are
ours: the digest describes those rules in a table or prose without an id.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from xuefen.rules import table

CODE = "zhengzhou"

#: authority levels that design projects in the system (五)
AUTHORITY_LEVELS = ("national", "provincial", "city", "county")

#: the certificates as printed (四, 九, 八; xuefen.certificate_pdf), in both languages, declared in the rows below
CYCLE = {"zh": "河南省中小学教师继续教育登记证书",
         "en": "Henan Primary and Secondary School Teachers' Continuing Education Registration Certificate",
         "issuer": {"zh": "河南省中小学教师继续教育管理系统",
                    "en": "Henan teachers' continuing-education management system (printed online)"}}
NEW_TEACHER = {"zh": "新任教师培训合格证书", "en": "New Teacher Training Certificate",
               "issuer": {"zh": "郑州市教育局", "en": "Zhengzhou Municipal Education Bureau"}}
PAPER = {"zh": "中小学教师继续教育登记证书",
         "en": "Teachers' Continuing Education Registration Certificate (paper path)",
         "issuer": {"zh": "郑州市教育局", "en": "Zhengzhou Municipal Education Bureau"}}

RULES = table(
    CODE,
    ("Z-R1", "四", "五年一周期: a 5-year cycle per teacher, at least 360 hours",
     {"cycle_years": 5, "minimum": D(360)}),
    ("Z-R2", "四, 五", "of those 360, 80 hours school-based (其中,校本研修80学时); school-based hours above 80 "
     "still count towards the 360", {"minimum": D(80)}),
    ("Z-R3", "四", "每年度以完成72学时为宜: about 72 hours a year is advised; a warning, never a failure",
     {"advised": D(72)}),
    ("Z-R4", "四", "the cycle is the teacher's own: it runs from the issue date of the previous registration "
     "certificate, which is valid 5 years from its issue date; authorities set no cycles for projects",
     {"valid_years": 5, "certificate_titles": {CYCLE["zh"]: CYCLE}}),
    ("Z-R5", "九", "new teacher: 120 hours of new-teacher training within 1 year of starting work, assessed as "
     "passed → 新任教师培训合格证书 from the city bureau, the precondition for further continuing education; "
     "the hours count; 360 hours due within 5 years of starting work; primary/kindergarten new-teacher "
     "training designed by the county, secondary by the city",
     {"minimum": D(120), "within_years": 1, "cycle_years": 5, "certificate_titles": {NEW_TEACHER["zh"]: NEW_TEACHER},
      "designer": {"kindergarten": "county", "primary": "county", "junior": "city", "senior": "city"}}),
    ("Z-S1", "一", "scope: qualified teachers of kindergartens, primary and secondary schools, special schools and "
     "institutions (教师进修学校、教研室、电教馆、教科所…); vocational teachers are not covered",
     {"covered": ("kindergarten", "primary", "junior", "senior", "special", "institution"),
      "excluded": ("vocational",)}),
    ("Z-C1", "五", "a project designed in the system by an education authority: the hours of the project design "
     "(以…项目设计学时为准)", {"levels": AUTHORITY_LEVELS}),
    ("Z-C2", "五", "school-based forms (主要包括: 校本培训, 听评课/示范课, 课题研究, 校本课程开发, 区域研修, 网络教研 等), "
     "an open list: the hours the school's project design sets",
     {"kinds": ("school_based", "research", "open_class"), "level": "school"}),
    ("Z-C3", "六(一)", "degree study in an education/teaching subject (incl. 2+ year in-service postgraduate "
     "course, second degree) finished with a certificate inside the current certificate's 5-year validity "
     "exempts this cycle's 360 hours (the 80 school-based included); mandated special training is still "
     "required; registered as a project design naming institution, degree, hours and dates", {}),
    ("Z-C4", "六(一)", "degree study straddling cycles, not finished this cycle: no exemption this cycle; the next "
     "cycle is exempt once the certificate is obtained in it", {}),
    ("Z-C5", "六(二)", "non-degree training by a non-education body at a qualified institution, with the school's "
     "consent: registered as a project design, same path as degree study", {}),
    ("Z-C6", "六(三)", "support/送教 teaching organised by an education authority: the hours its notice sets",
     {"levels": AUTHORITY_LEVELS}),
    ("Z-A1", "五", "谁设计培训项目、谁进行学时审核登记: the authority that designed a project approves its hours; "
     "国培/省培 and senior-high projects the province, junior-high and city-level projects the city, "
     "primary/kindergarten and county-level projects the county",
     {"approver": {"national": "province", "provincial": "province", "city": "city", "county": "county",
                   "school": "school"},
      "designer": {"senior": "provincial", "junior": "city", "primary": "county", "kindergarten": "county",
                   "special": "county", "institution": "county"}}),
    ("Z-A2", "五", "county-level famous/backbone (名师、骨干教师) projects for senior or junior teachers: the county "
     "approves the hours, but the project's plan must first be reviewed and filed by the city office "
     "(方案审核备案) before it runs; a check on the project, not a stage of each claim",
     {"stages": ("junior", "senior"), "level": "county"}),
    ("Z-A3", "五", "school-based projects (the 80 hours): the school designs and approves", {}),
    ("Z-A4", "二, 六(一), 六(二)", "degree study and non-authority training: teacher → school → the teacher's "
     "registration office: the city office for secondary teachers of city-direct, city-affiliated and "
     "province-direct schools; the county office for county teachers and city-direct/province-direct "
     "primary and kindergarten teachers",
     {"affiliations": ("county", "city_direct", "city_affiliated", "province_direct"),
      "city_office_affiliations": ("city_direct", "city_affiliated", "province_direct"),
      "city_office_stages": ("junior", "senior")}),
    ("Z-A5", "六(三)", "support/送教 teaching: the organising authority registers the hours", {}),
    ("Z-T1", "八", "the 260-hour cutover: hours counted from the previous certificate's issue date to 2016-12-31 "
     "inclusive; fewer than 260 (senior-high: fewer than 360) → system path (registered in the system as "
     "project designs, the degree-study route); 260 or more, not senior-high → paper path (结业登记表, the "
     "degree-study route on paper; the teacher keeps training to 360; the Zhengzhou bureau issues the "
     "certificate); in force 2017-03-22",
     {"cutover": dt.date(2016, 12, 31), "threshold": D(260), "senior_threshold": D(360),
      "in_force": dt.date(2017, 3, 22), "certificate_titles": {PAPER["zh"]: PAPER}}),
    ("Z-T2", "八", "2018-12-31 is the Zhengzhou bureau's last date to review and issue paper-path certificates; "
     "paper-path teachers still short after it are listed for manual handling, their hours kept",
     {"deadline": dt.date(2018, 12, 31)}),
    ("Z-X1", "五, 六", "an activity that no article of the text registers earns nothing", {}),
)

#: the certificates (四, 九, 八)
CYCLE_TITLE = CYCLE["zh"]
PAPER_TITLE = PAPER["zh"]
NEW_TEACHER_TITLE = NEW_TEACHER["zh"]
PROVINCE_SYSTEM = "河南省中小学教师继续教育管理系统 (printed online)"
CITY_BUREAU = "郑州市教育局"
