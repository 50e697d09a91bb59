"""The field contracts of docs/formats.md §1 and §3, in one table used by every reader.

A parser takes the raw value (from JSON, or a CSV/XLSX cell as text) and
returns the typed value or raises ``ValueError`` with a short reason that the
reader prefixes with the record and field.
"""
from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from xuefen import model

#: upper bound for any amount: no activity is worth more hours or credits than this
MAX_AMOUNT = Decimal("100000")


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def parse_decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, float):
        value = repr(value)
    try:
        d = Decimal(str(value).strip()) if not isinstance(value, Decimal) else value
    except (InvalidOperation, ValueError):
        raise ValueError(f"{value!r} is not a number") from None
    if not d.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    if d < 0:
        raise ValueError(f"{value} is negative")
    if d > MAX_AMOUNT:
        raise ValueError(f"{value} is larger than {MAX_AMOUNT}")
    return d


def parse_score(value: Any) -> Decimal:
    d = parse_decimal(value)
    if d > 100:
        raise ValueError(f"{value} is not a score from 0 to 100")
    return d


def parse_int(value: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a whole number")
    if isinstance(value, int):
        n = value
    else:
        try:
            d = Decimal(str(value).strip())
        except (InvalidOperation, ValueError):
            raise ValueError(f"{value!r} is not a whole number") from None
        if not d.is_finite() or d != d.to_integral_value():
            raise ValueError(f"{value!r} is not a whole number")
        n = int(d)
    if n < 0:
        raise ValueError(f"{value} is negative")
    if n > MAX_AMOUNT:
        raise ValueError(f"{value} is larger than {MAX_AMOUNT}")
    return n


_TRUE = {"true", "1", "yes", "y", "是"}
_FALSE = {"false", "0", "no", "n", "否"}


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ValueError(f"{value!r} is not true or false")


def parse_str(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueError(f"{value!r} is not text")
    s = str(value).strip() if not isinstance(value, float) else repr(value)
    if not s:
        raise ValueError("is empty")
    return s


def one_of(choices: tuple[str, ...]) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        if not isinstance(value, str) or value.strip() not in choices:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return value.strip()
    return parse


def parse_leave(value: Any) -> tuple[model.Leave, ...]:
    import json
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else []
        except ValueError:
            raise ValueError("is not a JSON list of {from, to, kind}") from None
    if not isinstance(value, list):
        raise ValueError("is not a list of {from, to, kind}")
    out = []
    for n, item in enumerate(value, 1):
        if not isinstance(item, dict) or set(item) - {"from", "to", "kind"} or not {"from", "to"} <= set(item):
            raise ValueError(f"item {n} is not an object with from, to and kind")
        start, end = parse_date(item["from"]), parse_date(item["to"])
        if end < start:
            raise ValueError(f"item {n} ends before it starts")
        out.append(model.Leave(start, end, one_of(model.LEAVE_KINDS)(item.get("kind", "other"))))
    return tuple(out)


TEACHER_FIELDS: dict[str, Callable[[Any], Any]] = {
    "id": parse_str,
    "stage": one_of(model.STAGES),
    "hired_on": parse_date,
    "principal_since": parse_date,
    "class_teacher": parse_bool,
    "cycle_start": parse_date,
    "previous_certificate_on": parse_date,
    "school_id": parse_str,
    "leave": parse_leave,
    "normal_school_graduate": parse_bool,
    "name": parse_str,
}
TEACHER_REQUIRED = ("id", "stage")

ACTIVITY_FIELDS: dict[str, Callable[[Any], Any]] = {
    "id": parse_str,
    "kind": one_of(model.KINDS),
    "date": parse_date,
    "level": one_of(model.LEVELS),
    "delivery": one_of(model.DELIVERIES),
    "hours": parse_decimal,
    "days": parse_decimal,
    "assessment": one_of(model.ASSESSMENTS),
    "score": parse_score,
    "mandatory": parse_bool,
    "self_selected": parse_bool,
    "module": parse_str,
    "approved_by_authority": parse_bool,
    "role": parse_str,
    "events": parse_int,
    "subjects_passed": parse_int,
    "degree_level": one_of(model.DEGREE_LEVELS),
    "national_series": parse_bool,
    "in_subject": parse_bool,
    "compensatory": parse_bool,
    "program_id": parse_str,
    "graduated": parse_bool,
    "full_time": parse_bool,
    "rate": parse_decimal,
    "credits": parse_decimal,
    "public_subject": parse_bool,
    "face_to_face": parse_bool,
    "practical_hours": parse_decimal,
    "published_on": parse_date,
    "normal_school": parse_bool,
    "attendance_shortfall": parse_bool,
    "project_id": parse_str,
    "filed_on": parse_date,
    "legacy": parse_bool,
}
ACTIVITY_REQUIRED = ("id", "kind", "date")

ORG_FIELDS = {"id": parse_str, "name": parse_str, "level": one_of(model.ORG_LEVELS),
              "parent_id": parse_str, "region": parse_str}
ORG_REQUIRED = ("id", "name", "level", "region")
ACTOR_FIELDS = {"id": parse_str, "name": parse_str, "role": one_of(model.ROLES), "org_id": parse_str,
                "teacher_id": parse_str}
ACTOR_REQUIRED = ("id", "name", "role", "org_id")


def parse_record(raw: dict, spec: dict, required: tuple, where: str, extra_fields: tuple = (),
                 blank_is_missing: bool = False) -> tuple[dict, list[str]]:
    """Parse one record against ``spec``; returns (values, problems), each problem ``WHERE: field: reason``."""
    values: dict = {}
    extra: dict = {}
    problems: list[str] = []
    for key, value in raw.items():
        if blank_is_missing and (value is None or (isinstance(value, str) and not value.strip())):
            continue
        if value is None:
            continue
        if key in spec:
            try:
                values[key] = spec[key](value)
            except ValueError as exc:
                problems.append(f"{where}: {key}: {exc}")
        elif key in extra_fields:
            extra[key] = value
        else:
            problems.append(f"{where}: {key}: unknown field")
    for key in required:
        if key not in values and not any(p.startswith(f"{where}: {key}:") for p in problems):
            problems.append(f"{where}: {key}: required")
    if extra:
        values["extra"] = extra
    return values, problems


def teacher_from(values: dict) -> model.Teacher:
    return model.Teacher(**values)


def activity_from(values: dict) -> model.Activity:
    return model.Activity(**values)
