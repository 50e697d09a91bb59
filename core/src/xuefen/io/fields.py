"""The field contracts of docs/formats.md §1 and §3, in one table used by every reader.

A parser takes the raw value (from JSON, or a CSV/XLSX cell as text) and
returns the typed value or raises ``ValueError`` with a short reason that the
reader prefixes with the record and field.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Callable

from xuefen import model

#: upper bound for any amount: no activity is worth more hours or credits than this
MAX_AMOUNT = Decimal("100000")
#: decimal places an amount may have: the ledger's (``store.schema.AMOUNT_SCALE``, a test keeps them equal).
#: More is refused, never rounded: a rounded amount would differ from what the certificate states, and an
#: unrounded one cannot be posted, which stuck the claim at final approval
AMOUNT_PLACES = 4
_QUANTUM = Decimal(1).scaleb(-AMOUNT_PLACES)
#: the years a date may fall in. Continuing education in this registry starts with the 1950s' teacher
#: training; a date before 1950 or after 2100 is a typo (1900 for 2019, 3000 for 2030), an Excel date
#: serial gone wrong, or an attack on the date arithmetic, never a real activity, hiring or cycle
YEAR_MIN, YEAR_MAX = 1950, 2100
#: longest id, in characters after NFKC: the id columns' size (``store.schema.ID``, String(128)), checked
#: here so that SQLite (which would store anything) and PostgreSQL (which would raise) behave the same
ID_MAX = 128
#: characters an id may never contain: the registry joins ids with them into composite keys (the audit
#: log's object ids ``TEACHER/ACTIVITY``, claim ids ``activity:TEACHER:ACTIVITY``), so an id holding one
#: could collide with another record's key or make ``audit verify`` report tampering that never happened
ID_SEPARATORS = "/:"
#: longest name (of an org unit, actor or teacher), in characters
NAME_MAX = 200
#: Unicode categories refused in ids: control (Cc), format (Cf, which holds the bidi overrides such as
#: U+202E and zero-width characters), surrogates (Cs), line and paragraph separators (Zl, Zp)
ID_REFUSED_CATEGORIES = {"Cc", "Cf", "Cs", "Zl", "Zp"}
#: refused in names: the same except the format characters that some scripts and emoji need (ZWJ,
#: ZWNJ...), but including the bidi controls that make a name display as something else
NAME_REFUSED_CATEGORIES = {"Cc", "Cs", "Zl", "Zp"}
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def char_name(ch: str) -> str:
    """``U+202E (RIGHT-TO-LEFT OVERRIDE)``: how a problem names a character."""
    name = unicodedata.name(ch, "")
    return f"U+{ord(ch):04X}" + (f" ({name})" if name else "")


def _parse_any_date(value: Any) -> dt.date:
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


def parse_date(value: Any) -> dt.date:
    """A date (``YYYY-MM-DD``, or a date cell) in the years :data:`YEAR_MIN` to :data:`YEAR_MAX`."""
    d = _parse_any_date(value)
    if not YEAR_MIN <= d.year <= YEAR_MAX:
        raise ValueError(f"{d.isoformat()} is outside the years {YEAR_MIN}-{YEAR_MAX}")
    return d


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
    if d != d.quantize(_QUANTUM):
        raise ValueError(f"{value} has more than {AMOUNT_PLACES} decimal places (the ledger keeps {AMOUNT_PLACES})")
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
        if d < 0:  # compared as a Decimal: int("1e999999") would build a million-digit number first
            raise ValueError(f"{value} is negative")
        if d > MAX_AMOUNT:
            raise ValueError(f"{value} is larger than {MAX_AMOUNT}")
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


def normal_id(value: Any) -> str:
    """The form an id is stored and looked up in: NFKC, stripped (full-width ``ＴＥＡＣＨＥＲ１`` is
    ``TEACHER1``). No checks: for looking up a raw cell; :func:`parse_id` checks."""
    text = value if isinstance(value, str) else ("" if value is None else
                                                 repr(value) if isinstance(value, float) else str(value))
    return unicodedata.normalize("NFKC", text).strip()


def parse_id(value: Any) -> str:
    """An id (of an org unit, actor, teacher, activity, project...): NFKC-normalised and stripped; not empty,
    at most :data:`ID_MAX` characters, no control or format character (:data:`ID_REFUSED_CATEGORIES`) and
    no ``/`` or ``:`` (:data:`ID_SEPARATORS`)."""
    if type(value) is str and value.isascii() and value.isprintable():  # the common case, checked alike:
        s = value.strip()  # NFKC leaves printable ASCII as it is, and none of it is a control or format character
        if s and len(s) <= ID_MAX and not any(sep in s for sep in ID_SEPARATORS):
            return s
    if isinstance(value, bool) or isinstance(value, (dict, list)) or value is None:
        raise ValueError(f"{value!r} is not an id (text)")
    s = normal_id(value)
    if not s:
        raise ValueError("is empty")
    for ch in s:
        if ch in ID_SEPARATORS:
            raise ValueError(f"{_short(s)} contains {ch!r}, which an id may not contain (the registry joins ids "
                             f"with '/' and ':' into composite keys); use another character such as '-' or '_'")
        if unicodedata.category(ch) in ID_REFUSED_CATEGORIES:
            raise ValueError(f"{_short(s)} contains {char_name(ch)}, a control or format character, which an id "
                             f"may not contain")
    if len(s) > ID_MAX:
        raise ValueError(f"{_short(s)} is {len(s)} characters long; an id has at most {ID_MAX}")
    return s


def checked_id(value: Any, what: str) -> str:
    """:func:`parse_id` for an id given on the command line or to a library call (``what`` names it, e.g.
    ``--admin``): the normalised id, or :class:`~xuefen.errors.InputError` ``WHAT: problem``."""
    from xuefen.errors import InputError
    try:
        return parse_id(value)
    except ValueError as exc:
        raise InputError(f"{what}: {exc}") from None


def checked_name(value: Any, what: str) -> str:
    """:func:`parse_name`, raising :class:`~xuefen.errors.InputError` ``WHAT: problem``."""
    from xuefen.errors import InputError
    try:
        return parse_name(value)
    except ValueError as exc:
        raise InputError(f"{what}: {exc}") from None


def parse_name(value: Any) -> str:
    """A name: text, stripped, not empty, at most :data:`NAME_MAX` characters, no control character, line
    separator or bidi control."""
    s = parse_str(value)
    for ch in s:
        if unicodedata.category(ch) in NAME_REFUSED_CATEGORIES or ch in BIDI_CONTROLS:
            raise ValueError(f"{_short(s)} contains {char_name(ch)}, a control or bidi character, which a name may not "
                             f"contain")
    if len(s) > NAME_MAX:
        raise ValueError(f"{_short(s)} is {len(s)} characters long; a name has at most {NAME_MAX}")
    return s


def _short(s: str, keep: int = 40) -> str:
    """``s`` quoted for a problem, shortened (a 10,000-character cell is not echoed back whole), with
    control and format characters shown as escapes."""
    shown = s if len(s) <= keep else s[:keep] + "…"
    return "'" + "".join(ch if unicodedata.category(ch) not in ID_REFUSED_CATEGORIES else f"\\u{ord(ch):04x}"
                         for ch in shown) + "'"


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
    "id": parse_id,
    "stage": one_of(model.STAGES),
    "hired_on": parse_date,
    "principal_since": parse_date,
    "class_teacher": parse_bool,
    "cycle_start": parse_date,
    "previous_certificate_on": parse_date,
    "school_id": parse_id,
    "leave": parse_leave,
    "name": parse_name,
}
TEACHER_REQUIRED = ("id", "stage")

ACTIVITY_FIELDS: dict[str, Callable[[Any], Any]] = {
    "id": parse_id,
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
    "program_id": parse_id,
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
    "project_id": parse_id,
    "filed_on": parse_date,
    "legacy": parse_bool,
}
ACTIVITY_REQUIRED = ("id", "kind", "date")

ORG_FIELDS = {"id": parse_id, "name": parse_name, "level": one_of(model.ORG_LEVELS),
              "parent_id": parse_id, "region": parse_str}
ORG_REQUIRED = ("id", "name", "level", "region")
ACTOR_FIELDS = {"id": parse_id, "name": parse_name, "role": one_of(model.ROLES), "org_id": parse_id,
                "teacher_id": parse_id}
ACTOR_REQUIRED = ("id", "name", "role", "org_id")


# -- region-declared fields (model.Field) -------------------------------------------------

_TYPED: dict[str, Callable[[Any], Any]] = {
    "bool": parse_bool, "date": parse_date, "decimal": parse_decimal, "int": parse_int, "text": parse_str,
    "id": parse_id, "json": lambda value: value,
}


def declared_parser(field: model.Field) -> Callable[[Any], Any]:
    """The parser of a region-declared field: by its type, a ``choice`` by its vocabulary."""
    if field.type == "choice":
        return one_of(field.choices)
    return _TYPED[field.type]


def parse_declared(field: model.Field, value: Any) -> Any:
    """``value`` of a declared field, typed; ``ValueError`` with the reason (the caller names where)."""
    return declared_parser(field)(value)


def field_names(fields) -> tuple[str, ...]:
    """The names of declared fields (:class:`~xuefen.model.Field` or plain names)."""
    return tuple(f if isinstance(f, str) else f.name for f in fields)


class Typed(dict):
    """A record's ``extra`` with its region's declared fields typed and defaulted (:func:`typed`)."""

    __slots__ = ("fields",)


def record_label(record) -> str:
    """``teacher 'T1'`` / ``activity 'A1'``: how a problem names a record."""
    return f"{type(record).__name__.lower()} {record.id!r}"


def problem(record, field: str, why: str):
    """An :class:`~xuefen.errors.InputError` ``teacher 'T1': FIELD: WHY`` naming the record and its field
    (a value a rule needs is missing or wrong)."""
    return labelled_problem(record_label(record), field, why)


def labelled_problem(label: str, field: str, why: str):
    """:func:`problem` of the record ``label`` names (:func:`record_label`)."""
    from xuefen.errors import InputError
    return InputError(f"{label}: {field}: {why}")


def typed(record, fields: tuple):
    """``record`` (a teacher or an activity) with the declared ``fields`` in its ``extra`` typed and, where
    it has none, set to their defaults; fields it does not declare are kept as they are. Values stored
    by an import were parsed there; this gives them back their type (a date from its JSON string). A value
    that does not parse is an :class:`~xuefen.errors.InputError` naming the record and the field."""
    extra = record.extra
    if isinstance(extra, Typed) and extra.fields is fields:
        return record
    out = typed_extra(extra, fields, lambda: record_label(record))
    return model.replace(record, extra=out)  # attrs.evolve's result, without a second __init__


def typed_extra(extra: dict | None, fields: tuple, label: Callable[[], str]) -> Typed:
    """:func:`typed`'s ``extra``, for a record still to be built (``label()`` names it in a problem: an
    activity read from its row is built once, with this, instead of built and then copied)."""
    out = Typed(extra or {})
    out.fields = fields
    for f in fields:
        if isinstance(f, str):
            continue
        value = out.get(f.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            out[f.name] = f.default
            continue
        try:
            out[f.name] = parse_declared(f, value)
        except ValueError as exc:
            raise labelled_problem(label(), f.name, str(exc)) from None
    return out


def parse_record(raw: dict, spec: dict, required: tuple, where: str, extra_fields: tuple = (),
                 blank_is_missing: bool = False) -> tuple[dict, list[str]]:
    """Parse one record against ``spec`` and the region-declared ``extra_fields`` (:class:`~xuefen.model.Field`,
    each parsed by its type; a plain name is kept as given); returns (values, problems), each problem
    ``WHERE: field: reason``."""
    values: dict = {}
    extra: dict = {}
    problems: list[str] = []
    declared = {(f if isinstance(f, str) else f.name): (None if isinstance(f, str) else f) for f in extra_fields}
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
        elif key in declared:
            field = declared[key]
            try:
                extra[key] = value if field is None else parse_declared(field, value)
            except ValueError as exc:
                problems.append(f"{where}: {key}: {exc}")
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


#: the columns that hold ids, in any table of §3 (``teacher_id`` of activities included): a spreadsheet's
#: number, date or true/false cell there is refused, never converted (:mod:`xuefen.io.tables`)
ID_FIELDS = frozenset({"teacher_id"} | {name for spec in (TEACHER_FIELDS, ACTIVITY_FIELDS, ORG_FIELDS, ACTOR_FIELDS)
                                        for name, parse in spec.items() if parse is parse_id})
