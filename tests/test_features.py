"""Features whose files no test suite of the service runs: the container and the CI workflow.

No Docker engine or GitHub runner is available here. What can be checked without one is:
real linters pass, the files parse, every file and command they name exists in the rendered
project, and the compose services refer to each other correctly.
"""

import importlib.util
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml

from tests.harness import Service
from tests.variants import VARIANTS, Services, Variant, variant_service

_TOOLS = Path(sys.executable).parent


def _with(feature: str) -> list[Variant]:
    return [variant for variant in VARIANTS if feature in variant.features]


@pytest.fixture(params=_with("docker"), ids=lambda variant: variant.id)
def docker_service(request: pytest.FixtureRequest, services: Services) -> Service:
    return variant_service(request, services, request.param)


@pytest.fixture(params=_with("github_actions"), ids=lambda variant: variant.id)
def workflow_service(request: pytest.FixtureRequest, services: Services) -> Service:
    return variant_service(request, services, request.param)


def _lint(tool: str, *args: str, cwd: Path) -> None:
    result = subprocess.run(
        [str(_TOOLS / tool), *args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _openapi_paths(service: Service) -> set[str]:
    dump = f"import json; from {service.package}.main import app; print(json.dumps(app.openapi()))"
    return set(json.loads(service.run("python", "-c", dump))["paths"])


def test_dockerfile_passes_hadolint(docker_service: Service) -> None:
    _lint("hadolint", "--failure-threshold", "info", "Dockerfile", cwd=docker_service.path)


def test_dockerfile_names_what_the_project_has(docker_service: Service) -> None:
    dockerfile = (docker_service.path / "Dockerfile").read_text()
    instructions = re.findall(r"^(COPY|CMD|HEALTHCHECK)\s+(.*(?:\\\n.*)*)", dockerfile, re.M)

    for instruction, arguments in instructions:
        if instruction == "COPY" and not arguments.startswith("--from"):
            *sources, _ = shlex.split(arguments)
            for source in sources:
                pattern = source.rstrip("*")
                assert list(docker_service.path.glob(source)) or source.endswith("*"), pattern
        if instruction == "CMD":
            # The launcher, which drains on `docker stop`; its module must exist.
            command = json.loads(arguments)
            assert command[:2] == ["python", "-m"]
            assert command[2] == f"{docker_service.package}.serve"
            docker_service.run("python", "-c", f"import {command[2]}")
    health = re.search(r"http://127\.0\.0\.1:8000(/[\w/]+)", dockerfile)
    assert health, "the HEALTHCHECK must probe the service"
    assert health.group(1) == "/health/ready"
    assert health.group(1) in _openapi_paths(docker_service)
    assert re.search(r"^USER \d+$", dockerfile, re.M), "the service must not run as root"


def test_compose_services_refer_to_each_other(docker_service: Service) -> None:
    compose: dict[str, Any] = yaml.safe_load((docker_service.path / "compose.yaml").read_text())
    services = compose["services"]
    volumes = set(compose.get("volumes") or {})

    for name, service in services.items():
        for dependency in service.get("depends_on", {}):
            assert dependency in services, f"{name} depends on unknown {dependency}"
        for mount in service.get("volumes", []):
            source = mount.split(":")[0]
            assert source in volumes or source.startswith(("/", ".")), f"{name}: {mount}"
        if "build" in service:
            assert (docker_service.path / service["build"] / "Dockerfile").is_file()
    assert services["migrate"]["command"] == ["alembic", "upgrade", "head"]
    assert (docker_service.path / "alembic.ini").is_file()
    assert services["app"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    url = services["app"]["environment"]["DATABASE_URL"]
    ports = {"postgresql": 5432, "mariadb": 3306}
    if url.startswith(tuple(ports)):
        assert services["migrate"]["depends_on"]["db"]["condition"] == "service_healthy"
        assert "healthcheck" in services["db"]
        assert f"@db:{ports[url.split('+')[0]]}/" in url
    assert services["migrate"]["environment"] == services["app"]["environment"]


@pytest.mark.parametrize("workflow", ["ci.yml", "template-update.yml"])
def test_workflow_passes_actionlint(workflow_service: Service, workflow: str) -> None:
    _lint("actionlint", f".github/workflows/{workflow}", cwd=workflow_service.path)


def test_workflow_runs_the_projects_own_checks(workflow_service: Service) -> None:
    workflow = yaml.safe_load((workflow_service.path / ".github/workflows/ci.yml").read_text())
    (job,) = workflow["jobs"].values()
    commands = [step["run"] for step in job["steps"] if "run" in step]

    assert commands == [
        "uv sync",
        "uv run ruff check",
        "uv run ruff format --check",
        "uv run mypy",
        "uv run pytest",
    ]
    uses = [step["uses"].split("@")[0] for step in job["steps"] if "uses" in step]
    assert "astral-sh/setup-uv" in uses
    database = workflow_service.name.split("-")[0]
    drivers = {"postgresql": "postgresql+asyncpg://", "mariadb": "mariadb+asyncmy://"}
    jobs = "jobs" in workflow_service.name.split("-")
    services = job.get("services", {})
    servers = {"postgresql": {"postgres"}, "mariadb": {"mariadb"}}
    assert services.keys() - {"redis"} == servers.get(database, set())
    # The service's own tests run their worker on a real Redis.
    assert ("redis" in services) == jobs
    if database in drivers:
        assert job["env"]["TEST_DATABASE_URL"].startswith(drivers[database])


def test_the_update_workflow_runs_the_script_weekly_with_cis_checks(
    workflow_service: Service,
) -> None:
    workflows = workflow_service.path / ".github/workflows"
    update = yaml.safe_load((workflows / "template-update.yml").read_text())
    ci = yaml.safe_load((workflows / "ci.yml").read_text())
    (job,) = update["jobs"].values()
    (ci_job,) = ci["jobs"].values()
    script = _load_module(workflow_service.path / "scripts/template_update.py")

    # PyYAML reads the key `on` as True.
    assert set(update[True]) == {"schedule", "workflow_dispatch"}
    assert any("scripts/template_update.py" in step.get("run", "") for step in job["steps"])
    assert [shlex.join(command) for command in script.CHECKS.values()] == [
        step["run"] for step in ci_job["steps"] if "run" in step
    ][1:]
    assert job.get("services") == ci_job.get("services")
    assert job.get("env") == ci_job.get("env")


def _load_module(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(path.stem, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
