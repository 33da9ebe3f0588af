"""What every resource's store does with its statements: create, read, list, change and delete
its rows, each read in one statement, and turn the database's refusals into the API's."""

from collections.abc import Mapping
from typing import Any, Generic, cast

from pydantic import BaseModel
from sqlalchemy import CursorResult, Executable, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from .pagination import Window
from .statements import PageT, PublicT, Statements


class RowStore(Generic[PublicT, PageT]):
    """A resource's rows, on the connection or session of one unit of database work."""

    def __init__(
        self, executor: AsyncConnection | AsyncSession, statements: Statements[PublicT, PageT]
    ) -> None:
        self._executor = executor
        self._statements = statements

    async def create(self, values: BaseModel) -> PublicT:
        """Store a new row with `values`; one statement returns it as responses show it."""
        params = values.model_dump()
        row = (await self._write(self._statements.create, params)).one()
        return self._statements.public_row(row)

    async def get(self, row_id: int) -> PublicT | None:
        result = await self._executor.execute(self._statements.by_id, {"_row_id": row_id})
        row = result.one_or_none()
        return None if row is None else self._statements.public_row(row)

    async def page(
        self, window: Window, *, search: str | None = None, owner_id: int | None = None
    ) -> PageT:
        """One page of the rows in id order: every row, or one owner's, matching `search`."""
        query, params = self._statements.listing(window, search=search, owner_id=owner_id)
        rows = (await self._executor.execute(query, params)).all()
        return self._statements.public_page(window, rows)

    async def update(self, row_id: int, changes: BaseModel) -> PublicT | None:
        """Set the fields `changes` holds; None if there is no such row."""
        params = changes.model_dump()
        if params:
            changed = await self._write(self._statements.update, {**params, "_row_id": row_id})
            # The rows it matched, changed or not (the drivers count them so): one or none.
            if not changed.rowcount:
                return None
        return await self.get(row_id)

    async def delete(self, row_id: int) -> bool:
        """Delete a row, and with it what refers to it by a cascading reference."""
        try:
            deleted = await self._executor.scalar(self._statements.delete, {"_row_id": row_id})
        except IntegrityError as error:
            # Only a reference that may not cascade stops a delete.
            raise self._statements.still_referenced(row_id) from error
        return deleted is not None

    async def _write(self, statement: Executable, params: Mapping[str, Any]) -> CursorResult[Any]:
        # The database's constraints decide, not a lookup before the write: two concurrent
        # requests cannot both pass a unique constraint, nor refer to a row being deleted.
        try:
            # A session runs a statement on a table as its connection does: a cursor's result.
            return cast(CursorResult[Any], await self._executor.execute(statement, params))
        except IntegrityError as error:
            refusal = self._statements.refusal(error, params)
            if refusal is None:
                # SQLite does not say which reference failed: find the row that is missing.
                for check, reference in self._statements.reference_checks(params):
                    if not await self._executor.scalar(select(check), params):
                        raise self._statements.unknown(reference, params) from error
                raise
            raise refusal from error
