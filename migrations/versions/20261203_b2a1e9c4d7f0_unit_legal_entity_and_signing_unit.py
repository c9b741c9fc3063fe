"""Units name their legal entity (legal_name) and which unit's legal entity signs and seals for them
(signing_unit_id): a 供电所 is not a legal person, so letters name the county or city company.

Revision ID: b2a1e9c4d7f0
Revises: c2a1s1te0001
Create Date: 2026-12-03 11:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b2a1e9c4d7f0'
down_revision = 'c2a1s1te0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legal_name', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('signing_unit_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_unit_signing_unit_id_unit'), 'unit', ['signing_unit_id'], ['id'])


def downgrade():
    with op.batch_alter_table('unit', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_unit_signing_unit_id_unit'), type_='foreignkey')
        batch_op.drop_column('signing_unit_id')
        batch_op.drop_column('legal_name')
