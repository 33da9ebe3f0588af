"""Copier migration, in every update: a change to the `resources` answer reaches the database.

`before`, with the new answer: refuses, before anything is written, a change this release
cannot migrate yet (a resource removed, renamed or changed beyond fields added; a required
field added without a default); a resource added, or a field, is fine.
`after`, with the new answer: writes an Alembic revision that creates the tables of the
resources the update added and adds the new fields' columns, on top of the service's one head
(the step that joins heads runs first), and says which. The revision is rendered from the same
template as a new service's, with Alembic's operations and frozen values; the owner reviews it
like any other.

Usage: every_update_resources.py before|after <template folder> <resources> <features>, the
last two as JSON
"""

import json
import os
import subprocess
import sys
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined

_ANSWERS_FILE = ".copier-answers.yml"
_DEFAULT = "includes/resources/notes.yml"


def _environment(template: Path) -> Environment:
    """Jinja as Copier sets it up for this template (copier.yml's `_envops`)."""
    return Environment(
        loader=FileSystemLoader(template),
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"],
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _previous_resources(template: Path) -> list[dict[str, Any]]:
    """The resources the service had before the update: its answers as the last commit holds
    them (before 0.10.0, none: the default notes)."""
    shown = subprocess.run(
        ["git", "show", f"HEAD:{_ANSWERS_FILE}"], capture_output=True, text=True, check=False
    )
    answers = yaml.safe_load(shown.stdout) if shown.returncode == 0 else {}
    if "resources" in answers:
        resources: list[dict[str, Any]] = answers["resources"]
        return resources
    default: list[dict[str, Any]] = yaml.safe_load((template / _DEFAULT).read_text())
    return default


def _added_fields(was: dict[str, Any], now: dict[str, Any]) -> list[str] | None:
    """The fields `now` adds to the resource `was`, or None when it changes more than that."""
    old, new = was.get("fields") or {}, now.get("fields") or {}
    rest = {key: value for key, value in was.items() if key != "fields"}
    if rest != {key: value for key, value in now.items() if key != "fields"}:
        return None
    if any(new.get(name) != spec for name, spec in old.items()):
        return None
    return [name for name in new if name not in old]


def _field_problem(resource: str, name: str, spec: dict[str, Any]) -> str | None:
    """Why a field cannot be added to a table that may hold rows, if it cannot."""
    if spec.get("optional") or "default" in spec:
        return None
    why = "unique" if spec.get("unique") else spec["type"]
    if spec.get("unique") or spec["type"] in ("date", "datetime", "reference"):
        # Such fields take no default (validate.jinja): the rows there would have no value.
        return (
            f"{resource}.{name} is a required {why} field: the rows already in {resource} "
            "would have no value for it; make it `optional: true`"
        )
    return (
        f"{resource}.{name} is required and has no default: the rows already in {resource} "
        "would have no value for it; give it a `default:` (which they take) or make it "
        "`optional: true`"
    )


def before(template: Path, resources: list[dict[str, Any]]) -> int:
    """Refuse a change this release cannot migrate; accept resources and fields added."""
    now = {resource["name"]: resource for resource in resources}
    problems = []
    for resource in _previous_resources(template):
        name = resource["name"]
        if name not in now:
            problems.append(f"{name} is gone from the answer")
            continue
        added = _added_fields(resource, now[name])
        if added is None:
            problems.append(f"{name} is not as it was, beyond fields added")
            continue
        fields = now[name].get("fields") or {}
        problems += filter(None, (_field_problem(name, field, fields[field]) for field in added))
    if not problems:
        return 0
    print(
        "Refused, before anything was written: "
        + "; ".join(problems)
        + ". This release adds resources, and fields to them, by `copier update`; it does not "
        "yet change or remove them, nor their fields: their tables and rows would need a "
        "migration it cannot write yet. Give those as they were (in .copier-answers.yml), and "
        "change the code and write the revision by hand (`uv run alembic revision "
        "--autogenerate`).",
        file=sys.stderr,
    )
    return 1


def _head() -> str:
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    listed = subprocess.run(
        ["uv", "run", "--quiet", "alembic", "heads"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    (head,) = [line.split()[0] for line in listed.stdout.splitlines() if line.strip()]
    return head


def after(template: Path, resources: list[dict[str, Any]], features: list[str]) -> int:
    """Write the revision that creates the added resources' tables and adds the new fields."""
    previous = {resource["name"]: resource for resource in _previous_resources(template)}
    added = [resource["name"] for resource in resources if resource["name"] not in previous]
    new_fields = {
        resource["name"]: fields
        for resource in resources
        if resource["name"] in previous
        and (fields := _added_fields(previous[resource["name"]], resource))
    }
    if not added and not new_fields:
        return 0
    environment = _environment(template)
    context = {"resources": resources, "features": features}
    specs = json.loads(environment.get_template("includes/resources/specs.jinja").render(context))
    extended = [
        {
            "resource": spec,
            "fields": [
                field for field in spec["fields"] if field["name"] in new_fields[spec["name"]]
            ],
        }
        for spec in specs
        if spec["name"] in new_fields
    ]
    said = [f"creates the tables of {', '.join(added)}"] if added else []
    said += [f"adds {', '.join(fields)} to {name}" for name, fields in new_fields.items()]
    summary = "; ".join(said)
    revision = uuid.uuid4().hex[:12]
    slug = "_".join(
        ([f"create_{'_'.join(added)}"] if added else [])
        + [f"add_{'_'.join(fields)}_to_{name}" for name, fields in new_fields.items()]
    )
    path = Path("migrations", "versions", f"{revision}_{slug[:60].rstrip('_')}.py")
    path.write_text(
        environment.get_template("includes/resources/revision.py.jinja").render(
            created=[spec for spec in specs if spec["name"] in added],
            extended=extended,
            drop_baseline_notes=False,
            revision=revision,
            down_revision=_head(),
            create_date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            message=f"{summary[0].upper()}{summary[1:]}.",
        )
    )
    print(
        f"The update changed the resources: {path} {summary}. Rows already there "
        "take each new field's default (or none, for an optional one). Review it, commit it "
        "with the update, then run `uv run alembic upgrade head`.",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    stage, template, resources, features = sys.argv[1:]
    if stage == "before":
        # What `-d resources=...` gave (YAML text) or `--data-file` (parsed), if anything.
        given = json.loads(resources)
        if given is None:
            sys.exit(0)
        sys.exit(before(Path(template), yaml.safe_load(given) if isinstance(given, str) else given))
    sys.exit(after(Path(template), json.loads(resources), json.loads(features)))
