"""Releases of this template: listed in CHANGELOG.md, found in git history, tagged in a clone.

A release is the commit that dates its CHANGELOG section (`## 1.2.0 (2026-01-31)`); the version
under work is the topmost section, `(unreleased)`, and `pyproject.toml` carries its version.
Nothing here relies on git tags: CI and users' clones may have none. Tags are made only in a
throwaway clone, because Copier reads template versions from tags.
"""

import re
import shutil
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.version import InvalidVersion, Version

from tests.harness import TEMPLATE_ROOT, copy_working_tree

# The first release whose new services start from a revision of their own (0001_schema.py);
# services made before it keep the template's first revisions.
OWN_SCHEMA_SINCE = Version("0.15.0")
_HEADING = re.compile(r"^## (?P<version>\S+) \((?P<date>\d{4}-\d{2}-\d{2}|unreleased)\)$")


@dataclass(frozen=True)
class Release:
    version: Version
    released: bool

    @property
    def tag(self) -> str:
        return f"v{self.version}"


def read_changelog(text: str) -> list[Release]:
    """The releases in a CHANGELOG, newest first; malformed headings are an error."""
    releases = []
    for line in text.splitlines():
        if not line.startswith("## "):
            continue
        match = _HEADING.match(line)
        if match is None:
            raise ValueError(f"CHANGELOG heading is not `## <version> (<date>)`: {line!r}")
        try:
            version = Version(match["version"])
        except InvalidVersion as error:
            raise ValueError(f"CHANGELOG version is not PEP 440: {line!r}") from error
        releases.append(Release(version, match["date"] != "unreleased"))
    return releases


def check_changelog(releases: list[Release], project_version: Version) -> None:
    """Newest first, strictly decreasing, only the topmost unreleased, matching pyproject."""
    if not releases:
        raise ValueError("CHANGELOG lists no release")
    versions = [release.version for release in releases]
    if versions != sorted(set(versions), reverse=True):
        raise ValueError(f"CHANGELOG versions are not strictly decreasing: {versions}")
    if any(not release.released for release in releases[1:]):
        raise ValueError("only the topmost CHANGELOG section may be unreleased")
    if releases[0].version != project_version:
        raise ValueError(
            f"pyproject.toml says {project_version}, the CHANGELOG's top is {releases[0].version}"
        )


def git(repo: Path, *args: str, check: bool = True) -> str:
    """Run git in `repo` as a test identity; return its output."""
    return subprocess.run(
        ["git", "-c", "user.name=Template tests", "-c", "user.email=tests@example.com", *args],
        cwd=repo,
        capture_output=True,
        text=True,
        check=check,
    ).stdout


def release_commit(repo: Path, version: Version) -> str:
    """The oldest commit on HEAD's first-parent line whose CHANGELOG dates `version`."""
    history = git(repo, "rev-list", "--first-parent", "--reverse", "HEAD", "--", "CHANGELOG.md")
    for commit in history.split():
        changelog = git(repo, "show", f"{commit}:CHANGELOG.md")
        for line in changelog.splitlines():
            match = _HEADING.match(line)
            if match and match["date"] != "unreleased" and Version(match["version"]) == version:
                return commit
    raise LookupError(
        f"no commit in the history of {repo} releases {version}; a shallow clone, or a "
        "CHANGELOG entry that was dated in another branch?"
    )


@dataclass(frozen=True)
class ReleaseClone:
    """A clone of this repository with every release and the working tree tagged."""

    path: Path
    previous: Release
    current: Release
    # Every release, newest first; `previous` is the first.
    released: tuple[Release, ...]


def clone_with_releases(destination: Path) -> ReleaseClone:
    """Clone this repository, tag every release, and commit the working tree on top."""
    pyproject = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())
    releases = read_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())
    check_changelog(releases, Version(pyproject["project"]["version"]))
    current, older = releases[0], releases[1:]
    head = git(TEMPLATE_ROOT, "rev-parse", "HEAD").strip()
    if current.released and release_commit(TEMPLATE_ROOT, current.version) != head:
        raise ValueError(
            f"{current.version} is released, yet work follows it: open an (unreleased) section"
        )
    if not older:
        raise LookupError(f"no release precedes {current.version}: nothing to update from")
    commits = {release: release_commit(TEMPLATE_ROOT, release.version) for release in older}

    git(
        TEMPLATE_ROOT.parent, "clone", "--quiet", "--no-local", str(TEMPLATE_ROOT), str(destination)
    )
    for tag in git(destination, "tag", "--list").split():
        git(destination, "tag", "--delete", tag)
    for release, commit in commits.items():
        git(destination, "tag", release.tag, commit)
    # The working tree, uncommitted changes included, becomes the current version.
    for entry in destination.iterdir():
        if entry.name != ".git":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    copy_working_tree(destination)
    git(destination, "add", "--all")
    git(destination, "commit", "--quiet", "--allow-empty", "-m", "Working tree")
    git(destination, "tag", current.tag)
    return ReleaseClone(destination, older[0], current, tuple(older))
