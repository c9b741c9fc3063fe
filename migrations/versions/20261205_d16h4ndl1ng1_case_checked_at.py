"""When an officer first confirmed a case's check (the handling figures' first check)

Revision ID: d16h4ndl1ng1
Revises: d16r3g1st3r2
Create Date: 2026-12-05 10:00:00

"""
import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd16h4ndl1ng1'
down_revision = 'd16r3g1st3r2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checked_at', sa.DateTime(), nullable=True))
    # The audit trail holds every confirmation: the earliest of each case is its first check.
    bind = op.get_bind()
    first = {}
    rows = bind.execute(sa.text("SELECT case_id, at, after FROM audit_event "
                                "WHERE action = 'case.transition' AND case_id IS NOT NULL"))
    for case_id, at, after in rows:
        values = json.loads(after) if isinstance(after, str) else (after or {})
        if values.get("event") == "confirm_check" and (case_id not in first or at < first[case_id]):
            first[case_id] = at
    if first:
        bind.execute(sa.text("UPDATE case_record SET checked_at = :at WHERE id = :id"),
                     [{"id": case_id, "at": at} for case_id, at in first.items()])


def downgrade():
    op.drop_column('case_record', 'checked_at')
