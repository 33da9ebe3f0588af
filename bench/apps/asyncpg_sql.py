"""What the two asyncpg apps share: their pool, and statements of one round trip per request."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg

_NOTE_COLUMNS = (
    "n.id, n.title, n.description, n.created_at, n.updated_at, u.id AS author_id, "
    "u.name AS author_name"
)
GET_NOTE = f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id WHERE n.id = $1"
LIST_NOTES = (
    f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id "
    "ORDER BY n.id LIMIT $1 OFFSET $2"
)
CREATE_NOTE = (
    "WITH n AS (INSERT INTO notes (title, description, author_id, created_at, updated_at) "
    "VALUES ($1, $2, $3, now(), now()) RETURNING *) "
    f"SELECT {_NOTE_COLUMNS} FROM n JOIN users u ON u.id = n.author_id"
)


@asynccontextmanager
async def pool_lifespan(app: Any) -> AsyncIterator[None]:
    """A pool of POOL_SIZE connections, opened at start-up, in `app.state.pool`."""
    size = int(os.environ.get("POOL_SIZE", "10"))
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_DSN"], min_size=size, max_size=size
    )
    yield
    await app.state.pool.close()
