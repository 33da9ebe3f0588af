"""The SQLite floor: Starlette and raw aiosqlite on the rendered service's database file."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import aiosqlite
from plain_http import MAX_ID, error, int_param, note_input, page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_NOTE_COLUMNS = (
    "n.id, n.title, n.description, n.created_at, n.updated_at, u.id AS author_id, "
    "u.name AS author_name"
)
_GET_NOTE = f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id WHERE n.id = ?"
_LIST_NOTES = (
    f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id "
    "ORDER BY n.id LIMIT ? OFFSET ?"
)
_INSERT_NOTE = (
    "INSERT INTO notes (title, description, author_id, created_at, updated_at) "
    "VALUES (?, ?, ?, ?, ?) RETURNING id"
)


def _time(text: str) -> str:
    # Stored by SQLAlchemy as "YYYY-MM-DD HH:MM:SS.ffffff" in UTC.
    return datetime.fromisoformat(text).replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _note(row: Any) -> dict[str, Any]:
    return {
        "id": row[0],
        "title": row[1],
        "description": row[2],
        "author": {"id": row[5], "name": row[6]},
        "created_at": _time(row[3]),
        "updated_at": _time(row[4]),
    }


async def get_note(request: Request) -> Response:
    note_id = int_param(request.path_params["note_id"], 0, 1, MAX_ID)
    if note_id is None:
        return error(422, "invalid_request", "note_id must be a positive integer")
    async with request.app.state.db.execute(_GET_NOTE, (note_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return error(404, "not_found", f"note {note_id} not found")
    return JSONResponse(_note(row))


async def list_notes(request: Request) -> Response:
    limit = int_param(request.query_params.get("limit"), 50, 1, 100)
    offset = int_param(request.query_params.get("offset"), 0, 0, MAX_ID)
    if limit is None or offset is None:
        return error(422, "invalid_request", "limit or offset out of range")
    async with request.app.state.db.execute(_LIST_NOTES, (limit + 1, offset)) as cursor:
        rows = await cursor.fetchall()
    return JSONResponse(page([_note(row) for row in rows], limit, offset))


async def create_note(request: Request) -> Response:
    note = note_input(await request.body())
    if note is None:
        return error(422, "invalid_request", "the request is invalid")
    title, description, author_id = note
    now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
    db = request.app.state.db
    try:
        # One statement in autocommit mode: concurrent requests share the connection, so a
        # transaction spanning several awaits would take in their statements too.
        async with db.execute(_INSERT_NOTE, (title, description, author_id, now, now)) as cursor:
            (note_id,) = await cursor.fetchone()
    except aiosqlite.IntegrityError:
        return error(422, "unknown_author", f"author_id {author_id} does not name a user")
    async with db.execute(_GET_NOTE, (note_id,)) as cursor:
        row = await cursor.fetchone()
    return JSONResponse(_note(row), status_code=201)


@asynccontextmanager
async def lifespan(app: Starlette) -> AsyncIterator[None]:
    # One connection, as an aiosqlite app usually has: SQLite serialises writers anyway.
    async with aiosqlite.connect(os.environ["DATABASE_PATH"], isolation_level=None) as db:
        await db.execute("PRAGMA foreign_keys = ON")
        await db.execute("PRAGMA journal_mode = WAL")
        await db.execute("PRAGMA synchronous = NORMAL")
        app.state.db = db
        yield


app = Starlette(
    routes=[
        Route("/notes/{note_id}", get_note, methods=["GET"]),
        Route("/notes", list_notes, methods=["GET"]),
        Route("/notes", create_note, methods=["POST"]),
    ],
    lifespan=lifespan,
)
