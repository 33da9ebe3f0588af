"""The MariaDB floor: Starlette and a raw driver, twice, to measure asyncmy against aiomysql.

`asyncmy_app` and `aiomysql_app` are the same app on each driver: the same statements, in
autocommit (a read is one round trip, a POST two), the same JSON as a rendered service. Both
drivers share the pool API this module uses, so the two differ in their driver alone.
"""

import os
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import aiomysql
import asyncmy
import asyncmy.errors
from plain_http import MAX_ID, error, int_param, note_input, page
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

_NOTE_COLUMNS = (
    "n.id, n.title, n.description, n.created_at, n.updated_at, u.id AS author_id, "
    "u.name AS author_name"
)
_GET_NOTE = (
    f"SELECT {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id WHERE n.id = %s"
)
# STRAIGHT_JOIN: else MariaDB reads the users first and sorts the whole join to find a page.
_LIST_NOTES = (
    f"SELECT STRAIGHT_JOIN {_NOTE_COLUMNS} FROM notes n JOIN users u ON u.id = n.author_id "
    "ORDER BY n.id LIMIT %s OFFSET %s"
)
# MariaDB has INSERT ... RETURNING, but no CTE around it: the note's author is a second read.
_INSERT_NOTE = (
    "INSERT INTO notes (title, description, author_id, created_at, updated_at) "
    "VALUES (%s, %s, %s, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)) RETURNING id"
)


def _time(value: datetime) -> str:
    # DATETIME(6) holds UTC without a zone, as the rendered service stores it.
    return value.replace(tzinfo=UTC).isoformat().replace("+00:00", "Z")


def _note(row: tuple[Any, ...]) -> dict[str, Any]:
    return {
        "id": row[0],
        "title": row[1],
        "description": row[2],
        "author": {"id": row[5], "name": row[6]},
        "created_at": _time(row[3]),
        "updated_at": _time(row[4]),
    }


def _app(driver: ModuleType, integrity_error: type[Exception]) -> Starlette:
    async def fetch(pool: Any, statement: str, *args: Any) -> list[tuple[Any, ...]]:
        async with pool.acquire() as connection, connection.cursor() as cursor:
            await cursor.execute(statement, args)
            rows: list[tuple[Any, ...]] = list(await cursor.fetchall())
            return rows

    async def get_note(request: Request) -> Response:
        note_id = int_param(request.path_params["note_id"], 0, 1, MAX_ID)
        if note_id is None:
            return error(422, "invalid_request", "note_id must be a positive integer")
        rows = await fetch(request.app.state.pool, _GET_NOTE, note_id)
        if not rows:
            return error(404, "not_found", f"note {note_id} not found")
        return JSONResponse(_note(rows[0]))

    async def list_notes(request: Request) -> Response:
        limit = int_param(request.query_params.get("limit"), 50, 1, 100)
        offset = int_param(request.query_params.get("offset"), 0, 0, MAX_ID)
        if limit is None or offset is None:
            return error(422, "invalid_request", "limit or offset out of range")
        rows = await fetch(request.app.state.pool, _LIST_NOTES, limit + 1, offset)
        return JSONResponse(page([_note(row) for row in rows], limit, offset))

    async def create_note(request: Request) -> Response:
        note = note_input(await request.body())
        if note is None:
            return error(422, "invalid_request", "the request is invalid")
        author_id = note[2]
        pool = request.app.state.pool
        async with pool.acquire() as connection, connection.cursor() as cursor:
            try:
                await cursor.execute(_INSERT_NOTE, note)
            except integrity_error:
                return error(422, "unknown_author", f"author_id {author_id} does not name a user")
            (note_id,) = await cursor.fetchone()
            await cursor.execute(_GET_NOTE, (note_id,))
            row = await cursor.fetchone()
        return JSONResponse(_note(row), status_code=201)

    return Starlette(
        routes=[
            Route("/notes/{note_id}", get_note, methods=["GET"]),
            Route("/notes", list_notes, methods=["GET"]),
            Route("/notes", create_note, methods=["POST"]),
        ],
        lifespan=_pool_lifespan(driver.create_pool),
    )


def _pool_lifespan(create_pool: Callable[..., Any]) -> Any:
    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        """A pool of POOL_SIZE connections to DATABASE_DSN (mysql://user@host:port/database)."""
        size = int(os.environ.get("POOL_SIZE", "10"))
        dsn = urlsplit(os.environ["DATABASE_DSN"])
        app.state.pool = await create_pool(
            host=dsn.hostname,
            port=dsn.port or 3306,
            user=dsn.username,
            password=dsn.password or "",
            db=dsn.path.lstrip("/"),
            minsize=size,
            maxsize=size,
            autocommit=True,
            charset="utf8mb4",
            init_command="SET time_zone = '+00:00'",
        )
        yield
        app.state.pool.close()
        await app.state.pool.wait_closed()

    return lifespan


asyncmy_app = _app(asyncmy, asyncmy.errors.IntegrityError)
aiomysql_app = _app(aiomysql, aiomysql.IntegrityError)
