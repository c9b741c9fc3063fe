"""The on-site investigation as a recorded action (issue 14): who went, when, where, with GPS

Revision ID: c2a1s1te0001
Revises: 8f75998e7aa6
Create Date: 2026-12-03 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2a1s1te0001'
down_revision = '8f75998e7aa6'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('site_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('visited_at', sa.DateTime(), nullable=False),
    sa.Column('visitors', sa.String(length=200), nullable=False),
    sa.Column('place', sa.String(length=255), nullable=False),
    sa.Column('attendees', sa.String(length=255), nullable=True),
    sa.Column('notes', sa.Text(), nullable=True),
    sa.Column('gps_lat', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('gps_lng', sa.Numeric(precision=9, scale=6), nullable=True),
    sa.Column('gps_accuracy_m', sa.Numeric(precision=8, scale=1), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_site_visit_case_id_case_record')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'],
                            name=op.f('fk_site_visit_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_site_visit'))
    )
    with op.batch_alter_table('site_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_site_visit_case_id'), ['case_id'], unique=False)


def downgrade():
    with op.batch_alter_table('site_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_site_visit_case_id'))
    op.drop_table('site_visit')
