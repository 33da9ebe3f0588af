"""Create users and notes through the API, with unique values unless told otherwise."""

from datetime import datetime
from itertools import count
from typing import Any

from httpx import AsyncClient

_numbers = count(1)


async def create_user(client: AsyncClient, **fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    payload = {"name": f"User {number}", "email": f"user{number}@example.com", **fields}
    response = await client.post("/users", json=payload)
    assert response.status_code == 201, response.text
    user: dict[str, Any] = response.json()
    return user


async def create_note(client: AsyncClient, author_id: int, **fields: Any) -> dict[str, Any]:
    number = next(_numbers)
    payload = {
        "title": f"Note {number}",
        "description": f"Text of note {number}",
        "author_id": author_id,
        **fields,
    }
    response = await client.post("/notes", json=payload)
    assert response.status_code == 201, response.text
    note: dict[str, Any] = response.json()
    return note


def assert_error(body: Any, code: str) -> None:
    """Every error has the same shape: {"error": {"code", "message", ["details"]}}."""
    assert set(body) == {"error"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]


def timestamp(value: str) -> datetime:
    """Parse a timestamp from a response; every one must carry its UTC offset."""
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, value
    return parsed
