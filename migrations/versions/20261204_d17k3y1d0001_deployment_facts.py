"""Facts of the deployment every instance must agree with: which PII key and which search key the data is
written with (their public ids, never the keys)

Revision ID: d17k3y1d0001
Revises: d16h4ndl1ng1
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd17k3y1d0001'
down_revision = 'd16h4ndl1ng1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('deployment_fact',
                    sa.Column('name', sa.String(length=40), nullable=False),
                    sa.Column('value', sa.String(length=200), nullable=False),
                    sa.PrimaryKeyConstraint('name', name=op.f('pk_deployment_fact')))


def downgrade():
    op.drop_table('deployment_fact')
