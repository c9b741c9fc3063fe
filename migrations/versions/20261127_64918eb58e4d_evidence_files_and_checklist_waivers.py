"""Evidence files and checklist waivers, with database triggers for custody: no evidence row is ever
deleted, and what identifies a received file (case, bytes, size, name) never changes; withdrawal is one-way.

Revision ID: 64918eb58e4d
Revises: 7d2e41c0a9b3
Create Date: 2026-11-27 15:10:45.511952

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '64918eb58e4d'
down_revision = '7d2e41c0a9b3'
branch_labels = None
depends_on = None


# Columns that say which file was received; only the withdrawal columns may change after the insert.
FIXED = ("case_id", "public_id", "sha256", "size", "original_name", "media_type", "uploaded_by_id", "uploaded_at")


def custody_ddl(dialect: str) -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FIXED)
    if dialect == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FIXED)
        return [
            "CREATE TRIGGER evidence_no_delete BEFORE DELETE ON evidence "
            "BEGIN SELECT RAISE(ABORT, 'evidence is never deleted'); END",
            f"CREATE TRIGGER evidence_custody BEFORE UPDATE ON evidence WHEN {changed} "
            "OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NULL) "
            "BEGIN SELECT RAISE(ABORT, 'evidence custody: a received file cannot be altered'); END",
            "CREATE TRIGGER evidence_waiver_no_delete BEFORE DELETE ON evidence_waiver "
            "BEGIN SELECT RAISE(ABORT, 'waivers are never deleted'); END",
        ]
    return [
        "CREATE FUNCTION evidence_custody() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'evidence is never deleted'; END IF; "
        f"IF {changed} OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS NULL) THEN "
        "RAISE EXCEPTION 'evidence custody: a received file cannot be altered'; END IF; "
        "RETURN NEW; END $$",
        "CREATE TRIGGER evidence_custody BEFORE UPDATE OR DELETE ON evidence "
        "FOR EACH ROW EXECUTE FUNCTION evidence_custody()",
        "CREATE FUNCTION evidence_waiver_no_delete() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "RAISE EXCEPTION 'waivers are never deleted'; END $$",
        "CREATE TRIGGER evidence_waiver_no_delete BEFORE DELETE ON evidence_waiver "
        "FOR EACH ROW EXECUTE FUNCTION evidence_waiver_no_delete()",
    ]


def upgrade():
    op.create_table('evidence',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('public_id', sa.String(length=32), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('note', sa.String(length=500), nullable=True),
    sa.Column('original_name', sa.Text(), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('has_thumbnail', sa.Boolean(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_evidence_case_id_case_record')),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_evidence_uploaded_by_id_user_account')),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['user_account.id'], name=op.f('fk_evidence_withdrawn_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence')),
    sa.UniqueConstraint('case_id', 'sha256', name='uq_evidence_case_sha256'),
    sa.UniqueConstraint('public_id', name=op.f('uq_evidence_public_id'))
    )
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_evidence_sha256'), ['sha256'], unique=False)

    op.create_table('evidence_waiver',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('waived_by_id', sa.Integer(), nullable=False),
    sa.Column('waived_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_evidence_waiver_case_id_case_record')),
    sa.ForeignKeyConstraint(['revoked_by_id'], ['user_account.id'], name=op.f('fk_evidence_waiver_revoked_by_id_user_account')),
    sa.ForeignKeyConstraint(['waived_by_id'], ['user_account.id'], name=op.f('fk_evidence_waiver_waived_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_waiver'))
    )
    with op.batch_alter_table('evidence_waiver', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_evidence_waiver_case_id'), ['case_id'], unique=False)
    for statement in custody_ddl(op.get_bind().dialect.name):
        op.execute(statement)



def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        for trigger in ("evidence_no_delete", "evidence_custody", "evidence_waiver_no_delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
    else:
        op.execute("DROP TRIGGER IF EXISTS evidence_custody ON evidence")
        op.execute("DROP TRIGGER IF EXISTS evidence_waiver_no_delete ON evidence_waiver")
        op.execute("DROP FUNCTION IF EXISTS evidence_custody()")
        op.execute("DROP FUNCTION IF EXISTS evidence_waiver_no_delete()")
    with op.batch_alter_table('evidence_waiver', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_waiver_case_id'))

    op.drop_table('evidence_waiver')
    with op.batch_alter_table('evidence', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_evidence_sha256'))
        batch_op.drop_index(batch_op.f('ix_evidence_case_id'))

    op.drop_table('evidence')
