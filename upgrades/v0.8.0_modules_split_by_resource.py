"""Copier migration to 0.8.0: modules that held every resource are split, one per resource.

Run after the update, it puts back each removed module its owner had edited, as a conflict
(see `moved_modules.py`).

Usage: v0.8.0_modules_split_by_resource.py <package directory, as src/my_service>
"""

import sys
from pathlib import Path

from moved_modules import keep_edited

# The modules 0.8.0 removed, and where their contents went.
MOVED = {
    "schemas.py": "schemas/users.py and schemas/notes.py (shared types in schemas/base.py; "
    "Health in routers/health.py)",
    "stores.py": "stores/users.py and stores/notes.py (Stores in stores/__init__.py)",
    "models.py": "models/users.py and models/notes.py (Base and Timestamped in models/base.py)",
    "tables.py": "tables/users.py and tables/notes.py (the timestamp columns in "
    "tables/timestamps.py)",
    "db_schema.py": "columns.py (metadata, MAX_ID, UTCDateTime), clock.py (now_in_utc) and "
    "each resource's schemas (column sizes)",
    "params.py": "schemas/users.py (UserId) and schemas/notes.py (NoteId, Search)",
}

if __name__ == "__main__":
    for path in keep_edited(MOVED, Path(sys.argv[1]), "0.8.0 split this module by resource"):
        print(f"kept your edited {path} as a conflict: 0.8.0 moved its contents", file=sys.stderr)
