"""Behind PgBouncer in transaction pooling mode, with the setting for it, every route works
under concurrent load: migrations, reads, single writes and transactions alike."""

import asyncio
import uuid
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from tests.harness import serving, unavailable
from tests.pgbouncer import pgbouncer, pgbouncer_problem
from tests.postgres import POSTGRES_URL
from tests.variants import VARIANTS, Services, Variant, variant_service

CLIENTS = 24
ROUNDS = 3


@pytest.fixture(scope="module")
def bouncer_port() -> Any:
    problem = pgbouncer_problem()
    if problem is not None:
        unavailable(problem)
    with pgbouncer(POSTGRES_URL) as port:
        yield port


@pytest.mark.parametrize(
    "variant",
    [variant for variant in VARIANTS if variant.database == "postgresql"],
    ids=lambda variant: variant.id,
)
def test_every_route_works_behind_pgbouncer_under_load(
    request: pytest.FixtureRequest,
    services: Services,
    variant: Variant,
    bouncer_port: int,
    database_env: Callable[[Variant], dict[str, str]],
) -> None:
    service = variant_service(request, services, variant)
    # A database of its own, reached through PgBouncer.
    through = _through_pgbouncer(database_env(variant)["DATABASE_URL"], bouncer_port)
    service.run("alembic", "upgrade", "head", **through)
    with serving(service, "--no-access-log", env=through) as (base, log):
        failures = asyncio.run(_load(base, auth="auth" in variant.features))

    assert failures == [], "\n".join(failures[:20]) + "\n" + log.read_text()[-4000:]


def _through_pgbouncer(database_url: str, port: int) -> dict[str, str]:
    database = urlsplit(database_url)
    url = database._replace(netloc=f"{database.username or 'postgres'}@127.0.0.1:{port}")
    return {"DATABASE_URL": url.geturl(), "DATABASE_BEHIND_PGBOUNCER": "true"}


async def _load(base: str, *, auth: bool) -> list[str]:
    failures: list[str] = []
    async with httpx.AsyncClient(base_url=base, timeout=30) as client:
        await asyncio.gather(*(_one_client(client, auth, failures) for _ in range(CLIENTS)))
    return failures


async def _one_client(client: httpx.AsyncClient, auth: bool, failures: list[str]) -> None:
    """Every route in turn, as one user, a few times over."""

    async def call(method: str, path: str, expected: int, **options: Any) -> Any:
        response = await client.request(method, path, headers=headers, **options)
        if response.status_code != expected:
            failures.append(f"{method} {path}: {response.status_code} {response.text[:300]}")
            return None
        return response.json() if response.content else None

    headers: dict[str, str] = {}
    user_body = {"name": "Load", "email": f"load-{uuid.uuid4().hex}@example.com"}
    if auth:
        user_body["password"] = "a load test passphrase"
    user = await call("POST", "/users", 201, json=user_body)
    if user is None:
        return
    if auth:
        form = {"username": user_body["email"], "password": user_body["password"]}
        token = (await client.post("/auth/token", data=form)).json()["access_token"]
        headers["Authorization"] = f"Bearer {token}"
    for number in range(ROUNDS):
        note_body: dict[str, Any] = {"title": f"Load note {number}", "description": "busy"}
        if not auth:
            note_body["author_id"] = user["id"]
        note = await call("POST", "/notes", 201, json=note_body)
        if note is None:
            continue
        await call("GET", f"/notes/{note['id']}", 200)
        await call("GET", "/notes", 200, params={"limit": 5})
        await call("GET", "/notes", 200, params={"q": "load note"})
        await call("GET", f"/users/{user['id']}", 200)
        await call("GET", f"/users/{user['id']}/notes", 200)
        await call("PUT", f"/notes/{note['id']}", 200, json={**note_body, "title": "Replaced"})
        await call("PATCH", f"/notes/{note['id']}", 200, json={"description": "patched"})
        await call("PATCH", f"/users/{user['id']}", 200, json={"name": f"Load {number}"})
        await call("DELETE", f"/notes/{note['id']}", 204)
        await call("GET", "/health/ready", 200)
    await call("DELETE", f"/users/{user['id']}", 204)
