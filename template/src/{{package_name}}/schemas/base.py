"""What every resource's schemas share: the id type, the types of values with no limits of
their own, and the two kinds of body."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetCoreSchemaHandler,
    GetJsonSchemaHandler,
    StringConstraints,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import PydanticCustomError, core_schema

from ..columns import MAX_ID

# PostgreSQL cannot store NUL characters in text; refuse them up front, on every database.
NO_NUL = r"^[^\x00]*$"

# Strict: `true` or `1.0` is not an id. Responses declare it too, so clients know its range.
Id = Annotated[int, Field(ge=1, le=MAX_ID, strict=True)]

_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?")
_DAY_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_MOMENT_TEXT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt].+")


def _day_text(value: object) -> object:
    if isinstance(value, date) or (isinstance(value, str) and _DAY_TEXT.fullmatch(value)):
        return value
    raise PydanticCustomError("day_text", 'a day is ISO 8601 text, as "2024-12-31"')


def _moment_text(value: object) -> object:
    if isinstance(value, datetime) or (isinstance(value, str) and _MOMENT_TEXT.fullmatch(value)):
        return value
    raise PydanticCustomError(
        "moment_text", 'a moment is ISO 8601 text with its offset, as "2024-12-31T23:59:00Z"'
    )


def _in_utc(value: datetime) -> datetime:
    # Stored in UTC: a moment of year 1 ahead of UTC, or of 9999 behind it, has no UTC time.
    try:
        return value.astimezone(UTC)
    except OverflowError:
        raise PydanticCustomError(
            "moment_range", "a moment falls within the years 1 to 9999 in UTC"
        ) from None


# A day and a moment are ISO 8601 text, as their schemas say, not a number of seconds; a
# moment names its offset from UTC, since a time without one means a different instant to
# each reader.
Day = Annotated[date, BeforeValidator(_day_text)]
Moment = Annotated[AwareDatetime, BeforeValidator(_moment_text), AfterValidator(_in_utc)]
# What a list's `q` looks for.
SearchText = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=NO_NUL)]


class _DecimalText:
    """A decimal number written as JSON text ("12.50"), in and out: a JSON number could have
    been rounded to binary floating point on its way, and text cannot."""

    @staticmethod
    def __get_pydantic_core_schema__(source: Any, handler: GetCoreSchemaHandler) -> Any:
        return core_schema.no_info_before_validator_function(_decimal_text, handler(source))

    @staticmethod
    def __get_pydantic_json_schema__(
        schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": f"^{_DECIMAL_TEXT.pattern}$"}


def _decimal_text(value: object) -> object:
    if isinstance(value, Decimal):
        return value
    if not isinstance(value, str) or not _DECIMAL_TEXT.fullmatch(value):
        raise PydanticCustomError(
            "decimal_text", 'a decimal is JSON text of digits with an optional point, as "12.50"'
        )
    return value


DecimalText = _DecimalText()


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
