"""The floor: Starlette and raw asyncpg, the least a Python service can do for these routes.

Same routes, same SQL results and the same JSON as a rendered service (a note with its author
embedded, a page object), with the validation a careful hand-written app would do.
"""

import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_NOTE_COLUMNS = (
    "n.id, n.title, n.description, n.created_at, n.updated_at, u.id AS author_id, "
    "u.name AS author_name"
)
_GET_NOTE = (
    f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id WHERE n.id = $1"
)
_LIST_NOTES = (
    f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id "
    "ORDER BY n.id LIMIT $1 OFFSET $2"
)
_CREATE_NOTE = (
    "WITH n AS (INSERT INTO notes (title, description, author_id, created_at, updated_at) "
    "VALUES ($1, $2, $3, now(), now()) RETURNING *) "
    f"SELECT {_NOTE_COLUMNS} FROM n JOIN users u ON u.id = n.author_id"
)


def _time(value: datetime) -> str:
    return value.isoformat().replace("+00:00", "Z")


def _note(row: asyncpg.Record) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "description": row["description"],
        "author": {"id": row["author_id"], "name": row["author_name"]},
        "created_at": _time(row["created_at"]),
        "updated_at": _time(row["updated_at"]),
    }


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _int(text: str | None, default: int, low: int, high: int) -> int | None:
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


async def get_note(request: Request) -> Response:
    note_id = _int(request.path_params["note_id"], 0, 1, 2**31 - 1)
    if note_id is None:
        return _error(422, "invalid_request", "note_id must be a positive integer")
    async with request.app.state.pool.acquire() as connection:
        row = await connection.fetchrow(_GET_NOTE, note_id)
    if row is None:
        return _error(404, "not_found", f"note {note_id} not found")
    return JSONResponse(_note(row))


async def list_notes(request: Request) -> Response:
    limit = _int(request.query_params.get("limit"), 50, 1, 100)
    offset = _int(request.query_params.get("offset"), 0, 0, 2**31 - 1)
    if limit is None or offset is None:
        return _error(422, "invalid_request", "limit or offset out of range")
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(_LIST_NOTES, limit + 1, offset)
    more = len(rows) > limit
    return JSONResponse(
        {
            "items": [_note(row) for row in rows[:limit]],
            "limit": limit,
            "offset": offset,
            "next_offset": offset + limit if more else None,
        }
    )


async def create_note(request: Request) -> Response:
    try:
        body = json.loads(await request.body())
        title, description, author_id = (
            body["title"],
            body.get("description", ""),
            body["author_id"],
        )
    except (ValueError, KeyError, TypeError):
        return _error(422, "invalid_request", "the request is invalid")
    if not (
        isinstance(title, str)
        and 1 <= len(title) <= 100
        and isinstance(description, str)
        and len(description) <= 500
        and type(author_id) is int
        and 1 <= author_id <= 2**31 - 1
    ):
        return _error(422, "invalid_request", "the request is invalid")
    try:
        async with request.app.state.pool.acquire() as connection:
            row = await connection.fetchrow(_CREATE_NOTE, title, description, author_id)
    except asyncpg.ForeignKeyViolationError:
        return _error(422, "unknown_author", f"author_id {author_id} does not name a user")
    return JSONResponse(_note(row), status_code=201)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    size = int(os.environ.get("POOL_SIZE", "10"))
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_DSN"], min_size=size, max_size=size
    )
    yield
    await app.state.pool.close()


app = Starlette(
    routes=[
        Route("/notes/{note_id}", get_note, methods=["GET"]),
        Route("/notes", list_notes, methods=["GET"]),
        Route("/notes", create_note, methods=["POST"]),
    ],
    lifespan=lifespan,
)
