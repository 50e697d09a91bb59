"""Reading a teacher's case (docs/formats.md §1) with errors that name the record and the field."""
from __future__ import annotations

import json
from pathlib import Path

from xuefen.errors import InputError, UnknownRegion
from xuefen.evaluate import Case
from xuefen.io import fields as F
from xuefen.regions import installed, runtime

CASE_KEYS = {"region", "as_of", "teacher", "activities", "settings", "expect"}


def read_case_file(path: str | Path) -> Case:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 (save the file as UTF-8)") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{p}:{exc.lineno}: not valid JSON: {exc.msg}") from None
    return parse_case(data, where=str(p))


def parse_case(data: dict, where: str = "case") -> Case:
    problems: list[str] = []
    if not isinstance(data, dict):
        raise InputError(f"{where}: not a JSON object")
    for key in data:
        if key not in CASE_KEYS:
            problems.append(f"{where}: {key}: unknown field")
    region = data.get("region")
    rt = None
    if not isinstance(region, str):
        problems.append(f"{where}: region: required, a region code")
    elif region not in installed():
        known = ", ".join(sorted(installed())) or "none installed"
        raise UnknownRegion(f"{where}: region: unknown region {region!r} (installed: {known})")
    else:
        settings = data.get("settings") or {}
        if not isinstance(settings, dict):
            problems.append(f"{where}: settings: not an object")
            settings = {}
        try:
            rt = runtime(region, settings)
        except InputError as exc:
            problems += [f"{where}: {p}" for p in exc.problems]
    try:
        as_of = F.parse_date(data.get("as_of"))
    except ValueError as exc:
        problems.append(f"{where}: as_of: {exc}")
        as_of = None
    t_extra = rt.teacher_fields if rt else ()
    a_extra = rt.activity_fields if rt else ()
    teacher_raw = data.get("teacher")
    teacher = None
    if not isinstance(teacher_raw, dict):
        problems.append(f"{where}: teacher: required, an object")
    else:
        values, probs = F.parse_record(teacher_raw, F.TEACHER_FIELDS, F.TEACHER_REQUIRED, "teacher", t_extra)
        problems += probs
        if not probs:
            teacher = F.teacher_from(values)
    acts_raw = data.get("activities", [])
    activities = []
    if not isinstance(acts_raw, list):
        problems.append(f"{where}: activities: not a list")
        acts_raw = []
    seen = set()
    for n, raw in enumerate(acts_raw, 1):
        label = f"activity {raw.get('id')!r}" if isinstance(raw, dict) and isinstance(raw.get("id"), str) else f"activity #{n}"
        if not isinstance(raw, dict):
            problems.append(f"{label}: not an object")
            continue
        values, probs = F.parse_record(raw, F.ACTIVITY_FIELDS, F.ACTIVITY_REQUIRED, label, a_extra)
        if values.get("id") in seen:
            probs.append(f"{label}: id: duplicate activity id")
        seen.add(values.get("id"))
        problems += probs
        if not probs:
            activities.append(F.activity_from(values))
    if problems:
        raise InputError(problems)
    return Case(region=region, as_of=as_of, teacher=teacher, activities=tuple(activities),
                settings=dict(rt.settings) if rt else {})
