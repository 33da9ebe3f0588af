"""Routes for users. Who may change an account is up to the access rules, which guard these
routes."""

from fastapi import APIRouter, status

from ..access import CHANGE_REFUSALS
from ..access.users import ACCOUNT_CHANGE_RULES, NewUser, UserChanges
from ..dependencies import DatabaseDep
from ..errors import NotFound, error_responses
from ..pagination import ListWindow
from ..schemas.users import UserId, UserPage, UserPublic

router = APIRouter(prefix="/users", tags=["users"], responses=error_responses(413, 422, 503))


@router.post("", status_code=status.HTTP_201_CREATED, responses=error_responses(409))
async def create_user(user: NewUser, database: DatabaseDep) -> UserPublic:
    """Create a user; the email must not be taken."""
    async with database.single_write() as stores:
        return await stores.users.create(user)


@router.get("")
async def list_users(database: DatabaseDep, window: ListWindow) -> UserPage:
    """List users, oldest first."""
    async with database.read() as stores:
        return await stores.users.page(window)


@router.get("/{user_id:int}", responses=error_responses(404))
async def read_user(user_id: UserId, database: DatabaseDep) -> UserPublic:
    """Return one user."""
    async with database.read() as stores:
        user = await stores.users.get(user_id)
    if user is None:
        raise NotFound("user", user_id)
    return user


@router.patch(
    "/{user_id:int}",
    responses=error_responses(*CHANGE_REFUSALS, 404, 409),
    dependencies=ACCOUNT_CHANGE_RULES,
)
async def update_user(user_id: UserId, changes: UserChanges, database: DatabaseDep) -> UserPublic:
    """Change some of a user's fields."""
    async with database.write() as stores:
        user = await stores.users.update(user_id, changes)
    if user is None:
        raise NotFound("user", user_id)
    return user


@router.delete(
    "/{user_id:int}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*CHANGE_REFUSALS, 404, 409),
    dependencies=ACCOUNT_CHANGE_RULES,
)
async def delete_user(user_id: UserId, database: DatabaseDep) -> None:
    """Delete a user, and with them what they own; not while other rows refer to them."""
    async with database.single_write() as stores:
        deleted = await stores.users.delete(user_id)
    if not deleted:
        raise NotFound("user", user_id)
