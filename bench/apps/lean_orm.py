"""Lean hand-written FastAPI on the SQLAlchemy 2 ORM: how a careful engineer writes it by hand.

Declarative models, one session per request from an `async_sessionmaker(expire_on_commit=False)`,
`session.get` with the author joined in for one note, `select(Note)` with the same join for a
page, `session.add` and a commit for the write, and Pydantic's `model_validate` reading the
models' attributes. The same routes, JSON and pool as the lean Core app (lean_sqlalchemy.py).
A rendered ORM service should be at least as fast.
"""

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Annotated

from contract import NoteCreate, NotePage, NotePublic
from fastapi import FastAPI, HTTPException, Path, Query, Request
from sqlalchemy import DateTime, ForeignKey, String, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, joinedload, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    email: Mapped[str] = mapped_column(String(254))


class Note(Base):
    __tablename__ = "notes"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(String(500))
    author_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    # Loaded only where a query asks for it: a lazy load cannot run under asyncio.
    author: Mapped[User] = relationship(lazy="raise")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    size = int(os.environ.get("POOL_SIZE", "10"))
    engine = create_async_engine(os.environ["DATABASE_URL"], pool_size=size, max_overflow=0)
    app.state.sessions = async_sessionmaker(engine, expire_on_commit=False)
    yield
    await engine.dispose()


app = FastAPI(lifespan=lifespan)


@app.get("/notes/{note_id}")
async def read_note(
    note_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request
) -> NotePublic:
    async with request.app.state.sessions() as session:
        note = await session.get(Note, note_id, options=[joinedload(Note.author)])
    if note is None:
        raise HTTPException(404, f"note {note_id} not found")
    return NotePublic.model_validate(note, from_attributes=True)


@app.get("/notes")
async def list_notes(
    request: Request,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> NotePage:
    query = (
        select(Note)
        .options(joinedload(Note.author))
        .order_by(Note.id)
        .limit(limit + 1)
        .offset(offset)
    )
    async with request.app.state.sessions() as session:
        notes = (await session.scalars(query)).all()
    return NotePage.of(
        [NotePublic.model_validate(note, from_attributes=True) for note in notes], limit, offset
    )


def _no_user(author_id: int) -> HTTPException:
    return HTTPException(422, f"author_id {author_id} does not name a user")


@app.post("/notes", status_code=201)
async def create_note(body: NoteCreate, request: Request) -> NotePublic:
    try:
        async with request.app.state.sessions.begin() as session:
            author = await session.get(User, body.author_id)
            if author is None:
                raise _no_user(body.author_id)
            note = Note(title=body.title, description=body.description, author=author)
            session.add(note)
    except IntegrityError as error:
        # The author was deleted between the read and the insert.
        raise _no_user(body.author_id) from error
    return NotePublic.model_validate(note, from_attributes=True)
