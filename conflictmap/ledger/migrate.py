"""Schema migrations (Alembic) and the locks that make a shared database safe.

:func:`engine_for` makes the engine the ledger uses: on SQLite every write transaction
starts with ``BEGIN IMMEDIATE`` (one writer at a time, the others wait), on PostgreSQL
:func:`write_lock` takes a transaction-level advisory lock. :func:`upgrade` brings a
database to the newest schema under the same kind of lock, so that many processes
starting at once on a database that does not exist yet create it once. A database made
before migrations existed (tables from ``metadata.create_all``, no ``alembic_version``)
is stamped with the first revision, the frozen copy of those tables, and upgraded from
there.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).with_name("migrations")
BASELINE = "0001"
# Advisory-lock keys (any two bigints unlikely to be used by something else).
WRITE_LOCK_KEY = 0x636D_6170_7772  # "cmapwr"
MIGRATE_LOCK_KEY = 0x636D_6170_6D67  # "cmapmg"
SQLITE_TIMEOUT_S = 120


def engine_for(url: str) -> Engine:
    """An engine for ``url``; on SQLite, transactions are begun by us (BEGIN or BEGIN
    IMMEDIATE, see :func:`begin_write`), with a long busy timeout."""
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    engine = create_engine(url, connect_args={"timeout": SQLITE_TIMEOUT_S})

    @event.listens_for(engine, "connect")
    def _no_implicit_begin(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # pysqlite must not BEGIN on its own

    @event.listens_for(engine, "begin")
    def _begin(conn):
        mode = "IMMEDIATE" if conn.get_execution_options().get("cm_write") else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"


def begin_write(conn: Connection, key: int = WRITE_LOCK_KEY):
    """Begin a write transaction on ``conn`` holding the database's write lock.

    Returns the transaction (use it as a context manager). Writers queue one behind the
    other; readers are never blocked on PostgreSQL.
    """
    if is_sqlite(conn.engine):
        conn.execution_options(cm_write=True)
        return conn.begin()
    tx = conn.begin()
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": key})
    return tx


def alembic_config(conn: Connection | None = None) -> Config:
    """An Alembic configuration for the ledger's migrations (no alembic.ini needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    if conn is not None:
        cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    """The newest revision."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current(conn: Connection) -> str | None:
    """The database's revision (None when it has none)."""
    return MigrationContext.configure(conn).get_current_revision()


def _at_head(engine: Engine) -> bool:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return False
        return current(conn) == head()


def upgrade(engine: Engine) -> str:
    """Bring the database to the newest schema, safely when many processes do it at once.

    Returns what was done: "current", "created" or "upgraded from REV".
    """
    if _at_head(engine):
        return "current"
    with engine.connect() as conn:
        with begin_write(conn, MIGRATE_LOCK_KEY):
            if not is_sqlite(engine):  # the writers wait too
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": WRITE_LOCK_KEY})
            insp = inspect(conn)
            cfg = alembic_config(conn)
            if insp.has_table("alembic_version"):
                was = current(conn)
                if was == head():
                    return "current"
                done = f"upgraded from {was}"
            elif insp.has_table("claims"):  # made by metadata.create_all before migrations
                command.stamp(cfg, BASELINE)
                done = f"upgraded from {BASELINE}"
            else:
                done = "created"
            command.upgrade(cfg, "head")
        return done
