"""What every resource's store shares: its statements, built once from its table, and the
refusals its constraints stand for.

A row is read with what it shows of the rows it refers to, joined in the same statement, and
created by one statement that returns it in the same shape. Statements are built when the
service starts and their values bound per request: SQLAlchemy then finds each one's compiled
form in its cache instead of building and compiling a statement per request.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from pydantic import BaseModel
from sqlalchemy import (
    ColumnElement,
    Exists,
    ForeignKeyConstraint,
    FromClause,
    Integer,
    Select,
    Table,
    UniqueConstraint,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from .errors import BrokenConstraint, ServiceError, StillReferenced, Taken, UnknownReference
from .integrity import broken_constraint
from .pagination import Page, Window, paged

PublicT = TypeVar("PublicT", bound=BaseModel)
PageT = TypeVar("PageT", bound=Page[Any])

# The row a statement reads, changes or deletes, and the owner a list is narrowed to: no column
# takes a name that starts with "_", so these never meet a column's own parameter.
ROW_ID = bindparam("_row_id", type_=Integer)
_OWNER_ID = bindparam("_owner_id", type_=Integer)
# Set by the database, never by a request.
_AUTOMATIC = frozenset({"id", "created_at", "updated_at"})


@dataclass(frozen=True)
class Reference:
    """A field that refers to a row of `to` through the column `<field>_id`; `shown` are that
    row's columns that responses carry beside its id, under the field's name."""

    field: str
    to: Table
    to_label: str
    shown: tuple[str, ...] = ()

    @property
    def column(self) -> str:
        return f"{self.field}_id"


class Statements(Generic[PublicT, PageT]):
    """A resource's statements, and how their rows become its responses."""

    def __init__(
        self,
        table: Table,
        public: type[PublicT],
        page: type[PageT],
        *,
        label: str,
        references: Sequence[Reference] = (),
        searched: Sequence[str] = (),
        owner: str | None = None,
    ) -> None:
        self.table = table
        self.label = label
        self.references = tuple(references)
        self._public = public
        self._page = page
        self._searched = tuple(table.c[name] for name in searched)
        self._owner_key = None if owner is None else table.c[f"{owner}_id"]
        # Every row read holds the row's own columns (less the ids of what it embeds), then for
        # each embedding reference the id and the shown columns of the row it refers to: the
        # order `row_fields` reads them in, by position.
        embedded = tuple(reference for reference in self.references if reference.shown)
        embedded_keys = {reference.column for reference in embedded}
        own = [column for column in table.c if column.key not in embedded_keys]
        self._own = tuple(column.key for column in own)
        joined: FromClause = table
        shown: list[ColumnElement[Any]] = []
        returned: list[ColumnElement[Any]] = []
        embeds: list[tuple[str, int, int, tuple[str, ...]]] = []
        for reference in embedded:
            # Aliased by the field's name, since two fields may refer to the same table.
            target = reference.to.alias(reference.field)
            key = table.c[reference.column]
            joined = joined.join(target, target.c.id == key, isouter=bool(key.nullable))
            start = len(own) + len(shown)
            shown.extend([key, *(target.c[name] for name in reference.shown)])
            embeds.append((reference.field, start, len(own) + len(shown), ("id", *reference.shown)))
            # A new row shows what it refers to too: read by the id the insert is given.
            given = bindparam(reference.column, type_=Integer)
            returned.extend(
                [
                    key,
                    *(
                        select(target.c[name]).where(target.c.id == given).scalar_subquery()
                        for name in reference.shown
                    ),
                ]
            )
        self._embeds = tuple(embeds)
        # Joined in the order written on MariaDB, whose optimizer would otherwise start from the
        # rows referred to and sort the whole join to find one page; in order, a page reads
        # only its own rows, by the key it is ordered by.
        self._shown: Select[Any] = (
            select(*own, *shown).select_from(joined).prefix_with("STRAIGHT_JOIN", dialect="mariadb")
        )
        self.by_id = self._shown.where(table.c.id == ROW_ID)
        self._page_all = paged(self._shown, table.c.id)
        self._page_owned = (
            None
            if self._owner_key is None
            else paged(self._shown.where(self._owner_key == _OWNER_ID), table.c.id)
        )
        writable = [column for column in table.c if column.key not in _AUTOMATIC]
        self.create = (
            insert(table)
            .values({column: bindparam(column.key, type_=column.type) for column in writable})
            .returning(*own, *returned)
        )
        # No RETURNING: MariaDB has none for UPDATE; the store counts the rows it matched.
        self.update = update(table).where(table.c.id == ROW_ID)
        self.delete = delete(table).where(table.c.id == ROW_ID).returning(table.c.id)
        self._reference_exists: dict[str, Exists] = {
            reference.column: exists().where(
                reference.to.c.id == bindparam(reference.column, type_=Integer)
            )
            for reference in self.references
        }
        by_column = {reference.column: reference for reference in self.references}
        self._unique: dict[str, str] = {}
        self._foreign: dict[str, Reference] = {}
        for constraint in table.constraints:
            if not isinstance(constraint, UniqueConstraint | ForeignKeyConstraint):
                continue
            name = str(constraint.name)
            column = next(iter(constraint.columns)).key
            if isinstance(constraint, ForeignKeyConstraint):
                self._foreign[name] = by_column[column]
            elif column in by_column:
                self._unique[name] = by_column[column].field
            else:
                self._unique[name] = column

    def row_fields(self, row: Sequence[Any]) -> dict[str, Any]:
        """A response's fields, from a row that `by_id`, `create` or a list read."""
        fields = dict(zip(self._own, row, strict=False))
        for field, start, end, names in self._embeds:
            shown = row[start:end]
            fields[field] = None if shown[0] is None else dict(zip(names, shown, strict=False))
        return fields

    def public_row(self, row: Sequence[Any]) -> PublicT:
        return self._public.model_validate(self.row_fields(row))

    def public_page(self, window: Window, rows: Sequence[Sequence[Any]]) -> PageT:
        return window.page(self._page, [self.row_fields(row) for row in rows])

    def listing(
        self, window: Window, *, search: str | None, owner_id: int | None
    ) -> tuple[Select[Any], dict[str, Any]]:
        """A list's query and parameters: every row, or one owner's, narrowed by a search."""
        if search is None and owner_id is None:
            return self._page_all, window.params
        params: dict[str, Any] = dict(window.params)
        if owner_id is not None:
            params["_owner_id"] = owner_id
        if search is None:
            if self._page_owned is None:
                raise TypeError(f"a {self.label} has no owner")
            return self._page_owned, params
        # The pattern is escaped as a literal, so a search builds its query per request.
        matching = or_(*(column.icontains(search, autoescape=True) for column in self._searched))
        query = self._shown.where(matching)
        if owner_id is not None and self._owner_key is not None:
            query = query.where(self._owner_key == _OWNER_ID)
        return paged(query, self.table.c.id), params

    def refusal(self, error: IntegrityError, values: Mapping[str, Any]) -> ServiceError | None:
        """What a write the database refused means for the client, when the database named the
        constraint; None when it did not (SQLite, for a foreign key): `reference_checks` then
        find the reference that names no row."""
        name = broken_constraint(error)
        if name is None:
            return None
        if name in self._unique:
            return Taken(self.label, self._unique[name])
        if name in self._foreign:
            return self.unknown(self._foreign[name], values)
        return BrokenConstraint(name)

    def reference_checks(self, values: Mapping[str, Any]) -> list[tuple[Exists, Reference]]:
        """A statement for each reference the write sets: true if the row it names exists."""
        return [
            (self._reference_exists[reference.column], reference)
            for reference in self.references
            if values.get(reference.column) is not None
        ]

    def unknown(self, reference: Reference, values: Mapping[str, Any]) -> UnknownReference:
        return UnknownReference(reference.field, values[reference.column], reference.to_label)

    def still_referenced(self, row_id: int) -> StillReferenced:
        return still_referenced(self.table, self.label, row_id)


def still_referenced(table: Table, label: str, row_id: int) -> StillReferenced:
    """A delete refused because rows elsewhere refer to this one and do not go with it."""
    referring = sorted(
        {
            other.name
            for other in table.metadata.tables.values()
            for key in other.foreign_keys
            if key.column.table is table and key.ondelete != "CASCADE"
        }
    )
    return StillReferenced(label, row_id, referring)
