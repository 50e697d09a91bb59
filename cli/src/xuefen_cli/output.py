"""Printing for people (rich) and for scripts (JSON)."""
from __future__ import annotations

import json
import sys

from rich.console import Console


def console() -> Console:
    return Console(soft_wrap=True, highlight=False)


def print_json(data) -> None:
    sys.stdout.write(json_text(data) + "\n")


def json_text(data) -> str:
    """``json.dumps(data, ensure_ascii=False, indent=1, default=str)``, byte for byte, built faster.

    With an ``indent`` the standard library encodes in Python, a generator per container (a report of
    2,000 teachers holds about 2 million values: a quarter of ``report --json``'s time); this builds the
    same text in one recursive pass, each string through the library's own (C) string encoder.
    tests/cli/test_json_text.py holds the two equal.
    """
    out: list[str] = []
    _encode(data, 0, out, set())
    return "".join(out)


_STR = json.encoder.encode_basestring  # ensure_ascii=False's string encoder (the C one where built)
_INT = int.__repr__
_FLOAT = float.__repr__


def _float(o: float) -> str:
    if o != o:
        return "NaN"
    if o == float("inf"):
        return "Infinity"
    if o == -float("inf"):
        return "-Infinity"
    return _FLOAT(o)


def _key(key) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, float):
        return _float(key)
    if key is True:
        return "true"
    if key is False:
        return "false"
    if key is None:
        return "null"
    if isinstance(key, int):
        return _INT(key)
    raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")


def _leaf(o):
    """The text of a value that holds no other, or None for a container or another object (exact types only)."""
    t = type(o)
    if t is str:
        return _STR(o)
    if o is None:
        return "null"
    if t is bool:
        return "true" if o else "false"
    if t is int:
        return _INT(o)
    return None


def _encode(o, level: int, out: list, seen: set) -> None:
    text = _leaf(o)
    if text is not None:
        out.append(text)
    elif isinstance(o, str):
        out.append(_STR(o))
    elif o is None:
        out.append("null")
    elif o is True:
        out.append("true")
    elif o is False:
        out.append("false")
    elif isinstance(o, int):
        out.append(_INT(o))
    elif isinstance(o, float):
        out.append(_float(o))
    elif isinstance(o, (list, tuple)):
        if not o:
            out.append("[]")
            return
        mark = id(o)
        if mark in seen:
            raise ValueError("Circular reference detected")
        seen.add(mark)
        inner = "\n" + " " * (level + 1)
        sep = "[" + inner
        for value in o:
            text = _leaf(value)
            if text is not None:
                out.append(sep + text)
            else:
                out.append(sep)
                _encode(value, level + 1, out, seen)
            sep = "," + inner
        out.append("\n" + " " * level + "]")
        seen.discard(mark)
    elif isinstance(o, dict):
        if not o:
            out.append("{}")
            return
        mark = id(o)
        if mark in seen:
            raise ValueError("Circular reference detected")
        seen.add(mark)
        inner = "\n" + " " * (level + 1)
        sep = "{" + inner
        for key, value in o.items():
            head = sep + _STR(key if type(key) is str else _key(key)) + ": "
            text = _leaf(value)
            if text is not None:
                out.append(head + text)
            else:
                out.append(head)
                _encode(value, level + 1, out, seen)
            sep = "," + inner
        out.append("\n" + " " * level + "}")
        seen.discard(mark)
    else:  # default=str
        mark = id(o)
        if mark in seen:
            raise ValueError("Circular reference detected")
        seen.add(mark)
        _encode(str(o), level, out, seen)
        seen.discard(mark)
