"""The `docker` feature for real: build the rendered image, bring up compose, use the service."""

import json
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.docker import (
    BASE_IMAGES,
    COMPOSE,
    DOCKER,
    docker,
    engine_problem,
    ensure_base_images,
    images_from,
)
from tests.harness import free_port, render, unavailable
from tests.variants import PACKAGE_NAME, Variant

# The server databases first: their base images include the SQLite variants', so a run without
# a registry builds the stand-ins once.
VARIANTS = [
    Variant("mariadb", "orm", features=("docker",)),
    Variant("postgresql", "core", features=("docker",)),
    Variant("postgresql", "orm", features=("auth", "docker")),
    # Redis and the worker beside the service.
    Variant("postgresql", "orm", features=("docker", "jobs")),
    Variant("sqlite", "orm", features=("docker",)),
    Variant("sqlite", "core", features=("auth", "docker")),
]
IMAGE = PACKAGE_NAME.replace("_", "-")
# Run in the app's container, as the service's own code: a unit of work that enqueues a job,
# which prints the job's outbox id; and one that reads what became of a job.
ENQUEUE = f"""
import asyncio
from {PACKAGE_NAME}.outbox import open_database
from {PACKAGE_NAME}.settings import Settings

async def enqueue():
    async with open_database(Settings()) as database:
        async with database.write() as stores:
            print(await stores.outbox.enqueue("prune_outbox"))

asyncio.run(enqueue())
"""
OUTCOME = f"""
import asyncio, json, sys
from {PACKAGE_NAME}.outbox import open_database
from {PACKAGE_NAME}.settings import Settings

async def outcome(outbox_id):
    async with open_database(Settings()) as database:
        async with database.read() as stores:
            job = await stores.outbox.get(outbox_id)
    done = {{"finished": job.finished_at is not None, "failed": job.failed_at is not None}}
    print(json.dumps({{**done, "attempts": job.attempts, "error": job.last_error}}))

asyncio.run(outcome(int(sys.argv[1])))
"""


@pytest.fixture(scope="module")
def wheel_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("wheels")


@pytest.fixture(scope="module", autouse=True)
def engine() -> None:
    """A Docker engine; without one the tests skip, except under CI=true."""
    problem = engine_problem()
    if problem is not None:
        unavailable(f"{problem}; .ci/run installs and starts Debian's docker.io")


class Compose:
    """`docker-compose` for one rendered service, as its own project."""

    def __init__(self, variant: Variant, path: Path, project: str, port: int) -> None:
        self.variant, self.path, self.project = variant, path, project
        self.env = {**os.environ, "APP_PORT": str(port)}

    def __call__(self, *args: str, timeout: float = 300) -> str:
        result = subprocess.run(
            [COMPOSE, "--project-name", self.project, *args],
            cwd=self.path,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert result.returncode == 0, f"docker-compose {' '.join(args)}:\n{result.stderr}"
        return result.stdout

    def leftovers(self) -> list[str]:
        label = f"label=com.docker.compose.project={self.project}"
        return [
            f"{kind}: {found}"
            for kind, listing in (
                ("containers", ["ps", "-aq"]),
                ("networks", ["network", "ls", "-q"]),
                ("volumes", ["volume", "ls", "-q"]),
            )
            for found in docker(*listing, "--filter", label).split()
        ]


@pytest.fixture(params=VARIANTS, ids=lambda variant: variant.id)
def compose(request: pytest.FixtureRequest, tmp_path: Path, wheel_cache: Path) -> Iterator[Compose]:
    variant: Variant = request.param
    path = render(tmp_path / variant.id, **variant.answers)
    dockerfile = (path / "Dockerfile").read_text()
    images = images_from(dockerfile, (path / "compose.yaml").read_text())
    BASE_IMAGES.append(f"{variant.id}: {ensure_base_images(images, wheel_cache)}")
    # The rendered files as they are: the build context is the rendered directory.
    build = subprocess.run(
        [DOCKER, "build", "--tag", IMAGE, "."],
        cwd=path,
        env={**os.environ, "DOCKER_BUILDKIT": "1"},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert build.returncode == 0, f"docker build failed:\n{build.stderr[-6000:]}"
    project = f"templatetest{os.getpid()}{variant.id.replace('-', '')}"
    service = Compose(variant, path, project, free_port())
    try:
        yield service
    finally:
        service("down", "--volumes", "--remove-orphans")
        assert service.leftovers() == [], "compose down left things behind"


def test_the_image_runs_with_compose(compose: Compose) -> None:
    try:
        compose("up", "--detach", "--no-build", timeout=600)
        _wait_healthy(compose, "app")
        base = f"http://127.0.0.1:{compose.env['APP_PORT']}"
        assert httpx.get(f"{base}/health/ready", timeout=10).status_code == 200

        auth = "auth" in compose.variant.features
        account = {"name": "Docker", "email": "docker@example.com"}
        if auth:
            account["password"] = "a passphrase 1"
        user = httpx.post(f"{base}/users", json=account, timeout=30)
        assert user.status_code == 201, user.text
        headers, note = {}, {"title": "From the host", "description": "through compose"}
        if auth:
            token = httpx.post(
                f"{base}/auth/token",
                data={"username": account["email"], "password": account["password"]},
                timeout=30,
            )
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        else:
            note["author_id"] = user.json()["id"]
        created = httpx.post(f"{base}/notes", json=note, headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        read = httpx.get(f"{base}/notes/{created.json()['id']}", timeout=30)
        assert read.json()["title"] == "From the host"

        assert compose("exec", "-T", "app", "id", "-u").strip() == "10001"
        if compose.variant.database == "postgresql":
            titles = compose(
                "exec", "-T", "db", "psql", "-U", "postgres", "-d", PACKAGE_NAME,
                "-tAc", "SELECT title FROM notes",
            )  # fmt: skip
            assert titles.split() == ["From", "the", "host"]
        if compose.variant.database == "mariadb":
            titles = compose(
                "exec", "-T", "db", "mariadb", "-uroot", "-pmariadb", "-D", PACKAGE_NAME,
                "-N", "-e", "SELECT title FROM notes",
            )  # fmt: skip
            assert titles.split() == ["From", "the", "host"]
        if "jobs" in compose.variant.features:
            _a_job_runs(compose)
    except BaseException:
        print(compose("logs", "--no-color"))
        raise


def _a_job_runs(compose: Compose) -> None:
    """A job enqueued in the app's container is run by the worker's, through Redis."""
    _wait_healthy(compose, "worker")
    outbox_id = compose("exec", "-T", "app", "python", "-c", ENQUEUE).strip()
    assert outbox_id.isdigit(), outbox_id
    deadline = time.monotonic() + 60
    while not (
        outcome := json.loads(
            compose("exec", "-T", "app", "python", "-c", OUTCOME, outbox_id).strip()
        )
    )["finished"]:
        assert not outcome["failed"], f"the job failed: {outcome['error']}"
        assert time.monotonic() < deadline, f"the worker did not run the job: {outcome}"
        time.sleep(1)
    assert outcome["attempts"] == 1, outcome


def _wait_healthy(compose: Compose, service: str) -> None:
    container = compose("ps", "-q", service).strip()
    assert container, f"compose started no {service} container"
    deadline = time.monotonic() + 180
    while (
        health := docker("inspect", "--format", "{{.State.Health.Status}}", container).strip()
    ) != "healthy":
        assert health in {"starting", ""}, f"the {service} container is {health}"
        assert time.monotonic() < deadline, f"the {service} container did not become healthy"
        time.sleep(1)
