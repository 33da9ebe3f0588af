"""Load benchmark: rendered services against hand-written floors, under wrk, side by side.

    uv run python -m bench.run                      # the full run (about 25 minutes)
    uv run python -m bench.run --rounds 1 --duration 3 --only floor,postgresql-core

Renders the PostgreSQL ORM and Core services (and Core with `auth` + `observability`, Core with
two workers, the SQLite default), migrates fresh databases with their own migrations, seeds
1,000 users and 10,000 notes, and measures three routes on each app in interleaved rounds, a
fresh server per round and a discarded warm-up first. Beside them, the same services as the
previous release rendered them (`--against`), and a generated resource with a reference, an
embed and a search (the books of tests/specs/library.yml). On MariaDB (`--mariadb-url`), the
Core and ORM services against a Starlette floor on raw asyncmy and the same floor on aiomysql,
and the services' search over 1,000,000 notes beside what each statement of a FULLTEXT search
would cost. On 1,000,000 books, a filtered list sorted by price, page 1 against a cursor page
near its end. Prints a table per route and writes the raw results as JSON. See the README's
"Performance" section.
"""

import argparse
import asyncio
import base64
import json
import os
import random
import secrets
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import yaml
from copier import run_copy
from packaging.version import Version

from bench.mariadb import MariaDB
from tests.harness import TEMPLATE_ROOT, UV, command_env, free_port, render
from tests.releases import read_changelog, release_commit

BENCH = Path(__file__).resolve().parent
APPS = BENCH / "apps"
ROUTE_SCRIPT = BENCH / "wrk" / "route.lua"
PACKAGE = "bench_service"
USERS, NOTES, DEEP_NOTES = 1_000, 10_000, 1_000_000
# The generated resource measured: books, each by one of the authors, their name embedded.
AUTHORS, BOOKS, DEEP_BOOKS = 1_000, 10_000, 1_000_000
# A list that filters and sorts, measured on DEEP_BOOKS books: page 1, and the page whose
# cursor names the 51st row from the end (found once the books are seeded).
SORTED_LIST = "/books?limit=50&format=ebook&sort=-price"
SORTED_CURSORS: dict[str, str] = {}
LIBRARY = yaml.safe_load((TEMPLATE_ROOT / "tests" / "specs" / "library.yml").read_text())
DEEP_OFFSET = DEEP_NOTES - 50
# Searches over the DEEP_NOTES notes, whose descriptions read "Seeded note number <i>": one
# that one note matches, and one that every note does. Fewer connections: without an index,
# each search reads every note, and 64 of them at once would only measure the queue.
SEARCH_ROUTES = [
    ("search, 1 note matches", "list", "/notes?limit=50&q=number%20777777"),
    ("search, every note matches", "list", "/notes?limit=50&q=seeded"),
]
SEARCH_CONNECTIONS = 8
# The routes measured: name, wrk mode, and for lists the path.
ROUTES = [
    ("GET /notes/{id}", "get", ""),
    ("GET /notes?limit=50", "list", "/notes?limit=50"),
    ("POST /notes", "post", ""),
]
BOOK_ROUTES = [
    ("GET /books/{id}", "get", ""),
    ("GET /books?limit=50", "list", "/books?limit=50"),
    ("POST /books", "post", ""),
    ("search, 1 book matches", "list", "/books?limit=50&q=number%207777"),
]
# How many rows each resource is seeded with; a POST run's are deleted after it.
SEEDED = {"notes": NOTES, "books": BOOKS}
CLK_TCK = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class App:
    """One server to measure: how to start it, and what it serves."""

    name: str
    group: str  # apps in one group are compared with the group's first one (its floor)
    database: str  # the PostgreSQL database, or the SQLite file's key
    variant: str | None = None  # the rendered service it is, or whose venv it runs in
    module: str = f"{PACKAGE}.main:app"  # a rendered service's app, or a file in bench/apps
    workers: int = 1
    auth: bool = False
    resource: str = "notes"  # what its routes read and write
    server: str = "postgresql"  # where `database` is: postgresql, mariadb or sqlite


@dataclass
class Measurement:
    app: str
    route: str
    round: int
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_us_per_request: float
    connections_opened: int | None
    errors: int


# Rendered variants: answers by name.
VARIANTS: dict[str, dict[str, Any]] = {
    "postgresql-core": {"database": "postgresql", "data_access": "core"},
    "postgresql-orm": {"database": "postgresql", "data_access": "orm"},
    "postgresql-core-auth-observability": {
        "database": "postgresql",
        "data_access": "core",
        "features": ["auth", "observability"],
    },
    # Every change a webhook event: a POST writes its event to the outbox in its transaction,
    # and hands it to Redis once committed.
    "postgresql-core-webhooks": {
        "database": "postgresql",
        "data_access": "core",
        "features": ["jobs", "webhooks"],
    },
    "postgresql-core-cursor": {
        "database": "postgresql",
        "data_access": "core",
        "pagination": "cursor",
    },
    "sqlite-orm": {"database": "sqlite", "data_access": "orm"},
    "mariadb-core": {"database": "mariadb", "data_access": "core"},
    "mariadb-orm": {"database": "mariadb", "data_access": "orm"},
    "postgresql-core-library": {
        "database": "postgresql",
        "data_access": "core",
        "resources": LIBRARY,
    },
    "postgresql-orm-library": {
        "database": "postgresql",
        "data_access": "orm",
        "resources": LIBRARY,
    },
    "postgresql-core-library-cursor": {
        "database": "postgresql",
        "data_access": "core",
        "pagination": "cursor",
        "resources": LIBRARY,
    },
    "postgresql-orm-library-cursor": {
        "database": "postgresql",
        "data_access": "orm",
        "pagination": "cursor",
        "resources": LIBRARY,
    },
}


# What the floors running in a service's venv need beside it.
FLOOR_DRIVERS = {"mariadb-core": ["aiomysql"]}


def previous_release() -> str:
    """The newest release the CHANGELOG dates: what the services are compared with."""
    releases = read_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())
    return str(next(release.version for release in releases if release.released))


def against_apps(version: str, server: str = "postgresql") -> list[App]:
    """The Core and ORM services on `server` as `version` rendered them, on the same database."""
    database = {"postgresql": "bench_plain", "mariadb": "bench_maria"}[server]
    return [
        App(f"{name} {version}", server, database, f"{name}@{version}", server=server)
        for name in (f"{server}-core", f"{server}-orm")
    ]


def book_apps() -> list[App]:
    return [
        App(
            "postgresql-core (books)",
            "books",
            "bench_books",
            "postgresql-core-library",
            resource="books",
        ),
        App(
            "postgresql-orm (books)",
            "books",
            "bench_books",
            "postgresql-orm-library",
            resource="books",
        ),
    ]


def postgres_apps() -> list[App]:
    floor_venv = "postgresql-core"
    return [
        App("floor", "postgresql", "bench_plain", floor_venv, "floor_asyncpg:app"),
        App("fastapi-asyncpg", "postgresql", "bench_plain", floor_venv, "fastapi_asyncpg:app"),
        App("lean-sqlalchemy", "postgresql", "bench_plain", floor_venv, "lean_sqlalchemy:app"),
        App("lean-orm", "postgresql", "bench_plain", floor_venv, "lean_orm:app"),
        App("postgresql-core", "postgresql", "bench_plain", "postgresql-core"),
        App("postgresql-orm", "postgresql", "bench_plain", "postgresql-orm"),
        App(
            "postgresql-core-auth-observability",
            "postgresql",
            "bench_auth",
            "postgresql-core-auth-observability",
            auth=True,
        ),
        App("postgresql-core-2-workers", "postgresql", "bench_plain", "postgresql-core", workers=2),
    ]


def sqlite_apps() -> list[App]:
    return [
        App(
            "sqlite-floor",
            "sqlite",
            "bench_sqlite",
            "sqlite-orm",
            "floor_aiosqlite:app",
            server="sqlite",
        ),
        App("sqlite-orm", "sqlite", "bench_sqlite", "sqlite-orm", server="sqlite"),
    ]


def mariadb_apps() -> list[App]:
    # The floor on asyncmy, the services' driver, then on aiomysql: the drivers compared.
    floor_venv = "mariadb-core"
    return [
        App(
            "mariadb-floor",
            "mariadb",
            "bench_maria",
            floor_venv,
            "floor_mariadb:asyncmy_app",
            server="mariadb",
        ),
        App(
            "mariadb-floor-aiomysql",
            "mariadb",
            "bench_maria",
            floor_venv,
            "floor_mariadb:aiomysql_app",
            server="mariadb",
        ),
        App("mariadb-core", "mariadb", "bench_maria", "mariadb-core", server="mariadb"),
        App("mariadb-orm", "mariadb", "bench_maria", "mariadb-orm", server="mariadb"),
    ]


def mariadb_search_apps() -> list[App]:
    return [
        App(
            "mariadb-core, LIKE scan",
            "mariadb-search",
            "bench_maria_depth",
            "mariadb-core",
            server="mariadb",
        )
    ]


def depth_apps() -> list[App]:
    return [
        App("offset (postgresql-core)", "depth", "bench_depth", "postgresql-core"),
        App("cursor (postgresql-core-cursor)", "depth", "bench_depth", "postgresql-core-cursor"),
    ]


def sorted_apps() -> list[App]:
    return [
        App(
            f"cursor, {access} (books)",
            "sorted",
            "bench_books_deep",
            f"postgresql-{access}-library-cursor",
            resource="books",
        )
        for access in ("core", "orm")
    ]


def search_apps() -> list[App]:
    return [
        App(
            "postgresql-core, no trigram index",
            "search",
            "bench_search_unindexed",
            "postgresql-core",
        ),
        App("postgresql-core, trigram index", "search", "bench_depth", "postgresql-core"),
    ]


def routes_of(app: App) -> list[tuple[str, str, str]]:
    if app.group == "depth":
        return depth_routes(app)
    if app.group == "sorted":
        return sorted_routes(app)
    if app.resource == "books":
        return BOOK_ROUTES
    return SEARCH_ROUTES if app.group.endswith("search") else ROUTES


def _cursor_after(note_id: int) -> str:
    return base64.urlsafe_b64encode(f"v1:{note_id}".encode()).decode().rstrip("=")


def depth_routes(app: App) -> list[tuple[str, str, str]]:
    deep = (
        f"/notes?limit=50&cursor={_cursor_after(DEEP_OFFSET)}"
        if "cursor" in app.name
        else f"/notes?limit=50&offset={DEEP_OFFSET}"
    )
    return [("page 1", "list", "/notes?limit=50"), (f"page at row {DEEP_OFFSET:,}", "list", deep)]


def sorted_routes(app: App) -> list[tuple[str, str, str]]:
    deep = f"{SORTED_LIST}&cursor={SORTED_CURSORS.get(app.database, '')}"
    return [("page 1", "list", SORTED_LIST), ("page 51 rows from the end", "list", deep)]


# ---------------------------------------------------------------------------------------------
# Set-up: wrk, rendered services, databases


def ensure_wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk is missing; installing it with apt-get", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit(
            "wrk is needed: install it with your package manager "
            "(apt-get install wrk, brew install wrk, dnf install wrk) and run again"
        )
    return found


def render_services(work: Path, names: set[str]) -> dict[str, Path]:
    services = {}
    for name in sorted(names):
        path = work / name
        # Rendered afresh: the benchmark measures the template as it is now.
        print(f"rendering {name}", flush=True)
        shutil.rmtree(path, ignore_errors=True)
        variant, _, version = name.partition("@")
        if version:
            # As that release rendered it: from the commit that dates it in the CHANGELOG.
            commit = release_commit(TEMPLATE_ROOT, Version(version))
            answers = {"project_name": "Bench Service", **VARIANTS[variant]}
            # Trusted: from 0.15.0 on, the template loads Jinja extensions of its own.
            run_copy(
                str(TEMPLATE_ROOT),
                path,
                data=answers,
                defaults=True,
                vcs_ref=commit,
                quiet=True,
                unsafe=True,
            )
        else:
            render(path, project_name="Bench Service", **VARIANTS[name])
        subprocess.run([UV, "sync", "--quiet", "--no-dev"], cwd=path, env=command_env(), check=True)
        if FLOOR_DRIVERS.get(name):
            # The floors that run in this venv use drivers the service does not.
            install = [
                UV,
                "pip",
                "install",
                "--quiet",
                "--python",
                str(path / ".venv" / "bin" / "python"),
            ]
            subprocess.run([*install, *FLOOR_DRIVERS[name]], env=command_env(), check=True)
        services[name] = path
    return services


def database_url(server: str, database: str) -> str:
    return f"postgresql+asyncpg://{server.split('://', 1)[1].rsplit('/', 1)[0]}/{database}"


def dsn(server: str, database: str) -> str:
    return f"postgresql://{server.split('://', 1)[1].rsplit('/', 1)[0]}/{database}"


async def _recreate(server: str, database: str) -> None:
    connection = await asyncpg.connect(server)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{database}"')
    finally:
        await connection.close()


async def _seed_postgres(server: str, database: str, notes: int) -> None:
    connection = await asyncpg.connect(dsn(server, database))
    try:
        await connection.execute(
            "INSERT INTO users (name, email, created_at, updated_at) "
            "SELECT 'User ' || i, 'user' || i || '@example.com', now(), now() "
            "FROM generate_series(1, $1) AS i",
            USERS,
        )
        await connection.execute(
            "INSERT INTO notes (title, description, author_id, created_at, updated_at) "
            "SELECT 'Note ' || i, 'Seeded note number ' || i, 1 + i % $2, now(), now() "
            "FROM generate_series(1, $1) AS i",
            notes,
            USERS,
        )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _seed_books(server: str, database: str, books: int) -> None:
    # Prices spread over 0.00 to 999.99 (ties among each thousand books), formats in turn.
    connection = await asyncpg.connect(dsn(server, database))
    try:
        await connection.execute(
            "INSERT INTO authors (name, created_at, updated_at) "
            "SELECT 'Author ' || i, now(), now() FROM generate_series(1, $1) AS i",
            AUTHORS,
        )
        await connection.execute(
            "INSERT INTO books (title, isbn, price, format, in_print, summary, author_id,"
            " created_at, updated_at) "
            "SELECT 'Book ' || i, lpad(i::text, 13, '0'), (i::bigint * 7919 % 100000) / 100.0,"
            " (ARRAY['hardcover', 'paperback', 'ebook'])[1 + i % 3], true,"
            " 'Seeded book number ' || i, 1 + i % $2, now(), now() "
            "FROM generate_series(1, $1) AS i",
            books,
            AUTHORS,
        )
        await connection.execute("VACUUM ANALYZE")
    finally:
        await connection.close()


async def _sorted_cursor(server: str, database: str) -> str:
    """The cursor of SORTED_LIST that names its 51st row from the end, as the service makes
    it: version 2, the sort, the row's id and its price."""
    connection = await asyncpg.connect(dsn(server, database))
    try:
        row = await connection.fetchrow(
            "SELECT id, price FROM books WHERE format = 'ebook' ORDER BY price DESC, id DESC "
            "OFFSET (SELECT count(*) FROM books WHERE format = 'ebook') - 51 LIMIT 1"
        )
    finally:
        await connection.close()
    named = json.dumps(["-price", row["id"], str(row["price"])], separators=(",", ":"))
    return base64.urlsafe_b64encode(f"v2:{named}".encode()).decode().rstrip("=")


def migrate(service: Path, url: str, revision: str = "head") -> None:
    subprocess.run(
        [UV, "run", "--no-sync", "alembic", "upgrade", revision],
        cwd=service,
        env=command_env(DATABASE_URL=url),
        check=True,
        capture_output=True,
    )


def prepare_postgres(server: str, services: dict[str, Path], databases: set[str]) -> None:
    # Database: the service that migrates it, how many notes, and up to which revision.
    plan = {
        "bench_plain": ("postgresql-core", NOTES, "head"),
        "bench_auth": ("postgresql-core-auth-observability", NOTES, "head"),
        "bench_depth": ("postgresql-core", DEEP_NOTES, "head"),
        # The schema before 0003 added the trigram indexes that searches use.
        "bench_search_unindexed": ("postgresql-core", DEEP_NOTES, "0002"),
        "bench_books": ("postgresql-core-library", 0, "head"),
        "bench_books_deep": ("postgresql-core-library-cursor", 0, "head"),
    }
    for database in sorted(databases):
        migrated_by, notes, revision = plan[database]
        print(f"migrating and seeding {database} ({notes:,} notes)", flush=True)
        asyncio.run(_recreate(server, database))
        migrate(services[migrated_by], database_url(server, database), revision)
        if database == "bench_books":
            asyncio.run(_seed_books(server, database, BOOKS))
        elif database == "bench_books_deep":
            print(f"seeding {database} ({DEEP_BOOKS:,} books)", flush=True)
            asyncio.run(_seed_books(server, database, DEEP_BOOKS))
            SORTED_CURSORS[database] = asyncio.run(_sorted_cursor(server, database))
        else:
            asyncio.run(_seed_postgres(server, database, notes))


def prepare_mariadb(mariadb: MariaDB, services: dict[str, Path], databases: set[str]) -> None:
    # As on PostgreSQL: which service migrates it, and how many notes.
    plan = {
        "bench_maria": ("mariadb-core", NOTES),
        "bench_maria_depth": ("mariadb-core", DEEP_NOTES),
    }
    for database in sorted(databases):
        migrated_by, notes = plan[database]
        print(f"migrating and seeding {database} on MariaDB ({notes:,} notes)", flush=True)
        mariadb.recreate(database)
        migrate(services[migrated_by], mariadb.url(database))
        mariadb.seed_notes(database, USERS, notes)


def prepare_sqlite(work: Path, service: Path) -> Path:
    path = work / "bench_sqlite.db"
    for stale in work.glob("bench_sqlite.db*"):
        stale.unlink()
    migrate(service, f"sqlite+aiosqlite:///{path}")
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(path) as db:
        db.executemany(
            "INSERT INTO users (id, name, email, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            [(i, f"User {i}", f"user{i}@example.com", now, now) for i in range(1, USERS + 1)],
        )
        db.executemany(
            "INSERT INTO notes (id, title, description, author_id, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [
                (i, f"Note {i}", f"Seeded note number {i}", 1 + i % USERS, now, now)
                for i in range(1, NOTES + 1)
            ],
        )
    return path


# ---------------------------------------------------------------------------------------------
# Measuring


async def _sessions(server: str, database: str) -> int:
    connection = await asyncpg.connect(server)
    try:
        value: int = await connection.fetchval(
            "SELECT sessions FROM pg_stat_database WHERE datname = $1", database
        )
        return value
    finally:
        await connection.close()


def sessions_settled(server: str, database: str) -> int:
    """Sessions ever opened on `database`, once PostgreSQL's statistics have caught up.

    Backends report their counts when they next go idle (within a second or so), so the
    value is read until it holds still.
    """
    last = asyncio.run(_sessions(server, database))
    for _ in range(20):
        time.sleep(0.6)
        now = asyncio.run(_sessions(server, database))
        if now == last:
            return now
        last = now
    return last


async def _active_queries(server: str, database: str) -> int:
    connection = await asyncpg.connect(server)
    try:
        count: int = await connection.fetchval(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1 AND state = 'active'",
            database,
        )
        return count
    finally:
        await connection.close()


def connections_opened(app: App, options: argparse.Namespace) -> int | None:
    """Connections ever opened to `app`'s database (by its user, on MariaDB); None on SQLite."""
    if app.server == "mariadb":
        return options.mariadb.connections_opened()
    if app.server == "postgresql":
        return sessions_settled(options.postgres_url, app.database)
    return None


def active_queries(app: App, options: argparse.Namespace) -> int:
    if app.server == "mariadb":
        return options.mariadb.active_queries()
    if app.server == "postgresql":
        return asyncio.run(_active_queries(options.postgres_url, app.database))
    return 0


def wait_until_idle(pid: int, app: App, options: argparse.Namespace) -> None:
    """Wait for the requests a finished load left behind: a server goes on answering requests
    whose clients have gone, and a measurement must not start behind them."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(0.3)
        busy = cpu_seconds(pid) - before > 0.02
        if not busy and active_queries(app, options) == 0:
            return
    sys.exit(f"the server (pid {pid}) stayed busy for two minutes after its load ended")


def cpu_seconds(pid: int) -> float:
    """User and system CPU time of `pid` and its children (uvicorn's workers)."""
    total = 0.0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # After the command: state, ppid, ..., utime (14th field overall) and stime.
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += (int(fields[11]) + int(fields[12])) / CLK_TCK
    return total


@contextmanager
def server(
    app: App, services: dict[str, Path], env: dict[str, str], log: Path
) -> Iterator[tuple[str, int]]:
    """Start `app` on a free port; yield its base URL and uvicorn's pid; stop it."""
    port = free_port()
    venv = services[app.variant or ""] / ".venv" / "bin"
    rendered = app.module.startswith(PACKAGE)
    args = [
        str(venv / "uvicorn"),
        app.module,
        "--port",
        str(port),
        "--workers",
        str(app.workers),
        "--no-access-log",
        "--log-level",
        "warning",
    ]
    if not rendered:
        args += ["--app-dir", str(APPS)]
    with log.open("a") as output:
        process = subprocess.Popen(
            args,
            cwd=services[app.variant or ""],
            env=command_env(**env),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                sys.exit(f"{app.name} exited with {process.returncode}; see {log}")
            try:
                if httpx.get(f"{base}/{app.resource}?limit=1", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                sys.exit(f"{app.name} did not start within 60 s; see {log}")
            time.sleep(0.2)
        yield base, process.pid
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def bearer_token(base: str) -> str:
    """A token for a user the benchmark creates once in the `auth` variant's database."""
    account = {"name": "Bench", "email": "bench@example.com", "password": "bench-password-1"}
    created = httpx.post(f"{base}/users", json=account, timeout=30)
    assert created.status_code in {201, 409}, created.text
    token = httpx.post(
        f"{base}/auth/token",
        data={"username": account["email"], "password": account["password"]},
        timeout=30,
    )
    assert token.status_code == 200, token.text
    access_token: str = token.json()["access_token"]
    return access_token


def wrk(
    wrk_bin: str,
    base: str,
    mode: str,
    path: str,
    seconds: float,
    connections: int,
    token: str,
    resource: str = "notes",
) -> dict[str, Any]:
    referred = {"notes": USERS, "books": AUTHORS}[resource]
    largest = {"get": SEEDED[resource], "post": referred}.get(mode, 1)
    result = subprocess.run(
        [
            wrk_bin,
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{round(seconds)}s",
            "--timeout",
            "10s",
            "--script",
            str(ROUTE_SCRIPT),
            base,
            "--",
            mode,
            str(largest),
            token,
            path,
            resource,
            # Unique to this run, for the values it writes that must be (a book's isbn).
            str(time.time_ns() // 1000 % 1_000_000),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    summary: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return summary


def check_routes(
    app: App, base: str, routes: list[tuple[str, str, str]], token: str, seen: dict[str, Any]
) -> None:
    """Each route answers before any load is timed, and with what every other app on the same
    database answered: the same note, and the same items in a page, to the byte."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    for _, mode, path in routes:
        if mode == "post":
            body: dict[str, Any] = {"title": "Check", "description": "before load"}
            if app.resource == "books":
                body = {"title": "Check", "isbn": "check", "price": "1.00", "author_id": 1}
            elif not token:
                body["author_id"] = 1
            response = httpx.post(f"{base}/{app.resource}", json=body, headers=headers, timeout=30)
            assert response.status_code == 201, (app.name, response.text)
            assert response.json()["title"] == "Check", (app.name, response.text)
            continue
        response = httpx.get(f"{base}{path or f'/{app.resource}/1'}", timeout=120)
        assert response.status_code == 200, (app.name, response.text[:300])
        answer = response.json() if mode == "get" else response.json()["items"]
        if mode == "list" and "q=" not in path:
            assert len(answer) == 50, (app.name, response.text[:300])
        key = f"{app.database} {mode} {path}"
        if app.group.endswith("search"):
            # The same notes with or without an index; each database seeded them at its time.
            answer = [{k: v for k, v in note.items() if not k.endswith("_at")} for note in answer]
            key = f"{mode} {path}"
        reference = seen.setdefault(key, (app.name, answer))
        assert answer == reference[1], f"{app.name} and {reference[0]} answer {path} differently"


def trim_notes(app: App, options: argparse.Namespace) -> None:
    """Delete the rows a POST run added, so every run reads the same data."""
    table, seeded = app.resource, SEEDED[app.resource]
    if app.server == "sqlite":
        with sqlite3.connect(options.work / "bench_sqlite.db") as db:
            db.execute(f"DELETE FROM {table} WHERE id > ?", (seeded,))
        return
    if app.server == "mariadb":
        options.mariadb.delete_after(app.database, table, seeded)
        return
    server_url = options.postgres_url

    async def trim() -> None:
        connection = await asyncpg.connect(dsn(server_url, app.database))
        try:
            await connection.execute(f"DELETE FROM {table} WHERE id > $1", seeded)
        finally:
            await connection.close()

    asyncio.run(trim())


def app_env(app: App, options: argparse.Namespace, secret: str) -> dict[str, str]:
    server_url = options.postgres_url
    if app.server == "sqlite":
        path = options.work / "bench_sqlite.db"
        env = {"DATABASE_URL": f"sqlite+aiosqlite:///{path}", "DATABASE_PATH": str(path)}
    elif app.server == "mariadb":
        mariadb = options.mariadb
        env = {"DATABASE_URL": mariadb.url(app.database), "DATABASE_DSN": mariadb.dsn(app.database)}
    else:
        env = {
            "DATABASE_URL": database_url(server_url, app.database),
            "DATABASE_DSN": dsn(server_url, app.database),
        }
    if app.auth:
        env.update(JWT_SECRET_KEY=secret, JWT_EXPIRE_MINUTES="600")
    return env


def measure_app(
    app: App,
    routes: list[tuple[str, str, str]],
    round_number: int,
    options: argparse.Namespace,
    context: dict[str, Any],
) -> list[Measurement]:
    env = app_env(app, options, context["secret"])
    results = []
    with server(app, context["services"], env, context["work"] / f"{app.name}.log") as (
        base,
        pid,
    ):
        token = bearer_token(base) if app.auth else ""
        check_routes(app, base, routes, token, context["answers"])
        searching = app.group.endswith("search")
        connections = SEARCH_CONNECTIONS if searching else options.connections
        for _, mode, path in routes:
            wrk(context["wrk"], base, mode, path, options.warmup, connections, token, app.resource)
            wait_until_idle(pid, app, options)
        if app.group not in ("depth", "sorted") and not searching:
            trim_notes(app, options)
        for route, mode, path in routes:
            before = connections_opened(app, options)
            cpu_before = cpu_seconds(pid)
            summary = wrk(
                context["wrk"], base, mode, path, options.duration, connections, token, app.resource
            )
            cpu = cpu_seconds(pid) - cpu_before
            wait_until_idle(pid, app, options)
            after = connections_opened(app, options)
            if mode == "post":
                trim_notes(app, options)
            seconds = summary["duration_us"] / 1e6
            results.append(
                Measurement(
                    app=app.name,
                    route=route,
                    round=round_number,
                    requests_per_second=summary["requests"] / seconds,
                    p50_ms=summary["p50_us"] / 1000,
                    p99_ms=summary["p99_us"] / 1000,
                    cpu_us_per_request=cpu * 1e6 / max(summary["requests"], 1),
                    connections_opened=None if before is None or after is None else after - before,
                    errors=summary["status_errors"] + summary["socket_errors"],
                )
            )
            print(
                f"  round {round_number} {app.name:<36} {route:<24} "
                f"{results[-1].requests_per_second:8.0f} req/s",
                flush=True,
            )
    return results


# ---------------------------------------------------------------------------------------------
# Reporting


def report(results: list[Measurement], groups: dict[str, list[App]]) -> list[str]:
    """A table per route. `x floor` is the median, over rounds, of the app's rate divided by the
    floor's in the same round: interleaved rounds share the machine's state, so a machine that
    slows down between rounds moves both."""
    lines = []
    for group, apps in groups.items():
        routes = list(dict.fromkeys(m.route for m in results if m.app in {a.name for a in apps}))
        for route in routes:
            lines += ["", f"## {group}: {route}", ""]
            lines.append(
                f"{'app':<36} {'req/s':>7} {'runs':<20} {'p50 ms':>7} {'p99 ms':>7} "
                f"{'p99/p50':>7} {'CPU us':>7} {'x floor':>7} {'conns':>5} {'errors':>6}"
            )
            floor: dict[int, float] = {}
            for app in apps:
                runs = [m for m in results if m.app == app.name and m.route == route]
                if not runs:
                    continue
                floor = floor or {m.round: m.requests_per_second for m in runs}
                ratios = [
                    m.requests_per_second / floor[m.round] for m in runs if floor.get(m.round)
                ]
                rps = statistics.median(m.requests_per_second for m in runs)
                p50 = statistics.median(m.p50_ms for m in runs)
                p99 = statistics.median(m.p99_ms for m in runs)
                cpu = statistics.median(m.cpu_us_per_request for m in runs)
                opened = [m.connections_opened for m in runs if m.connections_opened is not None]
                each = "/".join(f"{m.requests_per_second:.0f}" for m in runs)
                ratio = statistics.median(ratios) if ratios else float("nan")
                lines.append(
                    f"{app.name:<36} {rps:7.0f} {each:<20} {p50:7.1f} {p99:7.1f} "
                    f"{p99 / p50 if p50 else 0:7.1f} {cpu:7.0f} {ratio:7.2f} "
                    f"{max(opened) if opened else '-':>5} {sum(m.errors for m in runs):>6}"
                )
    depths = {
        "depth": f"what a page at row {DEEP_OFFSET:,} costs",
        "sorted": f"what the page 51 rows from the end of {SORTED_LIST} costs",
    }
    for group, title in depths.items():
        if group not in groups:
            continue
        lines += ["", f"## {group}: {title}, in page 1's time", ""]
        for app in groups[group]:
            medians = [
                statistics.median(
                    m.requests_per_second for m in results if m.app == app.name and m.route == r
                )
                for r, _, _ in routes_of(app)
            ]
            if all(medians):
                lines.append(f"{app.name:<36} {medians[0] / medians[1]:7.2f}x")
    return lines


def report_search_costs(costs: list[tuple[str, str, float, int]]) -> list[str]:
    """The ways MariaDB could search, one statement at a time on one connection."""
    if not costs:
        return []
    lines = ["", f"## mariadb-search: one statement over {DEEP_NOTES:,} notes, each way", ""]
    lines.append(f"{'way':<36} {'search':<24} {'ms':>8} {'notes':>6}")
    for way, search, milliseconds, matched in costs:
        lines.append(f"{way:<36} {search:<24} {milliseconds:8.1f} {matched:>6}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds measured per route")
    parser.add_argument("--warmup", type=int, default=2, help="seconds per route, discarded")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--mariadb-url", default=os.environ.get("MARIADB_URL", "mariadb://root@127.0.0.1:3306")
    )
    parser.add_argument("--only", default="", help="comma-separated app names (default: all)")
    parser.add_argument(
        "--skip",
        default="",
        help="groups to skip: postgresql,sqlite,depth,sorted,search,books,mariadb,mariadb-search",
    )
    parser.add_argument(
        "--against",
        default=previous_release(),
        help="the release whose services are measured beside the current ones ('' for none)",
    )
    parser.add_argument("--work", type=Path, default=BENCH / ".work")
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "latest.json")
    options = parser.parse_args()
    options.mariadb = MariaDB(options.mariadb_url)

    skip = set(filter(None, options.skip.split(",")))
    only = set(filter(None, options.only.split(",")))
    groups = {
        "postgresql": postgres_apps() + (against_apps(options.against) if options.against else []),
        "sqlite": sqlite_apps(),
        "depth": depth_apps(),
        "sorted": sorted_apps(),
        "search": search_apps(),
        "books": book_apps(),
        "mariadb": mariadb_apps()
        + (against_apps(options.against, "mariadb") if options.against else []),
        "mariadb-search": mariadb_search_apps(),
    }
    groups = {
        name: [app for app in apps if not only or app.name in only or app.group in only]
        for name, apps in groups.items()
        if name not in skip
    }
    groups = {name: apps for name, apps in groups.items() if apps}
    apps = [app for group in groups.values() for app in group]

    options.work.mkdir(parents=True, exist_ok=True)
    context: dict[str, Any] = {
        "wrk": ensure_wrk(),
        "work": options.work,
        "secret": secrets.token_hex(32),
        "answers": {},
    }
    context["services"] = render_services(options.work, {app.variant or "" for app in apps})
    postgres_databases = {app.database for app in apps if app.server == "postgresql"}
    if postgres_databases:
        prepare_postgres(options.postgres_url, context["services"], postgres_databases)
    mariadb_databases = {app.database for app in apps if app.server == "mariadb"}
    if mariadb_databases:
        prepare_mariadb(options.mariadb, context["services"], mariadb_databases)
    if any(app.server == "sqlite" for app in apps):
        prepare_sqlite(options.work, context["services"]["sqlite-orm"])

    results: list[Measurement] = []
    shuffle = random.Random(7)
    for round_number in range(1, options.rounds + 1):
        # Interleaved: each round starts every app afresh, in a new order.
        order = apps[:]
        shuffle.shuffle(order)
        for app in order:
            results += measure_app(app, routes_of(app), round_number, options, context)
    search_costs = []
    if "mariadb-search" in groups:
        searches = [
            ("1 note matches", "number 777777"),
            ("1 note matches, one word", "777777"),
            ("every note matches", "seeded"),
        ]
        search_costs = options.mariadb.search_costs("bench_maria_depth", searches, runs=5)

    lines = [
        f"# {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, "
        f"{options.connections} connections, {options.rounds} rounds of {options.duration:g} s",
        "req/s: median (each run); p50/p99: latency medians; CPU us: server CPU per request;",
        "conns: database connections opened during a measured window (most in any run)",
        *report(results, groups),
        *report_search_costs(search_costs),
    ]
    print("\n".join(lines))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(
        json.dumps(
            {
                "when": datetime.now(UTC).isoformat(),
                "options": {k: str(v) for k, v in vars(options).items()},
                "results": [asdict(m) for m in results],
                "mariadb_search_costs": search_costs,
            },
            indent=1,
        )
    )
    print(f"\nraw results: {options.output}")


if __name__ == "__main__":
    main()
