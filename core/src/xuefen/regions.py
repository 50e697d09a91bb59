"""Finding region plugins (entry-point group ``xuefen.regions``) and building their managers.

One :class:`pluggy.PluginManager` per region: the core defaults first, then
the parent chain (root first), then the region, so pluggy's LIFO order makes
the region answer first. Cross-cutting extensions come through the group
``xuefen.extensions`` and are registered in every manager.

``XUEFEN_LOAD_PLUGINS`` (comma-separated distribution names) restricts which
distributions load; set but empty, none load. ``XUEFEN_TRACE_PLUGINS`` traces
hook calls to stderr.
"""
from __future__ import annotations

import functools
import importlib
import os
import sys
from importlib.metadata import entry_points
from typing import Any

import attrs
import pluggy

from xuefen import defaults, hookspecs
from xuefen.errors import DuplicateRegion, InputError, UnknownRegion
from xuefen.model import Region, Setting

GROUP = "xuefen.regions"
EXTENSIONS = "xuefen.extensions"


@attrs.frozen
class RegionPlugin:
    """An installed region: its entry point, distribution and plugin object."""

    code: str
    plugin: Any = attrs.field(eq=False, repr=False)
    entry_point: str
    distribution: str
    version: str

    @property
    def region(self) -> Region:
        return self.plugin.xuefen_region()


def _allowed(dist_name: str) -> bool:
    raw = os.environ.get("XUEFEN_LOAD_PLUGINS")
    if raw is None:
        return True
    return dist_name in {x.strip() for x in raw.split(",") if x.strip()}


def _load(group: str) -> list[tuple[Any, Any]]:
    out = []
    for ep in entry_points(group=group):
        dist = ep.dist.name if ep.dist else "?"
        if not _allowed(dist):
            continue
        out.append((ep, ep.load()))
    return out


_extra: dict[str, Any] = {}  # plugins registered in-process (tests, embedding)


def register_region(plugin: Any, *, distribution: str = "<in-process>") -> None:
    """Add a region plugin without an entry point (tests, applications embedding xuefen)."""
    code = plugin.xuefen_region().code
    _extra[code] = (plugin, distribution)
    installed.cache_clear()
    _manager.cache_clear()


def unregister_region(code: str) -> None:
    _extra.pop(code, None)
    installed.cache_clear()
    _manager.cache_clear()


@functools.cache
def installed() -> dict[str, RegionPlugin]:
    """Every installed region by code; two distributions claiming one code is an error naming both."""
    found: dict[str, RegionPlugin] = {}
    items = [(ep.name, f"{ep.value}", (ep.dist.name if ep.dist else "?"), (ep.dist.version if ep.dist else "?"), obj)
             for ep, obj in _load(GROUP)]
    items += [(code, f"{type(p).__module__}", dist, "-", p) for code, (p, dist) in _extra.items()]
    for name, value, dist, version, obj in items:
        region = obj.xuefen_region()
        code = region.code
        if code != name:
            raise DuplicateRegion(f"entry point {name!r} of {dist} declares region code {code!r}; they must match")
        if code in found and found[code].distribution != dist:
            raise DuplicateRegion(
                f"region code {code!r} is claimed by two distributions: "
                f"{found[code].distribution} ({found[code].entry_point}) and {dist} ({value})")
        found[code] = RegionPlugin(code=code, plugin=obj, entry_point=value, distribution=dist, version=version)
    return found


def chain(code: str) -> list[RegionPlugin]:
    """The region and its ancestors, root first."""
    regions = installed()
    out: list[RegionPlugin] = []
    seen = set()
    while code is not None:
        if code not in regions:
            known = ", ".join(sorted(regions)) or "none installed"
            raise UnknownRegion(f"region: unknown region {code!r} (installed: {known})")
        if code in seen:
            raise DuplicateRegion(f"region {code!r}: parent chain loops")
        seen.add(code)
        rp = regions[code]
        out.append(rp)
        code = rp.region.parent
    return out[::-1]


def plugin_manager(code: str) -> pluggy.PluginManager:
    """A fresh manager for ``code``: core defaults, then parents root first, then the region."""
    pm = pluggy.PluginManager("xuefen")
    pm.add_hookspecs(hookspecs)
    pm.register(defaults, name="xuefen.defaults")
    for rp in chain(code):
        pm.register(rp.plugin, name=f"region:{rp.code}")
    for ep, obj in _load(EXTENSIONS):
        pm.register(obj, name=f"extension:{ep.name}")
    pm.check_pending()
    if os.environ.get("XUEFEN_TRACE_PLUGINS"):
        pm.trace.root.setwriter(lambda s: sys.stderr.write(s))
        pm.enable_tracing()
    return pm


@functools.cache
def _manager(code: str) -> pluggy.PluginManager:
    return plugin_manager(code)


@attrs.frozen
class RegionRuntime:
    """A region ready to evaluate: its manager, declaration and resolved settings."""

    code: str
    pm: pluggy.PluginManager = attrs.field(eq=False, repr=False)
    region: Region
    settings: dict = attrs.field(eq=False)
    setting_specs: dict = attrs.field(eq=False, repr=False)
    memo: dict = attrs.field(factory=dict, eq=False, repr=False)  #: per-runtime cache of pure hook answers

    @property
    def hook(self):
        return self.pm.hook

    def delegate(self, code: str) -> "RegionRuntime":
        return runtime(code, self.settings_overrides_for(code))

    def settings_overrides_for(self, code: str) -> dict:
        specs = setting_specs(_manager(code))
        return {k: v for k, v in self.settings.items() if k in specs}


def setting_specs(pm: pluggy.PluginManager) -> dict[str, Setting]:
    specs: dict[str, Setting] = {}
    for batch in reversed(pm.hook.xuefen_settings()):  # core, parents, then the region
        for s in batch or ():
            specs[s.name] = s
    return specs


def _coerce_setting(spec: Setting, value: Any) -> Any:
    default = spec.default
    if isinstance(value, str) and isinstance(default, bool):
        low = value.strip().lower()
        if low not in ("true", "false", "1", "0", "yes", "no"):
            raise InputError(f"setting {spec.name}: {value!r} is not true/false")
        value = low in ("true", "1", "yes")
    elif isinstance(value, str) and not isinstance(default, str) and default is not None and not isinstance(default, (dict, list, tuple)):
        try:
            value = type(default)(value)
        except Exception:
            raise InputError(f"setting {spec.name}: {value!r} is not a valid {type(default).__name__}") from None
    if spec.choices and value not in spec.choices:
        raise InputError(f"setting {spec.name}: {value!r} is not one of {', '.join(map(str, spec.choices))}")
    return value


def runtime(code: str, overrides: dict | None = None) -> RegionRuntime:
    """The region ``code`` with its settings (defaults, then ``overrides``)."""
    pm = _manager(code)
    specs = setting_specs(pm)
    values = {name: s.default for name, s in specs.items()}
    for name, value in (overrides or {}).items():
        if name not in specs:
            known = ", ".join(sorted(specs)) or "none"
            raise InputError(f"settings: {name}: unknown setting of region {code!r} (known: {known})")
        values[name] = _coerce_setting(specs[name], value)
    region = pm.hook.xuefen_region()
    if region.with_settings is not None:  # dates that are readings follow the resolved settings
        region = region.with_settings(region, values)
    return RegionRuntime(code=code, pm=pm, region=region, settings=values, setting_specs=specs)


def hooks_of(plugin: Any) -> list[str]:
    """The sorted hook names a plugin object implements."""
    names = set()
    for name in dir(plugin):
        if name.startswith("xuefen_") and callable(getattr(plugin, name, None)):
            names.add(name)
    return sorted(names)


def reload() -> None:
    """Forget what was discovered (after installing a plugin in-process)."""
    installed.cache_clear()
    _manager.cache_clear()
    importlib.invalidate_caches()
