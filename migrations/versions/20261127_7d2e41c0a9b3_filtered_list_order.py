"""Filtered case lists in index order: (state, created_at, id) and (category, created_at, id)

Revision ID: 7d2e41c0a9b3
Revises: c554e6eefd91
Create Date: 2026-11-27 13:35:00

"""
from alembic import op


revision = "7d2e41c0a9b3"
down_revision = "c554e6eefd91"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index("ix_case_record_state")
        batch_op.drop_index("ix_case_record_category")
        batch_op.create_index("ix_case_record_state_created", ["state", "created_at", "id"], unique=False)
        batch_op.create_index("ix_case_record_category_created", ["category", "created_at", "id"], unique=False)


def downgrade():
    with op.batch_alter_table("case_record", schema=None) as batch_op:
        batch_op.drop_index("ix_case_record_category_created")
        batch_op.drop_index("ix_case_record_state_created")
        batch_op.create_index("ix_case_record_category", ["category"], unique=False)
        batch_op.create_index("ix_case_record_state", ["state"], unique=False)
