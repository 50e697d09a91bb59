"""What a region's conversion needs of an activity, asked at import (``xuefen_activity_needs``).

The core's default answer (:func:`derived_needs`) asks the region's own conversion:
an activity it refuses, that would earn once one of its absent fields is stated
(:data:`PROBES`: a few plausible values each), needs that field; the refusal's
rule, article and reason say why. A refusal that stating no field lifts (a kind
no article credits, a failed assessment, compensatory degree study) is a real
"nothing earned" and imports as it does today.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Callable

import attrs

from xuefen.errors import InputError
from xuefen.model import DEGREE_LEVELS, LEVELS, Activity, Entry, History, Needed, Refusal

#: the fields a conversion may need, and the values tried for an absent one (an amount below a region's
#: minimum would hide the need, so a small and a large one)
PROBES: dict[str, tuple] = {
    "hours": (Decimal(8), Decimal(60)),
    "days": (Decimal(1), Decimal(10)),
    "credits": (Decimal(2), Decimal(20)),
    "assessment": ("pass",),
    "level": tuple(reversed(LEVELS)),
    "degree_level": tuple(reversed(DEGREE_LEVELS)),
    "score": (Decimal(80),),
}


def _earns(results) -> bool:
    return any(isinstance(r, Entry) for r in results or ())


def derived_needs(activity: Activity, convert: Callable[[Activity], list]) -> list[Needed]:
    """The needs of ``activity`` found by stating each absent field of :data:`PROBES` (see the module)."""
    first = convert(activity) or []
    refusals = [r for r in first if isinstance(r, Refusal)]
    if not refusals or _earns(first):
        return []
    absent = [f for f in PROBES if getattr(activity, f) is None]
    fields = [f for f in absent if any(_earns(convert(attrs.evolve(activity, **{f: v}))) for v in PROBES[f])]
    if not fields and len(absent) > 1 and _earns(convert(attrs.evolve(activity, **{f: PROBES[f][-1]
                                                                                    for f in absent}))):
        fields = absent  # only together (rare): name them all
    if not fields:
        return []
    r = refusals[0]
    return [Needed(tuple(fields), r.rule, r.article, r.reason)]


def activity_needs(rt, teacher, activity: Activity) -> list[Needed]:
    """Ask region runtime ``rt`` (:class:`xuefen.regions.RegionRuntime`) what ``activity`` lacks for its
    conversion. An activity dated outside every rule set needs nothing here (the evaluation refuses it
    naming the rule sets)."""
    rs = rt.region.ruleset_on(activity.date)
    if rs is None:
        return []
    target = rt if rs.delegate is None else rt.delegate(rs.delegate)

    def convert(act: Activity) -> list:
        return target.hook.xuefen_convert(activity=act, teacher=teacher, history=History(activities=(act,)),
                                          ruleset=rs, settings=target.settings) or []

    return list(target.hook.xuefen_activity_needs(activity=activity, teacher=teacher, ruleset=rs,
                                                  settings=target.settings, convert=convert) or [])


def import_problems(rt, teacher, activity: Activity) -> list[tuple[str, str]]:
    """``(field, problem)`` for each thing ``activity`` lacks for its conversion (:func:`activity_needs`),
    for the importer's ``FILE:LINE: field: problem``. A region whose conversion raises
    :class:`~xuefen.errors.InputError` for a missing field (``activity 'ID': rate: required … (L-C2)``)
    has it reported the same way, at import, instead of at final approval."""
    try:
        return [(n.fields[0], n.message()) for n in activity_needs(rt, teacher, activity)]
    except InputError as exc:
        out = []
        for p in exc.problems:
            p = p.split(": ", 1)[1] if p.startswith("activity ") and ": " in p else p
            field, _, why = p.partition(": ")
            out.append((field, why) if why else ("id", p))
        return out
