"""ORM models, one module per resource; importing this package maps them all."""

from ..columns import metadata
from .base import Base
from .notes import Note
from .users import User

__all__ = ["Base", "Note", "User", "metadata"]
