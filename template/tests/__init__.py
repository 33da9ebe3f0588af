"""The service's own tests."""
