"""Services as teams keep them: copied from the template's URL, updated by the service's script.

The template is reached as a remote is, through the `file://` URL of a bare clone whose releases
are tagged; Copier reads versions from those tags.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.harness import TEMPLATE_ROOT, UV, command_env, load_by_path
from tests.releases import ReleaseClone, git
from tests.updates import CONFLICT_START, commit, copy

ANSWERS = {"project_name": "Fleet member", "features": ["github_actions"]}
SCRIPT = Path("scripts/template_update.py")
# The suffix of the release `next_release` adds after this one.
NEXT = ".post1"
# The Copier these tests run: the update script's own (`uvx --with copier-template-extensions
# ... copier`, as the README documents it), which the script runs too, so that the twin the
# tests update by hand and the script's update run the same Copier.
COPIER = load_by_path(TEMPLATE_ROOT / "template" / "scripts" / "template_update.py").DEFAULT_COPIER


def copier_cli(*args: str, cwd: Path) -> str:
    done = subprocess.run(
        [*shlex.split(COPIER), *args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"copier {' '.join(args)} failed:\n{done.stdout}{done.stderr}"
    return done.stdout


def _env(**overrides: str) -> dict[str, str]:
    path = f"{Path(UV).parent}{os.pathsep}{os.environ['PATH']}"
    env = command_env(PATH=path, **overrides)
    # The script runs its own default Copier, never one this environment names.
    env.pop("COPIER", None)
    return env


def answers_of(project: Path) -> dict[str, object]:
    answers: dict[str, object] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def test_a_service_copies_and_updates_through_the_templates_url(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    # A bare repository, as a team's remote is, with the release tags; Copier takes a URL that
    # ends in `.git` (or starts with `git+`) for a git repository's.
    remote = tmp_path / "template.git"
    git(tmp_path, "clone", "--quiet", "--bare", str(release_clone.path), str(remote))
    url = remote.as_uri()
    previous = release_clone.previous.tag
    copier_cli("copy", "--trust", "--defaults", "--vcs-ref", previous, url, "svc", cwd=tmp_path)
    project = tmp_path / "svc"
    assert answers_of(project)["_commit"] == previous
    commit(project, "The service, as copied")
    found = json.loads(copier_cli("check-update", "--output-format", "json", cwd=project))
    assert found["update_available"] is True

    # No --vcs-ref: the newest release, as a team's update finds it.
    copier_cli("update", "--trust", "--defaults", cwd=project)

    assert answers_of(project)["_commit"] == release_clone.current.tag
    assert answers_of(project)["_src_path"] == url


def _changed_and_unchanged(old: Path, new: Path) -> tuple[tuple[Path, str], Path]:
    """A line of `old` that the update to `new` changes, and a Python module it leaves alone."""
    changed, unchanged = None, None
    for path in sorted(old.rglob("*")):
        relative = path.relative_to(old)
        if ".git" in relative.parts or relative.name == ".copier-answers.yml":
            continue
        if not path.is_file() or not (new / relative).is_file():
            continue
        before, after = path.read_text().splitlines(), (new / relative).read_text().splitlines()
        if before == after:
            if unchanged is None and path.suffix == ".py" and before:
                unchanged = relative
        elif changed is None:
            line = next((line for line in before if line.strip() and line not in after), None)
            changed = (relative, line) if line is not None else None
    assert changed is not None, "the update changes no line the owner could have edited"
    assert unchanged is not None
    return changed, unchanged


@pytest.fixture(scope="module")
def next_release(release_clone: ReleaseClone, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The release clone with one more release on top (`NEXT`), which changes a line of every
    service's README: so an update moves lines whatever this release changes."""
    template = tmp_path_factory.mktemp("next") / "template"
    git(template.parent, "clone", "--quiet", "--no-local", str(release_clone.path), str(template))
    readme = template / "template" / "README.md.jinja"
    text = readme.read_text()
    heading = next(line for line in text.splitlines() if line.startswith("## "))
    readme.write_text(text.replace(heading, f"{heading} (as the next release has it)", 1))
    commit(template, "The next release")
    git(template, "tag", f"v{release_clone.current.version}{NEXT}")
    return template


def _owners_service(
    release_clone: ReleaseClone, template: Path, tmp_path: Path, *, conflicting: bool
) -> Path:
    """A service from the previous release with the owner's edit, and the update script as the
    service has it from this release on, committed."""
    previous = release_clone.previous.tag
    newest = f"v{release_clone.current.version}{NEXT}"
    project = copy(template, previous, tmp_path / "service", ANSWERS)
    fresh = copy(template, newest, tmp_path / "fresh", ANSWERS)
    (changed, line), unchanged = _changed_and_unchanged(project, fresh)
    if conflicting:
        text = (project / changed).read_text()
        (project / changed).write_text(text.replace(line, f"{line} (the owner's)", 1))
    else:
        with (project / unchanged).open("a") as module:
            module.write("\n\n# The owner's note.\n")
    (project / SCRIPT).parent.mkdir(exist_ok=True)
    shutil.copy(fresh / SCRIPT, project / SCRIPT)
    commit(project, "The owner's work")
    return project


def run_script(project: Path) -> tuple[subprocess.CompletedProcess[str], dict[str, str], str]:
    """Run the service's update script as the workflow does; its result, outputs and summary."""
    outputs, summary = project.parent / "outputs", project.parent / "summary.md"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--summary", str(summary)],
        cwd=project,
        env=_env(GITHUB_OUTPUT=str(outputs)),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == 0, f"the script failed:\n{done.stdout[-4000:]}{done.stderr}"
    pairs = (line.partition("=") for line in outputs.read_text().splitlines())
    return done, {key: value for key, _, value in pairs}, summary.read_text()


def test_the_update_script_commits_what_copier_update_writes(
    release_clone: ReleaseClone, next_release: Path, tmp_path: Path
) -> None:
    project = _owners_service(release_clone, next_release, tmp_path, conflicting=False)
    twin = tmp_path / "twin"
    shutil.copytree(project, twin, symlinks=True)
    base = git(project, "rev-parse", "HEAD").strip()

    _, outputs, summary = run_script(project)

    assert answers_of(project)["_commit"] == f"v{release_clone.current.version}{NEXT}"
    assert outputs["branch"] == f"template-update/{release_clone.current.version}{NEXT}"
    assert outputs["ready"] == "true", summary
    assert git(project, "branch", "--show-current").strip() == outputs["branch"]
    update_commit = git(project, "rev-list", "--reverse", f"{base}..HEAD").split()[0]
    copier_cli("update", "--trust", "--defaults", cwd=twin)
    git(twin, "add", "--all")
    assert git(project, "rev-parse", f"{update_commit}^{{tree}}") == git(twin, "write-tree")
    assert "Every check passed" in summary


def test_the_update_script_lists_conflicts_for_a_draft(
    release_clone: ReleaseClone, next_release: Path, tmp_path: Path
) -> None:
    project = _owners_service(release_clone, next_release, tmp_path, conflicting=True)

    _, outputs, summary = run_script(project)

    assert outputs["ready"] == "false"
    conflicted = git(project, "grep", "-l", "-e", f"^{CONFLICT_START}", "HEAD").split()
    assert conflicted
    for path in conflicted:
        assert f"- `{path.removeprefix('HEAD:')}`" in summary
    assert "The checks did not run." in summary
