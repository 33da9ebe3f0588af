"""A newcomer's first hour: `copier copy` as they type it, then each line it prints, as printed."""

import os
import re
import secrets
import shlex
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.harness import (
    DOCUMENTED_COPIER,
    TEMPLATE_ROOT,
    UV,
    command_env,
    free_port,
    wait_until_ready,
)
from tests.mariadb import MariaDBServer
from tests.postgres import PostgresServer

# The message's commands: the indented lines after "Next:".
_COMMAND = re.compile(r"^  (?P<line>\S.*)$")


def printed_commands(message: str) -> list[str]:
    """The commands the message after `copier copy` tells its reader to run, in order."""
    _, _, steps = message.partition("Next:")
    return [match["line"] for line in steps.splitlines() if (match := _COMMAND.match(line))]


def newcomer_env(**overrides: str) -> dict[str, str]:
    # `uv` as the README installs it; uvicorn takes its port from UVICORN_PORT, so the printed
    # line runs unchanged beside other tests' servers.
    path = f"{Path(UV).parent}{os.pathsep}{os.environ['PATH']}"
    return command_env(PATH=path, **overrides)


@pytest.fixture
def project_name(postgres: PostgresServer, mariadb: MariaDBServer) -> Iterator[str]:
    """A name no other test's service has: the servers' databases are named after it."""
    token = secrets.token_hex(3)
    yield f"First hour {token}"
    for server in (postgres, mariadb):
        server.drop_databases(f"first_hour_{token}")


@pytest.mark.parametrize("database", ["sqlite", "postgresql", "mariadb"])
def test_the_printed_first_steps_work_as_printed(
    database: str, project_name: str, tmp_path: Path
) -> None:
    # As the README has it: uvx, with the loader of the template's extensions.
    copier = [*shlex.split(DOCUMENTED_COPIER), "copy", "--trust", "--defaults", "--vcs-ref", "HEAD"]
    answers = ["-d", f"project_name={project_name}", "-d", f"database={database}"]
    copied = subprocess.run(
        [*copier, *answers, str(TEMPLATE_ROOT), "my-service"],
        cwd=tmp_path,
        env=newcomer_env(),
        capture_output=True,
        text=True,
        check=True,
    )
    commands = printed_commands(copied.stderr)
    assert commands[0] == "cd my-service"
    assert any("uvicorn" in command for command in commands)

    directory = tmp_path
    for command in commands:
        if command.startswith("cd "):
            directory = directory / command.removeprefix("cd ")
        elif " uvicorn " in command:
            _serve_and_ask(command, directory)
        else:
            ran = subprocess.run(
                command,
                shell=True,
                cwd=directory,
                env=newcomer_env(),
                capture_output=True,
                text=True,
                timeout=600,
                check=False,
            )
            assert ran.returncode == 0, f"`{command}` failed:\n{ran.stdout}{ran.stderr}"[-6000:]


def _serve_and_ask(command: str, directory: Path) -> None:
    port = free_port()
    log = directory / "uvicorn.log"
    with log.open("w") as output:
        server = subprocess.Popen(
            command,
            shell=True,
            cwd=directory,
            env=newcomer_env(UVICORN_PORT=str(port)),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base}/health/ready", server, log, seconds=60)
        user = httpx.post(f"{base}/users", json={"name": "Ada", "email": "ada@example.com"})
        assert user.status_code == 201, user.text
        note = {"title": "First", "author_id": user.json()["id"]}
        created = httpx.post(f"{base}/notes", json=note)
        assert created.status_code == 201, created.text
        assert httpx.get(f"{base}/notes").json()["items"][0]["title"] == "First"
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)
