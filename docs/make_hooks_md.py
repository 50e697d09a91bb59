"""Regenerate docs/hooks.md from the hook specifications: ``python docs/make_hooks_md.py``."""
import inspect
import pathlib

import pluggy

from xuefen import hookspecs

out = ["# xuefen hooks", "",
       "Generated from `core/src/xuefen/hookspecs.py` by `docs/make_hooks_md.py`; "
       "`tests/core/test_hooks.py` checks that every hook has a heading here and a `test_hook_<name>`.",
       "Implement them in a region plugin module with `from xuefen import hookimpl`; call them with keywords only.",
       ""]
pm = pluggy.PluginManager("xuefen")
pm.add_hookspecs(hookspecs)
for name, fn in inspect.getmembers(hookspecs, inspect.isfunction):
    if not name.startswith("xuefen_"):
        continue
    spec = getattr(pm.hook, name).spec
    first = "firstresult: stops at the first non-None result" if spec.opts.get("firstresult") else \
        "collecting: every implementation answers"
    out += [f"## {name}({', '.join(spec.argnames)})", "", f"*{first}*", "", "```", inspect.cleandoc(fn.__doc__), "```", ""]
pathlib.Path(__file__).with_name("hooks.md").write_text("\n".join(out), encoding="utf-8")
