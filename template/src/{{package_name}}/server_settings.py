"""How the launcher (`serve.py`) runs the service: its address, its worker processes, its stop."""

from pydantic import Field
from pydantic_settings import BaseSettings


class ServerSettings(BaseSettings):
    """The launcher's settings, part of the service's settings."""

    # Address to listen on: 0.0.0.0 for every interface, as in a container.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    # Worker processes, each with its own event loop and database pool: one per CPU core.
    web_concurrency: int = Field(default=1, ge=1)
    # On SIGTERM, how long each worker reports not ready (`/health/ready` 503) while it goes on
    # serving: long enough for load balancers' health checks to take it out of rotation.
    shutdown_drain_seconds: float = Field(default=5.0, ge=0)
    # Then, how long it gives the requests in flight to finish before it cancels them.
    shutdown_timeout_seconds: int = Field(default=10, ge=1)
