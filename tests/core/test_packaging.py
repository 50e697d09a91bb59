"""Each distribution builds on its own, and its wheel carries what a separate install needs.

``pip install ./core ./plugins/kunming`` must give a working library without the CLI:
the core wheel ships the Alembic migrations (the schema is only ever made by them)
and names no CLI dependency; each region wheel registers itself in the entry-point
group ``xuefen.regions``; only the CLI wheel installs the ``xuefen`` command.
"""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PLUGINS = sorted(p for p in (ROOT / "plugins").iterdir() if (p / "pyproject.toml").exists())


def _wheel(src: Path, out: Path) -> zipfile.ZipFile:
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation",
                        "-w", str(out), str(src)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (whl,) = out.glob("*.whl")
    return zipfile.ZipFile(whl)


def _metadata(whl: zipfile.ZipFile, name: str) -> str:
    (path,) = [n for n in whl.namelist() if n.endswith(f".dist-info/{name}")]
    return whl.read(path).decode()


def test_core_wheel_ships_migrations_and_no_cli(tmp_path):
    whl = _wheel(ROOT / "core", tmp_path)
    names = whl.namelist()
    assert "xuefen/store/migrations/env.py" in names
    assert any(n.startswith("xuefen/store/migrations/versions/0001") for n in names)
    assert not any(n.startswith("xuefen_cli/") for n in names)
    meta = _metadata(whl, "METADATA")
    requires = [ln for ln in meta.splitlines() if ln.startswith("Requires-Dist:") and "extra ==" not in ln]
    assert not any("click" in r or "rich" in r for r in requires), requires
    assert "entry_points.txt" not in " ".join(names) or "console_scripts" not in _metadata(whl, "entry_points.txt")


def test_cli_wheel_installs_the_xuefen_command(tmp_path):
    whl = _wheel(ROOT / "cli", tmp_path)
    eps = _metadata(whl, "entry_points.txt")
    assert "xuefen = xuefen_cli.main:cli" in eps


@pytest.mark.parametrize("plugin", PLUGINS, ids=[p.name for p in PLUGINS])
def test_region_wheel_registers_in_xuefen_regions(plugin, tmp_path):
    whl = _wheel(plugin, tmp_path)
    eps = _metadata(whl, "entry_points.txt")
    assert "[xuefen.regions]" in eps
    assert "console_scripts" not in eps
    requires = _metadata(whl, "METADATA")
    assert "Requires-Dist: xuefen" in requires
