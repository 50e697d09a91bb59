"""Labels in Chinese and English: the words reports, notices and help texts show for each concept.

Chinese (``zh``) is the default language of what people read (reports, notices); ``en`` gives
English. Two sources, one lookup:

- :data:`TERMS`, the core's vocabulary (学时 hours, 校本研修 school-based training, 周期 cycle …),
  the same for every region;
- a region's own labels, declared as data on its :class:`~xuefen.model.Region` (``labels=``):
  ``{"region": {"zh": "昆明市", "en": "Kunming"}, "K-R2": {"zh": "年度学时", "en": "annual hours"},
  "K-C8/famous-teacher base member": {…}}`` — the region's name, and a rule's (or, where one rule is
  reported under several requirement labels, a rule and label's) name. A child region falls back to
  its parent's labels.

A label a region does not give falls back to the requirement's own (English) label, then to the
rule id: never an error, never an empty cell. ``help_term("school_based")`` is
``"school-based training (校本研修)"``, how the CLI's English help names a concept.

Spreadsheets (``report --xlsx``, ``report --csv --lang zh``, ``xuefen template``) take their column
headers from :data:`HEADERS` (:func:`header`), a template's header comments from :data:`FIELD_DOCS`
(what each import field means, in Chinese) and its lists' words from :data:`VOCABULARY`.
"""
from __future__ import annotations

import functools

from xuefen.regions import chain

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

#: the core's vocabulary: key → (Chinese, English)
TERMS: dict[str, tuple[str, str]] = {
    # units and periods
    "hours": ("学时", "hours"),
    "credits": ("学分", "credits"),
    "year": ("年度", "year"),
    "cycle": ("周期", "cycle"),
    # activities
    "training": ("培训", "training"),
    "school_based": ("校本研修", "school-based training"),
    "degree_study": ("学历提升", "degree study"),
    # people and units
    "teacher": ("教师", "teacher"),
    "teachers": ("教师", "teachers"),
    "name": ("姓名", "name"),
    "school": ("学校", "school"),
    "schools": ("学校", "schools"),
    "org": ("单位", "org unit"),
    "region": ("地区", "region"),
    # requirements and results
    "requirement": ("要求", "requirement"),
    "required": ("应修", "required"),
    "earned": ("已获", "earned"),
    "counted": ("已计", "counted"),
    "short": ("尚缺", "short"),
    "met": ("达标", "met"),
    "not_met": ("未达标", "not met"),
    "completion": ("完成率", "completion"),
    "rule": ("规则", "rule"),
    "article": ("条款", "article"),
    "flags": ("标记", "flags"),
    "flag": ("标记", "flag"),
    "no_flags": ("无标记", "no flags"),
    # deadlines and notices
    "deadline": ("截止日期", "deadline"),
    "days_left": ("剩余天数", "days left"),
    "overdue": ("已逾期", "overdue"),
    "shortfalls": ("学时缺口", "shortfalls"),
    "shortfall_notice": ("学时缺口提醒", "shortfall notice"),
    "as_of": ("截至", "as of"),
    "period": ("期间", "period"),
    "missing": ("尚缺合计", "missing"),
    "filing": ("申报截止", "filing deadline"),
    "period_end": ("期满", "end of period"),
    "issue": ("发证截止", "last issue date"),
    "end_of_year": ("年度结束", "end of the year"),
    "end_of_cycle": ("周期结束", "end of the cycle"),
    # reports
    "report": ("继续教育学时报告", "continuing-education report"),
    "summary": ("概况", "summary"),
    "with_requirements": ("有年度要求", "with a requirement"),
    "share_short": ("未达标比例", "share short"),
    "flagged_schools": ("被标记学校", "flagged schools"),
    "cycle_met": ("周期达标", "cycle met"),
    "no_shortfall": ("无学时缺口", "no shortfall"),
    "no_requirement": ("本年度无要求", "no requirement this year"),
    "rules_cited": ("所依规则", "rules cited"),
    "generated": ("生成于", "generated"),
    "page": ("页", "page"),
}


def check_lang(lang: str) -> str:
    """``lang`` if it is one of :data:`LANGS`; else a :class:`ValueError` naming them."""
    if lang not in LANGS:
        raise ValueError(f"language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


def term(key: str, lang: str = DEFAULT_LANG) -> str:
    """The core's word for ``key`` in ``lang``; an unknown key is shown as itself."""
    pair = TERMS.get(key)
    if pair is None:
        return key
    return pair[0] if lang == "zh" else pair[1]


def help_term(key: str) -> str:
    """How the English help names a concept: ``school-based training (校本研修)``."""
    zh, en = TERMS[key]
    return f"{en} ({zh})"


@functools.cache
def _region_labels(code: str) -> tuple[tuple[str, dict], ...]:
    """The labels of ``code`` and its parents, the region's own first."""
    try:
        plugins = chain(code)
    except Exception:  # an uninstalled region (a report of old rows): no labels, the fallbacks answer
        return ()
    return tuple((rp.code, dict(rp.region.labels or {})) for rp in reversed(plugins))


def _lookup(code: str, key: str, lang: str) -> str | None:
    for _, labels in _region_labels(code):
        entry = labels.get(key)
        if entry and entry.get(lang):
            return entry[lang]
    return None


def region_name(code: str, lang: str = DEFAULT_LANG) -> str:
    """The region's name in ``lang``: its ``region`` label, else its declared name, else the code."""
    found = _lookup(code, "region", lang)
    if found:
        return found
    try:
        name = chain(code)[-1].region.name
    except Exception:
        return code
    # declared names read "昆明市 Kunming": the Chinese before the first space, the English after it
    zh, _, en = name.partition(" ")
    return (zh if lang == "zh" else (en or zh)) or code


def rule_label(code: str, rule: str, lang: str = DEFAULT_LANG, label: str | None = None) -> str:
    """The name of a rule (and requirement ``label``, where the rule has several) in ``lang``.

    Looked up as ``RULE/label``, then ``RULE``, in the region's labels and its parents'; else the
    requirement's own label (English), else the rule id.
    """
    if label:
        found = _lookup(code, f"{rule}/{label}", lang)
        if found:
            return found
    found = _lookup(code, rule, lang)
    if found:
        return found
    return label or rule


def unit_label(unit: str, lang: str = DEFAULT_LANG) -> str:
    """``hours`` → 学时, ``credits`` → 学分 (or the English unit)."""
    return term(unit, lang)


def deadline_label(code: str, deadline, period_kind: str, lang: str = DEFAULT_LANG) -> str:
    """What falls due on a :class:`~xuefen.model.Deadline`: the region's ``deadline/RULE`` label, else the
    deadline's own (English) label, else the core's word for its kind (年度结束, 周期结束 …)."""
    found = _lookup(code, f"deadline/{deadline.rule}", lang)
    if found:
        return found
    if deadline.kind == "period_end":
        return term("end_of_cycle" if period_kind == "cycle" else "end_of_year", lang)
    if lang == "en" and deadline.label:
        return deadline.label
    return term(deadline.kind, lang)


def flag_template(code: str, rule: str, lang: str = DEFAULT_LANG) -> str | None:
    """The region's ``flag/RULE`` template in ``lang`` (``{short}``, ``{total}``, ``{year}``, ``{school}``: the
    school's figures of a school flag such as K-R5), or None where it gives none."""
    return _lookup(code, f"flag/{rule}", lang)


# -- spreadsheets ------------------------------------------------------------------------------------

#: column key -> (zh, en)
HEADERS: dict[str, tuple[str, str]] = {
    # report rows
    "teacher": ("教师编号", "teacher"),
    "name": ("姓名", "name"),
    "school": ("学校编号", "school"),
    "school_name": ("学校", "school name"),
    "region": ("地区", "region"),
    "period": ("年度/周期", "period"),
    "rule": ("规则", "rule"),
    "requirement": ("要求", "requirement"),
    "article": ("条款", "article"),
    "unit": ("单位", "unit"),
    "required": ("应完成", "required"),
    "counted": ("已计入", "counted"),
    "short": ("尚差", "short"),
    "met": ("是否达标", "met"),
    "school_flags": ("学校预警", "school_flags"),
    "flags": ("预警", "flags"),
    # report summary
    "teachers": ("教师人数", "teachers"),
    "with_requirements": ("有年度要求", "with requirements"),
    "met_count": ("达标人数", "met"),
    "short_count": ("未达标人数", "short"),
    "met_share": ("达标率", "met share"),
    "total": ("合计", "total"),
    "value": ("取值", "value"),
    # import fields (docs/formats.md §1, §3)
    "id": ("编号", "id"),
    "level": ("级别", "level"),
    "parent_id": ("上级单位编号", "parent_id"),
    "role": ("角色", "role"),
    "org_id": ("所属单位编号", "org_id"),
    "teacher_id": ("教师编号", "teacher_id"),
    "stage": ("学段", "stage"),
    "school_id": ("学校编号", "school_id"),
    "kind": ("类别", "kind"),
    "date": ("完成日期", "date"),
    "hours": ("学时", "hours"),
    "days": ("天数", "days"),
    "credits": ("学分", "credits"),
    "hired_on": ("参加工作日期", "hired_on"),
    "principal_since": ("任校长日期", "principal_since"),
    "class_teacher": ("班主任", "class_teacher"),
    "cycle_start": ("周期开始日期", "cycle_start"),
    "previous_certificate_on": ("上期证书日期", "previous_certificate_on"),
    "leave": ("假期", "leave"),
    "normal_school_graduate": ("师范类毕业", "normal_school_graduate"),
    "delivery": ("方式", "delivery"),
    "assessment": ("考核结果", "assessment"),
    "score": ("考核分数", "score"),
    "mandatory": ("指令性", "mandatory"),
    "self_selected": ("自主选学", "self_selected"),
    "module": ("模块", "module"),
    "approved_by_authority": ("经主管部门批准", "approved_by_authority"),
    "events": ("次数", "events"),
    "subjects_passed": ("通过科目数", "subjects_passed"),
    "degree_level": ("学历层次", "degree_level"),
    "national_series": ("国民教育系列", "national_series"),
    "in_subject": ("学科对口", "in_subject"),
    "compensatory": ("学历补偿", "compensatory"),
    "program_id": ("学历项目编号", "program_id"),
    "graduated": ("已毕业", "graduated"),
    "full_time": ("全脱产", "full_time"),
    "rate": ("学分标准", "rate"),
    "public_subject": ("公需科目", "public_subject"),
    "face_to_face": ("面授", "face_to_face"),
    "practical_hours": ("实践学时", "practical_hours"),
    "published_on": ("项目发布日期", "published_on"),
    "normal_school": ("师范类项目", "normal_school"),
    "attendance_shortfall": ("缺勤超四分之一", "attendance_shortfall"),
    "project_id": ("培训项目编号", "project_id"),
    "filed_on": ("申报日期", "filed_on"),
    "legacy": ("旧办法记录", "legacy"),
}

#: an import field -> what it means, in Chinese (a template's header comment). A region's declared fields
#: that are not here are explained by the region's README; the template says so.
FIELD_DOCS: dict[str, str] = {
    # orgs
    "orgs.id": "单位编号（文本）：全库唯一，不含 / 和 :。",
    "orgs.name": "单位名称。",
    "orgs.level": "单位级别：province 省、city 市、county 县（区）、school 学校。",
    "orgs.parent_id": "上级单位编号：须比本单位级别高；顶级单位留空。",
    "orgs.region": "地区代码（已安装的地区插件，如 kunming）。",
    # actors
    "actors.id": "人员编号（文本）：登录与签名用，全库唯一。",
    "actors.name": "姓名。",
    "actors.role": "角色：teacher 教师、school_admin 学校管理员、county_admin 县级管理员、city_admin 市级管理员、"
                   "province_admin 省级管理员、project_leader 项目负责人。",
    "actors.org_id": "所属单位编号（须已导入）。",
    "actors.teacher_id": "本人若为教师，填其教师编号（可空）。",
    # teachers
    "teachers.id": "教师编号（文本）：如教师资格证号或身份证号，18 位证号务必以文本格式填写。",
    "teachers.name": "姓名。",
    "teachers.stage": "学段：kindergarten 幼儿园、primary 小学、junior 初中、senior 高中、special 特教、"
                      "vocational 职业学校、institution 教研培训机构。",
    "teachers.school_id": "所在学校编号（须为已导入的学校级单位）。",
    "teachers.hired_on": "参加教学工作日期（YYYY-MM-DD），用于新教师规则。",
    "teachers.principal_since": "任校长（园长）日期（YYYY-MM-DD）。",
    "teachers.class_teacher": "是否班主任：是 / 否。",
    "teachers.cycle_start": "本周期开始日期（YYYY-MM-DD）；由地区推算的可留空。",
    "teachers.previous_certificate_on": "上一周期登记证书发证日期（YYYY-MM-DD）。",
    "teachers.leave": "经批准的假期，JSON 列表：[{\"from\": \"2019-03-01\", \"to\": \"2019-08-31\", "
                      "\"kind\": \"maternity\"}]，kind 为 maternity 产假、sick 病假、other 其他。",
    "teachers.normal_school_graduate": "是否师范类专业毕业：是 / 否。",
    # activities
    "activities.teacher_id": "教师编号（文本，须已导入）。",
    "activities.id": "活动编号（文本）：同一教师内唯一；重复导入同一编号不会重复计入。",
    "activities.kind": "活动类别，见下拉列表（training 培训、school_based 校本研训、degree_study 学历提升、"
                       "trainer 授课 …）。",
    "activities.date": "完成日期（YYYY-MM-DD）：决定所属年度与周期。",
    "activities.level": "组织单位级别：national 国家、provincial 省、city 市、county 县、school 校。",
    "activities.delivery": "方式：centralized 集中、online 网络、blended 混合。",
    "activities.hours": "学时（数字，最多 4 位小数）：按证书或项目方案填写。",
    "activities.days": "天数（数字）：未注明学时时填写。",
    "activities.assessment": "考核结果：excellent 优秀、pass 合格、fail 不合格。",
    "activities.score": "考核分数 0-100（按分数评定的地区）。",
    "activities.mandatory": "是否指令性（必修）项目：是 / 否。",
    "activities.self_selected": "是否自主选学：是 / 否。",
    "activities.module": "模块（地区规定的分类，如临沧 ethics 师德）。",
    "activities.approved_by_authority": "是否经教育行政部门批准：是 / 否（默认是）。",
    "activities.role": "身份：trainee 学员（默认）、lecturer 授课教师、convener 主持人、member 成员、mentor 导师 …",
    "activities.events": "次数（整数），如送教下乡讲座次数。",
    "activities.subjects_passed": "自学考试当年通过科目数（整数）。",
    "activities.degree_level": "所读学历层次：associate 专科、bachelor 本科、master 硕士、doctor 博士。",
    "activities.national_series": "是否国民教育系列学历：是 / 否（默认是）。",
    "activities.in_subject": "学历是否与任教学科对口或相近：是 / 否（默认是）。",
    "activities.compensatory": "是否学历补偿教育：是 / 否。",
    "activities.program_id": "学历项目编号（文本）：同一学历的各年度记录共用。",
    "activities.graduated": "是否于完成日期取得学历证书：是 / 否。",
    "activities.full_time": "是否全脱产（如全职支教）：是 / 否。",
    "activities.rate": "项目学分标准（发布单位注明，临沧）。",
    "activities.credits": "发证单位注明的学分。",
    "activities.public_subject": "是否公需科目（山东）：是 / 否。",
    "activities.face_to_face": "是否面授（山东）：是 / 否。",
    "activities.practical_hours": "实践学时（临沧新教师培训）。",
    "activities.published_on": "项目发布日期（YYYY-MM-DD，临沧）。",
    "activities.normal_school": "学历项目是否师范类（潍坊）：是 / 否。",
    "activities.attendance_shortfall": "缺勤是否超过总学时四分之一（潍坊）：是 / 否。",
    "activities.project_id": "培训项目（班次）编号（文本）：同一班次计算优秀比例。",
    "activities.filed_on": "申报日期（YYYY-MM-DD）。",
    "activities.legacy": "是否按已废止办法登记的旧记录：是 / 否。",
}

#: a closed list's value -> its Chinese word (a template's lists and comments)
VOCABULARY: dict[str, str] = {
    # kinds
    "training": "培训", "school_based": "校本研训", "degree_study": "学历提升", "self_study_exam": "自学考试",
    "trainer": "授课", "studio": "名师工作室", "volunteer_teaching": "支教/送教", "new_teacher_training": "新教师培训",
    "principal_training": "校长培训", "class_teacher_training": "班主任培训", "research": "课题研究",
    "publication": "论文著作", "open_class": "示范课", "competition": "比赛", "mentoring": "师徒结对",
    "professional_certificate_training": "资格证培训", "other": "其他",
    # levels
    "national": "国家级", "provincial": "省级", "city": "市级", "county": "县级", "school": "校级",
    "province": "省", "county_org": "县（区）",
    # stages
    "kindergarten": "幼儿园", "primary": "小学", "junior": "初中", "senior": "高中", "special": "特殊教育",
    "vocational": "职业学校", "institution": "教研培训机构",
    # roles
    "teacher": "教师", "school_admin": "学校管理员", "county_admin": "县级管理员", "city_admin": "市级管理员",
    "province_admin": "省级管理员", "project_leader": "项目负责人",
    # assessments, deliveries, degrees
    "excellent": "优秀", "pass": "合格", "fail": "不合格", "centralized": "集中", "online": "网络", "blended": "混合",
    "associate": "专科", "bachelor": "本科", "master": "硕士", "doctor": "博士",
    # units
    "hours": "学时", "credits": "学分",
}


def header(key: str, lang: str = DEFAULT_LANG) -> str:
    """The header of a spreadsheet column ``key`` in ``lang`` (:data:`HEADERS`, else the core's
    :func:`term`); an unknown key is its own header, so a region's declared field shows as it is named."""
    check_lang(lang)
    pair = HEADERS.get(key)
    if pair is None:
        return term(key, lang)
    return pair[LANGS.index(lang)]


def yes_no(value: bool, lang: str = DEFAULT_LANG) -> str:
    """是 / 否 (``true`` / ``false`` in English)."""
    if lang == "zh":
        return "是" if value else "否"
    return "true" if value else "false"
