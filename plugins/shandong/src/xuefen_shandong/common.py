"""What the three Shandong codes share: region-declared fields and the move between cities (S-R2).

Stable names for the city modules (Weifang, Dongying) to import; they will not be renamed:

- here: ``TEACHER_FIELDS``, ``ACTIVITY_FIELDS`` (declare them on your ``Region``; hooks read them typed
  from ``record.extra``), ``school_recognised(act)``, ``teacher_move(teacher)``, ``moved_in_after(act, teacher, code)`` and
  ``convert_before_move(act, teacher, history, own_code, rule_row)`` (S-R2: an activity before a move into
  ``own_code`` is converted under the region it was earned in; returns None otherwise).
- :mod:`xuefen_shandong.rules`: ``CODE``, ``RULES`` (the province's table, ids S-*; a city's table is
  ``RULES.child(...)``), ``RULESET`` (the name of the province's rule set), ``COUNTY_AND_ABOVE``. The
  province's hooks cite the table the core hands them (``ruleset.rules``, ``region.rules``): a city's
  rule sets carry the city's table, so the province's code cites the city's restated articles.
- :mod:`xuefen_shandong.hooks`: ``REGION``, ``START``/``END`` (S-D1), and the plain functions the province's
  hooks are made of, each taking the table ``T`` to cite: ``convert(act, teacher, history, settings, T)``,
  ``training``, ``school_based``, ``requirements(teacher, period, T)``, ``make_up``, ``certificate(ev, T)``,
  ``stages(T)``.
"""
from __future__ import annotations

import datetime as dt

import attrs

from xuefen.errors import InputError
from xuefen.model import Entry, Field, Refusal

#: teacher fields the Shandong codes declare (FORMATS.md §1 additions), typed by the core
TEACHER_FIELDS = (
    Field("moved_on", "date", doc="the day the teacher moved into this region from another Shandong region (S-R2, D-S1)"),
    Field("previous_region", "id", default="shandong", doc="the region code the teacher moved from"),
    Field("rotation_school_id", "id", doc="the school a rotating (交流轮岗) teacher teaches at (D-R1)"),
)
#: activity fields the Shandong codes declare
ACTIVITY_FIELDS = (
    Field("school_recognised", "bool", default=False, doc="the school recognised it as 自主研习 (S-C6 → S-C5)"),
    Field("school_recognized", "bool", default=False, doc="the same, US spelling"),
    Field("falsified", "bool", default=False, doc="found falsified (S-F1)"),
    Field("absent_without_leave", "bool", default=False,
          doc="Weifang W-Z3: selected for off-duty training, absent without leave"),
)


def school_recognised(act) -> bool:
    return act.extra["school_recognised"] or act.extra["school_recognized"]


def teacher_move(teacher) -> tuple[dt.date | None, str | None]:
    """(moved_on, previous_region) of a teacher, or (None, None)."""
    moved_on = teacher.extra["moved_on"]
    if moved_on is None:
        return None, None
    return moved_on, teacher.extra["previous_region"]


def move_after(teacher, day: dt.date) -> tuple[dt.date | None, str | None]:
    """(moved_on, previous_region) of the move that followed ``day``: from the registry's history of moves
    (``transfers``, written by ``xuefen transfer`` or a ``teachers`` import with ``moved_on``: the first
    move between regions after ``day``, and the region the teacher left), else the declared ``moved_on``/``previous_region``."""
    from xuefen import transfers

    for m in transfers.history(teacher.extra):
        if day < dt.date.fromisoformat(m["on"]) and m.get("from_region") and m["from_region"] != m.get("to_region"):
            return dt.date.fromisoformat(m["on"]), m["from_region"]  # a move between regions (within one: no change)
    return teacher_move(teacher)


def moved_in_after(act, teacher, own_code: str) -> bool:
    """Whether ``act`` predates the teacher's move into ``own_code`` from another region (S-R2)."""
    moved_on, prev = move_after(teacher, act.date)
    return moved_on is not None and act.date < moved_on and prev != own_code


def convert_before_move(act, teacher, history, own_code: str | None, rule_row):
    """S-R2: an activity before the teacher's move is evaluated under the region it was earned in.

    Returns None when the activity is not before a move into ``own_code``.
    """
    from xuefen import regions  # late: the regions are discovered after this module loads

    if own_code is None:
        return None
    moved_on, prev = move_after(teacher, act.date)
    if moved_on is None or act.date >= moved_on or prev == own_code:
        return None
    rid, art = rule_row.id, rule_row.article
    installed = regions.installed()
    if prev not in installed:
        known = ", ".join(sorted(installed))
        raise InputError(f"teacher {teacher.id!r}: previous_region: unknown region {prev!r} (installed: {known})")
    if "shandong" not in [rp.code for rp in regions.chain(prev)]:
        return [Refusal(act.id, rid, art, f"earned in {prev} before the move on {moved_on}: credits are valid "
                                          f"across Shandong only")]
    rt = regions.runtime(prev)
    rs = rt.region.ruleset_on(act.date)
    if rs is None:
        return [Refusal(act.id, rid, art, f"dated {act.date}, before the move on {moved_on}, when no installed rule "
                                          f"set of {prev} was in force")]
    target = rt if rs.delegate is None else rt.delegate(rs.delegate)
    # the teacher as they were in ``prev``: without the move, so ``prev``'s rules (or the province's,
    # which it delegates to) never send the activity back here
    before_move = attrs.evolve(teacher, extra={k: v for k, v in teacher.extra.items()
                                               if k not in ("moved_on", "previous_region", "transfers")})
    results = target.hook.xuefen_convert(activity=act, teacher=before_move, history=history, ruleset=rs,
                                         settings=target.settings) or []
    tag = f"moved_from_{prev}"
    return [attrs.evolve(r, buckets=r.buckets + (tag,)) if isinstance(r, Entry) else r for r in results]
