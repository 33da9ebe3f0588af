"""The owner's own Alembic revisions through `copier update`, on a database with rows: one head
after the update, the owner's revisions as they wrote them, every row kept."""

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.harness import TEMPLATE_ROOT, Service, assert_suite_passed, command_env
from tests.releases import OWN_SCHEMA_SINCE, ReleaseClone, git
from tests.revisions import OwnerDatabase, heads, merge_revisions
from tests.updates import CONFLICT_START, commit, copy, files_with_conflicts, update
from tests.user_changes import (
    OWNER_REVISION,
    OWNER_REVISION_FILE,
    add_nickname_column,
    owner_revision,
)
from tests.variants import PACKAGE_NAME, Variant

_SEED = (
    "INSERT INTO users (name, email) VALUES ('Ada', 'Ada@Example.com'), "
    "('Grace', 'grace@example.com')",
    "INSERT INTO notes (title, description, author_id) VALUES "
    "('  Engines  ', 'on the analytical engine', 1), ('Compilers', 'A-0', 2)",
)
_USERS = "SELECT id, name, email FROM users ORDER BY id"
_NOTES = "SELECT id, title, description, author_id FROM notes ORDER BY id"

# What a later release of the template adds: a revision of its own on its previous head, which
# is 0003 in services made before 0.15.0 and their own 0001 since (copier.yml's template_head).
_TEMPLATE_REVISION_FILE = "template/migrations/versions/0004_note_titles_trimmed.py.jinja"
_TEMPLATE_REVISION = '''"""Trim the spaces around note titles.

Revision ID: 0004
Revises: {{ template_head }}
Create Date: 2026-12-01 00:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "{{ template_head }}"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("UPDATE notes SET title = trim(title)")


def downgrade() -> None:
    pass
'''


def _service_with_rows(
    template: Path, tag: str, tmp_path: Path, variant: Variant, env: dict[str, str]
) -> tuple[Service, OwnerDatabase]:
    """A service copied from `tag`, its database migrated and holding users and notes."""
    project = copy(template, tag, tmp_path / "service", variant.answers)
    service = Service(f"{variant.id} from {tag}", project, PACKAGE_NAME, env)
    service.sync()
    service.run("alembic", "upgrade", "head")
    database = OwnerDatabase(project, PACKAGE_NAME, env)
    database.execute(*_SEED)
    commit(project, f"Service from {tag}")
    return service, database


def _assert_migrates_to_one_head_keeping(
    service: Service, database: OwnerDatabase, owner_files: dict[Path, str]
) -> list[tuple[object, ...]]:
    """After the update: no conflict, the owner's files as they were, one head, which
    `alembic upgrade head` reaches without losing a row. Returns the notes after it."""
    project = service.path
    assert files_with_conflicts(project) == []
    for path, text in owner_files.items():
        assert path.read_text() == text, path
    assert len(service.run("alembic", "heads").splitlines()) == 1
    users = database.rows(_USERS)

    service.sync()
    service.run("alembic", "upgrade", "head")

    assert database.rows(_USERS) == users
    assert OWNER_REVISION in service.run("alembic", "history")
    (head,) = heads(project)
    assert f"{head} (head)" in service.run("alembic", "current")
    service.run("alembic", "check")
    return database.rows(_NOTES)


@pytest.mark.parametrize(
    "variant", [Variant("sqlite", "orm"), Variant("postgresql", "core")], ids=lambda v: v.id
)
def test_an_update_across_0_6_0_joins_its_revisions_to_the_owners(
    variant: Variant,
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
) -> None:
    """0.6.0 added two revisions on 0001, where a 0.5.0 owner had added their own: the update
    joins them, and the database the owner's revision ran on takes 0.6.0's after it."""
    (release,) = [release for release in release_clone.released if str(release.version) == "0.5.0"]
    service, database = _service_with_rows(
        release_clone.path, release.tag, tmp_path, variant, database_env(variant)
    )
    project = service.path
    (parent,) = heads(project)
    owner_file = project / OWNER_REVISION_FILE
    owner_file.write_text(owner_revision(parent))
    service.run("alembic", "upgrade", "head")
    assert database.rows(_USERS)[0][2] == "ada@example.com"
    notes = database.rows(_NOTES)
    commit(project, "The owner's data migration")

    update(project, release_clone.current.tag)

    (merge,) = merge_revisions(project).values()
    assert OWNER_REVISION in merge
    assert (
        _assert_migrates_to_one_head_keeping(
            service, database, {owner_file: owner_revision(parent)}
        )
        == notes
    )
    assert_suite_passed(service.run("pytest", "-q", "-p", "no:cacheprovider"))


@pytest.mark.parametrize(
    ("variant", "made_from"),
    [(Variant("sqlite", "core"), "current"), (Variant("postgresql", "orm"), "before 0.15.0")],
    ids=["sqlite-core-own-schema", "postgresql-orm-template-history"],
)
def test_a_release_with_a_revision_joins_it_to_the_owners_schema_change(
    variant: Variant,
    made_from: str,
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
) -> None:
    """Every later release that adds a revision: the owner changed the schema (a model edit
    and an autogenerated revision) and wrote a data migration on top; the release's revision
    hangs on the template's previous head. After the update, one head; on the owner's
    database the release's revision runs after theirs; a second update changes nothing.
    Both kinds of service: made by this release (its migrations start with a schema of its
    own) and by the newest release before 0.15.0 (the template's first revisions)."""
    template = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", "--no-local", str(release_clone.path), str(template))
    (template / _TEMPLATE_REVISION_FILE).write_text(_TEMPLATE_REVISION)
    commit(template, "Template adds a revision")
    next_tag = f"v{release_clone.current.version}.post1"
    git(template, "tag", next_tag)

    made_by = (
        release_clone.current
        if made_from == "current"
        # The newest release whose services start from the template's first revisions.
        else next(r for r in release_clone.released if r.version < OWN_SCHEMA_SINCE)
    )
    service, database = _service_with_rows(
        template, made_by.tag, tmp_path, variant, database_env(variant)
    )
    project = service.path
    model = add_nickname_column(project, PACKAGE_NAME, variant.data_access)
    service.run("alembic", "revision", "--autogenerate", "-m", "Give users a nickname")
    (nickname_revision,) = heads(project)
    owner_file = project / OWNER_REVISION_FILE
    owner_file.write_text(owner_revision(nickname_revision))
    service.run("alembic", "upgrade", "head")
    database.execute("UPDATE users SET nickname = 'Countess' WHERE id = 1")
    owner_files = {
        path: path.read_text()
        for path in [model, owner_file, *project.glob(f"migrations/versions/{nickname_revision}_*")]
    }
    assert len(owner_files) == 3
    commit(project, "The owner's schema change and data migration")

    update(project, next_tag)

    assert list(merge_revisions(project).values()) == [tuple(sorted(("0004", OWNER_REVISION)))]
    notes = _assert_migrates_to_one_head_keeping(service, database, owner_files)
    assert [note[1] for note in notes] == ["Engines", "Compilers"]
    assert database.rows("SELECT nickname FROM users ORDER BY id") == [("Countess",), (None,)]
    service.check()
    commit(project, f"Update to {next_tag}")
    update(project, next_tag)
    assert git(project, "status", "--porcelain") == "", "a second update changed files"
    # The owner's next revision, by hand: it starts with what its first line needs, and lints.
    service.run("alembic", "revision", "-m", "Backfill nicknames")
    (written,) = project.glob("migrations/versions/*_backfill_nicknames.py")
    assert "\nimport sqlalchemy as sa\nfrom alembic import op\n" in written.read_text()
    service.run("ruff", "check", "--no-fix", str(written))


def test_revisions_left_in_conflict_are_reported_not_merged(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """The step cannot read revisions that hold conflict markers: it says so and what to run
    once they are resolved, and leaves the update as it is."""
    project = copy(release_clone.path, release_clone.current.tag, tmp_path / "service", {})
    (parent,) = heads(project)
    owner_file = project / OWNER_REVISION_FILE
    owner_file.write_text(f"{CONFLICT_START}\n{owner_revision(parent)}")
    before = sorted(project.glob("migrations/versions/*"))

    result = subprocess.run(
        [sys.executable, str(TEMPLATE_ROOT / "upgrades" / "every_update_one_alembic_head.py"), "9"],
        cwd=project,
        env=command_env(),
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "Alembic heads not checked: `alembic heads` failed: SyntaxError" in result.stderr
    assert "run `uv run alembic heads`; if it lists more than one, `uv run alembic merge heads" in (
        result.stderr
    )
    assert sorted(project.glob("migrations/versions/*")) == before
