"""What a service's owner typically does after `copier copy`: edit, add a module and a test,
write a revision of their own."""

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

# The owner's data migration, on the revision that was the head when they wrote it. Its id
# is of Alembic's kind (`alembic revision` makes one up), not of the template's numbering.
OWNER_REVISION = "c0ffee5eed01"
OWNER_REVISION_FILE = f"migrations/versions/{OWNER_REVISION}_store_emails_in_lower_case.py"


def owner_revision(parent: str) -> str:
    return f'''"""Store emails in lower case, as the sign-up form now does.

Revision ID: {OWNER_REVISION}
Revises: {parent}
Create Date: 2026-12-01 09:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "{OWNER_REVISION}"
down_revision: str | Sequence[str] | None = "{parent}"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE users SET email = lower(email)")


def downgrade() -> None:
    # How each email was spelt before is gone: nothing to undo.
    pass
'''


# The owner's seed data: an account for the support team, and with the default resources a
# note of theirs. Rows every test of the service then finds in its database.
SEED_REVISION = "5eed5eed0001"
SEED_REVISION_FILE = f"migrations/versions/{SEED_REVISION}_support_account.py"
_SEED_USER = """\
    op.execute("INSERT INTO users (name, email) VALUES ('Support', 'support@team.example')")
"""
_SEED_NOTE = """\
    op.execute(
        "INSERT INTO notes (title, description, author_id) "
        "SELECT 'Welcome', 'Ask the support team', id FROM users "
        "WHERE email = 'support@team.example'"
    )
"""
# Foreign keys may be off while migrations run (they are on SQLite): no cascade to count on.
_UNSEED_NOTE = """\
    op.execute(
        "DELETE FROM notes WHERE author_id IN "
        "(SELECT id FROM users WHERE email = 'support@team.example')"
    )
"""
_UNSEED_USER = """\
    op.execute("DELETE FROM users WHERE email = 'support@team.example'")
"""


def seed_revision(parent: str, *, with_note: bool) -> str:
    upgrade = _SEED_USER + (_SEED_NOTE if with_note else "")
    downgrade = (_UNSEED_NOTE if with_note else "") + _UNSEED_USER
    return f'''"""Seed the support team's account.

Revision ID: {SEED_REVISION}
Revises: {parent}
Create Date: 2026-12-01 09:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "{SEED_REVISION}"
down_revision: str | Sequence[str] | None = "{parent}"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
{upgrade}

def downgrade() -> None:
{downgrade}'''


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


# What the owner's change reaches in a service's suite: its own test, and the migrations, where
# its revision is. A service that is otherwise a fresh copy byte for byte runs these only: the
# fresh copy's whole suite runs in test_variants.py.
OWNER_CHANGE_TESTS = ("tests/test_echo.py", "tests/test_migrations.py")


def apply_user_change(project: Path, package: str, revision_parent: str) -> None:
    """Register a new router in the generated main.py, add the router and its test, and a
    data migration on `revision_parent`, the head of the service's revisions."""
    (project / OWNER_REVISION_FILE).write_text(owner_revision(revision_parent))
    package_dir = project / "src" / package
    (package_dir / "routers" / "echo.py").write_text(ECHO_ROUTER)
    (project / "tests" / "test_echo.py").write_text(ECHO_TEST)
    main = package_dir / "main.py"
    _insert_after(main, f"from {package}.routers import (\n", "    echo,\n")
    _insert_after(
        main, "    app.include_router(notes.router)\n", "    app.include_router(echo.router)\n"
    )


def assert_user_change_intact(project: Path, package: str, revision_parent: str) -> None:
    assert (project / OWNER_REVISION_FILE).read_text() == owner_revision(revision_parent)
    package_dir = project / "src" / package
    assert (package_dir / "routers" / "echo.py").read_text() == ECHO_ROUTER
    assert (project / "tests" / "test_echo.py").read_text() == ECHO_TEST
    main = (package_dir / "main.py").read_text()
    assert "    echo,\n" in main
    assert "    app.include_router(echo.router)\n" in main


# The owner's schema change: a column of their own on users, in the model or the table.
_NICKNAME_EDITS = {
    "orm": (
        "models/users.py",
        "    password_hash: Mapped[str | None] = mapped_column(String(PASSWORD_HASH_MAX_LENGTH))\n",
        "    # What the user goes by in the team, if not their name.\n"
        "    nickname: Mapped[str | None] = mapped_column(String(40))\n",
    ),
    "core": (
        "tables/users.py",
        '    Column("password_hash", String(PASSWORD_HASH_MAX_LENGTH), nullable=True),\n',
        "    # What the user goes by in the team, if not their name.\n"
        '    Column("nickname", String(40), nullable=True),\n',
    ),
}


def add_nickname_column(project: Path, package: str, data_access: str) -> Path:
    """Give users a `nickname` column in the model or table; return the file edited."""
    module, anchor, addition = _NICKNAME_EDITS[data_access]
    path = project / "src" / package / module
    _insert_after(path, anchor, addition)
    return path
