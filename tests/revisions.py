"""A rendered service's Alembic revisions, as Alembic reads them, and its owner's database."""

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from contextlib import closing
from pathlib import Path
from typing import TypeVar

from alembic.script import ScriptDirectory
from sqlalchemy import NullPool, make_url, text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

_T = TypeVar("_T")


def _scripts(project: Path) -> ScriptDirectory:
    return ScriptDirectory(str(project / "migrations"))


def heads(project: Path) -> list[str]:
    """The heads of the service's revisions: one, unless two lines of revisions diverged."""
    return sorted(_scripts(project).get_heads())


def merge_revisions(project: Path) -> dict[str, tuple[str, ...]]:
    """Each merge revision's file, relative to `project`, and the revisions it joins."""
    merges = {}
    for script in _scripts(project).walk_revisions():
        if script.is_merge_point:
            path = Path(script.path).resolve().relative_to(project.resolve())
            merges[path.as_posix()] = tuple(sorted(script.down_revision or ()))
    return merges


class OwnerDatabase:
    """A database of a service's, read and written with plain SQL: by default the one it runs
    on (its DATABASE_URL, or its SQLite file)."""

    def __init__(self, project: Path, package: str, env: dict[str, str]) -> None:
        self._server_url = env.get("DATABASE_URL")
        self._sqlite_path = project / f"{package}.db"

    @classmethod
    def at(cls, url: str) -> "OwnerDatabase":
        """The database `url` names, a SQLite file or one on a server."""
        database = cls.__new__(cls)
        parsed = make_url(url)
        is_file = parsed.get_backend_name() == "sqlite"
        database._server_url = None if is_file else url
        database._sqlite_path = Path(parsed.database or "")
        return database

    def execute(self, *statements: str) -> None:
        if self._server_url is None:
            with closing(sqlite3.connect(self._sqlite_path)) as connection, connection:
                for statement in statements:
                    connection.execute(statement)
            return

        async def execute(connection: AsyncConnection) -> None:
            async with connection.begin():
                for statement in statements:
                    await connection.execute(text(statement))

        self._on_server(execute)

    def rows(self, query: str) -> list[tuple[object, ...]]:
        if self._server_url is None:
            with closing(sqlite3.connect(self._sqlite_path)) as connection:
                return [tuple(row) for row in connection.execute(query)]

        async def fetch(connection: AsyncConnection) -> list[tuple[object, ...]]:
            return [tuple(row) for row in await connection.execute(text(query))]

        return self._on_server(fetch)

    def _on_server(self, work: Callable[[AsyncConnection], Awaitable[_T]]) -> _T:
        """Run `work` on a connection of its own to the server, through the service's URL."""
        assert self._server_url is not None

        async def run() -> _T:
            engine = create_async_engine(self._server_url, poolclass=NullPool)
            try:
                async with engine.connect() as connection:
                    return await work(connection)
            finally:
                await engine.dispose()

        return asyncio.run(run())
