"""Smoke test of one region distribution installed alone with the core and the CLI.

Run by ``.ci/regions`` with the python of a fresh virtual environment holding only
``xuefen``, ``xuefen-cli`` and one region distribution (no extras, not editable):

    VENV/bin/python .ci/region_smoke.py CODE [CODE ...]

CODE…: the region codes the distribution declares (its ``xuefen.regions`` entry
points). Checks, each failing on a non-zero exit or on "Traceback" in the output:

* ``xuefen --help`` through the installed executable, then ``PATH --help`` for every
  command and group of ``xuefen_cli.main:cli`` in-process (click's CliRunner);
* ``xuefen plugins`` and ``xuefen plugins --json``: exactly CODE… are listed;
* ``xuefen rules CODE`` and ``xuefen rules CODE --json`` for each code;
* ``xuefen evaluate CASE.json --json`` on a case of each code (tests/shared/examples,
  tests/**, .ci/cases): exit 0 and ``region`` is the code;
* ``xuefen demo --region CODE --db TMP/demo.db`` in a temporary directory: exit 0 if
  the region answers ``xuefen_demo_data``, else exit 2 and a one-line error.

Prints every failing command with its output, and a last line saying what passed;
exits 1 if anything failed.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
XUEFEN = str(BIN / "xuefen")
TIMEOUT = 300

failures: list[str] = []
passed: dict[str, int] = {}
seconds: dict[str, float] = {}  # per check, for the summary line


def ok(kind: str) -> None:
    passed[kind] = passed.get(kind, 0) + 1


def fail(cmd: str, why: str, output: str = "") -> None:
    text = f"FAIL: {cmd}\n  {why}"
    lines = output.rstrip().splitlines()
    if len(lines) > 80:  # the start (the error) and the end (a traceback's last frames)
        lines = [*lines[:40], f"... {len(lines) - 80} lines ...", *lines[-40:]]
    if lines:
        text += "\n" + "\n".join("  | " + line for line in lines)
    failures.append(text)
    print(text, flush=True)


def run(args: list[str], *, cwd: Path, expect: int = 0) -> subprocess.CompletedProcess | None:
    """Run the installed ``xuefen`` with ``args``; None (and a failure) unless it exits ``expect`` cleanly."""
    cmd = " ".join(["xuefen", *args])
    try:
        r = subprocess.run([XUEFEN, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or ""
        fail(cmd, f"timed out after {TIMEOUT}s", out.decode(errors="replace") if isinstance(out, bytes) else out)
        return None
    out = r.stdout + r.stderr
    if r.returncode != expect:
        fail(cmd, f"exit {r.returncode}, expected {expect}", out)
        return None
    if "Traceback" in out:
        fail(cmd, "a traceback in the output", out)
        return None
    return r


# -- the install itself ---------------------------------------------------------------------------


def check_install() -> None:
    import xuefen
    import xuefen_cli

    prefix = Path(sys.prefix).resolve()
    for mod in (xuefen, xuefen_cli):
        where = Path(mod.__file__).resolve()
        if prefix not in where.parents:
            fail(f"import {mod.__name__}", f"imported from {where}, not from the fresh environment {prefix}")
    if not Path(XUEFEN).exists():
        fail("xuefen", f"no xuefen executable in {BIN}")


# -- every --help ---------------------------------------------------------------------------------


def command_paths():
    """Every command and group below the top level, as lists of names, depth first."""
    import click

    from xuefen_cli.main import cli

    def walk(cmd, path, parent_ctx):
        ctx = click.Context(cmd, info_name=path[-1] if path else "xuefen", parent=parent_ctx)
        if path:
            yield path
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(ctx):
                sub = cmd.get_command(ctx, name)
                if sub is None:
                    fail(" ".join(["xuefen", *path, name]), "listed by its group but get_command() returns None")
                    continue
                yield from walk(sub, [*path, name], ctx)

    yield from walk(cli, [], None)


def check_help(tmp: Path) -> None:
    r = run(["--help"], cwd=tmp)
    if r is not None:
        if "Usage:" not in r.stdout:
            fail("xuefen --help", "no usage text", r.stdout + r.stderr)
        else:
            ok("help")
    try:
        from click.testing import CliRunner

        from xuefen_cli.main import cli

        paths = list(command_paths())
    except Exception:  # noqa: BLE001  (reported, not raised)
        import traceback
        fail("python -c 'import xuefen_cli.main' (walking the command tree)", "raised", traceback.format_exc())
        return
    runner = CliRunner()
    cwd = os.getcwd()
    os.chdir(tmp)
    try:
        for path in paths:
            cmd = " ".join(["xuefen", *path, "--help"])
            res = runner.invoke(cli, [*path, "--help"], prog_name="xuefen")
            if res.exception is not None and not (isinstance(res.exception, SystemExit) and res.exit_code == 0):
                import traceback
                tb = "".join(traceback.format_exception(*res.exc_info)) if res.exc_info else repr(res.exception)
                fail(cmd, f"raised {type(res.exception).__name__} (exit {res.exit_code})", res.output + tb)
            elif res.exit_code != 0:
                fail(cmd, f"exit {res.exit_code}, expected 0", res.output)
            elif "Traceback" in res.output:
                fail(cmd, "a traceback in the output", res.output)
            elif "Usage:" not in res.output:
                fail(cmd, "no usage text", res.output)
            else:
                ok("help")
    finally:
        os.chdir(cwd)


# -- plugins, rules -------------------------------------------------------------------------------


def check_plugins(tmp: Path, expected: list[str]) -> list[dict]:
    r = run(["plugins"], cwd=tmp)
    if r is not None:
        missing = [c for c in expected if c not in r.stdout]
        if missing:
            fail("xuefen plugins", f"does not list {', '.join(missing)}", r.stdout)
        else:
            ok("plugins")
    r = run(["plugins", "--json"], cwd=tmp)
    if r is None:
        return []
    try:
        items = json.loads(r.stdout)
    except json.JSONDecodeError as exc:
        fail("xuefen plugins --json", f"not JSON: {exc}", r.stdout)
        return []
    listed = sorted(i.get("region") for i in items)
    if listed != sorted(expected):
        fail("xuefen plugins --json", f"lists {listed}, expected exactly {sorted(expected)}", r.stdout)
    else:
        ok("plugins")
    return items


def check_rules(tmp: Path, code: str) -> None:
    r = run(["rules", code], cwd=tmp)
    if r is not None:
        ok("rules")
    r = run(["rules", code, "--json"], cwd=tmp)
    if r is None:
        return
    try:
        rows = json.loads(r.stdout)
    except json.JSONDecodeError as exc:
        fail(f"xuefen rules {code} --json", f"not JSON: {exc}", r.stdout)
        return
    if not isinstance(rows, list) or not rows:
        fail(f"xuefen rules {code} --json", "no rule rows", r.stdout)
    else:
        ok("rules")


# -- evaluate -------------------------------------------------------------------------------------


def case_files():
    """Candidate case files, the shared examples first, then the tests', then the ones kept for CI."""
    yield from sorted((ROOT / "tests" / "shared" / "examples").glob("*.json"))
    yield from sorted(p for p in (ROOT / "tests").rglob("*.json") if "examples" not in p.parts)
    yield from sorted((ROOT / ".ci" / "cases").glob("*.json"))


def find_case(code: str) -> Path | None:
    for p in case_files():
        try:
            data = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and data.get("region") == code and "activities" in data:
            return p
    return None


def check_evaluate(tmp: Path, code: str) -> None:
    case = find_case(code)
    if case is None:
        fail(f"xuefen evaluate <case of {code}> --json", f"no case file of region {code!r} in tests/ or .ci/cases/")
        return
    rel = case.relative_to(ROOT)
    r = run(["evaluate", str(case), "--json"], cwd=tmp)
    if r is None:
        return
    try:
        ev = json.loads(r.stdout)
    except json.JSONDecodeError as exc:
        fail(f"xuefen evaluate {rel} --json", f"not JSON: {exc}", r.stdout)
        return
    if ev.get("region") != code:
        fail(f"xuefen evaluate {rel} --json", f"region is {ev.get('region')!r}, expected {code!r}", r.stdout)
    else:
        ok("evaluate")


# -- demo -----------------------------------------------------------------------------------------


def ships_demo_data(code: str) -> bool | None:
    from xuefen import regions

    try:
        return regions.runtime(code).hook.xuefen_demo_data(seed=2024) is not None
    except Exception as exc:  # noqa: BLE001  (reported, not raised)
        import traceback
        fail(f"regions.runtime({code!r}).hook.xuefen_demo_data(seed=2024)", f"raised {type(exc).__name__}",
             traceback.format_exc())
        return None


def check_demo(tmp: Path, code: str) -> None:
    expected = ships_demo_data(code)
    if expected is None:
        return
    d = tmp / f"demo-{code}"
    d.mkdir()
    db = d / "demo.db"
    args = ["demo", "--region", code, "--db", str(db)]
    r = run(args, cwd=d, expect=0 if expected else 2)
    if r is None:
        return
    cmd = " ".join(["xuefen", *args])
    if expected:
        if not db.exists():
            fail(cmd, f"exit 0 but {db} was not written", r.stdout + r.stderr)
            return
        ok("demo")
    else:
        if "error:" not in r.stderr or "demo data" not in r.stderr:
            fail(cmd, "exit 2 but no clear 'error: … demo data' message on stderr", r.stdout + r.stderr)
            return
        ok("demo (none shipped)")


def timed(kind: str, check, *args):
    t0 = time.perf_counter()
    try:
        return check(*args)
    finally:
        seconds[kind] = seconds.get(kind, 0.0) + time.perf_counter() - t0


def main(argv: list[str]) -> int:
    expected = argv[1:]
    if not expected:
        print("usage: region_smoke.py CODE [CODE ...]", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="xuefen-smoke-") as t:
        tmp = Path(t)
        os.environ["XUEFEN_KEYS_DIR"] = str(tmp / "keys")
        os.environ["COLUMNS"] = "200"  # rich's tables in full, so the plain `xuefen plugins` shows whole codes
        for var in ("XUEFEN_DATABASE_URL", "XUEFEN_LOAD_PLUGINS", "XUEFEN_TRACE_PLUGINS"):
            os.environ.pop(var, None)
        timed("install", check_install)
        timed("help", check_help, tmp)
        timed("plugins", check_plugins, tmp, expected)
        for code in expected:
            timed("rules", check_rules, tmp, code)
            timed("evaluate", check_evaluate, tmp, code)
            timed("demo", check_demo, tmp, code)
    done = ", ".join(f"{kind} {n}" for kind, n in passed.items())
    done += " [" + ", ".join(f"{kind} {s:.1f}s" for kind, s in seconds.items() if kind != "install") + "]"
    if failures:
        print(f"{len(failures)} FAILED; passed: {done}")
        return 1
    print(f"passed: {done}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
