"""The launcher (`python -m <package>.serve`) as production runs it: metrics that add up over its
worker processes, and restarts behind a real load balancer that drop no request."""

import asyncio
import json
import os
import signal
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest

from tests.haproxy import Balancer, haproxy, haproxy_problem
from tests.harness import Launched, Service, free_port, launch, launching, unavailable
from tests.variants import Services, Variant, variant_service

# The database that instances share in production, and the metrics.
VARIANT = Variant("postgresql", "core", features=("observability",))

WORKERS = 3
# Each round creates USERS users, reads each twice, and asks for MISSING missing ones; rounds go
# on until every worker has served some (the kernel hands connections to whichever accepts).
USERS = 30
MISSING = 10
ROUNDS = 5
SCRAPES = 6
# Requests held waiting for a table lock, each on a connection of its worker's pool, added a few
# at a time until two workers hold some.
HELD_AT_ONCE = 3
# New connections for every request, which the workers accept in turn: all of them serve some.
ONE_REQUEST_PER_CONNECTION = httpx.Limits(max_keepalive_connections=0)

# Each worker's own counts, read from its files with the service's prometheus_client: how many
# users it created, and how many connections it has checked out.
_PER_WORKER = """
import json, sys
from pathlib import Path
from prometheus_client.multiprocess import MultiProcessCollector

workers = {}
for path in Path(sys.argv[1]).glob("*.db"):
    worker = workers.setdefault(path.stem.rpartition("_")[2], {"created": 0, "in_use": 0})
    for metric in MultiProcessCollector.merge([str(path)]):
        for sample in metric.samples:
            if sample.name == "db_pool_connections_in_use":
                worker["in_use"] = sample.value
            elif sample.name == "http_requests_total" and sample.labels["method"] == "POST":
                worker["created"] += sample.value
print(json.dumps(workers))
"""

CLIENTS = 8
# Beyond the time it takes the balancer's checks to see an instance not ready (0.4 s to 0.6 s).
DRAIN_SECONDS = 2
MAX_REQUESTS = 40_000


@pytest.fixture
def service(request: pytest.FixtureRequest, services: Services) -> Service:
    return variant_service(request, services, VARIANT)


@pytest.fixture
def database(service: Service, database_env: Callable[[Variant], dict[str, str]]) -> dict[str, str]:
    """A database of the test's own, migrated: the environment that points the service at it."""
    env = database_env(VARIANT)
    service.run("alembic", "upgrade", "head", **env)
    return env


def test_metrics_add_up_over_the_workers(
    service: Service, database: dict[str, str], tmp_path: Path
) -> None:
    directory = tmp_path / "metrics"
    env = {
        **database,
        "WEB_CONCURRENCY": str(WORKERS),
        "PROMETHEUS_MULTIPROC_DIR": str(directory),
        # The held requests wait for the test's lock, not for these, on connections of their own.
        "DATABASE_STATEMENT_TIMEOUT_SECONDS": "60",
        "DATABASE_REQUEST_TIMEOUT_SECONDS": "60",
        "DATABASE_POOL_SIZE": str(HELD_AT_ONCE * ROUNDS),
    }
    with launching(service, env) as launched:
        launched.wait_for_workers(WORKERS)
        for rounds in range(1, ROUNDS + 1):
            asyncio.run(_create_and_read_users(launched.base, rounds))
            workers = _per_worker(service, directory)
            if all(workers[str(pid)]["created"] > 0 for pid in launched.worker_pids()):
                break
        assert all(workers[str(pid)]["created"] > 0 for pid in launched.worker_pids()), workers

        # Every scrape, whichever worker answers it, reports the sums over all of them.
        users, missing = rounds * USERS, rounds * MISSING
        expected = {
            'http_requests_total{method="POST",route="/users",status="201"}': users,
            'http_requests_total{method="GET",route="/users/{user_id}",status="200"}': 2 * users,
            'http_requests_total{method="GET",route="/users/{user_id}",status="404"}': missing,
            'http_requests_total{method="GET",route="unmatched",status="404"}': missing,
            'http_request_duration_seconds_count{method="POST",route="/users"}': users,
            'http_request_duration_seconds_count{method="GET",route="/users/{user_id}"}': (
                2 * users + missing
            ),
            "db_pool_connections_in_use": 0,
        }
        for _ in range(SCRAPES):
            samples = _scrape(launched.base)
            assert {name: samples.get(name) for name in expected} == expected

        killed = asyncio.run(
            _hold_connections_and_kill_a_worker(
                service, launched, directory, database["DATABASE_URL"]
            )
        )

        # The killed worker's counts stay in the totals; its gauge is no longer summed.
        assert not (directory / f"gauge_livesum_{killed}.db").exists()
        assert (directory / f"counter_{killed}.db").exists()
        samples = _scrape(launched.base)
        assert {name: samples.get(name) for name in expected} == expected
        assert launched.stop(seconds=60) == 0


async def _create_and_read_users(base: str, round_number: int) -> None:
    async with httpx.AsyncClient(
        base_url=base, limits=ONE_REQUEST_PER_CONNECTION, timeout=60
    ) as client:
        gate = asyncio.Semaphore(24)

        async def user(number: int) -> None:
            async with gate:
                email = f"user{number}-{round_number}@example.com"
                body = {"name": f"User {number}", "email": email}
                created = await client.post("/users", json=body)
                assert created.status_code == 201, created.text
                for _ in range(2):
                    read = await client.get(f"/users/{created.json()['id']}")
                    assert read.status_code == 200, read.text

        async def missing(number: int) -> None:
            async with gate:
                assert (await client.get(f"/users/{10**6 + number}")).status_code == 404
                assert (await client.get(f"/no/such/route/{number}")).status_code == 404

        await asyncio.gather(
            *(user(number) for number in range(USERS)),
            *(missing(number) for number in range(MISSING)),
        )


async def _hold_connections_and_kill_a_worker(
    service: Service, launched: Launched, directory: Path, database_url: str
) -> int:
    """Hold requests on their workers' connections, behind a lock, until two workers hold some,
    and see the gauge sum them; kill one of those (SIGKILL: it cannot clean up after itself);
    release the others and see the gauge come back to 0, the supervisor having dropped the dead
    worker's. Return its pid."""
    lock = await asyncpg.connect(database_url.replace("postgresql+asyncpg", "postgresql"))
    held: list[asyncio.Task[httpx.Response]] = []
    try:
        transaction = lock.transaction()
        await transaction.start()
        await lock.execute("LOCK TABLE users IN ACCESS EXCLUSIVE MODE")
        async with httpx.AsyncClient(
            base_url=launched.base, limits=ONE_REQUEST_PER_CONNECTION, timeout=120
        ) as client:
            for _ in range(ROUNDS):
                held += [asyncio.create_task(client.get("/users")) for _ in range(HELD_AT_ONCE)]
                await _wait_for_gauge(launched.base, len(held))
                workers = await asyncio.to_thread(_per_worker, service, directory)
                holding = {int(pid): worker["in_use"] for pid, worker in workers.items()}
                holding = {pid: in_use for pid, in_use in holding.items() if in_use > 0}
                if len(holding) >= 2:
                    break
            assert len(holding) >= 2, workers
            killed = next(iter(holding))
            os.kill(killed, signal.SIGKILL)
            await transaction.rollback()
            answers = await asyncio.gather(*held, return_exceptions=True)
        # Those the killed worker held had no answer; every other one did.
        answered = [answer for answer in answers if isinstance(answer, httpx.Response)]
        assert len(answered) == len(held) - holding[killed], answers
        assert all(answer.status_code == 200 for answer in answered), answers
        await _wait_for_gauge(launched.base, 0)
    finally:
        for task in held:
            task.cancel()
        await lock.close()
    return killed


async def _wait_for_gauge(base: str, expected: float, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while (in_use := (await asyncio.to_thread(_scrape, base))["db_pool_connections_in_use"]) != (
        expected
    ):
        assert time.monotonic() < deadline, f"{in_use} connections in use, not {expected}"
        await asyncio.sleep(0.2)


def _scrape(base: str) -> dict[str, float]:
    """`/metrics`, on a connection of its own: whichever worker accepts it answers."""
    response = httpx.get(f"{base}/metrics", headers={"Connection": "close"}, timeout=30)
    assert response.status_code == 200, response.text
    samples = {}
    for line in response.text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def _per_worker(service: Service, directory: Path) -> dict[str, dict[str, float]]:
    workers: dict[str, dict[str, float]] = json.loads(
        service.run("python", "-c", _PER_WORKER, str(directory), timeout=120)
    )
    return workers


def test_restarts_behind_a_load_balancer_drop_no_request(
    service: Service, database: dict[str, str]
) -> None:
    problem = haproxy_problem()
    if problem is not None:
        unavailable(problem)
    env = {
        **database,
        "WEB_CONCURRENCY": "2",
        "SHUTDOWN_DRAIN_SECONDS": str(DRAIN_SECONDS),
        "SHUTDOWN_TIMEOUT_SECONDS": "10",
    }
    ports = {"one": free_port(), "two": free_port()}
    log = service.path / "instances.log"
    log.write_text("")
    instances = {name: launch(service, port, log, env) for name, port in ports.items()}
    try:
        with haproxy(ports) as balancer:
            for name in ports:
                balancer.wait_until(name, "UP")

            def restart_each() -> None:
                """SIGTERM each instance in turn; start it again once it has exited, and wait
                until the balancer sends it requests again."""
                for name, port in ports.items():
                    assert instances[name].stop(seconds=60) == 0, log.read_text()[-6000:]
                    instances[name] = launch(service, port, log, env)
                    balancer.wait_until(name, "UP")

            acknowledged, failures, sent = asyncio.run(_load_while(balancer, restart_each))
            read = _listed_user_ids(balancer)

        assert sent > 0
        assert failures == [], f"{len(failures)} of {sent} requests failed:\n" + "\n".join(
            failures[:20]
        )
        assert set(acknowledged) <= read, "created, then lost"
    finally:
        for instance in instances.values():
            if instance.process.poll() is None:
                instance.kill()


async def _load_while(
    balancer: Balancer, restart_each: Callable[[], None]
) -> tuple[list[int], list[str], int]:
    """Create users and read them back from `CLIENTS` clients through the balancer while
    `restart_each` runs; return the ids of the users whose creation was acknowledged, the
    failures, and the number of requests sent."""
    acknowledged: list[int] = []
    failures: list[str] = []
    sent = 0
    restarted = asyncio.Event()

    async def call(client: httpx.AsyncClient, method: str, path: str, **options: Any) -> Any:
        nonlocal sent
        sent += 1
        try:
            response = await client.request(method, path, **options)
        except httpx.HTTPError as error:
            failures.append(f"{method} {path}: {error!r}")
            return None
        expected = 201 if method == "POST" else 200
        if response.status_code != expected:
            failures.append(f"{method} {path}: {response.status_code} {response.text[:200]}")
            return None
        return response.json()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=balancer.base, timeout=30) as http:
            while not restarted.is_set() and sent < MAX_REQUESTS:
                body = {"name": "Load", "email": f"load-{uuid.uuid4().hex}@example.com"}
                user = await call(http, "POST", "/users", json=body)
                if user is None:
                    continue
                acknowledged.append(user["id"])
                read = await call(http, "GET", f"/users/{user['id']}")
                if read is not None and read["email"] != body["email"]:
                    failures.append(f"GET /users/{user['id']}: {read}")

    async def restart() -> None:
        try:
            await asyncio.to_thread(restart_each)
        finally:
            restarted.set()

    await asyncio.gather(restart(), *(client() for _ in range(CLIENTS)))
    return acknowledged, failures, sent


def _listed_user_ids(balancer: Balancer) -> set[int]:
    ids: set[int] = set()
    offset: int | None = 0
    with httpx.Client(base_url=balancer.base, timeout=30) as client:
        while offset is not None:
            page = client.get("/users", params={"limit": 100, "offset": offset}).json()
            ids.update(user["id"] for user in page["items"])
            offset = page["next_offset"]
    return ids
