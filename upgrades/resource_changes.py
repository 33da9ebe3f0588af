"""What a change to the `resources` answer does to the tables, and what this release refuses.

Compared here: the answer as the service's last commit holds it and the answer the update
gives, resource by resource and field by field. A resource or a field under a new name is a
rename only when it says `renamed_from: <old name>`; otherwise one that goes and one that
comes alike could be either, and the change is refused until the answer says which.
"""

from dataclasses import dataclass, field
from typing import Any

# Keys that change only the code, never a column: the rows there need nothing.
_CODE_ONLY = {"default", "min_length", "embed", "renamed_from"}


@dataclass
class KeptResource:
    """A resource both answers have, and what happens to its fields."""

    name: str
    # The name its table had, if the answer renames it.
    renamed_from: str | None = None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    # New name -> old name.
    renamed: dict[str, str] = field(default_factory=dict)
    # New names of the fields (kept or renamed) whose column or constraints change.
    changed: list[str] = field(default_factory=list)
    search_added: list[str] = field(default_factory=list)
    search_removed: list[str] = field(default_factory=list)

    def touches_tables(self) -> bool:
        return any(
            (
                self.renamed_from,
                self.added,
                self.removed,
                self.renamed,
                self.changed,
                self.search_added,
                self.search_removed,
            )
        )


@dataclass
class Plan:
    """Every change the new answer makes to the tables, and why it cannot be made, if so."""

    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[KeptResource] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _bare(spec: dict[str, Any]) -> dict[str, Any]:
    """A field's spec without the keys that change only the code."""
    return {key: value for key, value in spec.items() if key not in _CODE_ONLY}


def _column_problem(
    resource: str, name: str, was: dict[str, Any], now: dict[str, Any], tables: dict[str, str]
) -> str:
    """Why a field's change cannot be migrated here, or "" if it can (`tables`: the tables
    the answer renames, old name -> new)."""
    where = f"{resource}.{name}"
    if was["type"] != now["type"]:
        return (
            f"{where} changes type from {was['type']} to {now['type']}: its values would need "
            "converting; add a field of the new type, copy the values over in a revision of "
            "your own, then remove the old field"
        )
    if now["type"] == "reference" and tables.get(was["to"], was["to"]) != now.get("to"):
        return (
            f"{where} refers to {now.get('to')} instead of {was.get('to')}: its values are "
            f"ids of {was.get('to')}; add a new reference field and remove this one"
        )
    if now["type"] == "decimal" and (was["digits"], was["places"]) != (
        now["digits"],
        now["places"],
    ):
        return (
            f"{where} changes its digits or places: values could be rounded; add a field with "
            "the new ones and copy the values over in a revision of your own"
        )
    return ""


def _added_field_problem(resource: str, name: str, spec: dict[str, Any]) -> str:
    """Why a field cannot be added to a table that may hold rows, or "" if it can."""
    if spec.get("optional") or "default" in spec:
        return ""
    why = "unique" if spec.get("unique") else spec["type"]
    if spec.get("unique") or spec["type"] in ("date", "datetime", "reference"):
        # Such fields take no default (extensions/resource_answers.py): the rows there would
        # have no value.
        return (
            f"{resource}.{name} is a required {why} field: the rows already in {resource} "
            "would have no value for it; make it `optional: true`"
        )
    return (
        f"{resource}.{name} is required and has no default: the rows already in {resource} "
        "would have no value for it; give it a `default:` (which they take) or make it "
        "`optional: true`"
    )


def _kept(
    was: dict[str, Any], now: dict[str, Any], tables: dict[str, str], problems: list[str]
) -> KeptResource:
    name = now["name"]
    kept = KeptResource(name, renamed_from=now.get("renamed_from") if name != was["name"] else None)
    if was.get("owner") != now.get("owner"):
        problems.append(
            f"{name} changes its owner: this release does not migrate owners; keep "
            f"`owner: {was.get('owner')}` and add a reference field to users instead"
            if was.get("owner")
            else f"{name} gains an owner: its rows have none; add an optional reference "
            "field to users instead"
        )
    old, new = was.get("fields") or {}, now.get("fields") or {}
    for field_name, spec in new.items():
        source = spec.get("renamed_from")
        if field_name in old:
            before = old[field_name]
        elif source is not None and source in old and source not in new:
            kept.renamed[field_name] = source
            before = old[source]
        elif source is not None:
            problems.append(
                f"{name}.{field_name} is renamed_from {source}, which is "
                + ("still a field" if source in new else f"not a field {name} had")
            )
            continue
        else:
            kept.added.append(field_name)
            if problem := _added_field_problem(name, field_name, spec):
                problems.append(problem)
            continue
        if _bare(before) != _bare(spec):
            if problem := _column_problem(name, field_name, before, spec, tables):
                problems.append(problem)
            kept.changed.append(field_name)
    kept.removed = [
        field_name
        for field_name in old
        if field_name not in new and field_name not in kept.renamed.values()
    ]
    for gone in kept.removed:
        for come in kept.added:
            if old[gone]["type"] == new[come]["type"]:
                problems.append(
                    f"{name}.{gone} is gone and {name}.{come} is new, both {new[come]['type']}: "
                    f"if {gone} became {come}, give {come} `renamed_from: {gone}` to keep its "
                    f"values; if not, remove {gone} in one update and add {come} in the next"
                )
    # By name: a renamed field's index is named after it, so it goes and comes back too.
    searched_then, searched_now = was.get("search") or [], now.get("search") or []
    kept.search_added = [column for column in searched_now if column not in searched_then]
    kept.search_removed = [column for column in searched_then if column not in searched_now]
    return kept


def plan(previous: list[dict[str, Any]], resources: list[dict[str, Any]]) -> Plan:
    """What going from the `previous` answer to `resources` does to the tables."""
    was = {resource["name"]: resource for resource in previous}
    now = {resource["name"]: resource for resource in resources}
    # A resource is renamed when it says so and its old name is gone from the answer.
    sources = {
        name: resource["renamed_from"]
        for name, resource in now.items()
        if name not in was
        and resource.get("renamed_from") in was
        and resource["renamed_from"] not in now
    }
    tables = {source: name for name, source in sources.items()}
    result = Plan(
        added=[name for name in now if name not in was and name not in sources],
        removed=[name for name in was if name not in now and name not in tables],
    )
    for name, resource in now.items():
        if name in was or name in sources:
            kept = _kept(was[sources.get(name, name)], resource, tables, result.problems)
            if kept.touches_tables():
                result.kept.append(kept)
        elif resource.get("renamed_from") is not None:
            result.problems.append(
                f"{name} is renamed_from {resource['renamed_from']}, which is not a resource "
                "the service had"
            )
    for gone in result.removed:
        for come in result.added:
            if set(was[gone].get("fields") or {}) == set(now[come].get("fields") or {}):
                result.problems.append(
                    f"{gone} is gone and {come}, with the same fields, is new: if {gone} "
                    f"became {come}, give {come} `renamed_from: {gone}` to keep its rows; if "
                    f"not, remove {gone} in one update and add {come} in the next"
                )
    return result
