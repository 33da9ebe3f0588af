"""Give users a password hash, for authentication.

Every variant has the column, `auth` or not, so that the chain of migrations is the same
whatever was answered, and turning `auth` on later needs no migration of its own.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nullable: users created before authentication have no password until they set one.
    op.add_column("users", sa.Column("password_hash", sa.String(length=255), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("password_hash")
