"""The service's one clock: every timestamp it writes is timezone-aware, in UTC."""

from datetime import UTC, datetime


def now_in_utc() -> datetime:
    """Return the current time, timezone-aware, in UTC."""
    return datetime.now(UTC)
