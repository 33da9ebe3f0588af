"""The floor: Starlette and raw asyncpg, the least a Python service can do for these routes.

Same routes, same SQL results and the same JSON as a rendered service (a note with its author
embedded, a page object), with the validation a careful hand-written app would do.
"""

from datetime import datetime
from typing import Any

import asyncpg
from asyncpg_sql import CREATE_NOTE, GET_NOTE, LIST_NOTES, pool_lifespan
from plain_http import MAX_ID, error, int_param, note_input, page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


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


async def get_note(request: Request) -> Response:
    note_id = int_param(request.path_params["note_id"], 0, 1, MAX_ID)
    if note_id is None:
        return error(422, "invalid_request", "note_id must be a positive integer")
    async with request.app.state.pool.acquire() as connection:
        row = await connection.fetchrow(GET_NOTE, note_id)
    if row is None:
        return error(404, "not_found", f"note {note_id} not found")
    return JSONResponse(_note(row))


async def list_notes(request: Request) -> Response:
    limit = int_param(request.query_params.get("limit"), 50, 1, 100)
    offset = int_param(request.query_params.get("offset"), 0, 0, MAX_ID)
    if limit is None or offset is None:
        return error(422, "invalid_request", "limit or offset out of range")
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(LIST_NOTES, limit + 1, offset)
    return JSONResponse(page([_note(row) for row in rows], limit, offset))


async def create_note(request: Request) -> Response:
    note = note_input(await request.body())
    if note is None:
        return error(422, "invalid_request", "the request is invalid")
    title, description, author_id = note
    try:
        async with request.app.state.pool.acquire() as connection:
            row = await connection.fetchrow(CREATE_NOTE, title, description, author_id)
    except asyncpg.ForeignKeyViolationError:
        return error(422, "unknown_author", f"author_id {author_id} does not name a user")
    return JSONResponse(_note(row), status_code=201)


app = Starlette(
    routes=[
        Route("/notes/{note_id}", get_note, methods=["GET"]),
        Route("/notes", list_notes, methods=["GET"]),
        Route("/notes", create_note, methods=["POST"]),
    ],
    lifespan=pool_lifespan,
)
