"""Bounds on the work one request can make the service do."""

from pydantic import Field
from pydantic_settings import BaseSettings


class RequestLimits(BaseSettings):
    """The request limits, part of the service's settings."""

    # Largest request body, in bytes; a larger one is refused with a 413 before it is parsed.
    # The API's own bodies take a few KiB at most.
    max_request_body_bytes: int = Field(default=65_536, ge=1)
