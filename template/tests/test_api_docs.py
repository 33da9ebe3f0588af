"""The API docs load everything they need from the service, under a policy that allows nothing
else."""

import re
from html.parser import HTMLParser

import pytest
from httpx import AsyncClient

# What each kind of file a page refers to must be served as.
_CONTENT_TYPES = {"script": "javascript", "stylesheet": "text/css", "icon": "image/png"}


class _Page(HTMLParser):
    """The files a page refers to, by kind, and the nonces of its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.files: list[tuple[str, str]] = []
        self.inline_script_nonces: list[str | None] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag == "script" and attributes.get("src"):
            self.files.append(("script", str(attributes["src"])))
        elif tag == "script":
            self.inline_script_nonces.append(attributes.get("nonce"))
        elif tag == "link" and attributes.get("rel") in {"stylesheet", "shortcut icon"}:
            kind = "stylesheet" if attributes["rel"] == "stylesheet" else "icon"
            self.files.append((kind, str(attributes["href"])))


@pytest.mark.parametrize(
    ("path", "kinds"),
    [
        ("/docs", {"script", "stylesheet", "icon"}),
        ("/redoc", {"script", "icon"}),
        ("/docs/oauth2-redirect", set()),
    ],
)
async def test_a_docs_page_loads_only_what_the_service_serves(
    client: AsyncClient, path: str, kinds: set[str]
) -> None:
    response = await client.get(path)

    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert "default-src 'self';" in policy
    nonce = re.search(r"script-src 'self' 'nonce-([^']+)';", policy)
    assert nonce is not None, policy
    assert "http:" not in response.text
    assert "https:" not in response.text
    page = _Page()
    page.feed(response.text)
    assert page.inline_script_nonces == [nonce[1]] * len(page.inline_script_nonces)
    assert {kind for kind, _ in page.files} == kinds
    for kind, url in page.files:
        served = await client.get(url)
        assert served.status_code == 200, url
        assert _CONTENT_TYPES[kind] in served.headers["content-type"], url


async def test_each_page_has_a_nonce_of_its_own(client: AsyncClient) -> None:
    first, second = [await client.get("/docs") for _ in range(2)]

    policies = {page.headers["content-security-policy"] for page in (first, second)}
    assert len(policies) == 2
