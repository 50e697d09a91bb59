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


def rule_rows(code: str) -> list[dict]:
    """Every row in force for ``code``: the parent's rows, with the child's overriding by id."""
    rt = runtime(code)
    merged: dict[str, dict] = {}
    for batch in reversed(rt.hook.xuefen_rules() or []):  # core, parents, then the region
        for row in batch or ():
            d = {"id": row.id, "article": row.article, "text": row.text,
                 "values": {k: (str(v) if isinstance(v, Decimal) else v) for k, v in row.values.items()},
                 "region": row.region}
            if row.id in merged and merged[row.id]["region"] != row.region:
                d["overrides"] = merged[row.id]["region"]
            merged[row.id] = d
    return list(merged.values())
