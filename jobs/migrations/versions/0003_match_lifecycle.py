"""match lifecycle: withdrawn offers and the matching outbox

Revision ID: 0003
Revises: 0009
Create Date: 2026-11-30

A match can be withdrawn (the post filled or closed, the worker was placed elsewhere, the placement was called
off) and remembers why, so that it can come back when the cause goes away. ``match_change`` is the outbox of
changed workers and posts that incremental matching reads; it starts with every existing worker and post, so
the first run after the upgrade re-matches everything once.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0009'
branch_labels = None
depends_on = None

_OLD_STATUSES = ('proposed', 'pushed', 'interested', 'declined', 'placed')
_NEW_STATUSES = (*_OLD_STATUSES, 'withdrawn')
_REASONS = ('post_full', 'post_closed', 'placed_elsewhere', 'placement_ended')


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_match_status'), type_='check')
        batch_op.add_column(sa.Column('withdrawn_reason', sa.String(length=32), nullable=True))
        batch_op.create_check_constraint(op.f('ck_match_status'), f"status IN ({_in(_NEW_STATUSES)})")
        batch_op.create_check_constraint(op.f('ck_match_withdrawn_reason'), f"withdrawn_reason IN ({_in(_REASONS)})")
        batch_op.create_check_constraint(
            op.f('ck_match_withdrawn'), "(status = 'withdrawn') = (withdrawn_reason IS NOT NULL)")
        batch_op.create_index('ix_match_person_id_status', ['person_id', 'status'], unique=False)

    op.create_table('match_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('ref_id', sa.Integer(), nullable=False),
    sa.CheckConstraint("kind IN ('person', 'post')", name=op.f('ck_match_change_kind')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match_change'))
    )
    op.execute("INSERT INTO match_change (kind, ref_id) SELECT 'person', id FROM person ORDER BY id")
    op.execute("INSERT INTO match_change (kind, ref_id) SELECT 'post', id FROM post ORDER BY id")


def downgrade() -> None:
    op.drop_table('match_change')
    op.execute("DELETE FROM match WHERE status = 'withdrawn'")
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index('ix_match_person_id_status')
        batch_op.drop_constraint(op.f('ck_match_withdrawn'), type_='check')
        batch_op.drop_constraint(op.f('ck_match_withdrawn_reason'), type_='check')
        batch_op.drop_constraint(op.f('ck_match_status'), type_='check')
        batch_op.drop_column('withdrawn_reason')
        batch_op.create_check_constraint(op.f('ck_match_status'), f"status IN ({_in(_OLD_STATUSES)})")
