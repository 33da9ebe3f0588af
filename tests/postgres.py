"""Databases for the PostgreSQL variants: one set per variant, dropped afterwards."""

import asyncio
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import asyncpg

POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class PostgresServer:
    """The server named by POSTGRES_URL, reached through its admin database."""

    def __init__(self, admin_url: str = POSTGRES_URL) -> None:
        self.admin_url = admin_url

    def ping(self) -> None:
        asyncio.run(self._execute("SELECT 1"))

    def unique_name(self, label: str) -> str:
        """A database name no other variant or run uses.

        Short enough that the `_test_scratch` databases the service's tests add beside it still
        fit PostgreSQL's 63 characters: longer names are cut, and could collide.
        """
        return f"tpl_{label.replace('-', '_')[:24]}_{secrets.token_hex(4)}"

    def url(self, database: str, driver: str = "postgresql+asyncpg") -> str:
        """A SQLAlchemy URL for `database` on this server."""
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(scheme=driver, path=f"/{database}"))

    def service_env(self, label: str) -> tuple[dict[str, str], str]:
        """A new, empty database for a service and the name of its test database beside it.

        Returns the environment to run the service with, and the prefix every database it
        creates shares, for `drop_databases`.
        """
        name = self.unique_name(label)
        self.create_database(name)
        env = {"DATABASE_URL": self.url(name), "TEST_DATABASE_URL": self.url(f"{name}_test")}
        return env, name

    def create_database(self, name: str) -> None:
        asyncio.run(self._execute(f'CREATE DATABASE "{name}"'))

    def drop_databases(self, prefix: str) -> None:
        """Drop every database whose name starts with `prefix`, connections or not."""

        async def drop() -> None:
            connection = await asyncpg.connect(self.admin_url)
            try:
                names = await connection.fetch(
                    "SELECT datname FROM pg_database WHERE starts_with(datname, $1)", prefix
                )
                for row in names:
                    await connection.execute(f'DROP DATABASE "{row["datname"]}" WITH (FORCE)')
            finally:
                await connection.close()

        asyncio.run(drop())

    async def _execute(self, statement: str) -> None:
        connection = await asyncpg.connect(self.admin_url, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()
