"""Rule tables: the rows a region cites, collected through ``xuefen_rules`` with inheritance visible."""
from __future__ import annotations

from decimal import Decimal

from xuefen.model import RuleRow
from xuefen.regions import runtime


def table(region: str, *rows: tuple) -> dict[str, RuleRow]:
    """Build a region's table from ``(id, article, text, {values})`` tuples, keyed by id."""
    out = {}
    for row in rows:
        rid, article, text, *rest = row
        values = rest[0] if rest else {}
        if rid in out:
            raise ValueError(f"rule {rid} appears twice in {region}'s table")
        out[rid] = RuleRow(id=rid, article=article, text=text, values=dict(values), region=region)
    return out


#: a row's ``values`` key naming the parent rows (ids) a child's row changes; shown, not a number
CHANGES = "changes"


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
