"""``xuefen new-region CODE --name 名称``: write a new region's distribution, ready to install and test.

The distribution ``xuefen-CODE`` (package ``xuefen_CODE``) is the simplest correct
region, in the shape of ``plugins/suzhou-jq``: a rule table of two example rows
(an annual minimum and a conversion rate, ``PREFIX-R1`` and ``PREFIX-C1``, each
with a placeholder article), hooks converting and requiring through it, a README
with the settings and rule tables, one test per rule id (``@pytest.mark.rule``)
and a worked case with an ``expect`` block for ``xuefen test``. As generated it
installs (``pip install -e xuefen-CODE``) and passes its own tests; then replace
the example rows with the region's text (docs/adding-a-region.md).

With ``--parent P`` it writes a child of the installed region ``P`` restating
nothing: the table is ``P``'s ``REGION.rules.child(CODE)`` with no rows, the region
is ``P``'s declaration with the new code and ``parent="P"``, no hooks (every
question goes to the parent), the parent's distribution a dependency; its tests
check it answers as the parent does, and its worked case holds the parent's
results for one training activity, computed when it is written.
"""
from __future__ import annotations

import re
from pathlib import Path
from string import Template

import click

#: a region code: lowercase letters and digits, parts joined by single hyphens (``suzhou-jq``)
CODE_RE = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
#: a rule id prefix: capital letters (``SZ`` in ``SZ-R1``)
PREFIX_RE = re.compile(r"[A-Z]{1,8}")

PYPROJECT = Template('''\
[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"

[project]
name = "xuefen-$code"
version = "0.1.0"
description = "xuefen region plugin: $name ($code)."
readme = "README.md"
requires-python = ">=3.11"
dependencies = ["xuefen>=0.1.0"]

[project.entry-points."xuefen.regions"]
$code = "$package.hooks"

[tool.hatch.build.targets.wheel]
packages = ["src/$package"]

[tool.pytest.ini_options]
testpaths = ["tests"]
addopts = "-ra --strict-markers"
markers = ["rule(*ids): the test is about these rule ids"]
''')

INIT = Template('''\
"""$name ($code) region plugin for xuefen."""
''')

RULES = Template('''\
"""$name's numbers, each row with its id and article.

Example rows written by ``xuefen new-region``: replace them with the region's
text, one row per rule, every number in a row (docs/adding-a-region.md).
"""
from __future__ import annotations

from decimal import Decimal as D

from xuefen.rules import table

CODE = "$code"

RULES = table(
    CODE,
    ("$prefix-R1", "第X条", "every calendar year at least 24 credits",
     {"minimum": D(24)}),
    ("$prefix-C1", "第X条", "training (kind training): credits by its stated hours, 1 hour = 1 credit; "
     "other kinds earn nothing", {"credits_per_hour": D(1), "kinds": ("training",)}),
)
''')

HOOKS = Template('''\
"""$name ($code): hooks. Every number comes from :mod:`$package.rules`.

Annual only, no cycle: every calendar year at least the $prefix-R1 minimum;
training converted by $prefix-C1, every other kind refused citing it.
"""
from __future__ import annotations

from xuefen import hookimpl
from xuefen.model import Region, Requirement, RuleSet, dec_str

from $package.rules import CODE, RULES as R

RULESET = "$name (example rules)"

REGION = Region(
    code=CODE,
    name="$name",
    units=("credits",),
    rulesets=(RuleSet(RULESET, None, None, "$prefix-R1", R.article("$prefix-R1")),),
    source="(the regulation text: title, issuer, date)",
    parent=None,
    cycle_years=None,  # annual only
    cycle_rule=("$prefix-R1", R.article("$prefix-R1")),
    rules=R,
)


@hookimpl
def xuefen_convert(activity, teacher, history, ruleset, settings):
    """$prefix-C1: training by its hours; every other kind refused."""
    act = activity
    c1 = R["$prefix-C1"].values
    if act.kind not in c1["kinds"]:
        return [R.refuse("$prefix-C1", act, f"no article credits an activity of kind {act.kind!r}")]
    if act.hours is None:
        return [R.refuse("$prefix-C1", act, "training is credited by its hours: hours required")]
    rate = c1["credits_per_hour"]
    return [R.entry("$prefix-C1", act, credits=act.hours * rate, buckets=[act.kind],
                    note=f"{dec_str(act.hours)} hours × {dec_str(rate)}")]


@hookimpl
def xuefen_requirements(teacher, period, ruleset, settings):
    """$prefix-R1: the annual minimum."""
    if period.kind != "year" or ruleset is None:
        return []
    return [Requirement("$prefix-R1", R.article("$prefix-R1"), "credits", minimum=R.value("$prefix-R1", "minimum"),
                        label="annual total")]
''')

README = Template('''\
# xuefen-$code

$name's rules for xuefen, as written by `xuefen new-region`: **example rows** to
replace with the region's text (see the project's docs/adding-a-region.md).
`xuefen rules $code` prints the table.

## Region code: `$code`

The entry-point name in `pyproject.toml` (`[project.entry-points."xuefen.regions"]
$code = "$package.hooks"`) and the `region` of a case: `xuefen evaluate case.json`
with `"region": "$code"`. The Python package is `$package`.

## Rules

| id | article | rule | values |
|---|---|---|---|
| `$prefix-R1` | 第X条 | every calendar year at least 24 credits | minimum 24 |
| `$prefix-C1` | 第X条 | training: credits by its stated hours; other kinds earn nothing | credits_per_hour 1 |

## Readings (named settings, `xuefen rules $code` lists them)

| setting | default | reading |
|---|---|---|
| (none yet) | | |

## Develop

    pip install -e .
    python -m pytest tests
    xuefen test cases
''')

TESTS = Template('''\
"""One test per $code rule id, each breaking if its number or condition changes."""
from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case

CODE = "$code"
HERE = Path(__file__).resolve().parent
#: the worked case: in the distribution's ``cases/``, or beside this file once moved into the suite's
#: ``tests/<region>/`` with its ``cases/`` (as ``tests/kunming/cases``)
EXAMPLE = next((d for d in (HERE.parent / "cases", HERE / "cases") if d.is_dir()), HERE / "cases") / "example.json"


def case(*activities, as_of="2024-12-31"):
    teacher = {"id": "T1", "stage": "primary"}
    return evaluate(parse_case({"region": CODE, "as_of": as_of, "teacher": teacher,
                                "activities": list(activities)}))


@pytest.mark.rule("$prefix-R1")
def test_${ident}_R1_every_year_at_least_24_credits():
    ev = case({"id": "a", "kind": "training", "date": "2024-03-01", "hours": 20})
    (req,) = ev.year_results(2024)
    assert (req.rule, req.requirement.article) == ("$prefix-R1", "第X条")
    assert (req.threshold, req.counted, req.met) == (D(24), D(20), False)
    ev = case({"id": "a", "kind": "training", "date": "2024-03-01", "hours": 24})
    assert ev.year_results(2024)[0].met


@pytest.mark.rule("$prefix-C1")
def test_${ident}_C1_training_by_its_hours_other_kinds_refused():
    ev = case({"id": "a", "kind": "training", "date": "2024-03-01", "hours": 12},
              {"id": "b", "kind": "publication", "date": "2024-04-01"})
    (entry,) = ev.entries
    assert (entry.activity, entry.rule, entry.article, entry.credits) == ("a", "$prefix-C1", "第X条", D(12))
    (refusal,) = ev.refused
    assert (refusal.activity, refusal.rule) == ("b", "$prefix-C1")


def test_the_worked_case_is_a_case_of_this_region():
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    assert data["region"] == CODE and "expect" in data
''')

CASE = Template('''\
{
 "region": "$code",
 "as_of": "2024-12-31",
 "teacher": {"id": "EX-1", "stage": "primary"},
 "activities": [
  {"id": "a1", "kind": "training", "date": "2024-03-05", "hours": 16},
  {"id": "a2", "kind": "training", "date": "2024-09-20", "hours": 10},
  {"id": "a3", "kind": "publication", "date": "2024-10-01"}
 ],
 "expect": {
  "entries": {"a1": {"credits": "16"}, "a2": {"credits": "10"}},
  "refused": {"a3": "$prefix-C1"},
  "year_req": [{"year": 2024, "rule": "$prefix-R1", "counted": "26", "met": true}]
 }
}
''')

PYPROJECT_CHILD = Template(PYPROJECT.template.replace('dependencies = ["xuefen>=0.1.0"]',
                                                      'dependencies = ["xuefen>=0.1.0", "$parent_dist"]'))

RULES_CHILD = Template('''\
"""$name's rules: a child of $parent (``$parent_module``), restating nothing yet.

Written by ``xuefen new-region --parent $parent``. Looked up by id, the table answers
with this region's rows first and $parent's after. Add this text's own rows
(``(id, article, text, {values})``), ``restates={parent id: article}`` for the
parent's rules it restates in its own articles and ``changes={own id: (parent ids)}``
(docs/adding-a-region.md, Dongying).
"""
from __future__ import annotations

from $parent_module import REGION as PARENT

CODE = "$code"
PARENT_CODE = "$parent"

RULES = PARENT.rules.child(CODE)
''')

HOOKS_CHILD = Template('''\
"""$name ($code): a child of $parent that changes nothing yet.

The region is $parent's declaration with this code, name and table; every hook is
$parent's (a hook returning None hands the question to the parent). Implement here
only what differs, citing ``RULES``.
"""
from __future__ import annotations

import attrs

from $package.rules import CODE, PARENT, PARENT_CODE, RULES

REGION = attrs.evolve(PARENT, code=CODE, name="$name", parent=PARENT_CODE, rules=RULES,
                      source="(the regulation text: title, issuer, date)")
''')

README_CHILD = Template('''\
# xuefen-$code

$name's rules for xuefen, as written by `xuefen new-region --parent $parent`: a child
of `$parent` (distribution `$parent_dist`) that restates nothing and changes nothing yet;
every rule is $parent's (see the project's docs/adding-a-region.md, Dongying).
`xuefen rules $code` prints the table with where each row comes from.

## Region code: `$code`

The entry-point name in `pyproject.toml` (`[project.entry-points."xuefen.regions"]
$code = "$package.hooks"`) and the `region` of a case: `xuefen evaluate case.json`
with `"region": "$code"`. The Python package is `$package`.

## Rules

| id | article | rule | values |
|---|---|---|---|
| (none of its own: all inherited from `$parent`) | | | |

## Readings (named settings, `xuefen rules $code` lists them)

| setting | default | reading |
|---|---|---|
| (none of its own: `$parent`'s apply) | | |

## Develop

    pip install -e .
    python -m pytest tests
    xuefen test cases
''')

TESTS_CHILD = Template('''\
"""$code: a child of $parent with no rule of its own, answering as $parent does."""
from __future__ import annotations

import json
from pathlib import Path

from xuefen.evaluate import evaluate
from xuefen.io.case import parse_case
from xuefen.regions import chain
from xuefen.rules import rule_rows

CODE = "$code"
PARENT = "$parent"
HERE = Path(__file__).resolve().parent
#: the worked case: in the distribution's ``cases/``, or beside this file once moved into the suite's
#: ``tests/<region>/`` with its ``cases/`` (as ``tests/kunming/cases``)
EXAMPLE = next((d for d in (HERE.parent / "cases", HERE / "cases") if d.is_dir()), HERE / "cases") / "example.json"


def _case(region):
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data.pop("expect")
    return evaluate(parse_case({**data, "region": region}))


def test_the_region_is_a_child_of_its_parent_restating_nothing():
    assert [rp.code for rp in chain(CODE)][-2:] == [PARENT, CODE]
    rows = rule_rows(CODE)
    assert rows and not [r["id"] for r in rows if r["region"] == CODE]


def test_the_worked_case_is_answered_as_the_parent_answers():
    def seen(ev):
        return ([(e.activity, e.rule, e.hours, e.credits) for e in ev.entries],
                [(r.activity, r.rule) for r in ev.refused],
                [(y, [(r.rule, r.counted, r.met) for r in rs]) for y, rs in ev.years])
    assert seen(_case(CODE)) == seen(_case(PARENT))
''')

FILES = {
    "pyproject.toml": PYPROJECT,
    "README.md": README,
    "src/{package}/__init__.py": INIT,
    "src/{package}/rules.py": RULES,
    "src/{package}/hooks.py": HOOKS,
    "tests/test_rules.py": TESTS,
    "cases/example.json": CASE,
}


FILES_CHILD = {**FILES, "pyproject.toml": PYPROJECT_CHILD, "README.md": README_CHILD,
               "src/{package}/rules.py": RULES_CHILD, "src/{package}/hooks.py": HOOKS_CHILD,
               "tests/test_rules.py": TESTS_CHILD}


def default_prefix(code: str) -> str:
    """The rule id prefix of a code: its letters in capitals (``xian`` → ``XIAN``), at most 8."""
    return re.sub(r"[^a-z]", "", code).upper()[:8]


def render(code: str, name: str, prefix: str, parent: dict | None = None) -> dict[str, str]:
    """The generated files by path (relative to the distribution's folder).

    ``parent``: ``code``, ``dist`` and ``module`` of the parent region, and ``case``, the
    worked case's text (:func:`parent_case`).
    """
    package = "xuefen_" + code.replace("-", "_")
    subs = {"code": code, "name": name, "prefix": prefix, "package": package, "ident": prefix}
    files = FILES
    if parent is not None:
        subs.update(parent=parent["code"], parent_dist=parent["dist"], parent_module=parent["module"])
        files = FILES_CHILD
    out = {path.format(package=package): tpl.substitute(subs) for path, tpl in files.items()}
    if parent is not None:
        out["cases/example.json"] = parent["case"]
    return out


def find_parent(code: str) -> dict:
    """The installed region ``code``'s entry point: its distribution and the module declaring its REGION."""
    from importlib.metadata import entry_points

    from xuefen.errors import InputError
    from xuefen.model import Region

    eps = {ep.name: ep for ep in entry_points(group="xuefen.regions")}
    ep = eps.get(code)
    if ep is None:
        raise InputError(f"--parent {code!r}: no installed region has that code "
                         f"(installed: {', '.join(sorted(eps)) or 'none'})")
    region = getattr(ep.load(), "REGION", None)
    if not isinstance(region, Region) or region.rules is None or region.code != code:
        raise InputError(f"--parent {code!r}: {ep.value} declares no REGION with a rule table "
                         f"(Region(rules=…)) to be a child of")
    return {"code": code, "dist": ep.dist.name if ep.dist else f"xuefen-{code}", "module": ep.module,
            "region": region}


def parent_case(code: str, parent: dict) -> str:
    """A worked case for a child of ``parent``: one training activity, expecting what the parent answers."""
    import datetime as dt
    import json

    from xuefen.errors import InputError
    from xuefen.evaluate import evaluate
    from xuefen.io.case import parse_case

    rs = parent["region"].rulesets[0]
    day = dt.date(2024, 3, 5)
    if rs.start is not None:
        day = rs.start + dt.timedelta(days=60)
        if rs.end is not None and day > rs.end:
            day = rs.start
    elif rs.end is not None:
        day = rs.end - dt.timedelta(days=60)
    training = {"id": "a1", "kind": "training", "level": "county", "date": day.isoformat(), "hours": 10,
                "assessment": "pass"}
    data = {"region": code, "as_of": dt.date(day.year, 12, 31).isoformat(),
            "teacher": {"id": "EX-1", "stage": "primary", "hired_on": "2000-09-01"}, "activities": [training]}
    try:
        ev = evaluate(parse_case({**data, "region": parent["code"]}))
    except InputError:  # the parent wants more of a training record than a generic one says: no activity
        data["activities"] = []
        ev = evaluate(parse_case({**data, "region": parent["code"]}))
    expect: dict = {}
    refused = {r.activity: r.rule for r in ev.refused}
    if refused:
        expect["refused"] = refused
    elif data["activities"]:
        unit = "credits" if "credits" in parent["region"].units else "hours"
        total = sum((e.amount(unit) for e in ev.entries if e.activity == "a1"), 0)
        expect["entries"] = {"a1": {unit: str(total)}}

    def row(r, **pick):
        out = {**pick, "rule": r.rule, "unit": r.requirement.unit}
        if r.requirement.label is not None:
            out["label"] = r.requirement.label
        return {**out, "counted": str(r.counted), "met": r.met}

    years = [row(rs_[0], year=y) for y, rs_ in ev.years if rs_]
    if years:
        expect["year_req"] = years[:1]
    if ev.cycle is not None:
        expect["cycle_met"] = ev.cycle_met
    if not expect:
        raise InputError(f"--parent {parent['code']!r}: a one-training case under {parent['code']} gives no "
                         f"result to write as the worked case's expect block")
    return json.dumps({**data, "expect": expect}, ensure_ascii=False, indent=1) + "\n"


@click.command("new-region")
@click.argument("code")
@click.option("--name", required=True, help="The region's name (e.g. 肃州区 Suzhou District).")
@click.option("--parent", default=None, help="An installed region the new one is a child of.")
@click.option("--prefix", default=None, help="Rule id prefix, capital letters (default: the code's letters).")
@click.option("-o", "--output", "output", type=click.Path(file_okay=False), default=None,
              help="Folder to write (default: ./xuefen-CODE); it must not exist.")
def new_region_cmd(code, name, parent, prefix, output):
    """Write a new region's distribution xuefen-CODE: pyproject with the entry point, rules, hooks,
    README, one test per rule id and a worked case (with --parent: a child of that region, restating
    nothing). It installs and passes its own tests as written;
    then replace the example rows with the region's text (docs/adding-a-region.md)."""
    from xuefen.errors import InputError

    if not CODE_RE.fullmatch(code):
        raise InputError(f"region code {code!r}: lowercase letters and digits, parts joined by hyphens, "
                         f"starting with a letter (e.g. suzhou-jq)")
    if not name.strip() or any(c in name for c in '"\\\n\r'):
        raise InputError(f"--name {name!r}: a non-empty name without quotes, backslashes or line breaks")
    prefix = prefix or default_prefix(code)
    if not PREFIX_RE.fullmatch(prefix):
        raise InputError(f"--prefix {prefix!r}: 1 to 8 capital letters (e.g. SZ)")
    out = Path(output) if output else Path(f"xuefen-{code}")
    if out.exists():
        raise InputError(f"{out}: already exists; new-region writes a new folder only")
    par = None
    if parent is not None:
        par = find_parent(parent)
        par["case"] = parent_case(code, par)
    files = render(code, name.strip(), prefix, par)
    for rel, text in files.items():
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    what = f"a child of {parent}, restating nothing" if parent else f"rules {prefix}-R1 and {prefix}-C1"
    click.echo(f"wrote {out} (distribution xuefen-{code}, {what})")
    click.echo(f"next: pip install -e {out} && python -m pytest {out / 'tests'} && xuefen test {out / 'cases'}")


COMMANDS = [new_region_cmd]
