"""The moment a claim was registered as a case column, and the result of a judgment

Revision ID: d16r3g1st3r2
Revises: d16s0mmary01
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd16r3g1st3r2'
down_revision = 'd16s0mmary01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('registered_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_case_record_registered_unit', ['registered_at', 'unit_path'], unique=False)
    with op.batch_alter_table('litigation_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('result', sa.String(length=16), nullable=True))
    # A case is registered when it is submitted; one never submitted but past draft (an import, the demo)
    # was registered when it was opened: the summary has counted it in that month since d16s0mmary01.
    op.execute("UPDATE case_record SET registered_at = COALESCE(submitted_at, created_at) WHERE state <> 'draft'")


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would copy case_record, which other rows refer to.
    op.drop_index('ix_case_record_registered_unit', table_name='case_record')
    op.drop_column('case_record', 'registered_at')
    op.drop_column('litigation_entry', 'result')
