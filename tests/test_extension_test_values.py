"""A resource's values for its factories and tests (extensions/test_values.py), on their own."""

from typing import Any

from tests.harness import LIBRARY, load_extension, resource_specs

values = load_extension("test_values")
BY_NAME = resource_specs(LIBRARY, "auth")
BOOKS = BY_NAME["books"]
LOANS = BY_NAME["loans"]


def _field(resource: dict[str, Any], name: str) -> dict[str, Any]:
    field: dict[str, Any] = next(f for f in resource["fields"] if f["name"] == name)
    return field


def test_examples_are_valid_values_unique_where_they_must_be() -> None:
    assert values.example(_field(BOOKS, "title")) == 'unique_text(number, 1, 200, "Title")'
    assert values.example(_field(BOOKS, "pages")) == "1"
    assert values.example(_field(BOOKS, "price")) == '"1.00"'
    assert values.example(_field(BOOKS, "in_print")) == "False"
    assert values.example(_field(BOOKS, "format")) == '"ebook"'
    assert values.longest(_field(BOOKS, "isbn")) == 'unique_text(number, 13, 13, "Isbn")'


def test_decimals_are_written_with_exactly_their_places() -> None:
    assert values.decimal_text(_field(BOOKS, "price"), 1) == '"1.00"'


def test_invalid_cases_name_their_column_and_reason() -> None:
    cases = values.invalid_cases(_field(BOOKS, "pages"), creating=True).splitlines()

    assert cases[0] == '    pytest.param({"pages": 0}, id="pages-below-min"),'
    assert '    pytest.param({"pages": 100001}, id="pages-above-max"),' in cases
    assert not any("null" in case for case in cases)
    required = values.invalid_cases(_field(BOOKS, "title"), creating=True)
    assert 'id="title-left-out"' in required
    assert "left-out" not in values.invalid_cases(_field(BOOKS, "title"), creating=False)


def test_an_owned_resources_invalid_bodies_name_its_owner_with_auth() -> None:
    bodies = values.invalid_bodies(LOANS, True, True)

    assert '    pytest.param({"borrower_id": 1}, id="borrower-named-in-the-body"),\n' in bodies
    assert bodies.endswith('    pytest.param({"unknown_field": 1}, id="unknown-field"),')


def test_a_test_opens_with_its_row_and_who_may_change_it() -> None:
    assert values.arrange(BOOKS) == (
        "    book = await create_book(client)\n    headers = await caller_headers(client)\n"
    )
    assert values.new_body(LOANS).startswith("    borrower = await create_user(client)\n")
    assert values.creator(list(BY_NAME.values()), "loans") == "create_loan"


def test_shows_asserts_a_row_shows_what_its_body_gave_it() -> None:
    lines = values.shows(BOOKS, True, "row", "body").splitlines()

    assert '    assert row["title"] == body["title"]' in lines
    assert '    assert timestamp(row["published_at"]) == timestamp(body["published_at"])' in lines
    assert '    assert row["author"]["id"] == body["author_id"]' in lines


def test_fields_left_out_take_their_defaults_or_none() -> None:
    assert values.left_out(BOOKS).splitlines() == [
        '        "format": OMITTED,',
        '        "in_print": OMITTED,',
        '        "summary": OMITTED,',
        '        "pages": OMITTED,',
        '        "published_at": OMITTED,',
    ]
    assert values.defaults_taken(BOOKS).splitlines() == [
        '    assert response.json()["format"] == "paperback"',
        '    assert response.json()["in_print"] is True',
        '    assert response.json()["summary"] == ""',
        '    assert response.json()["pages"] is None',
        '    assert response.json()["published_at"] is None',
    ]
    assert values.left_out(BY_NAME["authors"] | {"fields": []}) == ""


def test_the_longest_texts_are_each_fields_maximum() -> None:
    assert [field["name"] for field in values.texts(BOOKS)] == ["title", "isbn", "summary"]
    assert values.longest_texts(BOOKS).splitlines()[1] == (
        '        "isbn": unique_text(number, 13, 13, "Isbn"),'
    )


def test_a_patch_changes_the_first_text_or_else_a_boolean() -> None:
    assert values.patched(BOOKS)["name"] == "title"
    assert values.change(BOOKS) == '    change = {"title": (await book_body(client))["title"]}'
    assert (
        values.change(LOANS)
        == '    change = {"due_on": (await loan_body(client, borrower))["due_on"]}'
    )


def test_creating_a_row_runs_a_lookup_per_reference_only_on_orm_sqlite() -> None:
    on_sqlite = values.statements_creating(BOOKS, "orm", "sqlite", []).splitlines()
    on_core = values.statements_creating(BOOKS, "core", "sqlite", []).splitlines()

    assert on_sqlite[0].startswith("    # SQLite names no foreign key")
    assert on_sqlite[-1] == (
        '    expected = (["SELECT"] if headers else []) + ["SELECT", "INSERT", "SELECT"]'
    )
    assert on_core[-1] == '    expected = (["SELECT"] if headers else []) + ["INSERT"]'
    assert len(on_core) == 2


def test_with_webhooks_creating_a_row_writes_its_event_in_the_same_transaction() -> None:
    lines = values.statements_creating(BOOKS, "core", "postgresql", ["jobs", "webhooks"])

    assert lines.splitlines()[-1] == (
        '    expected = (["SELECT"] if headers else []) + ["INSERT", "INSERT"]'
    )
    assert "the change's event" in lines


def test_a_reference_test_imports_the_factories_of_both_ends() -> None:
    assert values.singular(list(BY_NAME.values()), "books") == "book"
    assert [field["name"] for field in values.listed_by(LOANS)] == ["book"]
    assert values.refuses(BOOKS)
    assert values.reference_factories(BOOKS, list(BY_NAME.values())).splitlines() == [
        "from tests.factories.authors import create_author",
        "from tests.factories.books import book_body, create_book",
        "from tests.factories.loans import create_loan",
    ]
    assert values.theirs(LOANS, values.listed_by(LOANS)[0], "book") == (
        '    theirs = [await create_loan(client, book_id=book["id"]) for _ in range(3)]'
    )
