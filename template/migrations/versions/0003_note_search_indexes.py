"""Index note titles and descriptions for substring search, on PostgreSQL.

A search (`GET /notes?q=...`) matches anywhere in a title or description, case-insensitively;
without these trigram indexes PostgreSQL reads every note to answer it. SQLite has no such
index: this revision changes nothing there, so that every variant has one chain of migrations.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SEARCHED_COLUMNS = ("title", "description")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A trusted extension: the database's owner may create it, no superuser needed.
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for column in _SEARCHED_COLUMNS:
        op.create_index(
            op.f(f"ix_notes_{column}_trgm"),
            "notes",
            [column],
            postgresql_using="gin",
            postgresql_ops={column: "gin_trgm_ops"},
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for column in _SEARCHED_COLUMNS:
        op.drop_index(op.f(f"ix_notes_{column}_trgm"), table_name="notes")
