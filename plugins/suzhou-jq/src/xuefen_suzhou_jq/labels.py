"""Suzhou District's labels in Chinese and English (plugin data; :mod:`xuefen.labels` reads them)."""

LABELS = {
    "region": {"zh": "肃州区", "en": "Suzhou District (Jiuquan)"},
    "SZ-R1": {"zh": "年度学分（每年不少于42学分）", "en": "annual total"},
    "SZ-R1/district-or-above training": {"zh": "区级及以上培训", "en": "district-or-above training"},
    "SZ-R1/school-based": {"zh": "校本研修", "en": "school-based"},
    "SZ-R2": {"zh": "新任教师（入职学年）", "en": "new teacher, year of hiring"},
}
