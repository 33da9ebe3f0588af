"""Copier migration, in every update: a change to the `resources` answer reaches the database.

`before`, with the new answer: refuses, before anything is written, a change this release
cannot migrate (see `resource_changes.py`): a type changed, a rename that does not say so,
a required field added without a default.
`after`, with the new answer: writes one Alembic revision, on top of the service's one head
(the step that joins heads runs first), that makes the tables follow: resources' tables
created or dropped, fields' columns added, dropped, renamed or changed with their
constraints and indexes, searches' indexes. It says what it does, and plainly what it
drops. The revision is written by the same code as a new service's (the template's
extensions/resource_revision.py, this release's, loaded by its path), with Alembic's
operations and frozen values, then formatted as Alembic's own are; the owner reviews it like
any other. A removed resource's modules go with the update; those its owner had edited stay,
as conflicts.

With `jobs` turned on, the same revision creates the outbox's table; turned off, drops it;
likewise the webhooks' tables with `webhooks`.

Usage: every_update_resources.py before|after <template folder> <resources> <features>, the
last two as JSON
"""

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import uuid
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import yaml
from moved_modules import keep_edited
from resource_changes import plan

_ANSWERS_FILE = ".copier-answers.yml"
_DEFAULT = "includes/resources/notes.yml"


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


def _previous_features() -> list[str]:
    """The features the service had before the update, as the last commit's answers hold them."""
    shown = subprocess.run(
        ["git", "show", f"HEAD:{_ANSWERS_FILE}"], capture_output=True, text=True, check=False
    )
    answers = yaml.safe_load(shown.stdout) if shown.returncode == 0 else {}
    features: list[str] = (answers or {}).get("features") or []
    return features


def before(template: Path, resources: list[dict[str, Any]]) -> int:
    """Refuse a change this release cannot migrate."""
    problems = plan(_previous_resources(template), resources).problems
    if not problems:
        return 0
    print(
        "Refused, before anything was written: "
        + "; ".join(problems)
        + ". Nothing in the service changed. Change the answer and update again, or keep the "
        "resource as it was (in .copier-answers.yml), change the code and write the revision "
        "by hand (`uv run alembic revision --autogenerate`).",
        file=sys.stderr,
    )
    return 1


def _uv_run(*args: str) -> str:
    """`uv run <args>` in the service's own environment (not Copier's); its output."""
    env = {key: value for key, value in os.environ.items() if key != "VIRTUAL_ENV"}
    ran = subprocess.run(
        ["uv", "run", "--quiet", *args], capture_output=True, text=True, env=env, check=True
    )
    return ran.stdout


def _head() -> str:
    listed = _uv_run("alembic", "heads")
    (head,) = [line.split()[0] for line in listed.splitlines() if line.strip()]
    return head


def _extension(template: Path, stem: str) -> ModuleType:
    """The template's extensions/<stem>.py, loaded by its path: this release's, as Copier's
    rendering of this release loads it."""
    loaded = importlib.util.spec_from_file_location(stem, template / "extensions" / f"{stem}.py")
    assert loaded is not None
    assert loaded.loader is not None
    module = importlib.util.module_from_spec(loaded)
    loaded.loader.exec_module(module)
    return module


def _specs(template: Path, resources: list[dict[str, Any]], features: list[str]) -> dict[str, Any]:
    """The resources as the templates read them (the template's extensions/resource_specs.py),
    by name."""
    module = _extension(template, "resource_specs")
    # Through JSON, as Copier hands `resource_specs` to the templates.
    specs = json.loads(json.dumps(module.resource_specs(resources, features)))
    return {spec["name"]: spec for spec in specs}


def _keep_edited_modules(gone: dict[str, str | None]) -> list[Path]:
    """Put back, as conflicts, the modules of the resources gone from the answer (each name
    with where its code went, if anywhere) that their owner had edited."""
    if not gone:
        return []
    tracked = subprocess.run(
        ["git", "ls-tree", "-r", "--name-only", "HEAD"], capture_output=True, text=True, check=True
    ).stdout.split()

    def resource_of(path: Path) -> str | None:
        for name in gone:
            if path.stem in (name, f"test_{name}") or path.stem.startswith(f"test_{name}_"):
                return name
        return None

    modules = {
        path: gone[name]
        for path in tracked
        if not Path(path).exists() and (name := resource_of(Path(path))) is not None
    }
    what = "The update removed this module: its resource is gone from the answers"
    return keep_edited(modules, Path(), what) if modules else []


def after(template: Path, resources: list[dict[str, Any]], features: list[str]) -> int:
    """Write the revision that makes the tables follow the new answer, and say what it does."""
    previous = _previous_resources(template)
    changes = plan(previous, resources)
    written = _extension(template, "resource_revision")
    old_specs, new_specs = (
        _specs(template, previous, features),
        _specs(template, resources, features),
    )
    created = [new_specs[name] for name in new_specs if name in changes.added]
    dropped = [old_specs[name] for name in old_specs if name in changes.removed]
    unsearched = [[spec["name"], column] for spec in dropped for column in spec["search"]]
    extended, reduced, changed, searched = [], [], [], []
    said = [f"creates the tables of {', '.join(changes.added)}"] if changes.added else []
    said += [f"drops the tables of {', '.join(changes.removed)}"] if changes.removed else []
    slug = [f"create_{'_'.join(changes.added)}"] if changes.added else []
    slug += [f"drop_{'_'.join(changes.removed)}"] if changes.removed else []
    lost = [f"the table {name} with its rows" for name in changes.removed]
    renamed, moved = [], {}
    for kept in changes.kept:
        name, source = kept.name, kept.renamed_from or kept.name
        was = {field["name"]: field for field in old_specs[source]["fields"]}
        now = {field["name"]: field for field in new_specs[name]["fields"]}
        if kept.renamed_from:
            # Renamed first: every later operation finds the table under its new name.
            renamed.append({"old": source, "new": name, "fields": list(was.values())})
            said.append(f"renames the table {source} to {name}")
            slug.append(f"rename_{source}_to_{name}")
            moved[source] = f"the modules of {name}"
            unsearched += [[source, column] for column in old_specs[source]["search"]]
            searched += [[name, column] for column in new_specs[name]["search"]]
        if kept.added:
            extended.append(
                {"resource": new_specs[name], "fields": [now[field] for field in kept.added]}
            )
            said.append(f"adds {', '.join(kept.added)} to {name}")
            slug.append(f"add_{'_'.join(kept.added)}_to_{name}")
        if kept.removed:
            # Back on downgrade, empty: nullable where no default fills them.
            fields = [
                field if field["optional"] or field["has_default"] else {**field, "optional": True}
                for field in (was[gone] for gone in kept.removed)
            ]
            reduced.append({"resource": {**old_specs[source], "name": name}, "fields": fields})
            said.append(f"drops {', '.join(kept.removed)} from {name}")
            slug.append(f"drop_{'_'.join(kept.removed)}_from_{name}")
            lost += [
                f"the column {name}.{was[gone]['column']} with its values" for gone in kept.removed
            ]
        for field_name in kept.changed + [
            field for field in kept.renamed if field not in kept.changed
        ]:
            old, new = was[kept.renamed.get(field_name, field_name)], now[field_name]
            # Checks run before the table is renamed, and at the start of the downgrade.
            forward = written.field_change(name, old, new, checked_in=source)
            if written.does_something(forward):
                backward = written.field_change(name, new, old, checked_in=name)
                changed.append({"forward": forward, "backward": backward})
        for new_name, old_name in kept.renamed.items():
            said.append(f"renames {name}.{old_name} to {new_name}")
            slug.append(f"rename_{old_name}_to_{new_name}_in_{name}")
        altered = [
            change["forward"]["new"]["name"]
            for change in changed
            if change["forward"]["table"] == name
        ]
        altered = [field for field in altered if field not in kept.renamed or field in kept.changed]
        if altered:
            said.append(f"changes {', '.join(altered)} in {name}")
            slug.append(f"change_{'_'.join(altered)}_in_{name}")
        if (kept.search_added or kept.search_removed) and not kept.renamed_from:
            searched += [[name, column] for column in kept.search_added]
            unsearched += [[name, column] for column in kept.search_removed]
            said.append(f"indexes the searches of {name} anew")
            slug.append(f"index_{name}_searches")
    # `jobs` turned on or off: the outbox's table comes or goes with it.
    jobs = ("jobs" in _previous_features(), "jobs" in features)
    outbox = {(False, True): "create", (True, False): "drop"}.get(jobs)
    if outbox:
        said.append(f"{'creates' if outbox == 'create' else 'drops'} the jobs' table outbox_jobs")
        slug.append(f"{outbox}_outbox_jobs")
    if outbox == "drop":
        lost.append("the table outbox_jobs with the jobs it holds")
    # `webhooks` turned on or off: the subscriptions' and deliveries' tables come or go with it.
    hooked = ("webhooks" in _previous_features(), "webhooks" in features)
    webhooks = {(False, True): "create", (True, False): "drop"}.get(hooked)
    if webhooks:
        verb = "creates" if webhooks == "create" else "drops"
        said.append(f"{verb} the webhooks' tables webhooks and webhook_deliveries")
        slug.append(f"{webhooks}_webhooks")
    if webhooks == "drop":
        lost.append("the tables webhooks and webhook_deliveries with the subscriptions they hold")
    kept_modules = _keep_edited_modules({**dict.fromkeys(changes.removed), **moved})
    if not said:
        return 0
    summary = "; ".join(said)
    revision = uuid.uuid4().hex[:12]
    path = Path("migrations", "versions", f"{revision}_{'_'.join(slug)[:60].rstrip('_')}.py")
    path.write_text(
        written.revision(
            created=created,
            dropped=dropped,
            renamed=renamed,
            extended=extended,
            reduced=reduced,
            changed=changed,
            searched=searched,
            unsearched=unsearched,
            outbox=outbox,
            webhooks=webhooks,
            revision=revision,
            down_revision=_head(),
            create_date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S"),
            # After the docstring's opening quotes, within the line length.
            message=textwrap.fill(f"{summary[0].upper()}{summary[1:]}.", 97),
        )
    )
    _uv_run("ruff", "format", "--quiet", str(path))
    print(
        f"The update changed the tables: {path} {summary}. Rows already there take each "
        "new field's default (or none, for an optional one); if rows break a changed field's "
        "new rule, the upgrade stops before changing anything and names them. Review it, "
        "commit it with the update, then run `uv run alembic upgrade head`.",
        file=sys.stderr,
    )
    if lost:
        print(
            f"Beware: `alembic upgrade head` then runs {path}, which DROPS {'; '.join(lost)}. "
            "They are gone for good once it runs (its downgrade brings them back empty): back "
            "them up first if you need them.",
            file=sys.stderr,
        )
    for module in kept_modules:
        print(
            f"kept your edited {module} as a conflict: its resource is gone or renamed",
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
