"""What the template's tests need of a database server: databases of their own, and URLs."""

import secrets
from abc import ABC, abstractmethod
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit


class DatabaseServer(ABC):
    """A server the variants of one database get databases of their own on, reached as its
    administrator at `admin_url`."""

    # The SQLAlchemy driver a service reaches this server with.
    driver: ClassVar[str]

    def __init__(self, admin_url: str) -> None:
        self.admin_url = admin_url

    @abstractmethod
    def ping(self) -> None:
        """Return if the server answers; raise OSError (or TimeoutError) if not."""

    @abstractmethod
    def create_database(self, name: str) -> None: ...

    @abstractmethod
    def drop_databases(self, prefix: str) -> None:
        """Drop every database whose name starts with `prefix`."""

    def unique_name(self, label: str) -> str:
        """A database name no other variant or run uses.

        Short enough that the `_test_scratch` databases the service's tests add beside it still
        fit the servers' limits (63 characters on PostgreSQL, 64 on MariaDB): longer names are
        cut, and could collide.
        """
        return f"tpl_{label.replace('-', '_')[:24]}_{secrets.token_hex(4)}"

    def url(self, database: str, driver: str | None = None) -> str:
        """A SQLAlchemy URL for `database` on this server."""
        parts = urlsplit(self.admin_url)
        return urlunsplit(parts._replace(scheme=driver or self.driver, path=f"/{database}"))

    def service_env(self, label: str) -> tuple[dict[str, str], str]:
        """A new, empty database for a service and the name of its test database beside it.

        Returns the environment to run the service with, and the prefix every database it
        creates shares, for `drop_databases`.
        """
        name = self.unique_name(label)
        self.create_database(name)
        env = {"DATABASE_URL": self.url(name), "TEST_DATABASE_URL": self.url(f"{name}_test")}
        return env, name
