"""A real PgBouncer in transaction pooling mode, in front of the test PostgreSQL server."""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from tests.harness import free_port

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
# Fewer server connections than the service's pool: transactions of different clients share
# them, which is what breaks a driver that assumes a connection of its own.
SERVER_CONNECTIONS = 3


def pgbouncer_problem() -> str | None:
    if not os.access(PGBOUNCER, os.X_OK):
        return "PgBouncer is not installed (apt-get install pgbouncer; .ci/run installs it)"
    return None


@contextmanager
def pgbouncer(server_url: str) -> Iterator[int]:
    """Run PgBouncer in transaction mode for every database of `server_url`; yield its port."""
    server = urlsplit(server_url)
    port = free_port()
    # PgBouncer refuses to run as root: it runs as `postgres`, in a directory it may write.
    work = Path(tempfile.mkdtemp(prefix="pgbouncer-"))
    work.chmod(0o777)
    (work / "users.txt").write_text(f'"{server.username or "postgres"}" ""\n')
    config = work / "pgbouncer.ini"
    config.write_text(
        "[databases]\n"
        f"* = host={server.hostname} port={server.port or 5432}\n"
        "[pgbouncer]\n"
        f"listen_addr = 127.0.0.1\nlisten_port = {port}\nunix_socket_dir =\n"
        f"auth_type = trust\nauth_file = {work / 'users.txt'}\n"
        "pool_mode = transaction\n"
        f"default_pool_size = {SERVER_CONNECTIONS}\nmax_client_conn = 500\n"
        f"logfile = {work / 'pgbouncer.log'}\n"
    )
    for path in work.iterdir():
        path.chmod(0o666)
    user = ["-u", "postgres"] if os.geteuid() == 0 else []
    process = subprocess.Popen([PGBOUNCER, *user, str(config)], stderr=subprocess.STDOUT)
    try:
        _wait_for(port, process, work / "pgbouncer.log")
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)


def _wait_for(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text() if log.exists() else ""
            raise RuntimeError(f"PgBouncer exited with {process.returncode}:\n{text}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError("PgBouncer did not listen within 10 s")
