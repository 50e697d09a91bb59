"""Kunming: the defects issue 13 found, each a test named after its rule (teachers and ids invented)."""
from __future__ import annotations

from decimal import Decimal as D

import pytest

from xuefen.errors import InputError
from tests.evaluation import entry
from tests.kunming.helpers import act, case, hours


@pytest.mark.rule("K-C2", "K-C3")
def test_K_C2_a_teacher_training_school_organises_training():
    acts = [act("tts", "training", level="school", organiser="teacher_training_school", days=3),
            act("ex", "training", organiser="teacher_training_school", hours=16, assessment="excellent"),
            act("sb", "training", level="school", hours=60)]  # a school's own training: school-based
    ev = case(acts)
    e = entry(ev, "tts")
    assert (e["rule"], e["article"], e["hours"]) == ("K-C2", "第五条", "24")  # 8 hours a day, not capped
    assert "county" in e["buckets"] and "school_based" not in e["buckets"]
    assert (entry(ev, "ex")["rule"], hours(ev, "ex")) == ("K-C3", D(20))  # 125% for an excellent trainee
    assert entry(ev, "sb")["rule"] == "K-C6"
    with pytest.raises(InputError, match="organiser"):
        case([act("bad", "training", organiser="进修学校", hours=8)])


@pytest.mark.rule("K-A2")
def test_K_A2_late_filing_warned_only_when_a_filing_date_is_known():
    ev = case([act("nov", "training", "2015-11-20", level="county", hours=8),
               act("late", "training", "2015-06-01", level="county", hours=8, filed_on="2015-11-02")])
    assert [(w["rule"], w.get("activity")) for w in ev["warnings"]] == [("K-A2", "late")]
    assert "filed 2015-11-02" in ev["warnings"][0]["message"]


@pytest.mark.rule("K-C6", "K-C7", "K-C8", "K-C9")
def test_K_C6_to_K_C9_are_declared_as_caps_reporting_their_maximum():
    acts = [act("sb", "school_based", hours=60), act("tr", "trainer", level="county", hours=40),
            act("st", "studio", level="city", role="convener"), act("st2", "studio", "2015-06-10", level="city"),
            act("vo", "volunteer_teaching", level="county", events=6)]
    ev = case(acts)
    y = next(x for x in ev["years"] if x["year"] == 2015)
    caps = [r for r in y["requirements"] if r["rule"] in ("K-C6", "K-C7", "K-C8", "K-C9")]
    assert {r["rule"] for r in caps} == {"K-C6", "K-C7", "K-C8", "K-C9"}
    for r in caps:  # a cap states its maximum, never a required amount to meet
        assert "maximum" in r and "required" not in r, r
        assert r.get("status", "maximum") == "maximum", r
    got = {(r["rule"], r["maximum"]): (r["earned"], r["counted"]) for r in caps}
    assert got[("K-C6", "48")] == ("60", "48") and got[("K-C7", "72")] == ("80", "72")
    assert got[("K-C9", "24")] == ("30", "24") and got[("K-C8", "72")] == ("120", "72")
