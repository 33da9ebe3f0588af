"""The requests bench/instructions.py counts: run in a rendered service's own venv, under callgrind.

    python instructions_driver.py --package bench_service --requests 200 --warmup 50 \
        --notes 100 --users 1000 get list=/notes?limit=50 post
    python instructions_driver.py --app lean_orm:app --app-dir bench/apps ...

Builds the service's app with `create_app()` (its settings from the environment: DATABASE_URL),
or takes a hand-written app (`--app module:attribute`, the module in `--app-dir`), enters its
lifespan, and sends requests one at a time through httpx's ASGI transport: no server
and no sockets but the database's. For each route, in the order given, it sends `--warmup`
requests and checks their answers, then `--requests` more inside one call made through ctypes
(libffi's `ffi_call`), the only code callgrind counts (`--collect-atstart=no
--toggle-collect=ffi_call --dump-after=ffi_call`): one dump per route, in order. Prints the
routes it measured as one JSON line. Only the standard library and httpx (a service's dev
dependency) are imported here: the driver runs outside this repository's venv.
"""

import argparse
import asyncio
import ctypes
import gc
import importlib
import json
import logging
import sys
from collections.abc import Coroutine
from typing import Any

import httpx

# What a measured phase is called through: callgrind counts what runs inside `ffi_call`.
PHASE = ctypes.CFUNCTYPE(None)
EXPECTED_STATUS = {"get": 200, "list": 200, "post": 201}


async def send(
    client: httpx.AsyncClient, mode: str, path: str, i: int, notes: int, users: int
) -> httpx.Response:
    """The `i`th request of a route: as bench/wrk/route.lua sends it, with ids in turn."""
    if mode == "get":
        return await client.get(f"/notes/{1 + i % notes}")
    if mode == "list":
        return await client.get(path)
    body = {"title": f"Load {i}", "description": "written by wrk", "author_id": 1 + i % users}
    return await client.post("/notes", json=body)


async def warm_up(
    client: httpx.AsyncClient, mode: str, path: str, count: int, notes: int, users: int
) -> None:
    """Requests before the count starts (pools, caches, prepared statements), answers checked."""
    for i in range(count):
        response = await send(client, mode, path, i, notes, users)
        if response.status_code != EXPECTED_STATUS[mode]:
            raise SystemExit(f"{mode} {path}: {response.status_code} {response.text[:300]}")
        answer = response.json()
        if mode == "get" and answer["id"] != 1 + i % notes:
            raise SystemExit(f"GET /notes/{1 + i % notes} answered note {answer['id']}")
        if mode == "list" and len(answer["items"]) != 50:
            raise SystemExit(f"{path} answered {len(answer['items'])} notes, not 50")
        if mode == "post" and answer["title"] != f"Load {i}":
            raise SystemExit(f"POST /notes answered {response.text[:300]}")


async def measured(
    client: httpx.AsyncClient, mode: str, path: str, first: int, count: int, notes: int, users: int
) -> list[int]:
    """The counted requests; their statuses are checked after the count."""
    statuses = []
    for i in range(first, first + count):
        response = await send(client, mode, path, i, notes, users)
        statuses.append(response.status_code)
    return statuses


async def hold(
    create_app: Any, opened: "asyncio.Future[httpx.AsyncClient]", closing: "asyncio.Future[None]"
) -> None:
    """Keep the app's lifespan and the client open, in one task, until `closing` is done."""
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://bench") as client,
    ):
        opened.set_result(client)
        await closing


def counted(
    loop: asyncio.AbstractEventLoop, coroutine: Coroutine[Any, Any, list[int]]
) -> tuple[list[int], list[int]]:
    """Run `coroutine` to its end inside one call through ctypes, what callgrind counts; its
    result, and the garbage collections of each generation that ran in it."""
    results: list[list[int]] = []
    failures: list[BaseException] = []

    def phase() -> None:
        # A ctypes callback prints and swallows exceptions: they are kept and raised after it.
        try:
            results.append(loop.run_until_complete(coroutine))
        except BaseException as error:
            failures.append(error)

    # Garbage of the start-up and the warm-up collected, and what is left frozen: a collection
    # in the count then goes over the objects the counted requests made, not over every module
    # the process imported (a full collection that falls in one count and not in another would
    # move it by per cents).
    gc.collect()
    gc.freeze()
    before = [generation["collections"] for generation in gc.get_stats()]
    PHASE(phase)()
    after = [generation["collections"] for generation in gc.get_stats()]
    if failures:
        raise failures[0]
    return results[0], [b - a for a, b in zip(before, after, strict=True)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    app_source = parser.add_mutually_exclusive_group(required=True)
    app_source.add_argument("--package", help="a rendered service's package: its create_app()")
    app_source.add_argument("--app", help="a hand-written app, module:attribute")
    parser.add_argument("--app-dir", default=".", help="where the module of --app is")
    parser.add_argument("--requests", type=int, required=True)
    parser.add_argument("--warmup", type=int, required=True)
    parser.add_argument("--notes", type=int, required=True, help="notes seeded, ids from 1")
    parser.add_argument("--users", type=int, required=True, help="users seeded, ids from 1")
    parser.add_argument("routes", nargs="+", help="get, list=<path> or post")
    options = parser.parse_args()

    if options.package:
        create_app = importlib.import_module(f"{options.package}.main").create_app
    else:
        sys.path.insert(0, options.app_dir)
        module, _, attribute = options.app.partition(":")
        hand_written = getattr(importlib.import_module(module), attribute)

        def create_app() -> Any:
            return hand_written

    # The service's logging, set up when its main module is imported, would show every request
    # httpx sends (INFO): a cost no served request has.
    logging.getLogger("httpx").setLevel(logging.WARNING)

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    opened: asyncio.Future[httpx.AsyncClient] = loop.create_future()
    closing: asyncio.Future[None] = loop.create_future()
    holder = loop.create_task(hold(create_app, opened, closing))
    client = loop.run_until_complete(opened)

    measured_routes = []
    for route in options.routes:
        mode, _, path = route.partition("=")
        loop.run_until_complete(
            warm_up(client, mode, path, options.warmup, options.notes, options.users)
        )
        statuses, collections = counted(
            loop,
            measured(
                client,
                mode,
                path,
                options.warmup,
                options.requests,
                options.notes,
                options.users,
            ),
        )
        wrong = [status for status in statuses if status != EXPECTED_STATUS[mode]]
        if wrong or len(statuses) != options.requests:
            raise SystemExit(f"{route}: {len(wrong)} of {len(statuses)} answers were not right")
        measured_routes.append({"route": route, "collections": collections})

    closing.set_result(None)
    loop.run_until_complete(holder)
    loop.close()
    print(json.dumps({"measured": measured_routes, "requests": options.requests}))


if __name__ == "__main__":
    main()
