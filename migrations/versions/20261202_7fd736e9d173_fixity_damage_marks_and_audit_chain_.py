"""Fixity damage marks on stored files, and anchors of the audit chain head (append-only, RFC 3161 tokens)

Existing sealed dossiers become the first anchors: each printed the chain head it saw (seq and hash).

Revision ID: 7fd736e9d173
Revises: bc0d3217bc0d
Create Date: 2026-12-02 18:49:51.850758

"""
from alembic import op
import sqlalchemy as sa

from casework.infra.db import UTCDateTime, append_only_ddl, drop_append_only_ddl


# revision identifiers, used by Alembic.
revision = '7fd736e9d173'
down_revision = 'bc0d3217bc0d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audit_anchor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.Column('anchored_at', UTCDateTime(), nullable=False),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('tsa_url', sa.String(length=500), nullable=True),
    sa.Column('token', sa.LargeBinary(), nullable=True),
    sa.Column('tsa_time', UTCDateTime(), nullable=True),
    sa.Column('tsa_error', sa.String(length=500), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_anchor'))
    )
    with op.batch_alter_table('audit_anchor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_anchor_seq'), ['seq'], unique=False)

    op.create_table('stored_file_damage',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('problem', sa.String(length=16), nullable=False),
    sa.Column('found_sha256', sa.String(length=64), nullable=True),
    sa.Column('found_size', sa.BigInteger(), nullable=True),
    sa.Column('detected_at', UTCDateTime(), nullable=False),
    sa.Column('detected_by', sa.String(length=32), nullable=False),
    sa.Column('cleared_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stored_file_damage'))
    )
    with op.batch_alter_table('stored_file_damage', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stored_file_damage_sha256'), ['sha256'], unique=False)

    for statement in append_only_ddl("audit_anchor", op.get_bind().dialect.name):
        op.execute(statement)
    op.execute("INSERT INTO audit_anchor (seq, hash, anchored_at, reason) "
               "SELECT chain_seq, chain_head, sealed_at, 'dossier.printed' FROM dossier_version "
               "WHERE chain_seq > 0 ORDER BY id")


def downgrade():
    for statement in drop_append_only_ddl("audit_anchor", op.get_bind().dialect.name):
        op.execute(statement)
    with op.batch_alter_table('stored_file_damage', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stored_file_damage_sha256'))

    op.drop_table('stored_file_damage')
    with op.batch_alter_table('audit_anchor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_anchor_seq'))

    op.drop_table('audit_anchor')
