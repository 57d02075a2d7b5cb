"""personal data that cannot be rebuilt; a tamper-evident, truncate-proof audit trail

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-30

* ``person``: the birth date and the masked ID number and phone left fewer than 10^4 candidate numbers per
  person in clear (PIPL art. 28; GB/T 35273-2020 §6.2). Only the birth year stays; the masked forms and the
  exact birth date are derived from the encrypted values when needed. Nothing here needs the vault's key: the
  year comes from the stored date and the dropped columns are not recomputed. Downgrading would need the key
  to rebuild them, so it refuses while any person is stored.
* ``audit_event`` becomes a hash chain (``chain_seq``, ``chain_hash``, the ``audit_chain_head`` row); the rows
  already stored are chained in id order.
* ``audit_event`` and ``claim_event`` refuse UPDATE and DELETE on both databases, and TRUNCATE on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0002'
branch_labels = None
depends_on = None

APPEND_ONLY = ("audit_event", "claim_event")

# 0001's guard on audit_event, replaced by the one below (which also covers claim_event and TRUNCATE).
OLD_GUARD_SQL = {
    "sqlite": [
        "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
        "CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_event "
        "BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END",
    ],
    "postgresql": [
        "CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS "
        "$$ BEGIN RAISE EXCEPTION 'audit_event is append-only'; END $$",
        "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only()",
    ],
}
OLD_UNGUARD_SQL = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}


def guard_sql(dialect: str) -> list[str]:
    """Statements that make the history tables append-only (also used by tests that restore a guard)."""
    if dialect == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
            for table in APPEND_ONLY for verb in ("UPDATE", "DELETE")
        ]
    if dialect == "postgresql":
        return [
            "CREATE FUNCTION bangfu_append_only() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$",
            *(statement for table in APPEND_ONLY for statement in (
                f"CREATE TRIGGER {table}_no_change BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION bangfu_append_only()",
                # Row triggers do not fire on TRUNCATE: a statement trigger refuses it.
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION bangfu_append_only()",
            )),
        ]
    return []


def unguard_sql(dialect: str) -> list[str]:
    if dialect == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {table}_no_{verb}" for table in APPEND_ONLY for verb in ("update", "delete")]
    if dialect == "postgresql":
        return [
            *(f"DROP TRIGGER IF EXISTS {table}_no_{what} ON {table}"
              for table in APPEND_ONLY for what in ("change", "truncate")),
            "DROP FUNCTION IF EXISTS bangfu_append_only()",
        ]
    return []


def _run(statements: list[str]) -> None:
    for statement in statements:
        op.execute(statement)


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    _person_upgrade(dialect)
    _run(OLD_UNGUARD_SQL.get(dialect, []))
    _audit_chain_upgrade()
    _run(guard_sql(dialect))


def _person_upgrade(dialect: str) -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
    year = "CAST(strftime('%Y', birth_date) AS INTEGER)" if dialect == "sqlite" else "EXTRACT(YEAR FROM birth_date)"
    op.execute(f"UPDATE person SET birth_year = {year}")
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.alter_column('birth_year', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('phone_masked')
        batch_op.drop_column('birth_date')
        batch_op.drop_column('id_number_masked')


def _audit_chain_upgrade() -> None:
    from jobs.storage.audit import GENESIS, chain_digest

    op.create_table('audit_chain_head',
    sa.Column('id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.Column('last_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_audit_chain_head_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_chain_head'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('chain_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('chain_hash', sa.String(length=64), nullable=True))

    bind = op.get_bind()
    events = sa.table('audit_event', *(sa.column(name) for name in (
        'id', 'at', 'actor_user_id', 'actor', 'action', 'object_type', 'object_id', 'remote_addr',
        'chain_seq', 'chain_hash')), sa.column('before', sa.JSON()), sa.column('after', sa.JSON()))
    previous, seq = GENESIS, 0
    for row in bind.execute(sa.select(events).order_by(events.c.id)).mappings().all():
        seq += 1
        at = row['at']
        if isinstance(at, str):
            at = dt.datetime.fromisoformat(at)
        # Stored as UTC; SQLite hands it back without the offset.
        at = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at
        previous = chain_digest(previous, SimpleNamespace(**{**row, 'at': at, 'chain_seq': seq}))
        bind.execute(sa.update(events).where(events.c.id == row['id']).values(chain_seq=seq, chain_hash=previous))
    bind.execute(sa.text("INSERT INTO audit_chain_head (id, last_seq, last_hash) VALUES (1, :seq, :hash)"),
                 {"seq": seq, "hash": previous})

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.alter_column('chain_seq', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('chain_hash', existing_type=sa.String(length=64), nullable=False)
        batch_op.create_unique_constraint(batch_op.f('uq_audit_event_chain_seq'), ['chain_seq'])


def downgrade() -> None:
    bind = op.get_bind()
    dialect = bind.dialect.name
    if bind.execute(sa.text("SELECT COUNT(*) FROM person")).scalar():
        raise RuntimeError(
            "无法降级：出生日期和脱敏后的身份证号、手机号已不再明文保存，需用密钥从加密数据重新计算；"
            "请从升级前的备份恢复。"
        )
    _run(unguard_sql(dialect))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_audit_event_chain_seq'), type_='unique')
        batch_op.drop_column('chain_hash')
        batch_op.drop_column('chain_seq')
    op.drop_table('audit_chain_head')
    _run(OLD_GUARD_SQL.get(dialect, []))
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_number_masked', sa.String(length=18), nullable=False))
        batch_op.add_column(sa.Column('birth_date', sa.Date(), nullable=False))
        batch_op.add_column(sa.Column('phone_masked', sa.String(length=20), nullable=True))
        batch_op.drop_column('birth_year')
