"""Every combination of answers renders clean: no leftovers, ruff check and ruff format pass.

Rendering is cheap, so all of them are rendered; the costlier checks run in test_variants.py:
types and the services' own tests on one combination per run-time shape (32), start-up and the
rest on the covering set.
"""

import subprocess
import sys
from pathlib import Path

import pytest
from copier import run_copy

from tests.harness import copy_working_tree, rendered_file_problems
from tests.variants import COMBINATIONS, SUITE_VARIANTS, Variant, runtime_shape

# Files that exist exactly when their feature was chosen.
FEATURE_FILES = {
    "auth": ["src/{package}/auth.py", ".env"],
    "docker": ["Dockerfile", "compose.yaml", ".dockerignore"],
    "github_actions": [".github/workflows/ci.yml", ".github/workflows/template-update.yml"],
    "observability": ["src/{package}/observability.py", "tests/test_observability.py"],
}


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All combinations, rendered side by side from a plain copy of the working tree."""
    # Not a git repository: Copier renders it in place instead of cloning it each time.
    template = copy_working_tree(tmp_path_factory.mktemp("template") / "source")
    root = tmp_path_factory.mktemp("matrix")
    for variant in COMBINATIONS:
        run_copy(str(template), root / variant.id, data=variant.answers, defaults=True, quiet=True)
    return root


def test_the_matrix_has_every_combination() -> None:
    assert len(COMBINATIONS) == 128
    assert len({variant.id for variant in COMBINATIONS}) == 128


@pytest.mark.parametrize("variant", COMBINATIONS, ids=lambda variant: variant.id)
def test_combination_renders_clean(matrix: Path, variant: Variant) -> None:
    project = matrix / variant.id
    files = sorted(path for path in project.rglob("*") if path.is_file())

    problems = rendered_file_problems(project, files)

    assert not problems, "\n".join(problems)
    package = next((project / "src").iterdir()).name
    for feature, paths in FEATURE_FILES.items():
        for path in paths:
            exists = (project / path.format(package=package)).is_file()
            assert exists == (feature in variant.features), path


@pytest.mark.parametrize("command", [["check", "--no-fix"], ["format", "--check"]], ids=str)
def test_every_combination_passes_ruff(matrix: Path, command: list[str]) -> None:
    # One run over all of them; each project's own pyproject.toml configures its files.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, "--output-format", "concise", "."]
        if command[0] == "check"
        else [sys.executable, "-m", "ruff", *command, "."],
        cwd=matrix,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stdout[-8000:] + result.stderr[-2000:]


def test_every_combination_has_one_chain_of_migrations(matrix: Path) -> None:
    # A later migration then has one parent whatever was answered, and changing an answer
    # with `copier update` never slips a revision below ones a database has applied.
    def revisions(project: Path) -> dict[str, str]:
        versions = project / "migrations" / "versions"
        return {path.name: path.read_text() for path in sorted(versions.glob("*.py"))}

    chains = {variant.id: revisions(matrix / variant.id) for variant in COMBINATIONS}
    first = chains[COMBINATIONS[0].id]

    assert [name[:4] for name in first] == ["0001", "0002", "0003"]
    assert all(chain == first for chain in chains.values())


def test_packaging_features_change_no_code(matrix: Path) -> None:
    """`docker` and `github_actions` add files around a service and change nothing in its
    `src/`, `tests/` or `migrations/`: the 128 combinations are 32 different services, and
    each combination is byte for byte the code of one whose own suite runs."""

    def code(project: Path) -> dict[str, bytes]:
        return {
            str(path.relative_to(project)): path.read_bytes()
            for folder in ("src", "tests", "migrations")
            for path in sorted((project / folder).rglob("*"))
            if path.is_file()
        }

    suite_runs = {runtime_shape(variant): variant for variant in SUITE_VARIANTS}
    assert len(suite_runs) == len(SUITE_VARIANTS) == 32
    for variant in COMBINATIONS:
        ran = suite_runs[runtime_shape(variant)]
        assert code(matrix / variant.id) == code(matrix / ran.id), (variant.id, ran.id)
