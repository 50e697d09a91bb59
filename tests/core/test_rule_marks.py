"""The ``rule`` mark plugin (tests/rule_marks.py): what counts as citing a rule id, and reading marks from source."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from click.testing import CliRunner

from xuefen.model import Entry, Setting
from tests.conftest import ROOT
from tests.kunming.helpers import act, case
from tests.rule_marks import _Trace, static_marks


def _traced(body):
    trace = _Trace()
    trace.install()
    try:
        body()
    finally:
        trace.uninstall()
    return trace


def test_what_xuefen_builds_cites_its_rule_and_what_the_test_builds_does_not():
    import datetime as dt
    from decimal import Decimal

    def body():
        case([act("c", "training", level="city", hours=10)])  # a K-C2 entry, built by the plugin
        Entry(activity="x", year=2015, date=dt.date(2015, 5, 1), rule="K-C6", article="第八条",
              hours=Decimal(1), buckets=())  # built here: an expected value, not a citation

    before = Entry.__init__
    trace = _traced(body)
    assert trace.uncited(["K-C2", "K-C6"]) == ["K-C6"]
    assert Entry.__init__ is before  # restored after the test


def test_a_declaration_cites_its_rule_only_when_the_test_reads_it():
    from xuefen.regions import runtime

    trace = _traced(lambda: case([act("c", "training", level="city", hours=10)]))
    assert "K-C4" in trace.uncited(["K-C4"])  # every evaluation builds the K-C4 setting: no citation
    trace = _traced(lambda: runtime("kunming").setting_specs["degree_validity"].default)
    assert trace.uncited(["K-C4"]) == []
    assert "__getattribute__" not in vars(Setting)


def test_printed_text_cites_with_whole_ids_only():
    from xuefen_cli.main import cli

    trace = _traced(lambda: CliRunner().invoke(cli, ["rules", "kunming", "--json"]))
    assert trace.uncited(["K-T2", "K-C13", "K-C99"]) == ["K-C99"]
    trace = _Trace()
    trace.add_text("K-C10, SK-C2")
    assert trace.uncited(["K-C1", "K-C2", "K-C10", "SK-C2"]) == ["K-C1", "K-C2"]


def test_static_marks_reads_decorators_pytestmark_and_params(tmp_path):
    (tmp_path / "test_a.py").write_text(textwrap.dedent('''
        import pytest
        from pytest import mark

        pytestmark = [pytest.mark.slow, pytest.mark.rule("TP-1")]

        @pytest.mark.rule("K-C6", "K-C7")
        def test_one(): ...

        @pytest.mark.parametrize("x", [1, pytest.param(2, marks=pytest.mark.rule("Z-R5"))])
        def test_two(x): ...

        @mark.rule("C-V1")
        class TestThree:
            pytestmark = pytest.mark.rule("SZ-P1")
            def test_four(self): ...

        def helper(): ...
    '''), encoding="utf-8")
    marks = static_marks(tmp_path)
    name = f"{tmp_path.name}/test_a.py"
    assert marks == {"TP-1": {f"{name}::test_one", f"{name}::test_two", f"{name}::TestThree::test_four"},
                     "K-C6": {f"{name}::test_one"}, "K-C7": {f"{name}::test_one"}, "Z-R5": {f"{name}::test_two"},
                     "C-V1": {f"{name}::TestThree::test_four"}, "SZ-P1": {f"{name}::TestThree::test_four"}}


def test_a_marked_test_fails_naming_the_ids_its_code_never_cited(tmp_path):
    (tmp_path / "test_marked.py").write_text(textwrap.dedent('''
        import pytest
        from tests.kunming.helpers import act, case

        @pytest.mark.rule("K-C2")
        def test_cites():
            assert case([act("c", "training", level="city", hours=10)])["entries"]

        @pytest.mark.rule("K-C2", "K-C6")
        def test_claims_more():
            assert case([act("c", "training", level="city", hours=10)])["entries"]

        @pytest.mark.rule("TP-1")
        def test_prints_it():
            print("cited as TP-1")
    '''), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    p = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "tests.rule_marks",
                        "-W", "ignore::pytest.PytestUnknownMarkWarning", "-rf", "test_marked.py"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert "1 failed, 2 passed" in p.stdout, p.stdout + p.stderr
    assert "test_claims_more is marked @pytest.mark.rule('K-C2', 'K-C6')" in p.stdout
    assert "never cited K-C6:" in p.stdout and "Rule ids the code did cite: K-C2" in p.stdout
