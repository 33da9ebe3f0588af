"""CPU instructions per request, counted under callgrind: request paths compared, repeatably.

    uv run python -m bench.instructions                     # the working tree's services
    uv run python -m bench.instructions --against 0.13.1    # beside them as 0.13.1 rendered them
    uv run python -m bench.instructions --runs 1            # quicker, without the spread
    uv run python -m bench.instructions --only lean-sqlalchemy,lean-orm

Why: wall-clock rates on the project's 2-core development machine swing by half between rounds
(see the README's "Performance"), so bench/run.py cannot tell a request path a few per cent
leaner from the machine's drift. The instructions a request executes do not depend on how fast
the machine is at the time or what else runs on it: a process started the same way counts the
same requests to within a few instructions in millions, on a busy machine as on an idle one.

What: renders the PostgreSQL Core and ORM services (default resources, no features) from the
working tree (uncommitted changes included) and, with `--against`, as that release rendered them
(from the commit that dates it in the CHANGELOG); installs each with `uv sync`; migrates a fresh
database for each with the service's own migrations and seeds it as bench/run.py does (1,000
users, but 100 notes). Beside the services, the hand-written lean apps of bench/apps that
bench/run.py serves too (FastAPI on SQLAlchemy Core, lean_sqlalchemy.py, and on its ORM,
lean_orm.py), each in the Core service's venv on a database of its own that the Core service's
migrations made. Then, for each app, bench/instructions_driver.py runs in its venv under
valgrind's callgrind: it builds the app (a service's with `create_app()`), enters its lifespan
and sends requests one at a time through httpx's ASGI transport, in process. For each route
(`GET /notes/{id}` over the notes in turn, `GET /notes?limit=50`, `POST /notes` with the body
bench/wrk/route.lua posts) a warm-up goes uncounted (by default 100 requests: one GET of each
note, so that what is cached by URL is as full in every count), then `--requests` requests are
counted, and only they: callgrind collects nothing but what runs inside the one call through
ctypes (libffi's `ffi_call`) that sends them. Before each count the driver collects garbage and
freezes the rest (`gc.freeze()`), so that no full collection over the start-up heap falls in one
count and not in another. The figure is the count (Ir: instructions executed in user space)
divided by the requests.

What it counts is everything the process executes for those requests: the app (FastAPI,
Pydantic, SQLAlchemy, asyncpg, the event loop) and httpx's client side, the same for every app,
so differences between apps are what their request paths do. Not counted: the kernel and
PostgreSQL.

How far to trust it: a count repeats exactly, but it also moves with what merely changes the
layout of the process's dicts and heap: the str hash seed, the environment, the modules imported
at start-up. Over hash seeds, one service's counts spread by 0.3-0.8 % (and one seed was seen to
put a service 1.7 % above its others). So each app is counted `--runs` times, in fresh processes
with hash seeds 1, 2, ... on its database reset to the seeded rows; the tables give the mean and
the spread, and a ratio closer to 1 than the spreads is no change. Databases are dropped at the
end; the callgrind dumps stay in `--work` (callgrind_annotate reads them).
"""

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import asyncpg

from bench.run import (
    APPS,
    BENCH,
    PACKAGE,
    ROUTES,
    USERS,
    _recreate,
    _seed_postgres,
    database_url,
    dsn,
    migrate,
    render_services,
)
from tests.harness import UV, command_env

DRIVER = BENCH / "instructions_driver.py"
SERVICES = ["postgresql-core", "postgresql-orm"]
# Measured beside them as the working tree renders them only (releases before 0.19.0 have no
# webhooks): what a feature adds to the request path.
FEATURE_SERVICES = ["postgresql-core-webhooks"]
# The hand-written apps counted beside them (their modules in bench/apps), and the service whose
# venv they run in and whose migrations make their databases.
LEAN_APPS = {"lean-sqlalchemy": "lean_sqlalchemy:app", "lean-orm": "lean_orm:app"}
LEAN_VENV = "postgresql-core"
# The lean app each service is to be at least as lean as.
LEAN_OF = {"postgresql-core": "lean-sqlalchemy", "postgresql-orm": "lean-orm"}
NOTES = 100  # seeded; a GET reads them in turn
# Where callgrind counts: the one function the driver's counted requests run inside.
MARKER = "ffi_call"


@dataclass
class App:
    """One app measured: the rendered service it is (`name@version` for a release's), or the one
    whose venv a hand-written app runs in; and its results."""

    name: str
    variant: str  # the rendered service it is, or whose venv it runs in
    database: str
    module: str = ""  # a hand-written app's, in bench/apps; "" for the service's create_app()
    # Route: instructions per request, one figure per run.
    runs: dict[str, list[float]] = field(default_factory=dict)
    # Route: the garbage collections (generations 0, 1, 2) that ran in each run's count.
    collections: dict[str, list[list[int]]] = field(default_factory=dict)

    def mean(self, route: str) -> float:
        return statistics.fmean(self.runs[route])

    def spread(self, route: str) -> float:
        """(largest - smallest) / mean over the runs: how far two counts of the same app differ."""
        figures = self.runs[route]
        return (max(figures) - min(figures)) / statistics.fmean(figures)


def _database(name: str) -> str:
    return "bench_instr_" + re.sub(r"[^a-z0-9]+", "_", name.lower())


def apps_to_measure(against: str, only: set[str]) -> list[App]:
    """The apps counted: the lean apps, then each service (and, with `against`, as that
    release rendered it); with `only`, those of the names in it."""
    apps = [App(name, LEAN_VENV, _database(name), module) for name, module in LEAN_APPS.items()]
    for name in SERVICES:
        variants = [(name, name)]
        if against:
            variants.append((f"{name} {against}", f"{name}@{against}"))
        apps += [App(label, variant, _database(variant)) for label, variant in variants]
    apps += [App(name, name, _database(name)) for name in FEATURE_SERVICES]
    unknown = only - {app.name for app in apps}
    if unknown:
        raise SystemExit(f"--only: no app named {', '.join(sorted(unknown))}")
    return [app for app in apps if not only or app.name in only]


def install(services: dict[str, Path]) -> None:
    """`uv sync` with the dev group: the driver sends its requests with httpx, a dev dependency."""
    for path in services.values():
        subprocess.run([UV, "sync", "--quiet"], cwd=path, env=command_env(), check=True)


def prepare(server: str, app: App, service: Path) -> None:
    print(f"migrating and seeding {app.database}", flush=True)
    asyncio.run(_recreate(server, app.database))
    migrate(service, database_url(server, app.database))
    asyncio.run(_seed_postgres(server, app.database, NOTES))


async def _reset_notes(server: str, database: str) -> None:
    """Back to the seeded notes, and the next note's id to what it was after seeding."""
    connection = await asyncpg.connect(dsn(server, database))
    try:
        await connection.execute("DELETE FROM notes WHERE id > $1", NOTES)
        await connection.execute("SELECT setval(pg_get_serial_sequence('notes', 'id'), $1)", NOTES)
    finally:
        await connection.close()


async def _drop(server: str, databases: list[str]) -> None:
    connection = await asyncpg.connect(server)
    try:
        for database in databases:
            await connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    finally:
        await connection.close()


def driver_routes() -> list[str]:
    """The routes as the driver takes them: `get`, `list=<path>`, `post`."""
    return [f"{mode}={path}" if path else mode for _, mode, path in ROUTES]


def dumped_totals(directory: Path) -> list[int]:
    """The instructions in each dump callgrind wrote after a counted call, in order."""
    dumps = sorted(directory.glob("callgrind.out.*"), key=lambda path: int(path.suffix[1:]))
    totals = []
    for dump in dumps:
        text = dump.read_text()
        if f"Trigger: --dump-after={MARKER}" not in text:
            continue
        found = re.search(r"^(?:totals|summary): (\d+)", text, re.MULTILINE)
        if found is None:
            raise SystemExit(f"{dump}: no totals line")
        totals.append(int(found[1]))
    return totals


def driver_command(app: App, requests: int, warmup: int) -> list[str]:
    which = ["--app", app.module, "--app-dir", str(APPS)] if app.module else ["--package", PACKAGE]
    return [
        "python",
        str(DRIVER),
        *which,
        "--requests",
        str(requests),
        "--warmup",
        str(warmup),
        "--notes",
        str(NOTES),
        "--users",
        str(USERS),
        *driver_routes(),
    ]


def driver_env(app: App, options: argparse.Namespace, seed: int) -> dict[str, str]:
    env = command_env(
        DATABASE_URL=database_url(options.postgres_url, app.database),
        # The str hash seed: with the same one a process repeats its count to a few
        # instructions in millions; another one moves it (the layout of every dict changes).
        PYTHONHASHSEED=str(seed),
    )
    # Bytecode written by the first run: compiling every module afresh under callgrind, in each
    # run, would take minutes (it is not counted, but it is waited for).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def try_driver(app: App, service: Path, options: argparse.Namespace) -> None:
    """The driver once without callgrind, briefly: every route answers, and the modules it
    imports are compiled before the runs that count."""
    result = subprocess.run(
        [UV, "run", "--no-sync", *driver_command(app, requests=5, warmup=5)],
        cwd=service,
        env=driver_env(app, options, seed=0),
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"{app.name}: the driver failed\n{result.stderr[-3000:]}")


def measure(app: App, service: Path, run: int, options: argparse.Namespace, valgrind: str) -> None:
    """One process under callgrind: every route, counted; the figures added to `app.runs`."""
    asyncio.run(_reset_notes(options.postgres_url, app.database))
    started = time.monotonic()
    directory = options.work / "callgrind" / f"{app.database}-run{run}"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    log = directory / "valgrind.log"
    command = [
        UV,
        "run",
        "--no-sync",
        valgrind,
        "--tool=callgrind",
        "--collect-atstart=no",
        f"--toggle-collect={MARKER}",
        f"--dump-after={MARKER}",
        f"--callgrind-out-file={directory / 'callgrind.out'}",
        f"--log-file={log}",
        *driver_command(app, options.requests, options.warmup),
    ]
    result = subprocess.run(
        command, cwd=service, env=driver_env(app, options, seed=run), capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(
            f"{app.name}, run {run}: the driver exited with {result.returncode}\n"
            f"{result.stderr[-3000:]}\n(valgrind's log: {log})"
        )
    measured = json.loads(result.stdout.strip().splitlines()[-1])["measured"]
    totals = dumped_totals(directory)
    if [m["route"] for m in measured] != driver_routes() or len(totals) != len(measured):
        raise SystemExit(
            f"{app.name}, run {run}: {len(totals)} callgrind dumps after {MARKER} for "
            f"{len(measured)} routes. Does valgrind see libffi's {MARKER} (its symbols stripped)"
            f", or does something else call through ctypes? See {directory}"
        )
    for (route, _, _), total, phase in zip(ROUTES, totals, measured, strict=True):
        app.runs.setdefault(route, []).append(total / options.requests)
        app.collections.setdefault(route, []).append(phase["collections"])
    print(f"  {app.name} run {run}: {time.monotonic() - started:.0f} s", flush=True)


def report(apps: list[App], options: argparse.Namespace) -> list[str]:
    routes = [route for route, _, _ in ROUTES]

    def table(title: str, cells: dict[str, list[str]]) -> list[str]:
        width = max(len(name) for name in cells) + 2
        header = f"{'app':<{width}}" + "".join(f"{route:>22}" for route in routes)
        rows = [
            f"{name:<{width}}" + "".join(f"{c:>22}" for c in row) for name, row in cells.items()
        ]
        return ["", f"# {title}", "", header, *rows]

    seeds = f"hash seed {options.runs}" if options.runs == 1 else f"hash seeds 1-{options.runs}"
    lines = table(
        f"instructions per request, millions: {options.requests} counted per route after "
        f"{options.warmup} uncounted; mean of {options.runs} run(s), {seeds}",
        {app.name: [f"{app.mean(r) / 1e6:.2f}" for r in routes] for app in apps},
    )
    if options.against:
        pairs = [
            (app, previous)
            for app in apps
            for previous in apps
            if previous.variant == f"{app.variant}@{options.against}"
        ]
        lines += table(
            f"ratio current / {options.against}",
            {
                app.name: [f"{app.mean(r) / previous.mean(r):.3f}" for r in routes]
                for app, previous in pairs
            },
        )
    by_name = {app.name: app for app in apps}
    leaner = {
        f"{name} / {lean}": [f"{by_name[name].mean(r) / by_name[lean].mean(r):.3f}" for r in routes]
        for name, lean in LEAN_OF.items()
        if name in by_name and lean in by_name
    }
    if leaner:
        lines += table("ratio service / lean hand-written app (at most 1 is the goal)", leaner)
    if options.runs > 1:
        lines += table(
            "spread between runs: (largest - smallest) / mean, %",
            {app.name: [f"{app.spread(r):.2%}" for r in routes] for app in apps},
        )
        lines += [
            "",
            "Runs differ by their hash seed alone (the same seed repeats a count to a few",
            "instructions): a ratio closer to 1 than the spreads is no change.",
        ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--against", default="", help="a release whose services are measured beside the current"
    )
    parser.add_argument("--requests", type=int, default=100, help="counted per route and run")
    parser.add_argument(
        "--warmup",
        type=int,
        default=NOTES,
        help="uncounted requests per route (by default one GET of each note: URL caches full)",
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="processes per app, run n with hash seed n"
    )
    parser.add_argument(
        "--only",
        default="",
        help="comma-separated app names (default: all): "
        + ", ".join([*LEAN_APPS, *SERVICES, *FEATURE_SERVICES]),
    )
    parser.add_argument(
        "--jobs", type=int, default=os.cpu_count() or 1, help="processes under callgrind at once"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument("--work", type=Path, default=BENCH / ".work" / "instructions")
    parser.add_argument(
        "--output", type=Path, default=BENCH / "results" / "latest-instructions.json"
    )
    options = parser.parse_args()
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        sys.exit(
            "valgrind is needed: install it with your package manager (apt-get install valgrind)"
        )

    apps = apps_to_measure(options.against, set(filter(None, options.only.split(","))))
    options.work.mkdir(parents=True, exist_ok=True)
    services = render_services(options.work, {app.variant for app in apps})
    install(services)
    started = datetime.now(UTC)
    try:
        for app in apps:
            prepare(options.postgres_url, app, services[app.variant])
            try_driver(app, services[app.variant], options)
        print(
            f"counting {len(apps)} apps x {len(ROUTES)} routes x {options.runs} run(s) under "
            f"callgrind, {options.jobs} at a time",
            flush=True,
        )

        # The runs of one app in turn (they share its database); apps side by side.
        def measure_runs(app: App) -> None:
            for run in range(1, options.runs + 1):
                measure(app, services[app.variant], run, options, valgrind)

        with ThreadPoolExecutor(max_workers=options.jobs) as pool:
            for done in [pool.submit(measure_runs, app) for app in apps]:
                done.result()
    finally:
        asyncio.run(_drop(options.postgres_url, [app.database for app in apps]))

    print("\n".join(report(apps, options)))
    options.output.parent.mkdir(parents=True, exist_ok=True)
    options.output.write_text(
        json.dumps(
            {
                "when": started.isoformat(),
                "what": "CPU instructions (callgrind Ir) per request, in process, per run",
                "options": {k: str(v) for k, v in vars(options).items()},
                "apps": [asdict(app) for app in apps],
            },
            indent=1,
        )
        + "\n"
    )
    print(f"\nraw results: {options.output}")


if __name__ == "__main__":
    main()
