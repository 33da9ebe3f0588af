"""FastAPI with Pydantic models over raw asyncpg: what the framework itself costs."""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

import asyncpg
from fastapi import FastAPI, HTTPException, Path, Query, Request
from pydantic import BaseModel, Field

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


class Author(BaseModel):
    id: int
    name: str


class NotePublic(BaseModel):
    id: int
    title: str
    description: str
    author: Author
    created_at: datetime
    updated_at: datetime


class NotePage(BaseModel):
    items: list[NotePublic]
    limit: int
    offset: int
    next_offset: int | None


class NoteCreate(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str, Field(max_length=500)] = ""
    author_id: Annotated[int, Field(ge=1, le=2**31 - 1, strict=True)]


def _note(row: asyncpg.Record) -> NotePublic:
    return NotePublic(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        author=Author(id=row["author_id"], name=row["author_name"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("POOL_SIZE", "10"))
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_DSN"], min_size=size, max_size=size
    )
    yield
    await app.state.pool.close()


app = FastAPI(lifespan=lifespan)


@app.get("/notes/{note_id}")
async def read_note(
    note_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request
) -> NotePublic:
    async with request.app.state.pool.acquire() as connection:
        row = await connection.fetchrow(_GET_NOTE, note_id)
    if row is None:
        raise HTTPException(404, f"note {note_id} not found")
    return _note(row)


@app.get("/notes")
async def list_notes(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> NotePage:
    async with request.app.state.pool.acquire() as connection:
        rows = await connection.fetch(_LIST_NOTES, limit + 1, offset)
    more = len(rows) > limit
    return NotePage(
        items=[_note(row) for row in rows[:limit]],
        limit=limit,
        offset=offset,
        next_offset=offset + limit if more else None,
    )


@app.post("/notes", status_code=201)
async def create_note(note: NoteCreate, request: Request) -> NotePublic:
    try:
        async with request.app.state.pool.acquire() as connection:
            row = await connection.fetchrow(
                _CREATE_NOTE, note.title, note.description, note.author_id
            )
    except asyncpg.ForeignKeyViolationError as error:
        raise HTTPException(422, f"author_id {note.author_id} does not name a user") from error
    return _note(row)
