"""Data access through the ORM: a store per resource, each in its own module."""

from sqlalchemy.ext.asyncio import AsyncSession

from .notes import NoteStore
from .users import UserStore


class Stores:
    """Every resource's store, on one session: what a unit of database work hands a route."""

    def __init__(self, session: AsyncSession) -> None:
        self.users = UserStore(session)
        self.notes = NoteStore(session)
