"""Path and query parameters shared by the routers."""

from typing import Annotated

from fastapi import Path, Query

from .db_schema import MAX_ID
from .schemas import SearchText

UserId = Annotated[int, Path(ge=1, le=MAX_ID)]
NoteId = Annotated[int, Path(ge=1, le=MAX_ID)]
Search = Annotated[
    SearchText | None, Query(description="Only notes whose title or description contains this")
]
