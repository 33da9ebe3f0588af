"""FastAPI glue: what requests get from the running application; the only reader of `app.state`."""

from typing import Annotated

from fastapi import Depends, FastAPI, Request

from .database import Database
from .settings import Settings


def provide(app: FastAPI, settings: Settings, database: Database) -> None:
    """Hand `settings` and `database` to the application's requests (done at start-up)."""
    app.state.settings = settings
    app.state.database = database


def database_of(app: FastAPI) -> Database:
    database: Database = app.state.database
    return database


def settings_of(app: FastAPI) -> Settings:
    settings: Settings = app.state.settings
    return settings


# Async, although they await nothing: FastAPI would run plain functions in a worker thread.
async def get_database(request: Request) -> Database:
    return database_of(request.app)


async def get_settings(request: Request) -> Settings:
    return settings_of(request.app)


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
