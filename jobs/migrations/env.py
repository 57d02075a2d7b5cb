"""Alembic environment: runs against the engine handed over by ``jobs.storage.migrate`` (online mode only)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from jobs.storage.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes.get("engine")
    if engine is None:
        url = config.get_main_option("sqlalchemy.url")
        if not url:
            raise RuntimeError("no database: pass an engine through jobs.storage.migrate or set sqlalchemy.url")
        engine = create_engine(url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


if context.is_offline_mode():
    raise RuntimeError("bangfu runs migrations online only (bangfu db upgrade)")
run_migrations_online()
