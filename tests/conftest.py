"""Fixtures: the PostgreSQL server, the rendered variants (one install each per worker), fresh
databases; how pytest-xdist shares the work out; and the run's closing summary. What the
fixtures are made of lives in `tests/variants.py`."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.compiled_templates import reuse_compiled_templates
from tests.database_server import DatabaseServer
from tests.docker import BASE_IMAGES
from tests.harness import TIMINGS, Service, unavailable
from tests.mariadb import MARIADB_URL, MariaDBServer
from tests.postgres import POSTGRES_URL, PostgresServer
from tests.releases import ReleaseClone, clone_with_releases
from tests.variants import (
    SPEC_VARIANTS,
    SUITE_VARIANTS,
    VARIANTS,
    Services,
    Variant,
    database_server,
    variant_service,
)

# Test files whose expensive fixtures (192 renders; Docker base images) one worker builds once.
_ONE_WORKER_MODULES = ("test_matrix.py", "test_docker.py")


def _answering(server: DatabaseServer, name: str, url: str) -> None:
    """Return if `server` answers; else fail the run in CI, and skip the test elsewhere."""
    try:
        server.ping()
    except (OSError, TimeoutError) as error:
        unavailable(f"no {name} server answers at {url}: {error!r}")


@pytest.fixture(scope="session")
def postgres() -> PostgresServer:
    """The PostgreSQL server; its absence fails the run in CI and skips elsewhere."""
    server = PostgresServer()
    _answering(server, "PostgreSQL", f"POSTGRES_URL={POSTGRES_URL}")
    return server


@pytest.fixture(scope="session")
def mariadb() -> MariaDBServer:
    """The MariaDB server; its absence fails the run in CI and skips elsewhere."""
    server = MariaDBServer()
    _answering(server, "MariaDB", f"MARIADB_URL={MARIADB_URL}")
    return server


@pytest.fixture(scope="session")
def release_clone(tmp_path_factory: pytest.TempPathFactory) -> ReleaseClone:
    """A clone of this repository with every release tagged, the working tree the newest."""
    return clone_with_releases(tmp_path_factory.mktemp("releases") / "template")


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    # Each variant keeps its own mypy cache, a copy of the worker's first (Service.mypy): one
    # shared by two workers let one variant's cached modules stand for another's (a false
    # failure, once in five runs).
    services = Services(tmp_path_factory.mktemp("variants"))
    yield services
    services.close()


@pytest.fixture(params=[*VARIANTS, *SPEC_VARIANTS], ids=lambda variant: variant.id)
def service(request: pytest.FixtureRequest, services: Services) -> Service:
    return variant_service(request, services, request.param)


@pytest.fixture(params=[*SUITE_VARIANTS, *SPEC_VARIANTS], ids=lambda variant: variant.id)
def suite_service(request: pytest.FixtureRequest, services: Services) -> Service:
    """One variant per run-time shape of SQLite and PostgreSQL with offsets (16 services), the
    covering variants of MariaDB and of cursor pagination, and the variants of the other specs
    of resources."""
    return variant_service(request, services, request.param)


@pytest.fixture
def database_env(request: pytest.FixtureRequest) -> Iterator[Callable[[Variant], dict[str, str]]]:
    """Hands out a fresh database environment per variant; drops them after the test."""
    created: list[tuple[DatabaseServer, str]] = []

    def allocate(variant: Variant) -> dict[str, str]:
        server = database_server(request, variant)
        if server is None:
            return {}
        env, prefix = server.service_env(variant.id)
        created.append((server, prefix))
        return env

    yield allocate
    for server, prefix in created:
        server.drop_databases(prefix)


# First: pytest-xdist reads the groups in its own hook of this name.
def pytest_configure() -> None:
    reuse_compiled_templates()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Keep each variant's tests on one xdist worker (`--dist loadgroup`), so that it is
    rendered and installed once; ORM and Core of one shape together, as some tests compare
    them. Modules with costly shared fixtures stay on one worker too."""
    for item in items:
        group = None
        if Path(str(item.path)).name in _ONE_WORKER_MODULES:
            group = Path(str(item.path)).stem
        elif "services" in getattr(item, "fixturenames", ()):
            callspec = getattr(item, "callspec", None)
            params = callspec.params.values() if callspec else ()
            variant = next((value for value in params if isinstance(value, Variant)), None)
            if variant is not None:
                group = variant.id.replace(f"-{variant.data_access}", "", 1)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))


def pytest_sessionfinish(session: pytest.Session) -> None:
    # An xdist worker hands its figures to the controller, which prints them.
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["timings"] = dict(TIMINGS)
        workeroutput["base_images"] = list(BASE_IMAGES)


def pytest_testnodedown(node: Any, error: object) -> None:
    output = getattr(node, "workeroutput", {})
    for name, seconds in output.get("timings", {}).items():
        TIMINGS[name] += seconds
    BASE_IMAGES.extend(output.get("base_images", []))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if BASE_IMAGES:
        terminalreporter.section("docker base images")
        for line in sorted(set(BASE_IMAGES)):
            terminalreporter.write_line(line)
    if TIMINGS:
        terminalreporter.section("seconds per variant (render, install, checks), slowest first")
        width = max(map(len, TIMINGS))
        for name, seconds in sorted(TIMINGS.items(), key=lambda item: -item[1]):
            terminalreporter.write_line(f"{name:<{width}} {seconds:7.1f}")
        terminalreporter.write_line(f"{'all variants':<{width}} {sum(TIMINGS.values()):7.1f}")
