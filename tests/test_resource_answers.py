"""The `resources` answer: refused before anything is written, naming the resource and field;
what a valid one renders; passed on the command line or in a data file."""

import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import TEMPLATE_ROOT, UV, command_env, copy_working_tree, render
from tests.releases import git


def _text(max_length: int = 10, **keys: Any) -> dict[str, Any]:
    return {"type": "string", "max_length": max_length, **keys}


def _one(fields: dict[str, Any], **keys: Any) -> list[dict[str, Any]]:
    return [{"name": "books", "fields": fields, **keys}]


_AUTHORS = {"name": "authors", "fields": {"name": _text()}}

REFUSALS = [
    pytest.param("books", "resources: must be a list of resources", id="not-a-list"),
    pytest.param(["books"], r"resources\[0\]: must be a mapping", id="not-a-mapping"),
    pytest.param([{"fields": {"t": _text()}}], r"resources\[0\]: has no name", id="no-name"),
    pytest.param(
        [{"name": "Books", "fields": {"t": _text()}}],
        "Books: the name must be a lowercase identifier",
        id="name-not-lowercase",
    ),
    pytest.param(
        [{"name": "classes", "singular": "class", "fields": {"t": _text()}}],
        'classes.singular: the singular "class" is a Python keyword',
        id="singular-keyword",
    ),
    pytest.param(
        [{"name": "lists", "singular": "list", "fields": {"t": _text()}}],
        'lists.singular: the singular "list" is a Python builtin',
        id="singular-builtin",
    ),
    pytest.param(
        [{"name": "types", "fields": {"t": _text()}}],
        'types: the singular \\(the name less its "s"\\) "type" is a Python builtin',
        id="derived-singular-builtin",
    ),
    pytest.param(
        [{"name": "errors", "fields": {"t": _text()}}],
        'errors: the package already has modules named "errors"',
        id="module-taken",
    ),
    pytest.param(
        [{"name": "users", "fields": {"t": _text()}}], "users: users are built in", id="users"
    ),
    pytest.param([_AUTHORS, _AUTHORS], "authors: is listed twice", id="duplicate-resource"),
    pytest.param(
        [{"name": "sheep", "fields": {"t": _text()}}],
        'sheep: the name does not end in "s"',
        id="no-singular",
    ),
    pytest.param(
        [{"name": "books", "singular": "books", "fields": {"t": _text()}}],
        "books: the singular must differ from the name",
        id="singular-is-the-name",
    ),
    pytest.param(
        [{"name": "bookshelvesofthehouse", "singular": "shelf", "fields": {"t": _text()}}],
        "bookshelvesofthehouse: the name must be at most 18 characters",
        id="name-too-long",
    ),
    pytest.param(
        _one({"t": _text()}, colour="red"), 'books: unknown key "colour"', id="unknown-key"
    ),
    pytest.param(_one({}), "books.fields: must map each field", id="no-fields"),
    pytest.param(
        _one({"t": _text(), "u": _text(renamed_from="t")}),
        "books.u: renamed_from names t, which is a field here now",
        id="renamed-from-a-field",
    ),
    pytest.param(
        _one({"t": _text()}, renamed_from="Old Books"),
        "books: renamed_from must name the resource as it was called before, which no resource "
        'here is called now; got "Old Books"',
        id="renamed-from-not-a-name",
    ),
    pytest.param(
        _one({"from": _text()}), 'books.from: the field name "from" is a Python keyword', id="kw"
    ),
    pytest.param(
        _one({"id": _text()}),
        'books.id: every book already has a field named "id"',
        id="field-taken",
    ),
    pytest.param(
        _one({"model_x": _text()}), "names starting with model_ belong", id="pydantic-name"
    ),
    pytest.param(_one({"t": {"type": "money"}}), 'books.t: unknown type "money"', id="type"),
    pytest.param(
        _one({"t": _text(maxx=3)}), 'books.t: unknown key "maxx" for a string', id="field-key"
    ),
    pytest.param(
        _one({"a": {"type": "reference", "to": "users"}, "a_id": _text()}),
        'books.a_id: its column "a_id" is another field\'s',
        id="column-taken",
    ),
    pytest.param(
        _one({"t": {"type": "string"}}), "books.t: a string field needs max_length", id="no-max"
    ),
    pytest.param(
        _one({"t": _text(4001)}), "max_length must be a whole number from 1 to 4000", id="max"
    ),
    pytest.param(
        _one({"t": _text(300, unique=True)}), "from 1 to 255 \\(an index key", id="uq-max"
    ),
    pytest.param(_one({"t": _text(5, min_length=6)}), "min_length must be", id="min-length"),
    pytest.param(
        _one({"t": {"type": "integer", "min": 5, "max": 1}}), "min 5 is above max 1", id="min-max"
    ),
    pytest.param(
        _one({"n": {"type": "integer", "max": 2**31}}), "within 32 bits", id="integer-range"
    ),
    pytest.param(
        _one({"p": {"type": "decimal", "digits": 16, "places": 2}}),
        "digits must be a whole number from 1 to 15",
        id="digits",
    ),
    pytest.param(
        _one({"p": {"type": "decimal", "digits": 4, "places": 5}}),
        "places must be a whole number from 0 to digits",
        id="places",
    ),
    pytest.param(
        _one({"t": _text(5, default="too long")}),
        'the default "too long" does not fit the field',
        id="default-string",
    ),
    pytest.param(
        _one({"t": _text(5, default="")}), "set min_length: 0 to allow empty", id="empty-default"
    ),
    pytest.param(
        _one({"n": {"type": "integer", "max": 3, "default": 5}}),
        "the default 5 does not fit",
        id="default-integer",
    ),
    pytest.param(
        _one({"p": {"type": "decimal", "digits": 4, "places": 2, "default": 123.4}}),
        "default 123.4 does not fit 4 digits",
        id="default-decimal",
    ),
    pytest.param(
        _one({"b": {"type": "boolean", "default": "yes"}}),
        'the default "yes" does not fit the field: true or false',
        id="default-boolean",
    ),
    pytest.param(
        _one({"c": {"type": "choice", "choices": ["a"], "default": "b"}}),
        'the default "b" is not one of the choices',
        id="default-choice",
    ),
    pytest.param(
        _one({"d": {"type": "date", "default": "2024-01-01"}}),
        "a date field takes no default",
        id="default-date",
    ),
    pytest.param(
        _one({"t": _text(unique=True, default="x")}),
        "a unique field takes no default",
        id="default-unique",
    ),
    pytest.param(
        _one({"t": {"type": "text", "max_length": 9, "unique": True}}),
        "cannot be unique",
        id="unique-text",
    ),
    pytest.param(
        _one({"c": {"type": "choice", "choices": []}}),
        "choices must be a list of at least one value",
        id="empty-choices",
    ),
    pytest.param(
        _one({"c": {"type": "choice", "choices": ["a", "a"]}}), "listed twice", id="dup-choices"
    ),
    pytest.param(
        _one({"a": {"type": "reference"}}), "a reference needs to:", id="reference-without-to"
    ),
    pytest.param(
        _one({"a": {"type": "reference", "to": "authors"}}),
        'books.a: refers to "authors", which is not a resource here',
        id="unknown-reference",
    ),
    pytest.param(
        [
            {"name": "books", "fields": {"author": {"type": "reference", "to": "authors"}}},
            {"name": "authors", "fields": {"book": {"type": "reference", "to": "books"}}},
        ],
        "books.author: refers to authors, listed after books .* never form a cycle",
        id="reference-cycle",
    ),
    pytest.param(
        _one({"u": {"type": "reference", "to": "users", "embed": ["password_hash"]}}),
        'embed names "password_hash", which is not a field of users',
        id="embed-unknown",
    ),
    pytest.param(
        _one({"u": {"type": "reference", "to": "users", "on_delete": "set_null"}}),
        "on_delete must be restrict",
        id="on-delete",
    ),
    pytest.param(
        _one({"n": {"type": "integer"}}, search=["n"]),
        'books.search: "n" is not a string or text field of books',
        id="search-not-text",
    ),
    pytest.param(
        _one({"t": _text()}, owner="t"), 'books.owner: "t" is already a field', id="owner-field"
    ),
]


@pytest.mark.parametrize(("resources", "message"), REFUSALS)
def test_a_bad_resources_answer_is_refused_and_nothing_written(
    tmp_path: Path, resources: Any, message: str
) -> None:
    destination = tmp_path / "service"

    with pytest.raises(ValueError, match=f"Validation error for question 'resources': .*{message}"):
        render(destination, resources=resources)

    assert not destination.exists() or not any(destination.iterdir())


def test_every_problem_of_an_answer_is_listed(tmp_path: Path) -> None:
    resources = [
        {"name": "books", "fields": {"t": _text(0), "n": {"type": "integer", "min": 9, "max": 1}}}
    ]

    with pytest.raises(ValueError, match=r"books\.t: max_length") as refused:
        render(tmp_path / "service", resources=resources)

    assert "books.n: min 9 is above max 1" in str(refused.value)


def test_no_resources_leave_users_alone(tmp_path: Path) -> None:
    project = render(tmp_path / "service", resources=[])

    package = project / "src" / "my_service"
    assert sorted(path.name for path in (package / "routers").glob("*.py")) == [
        "__init__.py",
        "health.py",
        "users.py",
    ]
    assert not (project / "tests" / "test_notes.py").exists()
    # The service's one revision creates its users' table, and nothing else.
    (revision,) = (project / "migrations" / "versions").glob("*.py")
    assert revision.read_text().count("op.create_table(") == 1


def test_a_new_service_has_one_revision_that_creates_exactly_its_tables(tmp_path: Path) -> None:
    """Nothing is created to be dropped or changed by a later revision of the same copy."""
    project = render(tmp_path / "service")

    (revision,) = (project / "migrations" / "versions").glob("*.py")
    assert revision.name == "0001_schema.py"
    text = revision.read_text()
    assert "down_revision: str | Sequence[str] | None = None\n" in text
    assert re.findall(r'op\.create_table\(\n        "(\w+)"', text) == ["users", "notes"]
    upgrade = text.split("\ndef upgrade() -> None:\n")[1].split("\ndef downgrade")[0]
    assert "drop" not in upgrade
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["migrations_start"] == "own_schema"


def test_resources_come_from_the_command_line_or_a_data_file(tmp_path: Path) -> None:
    """`-d resources='...'` and `--data-file`, as the README shows them, through the CLI."""
    template = copy_working_tree(tmp_path / "template")
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "template"]):
        git(template, *args)
    spec = (TEMPLATE_ROOT / "tests" / "specs" / "library.yml").read_text()
    data_file = tmp_path / "answers.yml"
    data_file.write_text(yaml.safe_dump({"resources": yaml.safe_load(spec)}))
    for name, answer in (
        (
            "inline",
            ["-d", "resources=[{name: tags, fields: {label: {type: string, max_length: 20}}}]"],
        ),
        ("from-file", ["--data-file", str(data_file)]),
    ):
        subprocess.run(
            [
                UV,
                "run",
                "copier",
                "copy",
                "--trust",
                "--defaults",
                "--vcs-ref",
                "HEAD",
                *answer,
                str(template),
                str(tmp_path / name),
            ],
            check=True,
            capture_output=True,
            env=command_env(),
        )
    assert (tmp_path / "inline" / "src" / "my_service" / "routers" / "tags.py").is_file()
    assert (tmp_path / "from-file" / "src" / "my_service" / "routers" / "books.py").is_file()
    answers = yaml.safe_load((tmp_path / "from-file" / ".copier-answers.yml").read_text())
    assert [resource["name"] for resource in answers["resources"]] == ["authors", "books", "loans"]
