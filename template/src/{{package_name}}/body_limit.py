"""Refuse request bodies larger than the settings allow, before anything parses them."""

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .dependencies import settings_of


class BodyLimitMiddleware:
    """Counts the body's bytes as the application reads them, and stops at the limit.

    Starlette's own body limit answers in plain text; this one raises, so the service's error
    handlers answer with a 413 in the one error shape. A body no route reads costs nothing.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            limit = settings_of(scope["app"]).max_request_body_bytes
            if received > limit:
                raise HTTPException(413, f"the request body is larger than {limit} bytes")
            return message

        await self.app(scope, receive_within_limit, send)
