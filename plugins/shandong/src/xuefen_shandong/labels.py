"""Shandong's, Dongying's and Weifang's labels in Chinese and English (plugin data; :mod:`xuefen.labels`
reads them). Dongying and Weifang fall back to the province's for the rules they share."""

SHANDONG = {
    "region": {"zh": "山东省", "en": "Shandong"},
    "S-R1": {"zh": "学分", "en": "credits"},
    "S-R1/annual credits": {"zh": "年度学分（每年不少于48学分）", "en": "annual credits"},
    "S-R1/cycle credits": {"zh": "周期学分（五年不少于360学分）", "en": "cycle credits"},
    "S-R3": {"zh": "县级以上全员培训", "en": "all-staff training by county-and-above authorities"},
    "S-R4": {"zh": "公需科目比例", "en": "公需科目 share"},
    "S-R5": {"zh": "班主任培训", "en": "class-teacher training hours"},
    "S-C5": {"zh": "校本研修与自主研习", "en": "school-based and self-study"},
}
DONGYING = {"region": {"zh": "东营市", "en": "Dongying"}}
WEIFANG = {
    "region": {"zh": "潍坊市", "en": "Weifang"},
    "W-R2": {"zh": "必修课程", "en": "required courses"},
    "W-R3": {"zh": "选修课程", "en": "elective courses"},
    "W-R4": {"zh": "试用期", "en": "probation"},
}
