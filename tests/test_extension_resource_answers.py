"""The `resources` validator (extensions/resource_answers.py) on its own: no rendering.

test_resource_answers.py shows Copier refusing the same answers through the template."""

import re
from typing import Any

import pytest
import yaml

from tests.harness import TEMPLATE_ROOT, load_extension
from tests.test_resource_answers import REFUSALS

answers = load_extension("resource_answers")


def _identifiers() -> dict[str, list[str]]:
    """copier.yml's python_keywords and python_builtins, as the validator gets them."""
    documents = yaml.safe_load_all(
        (TEMPLATE_ROOT / "includes" / "python_identifiers.yml").read_text()
    )
    return {
        name: question["default"] for document in documents for name, question in document.items()
    }


IDENTIFIERS = _identifiers()


def refusal(resources: Any) -> str:
    text: str = answers.refusal(
        resources, IDENTIFIERS["python_keywords"], IDENTIFIERS["python_builtins"]
    )
    return text


def _spec(name: str) -> Any:
    return yaml.safe_load((TEMPLATE_ROOT / "tests" / "specs" / name).read_text())


@pytest.mark.parametrize(
    "resources",
    [
        _spec("library.yml"),
        _spec("awkward.yml"),
        yaml.safe_load((TEMPLATE_ROOT / "includes" / "resources" / "notes.yml").read_text()),
        [],
    ],
    ids=["library", "awkward", "default", "none"],
)
def test_a_valid_answer_has_no_problem(resources: Any) -> None:
    assert refusal(resources) == ""


@pytest.mark.parametrize(("resources", "message"), REFUSALS)
def test_each_refusal_names_the_resource_and_the_field(resources: Any, message: str) -> None:
    assert re.search(message, refusal(resources))


def test_every_problem_is_one_line_in_the_order_of_the_answer() -> None:
    resources = [
        {"name": "Books", "fields": {"t": {"type": "string", "max_length": 0}}},
        {"name": "sheep", "colour": "white", "fields": {}},
    ]

    assert refusal(resources).splitlines() == [
        "Books: the name must be a lowercase identifier (letters, digits, underscores, starting "
        'with a letter); got "Books"',
        'Books: the singular (the name less its "s") must be a lowercase identifier (letters, '
        'digits, underscores, starting with a letter); got "Book"',
        "Books.t: max_length must be a whole number from 1 to 4000; got 0",
        'sheep: unknown key "colour"; a resource has name, singular, owner, fields, search, '
        "order, renamed_from",
        'sheep: the name does not end in "s": say what one of them is called, with singular: ...',
        "sheep.fields: must map each field's name to its type and limits, and name at least one "
        "field",
    ]


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ({"type": "decimal", "digits": 4, "places": 2, "max": "99.999"}, 'max "99.999" does not'),
        ({"type": "decimal", "digits": 4, "places": 2, "min": -100}, "min -100 does not fit"),
        ({"type": "decimal", "digits": 4, "places": 2, "max": True}, "max true does not fit"),
        ({"type": "choice", "choices": ["Hard", "hard"]}, "a choice is listed twice"),
        ({"type": "choice", "choices": ["-x"]}, "each choice must be text of 1 to 64"),
        ({"type": "string", "max_length": 9, "optional": "yes"}, "optional must be true or false"),
        ({"type": "string", "max_length": 9, "default": "a\x00"}, 'the default "a\\\\u0000"'),
        ({"type": "text", "max_length": 65536}, "from 1 to 65535; got 65536"),
        ({"type": "integer", "min": 1.5}, "min and max must be whole numbers within 32 bits"),
    ],
    ids=[
        "decimal-places",
        "decimal-range",
        "decimal-boolean",
        "choices-by-case",
        "choice-text",
        "optional",
        "nul",
        "text-max",
        "integer-float",
    ],
)
def test_limits_and_defaults_must_fit_the_type(field: dict[str, Any], problem: str) -> None:
    assert re.search(problem, refusal([{"name": "books", "fields": {"f": field}}]))


def test_references_embed_only_plain_fields_of_resources_listed_before() -> None:
    authors = {"name": "authors", "fields": {"name": {"type": "string", "max_length": 9}}}
    books = {
        "name": "books",
        "fields": {
            "author": {"type": "reference", "to": "authors", "embed": ["name", "name"]},
            "reader": {"type": "reference", "to": "users", "embed": ["email"]},
        },
    }
    shelves = {
        "name": "shelves",
        "singular": "shelf",
        "fields": {"book": {"type": "reference", "to": "books", "embed": ["author"]}},
    }

    assert refusal([authors, books, shelves]).splitlines() == [
        "books.author: embed names a field twice",
        'shelves.book: embed names "author", which is not a field of books (references are not '
        "embedded)",
    ]


@pytest.mark.parametrize(
    "resources",
    [
        [{"name": ["books"], "fields": {"t": {"type": "string", "max_length": 9}}}],
        [{"name": "books", "fields": {"t": {"type": ["string"]}}}],
        [{"name": "books", "owner": "x", "fields": None}],
        [{"name": "books", "fields": {1: {"type": "string", "max_length": 9}}}],
        [{"name": "books", "fields": {"a": {"type": "reference", "to": {"x": 1}}}}],
        [{"name": "books", "fields": {"t": {"type": "string", "max_length": 9}}, "search": [[]]}],
    ],
    ids=["list-name", "list-type", "null-fields", "number-field", "mapping-to", "list-searched"],
)
def test_answers_of_the_wrong_shape_are_refused_not_crashed_on(resources: Any) -> None:
    assert refusal(resources)


@pytest.mark.parametrize(
    ("field", "problem"),
    [
        ({"type": "text", "max_length": 9, "filter": True}, "a text field cannot filter or sort"),
        ({"type": "boolean", "sort": True}, "a boolean field cannot sort; filter by it"),
        ({"type": "date", "optional": True, "sort": True}, "an optional field cannot sort"),
        ({"type": "string", "max_length": 300, "sort": True}, "from 1 to 255 \\(an index key"),
        ({"type": "integer", "filter": "yes"}, "filter must be true or false"),
    ],
    ids=["text", "boolean-sort", "optional-sort", "string-index-key", "not-a-boolean"],
)
def test_a_field_that_cannot_filter_or_sort_is_refused(field: dict[str, Any], problem: str) -> None:
    assert re.search(problem, refusal([{"name": "books", "fields": {"f": field}}]))


def test_a_filter_may_not_take_a_list_parameter_name_and_the_order_names_a_sort() -> None:
    fields = {
        "sort": {"type": "choice", "choices": ["a", "b"], "filter": True},
        "price": {"type": "integer", "filter": True},
    }

    assert refusal([{"name": "books", "order": "-price", "fields": fields}]).splitlines() == [
        'books.sort: a field filtering by "sort" would take the place of the list\'s own '
        "parameter; choose another name (a list takes limit, offset, cursor, sort, q)",
        "books.order: must be id or a field with sort: true, after a - for descending order; got "
        '"-price"',
    ]
