"""Regenerate docs/hooks.md from the hook specifications and the model: ``python docs/make_hooks_md.py``.

The hooks come in the order of ``core/src/xuefen/hookspecs.py``, under its
phase banners (the ``# ---`` / ``# NAME hooks`` / ``# ---`` comments); then the
public attrs classes of ``xuefen.model`` with each field's type, default and
``#:`` comment, read from the source. ``render()`` returns the text, so
``tests/core/test_hooks.py`` can check that docs/hooks.md is fresh.
"""
from __future__ import annotations

import ast
import inspect
import io
import pathlib
import re
import tokenize

import attrs
import pluggy

from xuefen import hookspecs, model

OUT = pathlib.Path(__file__).with_name("hooks.md")
_RULE = re.compile(r"^#\s*-{3,}\s*$")
_ROLE = re.compile(r":\w+:`(~?)([\w.]+)`")


def _text(doc: str) -> str:
    """Sphinx roles (``:class:`~xuefen.model.Stage```) as Markdown code (`` `Stage` ``)."""
    return _ROLE.sub(lambda m: f"`{m.group(2).rsplit('.', 1)[-1] if m.group(1) else m.group(2)}`", doc)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def phases(source: str) -> list[tuple[str | None, list[str]]]:
    """The hook names of ``source`` in order, grouped under the banner comment above them."""
    lines = source.splitlines()
    banners = {n + 1: lines[n].lstrip("#").strip()  # 1-based line number of the banner's text
               for n in range(1, len(lines) - 1)
               if _RULE.match(lines[n - 1]) and _RULE.match(lines[n + 1]) and lines[n].startswith("#")
               and lines[n].lstrip("#").strip()}
    defs = sorted((node.lineno, node.name) for node in ast.parse(source).body
                  if isinstance(node, ast.FunctionDef) and node.name.startswith("xuefen_"))
    groups: list[tuple[str | None, list[str]]] = []
    for lineno, name in defs:
        above = [text for at, text in banners.items() if at < lineno]
        phase = above[-1] if above else None
        if not groups or groups[-1][0] != phase:
            groups.append((phase, []))
        groups[-1][1].append(name)
    return groups


def field_comments(source: str) -> dict[str, dict[str, str]]:
    """``{class: {field: comment}}`` from the ``#:`` comments of ``source``: after a field, or on the lines above it."""
    comments = {tok.start[0]: tok.string for tok in tokenize.generate_tokens(io.StringIO(source).readline)
                if tok.type == tokenize.COMMENT}
    lines = source.splitlines()
    out: dict[str, dict[str, str]] = {}
    for node in ast.parse(source).body:
        if not isinstance(node, ast.ClassDef):
            continue
        found = out.setdefault(node.name, {})
        for stmt in node.body:
            if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
                continue
            trailing = [comments[n] for n in range(stmt.lineno, stmt.end_lineno + 1)
                        if comments.get(n, "").startswith("#:")]
            above, n = [], stmt.lineno - 1
            while n >= 1 and lines[n - 1].strip().startswith("#:"):
                above.insert(0, lines[n - 1].strip())
                n -= 1
            text = " ".join(c[2:].strip() for c in above + trailing[:1])
            if text:
                found[stmt.target.id] = text
    return out


def model_classes() -> list[type]:
    """The public attrs classes defined in :mod:`xuefen.model`, in source order."""
    classes = [c for name, c in vars(model).items()
               if isinstance(c, type) and not name.startswith("_") and attrs.has(c) and c.__module__ == model.__name__]
    return sorted(classes, key=lambda c: inspect.getsourcelines(c)[1])


def _default(field) -> str:
    if field.default is attrs.NOTHING:
        return "required"
    if isinstance(field.default, attrs.Factory):  # type: ignore[arg-type]
        return f"`{getattr(field.default.factory, '__name__', 'factory')}()`"
    return f"`{field.default!r}`"


def _signature(fn) -> str:
    params = ", ".join(f"{name}: {p.annotation}" if p.annotation is not inspect.Parameter.empty else name
                       for name, p in inspect.signature(fn).parameters.items())
    ret = inspect.signature(fn).return_annotation
    return f"{fn.__name__}({params})" + (f" -> {ret}" if ret is not inspect.Signature.empty else "")


def _uses(fn, names: set[str]) -> set[str]:
    """The model classes a hook's annotations or its docstring's ``xuefen.model.X`` references name."""
    text = " ".join(str(a) for a in fn.__annotations__.values())
    found = {w for w in re.findall(r"\b\w+\b", text) if w in names}
    found |= {m for m in re.findall(r"xuefen\.model\.(\w+)", fn.__doc__ or "") if m in names}
    return found


def render() -> str:
    pm = pluggy.PluginManager("xuefen")
    pm.add_hookspecs(hookspecs)
    spec_source = pathlib.Path(hookspecs.__file__).read_text(encoding="utf-8")
    model_source = pathlib.Path(model.__file__).read_text(encoding="utf-8")
    groups = phases(spec_source)
    classes = model_classes()
    class_names = {c.__name__ for c in classes}
    used_by: dict[str, list[str]] = {}

    out = ["# xuefen hooks", "",
           "Generated from `core/src/xuefen/hookspecs.py` and `core/src/xuefen/model.py` by "
           "`docs/make_hooks_md.py`: run `python docs/make_hooks_md.py` after changing either; "
           "`tests/core/test_hooks.py` checks that this file is fresh and that every hook has a `test_hook_<name>`.",
           "Implement them in a region plugin module with `from xuefen import hookimpl`; call them with keywords only.",
           "", _text(inspect.cleandoc(hookspecs.__doc__ or "")), "", "Contents:", ""]
    for phase, names in groups:
        title = (phase or "hooks").capitalize()
        out.append(f"- [{title}](#{title.lower().replace(' ', '-')}): " + ", ".join(f"`{n}`" for n in names))
    out += ["- [Model classes](#model-classes): " + ", ".join(f"`{c.__name__}`" for c in classes), ""]

    for phase, names in groups:
        if phase:
            out += [f"## {phase.capitalize()}", ""]
        for name in names:
            fn = getattr(hookspecs, name)
            spec = getattr(pm.hook, name).spec
            kind = "firstresult: stops at the first non-None result" if spec.opts.get("firstresult") else \
                "collecting: every implementation answers"
            for used in sorted(_uses(fn, class_names)):
                used_by.setdefault(used, []).append(name)
            out += [f"### {name}({', '.join(spec.argnames)})", "", f"*{kind}*", "",
                    f"`{_signature(fn)}`", "", "```", inspect.cleandoc(fn.__doc__ or ""), "```", ""]

    comments = field_comments(model_source)
    out += ["## Model classes", "",
            "The frozen values of `xuefen.model` that hooks receive and return (every public attrs class of the "
            "module, in source order). Amounts are `Decimal`, dates `datetime.date`.", ""]
    for cls in classes:
        out += [f"### {cls.__name__}", ""]
        if cls.__doc__:
            out += [_text(inspect.cleandoc(cls.__doc__)), ""]
        if cls.__name__ in used_by:
            out += ["Named by " + ", ".join(f"`{h}`" for h in used_by[cls.__name__]) + ".", ""]
        out += ["| field | type | default | meaning |", "|---|---|---|---|"]
        for f in attrs.fields(cls):
            if f.alias.startswith("_"):  # the record's own bookkeeping, not a field a hook gives or reads
                continue
            meaning = _cell(_text(comments.get(cls.__name__, {}).get(f.name, "")))
            out.append(f"| `{f.alias}` | `{_cell(str(f.type))}` | {_cell(_default(f))} | {meaning} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    OUT.write_text(render(), encoding="utf-8")
