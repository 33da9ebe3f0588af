"""The `resources` answer as the templates read it: every default filled in and every name
derived. Computed only after the answer passed the validator (`resource_answers.py`).

Each resource: name (plural, the table and route), singular, class_name (Book), label ("book"),
owner (or None), fields, search, order (of its lists: "id", or a sorting field, "-" before
it for descending), filters (the query parameters of its lists, `filter_params`), sorts (the
names of the fields that sort), references (its reference fields, with what they embed),
referenced_by (reference fields elsewhere that name it), and what its tests check beyond its
routes: unique_fields, checked_references, reference_rules.
Each field: name, column (`author_id` for a reference `author`), type, optional, has_default,
default, unique, owner, embedded, filter and sort (whether it filters and sorts its
resource's lists), and by type: min_length/max_length, min/max/bounded,
digits/places, choices; to/on_delete/embed and to_label/to_class for references. The owner
becomes a reference field named after it, to users, cascading, embedding the user's name.

Pure logic with the standard library only: the template's extension (`resources.py`) loads
this file by its path, as do the tests and the update step that writes revisions.
"""

from typing import Any

INT32 = (-2147483648, 2147483647)


def _builtin_users() -> dict[str, Any]:
    """The users every service has, as a reference to them reads them."""
    return {
        "name": "users",
        "singular": "user",
        "class_name": "User",
        "label": "user",
        "fields": [
            {"name": "name", "column": "name", "type": "string", "optional": False},
            {"name": "email", "column": "email", "type": "string", "optional": False},
        ],
    }


def _field(name: str, spec: dict[str, Any]) -> dict[str, Any]:
    kind = spec["type"]
    field = {
        "name": name,
        "column": f"{name}_id" if kind == "reference" else name,
        "type": kind,
        "optional": spec.get("optional", False),
        "has_default": "default" in spec,
        "default": spec.get("default"),
        "unique": spec.get("unique", False),
        "owner": False,
        "embedded": [],
    }
    bounded = "min" in spec or "max" in spec
    if kind in ("string", "text"):
        field["min_length"] = spec.get("min_length", 1 if kind == "string" else 0)
        field["max_length"] = spec["max_length"]
    elif kind == "integer":
        field.update(min=spec.get("min", INT32[0]), max=spec.get("max", INT32[1]), bounded=bounded)
    elif kind == "decimal":
        field.update(digits=spec["digits"], places=spec["places"])
        field.update(min=spec.get("min"), max=spec.get("max"), bounded=bounded)
    elif kind == "choice":
        field["choices"] = spec["choices"]
    elif kind == "reference":
        field.update(to=spec["to"], on_delete=spec.get("on_delete", "restrict"))
        field["embed"] = spec.get("embed", [])
    field.update(filter=spec.get("filter", False), sort=spec.get("sort", False))
    return field


def _owner_field(owner: dict[str, str]) -> dict[str, Any]:
    return {
        "name": owner["name"],
        "column": owner["column"],
        "type": "reference",
        "optional": False,
        "has_default": False,
        "default": None,
        "unique": False,
        "owner": True,
        "to": "users",
        "on_delete": "cascade",
        "embed": ["name"],
        "embedded": [],
    }


def _spec(resource: dict[str, Any]) -> dict[str, Any]:
    singular = resource["singular"] if "singular" in resource else resource["name"][:-1]
    owner = None
    if "owner" in resource:
        owner = {"name": resource["owner"], "column": f"{resource['owner']}_id"}
    fields = [_field(name, spec) for name, spec in resource.get("fields", {}).items()]
    if owner:
        fields.append(_owner_field(owner) | {"filter": False, "sort": False})
    return {
        "name": resource["name"],
        "singular": singular,
        "class_name": "".join(part.capitalize() for part in singular.split("_")),
        "label": singular.replace("_", " "),
        "owner": owner,
        "fields": fields,
        "search": resource.get("search", []),
        "order": resource.get("order", "id"),
        "filters": [
            {**param, "field": field} for field in fields for param in filter_params(field)
        ],
        "sorts": [field["name"] for field in fields if field["sort"]],
    }


def filter_params(field: dict[str, Any]) -> list[dict[str, str]]:
    """The query parameters by which a field filters its list: each with its name and the
    comparison it makes (`==`, `>=`, `<=`, `<`, or `present`: whether the field is set)."""
    if not field["filter"]:
        return []
    name = field["name"]
    if field["type"] in ("integer", "decimal"):
        params = [{"name": f"{name}_min", "op": ">="}, {"name": f"{name}_max", "op": "<="}]
    elif field["type"] in ("date", "datetime"):
        params = [{"name": f"{name}_from", "op": ">="}, {"name": f"{name}_before", "op": "<"}]
    else:
        params = [{"name": field["column"], "op": "=="}]
    if field["optional"]:
        params.append({"name": f"has_{name}", "op": "present"})
    return params


def resource_specs(resources: list[dict[str, Any]], features: list[str]) -> list[dict[str, Any]]:
    """The resources as the templates read them, in the answer's order.

    With the `auth` feature an owner is the caller, never checked as a reference is.
    """
    specs = [_spec(resource) for resource in resources]
    # What each reference points at, and what points at each resource.
    by_name = {"users": _builtin_users(), **{spec["name"]: spec for spec in specs}}
    for spec in specs:
        references = []
        for field in spec["fields"]:
            if field["type"] != "reference":
                continue
            target = by_name[field["to"]]
            field.update(
                to_label=target["label"],
                to_class=target["class_name"],
                embedded=[shown for shown in target["fields"] if shown["name"] in field["embed"]],
            )
            references.append(field)
        spec.update(references=references, referenced_by=[])
    for spec in specs:
        for field in spec["references"]:
            if field["to"] != "users":
                referrer = {"resource": spec["name"], "field": field["name"]}
                referrer["on_delete"] = field["on_delete"]
                by_name[field["to"]]["referenced_by"].append(referrer)
    # What a service's tests of each resource cover beyond its routes: its unique fields, and
    # the references it checks (to rows that must exist, from rows that hold it back).
    for spec in specs:
        checked = spec["references"]
        if "auth" in features:
            checked = [field for field in checked if not field["owner"]]
        spec.update(
            unique_fields=[field["name"] for field in spec["fields"] if field["unique"]],
            checked_references=[field["name"] for field in checked],
            reference_rules=len(checked or spec["referenced_by"]) > 0,
        )
    return specs
