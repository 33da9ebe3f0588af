"""The template's extension loads its code by path: two releases in one process, as `copier
update` renders them, each run their own."""

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

from jinja2 import Environment

from tests.harness import TEMPLATE_ROOT


def _load(path: Path) -> ModuleType:
    # As copier-template-extensions' loader does: by the file's path, under the name of its stem.
    spec = importlib.util.spec_from_file_location("copier_template_extensions.resources", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _release(root: Path, label: str) -> Path:
    """A copy of the template's extensions, whose specs label every resource `label`."""
    shutil.copytree(TEMPLATE_ROOT / "extensions", root / "extensions")
    notes = root / "includes" / "resources" / "notes.yml"
    notes.parent.mkdir(parents=True)
    shutil.copy(TEMPLATE_ROOT / "includes" / "resources" / "notes.yml", notes)
    specs = root / "extensions" / "resource_specs.py"
    text = specs.read_text()
    derived = '"label": singular.replace("_", " "),'
    assert derived in text
    specs.write_text(text.replace(derived, f'"label": "{label}",'))
    return root / "extensions" / "resources.py"


def test_two_releases_in_one_process_each_run_their_own_code(tmp_path: Path) -> None:
    old = _load(_release(tmp_path / "old", "old"))
    new = _load(_release(tmp_path / "new", "new"))
    environments = {}
    for name, module in (("old", old), ("new", new)):
        environment = Environment()
        module.ResourcesExtension(environment)
        environments[name] = environment
    notes = [{"name": "notes", "fields": {"title": {"type": "string", "max_length": 9}}}]

    labels = {
        name: environment.filters["resource_specs"](notes, [])[0]["label"]
        for name, environment in environments.items()
    }

    assert labels == {"old": "old", "new": "new"}
    # The siblings each release loaded are registered nowhere: no import can reach them.
    assert [name for name in sys.modules if name.startswith(f"{old.__name__}.")] == []


def test_the_extension_filters_are_those_copier_yml_calls() -> None:
    environment = Environment()
    _load(TEMPLATE_ROOT / "extensions" / "resources.py").ResourcesExtension(environment)
    copier_yml = (TEMPLATE_ROOT / "copier.yml").read_text()

    assert "- copier_template_extensions.TemplateExtensionLoader\n" in copier_yml
    assert "- extensions/resources.py:ResourcesExtension\n" in copier_yml
    assert "resources | resources_refusal(python_keywords, python_builtins)" in copier_yml
    assert "resources | resource_specs(features) | to_json" in copier_yml
    assert environment.filters["resources_refusal"]([], [], []) == ""
