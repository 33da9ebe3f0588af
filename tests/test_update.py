"""`copier update`: from the previous release, with changed answers, with conflicts, twice."""

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import LIBRARY_BEFORE_LISTS, NOTES, TEMPLATE_ROOT, Service
from tests.releases import (
    OWN_SCHEMA_SINCE,
    Release,
    ReleaseClone,
    git,
    read_changelog,
    release_commit,
)
from tests.revisions import OwnerDatabase, heads, merge_revisions
from tests.updates import (
    CONFLICT_END,
    CONFLICT_START,
    commit,
    copy,
    edit_and_commit,
    files_with_conflicts,
    snapshot,
    take_the_update,
    update,
)
from tests.user_changes import (
    LOCAL_ENV,
    LOCAL_ENV_BEFORE_0_2,
    OWNER_CHANGE_TESTS,
    OWNER_REVISION_FILE,
    apply_user_change,
    assert_user_change_intact,
    owner_revision,
)
from tests.variants import BASE_VARIANTS, PACKAGE_NAME, Variant

# The revision that creates a service's schema, made from 0.15.0 on.
_OWN_SCHEMA_REVISION = "migrations/versions/0001_schema.py"


def _fresh_copy_with_user_change(
    clone: ReleaseClone, destination: Path, answers: dict[str, Any], revision_parent: str
) -> tuple[dict[str, bytes], list[str]]:
    """A fresh copy of the current release with the owner's work, and its revisions' heads:
    two if the owner's revision hangs below one the current release has."""
    fresh = copy(clone.path, clone.current.tag, destination, answers)
    apply_user_change(fresh, PACKAGE_NAME, revision_parent)
    git(fresh, "init", "--quiet")
    return snapshot(fresh), heads(fresh)


def _assert_equal_to_fresh_copy_and_one_head(
    project: Path,
    fresh: dict[str, bytes],
    fresh_heads: list[str],
    kept: dict[str, bytes] | None = None,
) -> None:
    """`project` is the fresh copy, but for the revision that joins the heads the fresh copy
    has (none when it has one, and one that merges exactly them when it has two) and for the
    files in `kept`, which the update left as they were."""
    merges = merge_revisions(project)
    expected = [tuple(fresh_heads)] if len(fresh_heads) > 1 else []
    assert list(merges.values()) == expected
    files = snapshot(project)
    for path in merges:
        del files[path]
    fresh = dict(fresh)
    for path, content in (kept or {}).items():
        assert files.pop(path) == content, f"the update changed {path}"
        fresh.pop(path)
    assert files == fresh
    assert len(heads(project)) == 1


def _update_owners_service(
    clone: ReleaseClone, release: Release, tmp_path: Path, answers: dict[str, Any], env: str
) -> Path:
    """A service from `release` with the owner's work and `.env`, updated to the working tree:
    without conflicts, the owner's work intact, and otherwise equal to a fresh copy."""
    project = copy(clone.path, release.tag, tmp_path / "service", answers)
    (project / ".env").write_text(env)
    commit(project, f"Service from {release.tag}")
    (parent,) = heads(project)
    apply_user_change(project, PACKAGE_NAME, parent)
    commit(project, "The owner's work")
    # A service's own first revision, which its databases applied: an update never rewrites
    # it, though a fresh copy of this release may write it otherwise.
    own_schema = project / _OWN_SCHEMA_REVISION
    kept = {_OWN_SCHEMA_REVISION: own_schema.read_bytes()} if own_schema.is_file() else {}

    update(project, clone.current.tag)

    assert files_with_conflicts(project) == []
    assert_user_change_intact(project, PACKAGE_NAME, parent)
    # A service made before 0.15.0 keeps the template's first revisions, and records so.
    start = "template_history" if release.version < OWN_SCHEMA_SINCE else "own_schema"
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert recorded["migrations_start"] == start
    answers = {**answers, "migrations_start": start}
    fresh, fresh_heads = _fresh_copy_with_user_change(clone, tmp_path / "fresh", answers, parent)
    _assert_equal_to_fresh_copy_and_one_head(project, fresh, fresh_heads, kept)
    return project


def _previous_release_offers(database: str) -> bool:
    """Whether the release before this one can render `database` (MariaDB came in 0.13.0)."""
    previous = read_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())[1]
    commit = release_commit(TEMPLATE_ROOT, previous.version)
    copier_yml = git(TEMPLATE_ROOT, "show", f"{commit}:copier.yml")
    return re.search(rf": {database}$", copier_yml, re.MULTILINE) is not None


@pytest.mark.parametrize(
    "variant",
    [variant for variant in BASE_VARIANTS if _previous_release_offers(variant.database)],
    ids=lambda variant: variant.id,
)
def test_update_from_previous_release_keeps_the_owners_work(
    variant: Variant,
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
) -> None:
    project = _update_owners_service(
        release_clone, release_clone.previous, tmp_path, variant.answers, LOCAL_ENV
    )

    assert f"commit: {release_clone.current.tag}\n" in (project / ".copier-answers.yml").read_text()
    assert (project / ".env").read_text() == LOCAL_ENV

    commit(project, f"Update to {release_clone.current.tag}")
    update(project, release_clone.current.tag)
    assert git(project, "status", "--porcelain") == "", "a second update changed files"

    service = Service(f"{variant.id} (updated)", project, PACKAGE_NAME, database_env(variant))
    service.sync()
    service.check(*OWNER_CHANGE_TESTS)


def test_update_from_the_oldest_release_runs_every_migration_between(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """An update that skips releases runs each `_migrations` step it crosses (v0.2.0: `.env`)."""
    oldest = release_clone.released[-1]
    assert oldest != release_clone.previous, "the update test from the previous release covers it"
    answers = Variant("sqlite", "orm").answers
    project = _update_owners_service(release_clone, oldest, tmp_path, answers, LOCAL_ENV_BEFORE_0_2)

    assert (project / ".env").read_text() == LOCAL_ENV


def test_changing_answers_rerenders_the_service(
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
) -> None:
    answers = Variant("sqlite", "orm").answers
    project = copy(release_clone.path, release_clone.current.tag, tmp_path / "service", answers)
    commit(project, "Service")
    (parent,) = heads(project)
    apply_user_change(project, PACKAGE_NAME, parent)
    commit(project, "The owner's work")

    changes: list[dict[str, str]] = [
        {"database": "mariadb"},
        {"data_access": "core"},
        {"database": "postgresql"},
        {"database": "mariadb", "data_access": "orm"},
    ]
    for step, change in enumerate(changes):
        answers.update(change)
        update(project, release_clone.current.tag, data=change)

        assert files_with_conflicts(project) == [], change
        assert_user_change_intact(project, PACKAGE_NAME, parent)
        fresh, _ = _fresh_copy_with_user_change(
            release_clone, tmp_path / f"fresh-{step}", answers, parent
        )
        assert snapshot(project) == fresh, change
        variant = Variant(answers["database"], answers["data_access"])
        service = Service(f"answers changed to {variant.id}", project, PACKAGE_NAME)
        service.env.update(database_env(variant))
        service.sync()
        service.check(*OWNER_CHANGE_TESTS)
        commit(project, f"Change {change}")


def test_turning_auth_jobs_and_webhooks_on_later_migrates_a_database_already_in_use(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """The chain of migrations is one for every answer: a database migrated by a service of
    the previous release without `auth`, `jobs` or `webhooks` takes the current release's
    migrations, all on; the outbox's and the webhooks' tables come with a revision the update
    writes, and go with another when `jobs` and `webhooks` are turned off again."""
    answers = Variant("sqlite", "orm").answers
    project = copy(release_clone.path, release_clone.previous.tag, tmp_path / "service", answers)
    service = Service("auth, jobs and webhooks turned on later", project, PACKAGE_NAME)
    service.sync()
    service.run("alembic", "upgrade", "head")
    applied_before = service.run("alembic", "current")
    commit(project, "Service, its database migrated")

    update(project, release_clone.current.tag, data={"features": ["auth", "jobs", "webhooks"]})
    service.sync()
    service.run("alembic", "upgrade", "head")

    service.run("alembic", "check")
    (head,) = service.run("alembic", "heads").split()[:1]
    assert f"{head} (head)" in service.run("alembic", "current")
    # What the old service applied lies below the new head, on its one line of revisions.
    assert applied_before.split()[0] in service.run("alembic", "history")
    (created,) = (project / "migrations" / "versions").glob(
        "*_create_outbox_jobs_create_webhooks.py"
    )
    service.check("tests/test_jobs.py", "tests/test_webhooks.py")
    commit(project, "Update, auth, jobs and webhooks on")

    update(project, release_clone.current.tag, data={"features": ["auth"]})
    service.sync()
    service.run("alembic", "upgrade", "head")

    service.run("alembic", "check")
    versions = project / "migrations" / "versions"
    assert len(list(versions.glob("*_drop_outbox_jobs_drop_webhooks.py"))) == 1
    assert not (project / "src" / PACKAGE_NAME / "outbox.py").exists()
    assert not (project / "src" / PACKAGE_NAME / "webhooks.py").exists()
    service.run("alembic", "downgrade", created.name.split("_")[0])
    service.run("alembic", "upgrade", "head")


def test_conflicting_edits_are_marked_and_refused_by_pre_commit(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    git(tmp_path, "clone", "--quiet", "--no-local", str(release_clone.path), str(template))
    project = copy(template, release_clone.current.tag, tmp_path / "service", {})
    commit(project, "Service")
    readme = project / "README.md"
    readme.write_text(readme.read_text().replace("# My Service\n", "# My Service, by us\n", 1))
    commit(project, "The owner's title")
    readme_template = template / "template" / "README.md.jinja"
    readme_template.write_text(
        readme_template.read_text().replace("# {{ project_name }}\n", "# The {{ project_name }}\n")
    )
    commit(template, "Template changes the title")
    next_tag = f"v{release_clone.current.version}.post1"
    git(template, "tag", next_tag)

    update(project, next_tag)

    text = readme.read_text()
    assert CONFLICT_START in text
    assert CONFLICT_END in text
    assert "# My Service, by us\n" in text
    assert "# The My Service\n" in text
    # git itself lists the file as unmerged, so it cannot be committed by accident either.
    assert "UU README.md" in git(project, "status", "--porcelain").splitlines()
    assert files_with_conflicts(project) == ["README.md"]
    service = Service("conflict", project, "my_service")
    service.sync()
    refused = service.run_failing("pre-commit", "run", "--files", "README.md")
    assert "no unresolved conflict markers" in refused
    assert "Failed" in refused


def test_edits_to_code_that_0_7_0_moved_are_kept_and_marked(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """0.7.0 moved `DatabaseSettings` out of `settings.py` and the `auth` checks out of the
    routers into `access.py`. An owner's edit to what moved survives the update as a conflict
    to resolve, in the file it was made in: never lost silently."""
    (release,) = [release for release in release_clone.released if str(release.version) == "0.6.0"]
    answers = Variant("postgresql", "core", features=("auth",)).answers
    project = copy(release_clone.path, release.tag, tmp_path / "service", answers)
    commit(project, f"Service from {release.tag}")
    package = project / "src" / PACKAGE_NAME
    edits = {
        package / "settings.py": (
            "database_pool_size: int = Field(default=10, ge=1)",
            "database_pool_size: int = Field(default=25, ge=1)",
        ),
        package / "routers" / "notes.py": (
            '"only the note\'s author may change or delete it"',
            '"a note is its author\'s alone to change"',
        ),
    }
    edit_and_commit(project, edits)

    update(project, release_clone.current.tag)

    for path, (_, after) in edits.items():
        text = path.read_text()
        assert after in text, path
        assert CONFLICT_START in text, path
        assert CONFLICT_END in text, path
    # What moved is in its new place, as the current release has it.
    assert "class DatabaseSettings(" in (package / "database_settings.py").read_text()
    # The author's check, since 0.15.0, in the store, in the transaction that writes.
    assert (
        "only the note's author may change or delete it"
        in (package / "stores" / "notes.py").read_text()
    )


def test_edits_to_modules_that_0_8_0_split_are_kept_as_conflicts(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """0.8.0 split the modules that held every resource. Copier deletes a module the template
    no longer has, edited or not; the release's migration step puts back each edited one as a
    conflict that git lists, and lets the unedited ones go."""
    (release,) = [release for release in release_clone.released if str(release.version) == "0.7.2"]
    answers = Variant("sqlite", "orm", features=("auth",)).answers
    project = copy(release_clone.path, release.tag, tmp_path / "service", answers)
    commit(project, f"Service from {release.tag}")
    package = project / "src" / PACKAGE_NAME
    edits = {
        package / "schemas.py": (
            "StringConstraints(min_length=8, max_length=128)",
            "StringConstraints(min_length=12, max_length=128)",
        ),
        package / "stores.py": (
            '"""Delete a user; the database deletes their notes with them."""',
            '"""Delete a user, and with them, by the foreign key, their notes."""',
        ),
    }
    edit_and_commit(project, edits)

    update(project, release_clone.current.tag)

    for path, (_, after) in edits.items():
        text = path.read_text()
        assert text.startswith(CONFLICT_START), path
        assert after in text, path
        assert CONFLICT_END in text, path
        assert f"its contents are now in {path.stem}/users.py" in text, path
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert sorted(unmerged) == [f"src/{PACKAGE_NAME}/schemas.py", f"src/{PACKAGE_NAME}/stores.py"]
    # Moved modules the owner left alone are gone; what they held is in its new place.
    for moved in ("models.py", "db_schema.py", "params.py"):
        assert not (package / moved).exists(), moved
    assert "class UserCreate(" in (package / "schemas" / "users.py").read_text()
    assert "class UserStore:" in (package / "stores" / "users.py").read_text()


def test_edits_to_modules_that_0_15_0_folded_into_the_stores_are_kept_as_conflicts(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """0.15.0 gave each store its own statements and moved `Database` to `database.py`: an
    edited `transaction.py` is put back as a conflict, unedited shared modules go, and a query
    the owner added to a store is kept, merged or in a conflict that git lists."""
    (release,) = [release for release in release_clone.released if str(release.version) == "0.14.0"]
    answers = Variant("sqlite", "orm").answers
    project = copy(release_clone.path, release.tag, tmp_path / "service", answers)
    commit(project, f"Service from {release.tag}")
    package = project / "src" / PACKAGE_NAME
    owners_query = (
        "\n\n    async def count(self) -> int:\n"
        '        """How many notes there are."""\n'
        "        return len((await self.page(Window(100, 0))).items)\n"
    )
    edits = {
        package / "transaction.py": (
            '"""Statements that only read: no transaction, each sees what is committed."""',
            '"""Statements that only read, each in a snapshot of its own."""',
        ),
        package / "stores" / "notes.py": (
            "super().__init__(session, _NOTES)\n",
            "super().__init__(session, _NOTES)\n" + owners_query,
        ),
    }
    edit_and_commit(project, edits)

    update(project, release_clone.current.tag)

    transaction = (package / "transaction.py").read_text()
    assert transaction.startswith(CONFLICT_START)
    assert "each in a snapshot of its own" in transaction
    assert "database.py (Database and Stores)" in transaction
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert f"src/{PACKAGE_NAME}/transaction.py" in unmerged
    notes = (package / "stores" / "notes.py").read_text()
    assert "async def count(self) -> int:" in notes
    if CONFLICT_START in notes:
        assert f"src/{PACKAGE_NAME}/stores/notes.py" in unmerged
    for gone in ("statements.py", "row_store.py"):
        assert not (package / gone).exists(), gone
    assert "class Database:" in (package / "database.py").read_text()
    assert "def create_engine(" in (package / "engine.py").read_text()


# Rows of each table, written as an owner's tools write them (ids from 1: a new database).
_ROWS = {
    "library": (
        "INSERT INTO users (name, email) VALUES ('Ada', 'Ada@Example.com')",
        "INSERT INTO authors (name) VALUES ('Stanisław Lem')",
        "INSERT INTO books (title, isbn, price, format, in_print, summary, author_id) VALUES "
        "('Solaris', '9780156027601', 12.50, 'paperback', true, '', 1)",
        "INSERT INTO loans (book_id, due_on, returned, borrower_id) VALUES "
        "(1, '2027-01-31', false, 1)",
    ),
    "default": (
        "INSERT INTO users (name, email) VALUES ('Ada', 'Ada@Example.com')",
        "INSERT INTO notes (title, description, author_id) VALUES ('Engines', 'analytical', 1)",
    ),
}
_OWNERS_METHOD = (
    "\n    def describe(self) -> str:\n"
    '        """What this store reads, for the owner\'s logs."""\n'
    '        return "rows with what they show of others"\n'
)


@pytest.mark.parametrize(
    ("variant", "spec"),
    [(Variant("sqlite", "orm"), "library"), (Variant("postgresql", "core"), "default")],
    ids=["sqlite-orm-library", "postgresql-core-default"],
)
def test_a_0_13_service_with_edited_stores_and_routers_moves_to_this_release(
    variant: Variant,
    spec: str,
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
) -> None:
    """0.15.0 rewrote every store and added routes: a service from the last 0.13 release,
    with rows, the owner's data migration, a method of theirs in a store and an edited route,
    updates keeping every row. The route's edit merges; the store's is merged or stands in a
    conflict git lists; once the owner resolves it, the service passes its checks and the tests
    of what the owner changed."""
    (release,) = [release for release in release_clone.released if str(release.version) == "0.13.2"]
    resources = LIBRARY_BEFORE_LISTS if spec == "library" else NOTES
    env = database_env(variant)
    project = copy(
        release_clone.path,
        release.tag,
        tmp_path / "service",
        {**variant.answers, "resources": resources},
    )
    service = Service(f"{variant.id} ({spec}) from {release.tag}", project, PACKAGE_NAME, env)
    service.sync()
    service.run("alembic", "upgrade", "head")
    database = OwnerDatabase(project, PACKAGE_NAME, env)
    database.execute(*_ROWS[spec])
    commit(project, f"Service from {release.tag}")
    (parent,) = heads(project)
    (project / OWNER_REVISION_FILE).write_text(owner_revision(parent))
    name = resources[1 if spec == "library" else 0]["name"]
    package = project / "src" / PACKAGE_NAME
    store, router = package / "stores" / f"{name}.py", package / "routers" / f"{name}.py"
    (init,) = [line for line in store.read_text().splitlines(True) if "super().__init__(" in line]
    read_one = f'    """Return one {name[:-1]}."""'
    edit_and_commit(
        project,
        {
            store: (init, init + _OWNERS_METHOD),
            router: (read_one, read_one.replace(".", ", as the front desk shows it.")),
        },
    )
    service.run("alembic", "upgrade", "head")
    tables = ["users", *(resource["name"] for resource in resources)]
    rows = {table: database.rows(f"SELECT * FROM {table} ORDER BY id") for table in tables}
    assert all(rows.values())

    update(project, release_clone.current.tag)

    assert (project / OWNER_REVISION_FILE).read_text() == owner_revision(parent)
    assert "as the front desk shows it" in router.read_text()
    assert "def describe(self) -> str:" in store.read_text()
    conflicted = files_with_conflicts(project)
    assert set(conflicted) <= {str(store.relative_to(project))}
    unmerged = git(project, "diff", "--name-only", "--diff-filter=U").split()
    assert sorted(unmerged) == sorted(conflicted)
    for path in conflicted:
        take_the_update(project / path)
    assert len(heads(project)) == 1
    service.sync()
    service.run("alembic", "upgrade", "head")
    assert {table: database.rows(f"SELECT * FROM {table} ORDER BY id") for table in tables} == rows
    # Resolved, the service is a fresh copy but for the owner's work, whose tests these are
    # (test_variants.py runs a fresh copy's whole suite).
    service.check("tests/test_migrations.py", f"tests/test_{name}.py")
