"""Requests wait for a database connection in the order they arrive, and for a bounded time."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class ConnectionQueue:
    """Lets at most `connections` requests hold a pooled connection; the rest queue, in order.

    SQLAlchemy's pool hands a connection that comes back to whichever request asks next, even
    one that has just arrived, while a request that was already waiting goes back to the end of
    the line. Under load a few requests then wait many times longer than the rest. Waiting
    here instead, first come first served, keeps every request's wait about the same.
    """

    def __init__(self, connections: int, timeout_seconds: float, request_seconds: float) -> None:
        self._slots = asyncio.Semaphore(connections)
        self._timeout_seconds = timeout_seconds
        self._request_seconds = request_seconds

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Hold a slot for one unit of work: wait for it up to `timeout_seconds`, and keep it
        until `request_seconds` after the wait began at the most.

        Either deadline passing raises TimeoutError, which the service answers with a 503. Past
        the second, the unit's statement, or its connecting, is cancelled where it stands;
        SQLAlchemy then invalidates the connection, and the engine drops it at once.
        """
        started = asyncio.get_running_loop().time()
        waiting_seconds = min(self._timeout_seconds, self._request_seconds)
        holding = False
        # One timer for the whole unit: moved on, not replaced, once the slot is ours.
        deadline = asyncio.timeout(waiting_seconds)
        try:
            async with deadline:
                await self._slots.acquire()
                holding = True
                deadline.reschedule(started + self._request_seconds)
                try:
                    yield
                finally:
                    self._slots.release()
        except TimeoutError as error:
            if not deadline.expired():
                raise  # The unit's own, a driver's deadline say: not this queue's.
            if holding:
                passed = f"the request's database deadline ({self._request_seconds:g} s) passed"
            else:
                passed = f"no connection was free within {waiting_seconds:g} s"
            raise TimeoutError(passed) from error
