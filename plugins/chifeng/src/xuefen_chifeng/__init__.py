"""Chifeng (赤峰市) region plugin for xuefen: training credits (学分)."""
