"""The template's Jinja extension: the `resources` answer's logic, in Python, as filters.

copier.yml loads it through copier-template-extensions' loader
(`extensions/resources.py:ResourcesExtension` in `_jinja_extensions`), which executes this
file by its path each time Copier sets up a Jinja environment. `copier update` renders the
service's old release and the new one in one process; each release's environment executes its
own copy of this file, and this file loads its siblings by their paths too, into modules that
are never registered in `sys.modules`: neither release ever runs the other's code.

- `resources | resources_refusal(python_keywords, python_builtins)`: what is wrong with the
  answer, one problem a line; empty when nothing is (`resource_answers.py`).
- `resources | resource_specs(features)`: the resources as the templates read them, every
  default filled in and every name derived (`resource_specs.py`).
- `resource_specs | schema_revision`: a new service's one Alembic revision, which creates its
  tables (`resource_revision.py`).
- `_copier_conf.dst_path | migrations_start`: where the migrations of a service that has
  not recorded it start (`own_schema` or `template_history`).
- `py.<function>(...)`, a global: how a resource's fields read in the Python the templates
  write, names, types, literals, imports in ruff's order, lines wrapped as ruff wraps them
  (`python_code.py`).
- `values.<function>(...)`, a global: a resource's values for its factories and tests, valid
  and invalid, and the lines that open and check its tests (`test_values.py`).
- `stores.<function>(...)`, a global: a resource's ORM or Core store, every piece that depends
  on the resource or the database computed, and what the users' stores share
  (`store_code.py`).
"""

import importlib.util
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.ext import Extension
from jinja2.runtime import Context

_HERE = Path(__file__).resolve().parent


def load_sibling(stem: str) -> ModuleType:
    """Execute `<stem>.py` from this folder, afresh, as a module no import can reach."""
    path = _HERE / f"{stem}.py"
    spec = importlib.util.spec_from_file_location(f"{__name__}.{stem}", path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_answers = load_sibling("resource_answers")
_specs = load_sibling("resource_specs")
_revision = load_sibling("resource_revision")
# The templates' `py`: names, types, literals, imports and wrapped lines of generated Python.
_python_code = load_sibling("python_code")
# The templates' `values`: a resource's valid and invalid values, and lines of its tests.
_test_values = load_sibling("test_values")
# The templates' `stores`: a resource's store module, its pieces computed.
_store_code = load_sibling("store_code")


def resources_refusal(resources: Any, keywords: list[str], builtins: list[str]) -> str:
    refusal: str = _answers.refusal(resources, keywords, builtins)
    return refusal


def resource_specs(resources: list[dict[str, Any]], features: list[str]) -> list[dict[str, Any]]:
    specs: list[dict[str, Any]] = _specs.resource_specs(resources, features)
    return specs


def schema_revision(specs: list[dict[str, Any]], features: list[str]) -> str:
    """A new service's one Alembic revision: the users' table, then its resources' tables in
    the answer's order (each refers only to those before it), their constraints and indexes;
    with `jobs`, the outbox's table, then with `webhooks` the webhooks' tables."""
    jobs = "jobs" in features
    webhooks = "webhooks" in features
    feature_tables = ["outbox_jobs"] * jobs + ["webhooks", "webhook_deliveries"] * webhooks
    names = ", ".join(["users", *(spec["name"] for spec in specs), *feature_tables])
    text: str = _revision.revision(
        revision="0001",
        down_revision=None,
        create_date="when the service was made",
        # After the docstring's opening quotes, within the line length; one that fits is as
        # it always was.
        message=textwrap.fill(f"Create the service's tables: {names}.", 97),
        created=specs,
        users=True,
        outbox="create" if jobs else None,
        webhooks="create" if webhooks else None,
    )
    return text


@pass_context
def _schema_revision_of_answers(context: Context, specs: list[dict[str, Any]]) -> str:
    """`schema_revision` with the answers' features: the revision's template, released, names
    only the specs."""
    return schema_revision(specs, context["features"])


def migrations_start(destination: str) -> str:
    """Where the migrations of the service in `destination` start, for a service that has not
    recorded it: the template's first revisions if it has them (a service made before 0.15.0,
    updated), else a schema of its own (a new service)."""
    first = Path(destination) / "migrations" / "versions" / "0001_initial_schema.py"
    return "template_history" if first.is_file() else "own_schema"


class ResourcesExtension(Extension):
    """Adds the filters above to the template's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["resources_refusal"] = resources_refusal
        environment.filters["resource_specs"] = resource_specs
        environment.filters["schema_revision"] = _schema_revision_of_answers
        environment.filters["migrations_start"] = migrations_start
        environment.globals["py"] = _python_code
        environment.globals["values"] = _test_values
        environment.globals["stores"] = _store_code
