"""The variants the tests render: their answers, and the session's rendered services."""

import itertools
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.database_server import DatabaseServer
from tests.harness import TIMINGS, Service, render

# Long on purpose: every rendered line must fit the line length at the longest package name.
PROJECT_NAME = "Team Notes Service For Long Name Checks"
PACKAGE_NAME = "team_notes_service_for_long_name_checks"


# Specs of resources in tests/specs/, beside the default (the notes of the `resources`
# question): `library` has every field type, references between resources and an owned one;
# `awkward` names that are SQL reserved words and builtins; `none` no resource beside users.
SPECS = Path(__file__).parent / "specs"
DEFAULT_RESOURCES = "default"


def resources_of(spec: str) -> list[dict[str, Any]] | None:
    """The `resources` answer of a spec; None for the question's default."""
    if spec == DEFAULT_RESOURCES:
        return None
    if spec == "none":
        return []
    loaded: list[dict[str, Any]] = yaml.safe_load((SPECS / f"{spec}.yml").read_text())
    return loaded


@dataclass(frozen=True)
class Variant:
    """One combination of answers."""

    database: str
    data_access: str
    pagination: str = "offset"
    features: tuple[str, ...] = ()
    resources: str = DEFAULT_RESOURCES

    @property
    def id(self) -> str:
        """Readable: `postgresql-core`, `sqlite-orm-cursor-auth-docker`, `sqlite-orm-library`."""
        parts = [self.database, self.data_access]
        if self.pagination != "offset":
            parts.append(self.pagination)
        if self.resources != DEFAULT_RESOURCES:
            parts.append(self.resources)
        return "-".join([*parts, *self.features])

    @property
    def answers(self) -> dict[str, Any]:
        answers = {
            "project_name": PROJECT_NAME,
            "database": self.database,
            "data_access": self.data_access,
            "pagination": self.pagination,
            "features": list(self.features),
        }
        resources = resources_of(self.resources)
        if resources is not None:
            answers["resources"] = resources
        return answers


DATABASES = ("sqlite", "postgresql", "mariadb")
DATA_ACCESS = ("orm", "core")
PAGINATIONS = ("offset", "cursor")
FEATURES = ("auth", "docker", "github_actions", "observability")
# A service with `jobs` is the one without but for its jobs' modules, which no other answer
# but the data-access choice changes, and the seams that reach them (proven in
# test_matrix.py): the covering variants have it, so its suite runs with every database and
# both data-access choices, but it does not multiply the combinations.
# `webhooks` (which needs `jobs`) likewise: the covering variants have it too.
SAMPLED_FEATURES = ("jobs", "webhooks")
COVERING_FEATURES = (*FEATURES, *SAMPLED_FEATURES)
# The six database x data-access pairs with the default answers otherwise: no features.
BASE_VARIANTS = [
    Variant(database, data_access) for database in DATABASES for data_access in DATA_ACCESS
]
# Rendered and checked in full (types, own tests, start-up): no features and all features for
# each database x data-access pair, half of the latter with cursor pagination. So every feature
# and every pair of features meets every database and both data-access choices, and cursor
# pagination meets every database.
VARIANTS = [
    *BASE_VARIANTS,
    Variant("sqlite", "orm", "offset", COVERING_FEATURES),
    Variant("sqlite", "core", "cursor", COVERING_FEATURES),
    Variant("postgresql", "orm", "cursor", COVERING_FEATURES),
    Variant("postgresql", "core", "offset", COVERING_FEATURES),
    Variant("mariadb", "orm", "offset", COVERING_FEATURES),
    Variant("mariadb", "core", "cursor", COVERING_FEATURES),
]
# Resources from other answers, where they differ: each spec with both data-access choices and
# both databases, auth on and off; ORM and Core of one shape side by side, as some tests
# compare them. Where a choice's code does not differ, one of the pair: without resources, the
# stores are the users' alone, which every suite runs (so ORM's is left out on SQLite); a
# MariaDB ORM store renders as its PostgreSQL twin's (MariaDB's workarounds are in its Core
# stores), so MariaDB's awkward spec runs with Core, and its ORM with the library.
SPEC_VARIANTS = [
    Variant("sqlite", "orm", resources="library", features=("auth",)),
    Variant("sqlite", "core", resources="library", features=("auth",)),
    # Webhooks are tested per resource: every shape of the library's, with both data-access
    # choices (the covering variants run them with the notes, and with `auth`).
    Variant("postgresql", "orm", "cursor", resources="library", features=("jobs", "webhooks")),
    Variant("postgresql", "core", "cursor", resources="library", features=("jobs", "webhooks")),
    Variant("sqlite", "orm", "cursor", resources="awkward"),
    Variant("sqlite", "core", "cursor", resources="awkward"),
    Variant("postgresql", "orm", resources="awkward", features=("auth",)),
    Variant("postgresql", "core", resources="awkward", features=("auth",)),
    Variant("sqlite", "core", resources="none", features=("auth",)),
    # `jobs` without `observability`, which the covering variants all have.
    Variant("postgresql", "core", resources="none", features=("jobs",)),
    Variant("mariadb", "orm", "cursor", resources="library", features=("auth",)),
    Variant("mariadb", "core", "cursor", resources="library", features=("auth",)),
    Variant("mariadb", "core", resources="awkward"),
]
# Fuzzed and served: what the API promises changes with the features, the pagination and the
# resources, and what a database does with odd values with the database; not with the
# data-access choice (ORM and Core serve the same OpenAPI, test_variants.py proves it, through
# the same statements). So each database with all features on both data-access choices (and
# both paginations), without features on one of them, and a spec of every field type and one
# of awkward names, each with one of its variants.
FUZZ_VARIANTS = [
    *(variant for variant in VARIANTS if variant.features),
    Variant("sqlite", "orm"),
    Variant("postgresql", "core"),
    Variant("mariadb", "orm"),
    Variant("sqlite", "orm", resources="library", features=("auth",)),
    Variant("postgresql", "core", "cursor", resources="library"),
    Variant("postgresql", "orm", resources="awkward", features=("auth",)),
]
# `docker` and `github_actions` add files around a service and change none of its code (proven
# in test_matrix.py), so the 192 combinations are 48 services that differ at run time.
RUNTIME_FEATURES = ("auth", "observability")


def runtime_shape(variant: Variant) -> tuple[str, str, str, tuple[str, ...], str]:
    """What a variant runs: its answers less the features that only package it, and less the
    sampled ones: a covering variant with `jobs` stands for its shape without."""
    features = tuple(feature for feature in variant.features if feature in RUNTIME_FEATURES)
    return (variant.database, variant.data_access, variant.pagination, features, variant.resources)


# Every combination of answers but the sampled features: 3 x 2 x 2 x 16 = 192.
COMBINATIONS = [
    Variant(database, data_access, pagination, features)
    for database in DATABASES
    for data_access in DATA_ACCESS
    for pagination in PAGINATIONS
    for size in range(len(FEATURES) + 1)
    for features in itertools.combinations(FEATURES, size)
]


# A MariaDB service is the PostgreSQL service of the same answers but for its database modules
# (proven in test_matrix.py), which no other answer changes: its suite runs on the covering
# variants, which meet each of those modules with both data-access choices, both paginations
# and every feature, not on all 16 of its shapes.
SAMPLED_DATABASES = ("mariadb",)
# Likewise a service with cursor pagination is the one with offsets but for its pagination
# module, whose code no other answer changes, and the tests of it (proven in test_matrix.py):
# its suite runs on the covering variants and the specs' (cursor with every database, both
# data-access choices, no feature and every runtime feature), not on all 8 shapes per database.
SAMPLED_PAGINATIONS = ("cursor",)


def _is_sampled(variant: Variant) -> bool:
    """Whether a variant's suite runs only where the covering set has its shape."""
    return variant.database in SAMPLED_DATABASES or variant.pagination in SAMPLED_PAGINATIONS


def _suite_variants() -> list[Variant]:
    covering = {runtime_shape(variant): variant for variant in VARIANTS}
    shapes = dict.fromkeys(
        runtime_shape(variant)
        for variant in COMBINATIONS
        if not _is_sampled(variant) or runtime_shape(variant) in covering
    )
    # A covering variant stands for its shape; the others are rendered without packaging.
    return [covering.get(shape, Variant(*shape)) for shape in shapes]


# One variant per run-time shape of the default resources on SQLite and PostgreSQL with offsets
# (16, among them two covering variants, which have `jobs`), the covering variants of MariaDB
# and of cursor pagination (6), and the other specs' variants: each runs its own test suite and
# mypy.
SUITE_VARIANTS = _suite_variants()


# The fixture of each database's server (tests/conftest.py); SQLite needs none.
SERVER_FIXTURES = {"postgresql": "postgres", "mariadb": "mariadb"}


class Services:
    """Renders and installs each variant on first use; server variants get own databases."""

    def __init__(self, root: Path) -> None:
        self._root = root
        self._services: dict[Variant, Service] = {}
        self._databases: list[tuple[DatabaseServer, str]] = []

    def get(self, variant: Variant, server: DatabaseServer | None = None) -> Service:
        if variant not in self._services:
            self._services[variant] = self._build(variant, server)
        return self._services[variant]

    def _build(self, variant: Variant, server: DatabaseServer | None) -> Service:
        service = Service(variant.id, self._root / variant.id, PACKAGE_NAME)
        if server is not None:
            env, prefix = server.service_env(variant.id)
            self._databases.append((server, prefix))
            service.env.update(env)
        started = time.perf_counter()
        render(service.path, **variant.answers)
        TIMINGS[variant.id] += time.perf_counter() - started
        service.rendered_files = sorted(path for path in service.path.rglob("*") if path.is_file())
        service.sync()
        return service

    def close(self) -> None:
        for server, prefix in self._databases:
            server.drop_databases(prefix)


def variant_service(
    request: pytest.FixtureRequest, services: Services, variant: Variant
) -> Service:
    """The service for `variant`, asking for its database's server only when it needs one."""
    return services.get(variant, database_server(request, variant))


def database_server(request: pytest.FixtureRequest, variant: Variant) -> DatabaseServer | None:
    """The server of `variant`'s database, from its fixture; None for SQLite."""
    fixture = SERVER_FIXTURES.get(variant.database)
    return None if fixture is None else request.getfixturevalue(fixture)
