"""Rule tables: the rows a region cites, and the plugin toolkit built on them.

A region's rules module declares its table once (:func:`table`); its hooks cite
through it: ``R.entry("K-C6", act, hours=…)`` builds the :class:`~xuefen.model.Entry`
citing the row's id and article, ``R.refuse(...)`` the :class:`~xuefen.model.Refusal`,
``R.article(id)`` and ``R.value(id, key)`` read a row. A child region that restates
its parent's rules in its own articles declares ``PARENT.child(code, rows…,
restates={id: article}, changes={id: (parent ids)})``: looked up by id, it answers
with its own rows first and its parent's after, so the parent's code, handed the
child's table, cites the child's articles. ``R.requirement("K-R2", "hours",
minimum="minimum")`` builds a :class:`~xuefen.model.Requirement` from a row's
values, so a child changing one row changes the requirement the parent's code builds.

Declared on the region (``Region(rules=R)``), the table is what the core answers
``xuefen_rules`` with (:func:`xuefen.regions.plugin_manager`) and what every rule set
of the region carries to the hooks (``ruleset.rules``). :func:`rule_rows` collects the
rows in force for ``xuefen rules`` with inheritance visible.
"""
from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any, Iterable, Iterator

import attrs

from xuefen.model import Activity, Entry, Flag, Refusal, Requirement, RuleRow, Warning
from xuefen.regions import runtime

#: a row's ``values`` key naming the parent rows (ids) a child's row changes; shown, not a number
CHANGES = "changes"


class UnknownRule(KeyError):
    """A rule id a table does not hold: a plugin bug, named with the table's region and the ids it knows."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


def _buckets(buckets: Iterable[str | None]) -> tuple[str, ...]:
    """Buckets in order, empty ones (an unstated level) dropped, each once."""
    return tuple(dict.fromkeys(b for b in buckets if b))


@attrs.frozen(eq=False)
class RuleTable(Mapping):
    """A region's rule rows by id, with the helpers its hooks cite through.

    A mapping of every row in force (the parent's, then the table's own overriding
    by id), so ``R["K-C6"]`` and ``R.values()`` read as a dict does. ``declared()``
    gives the rows this table itself states (a child's own and restated rows), what
    the region answers ``xuefen_rules`` with.
    """

    region: str  #: region code that declares the table
    rows: dict = attrs.field(factory=dict, repr=False)  #: the rows this table states, by id
    parent: "RuleTable | None" = attrs.field(default=None, repr=False)  #: the table rows are inherited from

    # -- the mapping ------------------------------------------------------------------

    def __getitem__(self, rule_id: str) -> RuleRow:
        table: RuleTable | None = self
        while table is not None:
            row = table.rows.get(rule_id)
            if row is not None:
                return row
            table = table.parent
        known = ", ".join(self)
        raise UnknownRule(f"rule {rule_id!r} is not in {self.region}'s rule table (known: {known or 'none'})")

    def __iter__(self) -> Iterator[str]:
        seen = dict.fromkeys(self.parent or ())
        seen.update(dict.fromkeys(self.rows))
        return iter(seen)

    def __len__(self) -> int:
        return sum(1 for _ in self)

    # -- reading rows ---------------------------------------------------------------------

    def row(self, rule_id: str) -> RuleRow:
        """The row in force for ``rule_id``; an unknown id is :class:`UnknownRule`."""
        return self[rule_id]

    def article(self, rule_id: str) -> str:
        """The article this table cites for ``rule_id`` (a child's restated article, if it restates it)."""
        return self[rule_id].article

    def value(self, rule_id: str, key: str) -> Any:
        """One number (or list) of a row: ``R.value("K-C6", "maximum")``; a missing key names the row."""
        row = self[rule_id]
        try:
            return row.values[key]
        except KeyError:
            known = ", ".join(row.values) or "none"
            raise UnknownRule(f"rule {rule_id!r} of {row.region or self.region} has no value {key!r} "
                              f"(it has: {known})") from None

    def declared(self) -> tuple[RuleRow, ...]:
        """The rows this table states itself (a child: its restated rows, then its own)."""
        return tuple(self.rows.values())

    def changed_by(self, rule_id: str) -> tuple[str, ...]:
        """Ids of the rows in force whose ``changes`` name ``rule_id`` (Dongying's D-L1 changes S-L1)."""
        return tuple(r.id for r in self.values() if rule_id in r.values.get(CHANGES, ()))

    # -- building results -----------------------------------------------------------------

    def entry(self, rule_id: str, activity: Activity, *, year: int | None = None, hours=None, credits=None,
              buckets: Iterable[str | None] = (), note: str | None = None) -> Entry:
        """An entry of ``activity`` citing the row (its year by default the activity's; empty buckets dropped)."""
        return Entry(activity=activity.id, year=year or activity.date.year, date=activity.date, rule=rule_id,
                     article=self.article(rule_id), hours=hours, credits=credits, buckets=_buckets(buckets),
                     note=note)

    def refuse(self, rule_id: str, activity: Activity, reason: str) -> Refusal:
        """A refusal of ``activity`` citing the row."""
        return Refusal(activity.id, rule_id, self.article(rule_id), reason)

    def warning(self, rule_id: str, message: str, activity: Activity | str | None = None) -> Warning:
        """A warning citing the row, about ``activity`` (or its id) if given."""
        act = activity.id if isinstance(activity, Activity) else activity
        return Warning(rule_id, self.article(rule_id), message, activity=act)

    def flag(self, rule_id: str, kind: str, message: str, *, activity: str | None = None,
             year: int | None = None) -> Flag:
        """A flag citing the row."""
        return Flag(rule_id, self.article(rule_id), kind, message, activity=activity, year=year)

    def requirement(self, rule_id: str, unit: str, *, minimum: str | None = None, maximum: str | None = None,
                    share: str | None = None, **fields) -> Requirement:
        """A requirement whose numbers are the row's values: ``R.requirement("K-R2", "hours", minimum="minimum")``.

        ``minimum``, ``maximum`` and ``share`` name keys of the row's ``values``; the rule id and
        article are the row's. Built from the table in force (``ruleset.rules``), a child region
        that changes one row (a city's 80 under a province's 72) changes the requirement without
        restating its parent's code. Other keyword arguments are :class:`Requirement` fields.
        """
        row = self[rule_id]
        nums = {k: self.value(rule_id, key) for k, key in (("minimum", minimum), ("maximum", maximum),
                                                          ("share", share)) if key is not None}
        return Requirement(rule_id, row.article, unit, **nums, **fields)

    # -- children -------------------------------------------------------------------------

    def child(self, region: str, *rows: tuple, restates: Mapping[str, str] | None = None,
              changes: Mapping[str, Iterable[str]] | None = None) -> "RuleTable":
        """A child region's table: this table's rows, overlaid by the child's.

        ``restates`` maps ids of this table to the child's article restating them (same
        id, text and values; the child's article and region); ``rows`` are the child's
        own ``(id, article, text, {values})`` rows, and ``changes`` names, for some of
        them, the parent ids they change (stored under the values key ``changes``).
        """
        out: dict[str, RuleRow] = {}
        for rid, article in (restates or {}).items():
            out[rid] = attrs.evolve(self[rid], article=article, region=region)
        own = table(region, *rows).rows
        for rid, row in own.items():
            if rid in out:
                raise ValueError(f"rule {rid} is both restated and stated in {region}'s table")
            if changes and rid in changes:
                for pid in changes[rid]:
                    self[pid]  # an unknown parent id is an error here, not a silent note
                row = attrs.evolve(row, values={**row.values, CHANGES: tuple(changes[rid])})
            out[rid] = row
        unknown = set(changes or ()) - set(own)
        if unknown:
            raise UnknownRule(f"changes names rules {', '.join(sorted(unknown))} that {region}'s table "
                              f"does not state")
        return RuleTable(region=region, rows=out, parent=self)


def table(region: str, *rows: tuple) -> RuleTable:
    """Build a region's table from ``(id, article, text, {values})`` tuples, keyed by id."""
    out = {}
    for row in rows:
        rid, article, text, *rest = row
        values = rest[0] if rest else {}
        if rid in out:
            raise ValueError(f"rule {rid} appears twice in {region}'s table")
        out[rid] = RuleRow(id=rid, article=article, text=text, values=dict(values), region=region)
    return RuleTable(region=region, rows=out)


def rule_rows(code: str) -> list[dict]:
    """Every row in force for ``code``: the parent's rows, with the child's overriding by id.

    A child's row with a parent's id and the same text and values only restates it in
    the child's own article (``restates``); a row whose ``values`` name parent ids under
    ``changes`` (Dongying's D-C1 changes S-C4) marks those rows ``changed_by``.
    """
    rt = runtime(code)
    merged: dict[str, dict] = {}
    for batch in reversed(rt.hook.xuefen_rules() or []):  # core, parents, then the region
        for row in batch or ():
            values = {k: v for k, v in row.values.items() if k != CHANGES}
            d = {"id": row.id, "article": row.article, "text": row.text,
                 "values": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in values.items()},
                 "region": row.region}
            prev = merged.get(row.id)
            if prev is not None and prev["region"] != row.region:
                d["overrides"] = prev["region"]
                if prev["text"] == d["text"] and prev["values"] == d["values"]:
                    d["restates"] = {"region": prev["region"], "article": prev["article"]}
            if row.values.get(CHANGES):
                d[CHANGES] = list(row.values[CHANGES])
            merged[row.id] = d
    for d in merged.values():
        for rid in d.get(CHANGES, ()):
            if rid in merged:
                merged[rid].setdefault("changed_by", []).append(d["id"])
    return list(merged.values())
