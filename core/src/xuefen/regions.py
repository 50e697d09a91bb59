"""Finding region plugins (entry-point group ``xuefen.regions``) and building their managers.

One :class:`pluggy.PluginManager` per region: the core defaults first, then
the parent chain (root first), then the region, so pluggy's LIFO order makes
the region answer first. What a region declares the core answers for it
(:class:`Declared`): ``xuefen_region`` from a module's ``REGION``, ``xuefen_rules``
from ``Region.rules``, registered right after the region's plugin.

``XUEFEN_LOAD_PLUGINS`` (comma-separated distribution names) restricts which
distributions load; set but empty, none load. ``XUEFEN_TRACE_PLUGINS`` traces
hook calls to stderr.
"""
from __future__ import annotations

import functools
import importlib
import inspect
import json
import os
import sys
import types
from importlib.metadata import entry_points
from decimal import Decimal
from typing import Any

import attrs
import pluggy

from xuefen import defaults, hookspecs
from xuefen.errors import DuplicateRegion, InputError, UnknownRegion
from xuefen.model import Activity, Region, Setting, Teacher, dec_str, jsonable, to_decimal

GROUP = "xuefen.regions"


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
        return declared(self.plugin)


def declared(plugin: Any, settings: dict | None = None) -> Region:
    """What ``plugin`` declares of its region: its ``xuefen_region`` (given ``settings`` if it takes them;
    None before they are resolved), or else its module's ``REGION``."""
    fn = getattr(plugin, "xuefen_region", None)
    if fn is None:
        region = getattr(plugin, "REGION", None)
        if not isinstance(region, Region):
            raise TypeError(f"{plugin!r} implements no xuefen_region and declares no REGION")
        return region
    if "settings" in inspect.signature(fn).parameters:
        return fn(settings=settings)
    return fn()


class Declared:
    """The core's answers for one region from its declaration, registered after the region's plugin.

    ``xuefen_region`` (when the plugin declares a ``REGION`` and implements no such hook) and
    ``xuefen_rules`` (when the region declares ``rules`` and the plugin implements no such hook):
    the rows its table states itself, a child's restated and own rows.
    """

    def __init__(self, plugin: Any):
        self.region = declared(plugin)
        self.hooks = tuple(h for h in ("xuefen_region", "xuefen_rules") if self._answers(plugin, h))

    def _answers(self, plugin: Any, hook: str) -> bool:
        if getattr(plugin, hook, None) is not None:
            return False
        return hook == "xuefen_region" or self.region.rules is not None

    def plugin(self):
        """A plugin object holding only the hooks answered here (pluggy registers every hookimpl it finds)."""
        region, ns = self.region, {}
        if "xuefen_region" in self.hooks:
            ns["xuefen_region"] = hookspecs.hookimpl(lambda: region)
        if "xuefen_rules" in self.hooks:
            ns["xuefen_rules"] = hookspecs.hookimpl(lambda: list(region.rules.declared()))
        return types.SimpleNamespace(**ns)


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
    code = declared(plugin).code
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
        region = declared(obj)
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
        core = Declared(rp.plugin)
        if core.hooks:
            pm.register(core.plugin(), name=f"declared:{rp.code}")
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
    def hook(self) -> "TypedHooks":
        """The region's hooks; every ``teacher`` and ``activity`` they are given has the region's declared
        fields typed in its ``extra`` (:meth:`typed`)."""
        hooks = self.memo.get(TypedHooks)
        if hooks is None:
            hooks = self.memo[TypedHooks] = TypedHooks(self)
        return hooks

    @property
    def teacher_fields(self) -> tuple:
        """The teacher fields the region declares, then those its ancestors declare that it does not
        (a child that restates none still carries its parent's, whose hooks read them)."""
        return self._declared("teacher_fields")

    @property
    def activity_fields(self) -> tuple:
        """The activity fields the region and its ancestors declare (:attr:`teacher_fields`)."""
        return self._declared("activity_fields")

    def _declared(self, kind: str) -> tuple:
        key = (RegionRuntime, kind)
        fields = self.memo.get(key)
        if fields is None:
            by_name: dict = {}
            for region in [self.region] + [rp.region for rp in reversed(chain(self.code)[:-1])]:
                for f in getattr(region, kind):
                    by_name.setdefault(f if isinstance(f, str) else f.name, f)
            fields = self.memo[key] = tuple(by_name.values())
        return fields

    def typed(self, record):
        """``record`` (a :class:`~xuefen.model.Teacher` or :class:`~xuefen.model.Activity`, or None) with the
        region's declared fields of its kind typed and defaulted in ``extra`` (:func:`xuefen.io.fields.typed`)."""
        kind = _RECORD_KINDS.get(type(record))
        if kind is None:
            if isinstance(record, Activity):
                kind = "activity_fields"
            elif isinstance(record, Teacher):
                kind = "teacher_fields"
            else:
                return record
        fields = self.memo.get((RegionRuntime, kind))
        if fields is None:
            fields = self._declared(kind)
        extra = record.extra
        if type(extra) is _typed_extra() and extra.fields is fields:  # typed already (the hooks' arguments)
            return record
        from xuefen.io.fields import typed

        return typed(record, fields)

    def delegate(self, code: str) -> "RegionRuntime":
        """The runtime of the region a rule set delegates to, with this runtime's settings that it takes
        (built once per runtime: the settings do not change)."""
        key = (RegionRuntime, "delegate", code)
        rt = self.memo.get(key)
        if rt is None:
            rt = self.memo[key] = runtime(code, self.settings_overrides_for(code))
        return rt

    def settings_overrides_for(self, code: str) -> dict:
        specs = setting_specs(_manager(code))
        return {k: v for k, v in self.settings.items() if k in specs}


#: the declared fields (:meth:`RegionRuntime.typed`) of each kind of record
_RECORD_KINDS = {Activity: "activity_fields", Teacher: "teacher_fields"}


@functools.cache
def _typed_extra() -> type:
    from xuefen.io.fields import Typed

    return Typed


class TypedHooks:
    """``RegionRuntime.hook``: the manager's hooks, called with their ``teacher`` and ``activity`` arguments'
    declared fields typed (a region's hooks read ``act.extra["started_on"]`` as a date, whether the record
    came from a case file, an import or the database)."""

    __slots__ = ("_rt", "_callers")

    def __init__(self, rt: RegionRuntime):
        self._rt, self._callers = rt, {}

    def __getattr__(self, name: str):
        caller = self._callers.get(name)
        if caller is None:
            caller = self._callers[name] = _TypedCaller(getattr(self._rt.pm.hook, name), self._rt)
        return caller


class _TypedCaller:
    __slots__ = ("_caller", "_rt")

    def __init__(self, caller, rt: RegionRuntime):
        self._caller, self._rt = caller, rt

    def __call__(self, **kwargs):
        for key in ("teacher", "activity"):
            if kwargs.get(key) is not None:
                kwargs[key] = self._rt.typed(kwargs[key])
        return self._caller(**kwargs)

    def __getattr__(self, name: str):  # get_hookimpls, spec ... of the hook itself
        return getattr(self._caller, name)


def setting_specs(pm: pluggy.PluginManager) -> dict[str, Setting]:
    specs: dict[str, Setting] = {}
    for batch in reversed(pm.hook.xuefen_settings()):  # core, parents, then the region
        for s in batch or ():
            specs[s.name] = s
    return specs


def _coerce_setting(spec: Setting, value: Any) -> Any:
    """``value`` as the setting's type (its default's), from a case's JSON or a ``--set`` string.

    A wrong type or value is an error naming the setting (a typo never silently changes a result).
    """
    default, name = spec.default, spec.name
    if isinstance(default, bool):
        if isinstance(value, str):
            low = value.strip().lower()
            if low not in ("true", "false", "1", "0", "yes", "no"):
                raise InputError(f"settings: {name}: {value!r} is not true/false")
            value = low in ("true", "1", "yes")
        elif not isinstance(value, bool):
            raise InputError(f"settings: {name}: {value!r} is not true/false")
    elif isinstance(default, int):
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            value = int(value.strip())
        elif isinstance(value, bool) or not isinstance(value, int):
            raise InputError(f"settings: {name}: {value!r} is not a whole number")
    elif isinstance(default, Decimal):
        try:
            if isinstance(value, bool):
                raise ValueError
            value = to_decimal(value.strip() if isinstance(value, str) else value)
        except (ValueError, TypeError, ArithmeticError):
            raise InputError(f"settings: {name}: {value!r} is not a decimal number") from None
    elif isinstance(default, (dict, list, tuple)):
        if isinstance(value, str):
            try:
                value = json.loads(value)
            except json.JSONDecodeError:
                raise InputError(f"settings: {name}: {value!r} is not JSON "
                                 f"(a {type(default).__name__}, e.g. {json.dumps(jsonable(default))})") from None
        want = dict if isinstance(default, dict) else (list, tuple)
        if not isinstance(value, want):
            raise InputError(f"settings: {name}: {value!r} is not a {'JSON object' if want is dict else 'list'}")
    elif isinstance(default, str):
        if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
            raise InputError(f"settings: {name}: {value!r} is not text")
        if not isinstance(value, str):
            value = dec_str(to_decimal(value))
    if spec.choices and value not in spec.choices:
        raise InputError(f"settings: {name}: {value!r} is not one of {', '.join(map(str, spec.choices))}")
    return value


def runtime(code: str, overrides: dict | None = None) -> RegionRuntime:
    """The region ``code`` with its settings (defaults, then ``overrides``)."""
    pm = _manager(code)
    specs = setting_specs(pm)
    values = {name: s.default for name, s in specs.items()}
    problems = []
    for name, value in (overrides or {}).items():
        if name not in specs:
            known = ", ".join(sorted(specs)) or "none"
            problems.append(f"settings: {name}: unknown setting of region {code!r} (known: {known})")
            continue
        try:
            values[name] = _coerce_setting(specs[name], value)
        except InputError as exc:
            problems += exc.problems
    if problems:
        raise InputError(problems)
    region = pm.hook.xuefen_region(settings=values)  # dates that are readings follow the settings
    if region.rules is not None:  # each rule set cites the table of the region declaring it
        region = attrs.evolve(region, rulesets=tuple(
            rs if rs.rules is not None else attrs.evolve(rs, rules=region.rules) for rs in region.rulesets))
    return RegionRuntime(code=code, pm=pm, region=region, settings=values, setting_specs=specs)


def hooks_of(plugin: Any) -> list[str]:
    """The sorted hook names a plugin object implements, or the core answers from its declaration."""
    names = set(Declared(plugin).hooks)
    for name in dir(plugin):
        if name.startswith("xuefen_") and callable(getattr(plugin, name, None)):
            names.add(name)
    return sorted(names)


def reload() -> None:
    """Forget what was discovered (after installing a plugin in-process)."""
    installed.cache_clear()
    _manager.cache_clear()
    importlib.invalidate_caches()
