"""How the templates write a resource's Python (extensions/python_code.py), on its own."""

from typing import Any

from tests.harness import LIBRARY, LIBRARY_BEFORE_LISTS, load_extension, resource_specs

py = load_extension("python_code")


LIBRARY_SPECS = resource_specs(LIBRARY, "auth")
BOOKS = LIBRARY_SPECS["books"]
LOANS = LIBRARY_SPECS["loans"]
# The same resources with no field that filters or sorts: no index beside their columns'.
UNLISTED = resource_specs(LIBRARY_BEFORE_LISTS, "auth")


def _field(resource: dict[str, Any], name: str) -> dict[str, Any]:
    field: dict[str, Any] = next(f for f in resource["fields"] if f["name"] == name)
    return field


def test_names_are_in_ruffs_order_each_once_the_empty_left_out() -> None:
    wanted = ["Path", "", "MAX_ID", "field_validator", "Annotated", "MAX_ID", "DecimalText"]

    assert py.names(wanted) == "MAX_ID, Annotated, DecimalText, Path, field_validator"


def test_names_sort_each_group_ignoring_case() -> None:
    assert py.names(["StringConstraints", "StrictBool", "Stra"]) == (
        "Stra, StrictBool, StringConstraints"
    )


def test_a_call_that_fits_is_one_line_else_one_argument_a_line() -> None:
    assert py.call("f", ["a", "b"], 4, ":") == "    f(a, b):"
    long = ["x" * 40, "y" * 40, "z" * 40]

    assert py.call("def f", long, 0, " -> None:") == (
        f"def f(\n    {long[0]},\n    {long[1]},\n    {long[2]},\n) -> None:"
    )


def test_an_import_too_long_for_a_line_is_wrapped_in_parentheses() -> None:
    imported = ", ".join(f"Name{n:02}" for n in range(16))

    assert py.import_from("..schemas.books", "A, B") == "from ..schemas.books import A, B"
    wrapped = py.import_from("..schemas.books", imported)
    assert wrapped.startswith("from ..schemas.books import (\n    Name00,\n")
    assert wrapped.endswith("    Name15,\n)")


def test_all_list_is_sorted_and_quoted() -> None:
    assert py.all_list(["notes", "Note", "MAX"]) == '__all__ = ["MAX", "Note", "notes"]'


def test_docstrings_wrap_at_the_line_length_less_the_indent() -> None:
    text = " ".join(["word"] * 30)

    wrapped = py.docstring(text, 4)
    assert wrapped.startswith('"""word')
    assert wrapped.endswith('word"""')
    assert all(len(line) <= 94 for line in wrapped.split("\n"))
    assert "\n    word" in wrapped


def test_types_of_a_field_in_requests_responses_and_columns() -> None:
    price = _field(BOOKS, "price")
    published = _field(BOOKS, "published_at")

    assert py.request_type(BOOKS, price) == "BookPrice"
    assert py.request_type(BOOKS, published) == "Moment"
    assert py.response_type(BOOKS, published) == "datetime | None"
    assert py.response_type(BOOKS, _field(BOOKS, "author")) == "BookAuthor"
    assert py.column_type(BOOKS, price) == "ExactDecimal(PRICE_DIGITS, PRICE_PLACES)"
    assert py.mapped_type(_field(BOOKS, "pages")) == "int | None"


def test_literals_and_defaults() -> None:
    assert py.literal(_field(BOOKS, "in_print"), True) == "True"
    assert py.literal(_field(BOOKS, "price"), 1.5) == 'Decimal("1.5")'
    assert py.literal(_field(BOOKS, "title"), "é") == '"é"'
    assert py.default(_field(BOOKS, "format")) == ' = "paperback"'
    assert py.default(_field(BOOKS, "pages")) == " = None"
    assert py.default(_field(BOOKS, "title")) == ""


def test_constants_and_aliases_carry_a_fields_limits() -> None:
    pages = _field(BOOKS, "pages")

    assert py.constants(pages) == "PAGES_MIN = 1\nPAGES_MAX = 100000"
    assert py.constants(_field(BOOKS, "price")) == "PRICE_DIGITS = 8\nPRICE_PLACES = 2\n"
    assert py.alias(BOOKS, pages) == (
        "BookPages = Annotated[int, Field(strict=True, ge=PAGES_MIN, le=PAGES_MAX)]"
    )
    assert py.alias(BOOKS, _field(BOOKS, "format")) == (
        'BookFormat = Literal["hardcover", "paperback", "ebook"]'
    )
    assert py.alias(BOOKS, _field(BOOKS, "title")) == (
        "BookTitle = Annotated[\n    str,\n"
        "    StringConstraints(min_length=1, max_length=TITLE_MAX_LENGTH, pattern=NO_NUL),\n]"
    )


def test_checks_and_column_arguments() -> None:
    pages = _field(BOOKS, "pages")
    author = _field(BOOKS, "author")

    assert py.check(BOOKS, pages, 4) == (
        '    CheckConstraint(\n        column("pages").between(PAGES_MIN, PAGES_MAX),\n'
        '        name="pages_range",\n    ),'
    )
    assert py.check(BOOKS, _field(BOOKS, "title"), 4) == ""
    assert py.column_arguments(BOOKS, author) == [
        'ForeignKey("authors.id", ondelete="RESTRICT")',
        "index=True",
    ]
    assert py.column_args(BOOKS, _field(BOOKS, "isbn"), core=True).split("\x1f") == [
        '"isbn"',
        "String(ISBN_MAX_LENGTH)",
        "nullable=False",
        "unique=True",
    ]


def test_row_docstrings_say_what_a_delete_does_to_a_row() -> None:
    assert py.row_docstring(BOOKS) == (
        "A book. Its author cannot be deleted while a book refers to it."
    )
    assert py.row_docstring(LOANS).startswith("A loan. Its book cannot be deleted")
    assert "Deleting its borrower deletes it." in py.row_docstring(LOANS)


def test_and_list_and_shown_phrase() -> None:
    assert py.and_list([]) == ""
    assert py.and_list(["a"]) == "a"
    assert py.and_list(["a", "b"], "or") == "a or b"
    assert py.and_list(["a", "b", "c"]) == "a, b and c"
    assert py.shown_phrase(BOOKS) == "its author's name"
    assert py.a("author") == "an author"


def test_model_and_table_imports_name_only_what_they_use() -> None:
    model = py.model_imports(BOOKS, "postgresql")
    table = py.table_imports(BOOKS, "sqlite")

    assert model.startswith("from datetime import datetime\nfrom decimal import Decimal\n")
    assert "from .authors import Author" in model
    assert "Index" in model.split("\n")[4]
    assert "Index" not in py.model_imports(UNLISTED["books"], "sqlite")
    assert "Index" in py.model_imports(BOOKS, "sqlite")
    assert table.endswith("from .timestamps import timestamps")
    assert "from ..columns import ExactDecimal, UTCDateTime, metadata" in table


def test_table_args_hold_checks_list_indexes_and_trigram_indexes_on_postgresql() -> None:
    args = py.table_args(BOOKS, "postgresql")

    assert args.startswith("\n    __table_args__ = (\n")
    assert '"ix_books_title_trgm"' in args
    assert args.endswith("    )")
    assert "trgm" not in py.table_args(BOOKS, "sqlite")
    assert py.table_args(UNLISTED["authors"], "sqlite") == ""
    assert py.table_args(LIBRARY_SPECS["authors"], "sqlite") == (
        "\n    __table_args__ = (\n"
        "        # For the lists' filters and sorts: each field, then the id, the\n"
        "        # order pages follow.\n"
        '        Index("ix_authors_name", "name", "id"),\n'
        '        Index("ix_authors_born_on", "born_on", "id"),\n'
        "    )"
    )


def test_a_list_query_holds_the_search_each_filter_and_the_sorts() -> None:
    books = BOOKS | {
        "order": "-price",
        "sorts": ["price"],
        "filters": [
            {"name": "price_min", "op": ">=", "field": {"name": "price", "type": "decimal"}},
            {"name": "in_print", "op": "==", "field": {"name": "in_print", "type": "boolean"}},
        ],
    }

    query = py.list_query(books)

    assert query.startswith("\n\nclass BookFilters(BaseModel):\n")
    assert 'description="Only books whose title or summary contains this"' in query
    assert "price_min: BookPrice | None = Field(" in query
    assert "in_print: bool | None = Field(" in query
    assert 'BookSort = Literal["id", "-id", "price", "-price"]' in query
    assert "class BookListQuery(BookFilters, ListQuery):" in query
    assert '    sort: BookSort = Field(\n        "-price",' in query


def test_a_router_imports_its_schemas_and_the_ids_of_what_it_refers_to() -> None:
    imports = py.router_schema_imports(LOANS, list(LIBRARY_SPECS.values()))

    assert imports.split("\n") == [
        "from ..schemas.books import BookId",
        "from ..schemas.loans import LoanId, LoanListQuery, LoanPage, LoanPublic, LoanReplace, "
        "LoanUpdate",
        "from ..schemas.users import UserId",
    ]
