"""SQLAlchemy Core tables, one module per resource; importing this package defines them all."""

from ..columns import metadata
from .notes import notes
from .users import users

__all__ = ["metadata", "notes", "users"]
