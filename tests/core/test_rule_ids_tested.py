"""Every rule id of every installed region has a test marked with it: ``@pytest.mark.rule("K-C6")``.

The marked tests are what break when a number or a condition in a region's table changes, and
``tests/rule_marks.py`` fails a marked test unless the code it runs cites the id (a rule of what
xuefen built, or text it printed). This test keeps a new row from going in without one.

The marks are read from the source of the whole tests folder (``static_marks``), so this holds
when only part of the suite is selected; the last test checks that reading against the marks
pytest collected in this run.
"""
from __future__ import annotations

import pytest

from xuefen.regions import installed
from xuefen.rules import rule_rows
from tests.rule_marks import COLLECTED, static_marks

MARKS = static_marks()
CODES = sorted(installed())


@pytest.mark.parametrize("code", CODES)
def test_every_rule_id_has_a_test_marked_with_it(code):
    ids = {row["id"] for row in rule_rows(code)}
    assert ids, f"{code} declares no rules"
    missing = sorted(ids - set(MARKS))
    assert not missing, f"{code}: rule ids no test is marked with (@pytest.mark.rule(id)): {missing}"


def test_every_marked_id_is_a_rule_of_an_installed_region():
    known = {row["id"] for code in CODES for row in rule_rows(code)}
    unknown = {rule_id: sorted(tests) for rule_id, tests in MARKS.items() if rule_id not in known}
    assert not unknown, f"marks naming no rule of {', '.join(CODES)}: {unknown}"


def test_the_source_reading_finds_every_mark_pytest_collected(request):
    collected = request.config.stash.get(COLLECTED, {})
    unseen = sorted(f"{nodeid} ({rule_id})" for rule_id, nodeids in collected.items() for nodeid in nodeids
                    if nodeid.split("[")[0] not in MARKS.get(rule_id, ()))
    assert not unseen, f"marks static_marks() does not read (write them as @pytest.mark.rule('ID')): {unseen}"
