"""Every variant, as rendered, passes lint, format, types, its own tests, and starts.

Types and the own test suite run on one variant of each of the 16 run-time shapes of SQLite and
PostgreSQL with offsets, on the covering variants of MariaDB and of cursor pagination, and on
the specs' variants; the rest on the covering set.
"""

import json
import re
from dataclasses import replace

import httpx
import pytest
from sqlalchemy import make_url

from tests.harness import (
    Service,
    assert_suite_passed,
    rendered_file_problems,
    serving,
)
from tests.revisions import OwnerDatabase, heads
from tests.user_changes import SEED_REVISION_FILE, seed_revision
from tests.variants import (
    DATA_ACCESS,
    DEFAULT_RESOURCES,
    SPEC_VARIANTS,
    VARIANTS,
    Services,
    Variant,
    database_server,
    resources_of,
    variant_service,
)

# The notes of the `resources` question's default.
_NOTES = [{"name": "notes", "owner": "author"}]


def _paths(variant: Variant) -> dict[str, set[str]]:
    """The routes a variant serves: health, users, and five per resource of its spec; the
    features' own."""
    paths = {
        "/health/live": {"get"},
        "/health/ready": {"get"},
        "/users": {"get", "post"},
        "/users/{user_id}": {"get", "patch", "delete"},
    }
    if "auth" in variant.features:
        paths |= {"/auth/token": {"post"}, "/users/me": {"get"}}
    if "webhooks" in variant.features:
        paths |= {
            "/webhooks": {"get", "post"},
            "/webhooks/{webhook_id}": {"get", "delete"},
            "/webhooks/{webhook_id}/deliveries": {"get"},
        }
    resources = resources_of(variant.resources)
    for resource in _NOTES if resources is None else resources:
        name = resource["name"]
        one = resource.get("singular", name.removesuffix("s"))
        paths |= {
            f"/{name}": {"get", "post"},
            f"/{name}/{{{one}_id}}": {"get", "put", "patch", "delete"},
        }
        if "owner" in resource:
            paths[f"/users/{{user_id}}/{name}"] = {"get"}
        # The rows of each table it refers to list theirs: `/authors/{author_id}/books`.
        for spec in resource.get("fields", {}).values():
            if spec["type"] == "reference":
                target = next((each for each in resources if each["name"] == spec["to"]), None)
                by = "user" if target is None else target.get("singular", spec["to"][:-1])
                paths[f"/{spec['to']}/{{{by}_id}}/{name}"] = {"get"}
    return paths


def test_rendered_files_are_clean(service: Service) -> None:
    problems = rendered_file_problems(service.path, service.rendered_files)
    assert not problems, "\n".join(problems)


def test_ruff_check(service: Service) -> None:
    service.run("ruff", "check", "--no-fix", "--output-format", "concise")


def test_ruff_format(service: Service) -> None:
    service.run("ruff", "format", "--check")


def test_mypy_strict(suite_service: Service) -> None:
    output = suite_service.mypy()
    assert "Success" in output


def test_own_test_suite(request: pytest.FixtureRequest, suite_service: Service) -> None:
    """Its own suite passes as its owner runs it: on the rows a revision of theirs seeds (an
    account, and a note with the default resources), on a test database that a run on another
    branch left at a revision this checkout does not have, and without the local `.env` that
    `copier copy` may write, as in a fresh checkout or CI."""
    variant: Variant = request.node.callspec.params["suite_service"]
    env = _test_database_of_another_branch(request, suite_service, variant)
    seed = suite_service.path / SEED_REVISION_FILE
    (parent,) = heads(suite_service.path)
    seed.write_text(seed_revision(parent, with_note=variant.resources == DEFAULT_RESOURCES))
    env_file = suite_service.path / ".env"
    hidden = suite_service.path / ".env.hidden-by-tests"
    if env_file.exists():
        env_file.rename(hidden)
    try:
        assert_suite_passed(suite_service.run("pytest", "-q", "-p", "no:cacheprovider", **env))
    finally:
        seed.unlink()
        if hidden.exists():
            hidden.rename(env_file)


# A test database as a run on another branch leaves it: at a revision of that branch, with a
# table of that branch and a users table of another shape.
_OTHER_BRANCH = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)",
    "INSERT INTO alembic_version (version_num) VALUES ('b4a9c4f00001')",
    "CREATE TABLE branch_only (id INTEGER PRIMARY KEY)",
    "CREATE TABLE users (id INTEGER PRIMARY KEY, nickname VARCHAR(20) NOT NULL)",
)


def _test_database_of_another_branch(
    request: pytest.FixtureRequest, service: Service, variant: Variant
) -> dict[str, str]:
    """A test database left by another branch's run; the environment that points at it."""
    server = database_server(request, variant)
    if server is None:
        path = service.path.parent / f"{service.path.name}.branch.db"
        path.unlink(missing_ok=True)
        url = f"sqlite+aiosqlite:///{path}"
    else:
        # Beside the service's test database, so dropped with it.
        name = f"{make_url(service.env['TEST_DATABASE_URL']).database}_branch"
        server.create_database(name)
        url = server.url(name)
    OwnerDatabase.at(url).execute(*_OTHER_BRANCH)
    return {"TEST_DATABASE_URL": url}


_LOG_LINE = re.compile(
    r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (DEBUG|INFO|WARNING|ERROR|CRITICAL) \S+: .*"
)


def test_migrates_and_serves_from_the_command_line(
    request: pytest.FixtureRequest, service: Service
) -> None:
    variant: Variant = request.node.callspec.params["service"]
    service.run("alembic", "upgrade", "head")
    service.run("alembic", "check")
    with serving(service) as (base, log):
        has_auth = (service.path / "src" / service.package / "auth.py").exists()
        user = {"name": "Ada", "email": "ada@example.com"}
        if has_auth:
            user["password"] = "a long passphrase"
        created = httpx.post(f"{base}/users", json=user)
        assert created.status_code == 201, created.text
        assert httpx.post(f"{base}/users", json={"name": "x"}).status_code == 422
        for resource in resources_of(variant.resources) or []:
            assert httpx.get(f"{base}/{resource['name']}").json()["items"] == []
        if variant.resources == DEFAULT_RESOURCES:
            note: dict[str, object] = {"title": "Hi"}
            headers = {}
            if has_auth:
                login = {"username": user["email"], "password": user["password"]}
                token = httpx.post(f"{base}/auth/token", data=login).json()["access_token"]
                headers["Authorization"] = f"Bearer {token}"
            else:
                note["author_id"] = created.json()["id"]
            assert httpx.post(f"{base}/notes", json=note, headers=headers).status_code == 201
            assert httpx.get(f"{base}/notes").json()["items"][0]["author"]["name"] == "Ada"
    # Every line, uvicorn's included, says when (UTC), how grave and which logger.
    lines = [line for line in log.read_text().splitlines() if not line.startswith("{")]
    assert any(line.endswith("INFO uvicorn.error: Application startup complete.") for line in lines)
    for line in lines:
        assert _LOG_LINE.fullmatch(line), line


@pytest.mark.parametrize(
    "variant",
    [variant for variant in [*VARIANTS, *SPEC_VARIANTS] if variant.data_access == "orm"],
    ids=lambda variant: variant.id.replace("-orm", ""),
)
def test_orm_and_core_serve_the_same_openapi(
    request: pytest.FixtureRequest, services: Services, variant: Variant
) -> None:
    dump = (
        "import json, sys; from {package}.main import app; "
        "json.dump(app.openapi(), sys.stdout, sort_keys=True)"
    )
    documents = [
        json.loads(service.run("python", "-c", dump.format(package=service.package)))
        for service in (
            variant_service(request, services, replace(variant, data_access=data_access))
            for data_access in DATA_ACCESS
        )
    ]

    orm, core = documents
    assert orm == core
    assert {path: set(methods) for path, methods in orm["paths"].items()} == _paths(variant)


@pytest.mark.parametrize(
    ("variant", "wrong_url"),
    [
        (Variant("sqlite", "orm"), "postgresql+asyncpg://postgres@127.0.0.1:5432/other"),
        (Variant("postgresql", "core"), "sqlite+aiosqlite:///other.db"),
        (Variant("mariadb", "orm"), "postgresql+asyncpg://postgres@127.0.0.1:5432/other"),
    ],
    ids=lambda value: value.id if isinstance(value, Variant) else "",
)
def test_a_test_database_of_the_other_kind_is_one_clear_error(
    request: pytest.FixtureRequest, services: Services, variant: Variant, wrong_url: str
) -> None:
    service = variant_service(request, services, variant)

    output = service.run_failing(
        "pytest", "-q", "-p", "no:cacheprovider", TEST_DATABASE_URL=wrong_url
    )

    # Refused before any test runs, with the reason, instead of a failure per test.
    assert f"ERROR: TEST_DATABASE_URL={wrong_url} names a" in output
    assert "ModuleNotFoundError" not in output
    assert "passed" not in output


_LIBRARY_ON_POSTGRESQL = [
    variant
    for variant in SPEC_VARIANTS
    if variant.resources == "library" and variant.database == "postgresql"
]


@pytest.mark.parametrize("variant", _LIBRARY_ON_POSTGRESQL, ids=lambda variant: variant.id)
def test_the_readmes_own_query_passes_the_checks(
    request: pytest.FixtureRequest, services: Services, variant: Variant
) -> None:
    """The query that the service README's "Adding a query" shows, added to the books store
    as its owner would add it, passes ruff and mypy --strict as written."""
    service = variant_service(request, services, variant)
    readme = (service.path / "README.md").read_text()
    section = readme.split("\n## Adding a query\n", 1)[1].split("\n## ", 1)[0]
    # The statements it runs, if any, at the module's top; then the store's method.
    *statements_blocks, method_block = re.findall(r"```python\n(.*?)```", section, re.DOTALL)
    statements = "".join(statements_blocks)
    method = method_block.removeprefix("async def ")
    store = service.path / "src" / service.package / "stores" / "books.py"
    original = store.read_text()
    indented = "".join(f"    {line}" if line.strip() else line for line in method.splitlines(True))
    changed = original
    if statements.strip():  # the module-level statements a Core query starts with
        changed = changed.replace("\n\n\nclass BookStore:", f"\n{statements}\n\nclass BookStore:")
    changed = changed.replace(
        "    async def create(", f"    async def {indented.lstrip()}\n    async def create("
    )
    assert changed.count("async def in_print_by(") == 1
    store.write_text(changed)
    try:
        service.run("ruff", "check", "--no-fix", "--output-format", "concise", str(store))
        service.mypy()
    finally:
        store.write_text(original)
