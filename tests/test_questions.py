"""Answers: defaults work with no input, computed values follow, bad answers write nothing."""

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.harness import render


def _answers(project: Path) -> dict[str, Any]:
    answers: dict[str, Any] = yaml.safe_load((project / ".copier-answers.yml").read_text())
    return answers


def test_defaults_need_no_input(tmp_path: Path) -> None:
    project = render(tmp_path / "service")

    answers = _answers(project)
    assert answers["project_name"] == "My Service"
    assert answers["package_name"] == "my_service"
    assert answers["database"] == "sqlite"
    assert answers["data_access"] == "orm"
    assert (project / "src" / "my_service" / "models" / "users.py").is_file()
    assert not (project / "src" / "my_service" / "tables").exists()
    assert "python_reserved_names" not in answers


def test_package_name_follows_the_project_name(tmp_path: Path) -> None:
    project = render(tmp_path / "service", project_name="Billing -- API (v2)")

    assert _answers(project)["package_name"] == "billing_api_v2"
    assert (project / "src" / "billing_api_v2" / "main.py").is_file()


def test_core_variant_has_tables_not_models(tmp_path: Path) -> None:
    project = render(tmp_path / "service", data_access="core", database="postgresql")

    package = project / "src" / "my_service"
    assert (package / "tables" / "users.py").is_file()
    assert not (package / "models").exists()
    assert "asyncpg" in (project / "pyproject.toml").read_text()
    assert "aiosqlite" not in (project / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ({"project_name": ""}, "project_name must not be empty"),
        ({"project_name": "   "}, "project_name must not be empty"),
        ({"project_name": "x" * 61}, "at most 60 characters"),
        ({"project_name": "two\nlines"}, "one line"),
        ({"package_name": "My-Service"}, "lowercase Python identifier"),
        ({"package_name": "1service"}, "lowercase Python identifier"),
        ({"package_name": "service\n"}, "lowercase Python identifier"),
        ({"package_name": "class"}, "keyword or standard-library"),
        ({"package_name": "json"}, "keyword or standard-library"),
        ({"package_name": "asyncio"}, "keyword or standard-library"),
        ({"package_name": "a" * 41}, "at most 40 characters"),
        ({"project_name": "3D Printing"}, "lowercase Python identifier"),
        ({"description": "x" * 201}, "at most 200 characters"),
        ({"database": "mysql"}, "mysql"),
        ({"data_access": "raw"}, "raw"),
        ({"features": ["auth", "kafka"]}, "kafka"),
        ({"pagination": "page"}, "page"),
        ({"database": "postgresql", "features": ["kubernetes"]}, "kubernetes needs docker"),
        ({"features": ["docker", "kubernetes"]}, "kubernetes needs a database server"),
        ({"features": ["webhooks"]}, "webhooks needs jobs"),
        ({"features": ["jobs", "webhooks"], "resources": []}, "webhooks needs a resource"),
    ],
    ids=[
        "empty-project",
        "blank-project",
        "long-project",
        "multiline-project",
        "package-not-lowercase",
        "package-starts-with-digit",
        "package-trailing-newline",
        "package-keyword",
        "package-stdlib",
        "package-stdlib-asyncio",
        "package-too-long",
        "derived-package-invalid",
        "long-description",
        "unknown-database",
        "unknown-data-access",
        "unknown-feature",
        "unknown-pagination",
        "kubernetes-without-docker",
        "kubernetes-with-sqlite",
        "webhooks-without-jobs",
        "webhooks-without-resources",
    ],
)
def test_bad_answer_is_refused_and_nothing_written(
    tmp_path: Path, answers: dict[str, Any], message: str
) -> None:
    destination = tmp_path / "service"

    with pytest.raises(ValueError, match=message):
        render(destination, **answers)

    assert not destination.exists() or not any(destination.iterdir())


def test_auth_writes_a_random_signing_key_kept_out_of_git_and_answers(tmp_path: Path) -> None:
    first = render(tmp_path / "first", features=["auth"])
    second = render(tmp_path / "second", features=["auth"])

    keys = [
        re.fullmatch(r"JWT_SECRET_KEY=([0-9a-f]{64})", line)
        for project in (first, second)
        for line in (project / ".env").read_text().splitlines()
        if line.startswith("JWT_SECRET_KEY=")
    ]
    assert all(keys)
    first_key, second_key = (match.group(1) for match in keys if match)
    assert first_key != second_key
    assert ".env" in (first / ".gitignore").read_text().splitlines()
    assert first_key not in (first / ".copier-answers.yml").read_text()


def test_without_auth_there_is_no_env_file(tmp_path: Path) -> None:
    project = render(tmp_path / "service", features=["docker", "observability"])

    assert not (project / ".env").exists()
    assert (project / "Dockerfile").is_file()
    assert not (project / ".github").exists()
