"""Lean hand-written FastAPI on SQLAlchemy Core: the style the tutorials teach, done carefully.

One `connect()` and one `execute()` per read, `engine.begin()` for the write, Pydantic models in
and out, and a pool that does not churn. A rendered service should be at least as fast.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from contract import Author, NoteCreate, NotePage, NotePublic
from fastapi import FastAPI, HTTPException, Path, Query, Request
from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    func,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import create_async_engine

metadata = MetaData()
users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100)),
    Column("email", String(254)),
)
notes = Table(
    "notes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(100)),
    Column("description", String(500)),
    Column("author_id", Integer, ForeignKey("users.id")),
    Column("created_at", DateTime(timezone=True), server_default=func.now()),
    Column("updated_at", DateTime(timezone=True), server_default=func.now()),
)
_NOTES_WITH_AUTHOR = select(
    notes.c.id,
    notes.c.title,
    notes.c.description,
    notes.c.created_at,
    notes.c.updated_at,
    users.c.id.label("author_id"),
    users.c.name.label("author_name"),
).join_from(notes, users)


def _note(row: Any) -> NotePublic:
    return NotePublic(
        id=row.id,
        title=row.title,
        description=row.description,
        author=Author(id=row.author_id, name=row.author_name),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("POOL_SIZE", "10"))
    app.state.engine = create_async_engine(
        os.environ["DATABASE_URL"], pool_size=size, max_overflow=0
    )
    yield
    await app.state.engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/notes/{note_id}")
async def read_note(
    note_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request
) -> NotePublic:
    async with request.app.state.engine.connect() as connection:
        row = (
            await connection.execute(_NOTES_WITH_AUTHOR.where(notes.c.id == note_id))
        ).one_or_none()
    if row is None:
        raise HTTPException(404, f"note {note_id} not found")
    return _note(row)


@app.get("/notes")
async def list_notes(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> NotePage:
    query = _NOTES_WITH_AUTHOR.order_by(notes.c.id).limit(limit + 1).offset(offset)
    async with request.app.state.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    return NotePage.of([_note(row) for row in rows], limit, offset)


@app.post("/notes", status_code=201)
async def create_note(note: NoteCreate, request: Request) -> NotePublic:
    try:
        async with request.app.state.engine.begin() as connection:
            created = (
                await connection.execute(insert(notes).values(**note.model_dump()).returning(notes))
            ).one()
            author = (
                await connection.execute(select(users.c.name).where(users.c.id == note.author_id))
            ).one()
    except IntegrityError as error:
        raise HTTPException(422, f"author_id {note.author_id} does not name a user") from error
    return NotePublic(
        id=created.id,
        title=created.title,
        description=created.description,
        author=Author(id=note.author_id, name=author.name),
        created_at=created.created_at,
        updated_at=created.updated_at,
    )
