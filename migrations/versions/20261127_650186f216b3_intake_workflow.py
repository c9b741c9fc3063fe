"""Intake and workflow: deadlines, lifecycle dates, assignee index, and the 2-gram search index

Revision ID: 650186f216b3
Revises: 3f7709a21b1f
Create Date: 2026-11-27 12:41:07.119676

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '650186f216b3'
down_revision = '3f7709a21b1f'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('case_deadline',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('citation', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_deadline_case_id_case_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_deadline'))
    )
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_deadline_case_id'), ['case_id'], unique=False)

    op.create_table('case_search',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('grams', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_record.id'], name=op.f('fk_case_search_case_id_case_record')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_search'))
    )
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('submitted_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('complete_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('duty_due_on', sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f('ix_case_record_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_record_duty_due_on'), ['duty_due_on'], unique=False)


    _search_index_up()


# SQLite: an FTS5 index over the space-separated pairs, kept in step by triggers.
# PostgreSQL: a GIN index over the pairs as an array.
FTS_TRIGGERS = (
    "CREATE TRIGGER case_search_ai AFTER INSERT ON case_search BEGIN "
    "INSERT INTO case_search_fts(rowid, grams) VALUES (new.case_id, new.grams); END",
    "CREATE TRIGGER case_search_ad AFTER DELETE ON case_search BEGIN "
    "INSERT INTO case_search_fts(case_search_fts, rowid, grams) VALUES ('delete', old.case_id, old.grams); END",
    "CREATE TRIGGER case_search_au AFTER UPDATE ON case_search BEGIN "
    "INSERT INTO case_search_fts(case_search_fts, rowid, grams) VALUES ('delete', old.case_id, old.grams); "
    "INSERT INTO case_search_fts(rowid, grams) VALUES (new.case_id, new.grams); END",
)


def _search_index_up():
    if op.get_bind().dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE case_search_fts USING fts5(grams, content='case_search', "
                   "content_rowid='case_id', tokenize='unicode61')")
        for statement in FTS_TRIGGERS:
            op.execute(statement)
    else:
        op.execute("CREATE INDEX ix_case_search_grams_gin ON case_search USING gin (string_to_array(grams, ' '))")


def _search_index_down():
    if op.get_bind().dialect.name == "sqlite":
        for name in ("case_search_ai", "case_search_ad", "case_search_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS case_search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_case_search_grams_gin")

def downgrade():
    _search_index_down()
    with op.batch_alter_table('case_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_record_duty_due_on'))
        batch_op.drop_index(batch_op.f('ix_case_record_assignee_id'))
        batch_op.drop_column('duty_due_on')
        batch_op.drop_column('complete_on')
        batch_op.drop_column('submitted_at')

    op.drop_table('case_search')
    with op.batch_alter_table('case_deadline', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_deadline_case_id'))

    op.drop_table('case_deadline')
