"""Alembic environment for xuefen.

Run programmatically by :func:`xuefen.store.open_engine` (the connection is
passed in ``config.attributes["connection"]``), or by hand with
``alembic -x url=sqlite:///xuefen.db upgrade head`` given a config whose
``script_location`` is this folder.
"""
from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from xuefen.store.schema import metadata

config = context.config
target_metadata = metadata


def _configure(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )


def run_migrations_offline() -> None:
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    url = context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")
    from xuefen.store.engine import create_engine as xuefen_engine
    engine = xuefen_engine(url) if url else create_engine("sqlite:///xuefen.db")
    with engine.begin() as conn:
        _configure(conn)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
