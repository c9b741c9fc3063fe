"""Rule table versions, the holiday calendar, append-only assessment snapshots, API tokens

Revision ID: 3f7709a21b1f
Revises: c14fce7365f1
Create Date: 2026-11-27 12:25:53.308432

"""
from alembic import op
import sqlalchemy as sa

from casework.infra.db import append_only_ddl, drop_append_only_ddl


# revision identifiers, used by Alembic.
revision = '3f7709a21b1f'
down_revision = 'c14fce7365f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('calendar_day',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.String(length=8), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('day', name=op.f('pk_calendar_day'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('rule_table_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('data', sa.JSON(), nullable=False),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('review_comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['user_account.id'], name=op.f('fk_rule_table_version_approved_by_id_user_account')),
    sa.ForeignKeyConstraint(['based_on_id'], ['rule_table_version.id'], name=op.f('fk_rule_table_version_based_on_id_rule_table_version')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_rule_table_version_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rule_table_version')),
    sa.UniqueConstraint('version', name=op.f('uq_rule_table_version_version'))
    )
    with op.batch_alter_table('rule_table_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rule_table_version_status'), ['status'], unique=False)

    op.create_table('assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('rule_table_version', sa.String(length=40), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.Column('result', sa.JSON(), nullable=False),
    sa.Column('outcome', sa.String(length=32), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('run_by_id', sa.Integer(), nullable=True),
    sa.Column('run_by_name', sa.String(length=64), nullable=False),
    sa.Column('run_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_assessment_case_id_case_record')),
    sa.ForeignKeyConstraint(['run_by_id'], ['user_account.id'], name=op.f('fk_assessment_run_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment'))
    )
    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_assessment_case_id'), ['case_id'], unique=False)

    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('assessment_outcome', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('assessment_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('assessment_version', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('assessed_at', sa.DateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_record_assessment_outcome'), ['assessment_outcome'], unique=False)

    for statement in append_only_ddl("assessment", op.get_bind().dialect.name):
        op.execute(statement)


def downgrade():
    for statement in drop_append_only_ddl("assessment", op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_assessment_outcome'))
        batch_op.drop_column('assessed_at')
        batch_op.drop_column('assessment_version')
        batch_op.drop_column('assessment_amount')
        batch_op.drop_column('assessment_outcome')

    with op.batch_alter_table('assessment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_assessment_case_id'))

    op.drop_table('assessment')
    with op.batch_alter_table('rule_table_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rule_table_version_status'))

    op.drop_table('rule_table_version')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('calendar_day')
