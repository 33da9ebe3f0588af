from typing import Any

import pytest
from httpx import AsyncClient

from tests.factories import (
    assert_error,
    create_user,
    timestamp,
    user_body,
    user_headers,
)


async def test_create_user_returns_it_with_timestamps(client: AsyncClient) -> None:
    response = await client.post("/users", json=user_body(name="Ada", email="ada@example.com"))

    assert response.status_code == 201
    user = response.json()
    assert user["name"] == "Ada"
    assert user["email"] == "ada@example.com"
    assert isinstance(user["id"], int)
    assert timestamp(user["updated_at"]) >= timestamp(user["created_at"])


async def test_created_user_can_be_read_back(client: AsyncClient) -> None:
    user = await create_user(client)

    response = await client.get(f"/users/{user['id']}")

    assert response.status_code == 200
    assert response.json() == user


async def test_duplicate_email_is_a_conflict(client: AsyncClient) -> None:
    await create_user(client, email="taken@example.com")

    response = await client.post("/users", json=user_body(name="B", email="taken@example.com"))

    assert response.status_code == 409
    assert_error(response.json(), "email_taken")


async def test_emails_are_compared_ignoring_case(client: AsyncClient) -> None:
    user = await create_user(client, email="Ada.Lovelace@Example.COM")

    response = await client.post(
        "/users", json=user_body(name="B", email="ada.lovelace@example.com")
    )

    assert user["email"] == "ada.lovelace@example.com"
    assert response.status_code == 409


async def test_the_service_works_after_a_conflict(client: AsyncClient) -> None:
    await create_user(client, email="taken@example.com")
    await client.post("/users", json=user_body(name="B", email="taken@example.com"))

    user = await create_user(client)

    assert (await client.get(f"/users/{user['id']}")).status_code == 200


@pytest.mark.parametrize(
    "payload",
    [
        {"name": "Ada"},
        {"email": "ada@example.com"},
        {"name": "", "email": "ada@example.com"},
        {"name": "x" * 101, "email": "ada@example.com"},
        {"name": "Ada", "email": "not-an-email"},
        {"name": "Ada", "email": f"{'a' * 250}@example.com"},
        {"name": "A\x00da", "email": "ada@example.com"},
        {"name": 7, "email": "ada@example.com"},
        {"name": "Ada", "email": "ada@example.com", "admin": True},
    ],
    ids=[
        "no-email",
        "no-name",
        "empty-name",
        "name-too-long",
        "bad-email",
        "email-too-long",
        "nul-in-name",
        "name-not-a-string",
        "unknown-field",
    ],
)
async def test_invalid_user_is_refused(client: AsyncClient, payload: dict[str, Any]) -> None:
    response = await client.post("/users", json=payload)

    assert response.status_code == 422
    body = response.json()
    assert_error(body, "invalid_request")
    assert body["error"]["details"]


async def test_longest_valid_name_is_stored_whole(client: AsyncClient) -> None:
    user = await create_user(client, name="x" * 100)

    assert user["name"] == "x" * 100


async def test_missing_user_is_not_found(client: AsyncClient) -> None:
    response = await client.get("/users/123456")

    assert response.status_code == 404
    assert_error(response.json(), "not_found")


async def test_patch_changes_only_the_fields_sent(client: AsyncClient) -> None:
    user = await create_user(client, name="Before")

    response = await client.patch(
        f"/users/{user['id']}", json={"name": "After"}, headers=await user_headers(client, user)
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["name"] == "After"
    assert changed["email"] == user["email"]
    assert changed["created_at"] == user["created_at"]
    assert timestamp(changed["updated_at"]) > timestamp(user["updated_at"])
    assert (await client.get(f"/users/{user['id']}")).json() == changed


async def test_patch_to_the_same_values_is_still_an_update(client: AsyncClient) -> None:
    user = await create_user(client)

    response = await client.patch(
        f"/users/{user['id']}",
        json={"name": user["name"]},
        headers=await user_headers(client, user),
    )

    assert timestamp(response.json()["updated_at"]) > timestamp(user["updated_at"])


async def test_null_in_a_patch_names_the_field(client: AsyncClient) -> None:
    user = await create_user(client)

    response = await client.patch(
        f"/users/{user['id']}", json={"email": None}, headers=await user_headers(client, user)
    )

    assert response.status_code == 422
    assert [detail["loc"] for detail in response.json()["error"]["details"]] == [["body", "email"]]


async def test_empty_patch_changes_nothing(client: AsyncClient) -> None:
    user = await create_user(client)

    response = await client.patch(
        f"/users/{user['id']}", json={}, headers=await user_headers(client, user)
    )

    assert response.status_code == 200
    assert response.json() == user


async def test_patch_to_a_taken_email_is_a_conflict(client: AsyncClient) -> None:
    await create_user(client, email="taken@example.com")
    user = await create_user(client)

    response = await client.patch(
        f"/users/{user['id']}",
        json={"email": "taken@example.com"},
        headers=await user_headers(client, user),
    )

    assert response.status_code == 409
    assert_error(response.json(), "email_taken")


@pytest.mark.parametrize(
    "payload", [{"name": None}, {"email": None}, {"name": "x" * 101}, {"role": "admin"}]
)
async def test_invalid_patch_is_refused(client: AsyncClient, payload: dict[str, Any]) -> None:
    user = await create_user(client)

    response = await client.patch(
        f"/users/{user['id']}", json=payload, headers=await user_headers(client, user)
    )

    assert response.status_code == 422
    assert_error(response.json(), "invalid_request")


async def test_patch_of_missing_user_is_not_found(client: AsyncClient) -> None:
    caller = await user_headers(client, await create_user(client))

    response = await client.patch("/users/123456", json={"name": "x"}, headers=caller)

    assert response.status_code == 404


async def test_delete_removes_the_user(client: AsyncClient) -> None:
    user = await create_user(client)

    response = await client.delete(f"/users/{user['id']}", headers=await user_headers(client, user))

    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/users/{user['id']}")).status_code == 404


async def test_delete_of_missing_user_is_not_found(client: AsyncClient) -> None:
    caller = await user_headers(client, await create_user(client))

    response = await client.delete("/users/123456", headers=caller)

    assert response.status_code == 404
    assert_error(response.json(), "not_found")
