"""A rendered service's Alembic revisions, as Alembic reads them, and its owner's database."""

import asyncio
import sqlite3
from contextlib import closing
from pathlib import Path

import asyncpg
from alembic.script import ScriptDirectory


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
    """The database a service runs on (its DATABASE_URL), read and written with plain SQL."""

    def __init__(self, project: Path, package: str, env: dict[str, str]) -> None:
        url = env.get("DATABASE_URL")
        self._postgres_url = url.replace("+asyncpg", "", 1) if url else None
        self._sqlite_path = project / f"{package}.db"

    def execute(self, *statements: str) -> None:
        if self._postgres_url is None:
            with closing(sqlite3.connect(self._sqlite_path)) as connection, connection:
                for statement in statements:
                    connection.execute(statement)
            return

        async def execute() -> None:
            connection = await asyncpg.connect(self._postgres_url)
            try:
                async with connection.transaction():
                    for statement in statements:
                        await connection.execute(statement)
            finally:
                await connection.close()

        asyncio.run(execute())

    def rows(self, query: str) -> list[tuple[object, ...]]:
        if self._postgres_url is None:
            with closing(sqlite3.connect(self._sqlite_path)) as connection:
                return [tuple(row) for row in connection.execute(query)]

        async def fetch() -> list[tuple[object, ...]]:
            connection = await asyncpg.connect(self._postgres_url)
            try:
                return [tuple(row) for row in await connection.fetch(query)]
            finally:
                await connection.close()

        return asyncio.run(fetch())
