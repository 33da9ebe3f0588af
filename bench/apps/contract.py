"""The Pydantic models of the two FastAPI references: the rendered services' JSON."""

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field


class Author(BaseModel):
    id: int
    name: str


class NotePublic(BaseModel):
    id: int
    title: str
    description: str
    author: Author
    created_at: datetime
    updated_at: datetime


class NotePage(BaseModel):
    items: list[NotePublic]
    limit: int
    offset: int
    next_offset: int | None

    @classmethod
    def of(cls, notes: list[NotePublic], limit: int, offset: int) -> "NotePage":
        """The page of the `limit + 1` notes fetched: the extra one tells whether more follow."""
        more = len(notes) > limit
        return cls(
            items=notes[:limit],
            limit=limit,
            offset=offset,
            next_offset=offset + limit if more else None,
        )


class NoteCreate(BaseModel):
    title: Annotated[str, Field(min_length=1, max_length=100)]
    description: Annotated[str, Field(max_length=500)] = ""
    author_id: Annotated[int, Field(ge=1, le=2**31 - 1, strict=True)]
