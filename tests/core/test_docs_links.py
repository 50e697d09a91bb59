"""The repository is self-contained: nothing it ships points outside it.

CI and users' clones have this repository alone, so (a) no tracked file may cite
the specification folder beside a developer's checkout by its relative path
(``FORBIDDEN``, spelt in two pieces so this file does not cite it either): its
contracts, digests and texts are copied into ``docs/``, and ``tests/shared/``, the
copy of the worked examples, may name where it is refreshed from; and (b)
every relative markdown link ``[text](path)`` of every tracked ``*.md`` file
names a tracked file (``http(s):`` and other schemes, and ``#anchors``, aside;
``path#anchor`` is checked as ``path``).
"""
from __future__ import annotations

import re
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parents[2]
THIS = Path(__file__).resolve().relative_to(ROOT).as_posix()
FORBIDDEN = b"../" + b"shared"
#: ``[text](target)`` or ``[text](target "title")``; images ``![alt](target)`` too
LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")
FENCE = re.compile(r"^\s*(```|~~~)")


def _tracked() -> list[str]:
    try:
        r = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        pytest.skip("not a git checkout", allow_module_level=True)
    return [p for p in r.stdout.decode("utf-8").split("\0") if p]


TRACKED = _tracked()
TRACKED_SET = set(TRACKED)


def _present(rel: str) -> bool:
    return (ROOT / rel).is_file()


def test_no_tracked_file_cites_the_shared_folder():
    hits = []
    for rel in TRACKED:
        if rel.startswith("tests/shared/") or rel == THIS or not _present(rel):
            continue
        data = (ROOT / rel).read_bytes()
        if FORBIDDEN in data:
            for n, line in enumerate(data.splitlines(), 1):
                if FORBIDDEN in line:
                    hits.append(f"{rel}:{n}: {line.decode('utf-8', 'replace').strip()}")
    assert not hits, f"these cite {FORBIDDEN.decode()}, which a clone does not have:\n" + "\n".join(hits)


def links(text: str):
    """``(line, target)`` of every markdown link outside fenced code blocks."""
    fenced = False
    for n, line in enumerate(text.splitlines(), 1):
        if FENCE.match(line):
            fenced = not fenced
            continue
        if fenced:
            continue
        for m in LINK.finditer(line):
            yield n, m.group(1)


def test_every_relative_markdown_link_resolves_to_a_tracked_file():
    broken = []
    for rel in TRACKED:
        if not rel.endswith(".md") or not _present(rel):
            continue
        md = ROOT / rel
        for n, target in links(md.read_text(encoding="utf-8")):
            if SCHEME.match(target) or target.startswith("#"):
                continue
            path = unquote(target.split("#", 1)[0])
            resolved = (md.parent / path).resolve()
            try:
                where = resolved.relative_to(ROOT).as_posix()
            except ValueError:
                broken.append(f"{rel}:{n}: {target}: outside the repository")
                continue
            if where not in TRACKED_SET or not resolved.is_file():
                broken.append(f"{rel}:{n}: {target}: no such file in the repository ({where})")
    assert not broken, "broken links:\n" + "\n".join(broken)


def test_the_link_reader_finds_links_and_skips_code():
    text = "see [a](x.md) and [`b`](../y.txt#p) [c](https://e.org)\n```\n[d](z.md)\n```\n"
    assert [t for _, t in links(text)] == ["x.md", "../y.txt#p", "https://e.org"]
