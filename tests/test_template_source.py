"""The template reads as Python: few Jinja tags in any file, `.jinja` only where it is needed."""

import re
import statistics
from pathlib import Path

from tests.harness import TEMPLATE_ROOT

_TAG = re.compile(r"\{\{|\{%")
_PACKAGE_NAME = "{{ package_name }}"
# The rendered tree, and the README sections it includes.
_SOURCES = sorted(
    path
    for folder in ("template", "includes/readme")
    for path in (TEMPLATE_ROOT / folder).rglob("*")
    if path.is_file()
)


def _tags(path: Path) -> int:
    return len(_TAG.findall(path.read_text()))


def test_template_files_carry_few_jinja_tags() -> None:
    counts = {str(path.relative_to(TEMPLATE_ROOT)): _tags(path) for path in _SOURCES}

    assert {name: count for name, count in counts.items() if count > 15} == {}
    assert statistics.median(counts.values()) == 0


def _needs_jinja_only_to_import_the_package(path: Path) -> bool:
    lines = path.read_text().splitlines()
    rest = [line for line in lines if not (line.startswith("from ") and _PACKAGE_NAME in line)]
    return not any(_TAG.search(line) for line in rest)


def test_package_modules_are_templates_for_more_than_importing_the_package() -> None:
    # Modules of the package import each other relatively; tests, outside it, cannot.
    package = TEMPLATE_ROOT / "template" / "src"
    needless = [
        str(path.relative_to(package))
        for path in _SOURCES
        if path.is_relative_to(package)
        and path.name.endswith(".jinja")
        and _needs_jinja_only_to_import_the_package(path)
    ]

    assert needless == []
