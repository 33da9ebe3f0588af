"""What every resource's schemas share: the id type and the two kinds of body."""

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from ..columns import MAX_ID

# PostgreSQL cannot store NUL characters in text; refuse them up front, on every database.
NO_NUL = r"^[^\x00]*$"

# Strict: `true` or `1.0` is not an id. Responses declare it too, so clients know its range.
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]


class Input(BaseModel):
    """A request body: unknown fields are an error, not silently dropped.

    `model_dump()` gives the values to store. A field typed `... | MISSING` may be left out: it
    is then absent from those values, so a partial update changes only what the client sent.
    Such a field still refuses `null`, and its schema does not offer it.
    """

    model_config = ConfigDict(extra="forbid")


class Output(BaseModel):
    """A response body, read from ORM objects, rows or dicts."""

    model_config = ConfigDict(from_attributes=True)
