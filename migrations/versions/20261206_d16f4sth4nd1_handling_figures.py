"""Each case's handling figures (durations from registration, duties met, missed or owed) kept as columns with
a covering index, so the handling page counts them in SQL

Revision ID: d16f4sth4nd1
Revises: d16p1aces001
Create Date: 2026-12-06 10:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd16f4sth4nd1'
down_revision = 'd16p1aces001'
branch_labels = None
depends_on = None

INTEGERS = ('visit_minutes', 'check_days', 'decision_days', 'payment_days')
DUTIES = ('visit', 'check', 'decision')
INDEXED = ('unit_id', 'registered_at', 'unit_path', 'category', 'assignee_id', 'visit_minutes', 'check_days', 'decision_days',
           'payment_days', 'visit_duty', 'visit_due_on', 'check_duty', 'check_due_on', 'decision_duty',
           'decision_due_on')


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        for name in INTEGERS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=True))
        for duty in DUTIES:
            batch_op.add_column(sa.Column(f'{duty}_duty', sa.String(length=8), nullable=True))
            batch_op.add_column(sa.Column(f'{duty}_due_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_case_record_handling', list(INDEXED), unique=False)
    # Back-fill with the upkeep's own arithmetic (analytics.handling_facts, domain.handling).
    from sqlalchemy.orm import Session

    from casework.analytics.handling_facts import refresh_all

    refresh_all(Session(bind=op.get_bind()))


def downgrade():
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would copy case_record, and dropping the old copy fails on
    # SQLite while proposals, payments and evidence refer to its rows.
    op.drop_index('ix_case_record_handling', table_name='case_record')
    for duty in reversed(DUTIES):
        op.drop_column('case_record', f'{duty}_due_on')
        op.drop_column('case_record', f'{duty}_duty')
    for name in reversed(INTEGERS):
        op.drop_column('case_record', name)
