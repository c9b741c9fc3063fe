"""Sealed dossier versions: each sealing of a case's dossier, with the PDF's SHA-256 and the audit chain head

Revision ID: c2e4f473d97c
Revises: 22ed84359bce
Create Date: 2026-11-27 16:15:31.722582

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2e4f473d97c'
down_revision = '22ed84359bce'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('dossier_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('chain_seq', sa.Integer(), nullable=False),
    sa.Column('chain_head', sa.String(length=64), nullable=False),
    sa.Column('sealed_at', sa.DateTime(), nullable=False),
    sa.Column('sealed_by_id', sa.Integer(), nullable=True),
    sa.Column('sealed_by_name', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_dossier_version_case_id_case_record')),
    sa.ForeignKeyConstraint(['sealed_by_id'], ['user_account.id'], name=op.f('fk_dossier_version_sealed_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dossier_version')),
    sa.UniqueConstraint('case_id', 'version', name='uq_dossier_version_case_version')
    )
    with op.batch_alter_table('dossier_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossier_version_case_id'), ['case_id'], unique=False)



def downgrade():
    with op.batch_alter_table('dossier_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossier_version_case_id'))

    op.drop_table('dossier_version')
