"""Lincang's labels in Chinese and English (plugin data; :mod:`xuefen.labels` reads them)."""

LABELS = {
    "region": {"zh": "临沧市", "en": "Lincang"},
    "L-H1": {"zh": "学时总数", "en": "hours in total"},
    "L-H2": {"zh": "县级及以上培训", "en": "county-level-and-above training"},
    "L-H3": {"zh": "校本研修", "en": "school-based research"},
    "L-H4": {"zh": "新任教师入职培训", "en": "induction"},
    "L-H4/induction, practical part": {"zh": "入职培训（实践部分）", "en": "induction, practical part"},
    "L-R1": {"zh": "学分总数", "en": "credits in total"},
    "L-R2": {"zh": "专业理念与师德", "en": "module ethics"},
    "L-R3": {"zh": "专业知识", "en": "module knowledge"},
    "L-R4": {"zh": "专业能力", "en": "module ability"},
    "L-R5": {"zh": "班级管理", "en": "module class_management"},
    "L-R6": {"zh": "校本研修", "en": "module school_based"},
    "L-S1": {"zh": "自主选学项目", "en": "self-selected projects"},
}
