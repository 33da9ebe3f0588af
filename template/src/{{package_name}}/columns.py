"""What every table shares: the metadata, the range of ids and a timezone-aware timestamp type.

Each resource's own column sizes are set by its schemas, which the API enforces.
"""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, Dialect, MetaData, Numeric
from sqlalchemy.types import TypeDecorator, TypeEngine

# Stable constraint names on every database, so migrations can refer to them by name.
metadata = MetaData(
    naming_convention={
        "ix": "ix_%(column_0_label)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# Integers, ids included, are 32 bits in every table; a larger number can never name a row.
MIN_INTEGER = -(2**31)
MAX_INTEGER = 2**31 - 1
MAX_ID = MAX_INTEGER


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass a timezone-aware one")
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        # PostgreSQL's driver reads timezone-aware values already: no call per row and column.
        if dialect.name == "postgresql":
            return None
        return super().result_processor(dialect, coltype)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        # SQLite and MariaDB keep no offset; the value was written in UTC.
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class ExactDecimal(TypeDecorator[Decimal]):
    """A decimal of `digits` digits, `places` after the point, read back exactly everywhere.

    SQLite keeps decimals as binary floating point, which holds 15 significant digits exactly:
    the schemas allow no more, and each value read is brought back to its places.
    """

    impl = Numeric
    cache_ok = True

    def __init__(self, digits: int, places: int) -> None:
        super().__init__(digits, places)
        # Named as the arguments are: SQLAlchemy builds the type's cache key from them.
        self.digits = digits
        self.places = places
        self._quantum = Decimal(1).scaleb(-places)

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.supports_native_decimal:
            return self.impl_instance
        # Read as the float SQLite holds, and made a decimal here, without SQLAlchemy's warning.
        return dialect.type_descriptor(Numeric(self.digits, self.places, asdecimal=False))

    def process_result_value(self, value: object, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        exact = value if isinstance(value, Decimal) else Decimal(repr(value))
        return exact.quantize(self._quantum)
