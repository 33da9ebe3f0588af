from typing import Any

import pytest
from httpx import AsyncClient

from tests.factories import (
    assert_error,
    author_headers,
    create_note,
    create_user,
    note_body,
    timestamp,
)


async def test_create_note_embeds_its_author(client: AsyncClient) -> None:
    author = await create_user(client, name="Ada")

    response = await client.post(
        "/notes",
        json=note_body(author, title="Hello", description="World"),
        headers=await author_headers(client, author),
    )

    assert response.status_code == 201
    note = response.json()
    assert note["title"] == "Hello"
    assert note["description"] == "World"
    assert note["author"] == {"id": author["id"], "name": "Ada"}
    assert timestamp(note["updated_at"]) >= timestamp(note["created_at"])


async def test_created_note_can_be_read_back(client: AsyncClient) -> None:
    author = await create_user(client)
    note = await create_note(client, author)

    response = await client.get(f"/notes/{note['id']}")

    assert response.status_code == 200
    assert response.json() == note


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "x" * 101},
        {"title": ""},
        {"title": "t", "description": "x" * 501},
        {"title": "t\x00"},
        {"title": "t", "description": None},
        {"title": None},
        {"title": "t", "extra": 1},
    ],
    ids=[
        "title-too-long",
        "empty-title",
        "description-too-long",
        "nul-in-title",
        "null-description",
        "null-title",
        "unknown-field",
    ],
)
async def test_invalid_note_is_refused(client: AsyncClient, payload: dict[str, Any]) -> None:
    author = await create_user(client)

    response = await client.post(
        "/notes", json=note_body(author, **payload), headers=await author_headers(client, author)
    )

    assert response.status_code == 422
    assert_error(response.json(), "invalid_request")


async def test_longest_valid_note_is_stored_whole(client: AsyncClient) -> None:
    author = await create_user(client)

    note = await create_note(client, author, title="t" * 100, description="d" * 500)

    assert (note["title"], note["description"]) == ("t" * 100, "d" * 500)


async def test_missing_note_is_not_found(client: AsyncClient) -> None:
    response = await client.get("/notes/123456")

    assert response.status_code == 404
    assert_error(response.json(), "not_found")


@pytest.mark.parametrize("q", ["", "x" * 101, "a\x00"], ids=["empty", "too-long", "nul"])
async def test_invalid_search_is_refused(client: AsyncClient, q: str) -> None:
    response = await client.get("/notes", params={"q": q})

    assert response.status_code == 422
    assert_error(response.json(), "invalid_request")


async def test_search_matches_title_or_description_ignoring_case(client: AsyncClient) -> None:
    author = await create_user(client)
    in_title = await create_note(client, author, title="Buy MILK", description="")
    in_description = await create_note(client, author, title="x", description="milkshake")
    await create_note(client, author, title="Other", description="nothing here")

    response = await client.get("/notes", params={"q": "milk"})

    assert response.status_code == 200
    assert response.json()["items"] == [in_title, in_description]


async def test_search_ignores_case_beyond_ascii(client: AsyncClient) -> None:
    author = await create_user(client)
    school = await create_note(client, author, title="ÉCOLE normale")

    response = await client.get("/notes", params={"q": "école"})

    assert response.json()["items"] == [school]


async def test_search_treats_wildcards_literally(client: AsyncClient) -> None:
    author = await create_user(client)
    percent = await create_note(client, author, title="100% done")
    await create_note(client, author, title="100 done")

    response = await client.get("/notes", params={"q": "0%"})

    assert response.json()["items"] == [percent]


async def test_put_replaces_title_and_description(client: AsyncClient) -> None:
    author = await create_user(client)
    note = await create_note(client, author)

    response = await client.put(
        f"/notes/{note['id']}",
        json=note_body(author, title="New", description="Text"),
        headers=await author_headers(client, author),
    )

    assert response.status_code == 200
    replaced = response.json()
    assert (replaced["title"], replaced["description"]) == ("New", "Text")
    assert replaced["author"] == note["author"]
    assert replaced["created_at"] == note["created_at"]
    assert timestamp(replaced["updated_at"]) > timestamp(note["updated_at"])
    assert (await client.get(f"/notes/{note['id']}")).json() == replaced


async def test_put_takes_the_body_a_post_took(client: AsyncClient) -> None:
    author = await create_user(client)
    note = await create_note(client, author)
    body = note_body(author, title="New")
    del body["description"]

    response = await client.put(
        f"/notes/{note['id']}", json=body, headers=await author_headers(client, author)
    )

    assert response.status_code == 200
    # A replacement sets every field: one left out takes its default, as on creation.
    assert (response.json()["title"], response.json()["description"]) == ("New", "")


async def test_put_needs_a_title(client: AsyncClient) -> None:
    author = await create_user(client)
    note = await create_note(client, author)

    response = await client.put(
        f"/notes/{note['id']}",
        json={"description": "d"},
        headers=await author_headers(client, author),
    )

    assert response.status_code == 422
    assert_error(response.json(), "invalid_request")


async def test_put_of_missing_note_is_not_found(client: AsyncClient) -> None:
    author = await create_user(client)

    response = await client.put(
        "/notes/123456", json=note_body(author), headers=await author_headers(client, author)
    )

    assert response.status_code == 404


async def test_patch_changes_only_the_fields_sent(client: AsyncClient) -> None:
    author = await create_user(client)
    note = await create_note(client, author)

    response = await client.patch(
        f"/notes/{note['id']}",
        json={"description": "Changed"},
        headers=await author_headers(client, author),
    )

    assert response.status_code == 200
    changed = response.json()
    assert changed["description"] == "Changed"
    assert changed["title"] == note["title"]


@pytest.mark.parametrize(
    "payload",
    [{"title": None}, {"description": None}, {"title": "x" * 101}, {"title": "t", "extra": 1}],
    ids=["null-title", "null-description", "title-too-long", "unknown-field"],
)
async def test_invalid_note_patch_is_refused(client: AsyncClient, payload: dict[str, Any]) -> None:
    author = await create_user(client)
    note = await create_note(client, author)

    response = await client.patch(
        f"/notes/{note['id']}", json=payload, headers=await author_headers(client, author)
    )

    assert response.status_code == 422
    assert_error(response.json(), "invalid_request")


async def test_patch_of_missing_note_is_not_found(client: AsyncClient) -> None:
    caller = await author_headers(client, await create_user(client))

    response = await client.patch("/notes/123456", json={"title": "t"}, headers=caller)

    assert response.status_code == 404


async def test_delete_removes_the_note(client: AsyncClient) -> None:
    author = await create_user(client)
    note = await create_note(client, author)

    response = await client.delete(
        f"/notes/{note['id']}", headers=await author_headers(client, author)
    )

    assert response.status_code == 204
    assert (await client.get(f"/notes/{note['id']}")).status_code == 404


async def test_delete_of_missing_note_is_not_found(client: AsyncClient) -> None:
    caller = await author_headers(client, await create_user(client))

    response = await client.delete("/notes/123456", headers=caller)

    assert response.status_code == 404


async def test_listing_notes_costs_the_same_statements_for_1_or_50(
    client: AsyncClient, statements: list[str]
) -> None:
    for _ in range(50):
        await create_note(client, await create_user(client))

    def selects() -> list[str]:
        return [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]

    statements.clear()
    one = await client.get("/notes", params={"limit": 1})
    selects_for_one = selects()
    statements.clear()
    fifty = await client.get("/notes", params={"limit": 50})
    selects_for_fifty = selects()

    assert len(one.json()["items"]) == 1
    assert len(fifty.json()["items"]) == 50
    assert len({note["author"]["id"] for note in fifty.json()["items"]}) == 50
    assert len(selects_for_fifty) == len(selects_for_one) == 1


def _row_statements(statements: list[str]) -> list[str]:
    """The statements that read or write rows, without the savepoints of the test's transaction."""
    verbs = ("SELECT", "INSERT", "UPDATE", "DELETE")
    return [sql for sql in statements if sql.lstrip().upper().startswith(verbs)]


async def test_reading_a_note_is_one_statement(client: AsyncClient, statements: list[str]) -> None:
    note = await create_note(client, await create_user(client))

    statements.clear()
    response = await client.get(f"/notes/{note['id']}")

    assert response.status_code == 200
    assert len(_row_statements(statements)) == 1


async def test_creating_a_note_checks_its_author_in_the_insert_itself(
    client: AsyncClient, statements: list[str]
) -> None:
    author = await create_user(client, name="Ada")
    headers = await author_headers(client, author)

    statements.clear()
    response = await client.post("/notes", json=note_body(author), headers=headers)

    assert response.status_code == 201
    assert response.json()["author"] == {"id": author["id"], "name": "Ada"}
    sent = [sql.split()[0].upper() for sql in _row_statements(statements)]
    # The INSERT alone; with `auth` (`headers` carry a token), after the caller's lookup.
    assert sent == (["SELECT", "INSERT"] if headers else ["INSERT"])
