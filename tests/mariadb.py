"""Databases for the MariaDB variants: one set per variant, dropped afterwards."""

import asyncio
import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import asyncmy
import asyncmy.errors

MARIADB_URL = os.environ.get("MARIADB_URL", "mariadb://root@127.0.0.1:3306")


class MariaDBServer:
    """The server named by MARIADB_URL, reached as its administrator."""

    def __init__(self, admin_url: str = MARIADB_URL) -> None:
        self.admin_url = admin_url

    def ping(self) -> None:
        try:
            asyncio.run(self._execute("SELECT 1"))
        except asyncmy.errors.OperationalError as error:
            # asyncmy reports a refused connection as an error of its own.
            raise OSError(str(error)) from error

    def unique_name(self, label: str) -> str:
        """A database name no other variant or run uses, short enough for the `_test_scratch`
        databases the service's tests add beside it within MariaDB's 64 characters."""
        return f"tpl_{label.replace('-', '_')[:24]}_{secrets.token_hex(4)}"

    def url(self, database: str, driver: str = "mariadb+asyncmy") -> str:
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
