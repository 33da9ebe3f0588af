"""The OpenAPI document promises only what the service does."""

from typing import Any

from httpx import AsyncClient


def _schema(document: dict[str, Any], reference: str) -> dict[str, Any]:
    schema: dict[str, Any] = document["components"]["schemas"][reference.rsplit("/", 1)[-1]]
    return schema


def _bodies(document: dict[str, Any]) -> dict[str, tuple[dict[str, Any], dict[str, Any]]]:
    """Every JSON request body's schema and its response's, by the operation that takes it."""
    bodies = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" not in content:
                continue
            responses = operation["responses"]
            answer = (responses.get("200") or responses["201"])["content"]["application/json"]
            bodies[f"{method.upper()} {path}"] = (
                _schema(document, content["application/json"]["schema"]["$ref"]),
                _schema(document, answer["schema"]["$ref"]),
            )
    return bodies


def _offers_null(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "null" or "null" in schema.get("type", []):
        return True
    return any(_offers_null(option) for option in schema.get("anyOf", []))


def _may_show_null(field: str, response: dict[str, Any]) -> bool:
    """Whether a response may show a request's field as null: under its name, or a
    reference's `<name>_id` under `<name>`, where the response embeds what it refers to."""
    shown = response["properties"]
    schema = shown.get(field) or shown.get(field.removesuffix("_id"))
    return schema is not None and _offers_null(schema)


async def test_a_request_field_offers_null_only_where_the_response_may_show_null(
    client: AsyncClient,
) -> None:
    document = (await client.get("/openapi.json")).json()
    bodies = _bodies(document)

    assert "PATCH /users/{user_id}" in bodies
    offering_null = [
        f"{operation}: {field}"
        for operation, (request, response) in bodies.items()
        for field, field_schema in request["properties"].items()
        if _offers_null(field_schema) and not _may_show_null(field, response)
    ]
    assert offering_null == []
