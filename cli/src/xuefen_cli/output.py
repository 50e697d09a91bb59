"""Printing for people (rich) and for scripts (JSON)."""
from __future__ import annotations

import json
import sys

from rich.console import Console


def console() -> Console:
    return Console(soft_wrap=True, highlight=False)


def print_json(data) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=1, default=str) + "\n")
