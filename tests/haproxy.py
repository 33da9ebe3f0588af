"""A real HAProxy in front of a service's instances: health checks on `/health/ready`, and
retries, on another instance, of requests whose connection failed."""

import csv
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.harness import free_port

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
# How often HAProxy checks each instance, in ms, and how many checks in a row change its state:
# an instance that reports not ready is out of rotation within about 0.5 s.
CHECK_INTERVAL_MS = 200
CHECKS_TO_CHANGE = 2


def haproxy_problem() -> str | None:
    if not os.access(HAPROXY, os.X_OK):
        return "HAProxy is not installed (apt-get install haproxy; .ci/run installs it)"
    return None


@dataclass
class Balancer:
    port: int
    stats: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status(self, server: str) -> str:
        """What HAProxy thinks of `server` now: UP, DOWN, or on its way ("UP 1/2", ...)."""
        with socket.socket(socket.AF_UNIX) as connection:
            connection.connect(str(self.stats))
            connection.sendall(b"show stat\n")
            answer = b""
            while chunk := connection.recv(65536):
                answer += chunk
        rows = csv.DictReader(answer.decode().removeprefix("# ").splitlines())
        return next(row["status"] for row in rows if row["svname"] == server)

    def wait_until(self, server: str, status: str, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while (current := self.status(server)) != status:
            if time.monotonic() > deadline:
                raise TimeoutError(f"HAProxy still sees {server} {current} after {seconds} s")
            time.sleep(0.1)


@contextmanager
def haproxy(servers: dict[str, int]) -> Iterator[Balancer]:
    """Balance HTTP requests over `servers` (name: port on 127.0.0.1); yield the balancer."""
    work = Path(tempfile.mkdtemp(prefix="haproxy-"))
    balancer = Balancer(free_port(), work / "stats.sock")
    config = work / "haproxy.cfg"
    config.write_text(
        "global\n"
        f"    stats socket {balancer.stats} level admin\n"
        "defaults\n"
        "    mode http\n"
        "    timeout connect 1s\n"
        "    timeout client 30s\n"
        "    timeout server 30s\n"
        # A request whose connection to an instance failed, and was thus never sent, goes to
        # another: safe for any request. One that was sent is never sent twice.
        "    retries 3\n"
        "    retry-on conn-failure\n"
        "    option redispatch 1\n"
        "frontend service\n"
        f"    bind 127.0.0.1:{balancer.port}\n"
        "    default_backend instances\n"
        "backend instances\n"
        "    option httpchk GET /health/ready\n"
        f"    default-server check inter {CHECK_INTERVAL_MS}ms"
        f" fall {CHECKS_TO_CHANGE} rise {CHECKS_TO_CHANGE}\n"
        + "".join(f"    server {name} 127.0.0.1:{port}\n" for name, port in servers.items())
    )
    log = work / "haproxy.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [HAPROXY, "-db", "-f", str(config)], stdout=output, stderr=subprocess.STDOUT
        )
    try:
        _wait_for(balancer, process, log)
        yield balancer
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _wait_for(balancer: Balancer, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"HAProxy exited with {process.returncode}:\n{log.read_text()}")
        try:
            socket.create_connection(("127.0.0.1", balancer.port), timeout=0.5).close()
            if balancer.stats.exists():
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise TimeoutError("HAProxy did not listen within 10 s")
