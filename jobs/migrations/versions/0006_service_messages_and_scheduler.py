"""service, messages and scheduler

Revision ID: 0006
Revises: 0007
Create Date: 2026-11-30

The scheduled service: training catalogue, channel preferences, the outbox with its delivery log, the in-app
inbox, the posts carried by job pushes, scheduled job runs and the scheduler's leader lease; staff e-mail.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = '0006'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('job_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('job', sa.String(length=64), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('status', sa.Enum('running', 'done', 'failed', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_run')),
    sa.UniqueConstraint('job', 'period', name=op.f('uq_job_run_job_period'))
    )
    op.create_table('scheduler_lease',
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('holder', sa.String(length=128), nullable=False),
    sa.Column('acquired_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_scheduler_lease'))
    )
    op.create_table('channel_preference',
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('sms', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_channel_preference_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('person_id', name=op.f('pk_channel_preference'))
    )
    op.create_table('training_course',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('course', sa.String(length=128), nullable=False),
    sa.Column('provider', sa.String(length=128), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=True),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('occupation_text', sa.String(length=64), nullable=True),
    sa.Column('occupation_code', sa.String(length=16), nullable=True),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('subsidy', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('contact', sa.String(length=128), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity IS NULL OR capacity >= 0', name=op.f('ck_training_course_capacity')),
    sa.CheckConstraint('cost IS NULL OR cost >= 0', name=op.f('ck_training_course_cost')),
    sa.CheckConstraint('end_date >= start_date', name=op.f('ck_training_course_dates')),
    sa.CheckConstraint('subsidy IS NULL OR subsidy >= 0', name=op.f('ck_training_course_subsidy')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_training_course_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_training_course_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_course')),
    sa.UniqueConstraint('course', 'provider', 'start_date', name=op.f('uq_training_course_course_provider_start_date'))
    )
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_training_course_region_code'), ['region_code'], unique=False)

    op.create_table('outbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.Enum('app', 'sms', 'email', name='channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('dedupe_key', sa.String(length=160), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('push_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=200), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('attachment_name', sa.String(length=128), nullable=True),
    sa.Column('attachment', sa.LargeBinary(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'sent', 'failed', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('max_attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('provider_ref', sa.String(length=64), nullable=True),
    sa.CheckConstraint('attempts >= 0 AND max_attempts >= 1', name=op.f('ck_outbox_message_attempts')),
    sa.CheckConstraint('person_id IS NOT NULL OR user_id IS NOT NULL OR organisation_id IS NOT NULL', name=op.f('ck_outbox_message_recipient')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_outbox_message_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_outbox_message_person_id_person')),
    sa.ForeignKeyConstraint(['push_id'], ['push.id'], name=op.f('fk_outbox_message_push_id_push')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_outbox_message_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_message')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_outbox_message_dedupe_key'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_message_due', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_message_user_id'), ['user_id'], unique=False)

    op.create_table('push_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('push_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_push_post_person_id_person')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_push_post_post_id_post')),
    sa.ForeignKeyConstraint(['push_id'], ['push.id'], name=op.f('fk_push_post_push_id_push'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push_post')),
    sa.UniqueConstraint('person_id', 'post_id', name=op.f('uq_push_post_person_id_post_id'))
    )
    with op.batch_alter_table('push_post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_post_post_id'), ['post_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_push_post_push_id'), ['push_id'], unique=False)

    op.create_table('delivery_attempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('provider_status', sa.String(length=64), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['message_id'], ['outbox_message.id'], name=op.f('fk_delivery_attempt_message_id_outbox_message'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_attempt'))
    )
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_attempt_message_id'), ['message_id'], unique=False)

    op.create_table('inbox_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('outbox_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_inbox_message_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['outbox_id'], ['outbox_message.id'], name=op.f('fk_inbox_message_outbox_id_outbox_message')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_inbox_message_person_id_person')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_inbox_message_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_inbox_message')),
    sa.UniqueConstraint('outbox_id', name=op.f('uq_inbox_message_outbox_id'))
    )
    with op.batch_alter_table('inbox_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_inbox_message_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_message_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_inbox_message_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('push', schema=None) as batch_op:
        batch_op.add_column(sa.Column('done_at', sa.DateTime(timezone=True), nullable=True))

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('email')

    with op.batch_alter_table('push', schema=None) as batch_op:
        batch_op.drop_column('done_at')

    with op.batch_alter_table('inbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_inbox_message_user_id'))
        batch_op.drop_index(batch_op.f('ix_inbox_message_person_id'))
        batch_op.drop_index(batch_op.f('ix_inbox_message_organisation_id'))

    op.drop_table('inbox_message')
    with op.batch_alter_table('delivery_attempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_attempt_message_id'))

    op.drop_table('delivery_attempt')
    with op.batch_alter_table('push_post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_post_push_id'))
        batch_op.drop_index(batch_op.f('ix_push_post_post_id'))

    op.drop_table('push_post')
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_message_user_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_person_id'))
        batch_op.drop_index(batch_op.f('ix_outbox_message_organisation_id'))
        batch_op.drop_index('ix_outbox_message_due')

    op.drop_table('outbox_message')
    with op.batch_alter_table('training_course', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_training_course_region_code'))

    op.drop_table('training_course')
    op.drop_table('channel_preference')
    op.drop_table('scheduler_lease')
    op.drop_table('job_run')
