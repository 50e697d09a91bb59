"""The pure pipeline: activities → entries/refusals → requirement results → certificate.

No I/O. ``evaluate`` takes one :class:`Case`, ``evaluate_many`` a batch; the
database-backed workflow builds the same cases from its rows, so the CLI's
``evaluate`` and the registry can never disagree.
"""
from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import gc
from collections import defaultdict
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from typing import Iterable

import attrs

from xuefen.model import (Activity, Cycle, Entry, Evaluation, History, NotRequired, Period, PeriodInfo, Refusal,
                          Requirement, RequirementResult, Teacher, Warning, dec_str, plain, replace, share_text)
from xuefen.defaults import SCHOOL_YEAR_START, add_years
from xuefen.regions import RegionRuntime, runtime

ZERO = Decimal(0)
#: the units an entry earns (:meth:`xuefen.model.Entry.amount`)
UNITS = ("hours", "credits")


@attrs.frozen
class Case:
    """One teacher to evaluate: docs/formats.md §1."""

    region: str
    as_of: dt.date
    teacher: Teacher
    activities: tuple[Activity, ...] = attrs.field(converter=tuple)
    settings: dict = attrs.field(factory=dict, hash=False)


def with_settings(case: Case, overrides: dict, where: str = "settings") -> Case:
    """``case`` under other values of its region's named settings (a what-if: ``xuefen evaluate --set``).

    An unknown name or a bad value is an :class:`~xuefen.errors.InputError` naming it.
    """
    from xuefen.errors import InputError

    try:
        rt = runtime(case.region, {**case.settings, **overrides})
    except InputError as exc:
        raise InputError([f"{where}: {p.removeprefix('settings: ')}" for p in exc.problems]) from None
    return attrs.evolve(case, settings=dict(rt.settings))


def convert_all(rt: RegionRuntime, teacher: Teacher, activities: Iterable[Activity], *,
                as_of: dt.date | None = None, cycle: Cycle | None = None) -> History:
    """Convert a teacher's activities in date order; the rule set in force on each date answers."""
    teacher = rt.typed(teacher)
    ordered = tuple(sorted((rt.typed(a) for a in activities), key=_in_order))
    history = History(activities=ordered, as_of=as_of, cycle=cycle)
    _convert(rt, teacher, history, ordered)
    return history


#: what the conversion of one activity gave: its entries, refusals and warnings
Own = tuple[tuple[Entry, ...], tuple[Refusal, ...], tuple[Warning, ...]]


def _own(history: History, activity_id: str, n: tuple = (0, 0, 0), end: tuple | None = None) -> Own:
    """What the conversion of ``activity_id`` added to ``history``'s lists from positions ``n`` to ``end``: the
    entries and refusals of the activity, and the warnings naming it or no activity."""
    e0, r0, w0 = n
    e1, r1, w1 = end or (None, None, None)
    return (tuple(e for e in history._entries[e0:e1] if e.activity == activity_id),
            tuple(r for r in history._refused[r0:r1] if r.activity == activity_id),
            tuple(w for w in history._warnings[w0:w1] if w.activity in (activity_id, None)))


def convert_alone(rt: RegionRuntime, teacher: Teacher, activity: Activity, *, as_of: dt.date | None = None,
                  cycle: Cycle | None = None) -> Own | None:
    """What ``activity``'s conversion gives on its own, or None where the conversion read the history (its
    ``activities``, ``entries``, ``refused`` or ``warnings``: :attr:`~xuefen.model.History.read`), so that
    what it earns may depend on the teacher's other activities: then convert it with them
    (:class:`Converting`). A conversion that read none of them was given nothing but the activity, the
    teacher, the rule set, the settings, ``as_of`` and ``cycle``: with the other activities it gives the same.

    The final approval of an activity asks this first: a province's teacher has dozens of approved
    activities by a cycle's last year, and most conversions (a training's hours, a school-based
    activity's) look at none of them."""
    act = rt.typed(activity)
    history = History(activities=(act,), as_of=as_of, cycle=cycle)
    _convert(rt, rt.typed(teacher), history, (act,))
    return None if history._seen else _own(history, act.id)


class Converting:
    """A teacher's activities kept converted while more join them one at a time (:meth:`add`), each time
    giving the :class:`~xuefen.model.History` :func:`convert_all` gives over all of them, with less work.

    An activity's conversion sees the entries of the activities before it in date order, never those after
    it; so where one joins, those before it earn what they earned, and only it and those after it are
    converted again. That holds while no conversion reads the whole list (``history.activities``:
    :attr:`~xuefen.model.History.activities_read`), which could show it the later ones; once one has, every
    :meth:`add` converts them all again, as :func:`convert_all` would. ``converted`` counts the conversions.

    A batch approval (xuefen.claims.bulk) converts each finally approved activity with the teacher's
    approved ones and those approved before it in the batch: k activities of a teacher in date order cost k
    conversions, not k(k+1)/2."""

    def __init__(self, rt: RegionRuntime, teacher: Teacher, activities: Iterable[Activity], *,
                 as_of: dt.date | None = None, cycle: Cycle | None = None):
        self.rt, self.teacher, self.as_of, self.cycle = rt, rt.typed(teacher), as_of, cycle
        self.converted = 0
        self._restart(tuple(sorted((rt.typed(a) for a in activities), key=_in_order)))

    def _restart(self, ordered: tuple) -> None:
        self.history = History(activities=ordered, as_of=self.as_of, cycle=self.cycle)
        self._marks: list[tuple[int, int, int]] = []  # before each activity: len(entries), len(refused), …
        _convert(self.rt, self.teacher, self.history, ordered, self._marks)
        self.converted += len(ordered)

    def add(self, activity: Activity) -> History:
        """The history with ``activity`` (one of the same id is replaced)."""
        h, act = self.history, self.rt.typed(activity)
        done = h._activities  # the core's own reads of the lists are not noted: they are not a conversion's
        if h.activities_read or any(a.id == act.id for a in done):
            self._restart(tuple(sorted([a for a in done if a.id != act.id] + [act], key=_in_order)))
            return self.history
        at = bisect.bisect_right(done, _in_order(act), key=_in_order)
        if at < len(done):  # the history from there on converted again
            n_entries, n_refused, n_warnings = self._marks[at]
            del h._entries[n_entries:], h._refused[n_refused:], h._warnings[n_warnings:], self._marks[at:]
        again = (act,) + done[at:]
        h._activities = done[:at] + again
        _convert(self.rt, self.teacher, h, again, self._marks)
        self.converted += len(again)
        return h

    def own(self, activity_id: str) -> Own:
        """What the conversion of the activity ``activity_id`` gave in the history (:func:`convert_alone`'s
        form: its entries and refusals, the warnings naming it or, given by its own conversion, none)."""
        h = self.history
        i = next(i for i, a in enumerate(h._activities) if a.id == activity_id)
        end = self._marks[i + 1] if i + 1 < len(self._marks) else None
        return _own(h, activity_id, self._marks[i], end)


def _in_order(a: Activity) -> tuple:
    return a.date, a.id


def _convert(rt: RegionRuntime, teacher: Teacher, history: History, acts: tuple, marks: list | None = None) -> None:
    """Convert ``acts`` (typed, in date order) into ``history``, appending to ``marks`` before each the lengths of
    its entries, refusals and warnings (:class:`Converting`). The lists are written as the core's: not noted
    as read (:attr:`~xuefen.model.History.read`)."""
    entries, refused, warnings = history._entries, history._refused, history._warnings
    region = rt.region
    converters: dict = {}  # each rule set's delegate's hook, found once
    for act in acts:
        if marks is not None:
            marks.append((len(entries), len(refused), len(warnings)))
        rs = region.ruleset_on(act.date)
        if rs is None:
            first = region.rulesets[0]
            spans = "; ".join(f"{r.name}: {r.start or '…'} to {r.end or '…'}" for r in region.rulesets)
            refused.append(Refusal(act.id, first.rule, first.article,
                                   f"dated {act.date}, when no installed rule set of {region.code} "
                                   f"was in force ({spans})"))
            continue
        conv = converters.get(rs.delegate)
        if conv is None:
            if rs.delegate is None:  # the teacher and the activities are typed by this runtime already
                conv = rt.pm.hook.xuefen_convert, rt.settings
            else:  # a delegate's hooks type them by its own declared fields
                target = rt.delegate(rs.delegate)
                conv = target.hook.xuefen_convert, target.settings
            converters[rs.delegate] = conv
        results = conv[0](activity=act, teacher=teacher, history=history, ruleset=rs, settings=conv[1])
        for item in results or ():
            if isinstance(item, Entry):
                entries.append(item)
            elif isinstance(item, Refusal):
                refused.append(item)
            elif isinstance(item, Warning):
                warnings.append(item)
            else:  # pragma: no cover - a plugin bug, not a user error
                raise TypeError(f"xuefen_convert returned {item!r}")


def _school_year(day: dt.date) -> int:
    return day.year if day.month >= SCHOOL_YEAR_START[0] else day.year - 1


def _span(basis: str, y: int, cycle: Cycle | None) -> tuple[dt.date, dt.date]:
    """The first and last day of registration year ``y`` under ``basis``."""
    if basis == "school_year":
        m, d = SCHOOL_YEAR_START
        return dt.date(y, m, d), dt.date(y + 1, m, d) - dt.timedelta(days=1)
    if basis == "cycle_year" and cycle is not None:
        start = add_years(cycle.start, y - cycle.start.year)
        return start, add_years(start, 1) - dt.timedelta(days=1)
    return dt.date(y, 1, 1), dt.date(y, 12, 31)


def _year_of(basis: str, day: dt.date, cycle: Cycle | None) -> int:
    if basis == "school_year":
        return _school_year(day)
    if basis == "cycle_year" and cycle is not None:
        y = day.year
        while _span(basis, y, cycle)[0] > day:
            y -= 1
        while _span(basis, y, cycle)[1] < day:
            y += 1
        return y
    return day.year


def _periods(cycle: Cycle | None, entries: list[Entry], as_of: dt.date, basis: str = "calendar") -> list[int]:
    """The registration years evaluated: those of the entries up to ``as_of`` and of the cycle so far."""
    if basis == "calendar":
        years = {e.year for e in entries if e.date <= as_of}
    else:
        years = {_year_of(basis, e.date, cycle) for e in entries if e.date <= as_of}
    last = _year_of(basis, as_of, cycle)
    if cycle is not None:
        first = _year_of(basis, cycle.start, cycle)
        years |= set(range(first, min(last, _year_of(basis, cycle.end, cycle)) + 1))
        years = {y for y in years if y <= last}
    else:
        years.add(last)
    return sorted(years)


def _months(a: dt.date, b: dt.date) -> int:
    """Calendar months touched by the days ``a`` to ``b`` (a month begun counts whole)."""
    return (b.year - a.year) * 12 + b.month - a.month + 1 if a <= b else 0


def _partial(rs, teacher: Teacher, cycle: Cycle | None, start: dt.date, end: dt.date):
    """Why a registration year is partial, and the part of it in force: ``(why, first, last)`` or None."""
    why, first, last = [], start, end
    if cycle is not None:
        if start < cycle.start <= end:
            why.append(f"the cycle starts on {cycle.start}")
            first = max(first, cycle.start)
        if start <= cycle.end < end:
            why.append(f"the cycle ends on {cycle.end}")
            last = min(last, cycle.end)
    if rs is not None:  # the rule set the year's requirements come from
        if rs.start is not None and start < rs.start <= end:
            why.append(f"{rs.name} in force from {rs.start}")
            first = max(first, rs.start)
        if rs.end is not None and start <= rs.end < end:
            why.append(f"{rs.name} in force until {rs.end}")
            last = min(last, rs.end)
    if teacher.hired_on is not None and start < teacher.hired_on <= end:
        why.append(f"hired on {teacher.hired_on}")
        first = max(first, teacher.hired_on)
    return ("; ".join(why), first, last) if why else None


def _prorate(r: Requirement, months: int, why: str) -> Requirement:
    """A minimum for the part of the year in force: × months / 12, rounded up to the ledger's places."""
    part = plain((r.minimum * months / 12).quantize(LEDGER_PLACES, ROUND_CEILING))
    return attrs.evolve(r, minimum=part, notes=r.notes + (
        f"prorated: {dec_str(r.minimum)} × {months}/12 months in force ({why}; setting partial_year)",))


def _minimum_rows(reqs: list[Requirement]) -> list[Requirement]:
    return [r for r in reqs if r.minimum is not None and not r.is_maximum]


_SELECTS: dict = {}


def _picker(entries: list[Entry], bsets: list[frozenset], idx: list[int]):
    """``pick(r)``: the indices of ``idx`` (in its order) whose entries ``r`` selects (:meth:`Requirement.selects`),
    found once per period and selection (a period's caps, cuts and rows often select alike) and each
    entry's bucket set tested once per selection in the process (teachers repeat them)."""
    found: dict = {}
    cache = _SELECTS
    if len(cache) > 200_000:
        cache.clear()

    def pick(r: Requirement) -> list[int]:
        key = (r.all_of, r.any_of, r.none_of)
        hit = found.get(key)
        if hit is None:
            hit = []
            for i in idx:
                b = bsets[i]
                ok = cache.get((key, b))
                if ok is None:
                    ok = cache[(key, b)] = r.selects(entries[i], b)
                if ok:
                    hit.append(i)
            found[key] = hit
        return hit

    return pick


def _apply_caps(caps: list[Requirement], counted: dict, reducers: dict, pick) -> None:
    for cap in caps:
        _take_up_to(cap.maximum, pick(cap), cap, counted, reducers)


def _take_up_to(limit: Decimal, chosen, rule: Requirement, counted: dict, reducers: dict) -> None:
    """The ``chosen`` entries count, in their order, at most ``limit`` together in ``rule``'s unit; an entry
    cut counts ``rule`` among what reduced it. ``counted``: per unit, each entry's amount counted so far (a
    list by entry index); ``reducers``: per unit, the rules that cut each entry cut (by index)."""
    remaining = limit
    amounts, cut = counted[rule.unit], reducers[rule.unit]
    for i in chosen:
        have = amounts[i]
        take = min(have, max(remaining, ZERO))
        if take < have:
            cut[i].append(rule)
        amounts[i] = take
        remaining -= take


LEDGER_PLACES = Decimal("0.0001")  #: the ledger keeps 4 decimal places (docs/formats.md §1 amounts)


def _apply_share_cuts(cuts: list[Requirement], idx: list[int], counted: dict, reducers: dict, pick) -> None:
    """Shares that cut: the selected entries count at most ``share`` of the period's counted total.

    The total is the one after the cut (the selected part is at most S of what counts), so the
    selected entries count at most S / (1 − S) × the rest, in date order, to the ledger's 4 places.
    """
    for cut in cuts:
        chosen = pick(cut)
        if not chosen:
            continue
        amounts = counted[cut.unit]
        picked = set(chosen)
        rest = sum((amounts[i] for i in idx if i not in picked), ZERO)
        if cut.share >= 1:
            continue
        limit = (cut.share * rest / (1 - cut.share)).quantize(LEDGER_PLACES, ROUND_FLOOR)
        _take_up_to(limit, chosen, cut, counted, reducers)


def _results(reqs: list[Requirement], idx: list[int], entries: list[Entry], earned_of: dict, counted: dict,
             reducers: dict, pick, in_progress: bool = False) -> list[RequirementResult]:
    """Each requirement's result over the period's entries ``idx``: ``earned_of`` and ``counted`` give per
    unit each entry's amount as earned and as counted after the caps and cuts (lists by entry index)."""
    totals: dict[str, Decimal] = defaultdict(lambda: ZERO)
    if any(r.share is not None for r in reqs):  # only a share reads the period's counted totals
        for unit in UNITS:
            totals[unit] = sum((counted[unit][i] for i in idx), ZERO)
    out = []
    for r in reqs:
        earned = counted_sum = ZERO
        by: dict[str, Requirement] = {}
        unit = r.unit
        weighted = bool(r.weights)
        amounts, counts, cuts = earned_of[unit], counted[unit], reducers[unit]
        for i in pick(r):
            if weighted:
                w = r.weight(entries[i])
                earned += w * amounts[i]
                counted_sum += w * counts[i]
            else:  # a weight of 1: the same sums (1 × an amount is the amount, to its last place)
                earned += amounts[i]
                counted_sum += counts[i]
            if i in cuts:
                for cap in cuts[i]:
                    by[cap.rule] = cap
        notes = list(r.notes) + [_cap_note(c) for c in by.values() if c is not r]
        if r.is_cap:
            if earned == 0:
                continue  # a cap nothing reached says nothing
            threshold, met = r.maximum, True
            if earned > counted_sum:
                notes.insert(0, f"earned {dec_str(earned)}, counted {dec_str(r.maximum)} at most")
        elif r.is_share_cut:
            if earned == 0:
                continue
            threshold = r.share * totals[r.unit]
            threshold = threshold.quantize(LEDGER_PLACES, ROUND_FLOOR) if threshold != threshold.quantize(
                LEDGER_PLACES) else threshold
            met = True
            notes.append(f"counts at most {share_text(r.share)} of the {dec_str(totals[r.unit])} {r.unit} counted")
            if earned > counted_sum:
                notes.insert(0, f"earned {dec_str(earned)}, counted {dec_str(counted_sum)} ({r.rule})")
        elif r.share is not None:
            exact = r.share * totals[r.unit]
            # shown to the ledger's places: a floor rounded up, a ceiling down (the comparison is exact)
            threshold = exact.quantize(LEDGER_PLACES, ROUND_FLOOR if r.share_max else ROUND_CEILING)
            met = counted_sum <= exact if r.share_max else counted_sum >= exact
            notes.append(f"{share_text(r.share)} of {dec_str(totals[r.unit])} counted")
        else:
            threshold = r.minimum
            met = counted_sum >= threshold
        out.append(RequirementResult(r, earned, counted_sum, threshold, met, tuple(notes),
                                     in_progress=in_progress))
    return out


class _EntryCounted(tuple):
    """Per entry ``{unit: (counted, rule ids that cut it)}``, built only when read (the JSON), not per batch."""

    def __new__(cls, counted, reducers, units, n):
        self = super().__new__(cls)
        self._args = (counted, reducers, units, n)
        self._built = None
        return self

    def _items(self):
        if self._built is None:
            counted, reducers, units, n = self._args
            self._built = [{u: (counted[u][i], tuple(dict.fromkeys(c.rule for c in reducers[u][i]))
                                if i in reducers[u] else ()) for u in units} for i in range(n)]
        return self._built

    def __reduce__(self):  # pickled by its parts (a worker process's evaluations come back pickled)
        return _EntryCounted, self._args

    def __len__(self):
        return self._args[3]

    def __getitem__(self, i):
        return self._items()[i]

    def __iter__(self):
        return iter(self._items())


def _cap_note(c: Requirement) -> str:
    if c.is_share_cut:
        return f"{c.label_or_rule()} cut to {share_text(c.share)} of the counted total ({c.rule})"
    return f"{c.label_or_rule()} capped at {dec_str(c.maximum)} ({c.rule})"


def _requirements(rt: RegionRuntime, teacher: Teacher, profile: Teacher, period: Period, ruleset) -> tuple:
    """The region's requirements for a period and what it says is not required, memoised per runtime on the
    teacher's facts (batches repeat them)."""
    key = (profile, period, ruleset)
    try:
        hit = rt.memo.get(key)
    except TypeError:  # an unhashable region field: no memo
        hit, key = None, None
    if hit is None:
        items = list(rt.hook.xuefen_requirements(teacher=teacher, period=period, ruleset=ruleset,
                                                 settings=rt.settings) or ())
        hit = ([r for r in items if isinstance(r, Requirement)],
               tuple(r for r in items if isinstance(r, NotRequired)))
        if key is not None:
            if len(rt.memo) > 50_000:
                rt.memo.clear()
            rt.memo[key] = hit
    return hit


def evaluate(case: Case, rt: RegionRuntime | None = None) -> Evaluation:
    """Evaluate one teacher's case under its region's rules."""
    rt = rt or runtime(case.region, case.settings)
    teacher, as_of, region = rt.typed(case.teacher), case.as_of, rt.region  # declared fields typed once
    hook, settings = rt.hook, rt.settings
    cycle = hook.xuefen_cycle(teacher=teacher, as_of=as_of, region=region, settings=settings)
    history = convert_all(rt, teacher, case.activities, as_of=as_of, cycle=cycle)
    entries = history.entries
    warnings = list(history.warnings)
    for e in entries:
        if e.date > as_of:
            warnings.append(Warning(e.rule, e.article, f"dated {e.date}, after {as_of}: not counted yet",
                                    activity=e.activity))
    transitions = tuple(hook.xuefen_transition(teacher=teacher, history=history, as_of=as_of,
                                               settings=settings) or ())
    for t in transitions:  # a transition rule may move the cycle's window (Transition.cycle)
        if t.cycle is not None:
            cycle = history.cycle = t.cycle
    order = sorted(range(len(entries)), key=lambda i: (entries[i].date, entries[i].activity))
    earned_of = {unit: [e.amount(unit) for e in entries] for unit in UNITS}  # per unit, by entry index
    counted = {unit: list(amounts) for unit, amounts in earned_of.items()}  # as the caps and cuts leave them
    reducers: dict = {unit: defaultdict(list) for unit in UNITS}  # per unit, entry index -> the rules that cut it
    bsets = [frozenset(e.buckets) for e in entries]
    profile = replace(teacher, id="", name=None)  # requirements depend on the teacher's facts, not identity

    def ruleset_for(day: dt.date):
        return region.ruleset_on(min(day, as_of))

    year_reqs: dict[int, list[Requirement]] = {}
    year_idx: dict[int, list[int]] = {}
    picks: dict = {}  # each period's selections (_picker)
    periods: dict = {}
    basis = settings.get("registration_year", "calendar")
    treatment = settings.get("partial_year", "full")
    for y in _periods(cycle, entries, as_of, basis):
        start, end = _span(basis, y, cycle)
        period = Period("year", start, end, year=y, basis=basis)
        rs = ruleset_for(end)
        reqs, markers = _requirements(rt, teacher, profile, period, rs)
        part = _partial(rs, teacher, cycle, start, end)
        why = ""
        if part is not None:
            why, first, last = part
            if treatment == "prorated":
                months = _months(first, last)
                reqs = [_prorate(r, months, why) if r in _minimum_rows(reqs) else r for r in reqs]
            elif treatment == "not_required":
                dropped = _minimum_rows(reqs)
                reqs = [r for r in reqs if r not in dropped]
                markers = markers + tuple(NotRequired(r.rule, r.article, f"a partial year ({why}): setting "
                                                                         f"partial_year is not_required")
                                          for r in dict((r.rule, r) for r in dropped).values())
        year_reqs[y] = reqs
        periods[y] = PeriodInfo(start, end, basis, partial=why, treatment=treatment if why else "",
                                not_required=markers, rule=rs.rule if rs else region.rulesets[0].rule,
                                article=rs.article if rs else region.rulesets[0].article, no_rules=rs is None)
        if basis == "calendar":
            year_idx[y] = [i for i in order if entries[i].year == y and entries[i].date <= as_of]
        else:
            stop = min(end, as_of)
            year_idx[y] = [i for i in order if start <= entries[i].date <= stop]
        picks[y] = pick = _picker(entries, bsets, year_idx[y])
        _apply_caps([r for r in year_reqs[y] if r.is_cap], counted, reducers, pick)
        _apply_share_cuts([r for r in year_reqs[y] if r.is_share_cut], year_idx[y], counted, reducers, pick)
    cycle_reqs: list[Requirement] = []
    cycle_idx: list[int] = []
    if cycle is not None:
        period = Period("cycle", cycle.start, cycle.end)
        rs = ruleset_for(cycle.end)
        no_rules = rs is None and not any(r.start is None or r.start <= cycle.end for r in region.rulesets
                                          if r.end is None or r.end >= cycle.start)
        cycle_reqs, markers = _requirements(rt, teacher, profile, period, rs)
        periods["cycle"] = PeriodInfo(cycle.start, cycle.end, not_required=markers, rule=cycle.rule,
                                      article=cycle.article, no_rules=no_rules)
        cycle_idx = [i for i in order if cycle.start <= entries[i].date <= min(cycle.end, as_of)]
    picks["cycle"] = pick = _picker(entries, bsets, cycle_idx)
    if cycle is not None:
        _apply_caps([r for r in cycle_reqs if r.is_cap], counted, reducers, pick)
        _apply_share_cuts([r for r in cycle_reqs if r.is_share_cut], cycle_idx, counted, reducers, pick)
    years = []
    for y, reqs in year_reqs.items():
        if not reqs and not periods[y].not_required:
            continue
        results = _results(reqs, year_idx[y], entries, earned_of, counted, reducers, picks[y],
                           in_progress=periods[y].end > as_of)
        years.append((y, tuple(results)))
        warnings += _advice(results, year=y)
    cycle_results = tuple(_results(cycle_reqs, cycle_idx, entries, earned_of, counted, reducers, picks["cycle"],
                                   in_progress=cycle is not None and cycle.end > as_of))
    warnings += _advice(cycle_results)
    binding = [r for r in cycle_results if r.binding]
    cycle_met = bool(binding) and all(r.met for r in binding)  # a cycle requiring nothing is never met
    entry_counted = _EntryCounted(counted, reducers, region.units, len(entries))
    differing = {k: v for k, v in settings.items() if k in rt.setting_specs and v != rt.setting_specs[k].default}
    ev = Evaluation(
        region=region.code, as_of=as_of, teacher=teacher.id, units=region.units,
        entries=tuple(entries), refused=tuple(history.refused), years=tuple(years), cycle=cycle,
        cycle_results=cycle_results, cycle_met=cycle_met, certificate=None,
        transitions=transitions, warnings=tuple(warnings), periods=periods, entry_counted=entry_counted,
        settings=differing)
    ev = hook.xuefen_review(evaluation=ev, teacher=teacher, history=history, settings=settings,
                            region=region) or ev
    cert = hook.xuefen_certificate(teacher=teacher, cycle=ev.cycle, evaluation=ev, settings=settings,
                                   kind=None)
    if cert is not None and cert.kind == "cycle" and cert.status is None and ev.cycle is not None \
            and not any(r.binding for r in ev.cycle_results):
        # a cycle with no rule set in force or no requirement certifies nothing (issue 13)
        info = ev.periods.get("cycle")
        why = ("no rule set of the region was in force during the cycle" if info is not None and info.no_rules
               else "the cycle has no requirement")
        cert = attrs.evolve(cert, eligible=False, status="not_required",
                            reason=f"{why}: nothing to certify" if cert.eligible or not cert.reason
                            else f"{cert.reason} ({why})")
    return replace(ev, certificate=cert)  # attrs.evolve's result (the certificate has no converter)


def _advice(results, year=None) -> list[Warning]:
    out = []
    for r in results:
        if r.requirement.severity == "warning" and not r.met:
            where = f"in {year}" if year else "in the cycle"
            verb = "above" if (r.requirement.share_max or r.requirement.is_cap) else "short of"
            out.append(Warning(r.rule, r.requirement.article,
                               f"{r.requirement.label or r.rule} {where}: {dec_str(r.counted)} {r.requirement.unit}, "
                               f"{verb} {dec_str(r.threshold)}"))
    return out


@contextlib.contextmanager
def collector_paused():
    """Python's cyclic garbage collector paused for a batch (and resumed as it was, whatever happens).

    An evaluation makes no reference cycle (its values are frozen records, lists and dicts, freed by
    their reference counts), but it makes many objects, and every few thousand the collector walks the
    whole heap — the batch's kept results too: a third of a report's time at 2,000 teachers, and more
    the bigger the batch (issue 16's 12× the time for 10× the teachers). Anything cyclic made meanwhile
    is collected after the batch."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def evaluate_many(cases: Iterable[Case]) -> list[Evaluation]:
    """Evaluate a batch, building each region's runtime once (the collector paused: :func:`collector_paused`)."""
    cache: dict = {}
    out = []
    with collector_paused():
        for case in cases:
            key = (case.region, tuple(sorted((k, repr(v)) for k, v in case.settings.items())))
            rt = cache.get(key)
            if rt is None:
                rt = cache[key] = runtime(case.region, case.settings)
            out.append(evaluate(case, rt))
    return out
