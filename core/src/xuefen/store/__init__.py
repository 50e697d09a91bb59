"""Storage: the schema (:mod:`.schema`), opening and migrating a database (:mod:`.engine`),
row mapping and repositories (:mod:`.repo`).

Repositories take a :class:`sqlalchemy.engine.Connection` and never commit;
each use case opens one ``engine.begin()``.
"""
from xuefen.store.engine import (DEFAULT_URL, DatabaseBusy, DatabaseError, create_engine, head_revision, json_dumps,
                                 open_engine, schema_revision, upgrade)
from xuefen.store.schema import metadata, utcnow

__all__ = ["DEFAULT_URL", "DatabaseBusy", "DatabaseError", "create_engine", "head_revision", "json_dumps", "metadata",
           "open_engine", "schema_revision", "upgrade", "utcnow"]
