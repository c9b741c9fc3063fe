"""The grid's own map (issue 16): where on the network a claim happened (line, 台区, tower, customer and meter
numbers) as columns of the case, and each unit's asset register kept as dated versions.

Revision ID: d4e5a6b7c8f9
Revises: b2a1e9c4d7f0
Create Date: 2026-12-04 04:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd4e5a6b7c8f9'
down_revision = 'b2a1e9c4d7f0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grid_line', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('grid_district', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('grid_tower', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('customer_number', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('meter_number', sa.String(length=40), nullable=True))
        batch_op.create_index('ix_case_record_grid_line', ['grid_line', 'category'], unique=False)
        batch_op.create_index('ix_case_record_grid_district', ['grid_district', 'category'], unique=False)
        batch_op.create_index('ix_case_record_grid_tower', ['grid_tower', 'category'], unique=False)
        batch_op.create_index('ix_case_record_customer_number', ['customer_number'], unique=False)

    op.create_table('asset_register',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('is_current', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('imported_by_id', sa.Integer(), nullable=True),
    sa.Column('imported_by_name', sa.String(length=64), nullable=False),
    sa.Column('imported_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_asset_register_unit_id_unit')),
    sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'],
                            name=op.f('fk_asset_register_imported_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset_register')),
    sa.UniqueConstraint('unit_id', 'version', name='uq_asset_register_unit_version')
    )
    op.create_table('asset',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('register_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('unit_path', sa.String(length=255), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=True),
    sa.Column('voltage', sa.String(length=20), nullable=True),
    sa.Column('line_name', sa.String(length=100), nullable=True),
    sa.Column('village', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['register_id'], ['asset_register.id'], name=op.f('fk_asset_register_id_asset_register')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_asset_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_asset'))
    )
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.create_index('ix_asset_register_kind_name', ['register_id', 'kind', 'name'], unique=False)


def downgrade():
    with op.batch_alter_table('asset', schema=None) as batch_op:
        batch_op.drop_index('ix_asset_register_kind_name')
    op.drop_table('asset')
    op.drop_table('asset_register')
    for name in ('ix_case_record_customer_number', 'ix_case_record_grid_tower', 'ix_case_record_grid_district',
                 'ix_case_record_grid_line'):
        op.drop_index(name, table_name='case_record')
    # Plain DROP COLUMN (SQLite 3.35+): batch mode would copy case_record, and dropping the old copy fails on
    # SQLite while proposals, payments and evidence refer to its rows.
    for name in ('meter_number', 'customer_number', 'grid_tower', 'grid_district', 'grid_line'):
        op.drop_column('case_record', name)
