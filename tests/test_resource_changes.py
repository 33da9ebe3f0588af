"""Resources changed through `copier update -d resources=...` on a service with rows, an
owner revision and an owner edit: the revision the update writes, what it keeps, what it
refuses, and what it drops only after saying so."""

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import TEMPLATE_ROOT, Service
from tests.releases import ReleaseClone, git
from tests.revisions import OwnerDatabase, heads
from tests.updates import commit, copy, files_with_conflicts, update
from tests.user_changes import OWNER_REVISION, OWNER_REVISION_FILE, owner_revision
from tests.variants import PACKAGE_NAME, Variant

_DEFAULT_NOTES = TEMPLATE_ROOT / "includes" / "resources" / "notes.yml"
_USERS = (
    "INSERT INTO users (name, email) VALUES ('Ada', 'Ada@Example.com'), "
    "('Grace', 'grace@example.com')"
)


def _owned_service(
    template: Path,
    tag: str,
    tmp_path: Path,
    variant: Variant,
    env: dict[str, str],
    resources: list[dict[str, Any]],
    seed: tuple[str, ...],
) -> tuple[Service, OwnerDatabase]:
    """A service copied from `tag` with `resources`, its database holding users and `seed`,
    and a revision of its owner's on top, applied and committed."""
    project = copy(template, tag, tmp_path / "service", {**variant.answers, "resources": resources})
    service = Service(f"{variant.id} from {tag}", project, PACKAGE_NAME, env)
    service.sync()
    (parent,) = heads(project)
    (project / OWNER_REVISION_FILE).write_text(owner_revision(parent))
    service.run("alembic", "upgrade", "head")
    database = OwnerDatabase(project, PACKAGE_NAME, env)
    database.execute(_USERS, *seed)
    commit(project, "Service, with the owner's data migration")
    return service, database


def _tests_of(service: Service, *resources: str) -> list[str]:
    """The updated service's tests of `resources` (test_<resource>.py, test_<resource>_*.py),
    and its migrations' (tests/test_migrations.py): what an update of those resources can
    break. test_variants.py runs a fresh copy's whole suite; the rest of it (users, health,
    outages, ...) is the same before and after the update."""
    found = ["tests/test_migrations.py"]
    for name in resources:
        files = [service.path / "tests" / f"test_{name}.py"]
        files += sorted((service.path / "tests").glob(f"test_{name}_*.py"))
        assert files[0].is_file(), files[0]
        found += [path.relative_to(service.path).as_posix() for path in files]
    return found


def _assert_one_head_on_the_owners(service: Service) -> None:
    assert files_with_conflicts(service.path) == []
    (head,) = heads(service.path)
    assert (
        f'down_revision: str | Sequence[str] | None = "{OWNER_REVISION}"'
        in next(service.path.glob(f"migrations/versions/{head}_*.py")).read_text()
    )


# What the notes' folder references refer to.
_FOLDERS = {"name": "folders", "fields": {"label": {"type": "string", "max_length": 40}}}
# Notes with a field of each kind a change can reach, and one with each kind of constraint a
# field can carry (range, choices, unique, reference), which the update renames; some filter or
# sort their lists, so have an index.
_NOTES_BEFORE = {
    "name": "notes",
    "owner": "author",
    "fields": {
        "title": {"type": "string", "max_length": 100, "sort": True},
        "description": {"type": "string", "min_length": 0, "max_length": 500, "default": ""},
        "priority": {"type": "integer", "min": 1, "max": 5, "default": 3, "filter": True},
        "mood": {
            "type": "choice",
            "choices": ["calm", "busy", "away"],
            "optional": True,
            "filter": True,
        },
        "code": {"type": "string", "max_length": 20, "optional": True},
        "rating": {"type": "integer", "optional": True},
        "summary": {"type": "text", "max_length": 200, "optional": True},
        "capacity": {
            "type": "integer",
            "min": 0,
            "max": 1000000,
            "optional": True,
            "filter": True,
        },
        "status": {
            "type": "choice",
            "choices": ["open", "shut"],
            "default": "open",
            "filter": True,
        },
        "slug": {"type": "string", "max_length": 20, "unique": True, "optional": True},
        "folder": {"type": "reference", "to": "folders", "optional": True},
    },
    "search": ["title", "description"],
}
# Every field but priority's default changed, description and each constrained field renamed,
# summary removed, fields added.
_NOTES_AFTER = {
    "name": "notes",
    "owner": "author",
    "fields": {
        # No longer sorts: its index goes.
        "title": {"type": "string", "max_length": 10},
        "body": {
            "type": "string",
            "min_length": 0,
            "max_length": 500,
            "default": "",
            "renamed_from": "description",
        },
        "priority": {"type": "integer", "min": 1, "max": 3, "default": 2, "filter": True},
        "mood": {"type": "choice", "choices": ["calm", "busy"], "default": "calm", "filter": True},
        "code": {"type": "string", "max_length": 20, "optional": True, "unique": True},
        # Comes to filter: an index of its own.
        "rating": {"type": "integer", "filter": True},
        # Added: one of each kind an existing table can take.
        "pinned": {"type": "boolean", "default": False, "filter": True},
        "grade": {"type": "integer", "min": 1, "max": 5, "default": 3},
        "colour": {"type": "choice", "choices": ["red", "blue"], "default": "red"},
        "price": {"type": "decimal", "digits": 6, "places": 2, "default": "9.50", "sort": True},
        "due_on": {"type": "date", "optional": True},
        "ref": {"type": "string", "max_length": 20, "unique": True, "optional": True},
        # Renamed, each with its constraint: named after the new name from now on.
        "slots": {
            "type": "integer",
            "min": 0,
            "max": 1000000,
            "optional": True,
            "filter": True,
            "renamed_from": "capacity",
        },
        "state": {
            "type": "choice",
            "choices": ["open", "shut"],
            "default": "open",
            "filter": True,
            "renamed_from": "status",
        },
        "handle": {
            "type": "string",
            "max_length": 20,
            "unique": True,
            "optional": True,
            "renamed_from": "slug",
        },
        "binder": {
            "type": "reference",
            "to": "folders",
            "optional": True,
            "renamed_from": "folder",
        },
    },
    "search": ["title", "body"],
    "order": "-price",
}
# The renamed fields: old name, new name, column then and now.
_RENAMED = [
    ("description", "body", "description", "body"),
    ("capacity", "slots", "capacity", "slots"),
    ("status", "state", "status", "state"),
    ("slug", "handle", "slug", "handle"),
    ("folder", "binder", "folder_id", "binder_id"),
]
_FOLDERS_SEED = "INSERT INTO folders (label) VALUES ('drafts'), ('done')"
_NOTES_SEED = (
    "INSERT INTO notes (title, description, priority, mood, code, rating, summary, capacity, "
    "status, slug, folder_id, author_id) "
    "VALUES ('  Engines  ', 'on the analytical engine', 5, 'away', 'X1', NULL, 'long', 10, "
    "'shut', 'a1', 1, 1), "
    "('Compilers', 'A-0', 2, NULL, 'X1', 4, NULL, NULL, 'open', 'b2', 2, 2)"
)
_NOTES_THEN = (
    "SELECT id, title, description, priority, mood, code, rating, summary, capacity, status, "
    "slug, folder_id FROM notes"
)
_NOTES_NOW = (
    "SELECT id, title, body, priority, mood, code, rating, slots, state, handle, binder_id "
    "FROM notes ORDER BY id"
)
_ADDED_NOW = "SELECT id, pinned, grade, colour, price, due_on, ref FROM notes ORDER BY id"
# Each rule the rows break, in the order the revision checks them; what the owner then does.
_BROKEN_RULES = [
    ("rows of notes hold a title longer than 10 characters (id 1)", "title = trim(title)"),
    ("rows of notes hold a priority outside 1 to 3 (id 1)", "priority = 3"),
    ("rows of notes hold a mood that is not one of calm, busy (id 1)", "mood = 'busy'"),
    ("rows of notes share their code with another row (id 1, 2)", "code = NULL"),
    ("rows of notes have no rating (id 1)", "rating = 1"),
]


def _assert_constrained(
    database: OwnerDatabase, variant: Variant, columns: dict[str, str], refused: list[str]
) -> None:
    """Each of `refused` (SET clauses), and a value out of range, out of the choices, taken
    by note 2 or of no folder in each renamed constrained column (`columns`, by the field's
    name before the update), is refused by the database: the constraints came along."""
    pragma = ("PRAGMA foreign_keys = ON",) if variant.database == "sqlite" else ()
    refused = [
        *refused,
        f"{columns['capacity']} = -1",
        f"{columns['status']} = 'ajar'",
        f"{columns['slug']} = 'b2'",
        f"{columns['folder']} = 99",
    ]
    for broken in refused:
        with pytest.raises(Exception, match=r"(?i)constraint|duplicate entry"):
            database.execute(*pragma, f"UPDATE notes SET {broken} WHERE id = 1")


@pytest.mark.parametrize(
    "variant",
    [Variant("sqlite", "core"), Variant("postgresql", "orm"), Variant("mariadb", "core")],
    ids=lambda v: v.id,
)
def test_changed_fields_alter_their_columns_once_no_row_breaks_a_new_rule(
    variant: Variant,
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Limits, choices, optional and unique changed, fields renamed (one with each kind of
    constraint), one removed and six added: the update's revision stops before changing
    anything while rows break a new rule, naming them; once they are mended it alters the
    columns, keeps every value and every constraint (a renamed column's under its new name),
    fills the defaults (of the fields made required, and of those added), drops what the
    update said it would, and its downgrade undoes it, for the revision to run again."""
    service, database = _owned_service(
        release_clone.path,
        release_clone.current.tag,
        tmp_path,
        variant,
        database_env(variant),
        [_FOLDERS, _NOTES_BEFORE],
        (_FOLDERS_SEED, _NOTES_SEED),
    )
    project = service.path
    schemas = project / "src" / PACKAGE_NAME / "schemas" / "notes.py"
    edited = schemas.read_text().replace("for notes.", "for notes, as the app reads them.")
    schemas.write_text(edited)
    commit(project, "The owner's edit")
    capfd.readouterr()

    update(project, release_clone.current.tag, data={"resources": [_FOLDERS, _NOTES_AFTER]})

    said = capfd.readouterr().err
    for old, new, _, _ in _RENAMED:
        assert f"renames notes.{old} to {new}" in said
    assert "adds pinned, grade, colour, price, due_on, ref to notes" in said
    assert "DROPS the column notes.summary with its values" in said
    _assert_one_head_on_the_owners(service)
    assert schemas.read_text().startswith('"""The API contract for notes, as the app reads them.')
    (before,) = heads(project)
    service.sync()
    for broken, mended in _BROKEN_RULES:
        rows = database.rows(f"{_NOTES_THEN} ORDER BY id")
        assert broken in service.run_failing("alembic", "upgrade", "head")
        assert database.rows(f"{_NOTES_THEN} ORDER BY id") == rows
        assert "(head)" not in service.run("alembic", "current")
        database.execute(f"UPDATE notes SET {mended} WHERE id = 1")
    service.run("alembic", "upgrade", "head")

    assert f"{before} (head)" in service.run("alembic", "current")
    kept = [
        (1, "Engines", "on the analytical engine", 3, "busy", None, 1, 10, "shut", "a1", 1),
        (2, "Compilers", "A-0", 2, "calm", "X1", 4, None, "open", "b2", 2),
    ]
    assert database.rows(_NOTES_NOW) == kept
    filled = [
        (row[0], bool(row[1]), row[2], row[3], Decimal(str(row[4])), row[5], row[6])
        for row in database.rows(_ADDED_NOW)
    ]
    assert filled == [(id_, False, 3, "red", Decimal("9.50"), None, None) for id_ in (1, 2)]
    now = {old: column for old, _, _, column in _RENAMED}
    added = ["priority = 4", "mood = 'away'", "code = 'X1'", "grade = 6", "colour = 'x'"]
    _assert_constrained(database, variant, now, added)
    service.run("alembic", "check")
    # Undone, the renamed columns get their names and their constraints back, under the
    # names they had: and done again, the revision finds them under those names.
    service.run("alembic", "downgrade", "-1")
    assert database.rows(f"{_NOTES_THEN} ORDER BY id") == [
        (1, "Engines", "on the analytical engine", 3, "busy", None, 1, None, 10, "shut", "a1", 1),
        (2, "Compilers", "A-0", 2, "calm", "X1", 4, None, None, "open", "b2", 2),
    ]
    then = {old: column for old, _, column, _ in _RENAMED}
    _assert_constrained(database, variant, then, ["priority = 6", "mood = 'gone'"])
    service.run("alembic", "upgrade", "head")
    assert database.rows(_NOTES_NOW) == kept
    _assert_constrained(database, variant, now, added)
    service.run("alembic", "check")
    # The notes changed; the folders' tests list and delete the notes of a folder (binder).
    service.check(*_tests_of(service, "notes", "folders"))


# Resources beside the default notes: tags, each on one note, and stickers.
_TAGS = {
    "name": "tags",
    "fields": {
        "label": {"type": "string", "max_length": 40},
        "note": {"type": "reference", "to": "notes", "on_delete": "cascade", "embed": ["title"]},
    },
    "search": ["label"],
}
_STICKERS = {"name": "stickers", "fields": {"shape": {"type": "choice", "choices": ["star"]}}}
# Added later, referring to notes under their new name.
_MARKS = {
    "name": "marks",
    "fields": {
        "word": {"type": "string", "max_length": 20},
        "book": {"type": "reference", "to": "books", "on_delete": "cascade"},
    },
    "search": ["word"],
}
_RESOURCES_SEED = (
    "INSERT INTO notes (title, description, author_id) VALUES ('Engines', 'on engines', 1)",
    "INSERT INTO tags (label, note_id) VALUES ('history', 1), ('maths', 1)",
    "INSERT INTO stickers (shape) VALUES ('star')",
)


@pytest.mark.parametrize(
    "variant",
    [Variant("sqlite", "orm"), Variant("postgresql", "core"), Variant("mariadb", "orm")],
    ids=lambda v: v.id,
)
def test_resources_renamed_removed_and_added_keep_every_row_they_should(
    variant: Variant,
    release_clone: ReleaseClone,
    tmp_path: Path,
    database_env: Callable[[Variant], dict[str, str]],
    capfd: pytest.CaptureFixture[str],
) -> None:
    """Notes renamed to books (`renamed_from`), the tags referring to them, stickers gone,
    marks (on books) new: the revision renames the table with its constraints and indexes,
    keeping every row, drops stickers' table after the update said so plainly, and creates
    marks'. The modules of notes and stickers go, except those their owner edited, which stay
    as conflicts git lists. The downgrade undoes it all."""
    (notes,) = yaml.safe_load(_DEFAULT_NOTES.read_text())
    service, database = _owned_service(
        release_clone.path,
        release_clone.current.tag,
        tmp_path,
        variant,
        database_env(variant),
        [notes, _TAGS, _STICKERS],
        _RESOURCES_SEED,
    )
    project = service.path
    routers = project / "src" / PACKAGE_NAME / "routers"
    edited = {
        routers / "notes.py": ('"""Create a note."""', '"""Write a note."""'),
        routers / "stickers.py": ('"""Create a sticker."""', '"""Stick a sticker."""'),
    }
    for path, (before, after) in edited.items():
        path.write_text(path.read_text().replace(before, after))
    commit(project, "The owner's edits")
    rows = database.rows("SELECT id, title, description, author_id FROM notes")
    tags = database.rows("SELECT id, label, note_id FROM tags ORDER BY id")
    # Renamed, and one field changed: its rows are checked before the table takes its name.
    title = {"type": "string", "max_length": 60}
    books = {**notes, "name": "books", "renamed_from": "notes"}
    books["fields"] = {**notes["fields"], "title": title}
    capfd.readouterr()

    note = {**_TAGS["fields"]["note"], "to": "books"}
    tags_on_books = {**_TAGS, "fields": {**_TAGS["fields"], "note": note}}

    update(project, release_clone.current.tag, data={"resources": [books, tags_on_books, _MARKS]})

    said = capfd.readouterr().err
    assert "renames the table notes to books" in said
    assert "creates the tables of marks" in said
    assert "DROPS the table stickers with its rows" in said
    conflicts = sorted(path.relative_to(project).as_posix() for path in edited)
    assert files_with_conflicts(project) == conflicts
    assert git(project, "diff", "--name-only", "--diff-filter=U").split() == conflicts
    for path, (_, after) in edited.items():
        assert after in path.read_text()
    for gone in ("stores/notes.py", "stores/stickers.py"):
        assert not (project / "src" / PACKAGE_NAME / gone).exists(), gone
    assert not (project / "tests" / "test_stickers.py").exists()
    assert (routers / "books.py").is_file()
    git(project, "rm", "--quiet", *conflicts)
    _assert_one_head_on_the_owners(service)
    service.sync()
    service.run("alembic", "upgrade", "head")

    assert database.rows("SELECT id, title, description, author_id FROM books") == rows
    assert database.rows("SELECT id, label, note_id FROM tags ORDER BY id") == tags
    assert database.rows("SELECT count(*) FROM marks") == [(0,)]
    for table in ("notes", "stickers"):
        with pytest.raises(Exception, match=table):
            database.rows(f"SELECT count(*) FROM {table}")
    service.run("alembic", "check")
    service.run("alembic", "downgrade", "-1")
    assert database.rows("SELECT id, title, description, author_id FROM notes") == rows
    assert database.rows("SELECT count(*) FROM stickers") == [(0,)]
    with pytest.raises(Exception, match="marks"):
        database.rows("SELECT count(*) FROM marks")
    service.run("alembic", "upgrade", "head")
    # Books renamed from notes, tags referring to them, marks new: every resource it has.
    service.check(*_tests_of(service, "books", "tags", "marks"))


def _notes_with(**fields: Any) -> list[dict[str, Any]]:
    """The default notes, with `fields` set (None removes one, and its search)."""
    (notes,) = yaml.safe_load(_DEFAULT_NOTES.read_text())
    notes["search"] = [name for name in notes["search"] if fields.get(name, True) is not None]
    for name, spec in fields.items():
        if spec is None:
            del notes["fields"][name]
        else:
            notes["fields"][name] = spec
    return [notes]


_REFUSALS = {
    "notes.description is gone and notes.details is new, both string: if description became "
    "details, give details `renamed_from: description`": _notes_with(
        description=None, details={"type": "string", "max_length": 500, "default": ""}
    ),
    "notes.title changes type from string to text": _notes_with(
        title={"type": "text", "max_length": 100}
    ),
    "notes.rating is required and has no default": _notes_with(
        rating={"type": "integer", "min": 1, "max": 5}
    ),
    "notes changes its owner": [{**_notes_with()[0], "owner": "writer"}],
    "notes is gone and books, with the same fields, is new: if notes became books, give books "
    "`renamed_from: notes`": [{**_notes_with()[0], "name": "books"}],
}


def test_a_change_that_cannot_be_migrated_is_refused_before_anything_is_written(
    release_clone: ReleaseClone, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    project = copy(release_clone.path, release_clone.current.tag, tmp_path / "service", {})
    commit(project, "Service")

    for message, resources in _REFUSALS.items():
        with pytest.raises(Exception, match=r"exit status 1|returned non-zero"):
            update(project, release_clone.current.tag, data={"resources": resources})

        assert message in capfd.readouterr().err
        assert git(project, "status", "--porcelain") == ""
