"""Data access through SQLAlchemy Core: a store per resource, each in its own module."""
