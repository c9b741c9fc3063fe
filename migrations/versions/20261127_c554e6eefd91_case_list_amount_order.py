"""Keyset paging of the case list by claimed amount: an index on (claimed_amount, id)

Revision ID: c554e6eefd91
Revises: 650186f216b3
Create Date: 2026-11-27 13:07:15.822618

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c554e6eefd91'
down_revision = '650186f216b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index('ix_case_record_claimed_amount_id', ['claimed_amount', 'id'], unique=False)


def downgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index('ix_case_record_claimed_amount_id')
