"""Copier migration, after every update: the service's Alembic revisions end in one head.

A release may add revisions whose parent is the template's previous head while the owner has
added revisions of their own on that same head: the history then has two heads, and
`alembic upgrade head` refuses to run. This step asks the service's own Alembic for its heads
and, when there are several, has it write a merge revision whose parents are all of them
(`alembic merge heads`), as Alembic does for two lines of development. No revision is edited
or removed; on a database where the owner's revisions are applied, the release's run after
them. With one head, it does nothing, so running it twice changes nothing the second time.

If the service's revisions cannot be read (a conflict the update left in `migrations/` or in
`pyproject.toml`), it says what to run once the conflicts are resolved, and leaves the rest
of the update as it is.

Usage: every_update_one_alembic_head.py <the template version updated to>
"""

import os
import subprocess
import sys

_BY_HAND = (
    "Once the update's conflicts are resolved, run `uv run alembic heads`; if it lists more "
    'than one, `uv run alembic merge heads -m "Merge heads"` joins them.'
)


def _alembic(*args: str) -> subprocess.CompletedProcess[str]:
    """`uv run alembic <args>` in the service's own environment (not Copier's)."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    return subprocess.run(
        ["uv", "run", "--quiet", "alembic", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def _first_error(output: str) -> str:
    """The line that says what went wrong: uv's or Python's error, else the last line."""
    lines = [line.strip() for line in output.splitlines() if line.strip()] or ["(no output)"]
    errors = [line for line in lines if line.lower().startswith(("error", "failed"))]
    return errors[0] if errors else lines[-1]


def _warn(reason: str) -> None:
    print(f"Alembic heads not checked: {reason}\n{_BY_HAND}", file=sys.stderr)


def main(version: str) -> int:
    try:
        listed = _alembic("heads")
    except FileNotFoundError:
        _warn("uv is not on PATH.")
        return 0
    if listed.returncode != 0:
        _warn(f"`alembic heads` failed: {_first_error(listed.stderr)}")
        return 0
    heads = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    if len(heads) < 2:
        return 0
    merged = _alembic("merge", "heads", "-m", f"Merge heads after the update to {version}")
    if merged.returncode != 0:
        _warn(f"`alembic merge heads` failed: {merged.stderr.strip()}")
        return 1
    written = [line for line in merged.stdout.splitlines() if line.startswith("Generating ")]
    print(
        f"The service's Alembic revisions had {len(heads)} heads ({', '.join(heads)}): the "
        "update added revisions beside yours. Alembic joined them in a merge revision.\n"
        + "\n".join(written)
        + "\nCommit it with the update, then run `uv run alembic upgrade head`.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
