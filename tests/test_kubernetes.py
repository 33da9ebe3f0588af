"""The `kubernetes` feature: kustomize builds its manifests, every object they make is valid for
a current Kubernetes, and they say what the service needs of a cluster.

No cluster is available here. What is checked without one: `kubectl kustomize` builds the
service's and the migrations' kustomizations, `kubernetes-validate --strict` accepts every object
against the schemas of KUBERNETES_VERSION, and the objects agree with the service (its image, its
health routes, its settings, its shutdown) and with each other (selectors, references). Like
`docker`, the feature adds files around a service and changes none of it: each variant is
rendered beside its twin without it, and an update that turns it on adds its files alone.
"""

import base64
import difflib
import json
import re
import secrets
import subprocess
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pytest
import yaml
from copier import run_copy

from tests.harness import copy_working_tree
from tests.releases import ReleaseClone, git
from tests.updates import commit, copy, snapshot, update
from tests.variants import PACKAGE_NAME, Variant

# The newest Kubernetes the installed kubernetes-validate has schemas for.
KUBERNETES_VERSION = "1.37.0"
_TOOLS = Path(sys.executable).parent
_DEPLOY = "deploy/kubernetes"
_APP = PACKAGE_NAME.replace("_", "-")

# The renders and builds below are shared by the module's tests: keep them on one xdist worker.
pytestmark = pytest.mark.xdist_group("test_kubernetes")

# Every database the feature supports (SQLite is refused), each with the features that change
# the manifests (`auth`: a secret and a setting; `observability`: the scrape annotations;
# `jobs`: the worker's Deployment, a secret and a setting) and without them, and both
# data-access choices and paginations among them.
VARIANTS = [
    Variant("postgresql", "core", features=("docker", "kubernetes")),
    Variant(
        "postgresql", "orm", "cursor", ("auth", "docker", "jobs", "kubernetes", "observability")
    ),
    Variant("mariadb", "orm", features=("docker", "jobs", "kubernetes")),
    Variant("mariadb", "core", "cursor", ("auth", "docker", "kubernetes", "observability")),
]
# The most connections each server takes by default: PostgreSQL's and MariaDB's max_connections.
_MAX_CONNECTIONS = {"postgresql": 100, "mariadb": 151}


def _without_kubernetes(variant: Variant) -> Variant:
    return replace(variant, features=tuple(f for f in variant.features if f != "kubernetes"))


@dataclass(frozen=True)
class Build:
    """What kustomize made of a rendered service's manifests."""

    project: Path
    service: list[dict[str, Any]]
    migrations: list[dict[str, Any]]
    outputs: tuple[Path, Path]

    def one(self, kind: str) -> dict[str, Any]:
        """The object of `kind`, the server's and not the worker's; the ConfigMap and the
        Secret are the service's (and the same in the migrations', as a test asserts)."""
        job = [item for item in self.migrations if item["kind"] == "Job"]
        (found,) = [
            item
            for item in [*self.service, *job]
            if item["kind"] == kind and _component(item) != "worker"
        ]
        return found

    @property
    def worker(self) -> dict[str, Any] | None:
        """The jobs' worker Deployment, None without `jobs` (a test asserts it is one)."""
        workers = [item for item in self.service if _component(item) == "worker"]
        return workers[0] if workers else None

    @property
    def settings(self) -> dict[str, str]:
        data: dict[str, str] = self.one("ConfigMap")["data"]
        return data

    @property
    def features(self) -> list[str]:
        answers = yaml.safe_load((self.project / ".copier-answers.yml").read_text())
        features: list[str] = answers["features"]
        return features


def _component(item: dict[str, Any]) -> str | None:
    component: str | None = item["metadata"].get("labels", {}).get("app.kubernetes.io/component")
    return component


@dataclass(frozen=True)
class Rendered:
    """The services of VARIANTS and their twins, with the files as Copier wrote them."""

    root: Path
    files: dict[Variant, dict[str, bytes]]


def _files(project: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(project)): path.read_bytes()
        for path in sorted(project.rglob("*"))
        if path.is_file()
    }


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    # Not a git repository: Copier renders it in place instead of cloning it each time.
    template = copy_working_tree(tmp_path_factory.mktemp("template") / "source")
    root = tmp_path_factory.mktemp("kubernetes")
    files = {}
    for variant in VARIANTS:
        for each in (variant, _without_kubernetes(variant)):
            project = root / each.id
            run_copy(
                str(template), project, data=each.answers, defaults=True, quiet=True, unsafe=True
            )
            files[each] = _files(project)
    return Rendered(root, files)


def _kustomize(project: Path, folder: str, output: Path) -> list[dict[str, Any]]:
    result = subprocess.run(
        [str(_TOOLS / "kubectl"), "kustomize", folder],
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    output.write_text(result.stdout)
    return list(yaml.safe_load_all(result.stdout))


@pytest.fixture(scope="module")
def builds(rendered: Rendered) -> dict[Variant, Build]:
    """Each variant's kustomizations, built once its secrets are filled in as an owner does."""
    built = {}
    for variant in VARIANTS:
        project = rendered.root / variant.id
        settings = project / _DEPLOY / "settings"
        example = (settings / "secrets.env.example").read_text()
        filled = example.replace("USER:PASSWORD@HOST", "app:s3cret@db.internal").replace(
            "JWT_SECRET_KEY=\n", f"JWT_SECRET_KEY={secrets.token_hex(32)}\n"
        )
        (settings / "secrets.env").write_text(filled)
        outputs = (project / "service.k8s.yaml", project / "migrations.k8s.yaml")
        service = _kustomize(project, _DEPLOY, outputs[0])
        migrations = _kustomize(project, f"{_DEPLOY}/migrations", outputs[1])
        built[variant] = Build(project, service, migrations, outputs)
    return built


@pytest.fixture(params=VARIANTS, ids=lambda variant: variant.id)
def build(request: pytest.FixtureRequest, builds: dict[Variant, Build]) -> Build:
    return builds[request.param]


def _validate(*files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            str(_TOOLS / "kubernetes-validate"),
            "--strict",
            "--quiet",
            "--kubernetes-version",
            KUBERNETES_VERSION,
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_object_is_valid_for_a_current_kubernetes(build: Build) -> None:
    result = _validate(*build.outputs)

    assert result.returncode == 0, result.stdout + result.stderr
    # The worker's Deployment exactly with `jobs`, and nothing else of its own.
    worker = ["Deployment"] if "jobs" in build.features else []
    assert sorted(item["kind"] for item in build.service) == sorted(
        [
            "ConfigMap",
            "Deployment",
            "HorizontalPodAutoscaler",
            "PodDisruptionBudget",
            "Secret",
            "Service",
            *worker,
        ]
    )
    assert [_component(item) for item in build.service].count("worker") == len(worker)
    assert sorted(item["kind"] for item in build.migrations) == ["ConfigMap", "Job", "Secret"]
    # One settings component: both kustomizations make the same ConfigMap and Secret.
    shared = [item for item in build.service if item["kind"] in {"ConfigMap", "Secret"}]
    assert shared == [item for item in build.migrations if item["kind"] in {"ConfigMap", "Secret"}]


def test_the_validation_refuses_a_misspelt_field(
    builds: dict[Variant, Build], tmp_path: Path
) -> None:
    """The check above is strict: a field Kubernetes does not know fails it."""
    service = builds[VARIANTS[0]].outputs[0].read_text()
    assert "readOnlyRootFilesystem" in service
    misspelt = tmp_path / "misspelt.yaml"
    misspelt.write_text(service.replace("readOnlyRootFilesystem", "readOnlyRootFileSystem"))

    assert _validate(misspelt).returncode != 0


def _dockerfile(project: Path) -> str:
    return (project / "Dockerfile").read_text()


def _pod_specs(build: Build) -> dict[str, dict[str, Any]]:
    """The pods' specs by what makes them: the server's Deployment, the migrations' Job and,
    with `jobs`, the worker's Deployment."""
    specs = {kind: build.one(kind)["spec"]["template"]["spec"] for kind in ("Deployment", "Job")}
    if build.worker is not None:
        specs["worker"] = build.worker["spec"]["template"]["spec"]
    return specs


def test_pods_run_the_release_image_unprivileged_on_a_read_only_file_system(build: Build) -> None:
    component = yaml.safe_load(
        (build.project / _DEPLOY / "settings/kustomization.yaml").read_text()
    )
    (image,) = component["images"]
    user = re.search(r"^USER (\d+)$", _dockerfile(build.project), re.MULTILINE)
    assert user, "the Dockerfile names its user"
    pods = _pod_specs(build)
    assert ("worker" in pods) == ("jobs" in build.features)

    for kind, pod in pods.items():
        assert pod["securityContext"] == {
            "runAsNonRoot": True,
            "runAsUser": int(user.group(1)),
            "runAsGroup": int(user.group(1)),
            "seccompProfile": {"type": "RuntimeDefault"},
        }, kind
        assert pod["automountServiceAccountToken"] is False, kind
        (container,) = pod["containers"]
        assert container["image"] == f"{image['newName']}:{image['newTag']}", kind
        assert image["name"] == _APP
        assert container["securityContext"] == {
            "allowPrivilegeEscalation": False,
            "readOnlyRootFilesystem": True,
            "capabilities": {"drop": ["ALL"]},
        }, kind
        volumes = {volume["name"]: volume for volume in pod["volumes"]}
        (mount,) = container["volumeMounts"]
        assert mount["mountPath"] == "/tmp", kind
        assert "emptyDir" in volumes[mount["name"]], kind
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]), kind
        assert "memory" in container["resources"]["limits"], kind


def _routes(project: Path) -> set[str]:
    """The health routes, as the router module declares them."""
    source = (project / "src" / PACKAGE_NAME / "routers" / "health.py").read_text()
    prefix = re.search(r'APIRouter\(prefix="([^"]+)"', source)
    assert prefix
    return {prefix.group(1) + path for path in re.findall(r'@router\.get\("([^"]+)"', source)}


def test_probes_ask_the_health_routes_on_the_images_port(build: Build) -> None:
    (container,) = _pod_specs(build)["Deployment"]["containers"]
    ports = {port["name"]: port["containerPort"] for port in container["ports"]}
    exposed = re.search(r"^EXPOSE (\d+)$", _dockerfile(build.project), re.MULTILINE)
    assert exposed
    assert ports == {"http": int(exposed.group(1))}
    # The service listens there, on the pod's address that the probes and the Service use.
    assert build.settings["HOST"] == "0.0.0.0"
    assert int(build.settings["PORT"]) == ports["http"]

    probes = {
        name: container[name]["httpGet"]
        for name in ("startupProbe", "livenessProbe", "readinessProbe")
    }
    assert probes["livenessProbe"] == {"path": "/health/live", "port": "http"}
    assert probes["startupProbe"] == {"path": "/health/live", "port": "http"}
    assert probes["readinessProbe"] == {"path": "/health/ready", "port": "http"}
    assert {"/health/live", "/health/ready"} <= _routes(build.project)
    # The service answers /health/ready within READINESS_TIMEOUT_SECONDS whatever the database
    # does: the probe waits longer, so a slow database reads as not ready, never as a timeout.
    readiness = float(build.settings["READINESS_TIMEOUT_SECONDS"])
    assert container["readinessProbe"]["timeoutSeconds"] > readiness


def test_the_grace_period_covers_the_services_shutdown(build: Build) -> None:
    """Kubernetes kills a pod `terminationGracePeriodSeconds` after it began to stop it: after
    the preStop sleep, the service's drain (not ready, still serving) and its wait for the
    requests in flight, with time to spare for the process to exit."""
    pod = _pod_specs(build)["Deployment"]
    (container,) = pod["containers"]
    sleep = container["lifecycle"]["preStop"]["sleep"]["seconds"]
    drain = float(build.settings["SHUTDOWN_DRAIN_SECONDS"])
    in_flight = float(build.settings["SHUTDOWN_TIMEOUT_SECONDS"])

    assert sleep > 0
    assert pod["terminationGracePeriodSeconds"] >= sleep + drain + in_flight + 5
    # The image's own command runs the service, and with it the shutdown above.
    assert "command" not in container
    assert "args" not in container


def test_the_workers_grace_period_lets_a_job_finish(build: Build) -> None:
    """On SIGTERM the worker takes no more jobs: Kubernetes kills it only after the grace it
    gives the jobs it runs, with time to record their outcomes."""
    assert ("WORKER_SHUTDOWN_GRACE_SECONDS" in build.settings) == ("jobs" in build.features)
    if build.worker is None:
        return
    pod = build.worker["spec"]["template"]["spec"]
    grace = float(build.settings["WORKER_SHUTDOWN_GRACE_SECONDS"])

    assert pod["terminationGracePeriodSeconds"] >= grace + 10
    # Nothing delays the SIGTERM: no Service sends the worker requests to drain first.
    (container,) = pod["containers"]
    assert "lifecycle" not in container


def test_the_job_runs_the_migrations_once_and_apart_from_the_service(build: Build) -> None:
    job = build.one("Job")
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    (deployment_container,) = _pod_specs(build)["Deployment"]["containers"]
    compose = yaml.safe_load((build.project / "compose.yaml").read_text())

    assert container["command"] == compose["services"]["migrate"]["command"]
    assert container["command"] == ["alembic", "upgrade", "head"]
    assert pod["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] == 0
    assert container["envFrom"] == deployment_container["envFrom"]
    # The service's kustomization has no Job: applying it never runs (or changes) one.
    assert all(item["kind"] != "Job" for item in build.service)
    # The Job controller labels its pods with the Job's name, at most 63 characters.
    assert len(job["metadata"]["name"]) <= 63


def _image_command(project: Path) -> list[str]:
    cmd = re.search(r"^CMD (\[.*\])$", _dockerfile(project), re.MULTILINE)
    assert cmd, "the Dockerfile runs the service with an exec-form CMD"
    command: list[str] = json.loads(cmd.group(1))
    return command


def test_the_worker_runs_the_jobs_from_the_services_image_and_settings(build: Build) -> None:
    if "jobs" not in build.features:
        assert build.worker is None
        assert not (build.project / "src" / PACKAGE_NAME / "worker.py").exists()
        return
    assert build.worker is not None
    pod = build.worker["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    (server,) = _pod_specs(build)["Deployment"]["containers"]

    # The image's interpreter, as its CMD runs the server, on the worker's module.
    interpreter = _image_command(build.project)[:2]
    assert interpreter == ["python", "-m"]
    assert container["command"] == [*interpreter, f"{PACKAGE_NAME}.worker"]
    compose = yaml.safe_load((build.project / "compose.yaml").read_text())
    assert container["command"] == compose["services"]["worker"]["command"]
    assert "args" not in container
    worker = (build.project / "src" / PACKAGE_NAME / "worker.py").read_text()
    assert '"--alive"' in worker
    assert container["image"] == server["image"]
    assert container["envFrom"] == server["envFrom"]
    assert container["resources"]["requests"] == server["resources"]["requests"]
    # It serves nothing: no port, no readiness; it is alive while it touches its heartbeat.
    assert "ports" not in container
    assert "readinessProbe" not in container
    for probe in ("startupProbe", "livenessProbe"):
        assert container[probe]["exec"]["command"] == [*container["command"], "--alive"], probe
        # A Python process that imports the worker's module: more than a second at times.
        assert container[probe]["timeoutSeconds"] >= 3, probe
    startup = container["startupProbe"]
    assert startup["periodSeconds"] * startup["failureThreshold"] >= 30

    # The heartbeat goes where the read-only pod may write, which the probes' processes see.
    env = {variable["name"]: variable["value"] for variable in container.get("env", [])}
    heartbeat = Path(env["WORKER_HEARTBEAT_FILE"])
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    (mount,) = [
        mount for mount in container["volumeMounts"] if heartbeat.is_relative_to(mount["mountPath"])
    ]
    assert "emptyDir" in volumes[mount["name"]]
    assert not mount.get("readOnly", False)
    assert (
        "worker_heartbeat_file:"
        in (build.project / "src" / PACKAGE_NAME / "job_settings.py").read_text()
    )

    # A count of its own: the autoscaler scales the server, and no other object names it.
    assert build.worker["spec"]["replicas"] >= 1
    name = build.worker["metadata"]["name"]
    assert build.one("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]["name"] != name
    assert all(name not in json.dumps(item) for item in build.service if item is not build.worker)


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return selector.items() <= labels.items()


def test_service_autoscaler_and_budget_point_at_the_services_pods(build: Build) -> None:
    deployment = build.one("Deployment")
    pods = deployment["spec"]["template"]["metadata"]["labels"]
    job_pods = build.one("Job")["spec"]["template"]["metadata"]["labels"]
    selectors = {
        "Deployment": deployment["spec"]["selector"]["matchLabels"],
        "PodDisruptionBudget": build.one("PodDisruptionBudget")["spec"]["selector"]["matchLabels"],
        "Service": build.one("Service")["spec"]["selector"],
    }
    worker_pods = build.worker["spec"]["template"]["metadata"]["labels"] if build.worker else {}
    for kind, selector in selectors.items():
        assert _selects(selector, pods), kind
        assert not _selects(selector, job_pods), kind
        assert not _selects(selector, worker_pods), kind
    # The worker's Deployment owns its pods alone, never the server's.
    if build.worker is not None:
        worker_selector = build.worker["spec"]["selector"]["matchLabels"]
        assert _selects(worker_selector, worker_pods)
        assert not _selects(worker_selector, pods)
        assert not _selects(worker_selector, job_pods)

    (port,) = build.one("Service")["spec"]["ports"]
    (container,) = deployment["spec"]["template"]["spec"]["containers"]
    assert port["targetPort"] in {container_port["name"] for container_port in container["ports"]}
    autoscaler = build.one("HorizontalPodAutoscaler")["spec"]
    assert autoscaler["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    (metric,) = autoscaler["metrics"]
    assert metric["resource"]["name"] == "cpu"
    assert metric["resource"]["target"]["type"] == "Utilization"
    assert autoscaler["minReplicas"] >= 2
    # The autoscaler owns the count: an apply that named one would undo its work.
    assert "replicas" not in deployment["spec"]
    # At the most pods, the connections their pools hold still leave the server room.
    database = build.project.name.split("-")[0]
    pool = int(build.settings["DATABASE_POOL_SIZE"])
    connections = autoscaler["maxReplicas"] * int(build.settings["WEB_CONCURRENCY"]) * pool
    assert connections <= 0.8 * _MAX_CONNECTIONS[database]
    # A worker (one process) holds a pool too: with them, a tenth is still left for the
    # migrations, the connections the server reserves and your own sessions.
    workers = build.worker["spec"]["replicas"] if build.worker else 0
    assert connections + workers * pool <= 0.9 * _MAX_CONNECTIONS[database]


def test_settings_are_the_services_and_secrets_stay_out_of_git(build: Build) -> None:
    settings = build.project / _DEPLOY / "settings"
    features = build.features
    database = build.project.name.split("-")[0]
    expected = (
        {"DATABASE_URL"}
        | ({"JWT_SECRET_KEY"} if "auth" in features else set())
        | ({"REDIS_URL"} if "jobs" in features else set())
    )

    assert set(build.one("Secret")["data"]) == expected
    assert (settings / ".gitignore").read_text().splitlines() == ["secrets.env"]
    example = dict(
        line.split("=", 1)
        for line in (settings / "secrets.env.example").read_text().splitlines()
        if line and not line.startswith("#")
    )
    assert set(example) == expected
    # No secret in git: a placeholder URL, an empty key the service refuses to start with.
    assert "USER:PASSWORD@HOST" in example["DATABASE_URL"]
    assert example.get("JWT_SECRET_KEY", "") == ""
    driver = {"postgresql": "postgresql+asyncpg://", "mariadb": "mariadb+asyncmy://"}[database]
    assert example["DATABASE_URL"].startswith(driver)
    # The broker's URL may hold a password: a secret too, set for the server and the worker
    # (unset, they would look for a Redis on the pod itself).
    if "jobs" in features:
        assert example["REDIS_URL"].startswith("redis://")
        assert "PASSWORD@HOST" in example["REDIS_URL"]
        secret = base64.b64decode(build.one("Secret")["data"]["REDIS_URL"]).decode()
        assert secret.startswith("redis://")

    assert ("DATABASE_BEHIND_PGBOUNCER" in build.settings) == (database == "postgresql")
    assert ("JWT_EXPIRE_MINUTES" in build.settings) == ("auth" in features)
    # Every setting is one the service reads (a settings field, or the variable by its name);
    # uvicorn reads WEB_CONCURRENCY.
    source = "\n".join(
        path.read_text() for path in (build.project / "src" / PACKAGE_NAME).rglob("*.py")
    )
    unread = [
        name
        for name in build.settings
        if name != "WEB_CONCURRENCY" and f"{name.lower()}:" not in source and name not in source
    ]
    assert unread == []


def test_pods_are_scraped_with_observability(build: Build) -> None:
    template = build.one("Deployment")["spec"]["template"]
    features = build.features
    annotations = template["metadata"].get("annotations", {})
    # The worker answers no /metrics: a scrape of its pods would only fail.
    if build.worker is not None:
        assert "annotations" not in build.worker["spec"]["template"]["metadata"]

    if "observability" not in features:
        assert annotations == {}
        assert "PROMETHEUS_MULTIPROC_DIR" not in build.settings
        return
    (container,) = template["spec"]["containers"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(container["ports"][0]["containerPort"]),
        "prometheus.io/path": "/metrics",
    }
    observability = build.project / "src" / PACKAGE_NAME / "observability.py"
    assert re.search(r'\.get\("/metrics"', observability.read_text())
    # The workers' metrics files go to a directory the read-only pod may write: its emptyDir.
    (mount,) = container["volumeMounts"]
    metrics = Path(build.settings["PROMETHEUS_MULTIPROC_DIR"])
    assert metrics.is_relative_to(mount["mountPath"])


def _differences(before: dict[str, bytes], after: dict[str, bytes]) -> set[str]:
    return {path for path in before.keys() | after.keys() if before.get(path) != after.get(path)}


def _assert_adds_only_kubernetes(without: dict[str, bytes], with_: dict[str, bytes]) -> None:
    """`with_` is `without` and the manifests: nothing else differs but the features answered
    and the README's section on them."""
    differing = _differences(without, with_)
    added = {path for path in differing if path.startswith(f"{_DEPLOY}/")}
    assert added
    assert added.isdisjoint(without)
    assert differing - added <= {".copier-answers.yml", "README.md"}
    answers = difflib.ndiff(
        without[".copier-answers.yml"].decode().splitlines(),
        with_[".copier-answers.yml"].decode().splitlines(),
    )
    changed = [line for line in answers if line.startswith(("- ", "+ "))]
    assert all(line.startswith(("- features", "+ features", "- - ", "+ - ")) for line in changed)
    readme = difflib.SequenceMatcher(
        None, without["README.md"].decode().splitlines(), with_["README.md"].decode().splitlines()
    )
    assert {tag for tag, *_ in readme.get_opcodes()} <= {"equal", "insert"}


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda variant: variant.id)
def test_kubernetes_adds_files_around_the_service_and_changes_none_of_it(
    rendered: Rendered, variant: Variant
) -> None:
    """As for `docker` (test_matrix.py), a service is its twin without `kubernetes` but for the
    manifests: the suites of the twins' shapes run every line of its code."""
    _assert_adds_only_kubernetes(
        rendered.files[_without_kubernetes(variant)], rendered.files[variant]
    )


def test_turning_kubernetes_on_later_adds_its_files_and_nothing_else(
    release_clone: ReleaseClone, tmp_path: Path
) -> None:
    """A service of the previous release updated with `kubernetes` among its features is the
    same service updated without it, but for the manifests, which git lists as new files."""
    answers = Variant("postgresql", "core", features=("docker",)).answers
    projects, statuses = {}, {}
    for name, features in (("with", ["docker", "kubernetes"]), ("without", ["docker"])):
        project = copy(release_clone.path, release_clone.previous.tag, tmp_path / name, answers)
        commit(project, f"Service from {release_clone.previous.tag}")
        update(project, release_clone.current.tag, data={"features": features})
        projects[name] = snapshot(project)
        status = git(project, "status", "--porcelain", "--untracked-files=all")
        statuses[name] = set(status.splitlines())

    _assert_adds_only_kubernetes(projects["without"], projects["with"])
    new = statuses["with"] - statuses["without"]
    manifests = {path for path in projects["with"] if path.startswith(f"{_DEPLOY}/")}
    assert {line for line in new if line.startswith("?? ")} == {f"?? {path}" for path in manifests}
    assert {line for line in new if not line.startswith("?? ")} <= {" M README.md"}
