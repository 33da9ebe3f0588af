"""Notes, read and written through SQLAlchemy Core, each with its author."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, Select, String, bindparam, delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from ..errors import UnknownAuthor
from ..pagination import Window, paged
from ..schemas.notes import NotePage, NotePublic
from ..tables.notes import notes
from ..tables.users import users

# A note with its author, in one statement; `_note_fields` reads its columns in this order.
_NOTES_WITH_AUTHOR: Select[Any] = select(
    notes.c.id,
    notes.c.title,
    notes.c.description,
    notes.c.created_at,
    notes.c.updated_at,
    users.c.id,
    users.c.name,
).join_from(notes, users)
_NOTE_ID = bindparam("note_id", type_=Integer)
_AUTHOR_ID = bindparam("author_id", type_=Integer)
_NOTE_BY_ID = _NOTES_WITH_AUTHOR.where(notes.c.id == _NOTE_ID)
_NOTES_PAGE = paged(_NOTES_WITH_AUTHOR, notes.c.id)
_AUTHOR_NOTES = _NOTES_WITH_AUTHOR.where(notes.c.author_id == _AUTHOR_ID)
_AUTHOR_NOTES_PAGE = paged(_AUTHOR_NOTES, notes.c.id)
# Inserts nothing when the author does not exist; returns the note as `_NOTES_WITH_AUTHOR` does.
_CREATE_NOTE = (
    insert(notes)
    .from_select(
        ["title", "description", "author_id"],
        select(
            bindparam("title", type_=String), bindparam("description", type_=String), users.c.id
        ).where(users.c.id == _AUTHOR_ID),
    )
    .returning(
        notes.c.id,
        notes.c.title,
        notes.c.description,
        notes.c.created_at,
        notes.c.updated_at,
        notes.c.author_id,
        select(users.c.name).where(users.c.id == _AUTHOR_ID).scalar_subquery(),
    )
)
_UPDATE_NOTE = update(notes).where(notes.c.id == _NOTE_ID).returning(notes.c.id)
_DELETE_NOTE = delete(notes).where(notes.c.id == _NOTE_ID).returning(notes.c.id)


def _note_fields(row: Sequence[Any]) -> dict[str, Any]:
    """The fields of a `NotePublic`, from a row of `_NOTES_WITH_AUTHOR`."""
    # Unpacked by position: reading seven columns by name costs more than the query itself.
    note_id, title, description, created_at, updated_at, author_id, author_name = row
    return {
        "id": note_id,
        "title": title,
        "description": description,
        "author": {"id": author_id, "name": author_name},
        "created_at": created_at,
        "updated_at": updated_at,
    }


class NoteStore:
    """Notes, each read with its author in the same statement."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection

    async def create(self, values: dict[str, Any]) -> NotePublic:
        try:
            row = (await self._connection.execute(_CREATE_NOTE, values)).one_or_none()
        except IntegrityError as error:
            # The author can be deleted while the note is written.
            raise UnknownAuthor(values["author_id"]) from error
        if row is None:
            raise UnknownAuthor(values["author_id"])
        return NotePublic.model_validate(_note_fields(row))

    async def get(self, note_id: int) -> NotePublic | None:
        row = (await self._connection.execute(_NOTE_BY_ID, {"note_id": note_id})).one_or_none()
        return None if row is None else NotePublic.model_validate(_note_fields(row))

    async def page(
        self, window: Window, *, search: str | None = None, author_id: int | None = None
    ) -> NotePage:
        params = window.params if author_id is None else {**window.params, "author_id": author_id}
        if search is None:
            query = _NOTES_PAGE if author_id is None else _AUTHOR_NOTES_PAGE
        else:
            # The pattern is escaped as a literal, so a search builds its query per request.
            matching = or_(
                notes.c.title.icontains(search, autoescape=True),
                notes.c.description.icontains(search, autoescape=True),
            )
            query = paged(
                (_NOTES_WITH_AUTHOR if author_id is None else _AUTHOR_NOTES).where(matching),
                notes.c.id,
            )
        rows = await self._connection.execute(query, params)
        return window.page(NotePage, [_note_fields(row) for row in rows])

    async def update(self, note_id: int, changes: dict[str, Any]) -> NotePublic | None:
        if changes:
            try:
                updated = await self._connection.scalar(
                    _UPDATE_NOTE, {**changes, "note_id": note_id}
                )
            except IntegrityError as error:
                # A new author_id that names no user.
                raise UnknownAuthor(changes["author_id"]) from error
            if updated is None:
                return None
        return await self.get(note_id)

    async def delete(self, note_id: int) -> bool:
        return (await self._connection.scalar(_DELETE_NOTE, {"note_id": note_id})) is not None
