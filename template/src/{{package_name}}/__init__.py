"""The service package; `main.create_app` builds the ASGI application."""
