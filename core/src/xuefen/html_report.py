"""The report as one self-contained HTML page: ``xuefen report --org ID --year Y --html FILE.html``.

It renders the report of :func:`xuefen.reports.build_report` (the same dict ``report --json``
prints, so the page can never disagree with it) with no network at all: inline CSS, inline SVG
charts drawn here, no script, no font, image or style sheet fetched from anywhere (the fonts are
the reader's own: Noto Sans CJK, PingFang, Microsoft YaHei …). It holds:

- the summary (teachers, met, short, flagged schools, cycles met) and a chart of each school's
  share of teachers meeting the year's requirements;
- per school, on its own printed page: its flags (Kunming's K-R5), a chart of completion per
  requirement (teachers meeting it / teachers it applies to, for the year and the cycle), and the
  shortfall list (each teacher short, by how much, of which rule);
- the rules behind every figure: each rule id cited, its article, its label and its digest text.

Every figure names its rule and article; the bars and rows carry ``data-`` attributes
(``data-school``, ``data-rule``, ``data-met``, ``data-total``, ``data-short`` …) so a test can read
the figures back. Printing gives A4 pages (``@page``), a page break before each school.
Chinese by default (``lang="en"`` for English): the words from :mod:`xuefen.labels`, the region and
rule names from the plugins.
"""
from __future__ import annotations

import html
from collections import defaultdict

from xuefen import labels as L

LEVEL_WORDS = {"province": ("省级", "province"), "city": ("市级", "city"), "county": ("县级", "county"),
               "school": ("学校", "school")}

CSS = """
@page { size: A4; margin: 14mm 12mm 14mm 12mm; }
* { box-sizing: border-box; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
html { background: #e9ecef; }
body { margin: 0 auto; max-width: 210mm; background: #fff; color: #1d2125; padding: 12mm 12mm 16mm;
  font: 14px/1.55 "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
  "WenQuanYi Micro Hei", sans-serif; }
h1 { font-size: 22px; margin: 0 0 4px; letter-spacing: .02em; }
h2 { font-size: 18px; margin: 0 0 6px; border-bottom: 2px solid #24527a; padding-bottom: 4px; color: #16324f; }
h2 small, h1 small { font-weight: normal; color: #5b6670; font-size: 13px; margin-left: 8px; }
h3 { font-size: 14.5px; margin: 14px 0 6px; color: #16324f; }
.meta { color: #5b6670; margin: 0 0 12px; font-size: 13px; }
.cards { display: flex; gap: 8px; margin: 10px 0 14px; flex-wrap: wrap; }
.card { flex: 1 1 0; min-width: 92px; border: 1px solid #d5dbe1; border-radius: 6px; padding: 8px 10px;
  background: #f7f9fb; }
.card b { display: block; font-size: 22px; line-height: 1.2; color: #16324f; }
.card span { font-size: 12px; color: #5b6670; }
.card.bad b { color: #b3261e; } .card.good b { color: #1e7b34; }
.card cite { display: block; font-style: normal; font-size: 11px; color: #7a858f; }
figure { margin: 6px 0 12px; }
figcaption { font-size: 12px; color: #5b6670; margin-top: 2px; }
svg { display: block; width: 100%; height: auto; }
svg text { font-family: inherit; }
table { border-collapse: collapse; width: 100%; font-size: 12.5px; }
th, td { border-bottom: 1px solid #e1e5ea; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef2f6; font-weight: 600; color: #34404b; white-space: nowrap; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.short { color: #b3261e; font-weight: 600; }
tr { break-inside: avoid; }
thead { display: table-header-group; }
.rule { font-family: "Noto Sans Mono CJK SC", "DejaVu Sans Mono", "Noto Sans CJK SC", "PingFang SC",
  "Microsoft YaHei", monospace; font-size: 11.5px; color: #24527a;
  white-space: nowrap; }
.flag { border-left: 4px solid #b3261e; background: #fdecea; padding: 6px 10px; margin: 6px 0; border-radius: 0 4px 4px 0; }
.flag b { color: #b3261e; }
.noflag { border-left: 4px solid #1e7b34; background: #eaf5ec; padding: 6px 10px; margin: 6px 0;
  border-radius: 0 4px 4px 0; color: #1e5d2c; }
.note { color: #5b6670; font-size: 12px; }
.nowrap { white-space: nowrap; }
.empty { color: #1e7b34; }
section.school { margin-top: 22px; }
section.rules { margin-top: 22px; }
footer { margin-top: 18px; font-size: 11px; color: #7a858f; border-top: 1px solid #e1e5ea; padding-top: 6px; }
@media print {
  html { background: #fff; }
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section.school, section.rules { break-before: page; margin-top: 0; }
  figure, .flag, .noflag, .cards { break-inside: avoid; }
  h2, h3 { break-after: avoid; }
}
"""


def _e(value) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _pct(met: int, total: int) -> str:
    return f"{met * 100 / total:.1f}%" if total else "—"


def _color(share: float) -> str:
    if share >= 0.9:
        return "#2e8b47"
    if share >= 0.6:
        return "#e0a100"
    return "#c8372d"


def _fit(text: str, cells: int) -> str:
    """``text`` cut to about ``cells`` display cells (a CJK character is two), with an ellipsis."""
    out, used = [], 0
    for ch in text:
        w = 2 if ord(ch) > 0x2E7F else 1
        if used + w > cells:
            return "".join(out).rstrip() + "…"
        out.append(ch)
        used += w
    return text


def bar_chart(rows: list[dict], *, lang: str, width: int = 760) -> str:
    """A horizontal bar chart as inline SVG: each row ``label``, ``sub`` (rule and article), ``met``,
    ``total`` and its ``data`` attributes; the bar is met/total, the figure beside it ``met/total (x%)``."""
    row_h, top, label_w, value_w = 40, 6, 300, 150
    bar_w = width - label_w - value_w - 10
    height = top * 2 + row_h * max(len(rows), 1)
    out = [f'<svg viewBox="0 0 {width} {height}" role="img" '
           f'width="{width}" height="{height}">']
    if not rows:
        out.append(f'<text x="0" y="{top + 24}" font-size="13" fill="#5b6670">'
                   f'{_e(L.term("no_requirement", lang))}</text>')
    for i, r in enumerate(rows):
        y = top + i * row_h
        share = r["met"] / r["total"] if r["total"] else 0.0
        attrs = " ".join(f'data-{k}="{_e(v)}"' for k, v in r["data"].items())
        out.append(f'<g class="bar" {attrs} data-met="{r["met"]}" data-total="{r["total"]}">')
        out.append(f'<title>{_e(r["label"])} · {_e(r["sub"])}: {r["met"]}/{r["total"]}</title>')
        out.append(f'<text x="0" y="{y + 16}" font-size="13.5" fill="#1d2125">{_e(_fit(r["label"], 38))}</text>')
        out.append(f'<text x="0" y="{y + 33}" font-size="11" fill="#24527a">{_e(_fit(r["sub"], 48))}</text>')
        out.append(f'<rect x="{label_w}" y="{y + 8}" width="{bar_w}" height="20" rx="3" fill="#e6eaee"/>')
        if share > 0:
            out.append(f'<rect x="{label_w}" y="{y + 8}" width="{bar_w * share:.1f}" height="20" rx="3" '
                       f'fill="{_color(share)}"/>')
        for tick in (0.5, 0.9):
            x = label_w + bar_w * tick
            out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{y + 5}" y2="{y + 31}" stroke="#9aa5b1" '
                       f'stroke-width="1" stroke-dasharray="2,2"/>')
        out.append(f'<text x="{label_w + bar_w + 10}" y="{y + 23}" font-size="13" fill="#1d2125">'
                   f'<tspan font-weight="600">{r["met"]}/{r["total"]}</tspan> ({_pct(r["met"], r["total"])})'
                   f'</text>')
        out.append("</g>")
    out.append("</svg>")
    return "".join(out)


def _req_key(period: str, q: dict) -> tuple:
    return (period, q["rule"], q.get("label") or "", q["unit"])


def completion(teachers: list[dict]) -> list[dict]:
    """Per requirement (the year's, then the cycle's): how many teachers it applies to and how many meet it,
    with its rule, article, unit and label; in the order the requirements first appear."""
    order: list[tuple] = []
    tally: dict[tuple, dict] = {}
    for t in teachers:
        rows = [("year", q) for q in t["requirements"]]
        rows += [("cycle", q) for q in (t.get("cycle") or {}).get("requirements", ())]
        for period, q in rows:
            key = _req_key(period, q)
            if key not in tally:
                order.append(key)
                tally[key] = {"period": period, "rule": q["rule"], "article": q["article"], "unit": q["unit"],
                              "label": q.get("label") or "", "region": t["region"], "met": 0, "total": 0}
            tally[key]["total"] += 1
            tally[key]["met"] += 1 if q["met"] else 0
    return [tally[k] for k in sorted(order, key=lambda k: (k[0] != "year",))]


def shortfall_rows(teachers: list[dict]) -> list[dict]:
    """The shortfall list, as ``report --short-only`` has it: each teacher's unmet requirements of the year,
    or, for a teacher with none that year, of the cycle."""
    out = []
    for t in teachers:
        if t["requirements"]:
            rows = [("year", q) for q in t["requirements"] if not q["met"]]
        else:
            rows = [("cycle", q) for q in (t.get("cycle") or {}).get("requirements", ()) if not q["met"]]
        for period, q in rows:
            out.append({"teacher": t["teacher"], "name": t.get("name"), "region": t["region"], "period": period,
                        **q})
    return out


def _level(level: str, lang: str) -> str:
    pair = LEVEL_WORDS.get(level)
    return (pair[0] if lang == "zh" else pair[1]) if pair else level


def _req_label(region: str, c: dict, lang: str) -> str:
    name = L.rule_label(region, c["rule"], lang, c.get("label") or None)
    if c["period"] == "cycle":
        name = f'{L.term("cycle", lang)} · {name}'
    return name


def render(report: dict, *, lang: str = L.DEFAULT_LANG, rules: dict | None = None) -> str:
    """The page for ``report`` (:func:`xuefen.reports.build_report`'s dict) in ``lang``.

    ``rules`` maps ``(region, rule id)`` to ``{"article", "text"}`` (the rule table rows, e.g. from
    :func:`xuefen.rules.rule_rows`) for the section on the rules behind the figures; without it the section
    lists ids and articles only.
    """
    L.check_lang(lang)
    t = lambda key: L.term(key, lang)  # noqa: E731
    rules = rules or {}
    s = report["summary"]
    year = report["year"]
    regions = sorted({sc["region"] for sc in report["schools"]} | {x["region"] for x in report["teachers"]})
    region_names = "、".join(L.region_name(r, lang) for r in regions) if lang == "zh" else \
        ", ".join(L.region_name(r, lang) for r in regions)
    cited: dict[tuple, dict] = {}

    def cite(region: str, rule: str, article: str) -> str:
        cited.setdefault((region, rule), {"article": article})
        return f"{rule} {article}"

    if lang == "zh":
        title = f"{report['name']} {year}年度教师继续教育学时报告"
    else:
        title = f"{report['name']} — teachers' continuing education, {year}"
    parts = ['<!DOCTYPE html>', f'<html lang="{"zh-CN" if lang == "zh" else "en"}">', "<head>",
             '<meta charset="utf-8">', '<meta name="viewport" content="width=device-width, initial-scale=1">',
             f"<title>{_e(title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>"]
    # -- the summary ------------------------------------------------------------------------------------
    parts.append('<header class="summary">')
    parts.append(f"<h1>{_e(title)}</h1>")
    meta = [f'{t("org")} {_e(report["org"])} · {_level(report["level"], lang)}',
            f'{t("region")} {_e(region_names)}', f'{t("as_of")} {_e(report["as_of"])}']
    if report.get("redacted"):
        meta.append("已匿名" if lang == "zh" else "redacted")
    parts.append(f'<p class="meta">{" · ".join(meta)}</p>')
    year_rules = sorted({(x["region"], q["rule"], q["article"]) for x in report["teachers"] for q in x["requirements"]})
    basis = "; ".join(cite(r, rid, art) for r, rid, art in year_rules) or "—"
    flag_rules = sorted({(sc["region"], f["rule"], f["article"]) for sc in report["schools"] for f in sc["flags"]})
    flag_basis = "; ".join(cite(r, rid, art) for r, rid, art in flag_rules) or "—"
    cycle_rules = sorted({(x["region"], x["cycle"]["rule"], x["evaluation"]["cycle"]["article"])
                          for x in report["teachers"] if x.get("cycle")})
    cycle_basis = "; ".join(cite(r, rid, art) for r, rid, art in cycle_rules) or "—"
    share = _pct(s["short"], s["with_requirements"])
    cards = [("teachers", s["teachers"], "", ""), ("with_requirements", s["with_requirements"], "", basis),
             ("met", s["met"], "good", basis), ("short", s["short"], "bad" if s["short"] else "good",
                                                 f'{share} · {basis}'),
             ("flagged_schools", s["flagged_schools"], "bad" if s["flagged_schools"] else "good", flag_basis),
             ("cycle_met", f'{s["cycle_met"]}/{s["with_cycle"]}', "", cycle_basis)]
    parts.append('<div class="cards">')
    for key, value, cls, why in cards:
        parts.append(f'<div class="card {cls}" data-figure="{key}" data-value="{_e(value)}"><b>{_e(value)}</b>'
                     f'<span>{_e(t(key))}</span>{f"<cite>{_e(why)}</cite>" if why else ""}</div>')
    parts.append("</div>")
    # each school's share of teachers meeting the year's requirements (where no teacher has one, as in
    # Zhengzhou, whose 72 a year is advice: the share meeting their cycle's)
    by_cycle = s["with_requirements"] == 0 and s["with_cycle"] > 0
    overview = []
    for sc in report["schools"]:
        mine = [x for x in report["teachers"] if x["school"] == sc["id"]]
        if by_cycle:
            total = sum(1 for x in mine if x.get("cycle"))
            met = sum(1 for x in mine if x.get("cycle", {}).get("met"))
        else:
            total, met = sc["with_requirements"], sc["with_requirements"] - sc["short"]
        sub = f'{sc["id"]} · {t("short")} {total - met}'
        if sc["flags"]:
            sub += f' · {" ".join(f["rule"] for f in sc["flags"])}'
        overview.append({"label": sc["name"], "sub": sub, "met": met, "total": total,
                         "data": {"school": sc["id"], "figure": "school-cycle-met" if by_cycle else "school-met"}})
    if by_cycle:
        cap = (f"各校周期达标教师 / 有周期的教师（{cycle_basis}）；本年度无年度要求。虚线为 50% 与 90%。" if lang == "zh"
               else f"Teachers meeting their cycle / teachers with one, per school ({cycle_basis}); no yearly "
                    f"requirement this year. Dashes at 50% and 90%.")
    elif lang == "zh":
        cap = f"各校达标教师 / 有{year}年度要求的教师（{basis}）；虚线为 50% 与 90%。"
    else:
        cap = f"Teachers meeting {year}'s requirements / teachers with one, per school ({basis}); dashes at 50% and 90%."
    parts.append(f'<h3>{_e(t("schools"))} · {_e(t("completion"))}</h3>')
    parts.append(f"<figure>{bar_chart(overview, lang=lang)}<figcaption>{_e(cap)}</figcaption></figure>")
    flagged = [sc for sc in report["schools"] if sc["flags"]]
    if flagged:
        parts.append(f'<h3>{_e(t("flagged_schools"))}</h3>')
        for sc in flagged:
            for f in sc["flags"]:
                parts.append(_flag_html(sc, f, lang, year))
    parts.append("</header>")
    # -- one page per school ------------------------------------------------------------------------------
    by_school: dict[str, list] = defaultdict(list)
    for x in report["teachers"]:
        by_school[x["school"]].append(x)
    for sc in report["schools"]:
        mine = by_school.get(sc["id"], [])
        parts.append(f'<section class="school" id="school-{_e(sc["id"])}" data-school="{_e(sc["id"])}">')
        parts.append(f'<h2>{_e(sc["name"])}<small>{_e(sc["id"])} · {_e(L.region_name(sc["region"], lang))} · '
                     f'{sc["teachers"]} {_e(t("teachers"))}</small></h2>')
        if sc["flags"]:
            for f in sc["flags"]:
                parts.append(_flag_html(sc, f, lang, year))
        else:
            parts.append(f'<div class="noflag" data-flags="0">{_e(t("no_flags"))}</div>')
        rows = []
        for c in completion(mine):
            rows.append({"label": _req_label(sc["region"], c, lang),
                         "sub": f'{cite(sc["region"], c["rule"], c["article"])} · {L.unit_label(c["unit"], lang)}',
                         "met": c["met"], "total": c["total"],
                         "data": {"school": sc["id"], "period": c["period"], "rule": c["rule"],
                                  "label": c["label"], "unit": c["unit"]}})
        parts.append(f'<h3>{_e(t("completion"))}</h3>')
        if lang == "zh":
            cap = "每项要求：达标教师 / 适用教师；年度为截至当年12月31日，周期为各教师所在的周期。"
        else:
            cap = "Each requirement: teachers meeting it / teachers it applies to; the year as of 31 December, " \
                  "the cycle each teacher is in."
        parts.append(f"<figure>{bar_chart(rows, lang=lang)}<figcaption>{_e(cap)}</figcaption></figure>")
        parts.append(f'<h3>{_e(t("shortfalls"))}</h3>')
        short = shortfall_rows(mine)
        if not short:
            parts.append(f'<p class="empty">{_e(t("no_shortfall"))}</p>')
        else:
            parts.append(_shortfall_table(short, report, lang, cite))
        parts.append("</section>")
    # -- the rules behind the figures ----------------------------------------------------------------------
    parts.append('<section class="rules">')
    parts.append(f'<h2>{_e(t("rules_cited"))}</h2>')
    parts.append(f'<table><thead><tr><th>{_e(t("region"))}</th><th>{_e(t("rule"))}</th><th>{_e(t("article"))}</th>'
                 f'<th>{_e("名称" if lang == "zh" else "name")}</th><th>{_e("规则摘要" if lang == "zh" else "digest")}'
                 f'</th></tr></thead><tbody>')
    for (region, rid), c in sorted(cited.items()):
        row = rules.get((region, rid), {})
        parts.append(f'<tr data-rule="{_e(rid)}"><td class="nowrap">{_e(L.region_name(region, lang))}</td>'
                     f'<td class="rule">{_e(rid)}</td><td class="nowrap">{_e(row.get("article") or c["article"])}</td>'
                     f'<td class="nowrap">{_e(L.rule_label(region, rid, lang))}</td><td class="note">{_e(row.get("text", ""))}</td></tr>')
    parts.append("</tbody></table>")
    if lang == "zh":
        foot = ("本页由 xuefen 生成，离线自包含（无脚本、无外部资源）。数字与 xuefen report --json 相同："
                "仅计入已审批的学时；每个数字均注明所依规则及条款。")
    else:
        foot = ("Made by xuefen, self-contained (no script, nothing fetched). The figures are those of "
                "xuefen report --json: approved claims only; each names the rule and article behind it.")
    parts.append(f"<footer>{_e(foot)}</footer></section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def _flag_html(sc: dict, f: dict, lang: str, year: int) -> str:
    """A flag: the rule's name, its rule and article, and its message; where the region gives a template for
    the flag in ``lang`` (``flag/RULE``), the message in that language from the school's figures, with the
    plugin's own message beside it."""
    name = L.rule_label(sc["region"], f["rule"], lang)
    message = _e(f["message"])
    template = L.flag_template(sc["region"], f["rule"], lang)
    if template:
        said = template.format(short=sc["short"], total=sc["with_requirements"], year=f.get("year", year),
                               school=sc["name"])
        message = f'{_e(said)}<br><span class="note">{message}</span>' if said != f["message"] else message
    return (f'<div class="flag" data-school="{_e(sc["id"])}" data-rule="{_e(f["rule"])}" '
            f'data-kind="{_e(f.get("kind", ""))}"><b>{_e(sc["name"])} · {_e(name)}</b> '
            f'<span class="rule">{_e(f["rule"])} {_e(f["article"])}</span><br>{message}</div>')


def _shortfall_table(short: list[dict], report: dict, lang: str, cite) -> str:
    t = lambda key: L.term(key, lang)  # noqa: E731
    head = [t("teacher")] + ([t("name")] if not report.get("redacted") else []) + [
        t("requirement"), t("rule"), t("required"), t("counted"), t("short")]
    out = ["<table class=\"shortfalls\"><thead><tr>"]
    for i, h in enumerate(head):
        cls = ' class="num"' if i >= len(head) - 3 else ""
        out.append(f"<th{cls}>{_e(h)}</th>")
    out.append("</tr></thead><tbody>")
    for q in short:
        unit = L.unit_label(q["unit"], lang)
        name = "" if report.get("redacted") else f'<td>{_e(q.get("name") or "")}</td>'
        label = L.rule_label(q["region"], q["rule"], lang, q.get("label") or None)
        if q["period"] == "cycle":
            label = f'{t("cycle")} · {label}'
        out.append(f'<tr data-teacher="{_e(q["teacher"])}" data-period="{q["period"]}" data-rule="{_e(q["rule"])}" '
                   f'data-label="{_e(q.get("label") or "")}" data-short="{_e(q["short"])}" '
                   f'data-counted="{_e(q["counted"])}" data-required="{_e(q["required"])}">'
                   f'<td>{_e(q["teacher"])}</td>{name}<td>{_e(label)}</td>'
                   f'<td class="rule">{_e(cite(q["region"], q["rule"], q["article"]))}</td>'
                   f'<td class="num">{_e(q["required"])} {_e(unit)}</td><td class="num">{_e(q["counted"])}</td>'
                   f'<td class="num short">{_e(q["short"])}</td></tr>')
    out.append("</tbody></table>")
    return "".join(out)


def rule_texts(regions) -> dict:
    """``{(region, rule id): {"article", "text"}}`` from each region's rule table (:func:`xuefen.rules.rule_rows`)."""
    from xuefen.rules import rule_rows

    out = {}
    for code in regions:
        try:
            rows = rule_rows(code)
        except Exception:  # an uninstalled region: ids and articles only
            continue
        for row in rows:
            out[(code, row["id"])] = {"article": row["article"], "text": row["text"]}
    return out


def write(report: dict, path, *, lang: str = L.DEFAULT_LANG) -> None:
    """Render ``report`` and write it to ``path`` (UTF-8)."""
    regions = {sc["region"] for sc in report["schools"]} | {x["region"] for x in report["teachers"]}
    text = render(report, lang=lang, rules=rule_texts(sorted(regions)))
    with open(path, "w", encoding="utf-8") as fh:
        fh.write(text)

