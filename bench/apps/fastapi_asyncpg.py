"""FastAPI with Pydantic models over raw asyncpg: what the framework itself costs."""

from typing import Annotated

import asyncpg
from asyncpg_sql import CREATE_NOTE, GET_NOTE, LIST_NOTES, pool_lifespan
from contract import Author, NoteCreate, NotePage, NotePublic
from fastapi import FastAPI, HTTPException, Path, Query, Request


def _note(row: asyncpg.Record) -> NotePublic:
    return NotePublic(
        id=row["id"],
        title=row["title"],
        description=row["description"],
        author=Author(id=row["author_id"], name=row["author_name"]),
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


app = FastAPI(lifespan=pool_lifespan)


@app.get("/notes/{note_id}")
async def read_note(
    note_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request
) -> NotePublic:
    async with request.app.state.pool.acquire() as connection:
        row = await connection.fetchrow(GET_NOTE, note_id)
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
        rows = await connection.fetch(LIST_NOTES, limit + 1, offset)
    return NotePage.of([_note(row) for row in rows], limit, offset)


@app.post("/notes", status_code=201)
async def create_note(note: NoteCreate, request: Request) -> NotePublic:
    try:
        async with request.app.state.pool.acquire() as connection:
            row = await connection.fetchrow(
                CREATE_NOTE, note.title, note.description, note.author_id
            )
    except asyncpg.ForeignKeyViolationError as error:
        raise HTTPException(422, f"author_id {note.author_id} does not name a user") from error
    return _note(row)
