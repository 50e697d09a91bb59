"""``xuefen export --all`` and ``xuefen restore``: the whole registry as JSON lines, and back.

A backup holds personal data (teacher ids and names), so ``export`` writes
nothing unless ``--all`` is given, and says on stderr what it wrote. It is signed
by the exporting actor (``--as``, ``--key``; no valid key: exit 3, nothing written)
and restored only if that signature, the key and the checkpoint it carries hold
(:mod:`xuefen.backup`).

``export -o FILE`` writes ``FILE.part`` in FILE's folder first (created new:
``O_CREAT|O_EXCL|O_NOFOLLOW``, mode 0600), syncs it to disk, then renames it over
FILE, so a crash never leaves a half-written backup under the real name and a
backup is never readable by others. FILE may exist already (it is replaced, as
before); it is refused when it or ``FILE.part`` is a symbolic link, when
``FILE.part`` exists (another export running, or an interrupted one), and when
either is the database itself or its ``-wal``/``-shm``/``-journal`` file.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from xuefen_cli.signing import signer_for, signing

from xuefen.errors import InputError

#: what ``export -o FILE`` writes first, in FILE's folder, then renames to FILE
PART_SUFFIX = ".part"
#: the files of an SQLite database besides the database file itself
SQLITE_SIDE_FILES = ("-wal", "-shm", "-journal")


def _database_files(db_url: str) -> list[Path]:
    """The files of the database at ``db_url`` (none for a server or an in-memory database)."""
    from sqlalchemy.engine import make_url

    try:
        u = make_url(db_url)
    except Exception:  # an unusable URL is reported when the database is opened
        return []
    if u.get_backend_name() != "sqlite" or u.database in (None, "", ":memory:"):
        return []
    db = Path(u.database.removeprefix("file:").split("?")[0]).expanduser()
    return [db] + [db.with_name(db.name + side) for side in SQLITE_SIDE_FILES]


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)  # a hard link, or another name of the same file
    except OSError:
        return False


def output_paths(output: str, db_url: str) -> tuple[Path, Path]:
    """``(FILE, FILE.part)`` for ``export -o FILE``, refused if writing there could harm anything.

    :raises InputError: either is a symbolic link, or the database (or one of its side files);
        ``FILE.part`` exists already.
    """
    target = Path(output).expanduser()
    tmp = target.with_name(target.name + PART_SUFFIX)
    for p, what in ((target, "the output"), (tmp, "the temporary file")):
        if p.is_symlink():
            raise InputError(f"{p}: {what} is a symbolic link: export never writes through one (remove it, or "
                             f"give another -o FILE)")
        for db in _database_files(db_url):
            if _same_file(p, db):
                raise InputError(f"{p}: {what} is the database itself ({db}): a backup is written to another "
                                 f"file")
    if os.path.lexists(tmp):
        raise InputError(f"{tmp}: the temporary file exists: another export to {target} is running, or one was "
                         f"interrupted (remove it if not)")
    return target, tmp


def _create_private(tmp: Path) -> int:
    """A new file at ``tmp``, mode 0600, never following or replacing anything there."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except FileExistsError:
        raise InputError(f"{tmp}: the temporary file appeared while exporting (a symbolic link or another "
                         f"export): nothing was written") from None
    except OSError as exc:
        raise InputError(f"{tmp}: cannot write the backup: {exc.strerror or exc}") from None
    try:
        os.fchmod(fd, 0o600)
    except OSError:
        os.close(fd)
        raise
    return fd


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


@click.command("export")
@click.option("--all", "everything", is_flag=True,
              help="The whole registry (personal data included), as JSON lines; restore with `xuefen restore`.")
@click.option("-o", "--output", type=click.Path(dir_okay=False),
              help="Write to this file, mode 0600 (default: standard output). Not a symbolic link, nor the "
                   "database; FILE.part is written first and renamed.")
@signing
@click.pass_context
def export_cmd(ctx, everything, output, actor, key_path):
    """Export the registry. ``--all`` is required: a backup holds teachers' ids and names.

    The backup's end line carries a checkpoint of the log and is signed by ACTOR's key (``--as``,
    ``--key``); ``xuefen restore`` refuses a backup whose signature, key or checkpoint does not hold."""
    from xuefen import backup
    from xuefen.store import open_engine

    if not everything:
        raise InputError("export: --all: required (a backup holds personal data; ask for it explicitly)")
    signer = signer_for(actor, key_path)
    db_url = ctx.obj["db_url"]
    target = tmp = None
    if output:
        target, tmp = output_paths(output, db_url)
    engine = open_engine(db_url)
    try:
        with engine.connect() as conn:
            if conn.dialect.name == "postgresql":  # the checkpoint and every table: one snapshot
                conn.execution_options(isolation_level="REPEATABLE READ")
            if target is None:
                counts = backup.dump(conn, sys.stdout, signer)
            else:
                counts = _write(conn, signer, target, tmp)
    finally:
        engine.dispose()
    total = sum(counts.values())
    click.echo(f"exported {total} rows ({', '.join(f'{k} {v}' for k, v in counts.items() if v)})"
               f"{' to ' + output if output else ''}, signed by {signer.actor_id}; it contains personal data",
               err=True)


def _write(conn, signer, target: Path, tmp: Path) -> dict[str, int]:
    from xuefen import backup

    fd = _create_private(tmp)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            counts = backup.dump(conn, out, signer)
            out.flush()
            os.fsync(out.fileno())
        if target.is_symlink():  # planted while the backup was written: rename would not follow it, but say so
            raise InputError(f"{target}: the output became a symbolic link while exporting: nothing was written "
                             f"to it")
        os.replace(tmp, target)  # a crash never leaves a half-written backup under the real name
    except BaseException:
        try:
            if not tmp.is_symlink():
                tmp.unlink()
        except OSError:
            pass
        raise
    _sync_folder(target.parent)
    return counts


def restore_file(db_url: str, path: str, actor: str | None = None, key_path: str | None = None) -> dict[str, int]:
    """Restore ``path`` into the empty database at ``db_url`` (all or nothing), signed by ``actor``."""
    from xuefen import backup
    from xuefen.store import open_engine

    p = Path(path)
    try:
        raw = p.read_bytes()
    except OSError as exc:
        raise InputError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise InputError(f"{p}: not UTF-8 (a backup is written by `xuefen export --all`)") from None
    data = backup.read(text.splitlines(keepends=True), where=str(p))
    signer = signer_for(actor, key_path)
    engine = open_engine(db_url)
    with engine.begin() as conn:
        return backup.restore(conn, data, signer)


@click.command("restore")
@click.argument("backup_file", type=click.Path(dir_okay=False))
@signing
@click.pass_context
def restore_cmd(ctx, backup_file, actor, key_path):
    """Restore a backup made by ``xuefen export --all`` into an empty database (all or nothing).

    The backup is verified before anything is committed: the exporting actor's signature of its end
    line, that actor's key in the restored registry, the checkpoint it carries (the restored log must
    be exactly that), the chain, every signed action and every row. A version-1 (unsigned) backup is
    refused. The restore is signed by the restored registry's administrator (``--as``, ``--key``)."""
    counts = restore_file(ctx.obj["db_url"], backup_file, actor, key_path)
    click.echo(f"restored {sum(counts.values())} rows "
               f"({', '.join(f'{k} {v}' for k, v in counts.items() if v)})")


COMMANDS = [export_cmd, restore_cmd]
