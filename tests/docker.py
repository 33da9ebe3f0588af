"""A Docker engine for the tests, and the base images the rendered Dockerfile and compose file
name: pulled from their registries when one answers, made here from Debian packages otherwise."""

import json
import platform
import re
import shutil
import subprocess
import tempfile
import urllib.request
import zipfile
from pathlib import Path

from tests.harness import TEMPLATE_ROOT

# Where the base images came from, for the end of the test run's report.
BASE_IMAGES: list[str] = []
# Debian's docker.io client: it builds with BuildKit, which a client without buildx cannot.
DOCKER = shutil.which("docker", path="/usr/bin") or shutil.which("docker") or "docker"
COMPOSE = shutil.which("docker-compose") or "docker-compose"
DEBIAN_MIRROR = "http://deb.debian.org/debian"
# Stand-ins are labelled, so that a later run reuses them and can tell them from the real ones.
STAND_IN_LABEL = "template-tests.stand-in"
# A PostgreSQL entrypoint honouring the variables the official image reads.
POSTGRES_ENTRYPOINT = """#!/bin/sh
set -e
export PGDATA="${PGDATA:-/var/lib/postgresql/data}"
BIN=$(echo /usr/lib/postgresql/*/bin)
mkdir -p "$PGDATA" /run/postgresql
chown -R postgres:postgres "$PGDATA" /run/postgresql
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    echo "$POSTGRES_PASSWORD" > /tmp/pwfile
    chown postgres /tmp/pwfile
    su postgres -c "$BIN/initdb -D $PGDATA -U ${POSTGRES_USER:-postgres} \
        --pwfile=/tmp/pwfile --auth-host=scram-sha-256 --auth-local=trust"
    rm /tmp/pwfile
    echo "host all all all scram-sha-256" >> "$PGDATA/pg_hba.conf"
    su postgres -c "$BIN/pg_ctl -D $PGDATA -o '-c listen_addresses=' -w start"
    if [ -n "$POSTGRES_DB" ] && [ "$POSTGRES_DB" != "${POSTGRES_USER:-postgres}" ]; then
        su postgres -c "$BIN/createdb -U ${POSTGRES_USER:-postgres} $POSTGRES_DB"
    fi
    su postgres -c "$BIN/pg_ctl -D $PGDATA -m fast -w stop"
fi
exec su postgres -c "exec $BIN/postgres -D $PGDATA -c listen_addresses='*'"
"""


# A MariaDB entrypoint honouring the variables the official image reads (a root password, a
# database to create); its arguments go to the server, as the official image's do.
MARIADB_ENTRYPOINT = """#!/bin/sh
set -e
DATADIR=/var/lib/mysql
mkdir -p "$DATADIR" /run/mysqld
chown -R mysql:mysql "$DATADIR" /run/mysqld
if [ ! -d "$DATADIR/mysql" ]; then
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db >/dev/null
    mariadbd --user=mysql --datadir="$DATADIR" --skip-networking "$@" &
    server=$!
    for _ in $(seq 60); do mariadb-admin ping >/dev/null 2>&1 && break; sleep 1; done
    mariadb -uroot <<SQL
CREATE USER 'root'@'%' IDENTIFIED BY '$MARIADB_ROOT_PASSWORD';
GRANT ALL ON *.* TO 'root'@'%' WITH GRANT OPTION;
CREATE DATABASE IF NOT EXISTS \\`$MARIADB_DATABASE\\`;
SQL
    kill "$server"
    wait "$server" || true
fi
exec mariadbd --user=mysql --datadir="$DATADIR" --bind-address=0.0.0.0 --port=3306 "$@"
"""
# The official image's health check, as far as the compose file asks of it: the server answers.
MARIADB_HEALTHCHECK = """#!/bin/sh
exec mariadb-admin ping
"""
# Redis as the official image runs it: in the foreground, answering on every interface without
# a password (protected mode off), keeping its data in /data; its arguments go to the server.
REDIS_ENTRYPOINT = """#!/bin/sh
set -e
mkdir -p /data
exec redis-server --bind 0.0.0.0 --port 6379 --protected-mode no --daemonize no --dir /data "$@"
"""
# The servers whose images a compose file names, as `image: <server>:<tag>`.
SERVERS = ("postgres", "mariadb", "redis")


def docker(*args: str, timeout: float = 600, check: bool = True) -> str:
    result = subprocess.run(
        [DOCKER, *args], capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and result.returncode != 0:
        raise RuntimeError(f"docker {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def engine_problem() -> str | None:
    """Why no Docker engine can be used here, or None when one answers."""
    if not Path(DOCKER).exists() and shutil.which(DOCKER) is None:
        return "no docker client installed"
    if shutil.which(COMPOSE) is None:
        return "no docker-compose installed"
    try:
        result = subprocess.run(
            [DOCKER, "info", "--format", "{{.ServerVersion}}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return "the Docker engine does not answer"
    if result.returncode != 0:
        return f"no Docker engine answers: {result.stderr.strip()[:300]}"
    return None


def images_from(dockerfile: str, compose: str) -> dict[str, str]:
    """The images a rendered service builds from and runs beside, by role."""
    images = {"python": re.findall(r"^FROM (\S+)", dockerfile, re.M)[0]}
    images["uv"] = re.findall(r"COPY --from=(\S+)", dockerfile)[0]
    for server in SERVERS:
        named = re.findall(rf"image: ({server}\S*)", compose)
        if named:
            images[server] = named[0]
    return images


def _server_images() -> dict[str, str]:
    """The servers' images that any rendered compose file may name, by role."""
    compose = "".join(
        path.read_text() for path in (TEMPLATE_ROOT / "includes" / "compose").glob("*.jinja")
    )
    return {server: re.findall(rf"image: ({server}\S*)", compose)[0] for server in SERVERS}


def ensure_base_images(images: dict[str, str], uv_wheel_dir: Path) -> str:
    """Make `images` available; say whether they are the real ones or stand-ins."""
    missing = [name for name in images.values() if not _present(name)]
    if not missing:
        return "base images already present: " + _origin(images)
    if all(_pull(name) for name in missing):
        return "base images pulled from their registries"
    # Every server's stand-in at once: they share one Debian root file system.
    _build_stand_ins({**_server_images(), **images}, uv_wheel_dir)
    return "no registry answers: base images are stand-ins built from Debian packages"


def _present(image: str) -> bool:
    return bool(docker("images", "-q", image).strip())


def _origin(images: dict[str, str]) -> str:
    label = f'{{{{index .Config.Labels "{STAND_IN_LABEL}"}}}}'
    labels = [docker("image", "inspect", "--format", label, name) for name in images.values()]
    return "stand-ins" if any(label.strip() == "yes" for label in labels) else "real"


def _pull(image: str) -> bool:
    try:
        return (
            subprocess.run(
                [DOCKER, "pull", image], capture_output=True, timeout=60, check=False
            ).returncode
            == 0
        )
    except subprocess.TimeoutExpired:
        return False


def _build_stand_ins(images: dict[str, str], uv_wheel_dir: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="stand-ins-") as work:
        root = Path(work) / "rootfs"
        packages = ["python3", "python3-venv", "ca-certificates", "passwd"]
        if "postgres" in images:
            packages.append("postgresql")
        if "mariadb" in images:
            packages.extend(["mariadb-server", "mariadb-client"])
        if "redis" in images:
            # redis-cli, which the compose file's health check runs, comes with it (redis-tools).
            packages.append("redis-server")
        subprocess.run(
            [
                "debootstrap",
                "--variant=minbase",
                f"--include={','.join(packages)}",
                "bookworm",
                str(root),
                DEBIAN_MIRROR,
            ],
            capture_output=True,
            check=True,
            timeout=900,
        )
        # The certificates this machine trusts beyond Debian's (a proxy's, say) go in too.
        shutil.copy("/etc/ssl/certs/ca-certificates.crt", root / "etc/ssl/certs/")
        (root / "usr/local/bin/python").symlink_to("/usr/bin/python3")
        for name, script in (
            ("docker-entrypoint.sh", POSTGRES_ENTRYPOINT),
            ("mariadb-entrypoint.sh", MARIADB_ENTRYPOINT),
            ("healthcheck.sh", MARIADB_HEALTHCHECK),
            ("redis-entrypoint.sh", REDIS_ENTRYPOINT),
        ):
            (root / "usr/local/bin" / name).write_text(script)
            (root / "usr/local/bin" / name).chmod(0o755)
        shutil.rmtree(root / "var/cache/apt/archives", ignore_errors=True)
        # Debian's package made a data directory; the entrypoint makes its own, as the official
        # image does, where compose mounts an empty volume.
        shutil.rmtree(root / "var/lib/mysql", ignore_errors=True)
        tarball = Path(work) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(root), "-cf", str(tarball), "."], check=True)
        shutil.rmtree(root)

        common = [
            "--change", f"LABEL {STAND_IN_LABEL}=yes",
            "--change", "ENV PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin",
            "--change", "ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt",
        ]  # fmt: skip
        docker("import", *common, "--change", 'CMD ["python3"]', str(tarball), images["python"])
        if "postgres" in images:
            docker(
                "import",
                *common,
                "--change", 'ENTRYPOINT ["/usr/local/bin/docker-entrypoint.sh"]',
                "--change", "EXPOSE 5432",
                # Debian's client wrappers would otherwise aim at the packaged cluster's port.
                "--change", "ENV PGPORT=5432",
                str(tarball),
                images["postgres"],
            )  # fmt: skip
        if "mariadb" in images:
            docker(
                "import",
                *common,
                "--change", 'ENTRYPOINT ["/usr/local/bin/mariadb-entrypoint.sh"]',
                "--change", "EXPOSE 3306",
                str(tarball),
                images["mariadb"],
            )  # fmt: skip
        if "redis" in images:
            docker(
                "import",
                *common,
                "--change", 'ENTRYPOINT ["/usr/local/bin/redis-entrypoint.sh"]',
                "--change", "EXPOSE 6379",
                str(tarball),
                images["redis"],
            )  # fmt: skip

        # The uv image holds the binary at /uv, as the real one does: taken from uv's wheel.
        version = images["uv"].rsplit(":", 1)[1]
        wheel = _uv_wheel(version, uv_wheel_dir)
        context = Path(work) / "uv"
        context.mkdir()
        with zipfile.ZipFile(wheel) as archive:
            member = next(name for name in archive.namelist() if name.endswith("/scripts/uv"))
            (context / "uv").write_bytes(archive.read(member))
        (context / "uv").chmod(0o755)
        (context / "Dockerfile").write_text(
            f'FROM scratch\nLABEL {STAND_IN_LABEL}="yes"\nCOPY uv /uv\n'
        )
        docker("build", "-t", images["uv"], str(context))


def _uv_wheel(version: str, directory: Path) -> Path:
    """uv's wheel for this machine from PyPI (kept in `directory` for later runs)."""
    wheels = list(directory.glob(f"uv-{version}-*manylinux*{platform.machine()}*.whl"))
    if wheels:
        return wheels[0]
    index = urllib.request.Request(
        "https://pypi.org/simple/uv/",
        headers={"Accept": "application/vnd.pypi.simple.v1+json"},
    )
    with urllib.request.urlopen(index, timeout=60) as answer:
        files = json.load(answer)["files"]
    chosen = next(
        file
        for file in files
        if file["filename"].startswith(f"uv-{version}-")
        and "manylinux" in file["filename"]
        and platform.machine() in file["filename"]
    )
    directory.mkdir(parents=True, exist_ok=True)
    wheel = directory / chosen["filename"]
    with urllib.request.urlopen(chosen["url"], timeout=300) as download:
        wheel.write_bytes(download.read())
    return wheel
