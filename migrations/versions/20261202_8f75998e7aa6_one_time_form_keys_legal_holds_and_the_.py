"""One-time form keys (a create form submitted twice makes one object), legal holds, and the retention
record: which data class of which case was anonymised or deleted, and which stored files were retired

Revision ID: 8f75998e7aa6
Revises: 7fd736e9d173
Create Date: 2026-12-02 21:54:33.387235

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8f75998e7aa6'
down_revision = '7fd736e9d173'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_submission',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('form_key', sa.String(length=32), nullable=False),
    sa.Column('form', sa.String(length=40), nullable=False),
    sa.Column('object_ref', sa.String(length=64), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_form_submission_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_submission')),
    sa.UniqueConstraint('user_id', 'form_key', name='uq_form_submission_user_key')
    )
    op.create_table('legal_hold',
    sa.Column('case_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('set_by_name', sa.String(length=64), nullable=False),
    sa.Column('set_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_legal_hold_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_legal_hold'))
    )
    op.create_table('retention_action',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('data_class', sa.String(length=24), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=False),
    sa.Column('done_at', sa.DateTime(), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_retention_action_case_id_case_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_retention_action')),
    sa.UniqueConstraint('case_id', 'data_class', name='uq_retention_action_case_class')
    )
    with op.batch_alter_table('retention_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retention_action_case_id'), ['case_id'], unique=False)

    op.create_table('retired_file',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_retired_file_case_id_case_record')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_retired_file'))
    )
    with op.batch_alter_table('retired_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_retired_file_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('retired_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retired_file_case_id'))

    op.drop_table('retired_file')
    with op.batch_alter_table('retention_action', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_retention_action_case_id'))

    op.drop_table('retention_action')
    op.drop_table('legal_hold')
    op.drop_table('form_submission')
