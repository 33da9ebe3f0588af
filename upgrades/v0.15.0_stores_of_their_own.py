"""Copier migration to 0.15.0: each store holds its own statements (ORM stores load and write
entities, Core stores show their SQL), and `Database` with `Stores` is `database.py`.

Run after the update, it puts back each removed module its owner had edited, as a conflict
(see `moved_modules.py`). The engine's module, which was `database.py`, is `engine.py`: Copier
merges an owner's edits to it into the new `database.py`, where they stand as conflicts.

Usage: v0.15.0_stores_of_their_own.py <package name>
"""

import sys
from pathlib import Path

from moved_modules import keep_edited


def moved(package: str) -> dict[str, str]:
    """The modules 0.15.0 removed, and where their contents went."""
    return {
        f"src/{package}/transaction.py": f"src/{package}/database.py (Database and Stores)",
        f"src/{package}/statements.py": f"src/{package}/stores/: each store's own statements, "
        "and what its refused writes mean",
        f"src/{package}/row_store.py": f"src/{package}/stores/: each store's own create, get, "
        "page, update and delete",
    }


if __name__ == "__main__":
    what = "0.15.0 moved this module's work into each store and database.py"
    for path in keep_edited(moved(sys.argv[1]), Path(), what):
        print(f"kept your edited {path} as a conflict: 0.15.0 moved its contents", file=sys.stderr)
