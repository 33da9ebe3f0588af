"""The creation and last-change times every table has."""

from datetime import datetime

from sqlalchemy import Column, func

from ..clock import now_in_utc
from ..columns import UTCDateTime


def timestamps() -> tuple[Column[datetime], Column[datetime]]:
    """Creation and last-change times, set by the service and defaulted by the database."""
    return (
        Column(
            "created_at",
            UTCDateTime(),
            nullable=False,
            default=now_in_utc,
            server_default=func.now(),
        ),
        Column(
            "updated_at",
            UTCDateTime(),
            nullable=False,
            default=now_in_utc,
            onupdate=now_in_utc,
            server_default=func.now(),
        ),
    )
