"""Fixtures: the rendered variants, each rendered and installed once per test session."""

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.docker import BASE_IMAGES
from tests.harness import TIMINGS, Service, render
from tests.postgres import POSTGRES_URL, PostgresServer

# Long on purpose: every rendered line must fit the line length at the longest package name.
PROJECT_NAME = "Team Notes Service For Long Name Checks"
PACKAGE_NAME = "team_notes_service_for_long_name_checks"


@dataclass(frozen=True)
class Variant:
    """One combination of answers."""

    database: str
    data_access: str
    pagination: str = "offset"
    features: tuple[str, ...] = ()

    @property
    def id(self) -> str:
        """Readable: `postgresql-core`, `sqlite-orm-cursor-auth-docker`."""
        parts = [self.database, self.data_access]
        if self.pagination != "offset":
            parts.append(self.pagination)
        return "-".join([*parts, *self.features])

    @property
    def answers(self) -> dict[str, Any]:
        return {
            "project_name": PROJECT_NAME,
            "database": self.database,
            "data_access": self.data_access,
            "pagination": self.pagination,
            "features": list(self.features),
        }


DATABASES = ("sqlite", "postgresql")
DATA_ACCESS = ("orm", "core")
PAGINATIONS = ("offset", "cursor")
FEATURES = ("auth", "docker", "github_actions", "observability")
# The four database x data-access pairs with the default answers otherwise: no features.
BASE_VARIANTS = [
    Variant(database, data_access) for database in DATABASES for data_access in DATA_ACCESS
]
# Rendered and checked in full (types, own tests, start-up): no features and all features for
# each database x data-access pair, half of the latter with cursor pagination. So every feature
# and every pair of features meets both databases and both data-access choices, and cursor
# pagination meets both databases.
VARIANTS = [
    *BASE_VARIANTS,
    Variant("sqlite", "orm", "offset", FEATURES),
    Variant("sqlite", "core", "cursor", FEATURES),
    Variant("postgresql", "orm", "cursor", FEATURES),
    Variant("postgresql", "core", "offset", FEATURES),
]


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


class Services:
    """Renders and installs each variant on first use; PostgreSQL variants get own databases."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._services: dict[Variant, Service] = {}
        self._databases: list[tuple[PostgresServer, str]] = []

    def get(self, variant: Variant, postgres: PostgresServer | None = None) -> Service:
        if variant not in self._services:
            self._services[variant] = self._build(variant, postgres)
        return self._services[variant]

    def _build(self, variant: Variant, postgres: PostgresServer | None) -> Service:
        service = Service(variant.id, self._root / variant.id, PACKAGE_NAME)
        if postgres is not None:
            env, prefix = postgres.service_env(variant.id)
            self._databases.append((postgres, prefix))
            service.env.update(env)
        started = time.perf_counter()
        render(service.path, **variant.answers)
        TIMINGS[variant.id] += time.perf_counter() - started
        service.rendered_files = sorted(path for path in service.path.rglob("*") if path.is_file())
        service.sync()
        return service

    def close(self) -> None:
        for postgres, prefix in self._databases:
            postgres.drop_databases(prefix)


@pytest.fixture(scope="session")
def services(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Services]:
    services = Services(tmp_path_factory.mktemp("variants"))
    yield services
    services.close()


def variant_service(
    request: pytest.FixtureRequest, services: Services, variant: Variant
) -> Service:
    """The service for `variant`, asking for the PostgreSQL server only when it needs one."""
    needs_postgres = variant.database == "postgresql"
    postgres = request.getfixturevalue("postgres") if needs_postgres else None
    return services.get(variant, postgres)


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
