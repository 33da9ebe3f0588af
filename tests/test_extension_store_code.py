"""A resource's stores as their templates write them (extensions/store_code.py), on their own."""

from tests.harness import LIBRARY, load_extension, resource_specs

stores = load_extension("store_code")


WITH_AUTH = resource_specs(LIBRARY, "auth")
WITHOUT_AUTH = resource_specs(LIBRARY)


def test_referring_names_the_tables_that_restrict_a_delete_each_once() -> None:
    assert stores.referring(WITH_AUTH["books"]) == '["loans"]'
    assert stores.referring(WITH_AUTH["loans"]) == "[]"


def test_users_referring_names_the_resources_that_restrict_a_users_delete() -> None:
    users = {"to": "users", "on_delete": "restrict"}
    specs = [
        {"name": "notes", "references": [users]},
        {"name": "loans", "references": [{"to": "users", "on_delete": "cascade"}]},
        {"name": "books", "references": [users, users]},
    ]

    assert stores.users_referring(specs) == '["books", "notes"]'
    assert stores.users_referring(list(WITH_AUTH.values())) == "[]"


def test_refusal_cases_map_each_constraint_then_the_unnamed() -> None:
    cases = stores.refusal_cases(WITH_AUTH["books"]).splitlines()

    assert cases[:2] == [
        '        case "uq_books_isbn":',
        '            return Taken("book", "isbn")',
    ]
    assert cases[2] == '        case "fk_books_author_id_authors":'
    assert cases[3].startswith("            return UnknownReference(")
    assert cases[-4:] == [
        "        case str(name):",
        "            return BrokenConstraint(name)",
        "        case _:",
        "            return None",
    ]


def test_an_owned_orm_store_checks_its_owner_and_deletes_through_the_session() -> None:
    owned = stores.orm(WITH_AUTH["loans"], "postgresql", ["auth"])
    unowned = stores.orm(WITHOUT_AUTH["loans"], "postgresql", [])

    assert owned["owner"] == {"name": "borrower", "column": "borrower_id"}
    assert "_DELETE" not in owned["statements"]
    assert (
        "from sqlalchemy import ColumnElement, Integer, SQLColumnExpression, bindparam, select\n"
        in owned["imports"]
    )
    assert "changed_by: int | None" in owned["delete_signature"]
    assert "checked in the same transaction" in owned["update_docstring"]
    assert owned["forbidden"].startswith("        raise Forbidden(")
    assert unowned["owner"] is None
    assert "_DELETE = delete(Loan)" in unowned["statements"]
    assert unowned["delete_signature"] == "    async def delete(self, loan_id: int) -> bool:"


def test_an_orm_store_loads_what_it_shows_and_imports_only_the_models_it_reads() -> None:
    books = stores.orm(WITH_AUTH["books"], "postgresql", ["auth"])
    on_sqlite = stores.orm(WITH_AUTH["loans"], "sqlite", ["auth"])

    assert "_SHOWN = (joinedload(Book.author).load_only(Author.name),)" in books["statements"]
    assert "_BY_ID = _BOOKS.where(Book.id == _ROW_ID)" in books["statements"]
    assert 'set_committed_value(book, "author", author)' in books["loaders"]
    assert books["create_loads"] == "\n        await self._load_author(book)"
    assert books["loaders"].startswith("\n    async def _load_author(self, book: Book) -> None:")
    assert "from ..models.authors import Author" in books["imports"]
    # SQLite names no broken foreign key: the store looks every referred row up itself.
    assert on_sqlite["lookups"].startswith('        book_id = fields.get("book_id")')
    assert "from ..models.books import Book" in on_sqlite["imports"]
    assert stores.orm(WITH_AUTH["loans"], "postgresql", ["auth"])["lookups"] == ""
    assert stores.core(WITH_AUTH["loans"], "mariadb", ["auth"])["lookups"] == ""


def test_a_page_narrows_by_its_filters_and_by_each_reference() -> None:
    books = stores.orm(WITH_AUTH["books"], "sqlite", ["auth"])
    authors = stores.core(WITH_AUTH["authors"], "sqlite", ["auth"])
    unnarrowed = stores.core(
        WITH_AUTH["loans"] | {"references": [], "filters": []}, "sqlite", ["auth"]
    )

    assert "filters: BookFilters | None = None" in books["page_signature"]
    assert "author_id: int | None = None" in books["page_signature"]
    assert "conditions.append(Book.author_id == author_id)" in books["page_query"]
    assert "sorted_page(_BOOKS.where(*conditions), window, _SORT_KEYS)" in books["page_query"]
    assert "conditions.append(_matching(filters.q))" in authors["functions"]
    assert "    return authors.c.name.icontains(text, autoescape=True)" in authors["functions"]
    assert unnarrowed["page_query"] == (
        '        listed = _PAGE if window.sort == "id" else sorted_page(_LOANS, window, _SORT_KEYS)'
    )
    assert unnarrowed["page_signature"] == ("    async def page(self, window: Window) -> LoanPage:")


def test_a_core_store_on_mariadb_reads_the_row_again_after_an_update() -> None:
    on_mariadb = stores.core(WITH_AUTH["books"], "mariadb", ["auth"])
    on_postgresql = stores.core(WITH_AUTH["books"], "postgresql", ["auth"])

    assert on_mariadb["returning"] is False
    assert "MariaDB has no UPDATE ..." in on_mariadb["statements"]
    assert on_postgresql["returning"] is True
    assert "    .returning(\n        books," in on_postgresql["statements"]


def test_a_core_store_joins_what_it_shows_and_nests_it_in_responses() -> None:
    books = stores.core(WITH_AUTH["books"], "postgresql", ["auth"])

    assert '_author = authors.alias("author")' in books["statements"]
    assert '_author.c.name.label("author_name"),' in books["statements"]
    assert books["row_fields"] == "_fields(row)"
    assert books["page_rows"] == "[_fields(row) for row in rows]"
    assert '"_author_id": fields["author_id"],' in books["created"]
    assert books["nested"].splitlines()[0] == '    fields["author"] = {'


def test_a_delete_a_restricting_reference_may_refuse_is_guarded() -> None:
    books = stores.core(WITHOUT_AUTH["books"], "postgresql", [])
    loans = stores.core(WITHOUT_AUTH["loans"], "postgresql", [])

    assert books["deleting"].splitlines()[0] == "        try:"
    assert 'raise StillReferenced("book", book_id, ["loans"]) from error' in books["deleting"]
    assert loans["deleting"] == (
        '        deleted = await self.connection.scalar(_DELETE, {"_row_id": loan_id})'
    )
