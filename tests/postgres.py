"""Databases for the PostgreSQL variants: one set per variant, dropped afterwards."""

import asyncio
import os

import asyncpg

from tests.database_server import DatabaseServer

POSTGRES_URL = os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


class PostgresServer(DatabaseServer):
    """The server named by POSTGRES_URL, reached through its admin database."""

    driver = "postgresql+asyncpg"

    def __init__(self, admin_url: str = POSTGRES_URL) -> None:
        super().__init__(admin_url)

    def ping(self) -> None:
        asyncio.run(self._execute("SELECT 1"))

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
