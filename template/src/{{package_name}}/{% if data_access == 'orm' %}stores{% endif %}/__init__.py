"""Data access through the ORM: a store per resource, each in its own module."""
