"""The ORM model of users."""

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from ..schemas.users import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from .base import Base, Timestamped

PASSWORD_HASH_MAX_LENGTH = 255


class User(Timestamped, Base):
    """A person who writes notes."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX_LENGTH))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX_LENGTH), unique=True)
    # Argon2 hash of the user's password, with `auth`; null without it, and for users created
    # before it was turned on. Every variant has it, so that every variant has one schema.
    password_hash: Mapped[str | None] = mapped_column(String(PASSWORD_HASH_MAX_LENGTH))
