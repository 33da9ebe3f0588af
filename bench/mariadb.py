"""The benchmark's MariaDB side: its databases, its seed rows and what it counts on the server.

The apps connect as a user of their own, `bench`, so that the connections they open can be
counted apart from everybody else's (the server's user statistics count per user; a test suite
may be using the same server as root meanwhile).
"""

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import asyncmy

BENCH_USER = "bench"


class MariaDB:
    """The server at `admin_url` (`mariadb://root@host:port`), reached as its administrator."""

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    def url(self, database: str, scheme: str = "mariadb+asyncmy") -> str:
        """How an app reaches `database`: as the benchmark's user, with `scheme`."""
        parts = urlsplit(self.admin_url)
        netloc = f"{BENCH_USER}@{parts.hostname}:{parts.port or 3306}"
        return urlunsplit((scheme, netloc, f"/{database}", "", ""))

    def dsn(self, database: str) -> str:
        return self.url(database, scheme="mysql")

    @asynccontextmanager
    async def _cursor(self, database: str | None = None) -> AsyncIterator[Any]:
        parts = urlsplit(self.admin_url)
        connection = await asyncmy.connect(
            host=parts.hostname or "127.0.0.1",
            port=parts.port or 3306,
            user=parts.username or "root",
            password=parts.password or "",
            database=database,
            autocommit=True,
            init_command="SET time_zone = '+00:00'",
        )
        try:
            async with connection.cursor() as cursor:
                yield cursor
        finally:
            connection.close()

    def execute(self, database: str | None, *statements: str) -> list[tuple[Any, ...]]:
        """Run `statements` in order; the rows the last one returns."""

        async def run() -> list[tuple[Any, ...]]:
            async with self._cursor(database) as cursor:
                for statement in statements:
                    await cursor.execute(statement)
                return list(await cursor.fetchall())

        return asyncio.run(run())

    def recreate(self, database: str) -> None:
        """An empty `database`, compared as the rendered service creates its own, that the
        benchmark's user may use; the server counting connections per user."""
        if not self.execute(None, f"SELECT 1 FROM mysql.user WHERE User = '{BENCH_USER}'"):
            self.execute(None, f"CREATE USER '{BENCH_USER}'@'%'")
        self.execute(
            None,
            f"DROP DATABASE IF EXISTS `{database}`",
            f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin",
            f"GRANT ALL ON `{database}`.* TO '{BENCH_USER}'@'%'",
            "SET GLOBAL userstat = ON",
        )

    def seed_notes(self, database: str, users: int, notes: int) -> None:
        """`users` users and `notes` notes, as the PostgreSQL databases are seeded."""
        self.execute(
            database,
            "INSERT INTO users (name, email, created_at, updated_at) "
            "SELECT CONCAT('User ', seq), CONCAT('user', seq, '@example.com'), "
            f"UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_1_to_{users}",
            "INSERT INTO notes (title, description, author_id, created_at, updated_at) "
            "SELECT CONCAT('Note ', seq), CONCAT('Seeded note number ', seq), "
            f"1 + seq % {users}, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) FROM seq_1_to_{notes}",
            "ANALYZE TABLE users, notes",
        )

    def delete_after(self, database: str, table: str, seeded: int) -> None:
        self.execute(database, f"DELETE FROM `{table}` WHERE id > {seeded}")

    def connections_opened(self) -> int:
        """Connections the benchmark's user has ever opened, by the server's user statistics."""
        rows = self.execute(
            None,
            "SELECT TOTAL_CONNECTIONS FROM information_schema.USER_STATISTICS "
            f"WHERE USER = '{BENCH_USER}'",
        )
        return int(rows[0][0]) if rows else 0

    def active_queries(self) -> int:
        """Statements the benchmark's user has running now."""
        rows = self.execute(
            None,
            "SELECT COUNT(*) FROM information_schema.PROCESSLIST "
            f"WHERE USER = '{BENCH_USER}' AND COMMAND = 'Query'",
        )
        return int(rows[0][0])

    def search_costs(
        self, database: str, searches: list[tuple[str, str]], runs: int
    ) -> list[tuple[str, str, float, int]]:
        """What each way to search `database`'s notes costs, statement by statement.

        The service's substring match (a scan: no index serves `LIKE '%...%'`) against a
        FULLTEXT index, which answers from the index but matches whole words only. Returns
        (way, search, median milliseconds per statement, notes matched) for each pair.
        """
        self.execute(
            database,
            "ALTER TABLE notes ADD FULLTEXT INDEX IF NOT EXISTS ft_notes_text (title, description)",
        )
        ways = {
            "LIKE '%...%' (the service)": (
                "SELECT COUNT(*) FROM (SELECT id FROM notes WHERE lower(title) LIKE '%{q}%' "
                "OR lower(description) LIKE '%{q}%' ORDER BY id LIMIT 51) AS page"
            ),
            "FULLTEXT, whole words": (
                "SELECT COUNT(*) FROM (SELECT id FROM notes WHERE MATCH (title, description) "
                "AGAINST ('\"{q}\"' IN BOOLEAN MODE) ORDER BY id LIMIT 51) AS page"
            ),
        }

        async def measure() -> list[tuple[str, str, float, int]]:
            results = []
            async with self._cursor(database) as cursor:
                for way, template in ways.items():
                    for label, words in searches:
                        timings = []
                        for _ in range(runs):
                            started = time.perf_counter()
                            await cursor.execute(template.format(q=words))
                            ((matched,),) = await cursor.fetchall()
                            timings.append((time.perf_counter() - started) * 1000)
                        results.append((way, label, sorted(timings)[runs // 2], int(matched)))
            return results

        results = asyncio.run(measure())
        self.execute(database, "ALTER TABLE notes DROP INDEX ft_notes_text")
        return results
