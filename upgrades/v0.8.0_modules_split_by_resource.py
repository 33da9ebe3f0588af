"""Copier migration to 0.8.0: modules that held every resource are split, one per resource.

Copier deletes a module that the template no longer has, edited or not. This step, run after
the update, puts back each such module that its owner had edited, as a conflict: the owner's
version between conflict markers, where its contents went after them. Git lists it as
unmerged, and `pre-commit` refuses to commit it until it is resolved. A module left as the
template wrote it stays deleted. Running it twice changes nothing the second time.

Usage: v0.8.0_modules_split_by_resource.py <package directory, as src/my_service>
"""

import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import yaml
from copier import run_copy

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
_ANSWERS_FILE = ".copier-answers.yml"


def _git(*args: str, check: bool = True, stdin: str | None = None) -> str:
    result = subprocess.run(
        ["git", *args], capture_output=True, text=True, check=check, input=stdin
    )
    return result.stdout


def _before_update(path: str) -> str | None:
    """The file as the last commit, made before the update, holds it."""
    result = subprocess.run(["git", "show", f"HEAD:{path}"], capture_output=True, text=True)
    return result.stdout if result.returncode == 0 else None


def _as_released(answers: dict[str, Any], destination: Path) -> Path | None:
    """The service as the release it was updated from wrote it, or None if it cannot be had."""
    data = {key: value for key, value in answers.items() if not key.startswith("_")}
    try:
        run_copy(
            answers["_src_path"],
            destination,
            data=data,
            vcs_ref=answers["_commit"],
            defaults=True,
            quiet=True,
            skip_tasks=True,
            unsafe=True,
        )
    except Exception as error:  # any failure means: keep every module
        print(
            f"could not render the previous release ({error}); keeping every moved module",
            file=sys.stderr,
        )
        return None
    return destination


def _mark_conflict(path: str, owners: str, released: str | None) -> None:
    """Record `path` as unmerged, as Copier does for its own conflicts: theirs deleted it."""
    lines = [f"0 {'0' * 40}\t{path}"]
    ours = _git("hash-object", "-w", "--stdin", stdin=owners).strip()
    lines.append(f"100644 {ours} 2\t{path}")
    if released is not None:
        base = _git("hash-object", "-w", "--stdin", stdin=released).strip()
        lines.append(f"100644 {base} 1\t{path}")
    _git("update-index", "--index-info", stdin="\n".join(lines) + "\n")


def migrate(package: Path) -> list[Path]:
    """Put back the moved modules the owner had edited, marked; return their paths."""
    previous_answers = _before_update(_ANSWERS_FILE)
    if previous_answers is None:
        return []
    answers = yaml.safe_load(previous_answers)
    # The moved modules the last commit had and the update deleted.
    deleted = {}
    for name, destination in MOVED.items():
        path = package / name
        owners = _before_update(path.as_posix())
        if owners is not None and not path.exists():
            deleted[path] = (owners, destination)
    kept = []
    with tempfile.TemporaryDirectory() as scratch:
        released_copy = _as_released(answers, Path(scratch)) if deleted else None
        for path, (owners, destination) in deleted.items():
            released = None
            if released_copy is not None and (released_copy / path).is_file():
                released = (released_copy / path).read_text()
                if released == owners:
                    continue  # not edited: its deletion loses nothing
            # The owner's version stays as it was, on lines of its own between the markers.
            owners_lines = owners if owners.endswith("\n") else f"{owners}\n"
            path.write_text(
                "<<<<<<< before updating\n"
                f"{owners_lines}"
                "=======\n"
                f"# 0.8.0 split this module by resource; its contents are now in {destination}.\n"
                "# Carry your changes over to them, then delete this file.\n"
                ">>>>>>> after updating\n"
            )
            _mark_conflict(path.as_posix(), owners, released)
            kept.append(path)
    return kept


if __name__ == "__main__":
    for path in migrate(Path(sys.argv[1])):
        print(f"kept your edited {path} as a conflict: 0.8.0 moved its contents", file=sys.stderr)
