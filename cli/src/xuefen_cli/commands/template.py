"""``xuefen template orgs|actors|teachers|activities --region CODE -o FILE.xlsx``: an import template."""
from __future__ import annotations

import click


@click.command("template")
@click.argument("kind", type=click.Choice(["orgs", "actors", "teachers", "activities"]))
@click.option("--region", "region", required=True, metavar="CODE", help="The region whose columns to offer.")
@click.option("-o", "--output", "output", required=True, metavar="FILE.xlsx", help="The workbook to write.")
def template_cmd(kind, region, output):
    """Write an Excel template for `xuefen import KIND`: the columns REGION accepts (its own fields
    included), a Chinese comment on each header, drop-down lists for vocabulary columns, id columns
    formatted as text, and example rows (sheet 示例) that import."""
    from xuefen.errors import InputError
    from xuefen.io.template_xlsx import write_template
    from xuefen_cli.xlsx_out import checked_output

    path = checked_output(output, what="template")
    try:
        done = write_template(kind, region, path)
    except OSError as exc:
        raise InputError(f"template: {output}: cannot write: {exc.strerror}") from None
    click.echo(f"wrote {path}: sheet {done['sheet']} with {len(done['columns'])} columns "
               f"({', '.join(done['columns'])}); {done['examples']} example row(s) on sheet 示例")


COMMANDS = [template_cmd]
