"""``xuefen report --html``: one self-contained page, its figures read back against ``report --json``,
loaded in a real headless Chromium that must fetch nothing, printed to A4 PDF and screenshotted.

The registry (tests/workflow/helpers.py's tree, every claim approved), year 2015:

=====  ======  =============================================  ======================
who    school  approved activities (hours)                    2015
=====  ======  =============================================  ======================
T1     S1      city training 3 days × 8 = 24, school-based 20  44 of 72 (K-R2): short 28
T2     S1      county training 40                              40 of 72: short 32
T5     S1      city training 80                                met
T3     S2      hired 2015-03-01: county induction 60           60 of 120 (K-R3): short 60
T4     S3      city training 80                                met
=====  ======  =============================================  ======================

K-R5 (第十八条) flags S1 (2 of 3 short) and S2 (1 of 1), not S3. Every cycle (K-R1, 360) is short.
"""
from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tests.workflow.helpers import activity, load, teacher

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
needs_chromium = pytest.mark.skipif(CHROMIUM is None and not os.environ.get("CI"),
                                    reason="headless Chromium is not installed (apt-get install chromium); "
                                           "CI installs it and never skips")


@pytest.fixture
def registry(cli, tmp_path):
    teachers = [teacher("T1"), teacher("T2"), teacher("T5"), teacher("T3", school="S2", hired_on="2015-03-01"),
                teacher("T4", school="S3")]
    acts = [activity("T1", "a1", level="city", days=3),
            activity("T1", "a2", kind="school_based", level="school", hours=20, date="2015-06-01"),
            activity("T2", "a1", level="county", hours=40),
            activity("T5", "a1", level="city", hours=80),
            activity("T3", "a1", kind="new_teacher_training", level="county", hours=60),
            activity("T4", "a1", level="city", hours=80)]
    load(cli, tmp_path, teachers, acts)
    for _ in range(2):
        for actor in ("sa1", "sa2", "sa3", "ca1", "ca2"):
            cli("approve", "--all-queued", "--as", actor, "--on", "2015-10-01")
    return cli


class Page(HTMLParser):
    """Every element with its attributes, the text, and every place the page could name a resource."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.style: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag == "style":
            self._in_style = False

    def handle_data(self, data):
        (self.style if self._in_style else self.text).append(data)

    def having(self, **want) -> list[dict]:
        return [a for _, a in self.elements if all(a.get(k) == v for k, v in want.items())]


def _page(path: Path) -> Page:
    p = Page()
    p.feed(path.read_text(encoding="utf-8"))
    return p


def _html(cli, tmp_path, *args, org="KM", name="report.html") -> Path:
    path = tmp_path / name
    out = cli("report", "--org", org, "--year", "2015", "--html", path, *args, expect=0).stdout
    assert str(path) in out
    return path


@pytest.mark.rule("K-R2", "K-R3", "K-R5", "K-R1")
def test_the_page_holds_the_reports_figures(registry, tmp_path):
    rep = json.loads(registry("report", "--org", "KM", "--year", "2015", "--json", expect=0).stdout)
    page = _page(_html(registry, tmp_path))
    text = " ".join(page.text)
    # the summary cards are the JSON's summary
    cards = {a["data-figure"]: a["data-value"] for a in page.having() if "data-figure" in a and "data-value" in a}
    s = rep["summary"]
    assert cards == {"teachers": str(s["teachers"]), "with_requirements": str(s["with_requirements"]),
                     "met": str(s["met"]), "short": str(s["short"]), "flagged_schools": str(s["flagged_schools"]),
                     "cycle_met": f"{s['cycle_met']}/{s['with_cycle']}"}
    assert (s["teachers"], s["met"], s["short"], s["flagged_schools"]) == (5, 2, 3, 2)  # the hand-computed case
    # completion per requirement per school, recounted from the JSON's teachers
    want = defaultdict(lambda: [0, 0])
    for t in rep["teachers"]:
        for period, rows in (("year", t["requirements"]), ("cycle", t["cycle"]["requirements"])):
            for q in rows:
                cell = want[(t["school"], period, q["rule"], q["label"] or "")]
                cell[0] += q["met"]
                cell[1] += 1
    bars = {(a["data-school"], a["data-period"], a["data-rule"], a["data-label"]): [int(a["data-met"]),
                                                                                   int(a["data-total"])]
            for a in page.having(**{"class": "bar"}) if "data-period" in a}
    assert bars == dict(want)
    assert bars[("S1", "year", "K-R2", "annual hours")] == [1, 3]
    assert bars[("S2", "year", "K-R3", "induction training")] == [0, 1]
    assert bars[("S1", "cycle", "K-R1", "cycle hours")] == [0, 3]
    overview = {a["data-school"]: (int(a["data-met"]), int(a["data-total"]))
                for a in page.having(**{"class": "bar", "data-figure": "school-met"})}
    assert overview == {sc["id"]: (sc["with_requirements"] - sc["short"], sc["with_requirements"])
                        for sc in rep["schools"]} == {"S1": (1, 3), "S2": (0, 1), "S3": (1, 1)}
    # the shortfall list: each unmet requirement of the year, with its figures
    rows = sorted((a["data-teacher"], a["data-rule"], a["data-required"], a["data-counted"], a["data-short"])
                  for a in page.having() if "data-short" in a)
    assert rows == sorted((t["teacher"], q["rule"], q["required"], q["counted"], q["short"])
                          for t in rep["teachers"] for q in t["requirements"] if not q["met"])
    assert rows == [("T1", "K-R2", "72", "44", "28"), ("T2", "K-R2", "72", "40", "32"),
                    ("T3", "K-R3", "120", "60", "60")]
    # the school flags, each with its rule and article
    flags = Counter((a["data-school"], a["data-rule"]) for a in page.having(**{"class": "flag"}))
    assert set(flags) == {(sc["id"], f["rule"]) for sc in rep["schools"] for f in sc["flags"]}
    assert set(flags) == {("S1", "K-R5"), ("S2", "K-R5")}
    assert "第十八条" in text and "无标记" in text  # S3's page says it has none
    # K-R5 in the text's words (第十八条), from the school's figures, beside the plugin's own message
    assert "2/3名教师未完成2015年度规定学时（10%及以上）：当年不得参加县级以上各级各类先进单位（集体）评选" in text
    assert "2 of 3 teachers short of 2015's hours" in text
    # the rules behind the figures: every rule the JSON cites, with its article and digest
    cited = {a["data-rule"] for tag, a in page.elements if tag == "tr" and "data-rule" in a and "data-short" not in a}
    assert cited >= {"K-R1", "K-R2", "K-R3", "K-R5"}
    assert "5-year cycle: at least 360 hours" in text and "第三条, 第十六条" in text
    # in Chinese, with the region's labels
    assert "昆明市 2015年度教师继续教育学时报告" in text and "测试一区第一小学" in text and "年度学时" in text
    assert "新任教师入职培训" in text and "测试教师T1" in text
    assert page.having(lang="zh-CN")


def test_english_and_redacted(registry, tmp_path):
    en = _page(_html(registry, tmp_path, "--lang", "en", name="en.html"))
    text = " ".join(en.text)
    assert "teachers' continuing education, 2015" in text and "annual hours" in text and en.having(lang="en")
    red = _html(registry, tmp_path, "--redact", name="red.html").read_text(encoding="utf-8")
    assert "测试教师" not in red and "T-" in red and "已匿名" in red
    assert not re.search(r'data-teacher="T\d"', red)


def test_bad_options_are_clear_errors(registry, tmp_path):
    res = registry("report", "--org", "KM", "--year", "2015", "--html", tmp_path / "r.txt", expect=2)
    assert ".html" in res.output
    res = registry("report", "--org", "KM", "--year", "2015", "--html", tmp_path / "r.html", "--json", expect=2)
    assert "exclude" in res.output
    res = registry("report", "--org", "KM", "--year", "2015", "--html", tmp_path / "no" / "r.html", expect=2)
    assert "--html" in res.output and "Traceback" not in res.output


# -- no external request, in the markup and in a real browser -------------------------------------------------


URL_IN_CSS = re.compile(r"url\(\s*['\"]?([^'\")]*)|@import\s+['\"]?([^'\";\s]+)", re.I)
LOCAL = re.compile(r"^(#|data:|$)")


def references(page: Page) -> list[str]:
    """Every resource the markup names: src, href, srcset, xlink:href, poster, action, url(…) and @import."""
    found = []
    for _, a in page.elements:
        for k in ("src", "href", "xlink:href", "srcset", "poster", "action", "data", "background"):
            if a.get(k) is not None:
                found.append(a[k])
        if "style" in a:
            found += [m.group(1) or m.group(2) for m in URL_IN_CSS.finditer(a["style"])]
    for css in page.style:
        found += [m.group(1) or m.group(2) for m in URL_IN_CSS.finditer(css)]
    return found


def test_the_markup_names_no_external_resource(registry, tmp_path):
    path = _html(registry, tmp_path)
    page = _page(path)
    raw = path.read_text(encoding="utf-8")
    assert [r for r in references(page) if not LOCAL.match(r)] == []
    assert not [tag for tag, _ in page.elements if tag in ("script", "link", "iframe", "img", "object", "embed",
                                                          "base", "meta") and tag != "meta"]
    assert "http://" not in raw and "https://" not in raw and "//fonts" not in raw
    # the checker does see a reference when there is one
    probe = Page()
    probe.feed('<link href="https://cdn.example/x.css"><div style="background:url(//x.example/a.png)"></div>'
               '<style>@import "http://y.example/b.css";</style>')
    assert len([r for r in references(probe) if not LOCAL.match(r)]) == 3


def _chromium(url: str, tmp_path: Path, *extra: str) -> list[str]:
    """Load ``url`` in headless Chromium with a NetLog; the URLs of the requests the page itself started."""
    if CHROMIUM is None:  # only in CI (CI=true), where .ci/run installs it: fail, never skip
        pytest.fail("headless Chromium is missing in CI: .ci/run installs the chromium package")
    net = tmp_path / f"net-{len(list(tmp_path.glob('net-*')))}.json"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}",
           "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-extensions", "--no-pings", f"--log-net-log={net}", "--net-log-capture-mode=Everything",
           "--virtual-time-budget=3000", *extra, url]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    log = json.loads(net.read_text(encoding="utf-8") or "{}")
    types = {v: k for k, v in log["constants"]["logEventTypes"].items()}
    urls = []
    for e in log["events"]:
        p = e.get("params") or {}
        # a request the page started has the page's (file://) network isolation key; Chromium's own
        # background requests (update checks) have none, so they are not the page's
        if types.get(e["type"]) == "URL_REQUEST_START_JOB" and "file://" in str(p.get("network_isolation_key")):
            urls.append(p["url"])
    return urls


@needs_chromium
def test_chromium_loads_it_without_a_single_request_prints_it_to_a4_and_screenshots_it(registry, tmp_path):
    # the detector sees a request when a page makes one: a probe page against a real local server
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(204)
            self.end_headers()

        def log_message(self, *a):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        probe = tmp_path / "probe.html"
        probe.write_text(f'<img src="http://127.0.0.1:{server.server_port}/probe.png">', encoding="utf-8")
        seen = _chromium(probe.as_uri(), tmp_path, f"--screenshot={tmp_path / 'probe.png'}")
        assert f"http://127.0.0.1:{server.server_port}/probe.png" in seen and hits == ["/probe.png"]
        # the report: no request at all, whether screenshotted or printed
        path = _html(registry, tmp_path)
        shot = tmp_path / "report.png"
        assert _chromium(path.as_uri(), tmp_path, f"--screenshot={shot}", "--window-size=1240,1754") == []
        pdf = tmp_path / "report.pdf"
        assert _chromium(path.as_uri(), tmp_path, f"--print-to-pdf={pdf}", "--no-pdf-header-footer") == []
        assert hits == ["/probe.png"]
    finally:
        server.shutdown()
    assert shot.stat().st_size > 20_000 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert pdf.read_bytes()[:5] == b"%PDF-"
    if shutil.which("pdfinfo") is None and os.environ.get("CI"):
        pytest.fail("pdfinfo/pdftotext are missing in CI: .ci/run installs poppler-utils")
    if shutil.which("pdfinfo") and shutil.which("pdftotext"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
        pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
        size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info)
        assert (round(float(size.group(1))), round(float(size.group(2)))) == (595, 842)  # A4 in points
        assert pages >= 5  # the summary, a page per school (3), the rules
        per_page = [subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), str(pdf), "-"], capture_output=True,
                                   text=True).stdout for n in range(1, pages + 1)]
        starts = [next((i for i, p in enumerate(per_page) if name in p and "S" in p and i > 0), None)
                  for name in ("测试一区第一小学", "测试一区第二小学", "测试二区实验中学")]
        assert None not in starts and starts == sorted(starts) and len(set(starts)) == 3  # each school its page
        assert "K-R5" in "".join(per_page) and "第十八条" in "".join(per_page)


@pytest.mark.rule("K-R2", "K-R5")
def test_the_report_table_is_chinese_by_default_english_with_lang_en_and_fits_80_columns(registry, monkeypatch):
    from rich.cells import cell_len

    monkeypatch.setenv("COLUMNS", "80")
    zh = registry("report", "--org", "KM", "--year", "2015", "--short-only", expect=0).stdout
    en = registry("report", "--org", "KM", "--year", "2015", "--short-only", "--lang", "en", expect=0).stdout
    assert "继续教育学时报告" in zh and "2015年度" in zh and "未完成学时的教师" in zh and "年度学时" in zh
    flat = {k: re.sub(r"[\s│┃]", "", v) for k, v in (("zh", zh), ("en", en))}  # cells wrap inside a column
    assert "2/3名教师未完成2015" in flat["zh"]
    assert "xuefen report" in en and "teachers short of what they must earn" in en and "K-R2 annual" in en
    for text in (zh, en):
        assert "K-R5" in text and "测试教师T1" in text
        wide = [ln for ln in text.splitlines() if cell_len(ln) > 80]
        assert not wide, wide


@pytest.mark.rule("Z-R1", "Z-R2", "Z-R4")
def test_zhengzhou_page_charts_each_teachers_own_cycle(cli, tmp_path):
    """Zhengzhou has no yearly minimum (Z-R3 is advice): the overview and the school charts show the cycles.
    ZA (certificate 2017-06-01): 300 of 360 with 80 school-based → short 60 of Z-R1, Z-R2 met; ZB: 400 → met."""
    from tests.zhengzhou.helpers import approve_all
    from tests.zhengzhou.helpers import load as zload
    from tests.zhengzhou.helpers import teacher as zteacher

    acts = [activity("ZA", "sb", "school_based", "2017-10-01", level="school", hours=80, assessment="pass"),
            activity("ZA", "p", "training", "2018-03-01", level="county", hours=220, assessment="pass"),
            activity("ZB", "sb", "school_based", "2017-10-01", level="school", hours=80, assessment="pass"),
            activity("ZB", "p", "training", "2018-03-01", level="county", hours=320, assessment="pass")]
    zload(cli, tmp_path, [zteacher("ZA", previous_certificate_on="2017-06-01"),
                          zteacher("ZB", previous_certificate_on="2017-06-01")], acts)
    approve_all(cli, on="2019-01-15")
    rep = json.loads(cli("report", "--org", "ZZ", "--year", "2018", "--json", expect=0).stdout)
    path = tmp_path / "zz.html"
    cli("report", "--org", "ZZ", "--year", "2018", "--html", path, expect=0)
    page = _page(path)
    overview = {a["data-school"]: (a["data-met"], a["data-total"])
                for a in page.having(**{"class": "bar", "data-figure": "school-cycle-met"})}
    assert overview == {"ZS1": ("1", "2")}
    bars = {(a["data-rule"], a["data-met"], a["data-total"]) for a in page.having(**{"class": "bar"})
            if a.get("data-period") == "cycle"}
    assert bars == {("Z-R1", "1", "2"), ("Z-R2", "2", "2")}
    rows = [(a["data-teacher"], a["data-rule"], a["data-short"]) for a in page.having() if "data-short" in a]
    assert rows == [(t["teacher"], q["rule"], q["short"]) for t in rep["teachers"]
                    for q in t["cycle"]["requirements"] if not q["met"]] == [("ZA", "Z-R1", "60")]
    text = " ".join(page.text)
    assert "郑州市 2018年度教师继续教育学时报告" in text and "五年周期学时" in text and "四" in text
