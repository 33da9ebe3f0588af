"""Liveness and readiness probes."""

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from ..dependencies import DatabaseDep, SettingsDep
from ..draining import draining
from ..errors import DatabaseUnavailable, ShuttingDown, error_responses

# Pings that readiness gave up on, kept until they end: a hung database can hold up the
# cleanup of their connections too (SQLAlchemy gives a closing connection a few seconds).
_abandoned: set[asyncio.Task[None]] = set()


@asynccontextmanager
async def _finish_abandoned_pings(_: FastAPI) -> AsyncIterator[None]:
    yield
    # They hold pooled connections: let them end before the engine is disposed.
    await asyncio.gather(*_abandoned, return_exceptions=True)


class Health(BaseModel):
    status: str


router = APIRouter(prefix="/health", tags=["health"], lifespan=_finish_abandoned_pings)


@router.get("/live")
async def live() -> Health:
    """Answer while the process serves requests."""
    return Health(status="ok")


@router.get("/ready", responses=error_responses(503))
async def ready(database: DatabaseDep, settings: SettingsDep) -> Health:
    """Answer 200 when the database answers within the readiness timeout, 503 when not, and 503
    while the process drains before it stops."""
    if draining():
        raise ShuttingDown
    ping = asyncio.create_task(database.ping())
    done, _ = await asyncio.wait({ping}, timeout=settings.readiness_timeout_seconds)
    if not done:
        # The probe answers now; the cancelled ping ends in the background.
        ping.cancel()
        _abandoned.add(ping)
        ping.add_done_callback(_abandoned.discard)
        raise DatabaseUnavailable
    try:
        ping.result()
    except (SQLAlchemyError, OSError, TimeoutError) as error:
        raise DatabaseUnavailable from error
    return Health(status="ok")
