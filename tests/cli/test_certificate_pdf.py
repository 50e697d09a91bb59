"""``xuefen certificate pdf``: a real PDF, read back with poppler's pdftotext and pypdf, its QR code decoded
with zbarimg from a pdftoppm rendering, and the decoded code checked with ``certificate verify``.

Needs poppler-utils and zbar-tools (.ci/run installs them): outside CI a missing tool skips with the
reason, in CI (``CI=true``) it fails. Every person is invented.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli.test_certificate_verify import (ID_NUMBER, _write_a_certificate_as_before_codes, issue,
                                               registry, verify)

TOOLS = ("pdftotext", "pdftoppm", "zbarimg")


@pytest.fixture(autouse=True)
def tools():
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        msg = f"needs {', '.join(missing)} (apt-get install poppler-utils poppler-data zbar-tools)"
        if os.environ.get("CI") == "true":
            pytest.fail(msg + ": CI installs them (.ci/run)")
        pytest.skip(msg)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-raw", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def pages(path: Path) -> list[str]:
    return pdf_text(path).split("\f")[:-1]


def qr_codes(path: Path, tmp_path: Path) -> list[str]:
    """Every QR code zbarimg finds on each page, rendered at 150 dpi as a printer would see it."""
    out = tmp_path / f"{path.stem}-png"
    out.mkdir()
    subprocess.run(["pdftoppm", "-r", "150", "-png", str(path), str(out / "p")], check=True)
    found = []
    for png in sorted(out.glob("p-*.png")):
        r = subprocess.run(["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(png)],
                           capture_output=True, text=True)
        assert r.returncode == 0, f"{png}: no QR code found ({r.stderr.strip()})"
        found += r.stdout.split()
    return found


@pytest.fixture
def done(cli, tmp_path):
    return registry(cli, tmp_path)


@pytest.mark.rule("Z-R1", "Z-R2", "Z-R4")
def test_the_pdf_says_who_which_cycle_what_was_counted_and_its_qr_verifies(done, tmp_path):
    cert = issue(done, ID_NUMBER)
    out = tmp_path / "cert.pdf"
    r = done("certificate", "pdf", cert["serial"], "-o", out, expect=0)
    assert f"wrote {out} (1 page(s))" in r.output
    text = pdf_text(out)
    for expected in ("河南省中小学教师继续教育登记证书",  # the region's title (Z-R4, 四)
                     "王晓梅", ID_NUMBER,  # the teacher's own document: the whole id
                     "2017年4月1日", "2022年3月31日",  # the cycle
                     "Z-R1（四）", "360 学时", "Z-R2（四, 五）", "80 学时",  # per requirement, with the rule
                     cert["serial"], "发证日期：2020年6月1日", "有效期至：2025年5月31日",
                     "发证机关：河南省中小学教师继续教育管理系统", cert["verification_code"]):
        assert expected in text, f"{expected!r} not in the PDF's text:\n{text}"
    assert "printed online" not in text  # the Chinese issuer, not the English note
    # pypdf, a second reader, finds the same name and serial
    from pypdf import PdfReader
    reader = PdfReader(out)
    assert len(reader.pages) == 1
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # A4 landscape
    text2 = reader.pages[0].extract_text()
    assert cert["serial"] in text2 and "王晓梅" in text2 and cert["verification_code"] in text2
    # the QR code carries the verification code, which `certificate verify` accepts
    [code] = qr_codes(out, tmp_path)
    assert code == cert["verification_code"]
    v = verify(done, code, "--on", "2021-01-01")
    assert (v["serial"], v["name"], v["status"]) == (cert["serial"], "王晓梅", "valid")


@pytest.mark.rule("Z-R4")
def test_lang_en_renders_the_region_title_and_labels_in_english(done, tmp_path):
    cert = issue(done, ID_NUMBER)
    out = tmp_path / "en.pdf"
    done("certificate", "pdf", cert["serial"], "-o", out, "--lang", "en", expect=0)
    text = " ".join(pdf_text(out).split())
    for expected in ("Henan Primary and Secondary School Teachers' Continuing Education Registration Certificate",
                     "This is to certify that 王晓梅", "from 2017-04-01 to 2022-03-31", "360 hours",
                     "Valid until: 2025-05-31", "Issued on: 2020-06-01", cert["serial"],
                     "Henan teachers' continuing-education management system", "Rule: Z-R1 (四)"):
        assert expected in text, f"{expected!r} not in:\n{text}"
    assert "兹证明" not in text


def test_all_under_an_org_one_file_each_or_one_multi_page_file(done, tmp_path):
    a, b = issue(done, ID_NUMBER), issue(done, "ZT2")
    folder = tmp_path / "certs"
    r = done("certificate", "pdf", "--all", "--org", "ZD", "-o", folder, expect=0)
    assert "wrote 2 certificate(s)" in r.output
    assert sorted(p.name for p in folder.iterdir()) == [f"{a['serial']}.pdf", f"{b['serial']}.pdf"]
    assert "王晓梅" in pdf_text(folder / f"{a['serial']}.pdf") and "李建国" in pdf_text(folder / f"{b['serial']}.pdf")
    one = tmp_path / "all.pdf"
    done("certificate", "pdf", "--all", "--org", "ZD", "--one-file", one, expect=0)
    first, second = pages(one)
    assert "王晓梅" in first and a["serial"] in first and "李建国" not in first
    assert "李建国" in second and b["serial"] in second
    assert qr_codes(one, tmp_path) == [a["verification_code"], b["verification_code"]]
    # a unit with nobody certified
    assert "no certificates under ZSC" in done("certificate", "pdf", "--all", "--org", "ZSC", "-o", folder,
                                               expect=0).output


def test_a_revoked_certificate_is_stamped_with_the_revocation(done, tmp_path):
    cert = issue(done, ID_NUMBER)
    done("certificate", "revoke", cert["serial"], "--as", "zd", "--on", "2021-03-01", "--reason", "falsified",
         expect=0)
    out = tmp_path / "revoked.pdf"
    done("certificate", "pdf", cert["serial"], "-o", out, expect=0)
    text = pdf_text(out)
    assert "已撤销" in text and "2021-03-01" in text and "zd" in text


def test_bad_requests_are_clear_errors(done, tmp_path):
    cert = issue(done, ID_NUMBER)
    cases = [
        (("certificate", "pdf", cert["serial"]), "give -o FILE.pdf"),
        (("certificate", "pdf", "--all", "-o", tmp_path), "--all needs --org ID"),
        (("certificate", "pdf", "--all", "--org", "ZD"), "--all needs -o DIR"),
        (("certificate", "pdf", "NO-SUCH", "-o", tmp_path / "x.pdf"), "certificate 'NO-SUCH' not found"),
        (("certificate", "pdf", cert["serial"], "-o", tmp_path / "nowhere" / "x.pdf"), "does not exist"),
        (("certificate", "pdf", "--all", "--org", "NOPE", "-o", tmp_path / "d"), "org unit 'NOPE' not found"),
    ]
    for args, message in cases:
        r = done(*args, expect=2)
        assert message in r.output and "Traceback" not in r.output, r.output
    assert list(tmp_path.glob("*.part")) == [] and not (tmp_path / "x.pdf").exists()


def test_a_certificate_issued_before_codes_renders_once_it_has_one(done, tmp_path):
    old = _write_a_certificate_as_before_codes(done, ID_NUMBER)
    out = tmp_path / "old.pdf"
    r = done("certificate", "pdf", old, "-o", out, expect=2)
    assert "no verification code yet" in r.output and "certificate assign-codes --serial" in r.output
    assert not out.exists()
    got = json.loads(done("certificate", "assign-codes", "--serial", old, "--as", "zd", "--json", expect=0).stdout)
    done("certificate", "pdf", old, "-o", out, expect=0)
    assert qr_codes(out, tmp_path) == [got[0]["verification_code"]]
    # it was written before requirements were recorded on certificates: what it counted, per rule
    assert "Z-R1（四）" in pdf_text(out) and "360 学时" in pdf_text(out)


def test_every_region_title_a_hook_gives_is_declared_in_its_rule_table_in_both_languages():
    """The titles are data with a rule and article (``certificate_titles``), Chinese and English."""
    from xuefen import certificate_pdf
    from xuefen.claims.certificates import Certificate
    from xuefen.evaluate import evaluate
    from xuefen.io.case import read_case_file
    from xuefen.regions import runtime

    root = Path(__file__).resolve().parents[1] / "shared" / "examples"
    seen = {}
    for case in sorted(root.glob("*.json")):
        ev = evaluate(read_case_file(case))
        spec = ev.certificate
        if spec is None or not spec.title:
            continue
        cert = Certificate(id="x", serial="S", teacher="T", region=ev.region, kind=spec.kind, issued_on=ev.as_of,
                           rule=spec.rule, article=spec.article, title=spec.title, issuer=spec.issuer)
        t = certificate_pdf.titles(runtime(ev.region, {}).region.rules, cert)
        assert t["rule"], f"{case.name}: the title {spec.title!r} is not declared in {ev.region}'s rule table"
        assert t["zh"] and t["en"] and t["issuer"]["zh"] and t["issuer"]["en"] and t["en"] != t["zh"]
        seen[ev.region] = t["rule"]
    assert len(seen) >= 4, seen
    from xuefen_zhengzhou.rules import CYCLE_TITLE, NEW_TEACHER_TITLE, PAPER_TITLE, RULES
    for title, rule in ((CYCLE_TITLE, "Z-R4"), (NEW_TEACHER_TITLE, "Z-R5"), (PAPER_TITLE, "Z-T1")):
        cert = Certificate(id="x", serial="S", teacher="T", region="zhengzhou", kind="cycle",
                           issued_on=__import__("datetime").date(2020, 1, 1), rule="Z-R1", article="四", title=title)
        assert certificate_pdf.titles(RULES, cert)["rule"] == rule


def test_many_requirements_fit_above_the_issuer_block(tmp_path):
    """A region with many rows (Lincang's hours, credits and modules): the type shrinks so the table ends
    above the issuer block, read back from the words' boxes (pdftotext -bbox)."""
    import datetime as dt
    import re
    from decimal import Decimal as D

    from xuefen.certificate_pdf import Row, View, render

    rows = tuple(Row(f"L-R{i}", f"第{i}条", f"测试要求{i}", "credits" if i % 2 else "hours", D(10 * i), D(10 * i + 1))
                 for i in range(1, 9))
    v = View(lang="zh", serial="LINCANG-CYCLE-2021-000007", title="教师资格定期注册：全员培训学时学分",
             title_rule="L-E1", title_article="第四条", region_name="临沧市", name="欧阳晓梅",
             teacher_id="530902198507150028", kind="cycle", cycle_start=dt.date(2016, 9, 1),
             cycle_end=dt.date(2021, 8, 31), rows=rows, issuer="县（市）级教育行政部门", issued_on=dt.date(2021, 9, 15),
             valid_until=None, code="7KQ2M-4XH9D-P0RWT-C3N8V", rule="L-E1", article="第四条", school="临翔区测试中学")
    out = render([v], tmp_path / "many.pdf")
    html = subprocess.run(["pdftotext", "-bbox", str(out), "-"], capture_output=True, text=True, check=True).stdout
    boxes = {m.group(5): (float(m.group(2)), float(m.group(4)))  # word -> (top, bottom), from the page's top
             for m in re.finditer(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
                                  html)}
    last = boxes["测试要求8"]
    issuer = next(box for word, box in boxes.items() if word.startswith("发证机关"))
    assert last[1] < issuer[0], (last, issuer)
    assert "81 学时" in pdf_text(out) and "71 学分" in pdf_text(out) and "长期有效" in pdf_text(out)  # the last row's figure; no end date
