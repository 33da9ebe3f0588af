"""Render services from the working tree and run commands in them."""

import atexit
import importlib.util
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, NoReturn

import httpx
import pytest
import yaml
from copier import run_copy
from uv import find_uv_bin

TEMPLATE_ROOT = Path(__file__).resolve().parents[1]
UV = find_uv_bin()
# Copier as every documented command runs it, with the loader of the template's extensions
# (copier.yml's `_jinja_extensions`) installed beside it.
DOCUMENTED_COPIER = "uvx --with copier-template-extensions copier"

# Seconds spent on each variant, printed at the end of the run.
TIMINGS: defaultdict[str, float] = defaultdict(float)
# A copy of the first mypy cache this process made, which every later service starts from:
# most of mypy's time goes to the libraries, the same files in every service. mypy trusts a
# cached module only when its source hashes the same, so a service's own modules that differ
# from the seed's are checked afresh. Each service gets a copy: a cache two processes write at
# once let one variant's modules stand for another's.
_MYPY_SEED = Path(tempfile.gettempdir()) / f"template-tests-mypy-seed-{os.getpid()}"
atexit.register(shutil.rmtree, _MYPY_SEED, ignore_errors=True)


def render(destination: Path, **answers: Any) -> Path:
    """Render the template's working tree (uncommitted changes included) into `destination`.

    `unsafe`: Copier runs the template's Jinja extensions (extensions/) only when trusted.
    """
    run_copy(
        str(TEMPLATE_ROOT),
        destination,
        data=answers,
        defaults=True,
        vcs_ref="HEAD",
        quiet=True,
        unsafe=True,
    )
    return destination


def load_extension(stem: str) -> ModuleType:
    """A module of the template's extensions/ (`resource_specs`, ...), loaded by its path as
    the template's extension loads it, never imported by name."""
    return load_by_path(TEMPLATE_ROOT / "extensions" / f"{stem}.py")


def resource_specs(resources: list[dict[str, Any]], *features: str) -> dict[str, dict[str, Any]]:
    """`resources` as the templates read them (extensions/resource_specs.py), by name."""
    found: list[dict[str, Any]] = load_extension("resource_specs").resource_specs(
        resources, list(features)
    )
    return {spec["name"]: spec for spec in found}


# The README's example spec, which the template's tests render most (tests/specs/library.yml).
LIBRARY = yaml.safe_load((TEMPLATE_ROOT / "tests" / "specs" / "library.yml").read_text())
# The same without what releases before 0.16.0 refuse: lists' filters, sorts and order.
LIBRARY_BEFORE_LISTS = [
    {
        **{key: value for key, value in resource.items() if key != "order"},
        "fields": {
            name: {key: value for key, value in field.items() if key not in ("filter", "sort")}
            for name, field in resource["fields"].items()
        },
    }
    for resource in LIBRARY
]
# The `resources` question's default: the notes.
NOTES = yaml.safe_load((TEMPLATE_ROOT / "includes" / "resources" / "notes.yml").read_text())


def load_by_path(path: Path) -> ModuleType:
    """Execute a Python file as a module of its own, registered nowhere."""
    spec = importlib.util.spec_from_file_location(f"loaded_by_path.{path.stem}", path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


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

    def run_failing(self, *args: str, timeout: float = 300, **env: str) -> str:
        """Run `uv run <args>`, which must fail; return its output."""
        result = self._run([UV, "run", "--no-sync", *args], timeout, **env)
        assert result.returncode != 0, f"`{' '.join(args)}` succeeded:\n{result.stdout}"
        return result.stdout + result.stderr

    def check(self, *tests: str) -> None:
        """Everything a rendered service must pass as it is: lint, format, types, its tests
        (those in `tests`, when given; by default all)."""
        self.run("ruff", "check", "--no-fix", "--output-format", "concise")
        self.run("ruff", "format", "--check")
        self.mypy()
        assert_suite_passed(self.run("pytest", "-q", "-p", "no:cacheprovider", *tests))

    def mypy(self) -> str:
        """Run mypy (strict, as the service configures it), from the seed cache when there is
        one; fail the test with its output if it finds a problem."""
        cache = self.path / ".mypy_cache"
        if _MYPY_SEED.is_dir() and not cache.exists():
            shutil.copytree(_MYPY_SEED, cache)
        output = self.run("mypy")
        if not _MYPY_SEED.exists():
            shutil.copytree(cache, _MYPY_SEED)
        return output

    def run_raw(self, *args: str, timeout: float = 300, **env: str) -> str:
        result = self._run(list(args), timeout, **env)
        output = result.stdout + result.stderr
        if result.returncode != 0:
            pytest.fail(f"`{' '.join(args[1:])}` failed in {self.name}:\n{output[-6000:]}")
        return output

    def _run(self, args: list[str], timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
        # pytest's temporary folders of its own: suites that run side by side, in other xdist
        # workers, would otherwise prune each other's in the shared /tmp/pytest-of-<user>.
        temproot = self.path.parent / f"{self.path.name}.tmp"
        temproot.mkdir(exist_ok=True)
        started = time.perf_counter()
        try:
            result = subprocess.run(
                args,
                cwd=self.path,
                env=command_env(PYTEST_DEBUG_TEMPROOT=str(temproot), **{**self.env, **env}),
                capture_output=True,
                text=True,
                timeout=timeout,
                check=False,
            )
        finally:
            TIMINGS[self.name] += time.perf_counter() - started
        return result

    def sync(self) -> None:
        """Install the service's dependencies; uv's shared cache makes this cheap after once."""
        self.run_raw(UV, "sync", "--quiet")


# A Jinja tag that survived rendering; GitHub Actions' `${{ ... }}` expressions are not.
_LEFTOVER = re.compile(r"(?<!\$)\{\{|\{%|\{#")


def rendered_file_problems(root: Path, files: list[Path]) -> list[str]:
    """What is wrong with the files Copier rendered: leftovers, scars, empty files."""
    problems = []
    for path in files:
        relative = path.relative_to(root)
        text = path.read_text()
        if not text.strip():
            problems.append(f"{relative}: empty")
        if ".jinja" in path.name:
            problems.append(f"{relative}: template suffix left in the name")
        if _LEFTOVER.search(text):
            problems.append(f"{relative}: unrendered Jinja")
        if "\n\n\n" in text and path.suffix not in {".py", ".mako"}:
            problems.append(f"{relative}: two blank lines in a row")
        if not text.endswith("\n") or text.endswith("\n\n"):
            problems.append(f"{relative}: must end with exactly one newline")
        if any(line != line.rstrip() for line in text.splitlines()):
            problems.append(f"{relative}: trailing whitespace")
    return problems


def assert_suite_passed(output: str) -> None:
    """A pytest run passed only if it ran tests and none failed, errored or was skipped."""
    assert re.search(r"\d+ passed", output), output
    assert not re.search(r"\d+ (failed|skipped|errors?)\b", output), output


def copy_working_tree(destination: Path) -> Path:
    """Copy the files git would commit (uncommitted changes included, ignored files not)."""
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        check=True,
        text=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        source = TEMPLATE_ROOT / name
        if source.is_file():
            target = destination / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_ready(
    url: str, process: subprocess.Popen[bytes], log: Path, seconds: float = 30
) -> None:
    """Poll `url` until it answers 200; fail with the process's log if it exits or hangs."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the service exited with {process.returncode}:\n{log.read_text()}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    pytest.fail(f"the service was not ready within {seconds} s:\n{log.read_text()}")


@contextmanager
def serving(
    service: Service, *uvicorn_options: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path]]:
    """Serve `service` with uvicorn on a free port until the block ends, with `env` added to
    its environment.

    Yields its base URL, once `/health/ready` answers, and the file its output goes to.
    """
    port = free_port()
    log = service.path / "uvicorn.log"
    command = [UV, "run", "--no-sync", "uvicorn", f"{service.package}.main:app"]
    with log.open("w") as output:
        process = subprocess.Popen(
            [*command, "--port", str(port), *uvicorn_options],
            cwd=service.path,
            env=command_env(**{**service.env, **(env or {})}),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        base = f"http://127.0.0.1:{port}"
        wait_until_ready(f"{base}/health/ready", process, log)
        yield base, log
    finally:
        process.terminate()
        process.wait(timeout=10)


@dataclass
class Launched:
    """A service started with its production launcher, `python -m <package>.serve`."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """The worker processes started so far, those that exited included."""
        return [
            int(pid) for pid in re.findall(r"Started server process \[(\d+)\]", self.log_text())
        ]

    def wait_for_workers(self, count: int, seconds: float = 90) -> None:
        """Wait until `count` workers have started serving, in all."""
        deadline = time.monotonic() + seconds
        while self.log_text().count("Application startup complete.") < count:
            if self.process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"{count} workers did not start:\n{self.log_text()[-6000:]}")
            time.sleep(0.2)

    def stop(self, seconds: float) -> int:
        """SIGTERM the launcher; its exit status, once it exits (killed after `seconds`)."""
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the launcher did not stop within {seconds} s:\n{self.log_text()[-6000:]}")

    def kill(self) -> None:
        """Kill the launcher and its workers (its process group) at once."""
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")


def launch(
    service: Service, port: int, log: Path, env: dict[str, str] | None = None, seconds: float = 90
) -> Launched:
    """Start `service`'s launcher on `port`, its output appended to `log`, with `env` added to
    its environment; return once `/health/ready` answers (its first worker serves)."""
    python = service.path / ".venv" / "bin" / "python"
    with log.open("a") as output:
        process = subprocess.Popen(
            [str(python), "-m", f"{service.package}.serve"],
            cwd=service.path,
            env=command_env(PORT=str(port), **{**service.env, **(env or {})}),
            stdout=output,
            stderr=subprocess.STDOUT,
            # A group of its own, with its workers: the tests can end them all, whatever happens.
            start_new_session=True,
        )
    launched = Launched(process, port, log)
    try:
        wait_until_ready(f"{launched.base}/health/ready", process, log, seconds)
    except BaseException:
        launched.kill()
        raise
    return launched


@contextmanager
def launching(service: Service, env: dict[str, str] | None = None) -> Iterator[Launched]:
    """Serve `service` with its launcher on a free port until the block ends."""
    log = service.path / "serve.log"
    log.write_text("")
    launched = launch(service, free_port(), log, env)
    try:
        yield launched
    finally:
        if launched.process.poll() is None:
            launched.kill()


def unavailable(problem: str) -> NoReturn:
    """Skip a test for what this machine lacks (a server, a tool); under CI=true, where .ci/run
    installs and starts everything, fail it instead."""
    if os.environ.get("CI") == "true":
        pytest.fail(problem)
    pytest.skip(problem)
