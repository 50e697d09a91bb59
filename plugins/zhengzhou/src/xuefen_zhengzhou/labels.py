"""Zhengzhou's labels in Chinese and English (plugin data; :mod:`xuefen.labels` reads them): the region's
name, each rule's, and what falls due on a deadline (docs/regulations/zhengzhou-2017.txt)."""

LABELS = {
    "region": {"zh": "郑州市", "en": "Zhengzhou"},
    "Z-R1": {"zh": "五年周期学时", "en": "cycle hours"},
    "Z-R2": {"zh": "校本研修学时", "en": "school-based (校本研修)"},
    "Z-R3": {"zh": "年度建议学时", "en": "advised hours a year (以72学时为宜)"},
    "Z-R4": {"zh": "个人周期（自上次登记证书发证之日起）", "en": "the teacher's own cycle"},
    "Z-R5": {"zh": "新任教师培训（120学时）", "en": "new-teacher training (新任教师培训)"},
    "Z-T1": {"zh": "260学时过渡（系统路径或纸质路径）", "en": "the 260-hour cutover"},
    "Z-T2": {"zh": "纸质路径发证截止", "en": "paper-path issue deadline"},
    "deadline/Z-T2": {"zh": "郑州市教育局纸质路径审核发证截止（2018年12月31日）",
                      "en": "last day the Zhengzhou bureau issues paper-path certificates (2018-12-31)"},
    "deadline/Z-R4": {"zh": "个人五年周期结束", "en": "end of the teacher's 5-year cycle"},
}
