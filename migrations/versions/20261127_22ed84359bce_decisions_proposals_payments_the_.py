"""Decisions: proposals (settle, reject, escalate) with their goodwill and precedent flags, payments, the
litigation record, generated documents; case_record.goodwill_payment for lists and reports

Revision ID: 22ed84359bce
Revises: 64918eb58e4d
Create Date: 2026-11-27 15:47:30.548639

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '22ed84359bce'
down_revision = '64918eb58e4d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_document_case_id_case_record')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_case_document_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_document'))
    )
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_document_case_id'), ['case_id'], unique=False)

    op.create_table('litigation_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('on', sa.Date(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_litigation_entry_case_id_case_record')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_litigation_entry_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_litigation_entry'))
    )
    with op.batch_alter_table('litigation_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_litigation_entry_case_id'), ['case_id'], unique=False)

    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(), nullable=False),
    sa.Column('assessment_outcome', sa.String(length=32), nullable=True),
    sa.Column('assessed_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('claimed_amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=True),
    sa.Column('payee', sa.String(length=100), nullable=True),
    sa.Column('bank_account', sa.Text(), nullable=True),
    sa.Column('payment_method', sa.String(length=32), nullable=True),
    sa.Column('terms', sa.JSON(), nullable=False),
    sa.Column('grounds', sa.JSON(), nullable=False),
    sa.Column('litigation_role', sa.String(length=16), nullable=True),
    sa.Column('court', sa.String(length=200), nullable=True),
    sa.Column('cause', sa.String(length=200), nullable=True),
    sa.Column('demand', sa.Text(), nullable=True),
    sa.Column('counsel', sa.String(length=200), nullable=True),
    sa.Column('risk', sa.Text(), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('goodwill', sa.Boolean(), nullable=False),
    sa.Column('precedent_risk', sa.Boolean(), nullable=False),
    sa.Column('similar', sa.JSON(), nullable=False),
    sa.Column('needs_role', sa.String(length=16), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_proposal_case_id_case_record')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_proposal_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['user_account.id'], name=op.f('fk_proposal_proposed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_case_id'), ['case_id'], unique=False)

    op.create_table('payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=12, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('voucher', sa.String(length=64), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_payment_case_id_case_record')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_payment_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_payment_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payment'))
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_payment_case_id'), ['case_id'], unique=False)

    # A plain ADD COLUMN (no batch copy): SQLite cannot drop and rebuild case_record while other tables'
    # rows refer to it, and '0' is a constant default both databases read as false.
    op.add_column('case_record', sa.Column('goodwill_payment', sa.Boolean(), server_default='0', nullable=False))
    # Similar claims nearby: the same kind of claim in the same unit, in an amount band (the category
    # index alone made SQLite walk every case of the category, 37 ms at 100,000 cases).
    op.create_index('ix_case_record_unit_category_amount', 'case_record', ['unit_path', 'category', 'claimed_amount'])



def downgrade():
    op.drop_index('ix_case_record_unit_category_amount', table_name='case_record')
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_column('goodwill_payment')

    with op.batch_alter_table('payment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_payment_case_id'))

    op.drop_table('payment')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_case_id'))

    op.drop_table('proposal')
    with op.batch_alter_table('litigation_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_litigation_entry_case_id'))

    op.drop_table('litigation_entry')
    with op.batch_alter_table('case_document', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_document_case_id'))

    op.drop_table('case_document')
