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
