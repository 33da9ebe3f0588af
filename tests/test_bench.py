"""The load benchmark runs end to end, briefly, and what it reports holds on any machine."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.mariadb import MariaDB
from tests.harness import TEMPLATE_ROOT, unavailable
from tests.mariadb import MARIADB_URL, MariaDBServer
from tests.postgres import POSTGRES_URL, PostgresServer

_APPS = [
    "floor",
    "lean-orm",
    "postgresql-core",
    "sqlite-floor",
    "sqlite-orm",
    "mariadb-floor",
    "mariadb-core",
]
# The services, whose pools must not open a connection once warm.
_SERVICES = ["postgresql-core", "mariadb-core"]


@pytest.fixture
def wrk() -> str:
    found = shutil.which("wrk")
    if found is None:
        unavailable("the benchmark needs wrk (apt-get install wrk); .ci/run installs it")
    return found


def test_benchmark_serves_every_route_without_errors_or_new_connections(
    wrk: str, postgres: PostgresServer, mariadb: MariaDBServer, tmp_path: Path
) -> None:
    output = tmp_path / "results.json"
    bench_user = MariaDB(MARIADB_URL)
    opened_before = bench_user.connections_opened()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.run",
            *("--rounds", "1", "--duration", "1", "--warmup", "1"),
            *("--skip", "depth,search,mariadb-search", "--only", ",".join(_APPS)),
            *("--postgres-url", POSTGRES_URL, "--mariadb-url", MARIADB_URL),
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
    # After the warm-up, a service's pool holds every connection it needs.
    for service in _SERVICES:
        opened = [m["connections_opened"] for m in measured if m["app"] == service]
        assert opened == [0, 0, 0], service
    assert "## postgresql: GET /notes/{id}" in result.stdout
    assert "## mariadb: GET /notes/{id}" in result.stdout
    # What MariaDB counted is the apps' connections: each app's pool opened some.
    assert bench_user.connections_opened() - opened_before >= 2, "no connection counted"
