"""Shandong: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

import pytest

from tests.shandong.helpers import act, case, entry


@pytest.mark.rule("S-C1")
def test_S_C1_a_projects_stated_credits_are_used_when_given():
    ev = case([act("p", level="provincial", hours=40, credits=24, assessment="pass"),
               act("h", level="provincial", hours=40, assessment="pass")])
    e = entry(ev, "p")
    assert (e["credits"], e["rule"], e["article"]) == ("24", "S-C1", "第十四条")
    assert "states 24 credits for 40 hours" in e["note"]
    assert entry(ev, "h")["credits"] == "40"  # 原则上 1 hour = 1 credit
