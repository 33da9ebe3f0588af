"""The OpenAPI document promises only what the service does."""

from typing import Any

from httpx import AsyncClient


def _request_body_schemas(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every JSON request body's schema, by the name of the operation that takes it."""
    bodies = {}
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                reference = content["application/json"]["schema"]["$ref"]
                name = reference.rsplit("/", 1)[-1]
                bodies[f"{method.upper()} {path}"] = document["components"]["schemas"][name]
    return bodies


def _offers_null(schema: dict[str, Any]) -> bool:
    if schema.get("type") == "null" or "null" in schema.get("type", []):
        return True
    return any(_offers_null(option) for option in schema.get("anyOf", []))


async def test_no_request_body_field_offers_null(client: AsyncClient) -> None:
    document = (await client.get("/openapi.json")).json()
    bodies = _request_body_schemas(document)

    assert {"PATCH /notes/{note_id}", "PATCH /users/{user_id}"} <= set(bodies)
    offering_null = [
        f"{operation}: {field}"
        for operation, schema in bodies.items()
        for field, field_schema in schema["properties"].items()
        if _offers_null(field_schema)
    ]
    assert offering_null == []
