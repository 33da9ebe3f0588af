"""Move this service to its template's newest release, on a branch of its own, for review.

`python3 scripts/template_update.py [--summary FILE]`, by hand or from a scheduled job (with
`github_actions`, `.github/workflows/template-update.yml` runs it weekly); it needs only the
standard library, so that running it leaves the tree as it was. When `copier
check-update` finds a newer release, it switches to the branch `template-update/<version>`,
runs `copier update --trust --defaults` and commits what the update wrote, exactly, conflict
markers included. Without conflicts it then runs the checks CI runs. It says what it found on
stdout, in FILE (the pull request's text) and, on GitHub, in the step's outputs.

Exits 0 when it has nothing to do or has committed an update; 1 when it cannot start (changes
not committed, a template out of reach) or the update itself fails.
"""

import argparse
import json
import os
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

BRANCH_PREFIX = "template-update/"
# `check-update` came with Copier 9.13; the template's Python (its extensions/) needs
# copier-template-extensions beside Copier. COPIER names another Copier to run (a pinned one).
DEFAULT_COPIER = "uvx --with copier-template-extensions --from copier>=9.13,<10 copier"
# What CI checks; the tests include `alembic check` (tests/test_migrations.py).
CHECKS = {
    "lint": ["uv", "run", "ruff", "check"],
    "format": ["uv", "run", "ruff", "format", "--check"],
    "types": ["uv", "run", "mypy"],
    "tests": ["uv", "run", "pytest"],
}


class Stop(Exception):
    """The update cannot go on; the message says why."""


@dataclass
class Update:
    current: str
    latest: str
    conflicts: list[str] = field(default_factory=list)
    failed_checks: list[str] = field(default_factory=list)

    @property
    def branch(self) -> str:
        return f"{BRANCH_PREFIX}{self.latest}"

    @property
    def ready(self) -> bool:
        """Whether it can be reviewed as it is: no conflicts, and every check passed."""
        return not self.conflicts and not self.failed_checks

    @property
    def title(self) -> str:
        return f"Update from the template's {self.current} to {self.latest}"


def copier(*args: str) -> list[str]:
    return [*shlex.split(os.environ.get("COPIER", DEFAULT_COPIER)), *args]


def captured(command: list[str]) -> str:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise Stop(f"`{shlex.join(command)}` failed:\n{done.stdout}{done.stderr}")
    return done.stdout


def git(*args: str) -> str:
    return captured(["git", *args])


def newer_release() -> Update | None:
    found = json.loads(captured(copier("check-update", "--output-format", "json")))
    if not found["update_available"]:
        print(f"Up to date: the template's {found['current_version']} is its newest release.")
        return None
    return Update(current=found["current_version"], latest=found["latest_version"])


def apply(update: Update) -> None:
    """Update on the update's branch, and commit what Copier wrote."""
    git("switch", "--quiet", "-C", update.branch)
    done = subprocess.run(copier("update", "--trust", "--defaults"), check=False)
    if done.returncode != 0:
        raise Stop(f"`copier update` failed with status {done.returncode}; see above")
    # Copier leaves each file it could not merge unmerged in git's index.
    update.conflicts = git("diff", "--name-only", "--diff-filter=U").split()
    git("add", "--all")
    git("commit", "--quiet", "--allow-empty", "-m", update.title)


def check(update: Update) -> None:
    """Run CI's checks on the update; a committed lock file they changed gets a commit too."""
    for name, command in CHECKS.items():
        print(f"--- {name}: {shlex.join(command)}", flush=True)
        if subprocess.run(command, check=False).returncode != 0:
            update.failed_checks.append(name)
    if git("ls-files", "--", "uv.lock").strip() and git("diff", "--name-only", "--", "uv.lock"):
        git("commit", "--quiet", "-m", "Lock the dependencies of the update", "--", "uv.lock")


def summary(update: Update) -> str:
    lines = [
        f"{update.title}, by `copier update --trust --defaults`: see the template's CHANGELOG",
        "for what changed. Review new files in `migrations/versions/` before they run on a",
        "database that matters.",
        "",
    ]
    if update.conflicts:
        lines += [
            "**Conflicts**: the template and this service changed the same lines. Resolve each",
            "between `<<<<<<< before updating` and `>>>>>>> after updating`, then mark the pull",
            "request ready. The checks did not run.",
            "",
            *(f"- `{path}`" for path in update.conflicts),
        ]
    elif update.failed_checks:
        lines.append(f"**Failed checks**: {', '.join(update.failed_checks)}. Fix them here.")
    else:
        lines.append(f"Every check passed: {', '.join(CHECKS)}.")
    return "\n".join(lines) + "\n"


def report(update: Update | None, summary_file: Path | None) -> None:
    outputs = {"branch": "", "ready": "false", "title": ""}
    if update is not None:
        text = summary(update)
        print(text, end="")
        if summary_file is not None:
            summary_file.write_text(text)
        outputs = {
            "branch": update.branch,
            "ready": str(update.ready).lower(),
            "title": update.title,
        }
    if github_output := os.environ.get("GITHUB_OUTPUT"):
        with Path(github_output).open("a") as lines:
            lines.writelines(f"{key}={value}\n" for key, value in outputs.items())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.partition("\n")[0])
    parser.add_argument("--summary", type=Path, help="write the pull request's text here")
    options = parser.parse_args()
    try:
        if git("status", "--porcelain").strip():
            raise Stop("commit or stash your changes first: the update needs a clean tree")
        update = newer_release()
        if update is not None:
            apply(update)
            if not update.conflicts:
                check(update)
    except Stop as stop:
        print(f"template_update: {stop}", file=sys.stderr)
        return 1
    report(update, options.summary)
    return 0


if __name__ == "__main__":
    sys.exit(main())
