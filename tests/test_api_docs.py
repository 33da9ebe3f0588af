"""The API docs a rendered service serves render in a browser that can reach nothing else: no
CDN, as on a machine without internet access or behind a proxy that refuses it."""

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from tests.harness import Service, free_port, serving, unavailable
from tests.variants import FEATURES, Services, Variant, variant_service

# With auth, so that Swagger UI shows its Authorize button too.
_VARIANT = Variant("sqlite", "orm", "offset", FEATURES)


@pytest.fixture
def chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        unavailable(
            "the API docs test needs chromium (apt-get install chromium); .ci/run installs it"
        )
    return found


def _rendered_dom(chromium: str, url: str, profile: Path) -> str:
    """The page at `url` once its scripts have run, every host but the service's cut off."""
    service = url.split("/")[2]
    dead = free_port()
    result = subprocess.run(
        [
            chromium,
            *("--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}"),
            # Every request goes through a proxy that is not there, but the service's own:
            # `<-loopback>` stops Chromium reaching other local ports directly.
            f"--proxy-server=127.0.0.1:{dead}",
            f"--proxy-bypass-list=<-loopback>;{service}",
            # Virtual time runs ahead while the page loads and renders, so this waits only
            # as long as that takes.
            "--virtual-time-budget=15000",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-4000:]
    return result.stdout


@pytest.mark.parametrize("variant", [_VARIANT], ids=lambda variant: variant.id)
def test_the_api_docs_render_with_only_the_service_reachable(
    request: pytest.FixtureRequest,
    services: Services,
    variant: Variant,
    chromium: str,
    tmp_path: Path,
) -> None:
    service: Service = variant_service(request, services, variant)
    with serving(service) as (base, _):
        document = httpx.get(f"{base}/openapi.json").json()
        swagger_ui = _rendered_dom(chromium, f"{base}/docs", tmp_path / "swagger-ui")
        redoc = _rendered_dom(chromium, f"{base}/redoc", tmp_path / "redoc")

    operations = {
        operation["operationId"]
        for methods in document["paths"].values()
        for operation in methods.values()
    }
    assert set(re.findall(r'class="opblock-summary-path" data-path="([^"]+)"', swagger_ui)) == set(
        document["paths"]
    ), swagger_ui[-2000:]
    assert 'class="btn authorize' in swagger_ui
    assert set(re.findall(r'id="operation/(\w+)"', redoc)) == operations, redoc[-2000:]
