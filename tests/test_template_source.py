"""The template reads as Python: few Jinja tags in any file, `.jinja` only where it is needed."""

import re
import statistics
from pathlib import Path

from tests.harness import TEMPLATE_ROOT

_TAG = re.compile(r"\{\{|\{%")
_BRANCH = re.compile(r"\{%-?\s*(if|elif|for)\b")
_MACRO = re.compile(r"(?P<before>(?:.*\n){0,1}).*\{%-?\s*macro (?P<name>\w+)")
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


def _branches(path: Path) -> int:
    return len(_BRANCH.findall(path.read_text()))


def test_template_files_carry_little_logic() -> None:
    """Variants live in file names, not in branches. A file that stamps out a resource (its
    name yields one file per resource) fills that resource's names in throughout, which is
    substitution, not logic: what it is held to is its branches and loops, at most 12. Every
    other file is held to at most 15 Jinja tags of any kind, the median none."""
    stamped = [path for path in _SOURCES if "{% yield" in path.name]
    others = [path for path in _SOURCES if path not in stamped]
    tags = {str(path.relative_to(TEMPLATE_ROOT)): _tags(path) for path in others}
    branches = {str(path.relative_to(TEMPLATE_ROOT)): _branches(path) for path in stamped}

    assert stamped
    assert {name: count for name, count in branches.items() if count > 12} == {}
    assert {name: count for name, count in tags.items() if count > 15} == {}
    assert statistics.median(tags.values()) == 0


def test_every_macro_says_what_it_renders() -> None:
    """The logic of rendering a resource lives in the macros of `includes/resources/`: each
    has a comment before it that says what it renders."""
    undocumented = [
        f"{path.name}: {match['name']}"
        for path in sorted((TEMPLATE_ROOT / "includes" / "resources").glob("*.jinja"))
        for match in _MACRO.finditer(path.read_text())
        if not match["before"].rstrip().endswith("-#}")
    ]

    assert undocumented == []


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
