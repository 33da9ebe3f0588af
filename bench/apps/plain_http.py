"""What the two Starlette floors share: request checks and the error shape, written by hand."""

import json
from typing import Any

from starlette.responses import JSONResponse

MAX_ID = 2**31 - 1


def error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def int_param(text: str | None, default: int, low: int, high: int) -> int | None:
    """`text` as an integer within [low, high], `default` when absent, None when invalid."""
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


def note_input(body: bytes) -> tuple[str, str, int] | None:
    """Title, description and author id of a valid note body; None for an invalid one."""
    try:
        fields = json.loads(body)
        title, description = fields["title"], fields.get("description", "")
        author_id = fields["author_id"]
    except (ValueError, KeyError, TypeError):
        return None
    valid = (
        isinstance(title, str)
        and 1 <= len(title) <= 100
        and isinstance(description, str)
        and len(description) <= 500
        and type(author_id) is int
        and 1 <= author_id <= MAX_ID
    )
    return (title, description, author_id) if valid else None


def page(items: list[Any], limit: int, offset: int) -> dict[str, Any]:
    """A page body from the `limit + 1` items fetched: the extra one tells whether more follow."""
    more = len(items) > limit
    return {
        "items": items[:limit],
        "limit": limit,
        "offset": offset,
        "next_offset": offset + limit if more else None,
    }
