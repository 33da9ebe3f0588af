"""How a resource's fields read in Python, for the per-resource templates: names, types,
literals, imports in ruff's order, and calls, lists and docstrings wrapped as ruff formats them.

Each function returns one expression, one line or a few lines, without a final newline unless
it says so. The templates reach them as `py.<function>(...)`: the template's extension
(`resources.py`) loads this file by its path and gives the module to Jinja as the global `py`.
Resources and fields are those of `resource_specs.py` (plain dicts).

Pure logic with the standard library only.
"""

import json
import textwrap
from collections.abc import Iterable
from typing import Any

# Ruff's line length, which every generated module keeps to.
LINE_LENGTH = 100

_RESPONSE_TYPES = {
    "string": "str",
    "text": "str",
    "integer": "int",
    "decimal": "Decimal",
    "boolean": "bool",
    "date": "date",
    "datetime": "datetime",
}
_MAPPED_TYPES = {**_RESPONSE_TYPES, "choice": "str", "reference": "int"}
_COLUMN_TYPES = {
    "text": "Text",
    "integer": "Integer",
    "boolean": "Boolean",
    "date": "Date",
    "reference": "Integer",
}


def _json(value: Any, ensure_ascii: bool = True) -> str:
    return json.dumps(value, ensure_ascii=ensure_ascii)


def wordwrap(text: str, width: int, wrapstring: str = "\n") -> str:
    """`text` wrapped at `width` between words (never inside one), as Jinja's `wordwrap`."""
    return wrapstring.join(
        wrapstring.join(
            textwrap.wrap(
                line,
                width=width,
                expand_tabs=False,
                replace_whitespace=False,
                break_long_words=False,
                break_on_hyphens=True,
            )
        )
        for line in text.splitlines()
    )


def camel(name: str) -> str:
    """`published_at` -> `PublishedAt`."""
    return "".join(part.capitalize() for part in name.split("_"))


def limit(field: dict[str, Any], what: str) -> str:
    """The constant a limit is kept in, as `TITLE_MAX_LENGTH`."""
    return f"{field['name'].upper()}_{what}"


def request_type(resource: dict[str, Any], field: dict[str, Any]) -> str:
    """The type a request's value takes: an alias defined by `alias()`, or a shared one."""
    kind = field["type"]
    if kind in ("string", "text", "integer", "decimal", "choice"):
        return resource["class_name"] + camel(field["name"])
    return {"boolean": "StrictBool", "date": "Day", "datetime": "Moment"}.get(kind, "Id")


def response_type(resource: dict[str, Any], field: dict[str, Any]) -> str:
    """The type a response's value has."""
    kind = field["type"]
    if (kind == "reference" and field["embedded"]) or kind == "choice":
        name = resource["class_name"] + camel(field["name"])
    elif kind == "reference":
        name = "Id"
    else:
        name = _RESPONSE_TYPES[kind]
    return name + (" | None" if field["optional"] else "")


def _decimal(value: Any) -> str:
    return f"Decimal({_json(str(value))})"


def literal(field: dict[str, Any], value: Any) -> str:
    """A value as a Python literal."""
    if isinstance(value, bool):
        return "True" if value else "False"
    if field["type"] == "decimal":
        return _decimal(value)
    return _json(value, ensure_ascii=False)


def default(field: dict[str, Any]) -> str:
    """What a field's name is given in a request body: ` = <default>`, if it has one."""
    if field["has_default"]:
        return " = " + literal(field, field["default"])
    return " = None" if field["optional"] else ""


def constants(field: dict[str, Any]) -> str:
    """The module's constants: each limit the API enforces and the column is sized by (a
    decimal's lines end with a newline, the others' do not)."""
    kind = field["type"]
    if kind in ("string", "text"):
        return f"{limit(field, 'MAX_LENGTH')} = {field['max_length']}"
    if kind == "integer" and field["bounded"]:
        return f"{limit(field, 'MIN')} = {field['min']}\n{limit(field, 'MAX')} = {field['max']}"
    if kind != "decimal":
        return ""
    lines = [f"{limit(field, 'DIGITS')} = {field['digits']}"]
    lines.append(f"{limit(field, 'PLACES')} = {field['places']}")
    lines += [f"{limit(field, end)} = {_decimal(field[end.lower()])}" for end in _ends(field)]
    return "\n".join(lines) + "\n"


def _ends(field: dict[str, Any]) -> list[str]:
    """ "MIN" and "MAX", each only if the field has that bound."""
    return [end for end in ("MIN", "MAX") if field.get(end.lower()) is not None]


def alias(resource: dict[str, Any], field: dict[str, Any]) -> str:
    """The alias of a field's request type, for the types that carry limits."""
    name = request_type(resource, field)
    kind = field["type"]
    if kind in ("string", "text"):
        low = f"min_length={field['min_length']}, " if field["min_length"] else ""
        constraints = (
            f"StringConstraints({low}max_length={limit(field, 'MAX_LENGTH')}, pattern=NO_NUL)"
        )
        return f"{name} = Annotated[\n    str,\n    {constraints},\n]"
    if kind == "integer":
        low, high = (
            (limit(field, "MIN"), limit(field, "MAX"))
            if field["bounded"]
            else ("MIN_INTEGER", "MAX_INTEGER")
        )
        return f"{name} = Annotated[int, Field(strict=True, ge={low}, le={high})]"
    if kind == "decimal":
        bounds = "".join(
            f"        {'ge' if end == 'MIN' else 'le'}={limit(field, end)},\n"
            for end in _ends(field)
        )
        return (
            f"{name} = Annotated[\n    Decimal,\n    DecimalText,\n    Field(\n"
            f"        max_digits={limit(field, 'DIGITS')},\n"
            f"        decimal_places={limit(field, 'PLACES')},\n{bounds}    ),\n]"
        )
    if kind == "choice":
        return wrapped(f"{name} = Literal", [_json(choice) for choice in field["choices"]], "[]")
    return ""


def wrapped(
    head: str, items: list[str], brackets: str = "()", indent: int = 0, tail: str = ""
) -> str:
    """`head` then `items` in `brackets`, then `tail`, at `indent` spaces: on one line if it fits,
    else one item a line, with the trailing comma that keeps ruff from joining them again."""
    pad = " " * indent
    opening, closing = brackets
    one = f"{pad}{head}{opening}{', '.join(map(str, items))}{closing}{tail}"
    if len(one) <= LINE_LENGTH:
        return one
    lines = "".join(f"{pad}    {item},\n" for item in items)
    return f"{pad}{head}{opening}\n{lines}{pad}{closing}{tail}"


def docstring(text: str, indent: int = 0) -> str:
    """`text` as a docstring's lines at `indent` spaces, wrapped at the line length."""
    return '"""' + wordwrap(text, 94 - indent, "\n" + " " * indent) + '"""'


def a(label: str) -> str:
    """ "a book", "an author"."""
    return ("an" if label[0] in "aeio" else "a") + " " + label


def names(wanted: Iterable[str]) -> str:
    """The names a module imports from one place, in ruff's order: constants, classes, others
    (each group sorted ignoring case); empty ones left out, each name once."""
    listed = list(dict.fromkeys(name for name in wanted if name))
    constants = [name for name in listed if name.isupper()]
    classes = [name for name in listed if not name.isupper() and not name.islower()]
    others = [name for name in listed if not name.isupper() and name.islower()]
    ordered = [sorted(group, key=str.lower) for group in (constants, classes, others)]
    return ", ".join(ordered[0] + ordered[1] + ordered[2])


def _types(resource: dict[str, Any]) -> list[str]:
    return [field["type"] for field in resource["fields"]]


def schema_imports(resource: dict[str, Any]) -> str:
    """The imports of a resource's schemas module."""
    types = _types(resource)
    shown = [
        kind for field in resource["references"] for kind in _types({"fields": field["embedded"]})
    ]
    unbounded = [f for f in resource["fields"] if f["type"] == "integer" and not f["bounded"]]
    strings = "string" in types or "text" in types
    lines = [
        f"from datetime import {names(['date' if 'date' in types + shown else '', 'datetime'])}"
    ]
    if "decimal" in types + shown:
        lines.append("from decimal import Decimal")
    lines += [
        "from typing import Annotated, Literal",
        "",
        "from fastapi import Path",
        "from pydantic import "
        + names(
            [
                "MISSING",
                "BaseModel" if filtered(resource) else "",
                "Field",
                "StrictBool" if "boolean" in types else "",
                "StringConstraints" if strings else "",
            ]
        ),
        "",
        "from ..columns import "
        + names(["MAX_ID"] + (["MAX_INTEGER", "MIN_INTEGER"] if unbounded else [])),
        "from ..pagination import ListQuery, Page",
        "from .base import "
        + names(
            [
                "NO_NUL" if strings else "",
                "DecimalText" if "decimal" in types else "",
                "Day" if "date" in types else "",
                "Id",
                "Input",
                "Moment" if "datetime" in types else "",
                "Output",
                "SearchText" if resource["search"] else "",
            ]
        ),
    ]
    return "\n".join(lines)


def words(name: str) -> str:
    """`due_on` -> `due on`."""
    return name.replace("_", " ")


def _filter_type(resource: dict[str, Any], param: dict[str, Any]) -> str:
    """The type of a filter's query parameter: the field's own where it reads text, as query
    strings hold (an id, an integer and a boolean there are text, which strict types refuse)."""
    field = param["field"]
    kind = field["type"]
    if param["op"] == "present" or kind == "boolean":
        return "bool"
    if kind == "reference":
        return "Annotated[int, Field(ge=1, le=MAX_ID)]"
    if kind == "integer":
        low, high = (
            (limit(field, "MIN"), limit(field, "MAX"))
            if field["bounded"]
            else ("MIN_INTEGER", "MAX_INTEGER")
        )
        return f"Annotated[int, Field(ge={low}, le={high})]"
    return request_type(resource, field)


def _filter_description(resource: dict[str, Any], param: dict[str, Any]) -> str:
    field = param["field"]
    whose = f"Only {words(resource['name'])} whose {words(field['name'])}"
    if param["op"] == "present":
        return f"Only {words(resource['name'])} with a {words(field['name'])} (true) or without"
    if field["type"] == "reference":
        return f"{whose} is this {field['to_label']} (its id)"
    if field["type"] in ("date", "datetime"):
        return f"{whose} is {'on or after' if param['op'] == '>=' else 'before'} this"
    return f"{whose} is " + {"==": "this", ">=": "at least this", "<=": "at most this"}[param["op"]]


def _described(name: str, kind: str, default: str, description: str) -> str:
    """A query model's field, at 4 spaces, with its default and OpenAPI description."""
    return call(f"{name}: {kind} = Field", [default, f"description={_json(description)}"], 4)


def filtered(resource: dict[str, Any]) -> bool:
    """Whether a resource's lists take filters: a search, or a field that filters."""
    return bool(resource["search"] or resource["filters"])


def list_docstring(resource: dict[str, Any]) -> str:
    """The docstring of a resource's list route."""
    text = f"List {words(resource['name'])} in the order `sort` names"
    return text + (", only those the filters let through." if filtered(resource) else ".")


def page_arguments(resource: dict[str, Any]) -> str:
    """What a list route passes its store's page(): the window, and the filters if any."""
    return "query.window, query" if filtered(resource) else "query.window"


def list_query(resource: dict[str, Any]) -> str:
    """The classes of a resource's list query: its filters (if any), the sorts, and the model
    of the whole query string; each after two blank lines, as they follow other classes."""
    klass, name = resource["class_name"], words(resource["name"])
    parts = []
    if filtered(resource):
        lines = [f"class {klass}Filters(BaseModel):"]
        text = f"What a list of {name} can be narrowed to: each filter given must hold."
        lines += ["    " + docstring(text, 4), ""]
        if resource["search"]:
            searched = and_list(resource["search"], "or")
            description = f"Only {name} whose {words(searched)} contains this"
            lines.append(_described("q", "SearchText | None", "None", description))
        for param in resource["filters"]:
            kind = _filter_type(resource, param) + " | None"
            description = _filter_description(resource, param)
            lines.append(_described(param["name"], kind, "None", description))
        parts.append("\n".join(lines))
    choices = [_json(f"{way}{key}") for key in ["id", *resource["sorts"]] for way in ("", "-")]
    parts.append(wrapped(f"{klass}Sort = Literal", choices, "[]"))
    bases = f"{klass}Filters, ListQuery" if filtered(resource) else "ListQuery"
    lines = [f"class {klass}ListQuery({bases}):"]
    lines += ["    " + docstring(f"What a list of {name} takes in its query string.", 4), ""]
    description = "The order of the items: a field, or -field for descending; ties go by id"
    lines.append(_described("sort", f"{klass}Sort", _json(resource["order"]), description))
    parts.append("\n".join(lines))
    return "\n\n" + "\n\n\n".join(parts) + "\n"


def column_type(resource: dict[str, Any], field: dict[str, Any]) -> str:
    """The SQLAlchemy type of a field's column."""
    kind = field["type"]
    if kind == "string":
        return f"String({limit(field, 'MAX_LENGTH')})"
    if kind == "decimal":
        return f"ExactDecimal({limit(field, 'DIGITS')}, {limit(field, 'PLACES')})"
    if kind == "datetime":
        return "UTCDateTime()"
    if kind == "choice":
        return f"String(max(map(len, get_args({request_type(resource, field)}))))"
    return _COLUMN_TYPES[kind]


def _checked(field: dict[str, Any]) -> bool:
    """Whether a field's column carries a check (its choices, its bounds)."""
    return field["type"] == "choice" or bool(field.get("bounded", False))


def check(resource: dict[str, Any], field: dict[str, Any], indent: int) -> str:
    """The check a field's column carries beyond its type, if any (its choices, its bounds), as
    lines at `indent` spaces."""
    column = f'column("{field["name"]}")'
    if field["type"] == "choice":
        condition = f"{column}.in_(get_args({request_type(resource, field)}))"
        constraint = field["name"] + "_choices"
    elif field.get("bounded", False):
        low, high = (limit(field, end) if end in _ends(field) else "" for end in ("MIN", "MAX"))
        if low and high:
            condition = f"{column}.between({low}, {high})"
        else:
            condition = f"{column} >= {low}" if low else f"{column} <= {high}"
        constraint = field["name"] + "_range"
    else:
        return ""
    pad = " " * indent
    return f'{pad}CheckConstraint(\n{pad}    {condition},\n{pad}    name="{constraint}",\n{pad}),'


def call(head: str, args: list[str], indent: int = 0, tail: str = "") -> str:
    """A call at `indent` spaces, `head(args)` then `tail`: on one line if it fits, else one
    argument a line, with the trailing comma that keeps ruff from joining them again."""
    return wrapped(head, args, "()", indent, tail)


def mapped_type(field: dict[str, Any]) -> str:
    """The Python type of a field's column, as `Mapped[...]` holds it."""
    return _MAPPED_TYPES[field["type"]] + (" | None" if field["optional"] else "")


def foreign_key(field: dict[str, Any]) -> str:
    """A reference's foreign key."""
    return f'ForeignKey("{field["to"]}.id", ondelete="{field["on_delete"].upper()}")'


def column_arguments(
    resource: dict[str, Any], field: dict[str, Any], core: bool = False
) -> list[str]:
    """The arguments of a field's `mapped_column(...)` (ORM) or `Column(...)` (Core, `core`)."""
    args = [f'"{field["column"]}"'] if core else []
    if field["type"] == "reference":
        args += ["Integer", foreign_key(field)] if core else [foreign_key(field)]
    elif core or field["type"] not in ("integer", "boolean", "date"):
        kind = column_type(resource, field)
        args.append(kind + "()" if kind == "Text" and not core else kind)
    if core:
        args.append("nullable=" + ("True" if field["optional"] else "False"))
    if field["has_default"]:
        args.append("default=" + literal(field, field["default"]))
    if field["unique"]:
        args.append("unique=True")
    elif field["type"] == "reference":
        args.append("index=True")
    return args


def column_args(resource: dict[str, Any], field: dict[str, Any], core: bool = False) -> str:
    """`column_arguments`, joined by the unit separator (the templates split them again)."""
    return "\x1f".join(column_arguments(resource, field, core))


def trigram_index(resource: dict[str, Any], name: str, indent: int) -> str:
    """The PostgreSQL trigram index of a searched column, as lines at `indent` spaces."""
    pad = " " * indent
    return (
        f'{pad}Index(\n{pad}    "ix_{resource["name"]}_{name}_trgm",\n{pad}    "{name}",\n'
        f'{pad}    postgresql_using="gin",\n'
        f'{pad}    postgresql_ops={{"{name}": "gin_trgm_ops"}},\n{pad}),'
    )


def row_docstring(resource: dict[str, Any]) -> str:
    """What a row is, and what happens to it when a row it refers to goes."""
    label = resource["label"]
    sentences = [("An " if label[0] in "aeio" else "A ") + label + "."]
    for field in resource["references"]:
        name = field["name"].replace("_", " ")
        if field["on_delete"] == "cascade":
            sentences.append(f"Deleting its {name} deletes it.")
        else:
            sentences.append(f"Its {name} cannot be deleted while {a(label)} refers to it.")
    return " ".join(sentences)


def import_from(module: str, imported: str) -> str:
    """`from module import names`, wrapped as ruff wraps it when it is too long."""
    one = f"from {module} import {imported}"
    if len(one) <= LINE_LENGTH:
        return one
    lines = "".join(f"    {name},\n" for name in imported.split(", "))
    return f"from {module} import (\n{lines})"


def sized_by(resource: dict[str, Any]) -> str:
    """The constants and choice types of a resource's schemas that its columns are sized by."""
    wanted = []
    for field in resource["fields"]:
        if field["type"] == "string":
            wanted.append(limit(field, "MAX_LENGTH"))
        elif field["type"] == "decimal":
            wanted += [limit(field, "DIGITS"), limit(field, "PLACES")]
        if field["type"] == "choice":
            wanted.append(request_type(resource, field))
        elif field.get("bounded", False):
            wanted += [limit(field, end) for end in _ends(field)]
    return names(wanted)


def _list_indexed(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields that filter or sort whose index is no other's: not unique, not a reference."""
    return [
        field
        for field in resource["fields"]
        if (field["filter"] or field["sort"])
        and not field["unique"]
        and field["type"] != "reference"
    ]


def indexes(resource: dict[str, Any], database: str, indent: int) -> list[str]:
    """The indexes a model's or table's arguments declare beside its columns' own, as lines at
    `indent` spaces: those of its lists' filters and sorts, then its searches' (PostgreSQL)."""
    pad = " " * indent
    lines = []
    listed = _list_indexed(resource)
    if listed:
        lines.append(f"{pad}# For the lists' filters and sorts: each field, then the id, the")
        lines.append(f"{pad}# order pages follow.")
        for field in listed:
            name = f'"ix_{resource["name"]}_{field["column"]}"'
            lines.append(call("Index", [name, f'"{field["column"]}"', '"id"'], indent, ","))
    if resource["search"] and database == "postgresql":
        comment = "# Trigram indexes, for searches that match anywhere in the text (ILIKE '%...%')."
        lines.append(pad + comment)
        lines += [trigram_index(resource, name, indent) for name in resource["search"]]
    return lines


def table_args(resource: dict[str, Any], database: str) -> str:
    """`__table_args__` of a model, after a newline; nothing if it has no checks or indexes."""
    checks = [check(resource, field, 8) for field in resource["fields"] if _checked(field)]
    lines = [*checks, *indexes(resource, database, 8)]
    if not lines:
        return ""
    return "\n    __table_args__ = (\n" + "".join(line + "\n" for line in lines) + "    )"


def _sqlalchemy_names(resource: dict[str, Any], database: str) -> dict[str, bool]:
    """The names of `sqlalchemy` a resource's model or table may import, each with whether it
    does (those both import; the table adds its own)."""
    types = _types(resource)
    checked = any(_checked(field) for field in resource["fields"])
    return {
        "CheckConstraint": checked,
        "ForeignKey": "reference" in types,
        "Index": bool(_list_indexed(resource) or (resource["search"] and database == "postgresql")),
        "String": "string" in types or "choice" in types,
        "Text": "text" in types,
        "column": checked,
    }


def _imports(lines: list[tuple[str, str]]) -> str:
    """`from module import names` lines, sorted by module as ruff sorts them."""
    ordered = sorted(lines, key=lambda line: line[0].lower())
    return "\n".join(import_from(module, imported) for module, imported in ordered)


def model_imports(resource: dict[str, Any], database: str) -> str:
    """The imports of a resource's ORM model."""
    types = _types(resource)
    stdlib = []
    if "date" in types or "datetime" in types:
        wanted = [kind for kind in ("date", "datetime") if kind in types]
        stdlib.append("from datetime import " + names(wanted))
    if "decimal" in types:
        stdlib.append("from decimal import Decimal")
    if "choice" in types:
        stdlib.append("from typing import get_args")
    wanted = [name for name, used in _sqlalchemy_names(resource, database).items() if used]
    orm = ["Mapped", "mapped_column"] + (["relationship"] if resource["references"] else [])
    relative = []
    columns = [
        name
        for name, kind in (("ExactDecimal", "decimal"), ("UTCDateTime", "datetime"))
        if kind in types
    ]
    if columns:
        relative.append(("..columns", names(columns)))
    if sized_by(resource):
        relative.append(("..schemas." + resource["name"], sized_by(resource)))
    relative.append((".base", "Base, Timestamped"))
    referred = {}  # the first reference to each resource, as Jinja's `unique` keeps it
    for field in resource["references"]:
        referred.setdefault(field["to"].lower(), ("." + field["to"], field["to_class"]))
    relative += referred.values()
    return (
        "".join(line + "\n" for line in stdlib)
        + ("\n" if stdlib else "")
        + import_from("sqlalchemy", names(wanted))
        + f"\nfrom sqlalchemy.orm import {names(orm)}\n\n"
        + _imports(relative)
    )


def table_imports(resource: dict[str, Any], database: str) -> str:
    """The imports of a resource's Core table."""
    types = _types(resource)
    decimal_defaults = any(f["type"] == "decimal" and f["has_default"] for f in resource["fields"])
    stdlib = ["from decimal import Decimal"] if decimal_defaults else []
    stdlib += ["from typing import get_args"] if "choice" in types else []
    used = _sqlalchemy_names(resource, database)
    used.update(
        Boolean="boolean" in types, Column=True, Date="date" in types, Integer=True, Table=True
    )
    columns = [
        "ExactDecimal" if "decimal" in types else "",
        "UTCDateTime" if "datetime" in types else "",
    ]
    lines = [*stdlib, *([""] if stdlib else [])]
    lines += [import_from("sqlalchemy", names(name for name, wanted in used.items() if wanted)), ""]
    lines.append(import_from("..columns", names([*columns, "metadata"])))
    if sized_by(resource):
        lines.append(import_from("..schemas." + resource["name"], sized_by(resource)))
    lines.append("from .timestamps import timestamps")
    return "\n".join(lines)


def and_list(items: list[str], conjunction: str = "and") -> str:
    """ "title", "title and summary", "title, isbn and summary" (or "title or summary")."""
    items = list(items)
    if len(items) < 2:
        return "".join(items)
    return ", ".join(items[:-1]) + f" {conjunction} " + items[-1]


def shown_phrase(resource: dict[str, Any]) -> str:
    """What a resource's rows show of those they refer to: "its author's name"."""
    parts = [
        f"its {field['name'].replace('_', ' ')}'s "
        + and_list([name.replace("_", " ") for name in field["embed"]])
        for field in resource["references"]
        if field["embed"]
    ]
    return and_list(parts)


def all_list(exported: list[str]) -> str:
    """`__all__` of a package, in the order ruff keeps it: constants, classes, others."""
    return wrapped("__all__ = ", [_json(name) for name in names(exported).split(", ")], "[]")


def router_schema_imports(resource: dict[str, Any], resource_specs: list[dict[str, Any]]) -> str:
    """The imports of a resource's router from schemas modules: its own schemas, and the `Id`
    type of each resource it refers to, a module a line in ruff's order."""
    own = ["Id", "Page", "Public", "Replace", "Update"]
    wanted = [resource["class_name"] + name for name in own]
    schemas = {resource["name"]: names([*wanted, resource["class_name"] + "ListQuery"])}
    classes = {spec["name"]: spec["class_name"] for spec in resource_specs}
    for field in resource["references"]:
        to = field["to"]
        if to != resource["name"] and to.lower() not in {name.lower() for name in schemas}:
            schemas[to] = (classes[to] if to != "users" else "User") + "Id"
    modules = sorted(schemas, key=str.lower)
    return "\n".join(import_from("..schemas." + module, schemas[module]) for module in modules)


def _stores(resource_specs: list[dict[str, Any]], features: list[str]) -> dict[str, str]:
    """The stores a unit of work hands a route, by module: the users', each resource's, and the
    outbox's with `jobs`."""
    stores = {"users": "UserStore"}
    stores.update({spec["name"]: f"{spec['class_name']}Store" for spec in resource_specs})
    if "jobs" in features:
        stores["outbox"] = "OutboxStore"
    if "webhooks" in features:
        stores["webhooks"] = "WebhookStore"
    return stores


def store_imports(resource_specs: list[dict[str, Any]], features: list[str]) -> str:
    """`database.py`'s imports of the stores, a module a line in ruff's order."""
    stores = _stores(resource_specs, features)
    return "\n".join(f"from .stores.{name} import {stores[name]}" for name in sorted(stores))


def store_attributes(
    resource_specs: list[dict[str, Any]], features: list[str], argument: str
) -> str:
    """The lines of `Stores.__init__` that open each store on the unit's `argument`."""
    stores = _stores(resource_specs, features)
    return "\n".join(f"        self.{name} = {store}({argument})" for name, store in stores.items())


def webhook_events(resource_specs: list[dict[str, Any]]) -> str:
    """The `webhooks` schemas' event type and list: each resource's created, updated and
    deleted, in the order of the answers."""
    events = [
        f"{spec['singular']}.{change}"
        for spec in resource_specs
        for change in ("created", "updated", "deleted")
    ]
    literal = wrapped("WebhookEvent = Literal", [_json(event) for event in events], "[]")
    return f"{literal}\nWEBHOOK_EVENTS: tuple[str, ...] = get_args(WebhookEvent)"


def change_unit(
    resource: dict[str, Any], change: str, call: str, features: list[str], unit: str = "write"
) -> str:
    """A route's unit of work that makes a change (`created`, `updated`, `deleted`) by the
    store `call`: with `webhooks`, the unit emits the change's event too, so it is a
    transaction (`database.write()`), whichever `unit` the change needs alone."""
    webhooks = "webhooks" in features
    unit = "write" if webhooks else unit
    lines = [f"    async with database.{unit}() as stores:"]
    if change == "created" and not webhooks:
        return "\n".join([*lines, f"        return await {call}"])
    # The variable is named after the change: `created`, `updated`, `deleted`.
    lines.append(f"        {change} = await {call}")
    if not webhooks:
        return "\n".join(lines)
    one = resource["singular"]
    # A deleted row's event says which it was; the others carry the row as the API shows it.
    data = f'{{"id": {one}_id}}' if change == "deleted" else f'{change}.model_dump(mode="json")'
    arguments = ['"publish_event"', f'event="{one}.{change}"', f"data={data}"]
    if change == "created":
        lines.append(wrapped("await stores.outbox.enqueue", arguments, "()", 8))
        return "\n".join([*lines, "    return created"])
    condition = "updated is not None" if change == "updated" else "deleted"
    lines.append(f"        if {condition}:")
    lines.append(wrapped("await stores.outbox.enqueue", arguments, "()", 12))
    return "\n".join(lines)


def database_driver(database: str) -> str:
    """The requirement of the database's asyncio driver."""
    return {"postgresql": "asyncpg>=0.30", "mariadb": "asyncmy>=0.2.10"}.get(
        database, "aiosqlite>=0.21"
    )


def settings_class(features: list[str]) -> str:
    """The head of `Settings`: a section of settings per concern, the features' among them."""
    bases = ["DatabaseSettings", "RequestLimits", "ServerSettings"]
    sections = {"auth": "AuthSettings", "jobs": "JobSettings", "webhooks": "WebhookSettings"}
    bases += [section for feature, section in sections.items() if feature in features]
    return call("class Settings", bases, 0, ":")


def _feature_routers(features: list[str]) -> list[str]:
    return ["webhooks"] if "webhooks" in features else []


def router_modules(resource_specs: list[dict[str, Any]], features: list[str]) -> list[str]:
    """The router modules `main.py` imports, in ruff's order."""
    resources = [spec["name"] for spec in resource_specs]
    return sorted(["health", "users", *resources, *_feature_routers(features)])


def routers_included(resource_specs: list[dict[str, Any]], features: list[str]) -> str:
    """The lines of `create_app` that include each resource's router, then the features'."""
    modules = [*(spec["name"] for spec in resource_specs), *_feature_routers(features)]
    return "\n".join(f"    app.include_router({module}.router)" for module in modules)


def main_imports(features: list[str]) -> str:
    """`main.py`'s imports from the package, in ruff's order: what builds the application,
    with the features' modules, and where its database opens (`outbox`, with `jobs`: there
    the units of work hand their jobs over)."""
    imported = {
        "api_docs": "install_api_docs",
        "body_limit": "BodyLimitMiddleware",
        "outbox" if "jobs" in features else "database": "open_database",
        "dependencies": "provide",
        "errors": "install_error_handlers",
        "logs": "configure_logging",
        "settings": "Settings",
    }
    if "observability" in features:
        imported["observability"] = "install_observability"
    lines = ["from . import auth"] if "auth" in features else []
    lines += [f"from .{module} import {imported[module]}" for module in sorted(imported)]
    return "\n".join(lines)
