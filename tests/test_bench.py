"""The load benchmark runs end to end, briefly, and what it reports holds on any machine."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.harness import TEMPLATE_ROOT
from tests.postgres import POSTGRES_URL, PostgresServer

_APPS = ["floor", "postgresql-core", "sqlite-floor", "sqlite-orm"]


@pytest.fixture
def wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        message = "the benchmark needs wrk (apt-get install wrk); .ci/run installs it"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return found


def test_benchmark_serves_every_route_without_errors_or_new_connections(
    wrk: str, postgres: PostgresServer, tmp_path: Path
) -> None:
    output = tmp_path / "results.json"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            *("--rounds", "1", "--duration", "1", "--warmup", "1", "--skip", "depth,search"),
            *("--only", ",".join(_APPS), "--postgres-url", POSTGRES_URL),
            *("--work", str(tmp_path / "work"), "--output", str(output)),
        ],
        cwd=TEMPLATE_ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]

    measured = json.loads(output.read_text())["results"]
    assert {(m["app"], m["route"]) for m in measured} == {
        (app, route)
        for app in _APPS
        for route in ("GET /notes/{id}", "GET /notes?limit=50", "POST /notes")
    }
    for measurement in measured:
        assert measurement["requests_per_second"] > 0, measurement
        assert measurement["errors"] == 0, measurement
    # After the warm-up, the service's pool holds every connection it needs.
    service = [m for m in measured if m["app"] == "postgresql-core"]
    assert [m["connections_opened"] for m in service] == [0, 0, 0]
    assert "## postgresql: GET /notes/{id}" in result.stdout
