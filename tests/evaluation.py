"""Reading an evaluation's JSON (FORMATS.md §2) in tests: the one entry or refusal of an activity."""
from __future__ import annotations


def entry(ev: dict, activity: str) -> dict:
    """The activity's single entry (fails, showing entries and refusals, when there is not exactly one)."""
    found = [e for e in ev["entries"] if e["activity"] == activity]
    assert len(found) == 1, (ev["entries"], ev["refused"])
    return found[0]


def refusal(ev: dict, activity: str) -> dict:
    """The activity's single refusal."""
    found = [r for r in ev["refused"] if r["activity"] == activity]
    assert len(found) == 1, (ev["refused"], ev["entries"])
    return found[0]
