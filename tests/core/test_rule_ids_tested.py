"""Every rule id of every installed region is named by at least one test (``test_K_C6_...``).

The per-rule tests are what break when a number or a condition in a region's table
changes; this test keeps a new row from going in without one.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from xuefen.regions import installed
from xuefen.rules import rule_rows

TESTS = Path(__file__).resolve().parents[1]
NAMED = {m.replace("_", "-") for p in TESTS.rglob("test_*.py")
         for m in re.findall(r"def test_([A-Z]+_[A-Z]+\d+)", p.read_text(encoding="utf-8"))}
CODES = sorted(installed())


@pytest.mark.parametrize("code", CODES)
def test_every_rule_id_has_a_test_named_after_it(code):
    ids = {row["id"] for row in rule_rows(code)}
    assert ids, f"{code} declares no rules"
    assert not ids - NAMED, f"{code}: rule ids without a test named after them: {sorted(ids - NAMED)}"
