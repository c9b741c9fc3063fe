"""Fault cause and decision as case columns, and the claims summary (unit × month × category), back-filled

Revision ID: d16s0mmary01
Revises: d4e5a6b7c8f9
Create Date: 2026-12-04 04:40:00

"""
from datetime import UTC

from alembic import op
import sqlalchemy as sa

from casework.domain.summary import CHINA, DECISION_OF_PROPOSAL, FIGURES, MONEY, CaseFigures, add_into, contribution


# revision identifiers, used by Alembic.
revision = 'd16s0mmary01'
down_revision = 'd4e5a6b7c8f9'
branch_labels = None
depends_on = None

COUNTS = [name for name in FIGURES if name not in MONEY]


def _aware(value):
    return None if value is None else value.replace(tzinfo=UTC)


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cause', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('decision_kind', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('decided_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('settled_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('paid_amount', sa.Numeric(precision=12, scale=2), nullable=True))
        batch_op.add_column(sa.Column('paid_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_case_record_cause_unit', ['cause', 'unit_path'], unique=False)
        batch_op.create_index('ix_case_record_decision_kind_decided', ['decision_kind', 'decided_on'], unique=False)
    op.create_table('case_summary',
    sa.Column('unit_path', sa.String(length=255), nullable=False),
    sa.Column('month_on', sa.Date(), nullable=False),
    sa.Column('category', sa.String(length=24), nullable=False),
    *[sa.Column(name, sa.Integer(), server_default='0', nullable=False) for name in COUNTS],
    *[sa.Column(name, sa.Numeric(precision=16, scale=2), server_default='0', nullable=False) for name in MONEY],
    sa.PrimaryKeyConstraint('unit_path', 'month_on', 'category', name=op.f('pk_case_summary'))
    )
    _backfill(op.get_bind())


def _backfill(bind):
    """The new columns from the JSON, the approved proposals and the payments; then the summary from them."""
    money, when, day, word = sa.Numeric(12, 2), sa.DateTime(), sa.Date(), sa.String()
    case = sa.table('case_record', *(sa.column(n, t) for n, t in (
        ('id', sa.Integer()), ('unit_path', word), ('category', word), ('state', word), ('created_at', when),
        ('submitted_at', when), ('claimed_amount', money), ('assessment_outcome', word),
        ('assessment_amount', money), ('goodwill_payment', sa.Boolean()), ('circumstances', sa.JSON()),
        ('cause', word), ('decision_kind', word), ('decided_on', day), ('settled_amount', money),
        ('paid_amount', money), ('paid_on', day))))
    proposal = sa.table('proposal', *(sa.column(n, t) for n, t in (
        ('id', sa.Integer()), ('case_id', sa.Integer()), ('kind', word), ('status', word), ('amount', money),
        ('decided_at', when))))
    payment = sa.table('payment', *(sa.column(n, t) for n, t in (
        ('case_id', sa.Integer()), ('amount', money), ('paid_on', day))))
    decided = {}
    for row in bind.execute(sa.select(proposal.c.case_id, proposal.c.kind, proposal.c.amount, proposal.c.decided_at)
                            .where(proposal.c.status == 'approved').order_by(proposal.c.id)):
        decided[row.case_id] = row  # the latest approval wins, as on the case page
    paid = {row.case_id: row for row in bind.execute(
        sa.select(payment.c.case_id, sa.func.sum(payment.c.amount).label('amount'),
                  sa.func.max(payment.c.paid_on).label('paid_on')).group_by(payment.c.case_id))}
    totals, last = {}, 0
    while True:
        rows = bind.execute(sa.select(case.c.id, case.c.unit_path, case.c.category, case.c.state, case.c.created_at,
                                      case.c.submitted_at, case.c.claimed_amount, case.c.assessment_outcome,
                                      case.c.assessment_amount, case.c.goodwill_payment, case.c.circumstances)
                            .where(case.c.id > last).order_by(case.c.id).limit(2000)).all()
        if not rows:
            break
        last = rows[-1].id
        for row in rows:
            cause = (row.circumstances or {}).get('cause')
            cause = cause if isinstance(cause, str) and cause else None
            d, p = decided.get(row.id), paid.get(row.id)
            values = {
                'cause': cause,
                'decision_kind': DECISION_OF_PROPOSAL.get(d.kind) if d else None,
                'decided_on': _aware(d.decided_at).astimezone(CHINA).date() if d and d.decided_at else None,
                'settled_amount': d.amount if d and d.kind == 'settle' else None,
                'paid_amount': p.amount if p else None, 'paid_on': p.paid_on if p else None,
            }
            if any(v is not None for v in values.values()):
                bind.execute(case.update().where(case.c.id == row.id).values(**values))
            add_into(totals, contribution(CaseFigures(
                unit_path=row.unit_path, category=row.category, state=row.state,
                registered_at=_aware(row.submitted_at or row.created_at), claimed_amount=row.claimed_amount,
                assessment_outcome=row.assessment_outcome, assessment_amount=row.assessment_amount,
                decision_kind=values['decision_kind'], settled_amount=values['settled_amount'],
                paid_amount=values['paid_amount'], goodwill_payment=bool(row.goodwill_payment))))
    summary = sa.table('case_summary', sa.column('unit_path', word), sa.column('month_on', day),
                       sa.column('category', word),
                       *(sa.column(n, sa.Numeric(16, 2) if n in MONEY else sa.Integer()) for n in FIGURES))
    rows = [{'unit_path': k[0], 'month_on': k[1], 'category': k[2], **{n: f.get(n, 0) for n in FIGURES}}
            for k, f in totals.items()]
    if rows:
        bind.execute(summary.insert(), rows)


def downgrade():
    op.drop_table('case_summary')
    op.drop_index('ix_case_record_decision_kind_decided', table_name='case_record')
    op.drop_index('ix_case_record_cause_unit', table_name='case_record')
    # Plain DROP COLUMN (SQLite 3.35+ has it): batch mode would copy case_record, and dropping the old copy
    # fails on SQLite while proposals, payments and evidence refer to its rows.
    for name in ('paid_on', 'paid_amount', 'settled_amount', 'decided_on', 'decision_kind', 'cause'):
        op.drop_column('case_record', name)
