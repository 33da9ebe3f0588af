"""Databases for the MariaDB variants: one set per variant, dropped afterwards."""

import asyncio
import os
from urllib.parse import urlsplit

import asyncmy
import asyncmy.errors

from tests.database_server import DatabaseServer

MARIADB_URL = os.environ.get("MARIADB_URL", "mariadb://root@127.0.0.1:3306")


class MariaDBServer(DatabaseServer):
    """The server named by MARIADB_URL, reached as its administrator."""

    driver = "mariadb+asyncmy"

    def __init__(self, admin_url: str = MARIADB_URL) -> None:
        super().__init__(admin_url)

    def ping(self) -> None:
        try:
            asyncio.run(self._execute("SELECT 1"))
        except asyncmy.errors.OperationalError as error:
            # asyncmy reports a refused connection as an error of its own.
            raise OSError(str(error)) from error

    def create_database(self, name: str) -> None:
        asyncio.run(
            self._execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin")
        )

    def drop_databases(self, prefix: str) -> None:
        """Drop every database whose name starts with `prefix`."""

        async def drop() -> None:
            connection = await self._connect()
            try:
                async with connection.cursor() as cursor:
                    await cursor.execute(
                        "SELECT schema_name FROM information_schema.schemata"
                        " WHERE schema_name LIKE %s",
                        (prefix.replace("_", r"\_") + "%",),
                    )
                    for (name,) in await cursor.fetchall():
                        await cursor.execute(f"DROP DATABASE `{name}`")
            finally:
                connection.close()

        asyncio.run(drop())

    async def _connect(self) -> asyncmy.Connection:
        parts = urlsplit(self.admin_url)
        return await asyncmy.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            connect_timeout=5,
            autocommit=True,
        )

    async def _execute(self, statement: str) -> None:
        connection = await self._connect()
        try:
            async with connection.cursor() as cursor:
                await cursor.execute(statement)
        finally:
            connection.close()
