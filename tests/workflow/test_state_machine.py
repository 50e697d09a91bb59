"""The claim state machine built from a region's stages (no database)."""
from __future__ import annotations

import pytest

from xuefen.errors import RefusedAction
from xuefen.model import Stage
from xuefen.regions import runtime
from xuefen.claims.authority import authority
from xuefen.claims.flow import Flow, stage_from_json, stage_to_json

STAGES = [Stage("school_review", "school_admin", "school", "K-A1", "第十四条", records_assessment=True),
          Stage("county_review", "county_admin", "county", "K-A1", "第十四条", stand_in=("city", "city_admin"))]


def test_approve_walks_the_stages_to_approved():
    f = Flow.of(STAGES)
    assert f.first == "school_review"
    assert f.next_state("school_review", "approve") == "county_review"
    assert f.next_state("county_review", "approve") == "approved"


def test_return_goes_back_and_resubmit_restarts_at_the_first_stage():
    f = Flow.of(STAGES)
    assert f.next_state("county_review", "return") == "returned"
    assert f.next_state("returned", "resubmit") == "school_review"


@pytest.mark.parametrize("state,action", [
    ("approved", "approve"), ("rejected", "approve"), ("rejected", "resubmit"), ("school_review", "revoke"),
    ("revoked", "revoke"), ("returned", "approve"), ("approved", "return"), ("county_review", "resubmit"),
])
def test_actions_the_machine_does_not_allow_are_refused(state, action):
    with pytest.raises(RefusedAction, match=f"cannot {action} a claim that is {state}"):
        Flow.of(STAGES).next_state(state, action)


def test_only_revoke_follows_approval():
    assert Flow.of(STAGES).allowed("approved") == ["revoke"]
    assert Flow.of(STAGES).allowed("rejected") == []


def test_cycle_review_ends_certified():
    f = Flow.of(runtime("kunming").hook.xuefen_approval_stages(activity=None, teacher=None, settings={},
                                                               purpose="cycle"), "cycle")
    states = [f.first]
    while states[-1] != f.final:
        states.append(f.next_state(states[-1], "approve"))
    assert states == ["school_declared", "county_rechecked", "city_confirmed", "province_filed", "certified"]


def test_stages_round_trip_through_json():
    assert [stage_from_json(stage_to_json(s)) for s in STAGES] == STAGES


class _Org:
    def __init__(self, id, level):
        self.id, self.level = id, level


@pytest.mark.rule("K-A1")
def test_K_A1_county_stage_of_a_city_direct_school_is_served_by_the_city():
    kunming = runtime("kunming").hook.xuefen_approval_stages(activity=None, teacher=None, settings={},
                                                             purpose="activity")
    assert kunming == STAGES  # the stages these tests build are Kunming's K-A1 stages
    county_stage = kunming[1]
    direct = [_Org("SC", "school"), _Org("KM", "city"), _Org("YN", "province")]
    assert authority(county_stage, direct) == ("city_admin", "city")
    in_county = [_Org("S1", "school"), _Org("D1", "county"), _Org("KM", "city")]
    assert authority(county_stage, in_county) == ("county_admin", "county")
    assert authority(STAGES[0], direct) == ("school_admin", "school")


def test_a_stage_without_a_stand_in_is_served_at_its_level_only():
    """The core rewrites no role: a county stage that declares no stand-in stays the county's, city-direct or not."""
    plain = Stage("county_review", "county_admin", "county", "K-A1", "第十四条")
    direct = [_Org("SC", "school"), _Org("KM", "city"), _Org("YN", "province")]
    assert authority(plain, direct) == ("county_admin", "county")


def test_stages_stored_before_stand_ins_read_as_those_versions_served_them():
    """A claim stored before stages declared a stand-in (no ``stand_in`` key) keeps the city serving its county
    stage, as every version then did, so a queued claim and its audit records still verify."""
    old = {"name": "county_review", "role": "county_admin", "level": "county", "rule": "K-A1",
           "article": "第十四条", "signed": False, "records_assessment": False, "on_paper": False}
    assert stage_from_json(old).stand_in == ("city", "city_admin")
    assert stage_from_json({**old, "stand_in": None}).stand_in is None
    assert stage_from_json({**old, "on_paper": True}).medium == "paper"
