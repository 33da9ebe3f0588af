"""Errors the API reports, and the one JSON shape they all take."""

import logging
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException

logger = logging.getLogger(__name__)

# SQLSTATE classes that mean "try again later" rather than "this request is wrong": connection
# exceptions (08), transaction rollbacks such as deadlocks and serialization failures (40),
# insufficient resources (53), operator intervention such as a statement timeout or a shutdown
# (57); and lock_not_available (55P03).
_TRANSIENT_SQLSTATE_CLASSES = {"08", "40", "53", "57"}
_TRANSIENT_SQLSTATES = {"55P03"}


class ErrorDetail(BaseModel):
    code: str
    message: str
    details: list[dict[str, Any]] | None = None


class ErrorResponse(BaseModel):
    """Every 4xx and 5xx response has this body."""

    error: ErrorDetail


class ServiceError(Exception):
    """An error with a status code, a stable machine-readable code and a message."""

    status_code = status.HTTP_500_INTERNAL_SERVER_ERROR
    code = "internal_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    status_code = status.HTTP_404_NOT_FOUND
    code = "not_found"

    def __init__(self, resource: str, resource_id: int) -> None:
        super().__init__(f"{resource} {resource_id} not found")


class EmailTaken(ServiceError):
    status_code = status.HTTP_409_CONFLICT
    code = "email_taken"

    def __init__(self) -> None:
        super().__init__("a user with this email already exists")


class UnknownAuthor(ServiceError):
    status_code = status.HTTP_422_UNPROCESSABLE_CONTENT
    code = "unknown_author"

    def __init__(self, author_id: int) -> None:
        super().__init__(f"author_id {author_id} does not name an existing user")


class DatabaseUnavailable(ServiceError):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    code = "database_unavailable"

    def __init__(self) -> None:
        super().__init__("the database is not reachable; try again later")


def error_responses(*status_codes: int) -> dict[int | str, dict[str, Any]]:
    """Document error statuses in OpenAPI with the shared error body."""
    return {code: {"model": ErrorResponse} for code in status_codes}


def _error(status_code: int, code: str, message: str, details: Any = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorDetail(code=code, message=message, details=details))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status_code)


async def _service_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, ServiceError)
    return _error(error.status_code, error.code, error.message)


async def _http_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, HTTPException)
    # "not_found", "method_not_allowed", "bad_request", ...
    code = HTTPStatus(error.status_code).phrase.lower().replace(" ", "_").replace("-", "_")
    response = _error(error.status_code, code, str(error.detail))
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _validation_error(_: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    # The rejected input is left out: it may be large, or something the client should not echo.
    details = [
        {"loc": list(item["loc"]), "message": item["msg"], "type": item["type"]}
        for item in error.errors()
    ]
    return _error(
        status.HTTP_422_UNPROCESSABLE_CONTENT, "invalid_request", "the request is invalid", details
    )


def _is_transient(error: DBAPIError) -> bool:
    if error.connection_invalidated or isinstance(error, OperationalError | InterfaceError):
        return True
    sqlstate = getattr(error.orig, "sqlstate", None) or ""
    return sqlstate[:2] in _TRANSIENT_SQLSTATE_CLASSES or sqlstate in _TRANSIENT_SQLSTATES


async def _database_unavailable(_: Request, error: Exception) -> JSONResponse:
    logger.warning("database unavailable: %r", error)
    unavailable = DatabaseUnavailable()
    return _error(unavailable.status_code, unavailable.code, unavailable.message)


async def _database_error(request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, DBAPIError)
    if _is_transient(error):
        return await _database_unavailable(request, error)
    logger.error("database error", exc_info=error)
    return _internal_error()


async def _unexpected_error(_: Request, error: Exception) -> JSONResponse:
    # The server logs the traceback: Starlette re-raises the error after this response.
    return _internal_error()


def _internal_error() -> JSONResponse:
    return _error(status.HTTP_500_INTERNAL_SERVER_ERROR, "internal_error", "internal server error")


def install_error_handlers(app: FastAPI) -> None:
    """Render every error, expected or not, as an `ErrorResponse`."""
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(DBAPIError, _database_error)
    # No free pooled connection, or no connection at all (refused, unresolvable, timed out):
    # the database is the only service this application connects to.
    for unavailable in (PoolTimeoutError, OSError, TimeoutError):
        app.add_exception_handler(unavailable, _database_unavailable)
    app.add_exception_handler(Exception, _unexpected_error)
