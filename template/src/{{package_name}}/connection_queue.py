"""Requests wait for a database connection in the order they arrive."""

import asyncio
from types import TracebackType


class ConnectionQueue:
    """Lets at most `connections` requests hold a pooled connection; the rest queue, in order.

    SQLAlchemy's pool hands a connection that comes back to whichever request asks next, even
    one that has just arrived, while a request that was already waiting goes back to the end of
    the line. Under load a few requests then wait many times longer than the rest. Waiting
    here instead, first come first served, keeps every request's wait about the same.
    """

    def __init__(self, connections: int, timeout_seconds: float) -> None:
        self._slots = asyncio.Semaphore(connections)
        self._timeout_seconds = timeout_seconds

    async def __aenter__(self) -> None:
        # A wait past the timeout raises TimeoutError, which the service answers with a 503.
        async with asyncio.timeout(self._timeout_seconds):
            await self._slots.acquire()

    async def __aexit__(
        self,
        error_type: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._slots.release()
