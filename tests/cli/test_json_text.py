"""``xuefen_cli.output.json_text`` (what every ``--json`` prints) is ``json.dumps(…, ensure_ascii=False, indent=1,
default=str)`` byte for byte: the faster builder must never change a JSON output."""
from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from xuefen_cli.output import json_text


def reference(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


leaves = (st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
          | st.text() | st.decimals(allow_nan=False) | st.dates())
keys = st.text() | st.integers() | st.booleans() | st.none() | st.floats(allow_nan=False)
values = st.recursive(leaves, lambda inner: st.lists(inner, max_size=4) | st.tuples(inner, inner)
                      | st.dictionaries(keys, inner, max_size=4), max_leaves=30)


@settings(max_examples=400, deadline=None)
@given(values)
def test_the_same_text_as_json_dumps(data):
    assert json_text(data) == reference(data)


@pytest.mark.parametrize("data", [{}, [], {"a": []}, [{}], "中文\u2028\"\\\n", float("nan"), -0.0,
                                  {1: "a", 2.5: "b", True: 1, None: 2, False: [()]},
                                  {"amount": Decimal("1.50"), "day": dt.date(2020, 1, 31)}])
def test_edge_values(data):
    assert json_text(data) == reference(data)


def test_errors_as_json_dumps():
    loop: list = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference"):
        json_text(loop)
    with pytest.raises(TypeError, match="keys must be str, int, float, bool or None, not tuple"):
        json_text({(1, 2): 3})
    with pytest.raises(TypeError):
        reference({(1, 2): 3})


def test_a_report(tmp_path):
    """A whole demo report (every shape ``report --json`` prints) as both build it."""
    from click.testing import CliRunner

    from xuefen_cli.main import cli

    db = tmp_path / "demo.db"
    runner = CliRunner()
    built = runner.invoke(cli, ["demo", "--region", "kunming", "--db", str(db)], catch_exceptions=False)
    assert built.exit_code == 0, built.output
    out = runner.invoke(cli, ["--db", f"sqlite:///{db}", "report", "--org", "KM-D", "--year", "2024", "--json"],
                        catch_exceptions=False)
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["teachers"] and out.output == reference(data) + "\n"
