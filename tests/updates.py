"""Copy a service from a release, make the owner's commits, update it: as an owner would."""

import re
from pathlib import Path
from typing import Any

from copier import run_copy, run_update

from tests.releases import git

# Inline conflict markers, as Copier writes them.
CONFLICT_START = "<<<<<<< before updating"
CONFLICT_END = ">>>>>>> after updating"


def copy(template: Path, ref: str, destination: Path, answers: dict[str, Any]) -> Path:
    # unsafe: the template's Jinja extensions (extensions/) run only when trusted.
    run_copy(
        str(template),
        destination,
        data=answers,
        defaults=True,
        vcs_ref=ref,
        quiet=True,
        unsafe=True,
    )
    return destination


def update(project: Path, ref: str, **options: Any) -> None:
    run_update(
        str(project),
        vcs_ref=ref,
        defaults=True,
        overwrite=True,
        unsafe=True,
        quiet=True,
        **options,
    )


def commit(project: Path, message: str) -> None:
    if not (project / ".git").exists():
        git(project, "init", "--quiet")
    git(project, "add", "--all")
    git(project, "commit", "--quiet", "--allow-empty", "-m", message)


def snapshot(project: Path) -> dict[str, bytes]:
    """The project's files as git sees them, minus what tools add and the template's commit."""
    listed = git(project, "ls-files", "--cached", "--others", "--exclude-standard", "-z")
    files = {}
    for name in filter(None, listed.split("\0")):
        if name == "uv.lock" or not (project / name).is_file():
            continue  # uv's lock file, or a file the update deleted and git still tracks
        content = (project / name).read_bytes()
        if name == ".copier-answers.yml":
            lines = content.splitlines(keepends=True)
            content = b"".join(line for line in lines if not line.startswith(b"commit:"))
        files[name] = content
    return files


def edit_and_commit(project: Path, edits: dict[Path, tuple[str, str]]) -> None:
    """Make the owner's edits, each replacing a text in a file, and commit them."""
    for path, (before, after) in edits.items():
        text = path.read_text()
        assert before in text, f"the scripted edit needs {before!r} in {path}"
        path.write_text(text.replace(before, after, 1))
    commit(project, "The owner's edits")


def files_with_conflicts(project: Path) -> list[str]:
    # Markers open a line; the service may quote them elsewhere (its README, the update script).
    listed = git(project, "grep", "--untracked", "-l", "-e", f"^{CONFLICT_START}", check=False)
    return listed.split()


_CONFLICT = re.compile(
    rf"^{re.escape(CONFLICT_START)}\n.*?^=======\n(.*?)^{re.escape(CONFLICT_END)}\n",
    re.DOTALL | re.MULTILINE,
)


def take_the_update(path: Path) -> None:
    """Resolve each conflict in `path` as an owner who keeps the release's side does."""
    path.write_text(_CONFLICT.sub(r"\1", path.read_text()))
