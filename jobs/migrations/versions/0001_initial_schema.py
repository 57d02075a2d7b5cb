"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-24

The whole schema of the first release, plus triggers that make ``audit_event`` append-only.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('app_meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.String(length=256), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_app_meta'))
    )
    op.create_table('region',
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('full_name', sa.String(length=128), nullable=False),
    sa.Column('level', sa.String(length=16), nullable=False),
    sa.Column('parent_code', sa.String(length=12), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('successor_code', sa.String(length=12), nullable=True),
    sa.Column('statistical_zone', sa.Boolean(), nullable=False),
    sa.CheckConstraint("level IN ('province', 'prefecture', 'county')", name=op.f('ck_region_level')),
    sa.CheckConstraint('NOT retired OR successor_code IS NULL OR successor_code <> code', name=op.f('ck_region_successor')),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_region'))
    )
    op.create_table('employer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('credit_code', sa.String(length=18), nullable=True),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_employer_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employer')),
    sa.UniqueConstraint('credit_code', name=op.f('uq_employer_credit_code'))
    )
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employer_name'), ['name'], unique=False)

    op.create_table('organisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.Enum('hr_bureau', 'county_office', 'workstation', 'broker', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_organisation_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('name', 'kind', name=op.f('uq_organisation_name_kind'))
    )
    op.create_table('person',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('id_number_hash', sa.String(length=64), nullable=False),
    sa.Column('id_number_encrypted', sa.Text(), nullable=False),
    sa.Column('id_number_masked', sa.String(length=18), nullable=False),
    sa.Column('issuing_region_code', sa.String(length=6), nullable=False),
    sa.Column('sex', sa.Enum('男', '女', name='sex', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('birth_date', sa.Date(), nullable=False),
    sa.Column('phone_encrypted', sa.Text(), nullable=True),
    sa.Column('phone_masked', sa.String(length=20), nullable=True),
    sa.Column('phone_hash', sa.String(length=64), nullable=True),
    sa.Column('household_region_code', sa.String(length=12), nullable=False),
    sa.Column('household_address', sa.String(length=256), nullable=True),
    sa.Column('category', sa.Enum('脱贫人口', '监测对象', '农村低收入人口', '其他', name='category', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('labour_ability', sa.Enum('普通劳动力', '弱劳动力', '半劳动力', '丧失劳动力', name='labour_ability', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('education', sa.String(length=32), nullable=True),
    sa.Column('skills', sa.Text(), nullable=True),
    sa.Column('employment_status', sa.Enum('unemployed', 'employed', name='employment_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('employment_place', sa.String(length=128), nullable=True),
    sa.Column('employment_intent', sa.Boolean(), nullable=False),
    sa.Column('training_intent', sa.Boolean(), nullable=False),
    sa.Column('expected_wage_min', sa.Integer(), nullable=True),
    sa.Column('expected_wage_max', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('expected_wage_max IS NULL OR expected_wage_min IS NULL OR expected_wage_max >= expected_wage_min', name=op.f('ck_person_wage_range')),
    sa.CheckConstraint('expected_wage_min IS NULL OR expected_wage_min >= 0', name=op.f('ck_person_wage_min')),
    sa.ForeignKeyConstraint(['household_region_code'], ['region.code'], name=op.f('fk_person_household_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person')),
    sa.UniqueConstraint('id_number_hash', name=op.f('uq_person_id_number_hash'))
    )
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_household_region_code'), ['household_region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_phone_hash'), ['phone_hash'], unique=False)

    op.create_table('broker',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('kind', sa.Enum('individual', 'agency', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('qualification_number', sa.String(length=64), nullable=True),
    sa.Column('qualified', sa.Boolean(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('NOT qualified OR qualification_number IS NOT NULL', name=op.f('ck_broker_qualification')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_broker_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_broker_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_broker'))
    )
    with op.batch_alter_table('broker', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_broker_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('user_account',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('username', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=64), nullable=False),
    sa.Column('password_hash', sa.String(length=256), nullable=True),
    sa.Column('role', sa.Enum('admin', 'county_staff', 'workstation_staff', 'broker', 'seeker', name='role', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(role = 'seeker' AND person_id IS NOT NULL) OR (role <> 'seeker' AND organisation_id IS NOT NULL)", name=op.f('ck_user_account_scope')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_user_account_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_user_account_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user_account')),
    sa.UniqueConstraint('username', name=op.f('uq_user_account_username'))
    )
    op.create_table('wanted_occupation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=64), nullable=False),
    sa.Column('occupation_code', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_wanted_occupation_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wanted_occupation')),
    sa.UniqueConstraint('person_id', 'position', name=op.f('uq_wanted_occupation_person_id_position'))
    )
    op.create_table('wanted_region',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=64), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_wanted_region_person_id_person'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_wanted_region')),
    sa.UniqueConstraint('person_id', 'position', name=op.f('uq_wanted_region_person_id_position'))
    )
    op.create_table('workstation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('city_region_code', sa.String(length=12), nullable=False),
    sa.Column('origin_region_code', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['city_region_code'], ['region.code'], name=op.f('fk_workstation_city_region_code_region')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_workstation_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['origin_region_code'], ['region.code'], name=op.f('fk_workstation_origin_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_workstation')),
    sa.UniqueConstraint('organisation_id', name=op.f('uq_workstation_organisation_id'))
    )
    op.create_table('audit_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=64), nullable=False),
    sa.Column('action', sa.String(length=64), nullable=False),
    sa.Column('object_type', sa.String(length=64), nullable=True),
    sa.Column('object_id', sa.String(length=64), nullable=True),
    sa.Column('before', sa.JSON(), nullable=True),
    sa.Column('after', sa.JSON(), nullable=True),
    sa.Column('remote_addr', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['actor_user_id'], ['user_account.id'], name=op.f('fk_audit_event_actor_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_event'))
    )
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_action'), ['action'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_event_at'), ['at'], unique=False)

    op.create_table('demand_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('origin_region_code', sa.String(length=12), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('compiled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['compiled_by_id'], ['user_account.id'], name=op.f('fk_demand_list_compiled_by_id_user_account')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_demand_list_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['origin_region_code'], ['region.code'], name=op.f('fk_demand_list_origin_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_list')),
    sa.UniqueConstraint('origin_region_code', 'name', 'period', name=op.f('uq_demand_list_origin_region_code_name_period'))
    )
    op.create_table('dispatch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organiser_organisation_id', sa.Integer(), nullable=False),
    sa.Column('organiser_broker_id', sa.Integer(), nullable=True),
    sa.Column('origin_region_code', sa.String(length=12), nullable=False),
    sa.Column('destination_region_code', sa.String(length=12), nullable=False),
    sa.Column('departure_date', sa.Date(), nullable=False),
    sa.Column('departure_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('transport', sa.Enum('chartered_coach', 'train', 'plane', 'own', name='transport', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('vehicle', sa.String(length=128), nullable=True),
    sa.Column('escort', sa.String(length=128), nullable=True),
    sa.Column('total_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('status', sa.Enum('planned', 'departed', 'arrived', 'closed', 'cancelled', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('external_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('total_cost IS NULL OR total_cost >= 0', name=op.f('ck_dispatch_total_cost')),
    sa.ForeignKeyConstraint(['destination_region_code'], ['region.code'], name=op.f('fk_dispatch_destination_region_code_region')),
    sa.ForeignKeyConstraint(['organiser_broker_id'], ['broker.id'], name=op.f('fk_dispatch_organiser_broker_id_broker')),
    sa.ForeignKeyConstraint(['organiser_organisation_id'], ['organisation.id'], name=op.f('fk_dispatch_organiser_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['origin_region_code'], ['region.code'], name=op.f('fk_dispatch_origin_region_code_region')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch'))
    )
    op.create_table('policy_pack',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pack_key', sa.String(length=64), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('document_number', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=256), nullable=False),
    sa.Column('issuer', sa.String(length=256), nullable=False),
    sa.Column('jurisdiction', sa.JSON(), nullable=False),
    sa.Column('effective_from', sa.Date(), nullable=False),
    sa.Column('effective_to', sa.Date(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('loaded_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint('effective_to IS NULL OR effective_to >= effective_from', name=op.f('ck_policy_pack_period')),
    sa.ForeignKeyConstraint(['loaded_by_id'], ['user_account.id'], name=op.f('fk_policy_pack_loaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_pack')),
    sa.UniqueConstraint('pack_key', 'version', name=op.f('uq_policy_pack_pack_key_version'))
    )
    op.create_table('supply_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=128), nullable=False),
    sa.Column('period', sa.String(length=32), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('workstation_id', sa.Integer(), nullable=True),
    sa.Column('organisation_id', sa.Integer(), nullable=True),
    sa.Column('compiled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['compiled_by_id'], ['user_account.id'], name=op.f('fk_supply_list_compiled_by_id_user_account')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_supply_list_organisation_id_organisation')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_supply_list_region_code_region')),
    sa.ForeignKeyConstraint(['workstation_id'], ['workstation.id'], name=op.f('fk_supply_list_workstation_id_workstation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_supply_list')),
    sa.UniqueConstraint('region_code', 'name', 'period', name=op.f('uq_supply_list_region_code_name_period'))
    )
    op.create_table('demand_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_list_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.String(length=32), nullable=True),
    sa.Column('row_number', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['demand_list_id'], ['demand_list.id'], name=op.f('fk_demand_entry_demand_list_id_demand_list'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_demand_entry_person_id_person')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_entry')),
    sa.UniqueConstraint('demand_list_id', 'person_id', name=op.f('uq_demand_entry_demand_list_id_person_id'))
    )
    with op.batch_alter_table('demand_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_entry_person_id'), ['person_id'], unique=False)

    op.create_table('post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('supply_list_id', sa.Integer(), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('row_key', sa.String(length=32), nullable=True),
    sa.Column('title', sa.String(length=128), nullable=False),
    sa.Column('occupation_code', sa.String(length=16), nullable=True),
    sa.Column('headcount', sa.Integer(), nullable=True),
    sa.Column('filled', sa.Integer(), nullable=False),
    sa.Column('region_code', sa.String(length=12), nullable=False),
    sa.Column('address', sa.String(length=256), nullable=True),
    sa.Column('wage_min', sa.Integer(), nullable=True),
    sa.Column('wage_max', sa.Integer(), nullable=True),
    sa.Column('wage_text', sa.String(length=64), nullable=True),
    sa.Column('age_min', sa.Integer(), nullable=True),
    sa.Column('age_max', sa.Integer(), nullable=True),
    sa.Column('education', sa.String(length=32), nullable=True),
    sa.Column('skills_required', sa.Text(), nullable=True),
    sa.Column('labour_intensity', sa.Enum('轻', '中', '重', name='labour_intensity', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('board', sa.Boolean(), nullable=False),
    sa.Column('lodging', sa.Boolean(), nullable=False),
    sa.Column('contract_months', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=64), nullable=True),
    sa.Column('contact_phone_encrypted', sa.Text(), nullable=True),
    sa.Column('contact_phone_masked', sa.String(length=20), nullable=True),
    sa.Column('closing_date', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('open', 'closed', 'filled', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('age_max IS NULL OR age_min IS NULL OR age_max >= age_min', name=op.f('ck_post_age_range')),
    sa.CheckConstraint('contract_months IS NULL OR contract_months >= 0', name=op.f('ck_post_contract_months')),
    sa.CheckConstraint('filled >= 0', name=op.f('ck_post_filled')),
    sa.CheckConstraint('headcount IS NULL OR headcount >= 0', name=op.f('ck_post_headcount')),
    sa.CheckConstraint('wage_max IS NULL OR wage_min IS NULL OR wage_max >= wage_min', name=op.f('ck_post_wage_range')),
    sa.CheckConstraint('wage_min IS NULL OR wage_min >= 0', name=op.f('ck_post_wage_min')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_post_employer_id_employer')),
    sa.ForeignKeyConstraint(['region_code'], ['region.code'], name=op.f('fk_post_region_code_region')),
    sa.ForeignKeyConstraint(['supply_list_id'], ['supply_list.id'], name=op.f('fk_post_supply_list_id_supply_list')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_post')),
    sa.UniqueConstraint('employer_id', 'title', 'region_code', name=op.f('uq_post_employer_id_title_region_code'))
    )
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_post_employer_id'), ['employer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_occupation_code'), ['occupation_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_post_supply_list_id'), ['supply_list_id'], unique=False)

    op.create_table('match',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Numeric(precision=5, scale=1), nullable=False),
    sa.Column('components', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'pushed', 'interested', 'declined', 'placed', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_match_score')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_match_person_id_person'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_match_post_id_post'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_match')),
    sa.UniqueConstraint('person_id', 'post_id', name=op.f('uq_match_person_id_post_id'))
    )
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_match_post_id'), ['post_id'], unique=False)

    op.create_table('push',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('job', 'training', 'guidance', name='kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('content', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('service_year', sa.Integer(), nullable=False),
    sa.Column('dedupe_key', sa.String(length=128), nullable=False),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_push_person_id_person')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_push_post_id_post')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_push')),
    sa.UniqueConstraint('dedupe_key', name=op.f('uq_push_dedupe_key'))
    )
    with op.batch_alter_table('push', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_push_person_id'), ['person_id'], unique=False)

    op.create_table('placement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('post_id', sa.Integer(), nullable=True),
    sa.Column('employer_id', sa.Integer(), nullable=False),
    sa.Column('broker_id', sa.Integer(), nullable=True),
    sa.Column('match_id', sa.Integer(), nullable=True),
    sa.Column('dispatch_id', sa.Integer(), nullable=True),
    sa.Column('job_region_code', sa.String(length=12), nullable=False),
    sa.Column('status', sa.Enum('proposed', 'hired', 'active', 'ended', 'cancelled', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('contract_months', sa.Integer(), nullable=True),
    sa.Column('employment_type', sa.Enum('direct', 'dispatch_agency', name='employment_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('social_insurance', sa.Boolean(), nullable=False),
    sa.Column('round_trip_cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('round_trip_evidence', sa.String(length=256), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('end_reason', sa.Enum('quit', 'dismissed', 'contract_ended', 'injured', 'employer_closed', 'other', name='end_reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('external_key', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status <> 'ended' OR end_date IS NOT NULL", name=op.f('ck_placement_ended')),
    sa.CheckConstraint("status NOT IN ('hired', 'active', 'ended') OR start_date IS NOT NULL", name=op.f('ck_placement_started')),
    sa.CheckConstraint('contract_months IS NULL OR contract_months >= 0', name=op.f('ck_placement_contract_months')),
    sa.CheckConstraint('end_date IS NULL OR start_date IS NULL OR end_date >= start_date', name=op.f('ck_placement_dates')),
    sa.CheckConstraint('round_trip_cost IS NULL OR round_trip_cost >= 0', name=op.f('ck_placement_round_trip_cost')),
    sa.ForeignKeyConstraint(['broker_id'], ['broker.id'], name=op.f('fk_placement_broker_id_broker')),
    sa.ForeignKeyConstraint(['dispatch_id'], ['dispatch.id'], name=op.f('fk_placement_dispatch_id_dispatch')),
    sa.ForeignKeyConstraint(['employer_id'], ['employer.id'], name=op.f('fk_placement_employer_id_employer')),
    sa.ForeignKeyConstraint(['job_region_code'], ['region.code'], name=op.f('fk_placement_job_region_code_region')),
    sa.ForeignKeyConstraint(['match_id'], ['match.id'], name=op.f('fk_placement_match_id_match')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_placement_person_id_person')),
    sa.ForeignKeyConstraint(['post_id'], ['post.id'], name=op.f('fk_placement_post_id_post')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_placement'))
    )
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_placement_broker_id'), ['broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_placement_person_id'), ['person_id'], unique=False)

    op.create_table('dispatch_member',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('dispatch_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=True),
    sa.Column('cost', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('ticket_ref', sa.String(length=128), nullable=True),
    sa.Column('arrival', sa.Enum('expected', 'arrived', 'did_not_travel', 'left_en_route', name='arrival', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('checked_in_by_id', sa.Integer(), nullable=True),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('cost IS NULL OR cost >= 0', name=op.f('ck_dispatch_member_cost')),
    sa.ForeignKeyConstraint(['checked_in_by_id'], ['user_account.id'], name=op.f('fk_dispatch_member_checked_in_by_id_user_account')),
    sa.ForeignKeyConstraint(['dispatch_id'], ['dispatch.id'], name=op.f('fk_dispatch_member_dispatch_id_dispatch'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_dispatch_member_person_id_person')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_dispatch_member_placement_id_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_member')),
    sa.UniqueConstraint('dispatch_id', 'person_id', name=op.f('uq_dispatch_member_dispatch_id_person_id'))
    )
    with op.batch_alter_table('dispatch_member', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dispatch_member_person_id'), ['person_id'], unique=False)

    op.create_table('employment_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('check_date', sa.Date(), nullable=False),
    sa.Column('employed', sa.Boolean(), nullable=False),
    sa.Column('evidence', sa.Enum('labour_contract', 'social_insurance', 'wage_slips', 'staff_visit', 'phone_call', name='evidence', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_employment_check_placement_id_placement'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_employment_check_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_employment_check'))
    )
    with op.batch_alter_table('employment_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_employment_check_placement_id'), ['placement_id'], unique=False)

    op.create_table('job_loss',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('loss_date', sa.Date(), nullable=False),
    sa.Column('reason', sa.Enum('quit', 'dismissed', 'contract_ended', 'injured', 'employer_closed', 'other', name='reason', native_enum=False, create_constraint=True, length=32), nullable=True),
    sa.Column('followed_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_job_loss_person_id_person')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_job_loss_placement_id_placement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_job_loss')),
    sa.UniqueConstraint('placement_id', name=op.f('uq_job_loss_placement_id'))
    )
    with op.batch_alter_table('job_loss', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_job_loss_person_id'), ['person_id'], unique=False)

    op.create_table('subsidy_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('placement_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('instalment', sa.Integer(), nullable=False),
    sa.Column('beneficiary_broker_id', sa.Integer(), nullable=True),
    sa.Column('beneficiary_person_id', sa.Integer(), nullable=True),
    sa.Column('beneficiary_employer_id', sa.Integer(), nullable=True),
    sa.Column('policy_pack_id', sa.Integer(), nullable=True),
    sa.Column('document_number', sa.String(length=64), nullable=True),
    sa.Column('rule_key', sa.String(length=128), nullable=True),
    sa.Column('limit_group', sa.String(length=128), nullable=True),
    sa.Column('status', sa.Enum('pending', 'eligible', 'ineligible', 'needs_local_standard', 'no_policy', 'approved', 'paid', 'rejected', 'revoked', name='status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('milestone_date', sa.Date(), nullable=True),
    sa.Column('milestone_year', sa.Integer(), nullable=True),
    sa.Column('counts_toward_limit', sa.Boolean(), nullable=False),
    sa.Column('fund', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_reference', sa.String(length=64), nullable=True),
    sa.Column('paid_on', sa.Date(), nullable=True),
    sa.Column('evaluated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(beneficiary_broker_id IS NOT NULL) OR (beneficiary_person_id IS NOT NULL) OR (beneficiary_employer_id IS NOT NULL) OR status IN ('no_policy', 'ineligible')", name=op.f('ck_subsidy_claim_beneficiary')),
    sa.CheckConstraint("status <> 'paid' OR (payment_reference IS NOT NULL AND paid_on IS NOT NULL)", name=op.f('ck_subsidy_claim_paid')),
    sa.CheckConstraint("status NOT IN ('approved', 'paid') OR amount IS NOT NULL", name=op.f('ck_subsidy_claim_payable')),
    sa.CheckConstraint('NOT counts_toward_limit OR (limit_group IS NOT NULL AND milestone_year IS NOT NULL)', name=op.f('ck_subsidy_claim_limit')),
    sa.CheckConstraint('amount IS NULL OR amount >= 0', name=op.f('ck_subsidy_claim_amount')),
    sa.CheckConstraint('instalment >= 1', name=op.f('ck_subsidy_claim_instalment')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_subsidy_claim_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['beneficiary_broker_id'], ['broker.id'], name=op.f('fk_subsidy_claim_beneficiary_broker_id_broker')),
    sa.ForeignKeyConstraint(['beneficiary_employer_id'], ['employer.id'], name=op.f('fk_subsidy_claim_beneficiary_employer_id_employer')),
    sa.ForeignKeyConstraint(['beneficiary_person_id'], ['person.id'], name=op.f('fk_subsidy_claim_beneficiary_person_id_person')),
    sa.ForeignKeyConstraint(['person_id'], ['person.id'], name=op.f('fk_subsidy_claim_person_id_person')),
    sa.ForeignKeyConstraint(['placement_id'], ['placement.id'], name=op.f('fk_subsidy_claim_placement_id_placement')),
    sa.ForeignKeyConstraint(['policy_pack_id'], ['policy_pack.id'], name=op.f('fk_subsidy_claim_policy_pack_id_policy_pack')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_claim')),
    sa.UniqueConstraint('payment_reference', name=op.f('uq_subsidy_claim_payment_reference')),
    sa.UniqueConstraint('placement_id', 'kind', 'instalment', name=op.f('uq_subsidy_claim_placement_id_kind_instalment'))
    )
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subsidy_claim_beneficiary_broker_id'), ['beneficiary_broker_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claim_person_id'), ['person_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subsidy_claim_placement_id'), ['placement_id'], unique=False)
        batch_op.create_index('uq_subsidy_claim_yearly_slot', ['person_id', 'limit_group', 'milestone_year'], unique=True, sqlite_where=sa.text('counts_toward_limit'), postgresql_where=sa.text('counts_toward_limit'))

    op.create_table('claim_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('by_user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['by_user_id'], ['user_account.id'], name=op.f('fk_claim_event_by_user_id_user_account')),
    sa.ForeignKeyConstraint(['claim_id'], ['subsidy_claim.id'], name=op.f('fk_claim_event_claim_id_subsidy_claim')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_event'))
    )
    with op.batch_alter_table('claim_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_claim_event_claim_id'), ['claim_id'], unique=False)
    _make_audit_append_only()


AUDIT_GUARD_SQL = {
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
AUDIT_UNGUARD_SQL = {
    "sqlite": ["DROP TRIGGER IF EXISTS audit_event_no_update", "DROP TRIGGER IF EXISTS audit_event_no_delete"],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_event",
        "DROP FUNCTION IF EXISTS audit_event_append_only()",
    ],
}


def _make_audit_append_only() -> None:
    for statement in AUDIT_GUARD_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)


def downgrade() -> None:
    for statement in AUDIT_UNGUARD_SQL.get(op.get_bind().dialect.name, []):
        op.execute(statement)
    with op.batch_alter_table('claim_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_event_claim_id'))

    op.drop_table('claim_event')
    with op.batch_alter_table('subsidy_claim', schema=None) as batch_op:
        batch_op.drop_index('uq_subsidy_claim_yearly_slot', sqlite_where=sa.text('counts_toward_limit'), postgresql_where=sa.text('counts_toward_limit'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_placement_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_person_id'))
        batch_op.drop_index(batch_op.f('ix_subsidy_claim_beneficiary_broker_id'))

    op.drop_table('subsidy_claim')
    with op.batch_alter_table('job_loss', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_job_loss_person_id'))

    op.drop_table('job_loss')
    with op.batch_alter_table('employment_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employment_check_placement_id'))

    op.drop_table('employment_check')
    with op.batch_alter_table('dispatch_member', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dispatch_member_person_id'))

    op.drop_table('dispatch_member')
    with op.batch_alter_table('placement', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_placement_person_id'))
        batch_op.drop_index(batch_op.f('ix_placement_broker_id'))

    op.drop_table('placement')
    with op.batch_alter_table('push', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_push_person_id'))

    op.drop_table('push')
    with op.batch_alter_table('match', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_match_post_id'))

    op.drop_table('match')
    with op.batch_alter_table('post', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_post_supply_list_id'))
        batch_op.drop_index(batch_op.f('ix_post_region_code'))
        batch_op.drop_index(batch_op.f('ix_post_occupation_code'))
        batch_op.drop_index(batch_op.f('ix_post_employer_id'))

    op.drop_table('post')
    with op.batch_alter_table('demand_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_entry_person_id'))

    op.drop_table('demand_entry')
    op.drop_table('supply_list')
    op.drop_table('policy_pack')
    op.drop_table('dispatch')
    op.drop_table('demand_list')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_event_at'))
        batch_op.drop_index(batch_op.f('ix_audit_event_action'))

    op.drop_table('audit_event')
    op.drop_table('workstation')
    op.drop_table('wanted_region')
    op.drop_table('wanted_occupation')
    op.drop_table('user_account')
    with op.batch_alter_table('broker', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_broker_organisation_id'))

    op.drop_table('broker')
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_phone_hash'))
        batch_op.drop_index(batch_op.f('ix_person_household_region_code'))

    op.drop_table('person')
    op.drop_table('organisation')
    with op.batch_alter_table('employer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_employer_name'))

    op.drop_table('employer')
    op.drop_table('region')
    op.drop_table('app_meta')
