"""seeker sign-in codes and the worker's answer to an offer

Revision ID: 0012_seeker
Revises: 0011
Create Date: 2026-11-30

``one_time_code``: sign-in codes sent by SMS, keyed by the phone's keyed hash, the code itself stored as a keyed
hash. ``match.answered_at`` / ``match.answer_note``: when a worker said 感兴趣 / 不感兴趣 and why.
``dispatch.meeting_point``: where the travellers of a dispatch gather.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0012_seeker'
down_revision = '0012_station'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'one_time_code',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('phone_hash', sa.String(length=64), nullable=False),
        sa.Column('person_id', sa.Integer(), nullable=True),
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('used_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('remote_addr', sa.String(length=64), nullable=True),
        sa.CheckConstraint('attempts >= 0', name=op.f('ck_one_time_code_attempts')),
        sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_one_time_code_person_id_person'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_one_time_code')),
    )
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.create_index('ix_one_time_code_phone_hash_created_at', ['phone_hash', 'created_at'], unique=False)
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.add_column(sa.Column('answered_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('answer_note', sa.String(length=200), nullable=True))
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_point', sa.String(length=128), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.drop_column('meeting_point')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_column('answer_note')
        batch_op.drop_column('answered_at')
    with op.batch_alter_table('one_time_code', schema=None) as batch_op:
        batch_op.drop_index('ix_one_time_code_phone_hash_created_at')
    op.drop_table('one_time_code')
