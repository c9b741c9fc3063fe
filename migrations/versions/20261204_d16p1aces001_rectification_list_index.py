"""A covering index for the rectification list: a period's cases by place and category, with money paid, case numbers and units

Revision ID: d16p1aces001
Revises: d17k3y1d0001
Create Date: 2026-12-04 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'd16p1aces001'
down_revision = 'd17k3y1d0001'
branch_labels = None
depends_on = None

COLUMNS = ['registered_at', 'unit_path', 'category', 'grid_line', 'grid_district', 'grid_tower', 'paid_amount',
           'unit_id', 'number']


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.create_index('ix_case_record_registered_places', COLUMNS, unique=False)


def downgrade():
    op.drop_index('ix_case_record_registered_places', table_name='case_record')
