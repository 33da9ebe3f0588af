"""Data access through SQLAlchemy Core: a store per resource, each in its own module."""

from sqlalchemy.ext.asyncio import AsyncConnection

from .notes import NoteStore
from .users import UserStore


class Stores:
    """Every resource's store, on one connection: what a unit of database work hands a route."""

    def __init__(self, connection: AsyncConnection) -> None:
        self.users = UserStore(connection)
        self.notes = NoteStore(connection)
