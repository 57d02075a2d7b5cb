"""tasks: long actions started from a page (checked uploads waiting for confirmation, imports, re-matching)

Revision ID: 0012_station
Revises: 0011
Create Date: 2026-11-30

One table, ``task``: a checked upload kept until it is confirmed or expires (found by the digest of a random
token bound to its user), and the progress of the import or re-matching run that follows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012_station'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'task',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('status', sa.Enum('staged', 'queued', 'running', 'done', 'failed', name='status',
                                    native_enum=False, create_constraint=True, length=32), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_digest', sa.String(length=64), nullable=True),
        sa.Column('file_name', sa.String(length=256), nullable=True),
        sa.Column('payload', sa.LargeBinary(), nullable=True),
        sa.Column('options', sa.JSON(), nullable=False),
        sa.Column('checked', sa.JSON(), nullable=True),
        sa.Column('result', sa.JSON(), nullable=True),
        sa.Column('done', sa.Integer(), nullable=False),
        sa.Column('total', sa.Integer(), nullable=False),
        sa.Column('message', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint('done >= 0 AND total >= 0', name=op.f('ck_task_progress')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_task_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_task')),
        sa.UniqueConstraint('token_digest', name=op.f('uq_task_token_digest')),
    )
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_task_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_task_user_id'))
    op.drop_table('task')
