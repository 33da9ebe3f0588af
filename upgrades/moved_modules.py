"""For the `_migrations` steps of releases that remove modules: Copier deletes a module the
template no longer has, edited or not. `keep_edited` puts back each such module its owner had
edited, as a conflict: the owner's version between conflict markers, and where its contents
went after them. Git lists it as unmerged, and `pre-commit` refuses to commit it until it is
resolved. A module left as the template wrote it stays deleted. Running it twice changes
nothing the second time.
"""

import subprocess
import sys
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml
from copier import run_copy

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


def keep_edited(moved: Mapping[str, str | None], root: Path, what_happened: str) -> list[Path]:
    """Put back the modules of `moved` (paths under `root`, and where their contents went, or
    None if nowhere) that the owner had edited, marked, saying `what_happened` to them;
    return their paths."""
    previous_answers = _before_update(_ANSWERS_FILE)
    if previous_answers is None:
        return []
    answers = yaml.safe_load(previous_answers)
    # The moved modules the last commit had and the update deleted.
    deleted = {}
    for name, destination in moved.items():
        path = root / name
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
            where = (
                f"# {what_happened}; its contents are now in {destination}.\n"
                "# Carry your changes over to them, then delete this file.\n"
                if destination is not None
                else f"# {what_happened}.\n"
                "# Keep what you still need elsewhere, then delete this file.\n"
            )
            path.write_text(
                f"<<<<<<< before updating\n{owners_lines}=======\n{where}>>>>>>> after updating\n"
            )
            _mark_conflict(path.as_posix(), owners, released)
            kept.append(path)
    return kept
