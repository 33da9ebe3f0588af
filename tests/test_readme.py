"""The README's first two commands are what CI runs and what a new user types."""

import os
import re
import signal
import subprocess
from pathlib import Path

import httpx

from tests.harness import (
    DOCUMENTED_COPIER,
    TEMPLATE_ROOT,
    command_env,
    copy_working_tree,
    free_port,
    wait_until_ready,
)


def _readme_commands() -> list[str]:
    readme = (TEMPLATE_ROOT / "README.md").read_text()
    first_block = re.search(r"```sh\n(.*?)```", readme, re.DOTALL)
    assert first_block, "the README must start with a sh block holding the two commands"
    assert readme.index("```sh") < readme.index("\n## "), "the commands must come first"
    return [line for line in first_block.group(1).splitlines() if line.strip()]


def test_readme_opens_with_run_and_test_commands() -> None:
    commands = _readme_commands()

    assert len(commands) == 2
    assert commands[0].startswith(f"{DOCUMENTED_COPIER} copy --trust --defaults ")
    assert commands[1] == "uv run pytest"


def test_every_copier_command_documented_installs_the_templates_extension_loader() -> None:
    """Copier loads the template's Python (extensions/) only with copier-template-extensions
    beside it, and runs it only with --trust: every command the READMEs show has both."""
    documents = [
        TEMPLATE_ROOT / "README.md",
        *sorted((TEMPLATE_ROOT / "includes" / "readme").glob("*.md")),
        TEMPLATE_ROOT / "template" / "README.md.jinja",
    ]
    commands = [
        (path.name, match[0])
        for path in documents
        for match in re.finditer(
            r"(?:uvx|uv run|pipx run)[^`\n]*? copier (?:copy|update)[^`\n]*", path.read_text()
        )
    ]

    assert commands
    assert [
        (name, command)
        for name, command in commands
        if not command.startswith(f"{DOCUMENTED_COPIER} ") or " --trust" not in command
    ] == []


def test_ci_runs_the_readme_test_command() -> None:
    ci = (TEMPLATE_ROOT / ".ci" / "run").read_text().splitlines()

    assert _readme_commands()[1] in ci


def test_readme_run_command_renders_and_starts_the_default_service(tmp_path: Path) -> None:
    checkout = copy_working_tree(tmp_path / "checkout")
    git = ["git", "-c", "user.name=CI", "-c", "user.email=ci@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "template"]):
        subprocess.run([*git, *args], cwd=checkout, check=True)
    port = free_port()
    log = tmp_path / "run.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            ["bash", "-c", _readme_commands()[0]],
            cwd=checkout,
            env=command_env(UVICORN_PORT=str(port)),
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base}/health/ready", process, log, seconds=180)
        assert httpx.get(f"{base}/users").json()["items"] == []
        assert (tmp_path / "my-service" / "src" / "my_service" / "models" / "users.py").is_file()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)
