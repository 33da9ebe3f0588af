"""The resources as the templates read them (extensions/resource_specs.py), on their own."""

from tests.harness import LIBRARY, NOTES
from tests.harness import resource_specs as specs


def test_the_default_notes_have_their_author_a_reference_to_users() -> None:
    (notes,) = specs(NOTES).values()

    assert notes == {
        "name": "notes",
        "singular": "note",
        "class_name": "Note",
        "label": "note",
        "owner": {"name": "author", "column": "author_id"},
        "fields": [
            {
                "name": "title",
                "column": "title",
                "type": "string",
                "optional": False,
                "has_default": False,
                "default": None,
                "unique": False,
                "owner": False,
                "embedded": [],
                "min_length": 1,
                "max_length": 100,
                "filter": False,
                "sort": False,
            },
            {
                "name": "description",
                "column": "description",
                "type": "string",
                "optional": False,
                "has_default": True,
                "default": "",
                "unique": False,
                "owner": False,
                "embedded": [],
                "min_length": 0,
                "max_length": 500,
                "filter": False,
                "sort": False,
            },
            {
                "name": "author",
                "column": "author_id",
                "type": "reference",
                "optional": False,
                "has_default": False,
                "default": None,
                "unique": False,
                "owner": True,
                "to": "users",
                "on_delete": "cascade",
                "embed": ["name"],
                "embedded": [
                    {"name": "name", "column": "name", "type": "string", "optional": False}
                ],
                "to_label": "user",
                "to_class": "User",
                "filter": False,
                "sort": False,
            },
        ],
        "search": ["title", "description"],
        "order": "id",
        "filters": [],
        "sorts": [],
        "references": [notes["fields"][2]],
        "referenced_by": [],
        "unique_fields": [],
        "checked_references": ["author"],
        "reference_rules": True,
    }
    # The keys in the order the templates have always had them.
    assert list(notes["fields"][2]) == [
        "name", "column", "type", "optional", "has_default", "default", "unique", "owner", "to",
        "on_delete", "embed", "embedded", "filter", "sort", "to_label", "to_class",
    ]  # fmt: skip


def test_names_are_derived_from_the_singular() -> None:
    resources = [
        {"name": "line_items", "fields": {"sku": {"type": "string", "max_length": 9}}},
        {"name": "people", "singular": "person", "fields": {"age": {"type": "integer"}}},
    ]

    found = specs(resources)

    assert [found["line_items"][key] for key in ("singular", "class_name", "label")] == [
        "line_item",
        "LineItem",
        "line item",
    ]
    assert found["people"]["class_name"] == "Person"


def test_every_default_of_each_type_is_filled_in() -> None:
    books = specs(LIBRARY)["books"]
    fields = {field["name"]: field for field in books["fields"]}

    assert fields["title"]["min_length"] == 1
    assert fields["summary"]["min_length"] == 0
    assert (fields["pages"]["min"], fields["pages"]["bounded"]) == (1, True)
    assert (fields["price"]["min"], fields["price"]["max"], fields["price"]["bounded"]) == (
        None,
        None,
        False,
    )
    assert fields["format"]["choices"] == ["hardcover", "paperback", "ebook"]
    assert (fields["format"]["has_default"], fields["format"]["default"]) == (True, "paperback")
    assert fields["author"]["on_delete"] == "restrict"
    assert books["unique_fields"] == ["isbn"]
    unbounded = specs([{"name": "counts", "fields": {"n": {"type": "integer"}}}])["counts"]
    assert (
        unbounded["fields"][0] | {"min": -(2**31), "max": 2**31 - 1, "bounded": False}
        == (unbounded["fields"][0])
    )


def test_references_know_their_target_and_targets_what_refers_to_them() -> None:
    found = specs(LIBRARY)

    author = next(field for field in found["books"]["fields"] if field["name"] == "author")
    assert (author["column"], author["to_label"], author["to_class"]) == (
        "author_id",
        "author",
        "Author",
    )
    assert [shown["name"] for shown in author["embedded"]] == ["name"]
    assert found["authors"]["referenced_by"] == [
        {"resource": "books", "field": "author", "on_delete": "restrict"}
    ]
    assert found["books"]["referenced_by"] == [
        {"resource": "loans", "field": "book", "on_delete": "restrict"}
    ]
    assert [field["name"] for field in found["loans"]["references"]] == ["book", "borrower"]


def test_with_auth_an_owner_is_the_caller_not_a_checked_reference() -> None:
    assert specs(LIBRARY)["loans"]["checked_references"] == ["book", "borrower"]
    assert specs(LIBRARY, "auth")["loans"]["checked_references"] == ["book"]
    # The notes' only reference is their author: nothing is left to check.
    assert specs(NOTES, "auth")["notes"]["reference_rules"] is False
    # A resource others refer to has rules to test, whatever it refers to.
    assert specs(LIBRARY, "auth")["authors"]["reference_rules"] is True


def test_each_field_that_filters_gives_its_list_the_parameters_of_its_type() -> None:
    (books,) = specs(
        [
            {
                "name": "books",
                "order": "-price",
                "fields": {
                    "price": {"type": "decimal", "digits": 5, "places": 2, "filter": True},
                    "due_on": {"type": "date", "optional": True, "filter": True},
                    "format": {"type": "choice", "choices": ["a", "b"], "filter": True},
                    "author": {"type": "reference", "to": "users", "filter": True},
                    "title": {"type": "string", "max_length": 9, "sort": True},
                },
            }
        ]
    ).values()

    assert [(param["name"], param["op"]) for param in books["filters"]] == [
        ("price_min", ">="),
        ("price_max", "<="),
        ("due_on_from", ">="),
        ("due_on_before", "<"),
        ("has_due_on", "present"),
        ("format", "=="),
        ("author_id", "=="),
    ]
    assert books["sorts"] == ["title"]
    assert books["order"] == "-price"
