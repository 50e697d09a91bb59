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
    """What every ``--json`` prints: the standard library's ``json.dumps`` (non-ASCII kept, one-space indent,
    anything else as its ``str``)."""
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)
