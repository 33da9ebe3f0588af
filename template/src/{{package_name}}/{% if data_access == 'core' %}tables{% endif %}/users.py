"""The table of users."""

from sqlalchemy import Column, Integer, String, Table

from ..columns import metadata
from ..schemas.users import EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from .timestamps import timestamps

PASSWORD_HASH_MAX_LENGTH = 255

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(NAME_MAX_LENGTH), nullable=False),
    Column("email", String(EMAIL_MAX_LENGTH), nullable=False, unique=True),
    # Argon2 hash of the user's password, with `auth`; null without it, and for users created
    # before it was turned on. Every variant has it, so that every variant has one schema.
    Column("password_hash", String(PASSWORD_HASH_MAX_LENGTH), nullable=True),
    *timestamps(),
)
