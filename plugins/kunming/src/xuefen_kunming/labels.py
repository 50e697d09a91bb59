"""Kunming's labels in Chinese and English (plugin data; :mod:`xuefen.labels` reads them): the region's
name, each rule's, and what falls due on a deadline. The Chinese follows the text's own words
(docs/regulations/kunming-2014.txt)."""

LABELS = {
    "region": {"zh": "昆明市", "en": "Kunming"},
    "K-R1": {"zh": "五年周期学时", "en": "cycle hours"},
    "K-R2": {"zh": "年度学时", "en": "annual hours"},
    "K-R3": {"zh": "新任教师入职培训", "en": "induction training"},
    "K-R4": {"zh": "新任校长任职资格培训", "en": "qualification training"},
    "K-R5": {"zh": "不得参评先进单位", "en": "school barred from awards (10% short)"},
    "K-C6": {"zh": "校本研修", "en": "school-based training"},
    "K-C7": {"zh": "培训授课", "en": "trainer"},
    "K-C8": {"zh": "名师名校长工作室", "en": "famous-teacher base"},
    "K-C8/famous-teacher base member": {"zh": "名师名校长工作室成员", "en": "famous-teacher base member"},
    "K-C9": {"zh": "送教下乡", "en": "送教下乡 events"},
    "K-A2": {"zh": "年度登记申报（10月底前）", "en": "annual filing (before the end of October)"},
    "flag/K-R5": {"zh": "{short}/{total}名教师未完成{year}年度规定学时（10%及以上）：当年不得参加县级以上各级各类先进单位（集体）评选"},
    "deadline/K-A2": {"zh": "年度学时申报截止（10月31日）", "en": "filing deadline of the year (31 October)"},
    "deadline/K-R1": {"zh": "五年周期结束", "en": "end of the 5-year cycle"},
}
