"""Schemathesis against each covering variant, served: the service keeps its OpenAPI contract."""

import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from tests.harness import TIMINGS, serving
from tests.variants import DEFAULT_RESOURCES, FUZZ_VARIANTS, Services, Variant, variant_service

SCHEMATHESIS = Path(sys.executable).with_name("st")
SEED = 20261130
EXAMPLES_PER_OPERATION = 25
# What the contract promises: no server error; only documented statuses, content types,
# headers and bodies; nothing the schema forbids accepted; a 405 with a true `Allow`.
# Left out: `positive_data_acceptance`, which counts as a failure any refusal of a request the
# schema allows, and the service rightly refuses some: an author_id that names no user, or an
# email at a special-use domain such as `.test`, are a 422.
CHECKS = (
    "not_a_server_error,status_code_conformance,content_type_conformance,"
    "response_headers_conformance,response_schema_conformance,negative_data_rejection,"
    "missing_required_header,unsupported_method,allow_header_conformance,use_after_free,"
    "ensure_resource_availability,ignored_auth"
)


@pytest.mark.parametrize("variant", FUZZ_VARIANTS, ids=lambda variant: variant.id)
def test_the_served_api_keeps_its_openapi_contract(
    request: pytest.FixtureRequest,
    services: Services,
    variant: Variant,
    database_env: Callable[[Variant], dict[str, str]],
    tmp_path: Path,
) -> None:
    service = variant_service(request, services, variant)
    # A database of its own: what the fuzzer writes is no other test's business.
    env = database_env(variant) or {"DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/fuzz.db"}
    service.run("alembic", "upgrade", "head", **env)
    with serving(service, "--no-access-log", env=env) as (base, _):
        headers = _seed_data(
            base, auth="auth" in variant.features, notes=variant.resources == DEFAULT_RESOURCES
        )
        command = [
            str(SCHEMATHESIS),
            "run",
            f"{base}/openapi.json",
            "--checks",
            CHECKS,
            "--seed",
            str(SEED),
            "--max-examples",
            str(EXAMPLES_PER_OPERATION),
            "--phases",
            "examples,coverage,fuzzing,stateful",
            "--workers",
            "1",
            "--no-color",
            "--output-sanitize",
            "false",
            *(arg for name, value in headers.items() for arg in ("--header", f"{name}: {value}")),
        ]
        started = time.perf_counter()
        # In a folder of its own: schemathesis keeps a cache of past failures where it runs.
        result = subprocess.run(
            command, cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False
        )
        TIMINGS[variant.id] += time.perf_counter() - started
    # On failure, schemathesis prints each case as a curl command that reproduces it.
    assert result.returncode == 0, result.stdout[-20_000:] + result.stderr[-2_000:]


def _seed_data(base: str, *, auth: bool, notes: bool) -> dict[str, str]:
    """A user, with a few notes where there are notes, so that operations on ids find
    something; the headers that act as that user. Rows of other resources the fuzzer makes
    itself, in its stateful phase."""
    user = {"name": "Fuzz", "email": f"fuzz-{uuid.uuid4().hex}@example.com"}
    if auth:
        user["password"] = "a fuzzing passphrase"
    created = httpx.post(f"{base}/users", json=user)
    assert created.status_code == 201, created.text
    author_id = created.json()["id"]
    headers = {}
    if auth:
        login = {"username": user["email"], "password": user["password"]}
        token = httpx.post(f"{base}/auth/token", data=login).json()["access_token"]
        headers["Authorization"] = f"Bearer {token}"
    for number in range(3 if notes else 0):
        note = {"title": f"Note {number}", **({} if auth else {"author_id": author_id})}
        assert httpx.post(f"{base}/notes", json=note, headers=headers).status_code == 201
    return headers
