"""Copier migration to 0.10.0: resources come from the answers, and each has a module in every
layer, the access rules and the tests' factories included.

Run after the update, it puts back each removed module its owner had edited, as a conflict
(see `moved_modules.py`).

Usage: v0.10.0_modules_by_resource_from_answers.py <package name>
"""

import sys
from pathlib import Path

from moved_modules import keep_edited


def moved(package: str) -> dict[str, str]:
    """The modules 0.10.0 removed, and where their contents went."""
    return {
        f"src/{package}/access.py": f"src/{package}/access/: what every rule shares in "
        "__init__.py, then users.py and one module per resource",
        "tests/factories.py": "tests/factories/: users and what every factory shares in "
        "__init__.py, then one module per resource",
        "tests/test_note_authors.py": "tests/test_notes.py and tests/test_notes_references.py",
        "tests/test_search_indexes.py": "tests/test_notes_search.py",
    }


if __name__ == "__main__":
    what = "0.10.0 moved this module into a folder of one module per resource"
    for path in keep_edited(moved(sys.argv[1]), Path(), what):
        print(f"kept your edited {path} as a conflict: 0.10.0 moved its contents", file=sys.stderr)
