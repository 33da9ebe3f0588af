"""Every combination of answers renders clean: no leftovers, ruff check and ruff format pass.

Rendering is cheap, so all of them are rendered; the costlier checks run in test_variants.py:
types and the services' own tests on one combination per run-time shape of SQLite and
PostgreSQL with offsets (16) and on the covering variants of MariaDB and of cursor pagination,
start-up and the rest on the covering set.
"""

import subprocess
import sys
from dataclasses import replace
from fnmatch import fnmatch
from pathlib import Path

import pytest
from copier import run_copy

from tests.harness import copy_working_tree, rendered_file_problems
from tests.variants import (
    BASE_VARIANTS,
    COMBINATIONS,
    FEATURES,
    SAMPLED_DATABASES,
    SAMPLED_PAGINATIONS,
    SUITE_VARIANTS,
    VARIANTS,
    Variant,
    runtime_shape,
)

# Files that exist exactly when their feature was chosen.
FEATURE_FILES = {
    "auth": ["src/{package}/auth.py", ".env"],
    "docker": ["Dockerfile", "compose.yaml", ".dockerignore"],
    "github_actions": [".github/workflows/ci.yml", ".github/workflows/template-update.yml"],
    "jobs": [
        "src/{package}/broker.py",
        "src/{package}/job_settings.py",
        "src/{package}/jobs.py",
        "src/{package}/outbox.py",
        "src/{package}/stores/outbox.py",
        "src/{package}/worker.py",
        "tests/jobs.py",
        "tests/test_jobs.py",
    ],
    "webhooks": [
        "src/{package}/webhook_settings.py",
        "src/{package}/webhooks.py",
        "src/{package}/routers/webhooks.py",
        "src/{package}/schemas/webhooks.py",
        "src/{package}/stores/webhooks.py",
        "tests/test_webhooks.py",
    ],
    "observability": [
        "src/{package}/observability.py",
        "src/{package}/tracing.py",
        "src/{package}/worker_metrics.py",
        "tests/test_observability.py",
        "tests/test_tracing.py",
    ],
}


# The combinations with `jobs`: each database and data-access choice with no other feature, and
# the covering variants, with all of them. Each has its twin without `jobs` among COMBINATIONS.
JOBS_COMBINATIONS = [
    *(replace(variant, features=("jobs",)) for variant in BASE_VARIANTS),
    *(variant for variant in VARIANTS if "jobs" in variant.features),
]
RENDERED = [*COMBINATIONS, *JOBS_COMBINATIONS]


@pytest.fixture(scope="session")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """All combinations, rendered side by side from a plain copy of the working tree."""
    # Not a git repository: Copier renders it in place instead of cloning it each time.
    template = copy_working_tree(tmp_path_factory.mktemp("template") / "source")
    root = tmp_path_factory.mktemp("matrix")
    for variant in RENDERED:
        run_copy(
            str(template),
            root / variant.id,
            data=variant.answers,
            defaults=True,
            quiet=True,
            unsafe=True,
        )
    return root


def test_the_matrix_has_every_combination() -> None:
    assert len(COMBINATIONS) == 192
    assert len({variant.id for variant in COMBINATIONS}) == 192


@pytest.mark.parametrize("variant", RENDERED, ids=lambda variant: variant.id)
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

    assert list(first) == ["0001_schema.py"]
    assert all(chain == first for chain in chains.values())


def _code(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for folder in ("src", "tests", "migrations")
        for path in sorted((project / folder).rglob("*"))
        if path.is_file()
    }


def test_packaging_features_change_no_code(matrix: Path) -> None:
    """`docker` and `github_actions` add files around a service and change nothing in its
    `src/`, `tests/` or `migrations/`: the 192 combinations are 48 different services, and
    each combination of SQLite or PostgreSQL with offsets is byte for byte the code of one whose
    own suite runs."""
    shapes = {runtime_shape(variant): variant for variant in COMBINATIONS}
    suite_runs = {runtime_shape(variant): variant for variant in SUITE_VARIANTS}
    assert len(shapes) == 48
    assert len(suite_runs) == len(SUITE_VARIANTS) == 22
    for variant in COMBINATIONS:
        twin = suite_runs.get(runtime_shape(variant), shapes[runtime_shape(variant)])
        if "jobs" in twin.features:
            # A covering variant: the same code but for the jobs' seams (proven below).
            _seams_beside_twin(matrix, twin, variant, _JOBS_SEAMS)
            continue
        assert _code(matrix / variant.id) == _code(matrix / twin.id), (variant.id, twin.id)


def _seams_beside_twin(
    matrix: Path, variant: Variant, twin: Variant, seams: set[str]
) -> dict[str, bytes]:
    """Assert that `variant`'s code differs from `twin`'s only in `seams` (paths, or patterns
    of them, in which `{package}` and `{layer}` are filled in); return what `variant` has in
    those that are paths."""
    code, twin_code = _code(matrix / variant.id), _code(matrix / twin.id)
    package = next((matrix / variant.id / "src").iterdir()).name
    layer = "models" if variant.data_access == "orm" else "tables"
    paths = {path.format(package=package, layer=layer) for path in seams}
    differing = {
        path for path in code.keys() | twin_code.keys() if code.get(path) != twin_code.get(path)
    }
    unseamed = {path for path in differing if not any(fnmatch(path, seam) for seam in paths)}
    assert not unseamed, (variant.id, sorted(unseamed))
    return {path: code[path] for path in paths if path in code}


# Where a MariaDB service's code differs from the PostgreSQL service of the same answers: its
# database modules, and the tests and indexes of what PostgreSQL alone has.
_MARIADB_SEAMS = {
    "src/{package}/create_database.py",
    "src/{package}/database_settings.py",
    "src/{package}/engine.py",
    "src/{package}/integrity.py",
    "src/{package}/{layer}/notes.py",
    # A Core store reads a row again after its UPDATE: MariaDB has no UPDATE ... RETURNING.
    "src/{package}/stores/notes.py",
    "tests/databases.py",
    "tests/test_database_faults.py",
    "tests/test_database_outages.py",
    "tests/test_notes_search.py",
    "tests/test_round_trips.py",
    "tests/test_settings.py",
}


def test_mariadb_differs_from_postgresql_only_in_its_database_modules(matrix: Path) -> None:
    """Each MariaDB combination is its PostgreSQL twin but for the seams, and each seam of its
    code is one file whatever else was answered, but the data-access choice: the suites of
    MariaDB's covering variants run every line of service code that no PostgreSQL suite runs."""
    seam_versions: dict[tuple[str, str], set[bytes]] = {}
    for variant in COMBINATIONS:
        if variant.database not in SAMPLED_DATABASES:
            continue
        twin = replace(variant, database="postgresql")
        for path, code in _seams_beside_twin(matrix, variant, twin, _MARIADB_SEAMS).items():
            # A store follows the features too (with `auth`, its owner check): its MariaDB
            # lines are the same in each, and suites run it with and without `auth`.
            if path.startswith("src/") and "/stores/" not in path:
                seam_versions.setdefault((variant.data_access, path), set()).add(code)
    assert seam_versions
    for (data_access, path), versions in seam_versions.items():
        assert len(versions) == 1, (data_access, path)


# Where a service with cursor pagination differs from the one with offsets of the same answers:
# its pagination module, the tests of it, and the factories' walk through a list's pages.
_CURSOR_SEAMS = {
    "src/{package}/pagination.py",
    "tests/factories/__init__.py",
    "tests/test_pagination.py",
    # Each resource's list tests: cursors of another sort, and forged ones, are refused.
    "tests/test_*_lists.py",
}


def test_cursor_pagination_differs_from_offsets_only_in_its_module(matrix: Path) -> None:
    """Each combination with cursor pagination is its twin with offsets but for the seams, and
    its pagination module is one file whatever else was answered: the suites run with cursors
    (the covering variants', the specs') run every line of service code that no suite with
    offsets runs, with every database, both data-access choices and every feature."""
    modules = set()
    for variant in COMBINATIONS:
        if variant.pagination not in SAMPLED_PAGINATIONS:
            continue
        twin = replace(variant, pagination="offset")
        seams = _seams_beside_twin(matrix, variant, twin, _CURSOR_SEAMS)
        modules.update(code for path, code in seams.items() if path.startswith("src/"))
    assert len(modules) == 1
    sampled = [variant for variant in SUITE_VARIANTS if variant.pagination in SAMPLED_PAGINATIONS]
    assert {variant.database for variant in sampled} == {"sqlite", "postgresql", "mariadb"}


# The modules a service with `jobs` has of its own (with `observability` too, its metrics and
# traces).
_JOBS_MODULES = {
    "src/{package}/job_observability.py",
    "src/{package}/broker.py",
    "src/{package}/job_settings.py",
    "src/{package}/jobs.py",
    "src/{package}/outbox.py",
    "src/{package}/worker.py",
    "src/{package}/{layer}/outbox.py",
    "src/{package}/stores/outbox.py",
}
# The modules `webhooks` adds (the covering variants, which have `jobs`, have it too).
_WEBHOOKS_MODULES = {
    "src/{package}/access/webhooks.py",
    "src/{package}/routers/webhooks.py",
    "src/{package}/schemas/webhooks.py",
    "src/{package}/webhook_settings.py",
    "src/{package}/webhooks.py",
    "src/{package}/{layer}/webhooks.py",
    "src/{package}/stores/webhooks.py",
}
# Where it differs from the service without `jobs` of the same answers: those modules; where the
# service takes them in (the outbox's store among the stores, its model or table in the package,
# the database that hands jobs over in the application, the jobs' settings in the service's);
# the outbox's table, made with the others; and the tests of it. With `webhooks`, its modules,
# the routes that emit each change's event and the tests that count a creation's statements.
_JOBS_SEAMS = {
    *_WEBHOOKS_MODULES,
    "src/{package}/routers/notes.py",
    "tests/test_notes.py",
    "tests/test_webhooks.py",
    *_JOBS_MODULES,
    "src/{package}/database.py",
    "src/{package}/{layer}/__init__.py",
    "src/{package}/main.py",
    "src/{package}/settings.py",
    "migrations/versions/0001_schema.py",
    "tests/jobs.py",
    "tests/test_jobs.py",
    "tests/test_job_observability.py",
}


def test_jobs_differ_from_their_twins_only_in_their_modules(matrix: Path) -> None:
    """Each combination with `jobs` is its twin without but for the seams, and each module of
    its own is one file per data-access choice and observability whatever else was answered:
    the covering variants' suites (every database, both data-access choices, `observability`)
    and a spec variant's with `jobs` alone (tests/variants.py) run every line of the jobs'
    code."""
    versions: dict[tuple[str, bool, str], set[bytes]] = {}
    for variant in JOBS_COMBINATIONS:
        twin = replace(variant, features=tuple(f for f in variant.features if f in FEATURES))
        code = _seams_beside_twin(matrix, variant, twin, _JOBS_SEAMS)
        package = next((matrix / variant.id / "src").iterdir()).name
        layer = "models" if variant.data_access == "orm" else "tables"
        observed = "observability" in variant.features
        for module in _JOBS_MODULES:
            path = module.format(package=package, layer=layer)
            if path in code:
                key = (variant.data_access, observed, module)
                versions.setdefault(key, set()).add(code[path])
    # Every module with both data-access choices, with and without observability; the
    # metrics' and traces' only with it.
    assert len(versions) == 2 * (2 * len(_JOBS_MODULES) - 1)
    assert all(len(found) == 1 for found in versions.values()), sorted(versions)
