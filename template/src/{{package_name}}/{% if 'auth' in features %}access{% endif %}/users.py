"""Who may change an account: only its owner. A password is stored only as its hash."""

from typing import Annotated, Any

from fastapi import Depends

from ..auth import CurrentUser
from ..dependencies import DatabaseDep
from ..errors import Forbidden, NotFound
from ..passwords import with_password_hashed
from ..schemas.users import UserCreate, UserId, UserUpdate


async def _only_the_owner(user_id: UserId, caller: CurrentUser, database: DatabaseDep) -> None:
    if user_id == caller.id:
        return
    async with database.read() as stores:
        user = await stores.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    raise Forbidden("users may change and delete only their own account")


ACCOUNT_CHANGE_RULES = [Depends(_only_the_owner)]


async def _new_user(user: UserCreate) -> dict[str, Any]:
    return await with_password_hashed(user.model_dump())


async def _user_changes(changes: UserUpdate) -> dict[str, Any]:
    return await with_password_hashed(changes.model_dump())


# The values each write stores, taken from the request body.
NewUser = Annotated[dict[str, Any], Depends(_new_user)]
UserChanges = Annotated[dict[str, Any], Depends(_user_changes)]
