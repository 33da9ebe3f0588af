"""Who may change an account: anyone, since the service knows no callers."""

from typing import Annotated, Any

from fastapi import Depends, params

from ..schemas.users import UserCreate, UserUpdate

ACCOUNT_CHANGE_RULES: list[params.Depends] = []


# Async, although they await nothing: FastAPI would run plain functions in a worker thread.
async def _new_user(user: UserCreate) -> dict[str, Any]:
    return user.model_dump()


async def _user_changes(changes: UserUpdate) -> dict[str, Any]:
    return changes.model_dump()


# The values each write stores, taken from the request body.
NewUser = Annotated[dict[str, Any], Depends(_new_user)]
UserChanges = Annotated[dict[str, Any], Depends(_user_changes)]
