"""Notes, read and written through the ORM, each with its author."""

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Integer, String, bindparam, delete, insert, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload

from ..errors import UnknownAuthor
from ..models.notes import Note
from ..models.users import User
from ..pagination import Window, paged
from ..schemas.notes import NotePage, NotePublic

_NOTE_ID = bindparam("note_id", type_=Integer)
_AUTHOR_ID = bindparam("author_id", type_=Integer)
# A note with its author, loaded as entities where the note is changed...
_NOTE_ENTITY = select(Note).options(joinedload(Note.author)).where(Note.id == _NOTE_ID)
# ... and read as rows, in one statement, where it is only shown: building two entities per
# note costs more than the query. `_note_fields` reads the columns in this order.
_NOTES_WITH_AUTHOR = select(
    Note.id,
    Note.title,
    Note.description,
    Note.created_at,
    Note.updated_at,
    User.id,
    User.name,
).join(Note.author)
_NOTE_BY_ID = _NOTES_WITH_AUTHOR.where(Note.id == _NOTE_ID)
_NOTES_PAGE = paged(_NOTES_WITH_AUTHOR, Note.id)
_AUTHOR_NOTES = _NOTES_WITH_AUTHOR.where(Note.author_id == _AUTHOR_ID)
_AUTHOR_NOTES_PAGE = paged(_AUTHOR_NOTES, Note.id)
_DELETE_NOTE = delete(Note).where(Note.id == _NOTE_ID).returning(Note.id)
# One statement checks the author, writes the note and reads it back with the author's name: a
# lookup, an insert and a flush would take three round trips, each costing more than the rest
# of the request. An author that does not exist makes it insert nothing. It writes the mapped
# table directly, since the ORM's own INSERT takes its values from the parameters, not a SELECT.
_CREATE_NOTE = (
    insert(Note.metadata.tables[Note.__tablename__])
    .from_select(
        ["title", "description", "author_id"],
        select(
            bindparam("title", type_=String), bindparam("description", type_=String), User.id
        ).where(User.id == _AUTHOR_ID),
    )
    .returning(
        Note.id,
        Note.title,
        Note.description,
        Note.created_at,
        Note.updated_at,
        Note.author_id,
        select(User.name).where(User.id == _AUTHOR_ID).scalar_subquery(),
    )
)


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

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def create(self, values: dict[str, Any]) -> NotePublic:
        try:
            row = (await self._session.execute(_CREATE_NOTE, values)).one_or_none()
        except IntegrityError as error:
            # The author can be deleted while the note is written.
            raise UnknownAuthor(values["author_id"]) from error
        if row is None:
            raise UnknownAuthor(values["author_id"])
        return NotePublic.model_validate(_note_fields(row))

    async def get(self, note_id: int) -> NotePublic | None:
        row = (await self._session.execute(_NOTE_BY_ID, {"note_id": note_id})).one_or_none()
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
                Note.title.icontains(search, autoescape=True),
                Note.description.icontains(search, autoescape=True),
            )
            query = paged(
                (_NOTES_WITH_AUTHOR if author_id is None else _AUTHOR_NOTES).where(matching),
                Note.id,
            )
        rows = await self._session.execute(query, params)
        return window.page(NotePage, [_note_fields(row) for row in rows])

    async def update(self, note_id: int, changes: dict[str, Any]) -> NotePublic | None:
        note = await self._load(note_id)
        if note is None:
            return None
        note.apply_changes(changes)
        await self._flush(note.author_id)
        if "author_id" in changes:
            # The loaded author is the previous one until the relationship is read again.
            await self._session.refresh(note, ["author"])
        return NotePublic.model_validate(note)

    async def delete(self, note_id: int) -> bool:
        return (await self._session.scalar(_DELETE_NOTE, {"note_id": note_id})) is not None

    async def _load(self, note_id: int) -> Note | None:
        return (await self._session.scalars(_NOTE_ENTITY, {"note_id": note_id})).one_or_none()

    async def _flush(self, author_id: int) -> None:
        # The author can be deleted between the lookup and the insert.
        try:
            await self._session.flush()
        except IntegrityError as error:
            raise UnknownAuthor(author_id) from error
