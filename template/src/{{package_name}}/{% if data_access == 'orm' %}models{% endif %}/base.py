"""What every model shares: the declarative base and the creation and last-change times."""

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from ..clock import now_in_utc
from ..columns import UTCDateTime, metadata


class Base(DeclarativeBase):
    """Base of every model; all tables share one metadata."""

    metadata = metadata


class Timestamped:
    """Creation and last-change times, set by the service and defaulted by the database."""

    created_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=now_in_utc, server_default=func.now()
    )
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=now_in_utc, onupdate=now_in_utc, server_default=func.now()
    )

    def apply_changes(self, changes: Mapping[str, Any]) -> None:
        """Set the changed fields; any change, even to the same value, counts as an update."""
        for field, value in changes.items():
            setattr(self, field, value)
        if changes:
            self.updated_at = now_in_utc()
