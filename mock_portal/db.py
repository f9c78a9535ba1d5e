"""The database: one engine per app, one session per request (SQLAlchemy 2)."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, g
from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.schema import CreateColumn

from .models import Base


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL, foreign keys and a busy timeout so threads can share one file."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def init_app(app: Flask) -> None:
    """Create the engine and tables, and close each request's session when the request ends."""
    engine = make_engine(app.config["DATABASE_URL"])
    if app.config.get("RESET_DATABASE"):
        Base.metadata.drop_all(engine)
    Base.metadata.create_all(engine)
    add_new_columns(engine)
    app.extensions["db_sessionmaker"] = sessionmaker(engine, expire_on_commit=False)

    @app.teardown_appcontext
    def _close_session(_exc: BaseException | None) -> None:
        session = g.pop("db_session", None)
        if session is not None:
            session.close()


def add_new_columns(engine: Engine) -> None:
    """Add columns that tables kept from an older portal lack (each new column is nullable or has a server default),
    so `--keep-data` keeps working across upgrades; create_all only creates missing tables."""
    inspector = inspect(engine)
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            present = {column["name"] for column in inspector.get_columns(table.name)}
            for column in table.columns:
                if column.name not in present:
                    definition = CreateColumn(column).compile(dialect=engine.dialect)
                    connection.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {definition}"))


def new_session(app: Flask | None = None) -> Session:
    """A fresh session outside a request (jobs, the outbox sender); the caller closes it."""
    return (app or current_app).extensions["db_sessionmaker"]()


def session() -> Session:
    """The current request's session."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session
