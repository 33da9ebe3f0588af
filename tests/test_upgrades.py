"""The scripts that `_migrations` runs during `copier update`, and the release bookkeeping."""

import ast
import importlib.util
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from packaging.version import Version

from tests.harness import TEMPLATE_ROOT
from tests.releases import check_changelog, git, read_changelog, release_commit


def _load(script: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("upgrade", TEMPLATE_ROOT / "upgrades" / script)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _CopierYaml(yaml.SafeLoader):
    """Reads copier.yml, leaving Copier's `!include` documents empty."""


_CopierYaml.add_constructor("!include", lambda loader, node: {})


def test_every_migration_script_exists_and_is_versioned() -> None:
    documents = yaml.load_all((TEMPLATE_ROOT / "copier.yml").read_text(), Loader=_CopierYaml)
    migrations = [step for document in documents for step in document.get("_migrations", [])]

    assert migrations
    for step in migrations:
        script = Path(step["command"][1].replace("{{ _copier_conf.src_path }}/", ""))
        assert (TEMPLATE_ROOT / script).is_file(), script
        # A step for one release is named after it; one for every update says so.
        prefix = step["version"] + "_" if "version" in step else "every_update_"
        assert script.name.startswith(prefix), script


def test_timeout_settings_are_renamed_in_env(tmp_path: Path) -> None:
    migrate = _load("v0.2.0_timeout_settings_in_seconds.py").migrate
    env = tmp_path / ".env"
    env.write_text(
        "DATABASE_URL=sqlite+aiosqlite:///./x.db\n"
        "DATABASE_STATEMENT_TIMEOUT=7\n"
        "  export database_pool_timeout = 3\n"
        "READINESS_TIMEOUT_SECONDS=1\n"
        "# READINESS_TIMEOUT=2 stays a comment\n"
    )

    assert migrate(env) is True
    assert env.read_text() == (
        "DATABASE_URL=sqlite+aiosqlite:///./x.db\n"
        "DATABASE_STATEMENT_TIMEOUT_SECONDS=7\n"
        "  export DATABASE_POOL_TIMEOUT_SECONDS = 3\n"
        "READINESS_TIMEOUT_SECONDS=1\n"
        "# READINESS_TIMEOUT=2 stays a comment\n"
    )
    assert migrate(env) is False
    assert migrate(tmp_path / "absent.env") is False


def test_changelog_and_pyproject_agree() -> None:
    pyproject = tomllib.loads((TEMPLATE_ROOT / "pyproject.toml").read_text())
    releases = read_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())

    check_changelog(releases, Version(pyproject["project"]["version"]))


@pytest.mark.parametrize(
    ("changelog", "message"),
    [
        ("## 1.0 (2026-01-01)\n## 1.1 (2025-01-01)\n", "strictly decreasing"),
        ("## 1.1 (unreleased)\n## 1.0 (unreleased)\n", "only the topmost"),
        ("## 1.1 (unreleased)\n", "pyproject.toml says 1.0"),
        ("## banana (2026-01-01)\n", "not PEP 440"),
        ("## 1.0 - 2026-01-01\n", "is not `## <version> (<date>)`"),
    ],
)
def test_malformed_changelog_is_an_error(changelog: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        check_changelog(read_changelog(changelog), Version("1.0"))


def test_every_past_release_is_found_in_history() -> None:
    releases = read_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())

    for release in releases:
        if release.released:
            assert release_commit(TEMPLATE_ROOT, release.version)


_VERSIONS = "template/migrations/versions"


def _revision_code(source: str) -> str:
    """What a revision does: its module less the docstring and comments, prose that may be
    reworded."""
    module = ast.parse(source)
    if module.body and isinstance(module.body[0], ast.Expr):
        module.body = module.body[1:]
    return ast.dump(module)


def test_no_released_revision_is_edited_or_removed() -> None:
    """A revision may have been applied to a database once released: every later release has
    it, doing the same, under the same name (less the answer a file name was once rendered
    on)."""
    current = {
        path.name: _revision_code(path.read_text())
        for path in (TEMPLATE_ROOT / _VERSIONS).glob("*.py")
    }
    releases = read_changelog((TEMPLATE_ROOT / "CHANGELOG.md").read_text())
    copier_yml = (TEMPLATE_ROOT / "copier.yml").read_text()

    for release in (release for release in releases if release.released):
        commit = release_commit(TEMPLATE_ROOT, release.version)
        listed = git(TEMPLATE_ROOT, "ls-tree", "--name-only", f"{commit}:{_VERSIONS}")
        for name in listed.splitlines():
            source = git(TEMPLATE_ROOT, "show", f"{commit}:{_VERSIONS}/{name}")
            if name.endswith(".jinja"):
                # A revision rendered from the answers at copy: its template stays as it was,
                # or, once no copy renders it, updates go on leaving the rendered file alone.
                template = TEMPLATE_ROOT / _VERSIONS / name
                if template.is_file():
                    assert template.read_text() == source, f"{name} changed since {release.tag}"
                    continue
                rendered = re.sub(r"\{%.*?%\}", "", name).removesuffix(".jinja")
                path = f"migrations/versions/{rendered}"
                excluded = f"{{% if _copier_operation == 'update' %}}{path}{{% endif %}}"
                assert excluded in copier_yml, f"{release.tag} has {name}; updates would delete it"
                continue
            rendered = re.sub(r"\{%.*?%\}", "", name)
            assert rendered in current, f"{release.tag} has {rendered}; it is gone"
            assert _revision_code(source) == current[rendered], (
                f"{rendered} changed since {release.tag}"
            )


def test_an_unknown_release_is_an_error() -> None:
    with pytest.raises(LookupError, match=r"releases 99\.0"):
        release_commit(TEMPLATE_ROOT, Version("99.0"))


def test_template_repository_code_is_clean() -> None:
    for command in (["check", "--no-fix"], ["format", "--check"]):
        result = subprocess.run(
            [sys.executable, "-m", "ruff", *command, "tests", "upgrades", "bench"],
            cwd=TEMPLATE_ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
