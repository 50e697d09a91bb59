"""Chifeng's labels in Chinese and English (plugin data; :mod:`xuefen.labels` reads them)."""

LABELS = {
    "region": {"zh": "赤峰市", "en": "Chifeng"},
    "C-R1": {"zh": "学分总数", "en": "credits"},
    "C-R1/annual credits": {"zh": "年度学分（每年不少于50学分）", "en": "annual credits"},
    "C-R1/cycle credits": {"zh": "周期学分（五年不少于360学分）", "en": "cycle credits"},
    "C-R2/annual required credits": {"zh": "年度必修学分", "en": "annual required credits"},
    "C-R2/annual elective credits": {"zh": "年度选修学分", "en": "annual elective credits"},
    "C-R2/cycle required credits": {"zh": "周期必修学分", "en": "cycle required credits"},
    "C-R2/cycle elective credits": {"zh": "周期选修学分", "en": "cycle elective credits"},
    "C-R3": {"zh": "任职资格培训", "en": "qualification training"},
    "C-R3/qualification training, centralized": {"zh": "任职资格培训（集中）",
                                                 "en": "qualification training, centralized"},
    "C-R4": {"zh": "新任教师培训", "en": "new-teacher training"},
}
