"""ownership and query indexes

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30

Every object an import or a use case creates records its owning organisation and the user who made it
(persons, employers, posts, placements; dispatches already had their organiser), and the indexes the named
read functions of ``jobs.access.queries`` filter on (region, status, owner).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_actor_user_id'), ['actor_user_id'], unique=False)

    with op.batch_alter_table('demand_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_list_organisation_id'), ['organisation_id'], unique=False)

    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_dispatch_destination_region_code'), ['destination_region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_organiser_broker_id'), ['organiser_broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_organiser_organisation_id'), ['organiser_organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_dispatch_origin_region_code'), ['origin_region_code'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_dispatch_created_by_user_id_user_account'), 'user_account', ['created_by_user_id'], ['id'])

    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_employer_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_employer_organisation_id_organisation'), 'organisation', ['organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_employer_created_by_user_id_user_account'), 'user_account', ['created_by_user_id'], ['id'])

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_person_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_person_created_by_user_id_user_account'), 'user_account', ['created_by_user_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_person_organisation_id_organisation'), 'organisation', ['organisation_id'], ['id'])

    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_placement_job_region_code'), ['job_region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_placement_organisation_id_organisation'), 'organisation', ['organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_placement_created_by_user_id_user_account'), 'user_account', ['created_by_user_id'], ['id'])

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.add_column(sa.Column('organisation_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('created_by_user_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_post_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_status'), ['status'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_post_organisation_id_organisation'), 'organisation', ['organisation_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_post_created_by_user_id_user_account'), 'user_account', ['created_by_user_id'], ['id'])

    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_status'), ['status'], unique=False)

    with op.batch_alter_table('supply_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_supply_list_organisation_id'), ['organisation_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('supply_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_supply_list_organisation_id'))

    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_status'))

    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_post_created_by_user_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_post_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_post_status'))
        batch_op.drop_index(batch_op.f('ix_post_organisation_id'))
        batch_op.drop_column('created_by_user_id')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_placement_created_by_user_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_placement_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_placement_status'))
        batch_op.drop_index(batch_op.f('ix_placement_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_placement_job_region_code'))
        batch_op.drop_column('created_by_user_id')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_person_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_person_created_by_user_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_person_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_person_name'))
        batch_op.drop_column('created_by_user_id')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_employer_created_by_user_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_employer_organisation_id_organisation'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_employer_organisation_id'))
        batch_op.drop_column('created_by_user_id')
        batch_op.drop_column('organisation_id')

    with op.batch_alter_table('dispatch', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_dispatch_created_by_user_id_user_account'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_dispatch_origin_region_code'))
        batch_op.drop_index(batch_op.f('ix_dispatch_organiser_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_organiser_broker_id'))
        batch_op.drop_index(batch_op.f('ix_dispatch_destination_region_code'))
        batch_op.drop_column('created_by_user_id')

    with op.batch_alter_table('demand_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_list_organisation_id'))

    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_actor_user_id'))

