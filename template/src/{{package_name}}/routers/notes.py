"""Routes for notes. Who may change one is up to the access rules, which guard these routes."""

from fastapi import APIRouter, status

from ..access import CHANGE_REFUSALS, CREATE_REFUSALS, NOTE_CHANGE_RULES, NewNote
from ..dependencies import DatabaseDep
from ..errors import NotFound, error_responses
from ..pagination import ListWindow
from ..schemas.notes import NoteId, NotePage, NotePublic, NoteReplace, NoteUpdate, Search

router = APIRouter(prefix="/notes", tags=["notes"], responses=error_responses(413, 422, 503))
_CHANGE_RESPONSES = error_responses(*CHANGE_REFUSALS, 404)


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(*CREATE_REFUSALS))
async def create_note(note: NewNote, database: DatabaseDep) -> NotePublic:
    """Create a note."""
    async with database.single_write() as stores:
        return await stores.notes.create(note)


@router.get("")
async def list_notes(database: DatabaseDep, window: ListWindow, q: Search = None) -> NotePage:
    """List notes, oldest first, optionally only those matching a search text."""
    async with database.read() as stores:
        return await stores.notes.page(window, search=q)


@router.get("/{note_id:int}", responses=error_responses(404))
async def read_note(note_id: NoteId, database: DatabaseDep) -> NotePublic:
    """Return one note with its author."""
    async with database.read() as stores:
        note = await stores.notes.get(note_id)
    if note is None:
        raise NotFound("note", note_id)
    return note


@router.put("/{note_id:int}", responses=_CHANGE_RESPONSES, dependencies=NOTE_CHANGE_RULES)
async def replace_note(note_id: NoteId, note: NoteReplace, database: DatabaseDep) -> NotePublic:
    """Replace a note: every field it was created with."""
    async with database.write() as stores:
        updated = await stores.notes.update(note_id, note.model_dump())
    if updated is None:
        raise NotFound("note", note_id)
    return updated


@router.patch("/{note_id:int}", responses=_CHANGE_RESPONSES, dependencies=NOTE_CHANGE_RULES)
async def update_note(note_id: NoteId, changes: NoteUpdate, database: DatabaseDep) -> NotePublic:
    """Change some of a note's fields."""
    async with database.write() as stores:
        updated = await stores.notes.update(note_id, changes.model_dump())
    if updated is None:
        raise NotFound("note", note_id)
    return updated


@router.delete(
    "/{note_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=_CHANGE_RESPONSES,
    dependencies=NOTE_CHANGE_RULES,
)
async def delete_note(note_id: NoteId, database: DatabaseDep) -> None:
    """Delete a note."""
    async with database.single_write() as stores:
        deleted = await stores.notes.delete(note_id)
    if not deleted:
        raise NotFound("note", note_id)
