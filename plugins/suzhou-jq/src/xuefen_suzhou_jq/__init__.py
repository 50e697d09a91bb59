"""Suzhou District (肃州区, Jiuquan, Gansu) region plugin for xuefen: annual credits (学分), no carry-over."""
