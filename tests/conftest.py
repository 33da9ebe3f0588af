"""Fixtures: the PostgreSQL server, the rendered variants (one install each per session), fresh
databases; and the run's closing summary. What they are made of lives in `tests/variants.py`."""

import os
from collections.abc import Callable, Iterator

import pytest

from tests.docker import BASE_IMAGES
from tests.harness import TIMINGS, Service
from tests.postgres import POSTGRES_URL, PostgresServer
from tests.variants import VARIANTS, Services, Variant, variant_service


@pytest.fixture(scope="session")
def postgres() -> PostgresServer:
    """The PostgreSQL server; its absence fails the run in CI and skips elsewhere."""
    server = PostgresServer()
    try:
        server.ping()
    except (OSError, TimeoutError) as error:
        message = f"no PostgreSQL server answers at POSTGRES_URL={POSTGRES_URL}: {error!r}"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return server


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = Services(tmp_path_factory.mktemp("variants"))
    yield services
    services.close()


@pytest.fixture(params=VARIANTS, ids=lambda variant: variant.id)
def service(request: pytest.FixtureRequest, services: Services) -> Service:
    return variant_service(request, services, request.param)


@pytest.fixture
def database_env(request: pytest.FixtureRequest) -> Iterator[Callable[[Variant], dict[str, str]]]:
    """Hands out a fresh database environment per variant; drops them after the test."""
    created: list[tuple[PostgresServer, str]] = []

    def allocate(variant: Variant) -> dict[str, str]:
        if variant.database != "postgresql":
            return {}
        postgres: PostgresServer = request.getfixturevalue("postgres")
        env, prefix = postgres.service_env(variant.id)
        created.append((postgres, prefix))
        return env

    yield allocate
    for postgres, prefix in created:
        postgres.drop_databases(prefix)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if BASE_IMAGES:
        terminalreporter.section("docker base images")
        for line in sorted(set(BASE_IMAGES)):
            terminalreporter.write_line(line)
    if TIMINGS:
        terminalreporter.section("seconds per variant (render, install, checks)")
        for name, seconds in sorted(TIMINGS.items()):
            terminalreporter.write_line(f"{name:<24} {seconds:7.1f}")
