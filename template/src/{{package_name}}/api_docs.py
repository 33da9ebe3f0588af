"""The API's documentation pages, Swagger UI at `/docs` and ReDoc at `/redoc`, with their scripts
and styles served by the service: they work without internet access, behind a proxy or a strict
Content-Security-Policy, and no CDN's script runs on the service's origin.

The files are those the fastapi-offline distribution ships; the pages are FastAPI's own.
"""

import secrets

from fastapi import FastAPI, Request
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

# Only the service's origin. Swagger UI and ReDoc style their elements inline as they render
# them (React style attributes, styled-components), which no nonce can cover; a style cannot
# run code. Their icons are data: URLs, and ReDoc builds its search worker from a blob:.
_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; worker-src blob:; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def install_api_docs(app: FastAPI) -> None:
    """Serve the pages and their files; `app` must be made with `docs_url=None` and
    `redoc_url=None`, else FastAPI's own pages, which load theirs from a CDN, answer first."""
    app.mount(
        "/docs/assets",
        StaticFiles(packages=[("fastapi_offline", "static")]),
        name="api_docs_assets",
    )

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui(request: Request) -> HTMLResponse:
        return _with_policy(
            get_swagger_ui_html(
                openapi_url=request.url_for("openapi").path,
                title=f"{app.title} - Swagger UI",
                swagger_js_url=_asset(request, "swagger-ui-bundle.js"),
                swagger_css_url=_asset(request, "swagger-ui.css"),
                swagger_favicon_url=_asset(request, "favicon.png"),
                oauth2_redirect_url=request.url_for("swagger_ui_oauth2_redirect").path,
            )
        )

    # Where Swagger UI's Authorize sends the browser back in the OAuth2 flows that redirect.
    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return _with_policy(get_swagger_ui_oauth2_redirect_html())

    @app.get("/redoc", include_in_schema=False)
    async def redoc(request: Request) -> HTMLResponse:
        return _with_policy(
            get_redoc_html(
                openapi_url=request.url_for("openapi").path,
                title=f"{app.title} - ReDoc",
                redoc_js_url=_asset(request, "redoc.standalone.js"),
                redoc_favicon_url=_asset(request, "favicon.png"),
                with_google_fonts=False,
            )
        )


def _asset(request: Request, name: str) -> str:
    # A path, not a URL: the page asks the host and scheme it was served from.
    return request.url_for("api_docs_assets", path=name).path


def _with_policy(page: HTMLResponse) -> HTMLResponse:
    """The page with its inline scripts allowed by a nonce of its own, and nothing else's."""
    nonce = secrets.token_urlsafe(16)
    body = bytes(page.body).replace(b"<script>", f'<script nonce="{nonce}">'.encode())
    return HTMLResponse(body, headers={"Content-Security-Policy": _POLICY.format(nonce=nonce)})
