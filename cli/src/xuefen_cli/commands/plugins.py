"""``xuefen plugins`` and ``xuefen rules REGION``."""
from __future__ import annotations

import click
from rich.table import Table

from xuefen.model import dec_str
from xuefen_cli.output import console, print_json
from xuefen_cli.signing import signed_transaction, signing


@click.command("plugins")
@click.option("--json", "as_json", is_flag=True)
@click.option("--hook", "hook_name", default=None, help="Only regions implementing this hook.")
def plugins_cmd(as_json, hook_name):
    """List installed regions: code, parent, distribution, version, entry point and hooks."""
    from xuefen import regions

    items = []
    for code, rp in sorted(regions.installed().items()):
        region = rp.region
        hooks = regions.hooks_of(rp.plugin)
        if hook_name and hook_name not in hooks:
            continue
        items.append({"name": rp.distribution, "version": rp.version, "region": code, "region_name": region.name,
                      "parent": region.parent, "units": list(region.units), "entry_point": rp.entry_point,
                      "hooks": hooks})
    if as_json:
        print_json(items)
        return
    t = Table("region", "name", "parent", "units", "distribution", "version", "hooks")
    for i in items:
        t.add_row(i["region"], i["region_name"], i["parent"] or "", ", ".join(i["units"]), i["name"], i["version"],
                  ", ".join(h.removeprefix("xuefen_") for h in i["hooks"]))
    console().print(t)


def setting_items(region: str) -> list[dict]:
    """Each named setting of ``region``: its default, its reading (the doc), its rule, article and choices."""
    from xuefen.model import jsonable
    from xuefen.regions import runtime

    rt = runtime(region)
    return [{"name": name, "default": jsonable(spec.default), "reading": spec.doc, "rule": spec.rule,
             "article": spec.article, "choices": jsonable(list(spec.choices))}
            for name, spec in sorted(rt.setting_specs.items())]


@click.command("rules")
@click.argument("region")
@click.option("--json", "as_json", is_flag=True)
@click.option("--settings", "only_settings", is_flag=True,
              help="Only the named settings (with --json: a list of name, default, reading, rule, article, choices).")
def rules_cmd(region, as_json, only_settings):
    """Print a region's rule tables with ids and articles, then its named settings (reading and default)."""
    from xuefen.rules import rule_rows

    if only_settings:
        items = setting_items(region)
        if as_json:
            print_json(items)
        else:
            _settings_table(region, items)
        return
    rows = rule_rows(region)
    if as_json:
        print_json(rows)
        return
    t = Table("id", "article", "rule", "values", "from", title=f"rules of {region}")
    for r in rows:
        vals = ", ".join(f"{k}={dec_str(v) if hasattr(v, 'as_tuple') else v}" for k, v in r["values"].items())
        if r.get("restates"):
            origin = f"{r['restates']['region']} (inherited; restated in {r['region']}'s {r['article']})"
        else:
            origin = r["region"] + (" (overrides " + r["overrides"] + ")" if r.get("overrides") else "")
            if r["region"] != region:
                origin += " (inherited)"
        if r.get("changes"):
            origin += f" (changes {', '.join(r['changes'])})"
        if r.get("changed_by"):
            origin += f" (changed by {', '.join(r['changed_by'])})"
        t.add_row(r["id"], r["article"], r["text"], vals, origin)
    console().print(t)
    _settings_table(region, setting_items(region))


def _settings_table(region: str, items: list[dict]) -> None:
    s = Table("setting", "default", "choices", "rule", "article", "reading", title=f"named settings of {region} "
              f"(a what-if: xuefen evaluate --set NAME=VALUE)")
    for i in items:
        s.add_row(i["name"], str(i["default"]), " | ".join(map(str, i["choices"])), i["rule"], i["article"],
                  i["reading"])
    console().print(s)


@click.group("settings")
def settings_group():
    """A region's named settings as this registry holds them (the readings `xuefen rules CODE` lists)."""


@settings_group.command("set")
@click.argument("region")
@click.argument("name")
@click.argument("value")
@signing
@click.pass_context
def settings_set_cmd(ctx, region, name, value, actor, key_path):
    """Set REGION's setting NAME to VALUE for this registry, signed by ACTOR (who manages the region's units)."""
    from xuefen import registry

    with signed_transaction(ctx, actor, key_path) as (conn, signer):
        stored = registry.set_setting(conn, signer, region, name, value)
    click.echo(f"{region}: {name} = {stored} (set by {signer.actor_id})")


@settings_group.command("show")
@click.argument("region")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def settings_show_cmd(ctx, region, as_json):
    """REGION's settings: the default of each, and the value this registry holds where it differs."""
    from xuefen import registry
    from xuefen.store import open_engine, repo

    engine = open_engine(ctx.obj["db_url"])
    try:
        with engine.connect() as conn:
            stored = repo.region_settings(conn, region)
            rt = registry.region_runtime(conn, region)
    finally:
        engine.dispose()
    items = [{"name": n, "default": s.default, "value": rt.settings[n], "stored": n in stored,
              "rule": s.rule, "article": s.article, "doc": s.doc} for n, s in sorted(rt.setting_specs.items())]
    if as_json:
        print_json(items)
        return
    t = Table("setting", "value", "default", "rule", "article", title=f"{region}: settings")
    for i in items:
        t.add_row(i["name"], str(i["value"]) + (" (set)" if i["stored"] else ""), str(i["default"]), i["rule"],
                  i["article"])
    console().print(t)


COMMANDS = [settings_group, plugins_cmd, rules_cmd]
