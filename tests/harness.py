"""Render services from the working tree and run commands in them."""

import os
import shutil
import subprocess
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from copier import run_copy
from uv import find_uv_bin

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
UV = find_uv_bin()

# Seconds spent on each variant, printed at the end of the run.
TIMINGS: defaultdict[str, float] = defaultdict(float)


def render(destination: Path, **answers: Any) -> Path:
    """Render the template's working tree (uncommitted changes included) into `destination`."""
    run_copy(
        str(TEMPLATE_ROOT),
        destination,
        data=answers,
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
    )
    return destination


def command_env(**overrides: str) -> dict[str, str]:
    """The environment for a rendered service's commands: its own venv, never ours."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    env.update(UV_PYTHON_DOWNLOADS="never", UV_NO_PROGRESS="1", PYTHONDONTWRITEBYTECODE="1")
    env.update(overrides)
    return env


@dataclass
class Service:
    """A rendered service with its dependencies installed."""

    name: str
    path: Path
    package: str
    env: dict[str, str] = field(default_factory=dict)
    # The files Copier wrote, before anything ran in the service.
    rendered_files: list[Path] = field(default_factory=list)

    def run(self, *args: str, timeout: float = 300, **env: str) -> str:
        """Run `uv run <args>` in the service; fail the test with its output if it fails."""
        return self.run_raw(UV, "run", "--no-sync", *args, timeout=timeout, **env)

    def run_raw(self, *args: str, timeout: float = 300, **env: str) -> str:
        started = time.perf_counter()
        try:
            result = subprocess.run(
                args,
                cwd=self.path,
                env=command_env(**{**self.env, **env}),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        finally:
            TIMINGS[self.name] += time.perf_counter() - started
        output = result.stdout + result.stderr
        if result.returncode != 0:
            pytest.fail(f"`{' '.join(args[1:])}` failed in {self.name}:\n{output[-6000:]}")
        return output

    def sync(self) -> None:
        """Install the service's dependencies; uv's shared cache makes this cheap after once."""
        self.run_raw(UV, "sync", "--quiet")


def copy_working_tree(destination: Path) -> Path:
    """Copy the template repository, uncommitted changes included, without build leftovers."""
    ignore = shutil.ignore_patterns(".venv", "__pycache__", "*_cache", ".git")
    shutil.copytree(TEMPLATE_ROOT, destination, ignore=ignore)
    return destination
