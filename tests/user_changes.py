"""What a service's owner typically does after `copier copy`: edit, add a module and a test."""

from pathlib import Path

ECHO_ROUTER = '''"""Echo a word back: a route the service's owner added."""

from fastapi import APIRouter

router = APIRouter(prefix="/echo", tags=["echo"])


@router.get("/{word}")
async def echo(word: str) -> dict[str, str]:
    """Return the word."""
    return {"word": word}
'''

ECHO_TEST = """from httpx import AsyncClient


async def test_echo_returns_the_word(client: AsyncClient) -> None:
    response = await client.get("/echo/hello")

    assert response.status_code == 200
    assert response.json() == {"word": "hello"}
"""

# The owner's local settings (not in git, not managed by Copier) as written before 0.2.0, and
# as the update's migration to 0.2.0 leaves them; later releases keep them as they are.
LOCAL_ENV_BEFORE_0_2 = "# my settings\nDATABASE_STATEMENT_TIMEOUT=7\nexport READINESS_TIMEOUT = 3\n"
LOCAL_ENV = (
    "# my settings\nDATABASE_STATEMENT_TIMEOUT_SECONDS=7\nexport READINESS_TIMEOUT_SECONDS = 3\n"
)


def _insert_after(path: Path, anchor: str, addition: str) -> None:
    text = path.read_text()
    assert anchor in text, f"the scripted user edit needs {anchor!r} in {path}"
    path.write_text(text.replace(anchor, anchor + addition, 1))


def apply_user_change(project: Path, package: str) -> None:
    """Register a new router in the generated main.py, and add the router and its test."""
    package_dir = project / "src" / package
    (package_dir / "routers" / "echo.py").write_text(ECHO_ROUTER)
    (project / "tests" / "test_echo.py").write_text(ECHO_TEST)
    main = package_dir / "main.py"
    _insert_after(main, f"from {package}.routers import (\n", "    echo,\n")
    _insert_after(
        main, "    app.include_router(notes.router)\n", "    app.include_router(echo.router)\n"
    )


def assert_user_change_intact(project: Path, package: str) -> None:
    package_dir = project / "src" / package
    assert (package_dir / "routers" / "echo.py").read_text() == ECHO_ROUTER
    assert (project / "tests" / "test_echo.py").read_text() == ECHO_TEST
    main = (package_dir / "main.py").read_text()
    assert "    echo,\n" in main
    assert "    app.include_router(echo.router)\n" in main
