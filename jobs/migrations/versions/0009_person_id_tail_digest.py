"""person id tail digest

Revision ID: 0009
Revises: 0004
Create Date: 2026-11-30

A keyed hash of the last four ID characters, so staff can search by them although no part of the number is
kept in clear. Rows stored before this revision get theirs from ``bangfu keys rotate`` (the migration has no
access to the key).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('id_tail_digest', sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_id_tail_digest'), ['id_tail_digest'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_id_tail_digest'))
        batch_op.drop_column('id_tail_digest')
