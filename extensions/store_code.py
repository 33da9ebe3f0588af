"""A resource's store, ORM or Core, as the store templates write it: every line that depends
on the resource or the database, computed here, so that the templates only substitute.

`orm(resource, database, features)` and `core(resource, database, features)` each return a
view of one resource's store module: a dict of finished pieces (its imports, its module-level
statements, its methods' signatures and docstrings, the lines that narrow a page, the checks
SQLite needs, the `match` cases of `_refusal`, ...), and the few flags the templates still
branch on. Pieces are whole lines without a final newline, indented where they stand in the
module. `referring`, `refusal_cases` and `users_referring` are what both stores (and the
users' stores) share.

The templates reach these as `stores.<function>(...)`: the template's extension
(`resources.py`) loads this file by its path and gives the module to Jinja as the global
`stores`. Resources and fields are those of `resource_specs.py` (plain dicts).

Pure logic with the standard library only; this file loads its sibling `python_code.py` by
its path, as the extension does, into a module no import can reach.
"""

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any


def _load_python_code() -> ModuleType:
    path = Path(__file__).resolve().parent / "python_code.py"
    spec = importlib.util.spec_from_file_location(f"{__name__}.python_code", path)
    assert spec is not None, path
    assert spec.loader is not None, path
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


py = _load_python_code()

# What an owner's check reads in each store's docstrings.
_ORM_CHECK = "checked in the same transaction"


def referring(resource: dict[str, Any]) -> str:
    """The tables whose rows hold back a delete, as a Python list."""
    names = {
        rule["resource"] for rule in resource["referenced_by"] if rule["on_delete"] == "restrict"
    }
    return json.dumps(sorted(names))


def users_referring(specs: list[dict[str, Any]]) -> str:
    """The tables whose rows hold back a user's delete, as a Python list."""
    names = [
        spec["name"]
        for spec in specs
        if any(
            field["to"] == "users" and field["on_delete"] == "restrict"
            for field in spec["references"]
        )
    ]
    return json.dumps(sorted(names))


def refusal_cases(resource: dict[str, Any]) -> str:
    """The `match` cases that turn a refused write's constraint into the API's error, at 8
    spaces."""
    name = resource["name"]
    lines = []
    for field in resource["fields"]:
        if field["unique"]:
            lines.append(f'        case "uq_{name}_{field["column"]}":')
            lines.append(f'            return Taken("{resource["label"]}", "{field["name"]}")')
    for field in resource["references"]:
        lines.append(f'        case "fk_{name}_{field["column"]}_{field["to"]}":')
        arguments = [f'"{field["name"]}"', f'values.get("{field["column"]}")']
        lines.append(py.call("return UnknownReference", [*arguments, f'"{field["to_label"]}"'], 12))
    lines += [
        "        case str(name):",
        "            return BrokenConstraint(name)",
        "        case _:",
        "            return None",
    ]
    return "\n".join(lines)


def _owner(resource: dict[str, Any], features: list[str]) -> dict[str, str] | None:
    """The owner the store checks: only with the `auth` feature."""
    owner: dict[str, str] | None = resource["owner"] if "auth" in features else None
    return owner


def _words(name: str) -> str:
    return name.replace("_", " ")


def _shown(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The references whose rows responses show part of."""
    return [field for field in resource["references"] if field["embedded"]]


def _lookups(resource: dict[str, Any], database: str) -> bool:
    """Whether the store looks referred rows up itself: SQLite names no broken foreign key."""
    return database == "sqlite" and bool(resource["references"])


def _error_imports(resource: dict[str, Any], owner: Any) -> str:
    errors = [
        "BrokenConstraint",
        "Forbidden" if owner else "",
        "ServiceError",
        "StillReferenced" if resource["referenced_by"] else "",
        "Taken" if resource["unique_fields"] else "",
        "UnknownReference" if resource["references"] else "",
    ]
    return py.import_from("..errors", py.names(errors))


def _schema_imports(resource: dict[str, Any]) -> str:
    kinds = ["Create", "Filters" if py.filtered(resource) else "", "Page", "Public", "Replace"]
    kinds.append("Update")
    classes = [resource["class_name"] + kind for kind in kinds if kind]
    return py.import_from("..schemas." + resource["name"], py.names(classes))


def _referred(resource: dict[str, Any], database: str) -> list[dict[str, Any]]:
    """The references whose tables the module imports: all on SQLite, else those shown."""
    return resource["references"] if database == "sqlite" else _shown(resource)


def _guarded(resource: dict[str, Any], lines: list[str]) -> str:
    """`lines` (a statement at 8 spaces) that delete a row, in a `try` that names the tables
    holding it back when a reference may: a restricting one, or a cascade to rows that a
    restricting reference holds."""
    tables = referring(resource)
    if not resource["referenced_by"]:
        return "\n".join(" " * 8 + line for line in lines)
    refused = f'StillReferenced("{resource["label"]}", {resource["singular"]}_id, {tables})'
    return "\n".join(
        ["        try:"]
        + [" " * 12 + line for line in lines]
        + ["        except IntegrityError as error:", f"            raise {refused} from error"]
    )


def _page(resource: dict[str, Any], column: str, table_id: str) -> dict[str, str]:
    """The page() method's signature and docstring, and the lines that build what it lists:
    `column` is what precedes a column's name (`Book.` or `books.c.`)."""
    statement = "_" + resource["name"].upper()
    filtered = py.filtered(resource)
    parameters = ["self", "window: Window"]
    if filtered:
        parameters.append(f"filters: {resource['class_name']}Filters | None = None")
    references = [f"{field['column']}: int | None = None" for field in resource["references"]]
    parameters += ["*", *references] if references else []
    signature = py.call("async def page", parameters, 4, f" -> {resource['class_name']}Page:")
    text = f"One page of {py.words(resource['name'])} in the window's order"
    text += ", only those `filters` let through" if filtered else ""
    if references:
        text += f", {'and' if filtered else ''} only those that refer to the given rows"
    if not (filtered or references):
        # As ruff would have it: a conditional expression where it fits on a line.
        sorted_list = f"sorted_page({statement}, window, _SORT_KEYS)"
        one = f'        listed = _PAGE if window.sort == "id" else {sorted_list}'
        lines = (
            [one]
            if len(one) <= py.LINE_LENGTH
            else [
                '        if window.sort == "id":',
                "            listed = _PAGE",
                "        else:",
                f"            listed = sorted_page({statement}, window, _SORT_KEYS)",
            ]
        )
    else:
        if filtered:
            lines = ["        conditions = [] if filters is None else _filtered(filters)"]
        else:
            lines = ["        conditions: list[ColumnElement[bool]] = []"]
        for field in resource["references"]:
            name = field["column"]
            lines.append(f"        if {name} is not None:")
            lines.append(f"            conditions.append({column}{name} == {name})")
        lines += [
            "        # Unnarrowed in id order, the list is the statement built once; else built for"
            " the request.",
            '        if conditions or window.sort != "id":',
            f"            listed = sorted_page({statement}.where(*conditions), window, _SORT_KEYS)",
            "        else:",
            "            listed = _PAGE",
        ]
    return {
        "page_signature": signature,
        "page_docstring": py.docstring(text.replace(",  ", ", ") + ".", 8),
        "page_query": "\n".join(lines),
        "functions": _functions(resource, column),
    }


def _sort_keys(resource: dict[str, Any], column: str) -> str:
    """The statement that maps each sort to its column, with its comment."""
    keys = [f'"{name}": {column}{name}' for name in ["id", *resource["sorts"]]]
    return "# The column each sort orders by; ties go by id.\n" + py.wrapped(
        "_SORT_KEYS: dict[str, SQLColumnExpression[Any]] = ", keys, "{}"
    )


def _filtered(resource: dict[str, Any], column: str) -> str:
    """The module's `_filtered` function: a condition for each filter given."""
    klass = resource["class_name"]
    lines = [
        f"def _filtered(filters: {klass}Filters) -> list[ColumnElement[bool]]:",
        "    "
        + py.docstring(
            f"A condition for each filter given: {py.a(resource['label'])} is listed if it meets"
            " them all.",
            4,
        ),
        "    conditions: list[ColumnElement[bool]] = []",
    ]
    if resource["search"]:
        lines += [
            "    if filters.q is not None:",
            "        # The pattern is escaped as a literal: a search builds its query per request.",
            "        conditions.append(_matching(filters.q))",
        ]
    for param in resource["filters"]:
        name, field = param["name"], param["field"]
        lines.append(f"    if filters.{name} is not None:")
        if param["op"] == "present":
            present = f"{field['column']}_set"
            lines.append(f"        {present} = {column}{field['column']}.is_not(None)")
            condition = f"{present} if filters.{name} else ~{present}"
        else:
            condition = f"{column}{field['column']} {param['op']} filters.{name}"
        lines.append(py.call("conditions.append", [condition], 8))
    lines.append("    return conditions")
    return "\n".join(lines)


def _functions(resource: dict[str, Any], column: str) -> str:
    """The module's functions that narrow its lists, each after two blank lines: `_filtered`,
    and `_matching` if the resource has a search."""
    text = "\n\n\n" + _filtered(resource, column) if py.filtered(resource) else ""
    if resource["search"]:
        searched = py.and_list(resource["search"], "or")
        text += "\n\n\ndef _matching(text: str) -> ColumnElement[bool]:\n"
        text += (
            f'    """Rows whose {searched} contains `text` (escaped: `%` and `_` are literal)."""\n'
        )
        text += _matching(resource, column)
    return text.removeprefix("\n")


def _matching(resource: dict[str, Any], column: str) -> str:
    """What `_matching` returns, at 4 spaces: whether any searched column holds the text."""
    conditions = [f"{column}{name}.icontains(text, autoescape=True)" for name in resource["search"]]
    if len(conditions) > 1:
        return py.call("return or_", conditions, 4)
    return "    return " + "".join(conditions)


def _forbidden(resource: dict[str, Any], owner: dict[str, str], indent: int) -> str:
    message = f'"only the {resource["label"]}\'s {_words(owner["name"])} may change or delete it"'
    return py.call("raise Forbidden", [message], indent)


def _writes(resource: dict[str, Any], owner: Any, check: str) -> dict[str, str]:
    """The update() and delete() signatures and docstrings; `check` says how the owner's is
    made."""
    one = resource["singular"]
    klass = resource["class_name"]
    label = resource["label"]
    owned = ["*", "changed_by: int | None"] if owner else []
    update = ["self", f"{one}_id: int", f"changes: {klass}Update | {klass}Replace", *owned]
    refused = ""
    if owner:
        refused = f" Refused unless `changed_by` (when given) is its {_words(owner['name'])}, "
    deleted = f"Delete {py.a(label)}, and with it what refers to it by a cascading reference."
    if owner:
        updated = f"Set the fields `changes` holds; None if there is no such {label}."
        update_docstring = py.docstring(updated + refused + check.format("UPDATE") + ".", 8)
        delete_docstring = py.docstring(deleted + refused + check.format("DELETE") + ".", 8)
    else:
        update_docstring = (
            f'"""Set the fields `changes` holds; None if there is no such {label}."""'
        )
        delete_docstring = py.docstring(deleted, 8)
    return {
        "update_signature": py.call("async def update", update, 4, f" -> {klass}Public | None:"),
        "update_docstring": update_docstring,
        "delete_signature": py.call(
            "async def delete", ["self", f"{one}_id: int", *owned], 4, " -> bool:"
        ),
        "delete_docstring": delete_docstring,
    }


def _common(resource: dict[str, Any], database: str, features: list[str]) -> dict[str, Any]:
    owner = _owner(resource, features)
    return {
        "owner": owner,
        "shown": bool(_shown(resource)),
        "refusal_cases": refusal_cases(resource),
        "forbidden": _forbidden(resource, owner, 8) if owner else "",
    }


def orm(resource: dict[str, Any], database: str, features: list[str]) -> dict[str, Any]:
    """The ORM store of `resource` on `database`, as its template substitutes it."""
    view = _common(resource, database, features)
    owner = view["owner"]
    klass = resource["class_name"]
    one = resource["singular"]
    shown = _shown(resource)
    statement = "_" + resource["name"].upper()
    phrase = py.shown_phrase(resource)
    # The imports.
    sqlalchemy = [
        "ColumnElement" if py.filtered(resource) or resource["references"] else "",
        "Integer",
        "SQLColumnExpression",
        "bindparam",
        "delete" if not owner else "",
        "or_" if len(resource["search"]) > 1 else "",
        "select",
    ]
    lines = [
        f"from sqlalchemy import {py.names(sqlalchemy)}",
        "from sqlalchemy.exc import IntegrityError",
        "from sqlalchemy.ext.asyncio import AsyncSession",
    ]
    if shown:
        lines.append("from sqlalchemy.orm import joinedload, load_only")
        lines.append("from sqlalchemy.orm.attributes import set_committed_value")
    lines += ["", _error_imports(resource, owner), "from ..integrity import broken_constraint"]
    models = {resource["name"]: klass}
    models.update({field["to"]: field["to_class"] for field in _referred(resource, database)})
    lines += [f"from ..models.{module} import {models[module]}" for module in sorted(models)]
    lines += ["from ..pagination import Window, paged, sorted_page", _schema_imports(resource)]
    imports = "\n".join(lines)
    # The statements built once, at import.
    lines = []
    if shown:
        lines.append(
            f"# What responses show of the rows {py.a(resource['label'])} refers to: joined into"
            " the statement that loads it."
        )
        loads = []
        for field in shown:
            columns = ", ".join(f"{field['to_class']}.{each['name']}" for each in field["embedded"])
            lines.append(f"_{field['name'].upper()}_SHOWN = (load_only({columns}),)")
            loads.append(f"joinedload({klass}.{field['name']}).load_only({columns})")
        if len(loads) == 1 and len(loads[0]) < 87:
            lines.append(f"_SHOWN = ({loads[0]},)")
        else:
            lines += ["_SHOWN = (", *(f"    {load}," for load in loads), ")"]
        lines.append(f"{statement} = select({klass}).options(*_SHOWN)")
    else:
        lines.append(f"{statement} = select({klass})")
    lines += [
        '# The row a statement reads or deletes: no column\'s name starts with "_".',
        '_ROW_ID = bindparam("_row_id", type_=Integer)',
        f"_BY_ID = {statement}.where({klass}.id == _ROW_ID)",
        f"_PAGE = paged({statement}, {klass}.id)",
        _sort_keys(resource, klass + "."),
    ]
    if not owner:
        lines.append(
            f"_DELETE = delete({klass}).where({klass}.id == _ROW_ID).returning({klass}.id)"
        )
    statements = "\n".join(lines)
    # The methods.
    name = resource["name"].capitalize()
    read = f"with {phrase} in the same statement" if phrase else "in one statement"
    added = f"Add {py.a(resource['label'])}; the database's constraints decide whether it may be."
    if owner:
        deleting = _guarded(resource, ["await self.session.flush()"])
    else:
        deleting = _guarded(
            resource, ['deleted = await self.session.scalar(_DELETE, {"_row_id": ' + one + "_id})"]
        )
    loaders = []
    for field in shown:
        load = (
            f"await self.session.get_one({field['to_class']}, {one}.{field['column']},"
            f" options=_{field['name'].upper()}_SHOWN)"
        )
        if field["optional"]:
            load = f"None if {one}.{field['column']} is None else {load}"
        loaders.append(
            f"    async def _load_{field['name']}(self, {one}: {klass}) -> None:\n"
            "        # What responses show of it, by the id the row holds. Set as loaded, not\n"
            "        # as a change: the unit of work has nothing more to flush at commit.\n"
            f"        {field['name']} = {load}\n"
            f'        set_committed_value({one}, "{field["name"]}", {field["name"]})'
        )
    lookups = []
    for field in resource["references"] if _lookups(resource, database) else []:
        column = field["column"]
        lookups += [
            f'        {column} = fields.get("{column}")',
            f"        if {column} is not None and await self.session.get({field['to_class']},"
            f" {column}) is None:",
            f'            raise UnknownReference("{field["name"]}", {column},'
            f' "{field["to_label"]}")',
        ]
    view.update(
        docstring=py.docstring(
            f"{name} as ORM entities" + (f", each loaded with {phrase}" if phrase else "") + "."
        ),
        imports=imports,
        statements=statements,
        class_docstring=py.docstring(
            f"{name}, each read {read}, and written through the session's unit of work.", 4
        ),
        create_docstring=py.docstring(added, 8),
        create_loads="".join(f"\n        await self._load_{f['name']}({one})" for f in shown),
        update_loads="".join(
            f'\n        if "{f["column"]}" in fields:\n'
            f"            await self._load_{f['name']}({one})"
            for f in shown
        ),
        deleting=deleting,
        loaders="".join(f"\n{loader}\n" for loader in loaders),
        lookups="\n".join(lookups),
        **_page(resource, klass + ".", klass + ".id"),
        **_writes(resource, owner, _ORM_CHECK),
    )
    return view


def _embedded(field: dict[str, Any]) -> list[str]:
    return [each["name"] for each in field["embedded"]]


def core(resource: dict[str, Any], database: str, features: list[str]) -> dict[str, Any]:
    """The Core store of `resource` on `database`, as its template substitutes it."""
    view = _common(resource, database, features)
    owner = view["owner"]
    table = resource["name"]
    statement = "_" + table.upper()
    one = resource["singular"]
    shown = _shown(resource)
    phrase = py.shown_phrase(resource)
    returning = database != "mariadb"
    # The imports.
    sqlalchemy = [
        "ColumnElement" if py.filtered(resource) or resource["references"] else "",
        "CursorResult",
        "Executable",
        "Integer",
        "Row" if shown else "",
        "SQLColumnExpression",
        "bindparam",
        "delete",
        "insert",
        "or_" if len(resource["search"]) > 1 else "",
        "select",
        "update",
    ]
    lines = [
        py.import_from("sqlalchemy", py.names(sqlalchemy)),
        "from sqlalchemy.exc import IntegrityError",
        "from sqlalchemy.ext.asyncio import AsyncConnection",
        "",
        _error_imports(resource, owner),
        "from ..integrity import broken_constraint",
        "from ..pagination import Window, paged, sorted_page",
        _schema_imports(resource),
    ]
    tables = {table} | {field["to"] for field in _referred(resource, database)}
    lines += [f"from ..tables.{module} import {module}" for module in sorted(tables)]
    imports = "\n".join(lines)
    # The statements built once, at import.
    lines = [
        '# The row a statement reads, changes or deletes: no column\'s name starts with "_".',
        '_ROW_ID = bindparam("_row_id", type_=Integer)',
    ]
    if shown:
        lines.append(
            "# Each table referred to, aliased by the field's name: two fields may refer to one"
            " table."
        )
        lines += [f'_{field["name"]} = {field["to"]}.alias("{field["name"]}")' for field in shown]
        for index, field in enumerate(shown):
            head = ("_JOINED = " + table if index == 0 else "_JOINED = _JOINED") + ".outerjoin"
            on = f"_{field['name']}.c.id == {table}.c.{field['column']}"
            lines.append(py.call(head, ["_" + field["name"], on]))
        lines.append(
            f"# {py.a(resource['label']).capitalize()} as responses show it: its columns, then"
            " those it shows of others."
        )
        lines += [f"{statement} = select(", f"    {table},"]
        lines += [
            f'    _{field["name"]}.c.{name}.label("{field["name"]}_{name}"),'
            for field in shown
            for name in _embedded(field)
        ]
        lines.append(").select_from(_JOINED)")
    else:
        lines.append(f"{statement} = select({table})")
    lines += [
        f"_BY_ID = {statement}.where({table}.c.id == _ROW_ID)",
        f"_PAGE = paged({statement}, {table}.c.id)",
        _sort_keys(resource, table + ".c."),
        "# Its values are the parameters it runs with; it returns the row as responses show it.",
        f"_CREATE = insert({table}).returning(",
        f"    {table},",
    ]
    for field in shown:
        for name in _embedded(field):
            lines += [
                f"    select(_{field['name']}.c.{name})",
                f"    .where(_{field['name']}.c.id =="
                f' bindparam("_{field["column"]}", type_=Integer))',
                "    .scalar_subquery()",
                f'    .label("{field["name"]}_{name}"),',
            ]
    lines.append(")")
    if returning:
        lines += [
            "# Its SET clause is the parameters it runs with, less `_row_id`.",
            "_UPDATE = (",
            f"    update({table})",
            f"    .where({table}.c.id == _ROW_ID)",
            "    .returning(",
            f"        {table},",
        ]
        for field in shown:
            for name in _embedded(field):
                lines += [
                    f"        select(_{field['name']}.c.{name})",
                    f"        .where(_{field['name']}.c.id == {table}.c.{field['column']})",
                    "        .scalar_subquery()",
                    f'        .label("{field["name"]}_{name}"),',
                ]
        lines += ["    )", ")"]
    else:
        lines += [
            "# Its SET clause is the parameters it runs with, less `_row_id`. MariaDB has no"
            " UPDATE ...",
            "# RETURNING: the store reads the row again.",
            f"_UPDATE = update({table}).where({table}.c.id == _ROW_ID)",
        ]
    lines.append(
        f"_DELETE = delete({table}).where({table}.c.id == _ROW_ID).returning({table}.c.id)"
    )
    if owner:
        lines += [
            f"# Only where `_changed_by` is its {_words(owner['name'])}: the check and the write"
            " in one statement.",
            f'_CHANGED_BY = {table}.c.{owner["column"]} == bindparam("_changed_by", type_=Integer)',
            "_UPDATE_OWNED = _UPDATE.where(_CHANGED_BY)",
            "_DELETE_OWNED = _DELETE.where(_CHANGED_BY)",
        ]
    statements = "\n".join(lines)
    # The methods.
    if shown:
        created = ["        params = {", "            **fields,"]
        created += [f'            "_{f["column"]}": fields["{f["column"]}"],' for f in shown]
        created += ["        }", "        row = (await self._written(_CREATE, params)).one()"]
    else:
        created = ["        row = (await self._written(_CREATE, fields)).one()"]
    if owner:
        deleting = _guarded(
            resource,
            [
                "deleted = await self.connection.scalar(",
                "    _DELETE if changed_by is None else _DELETE_OWNED, params",
                ")",
            ],
        )
    else:
        deleting = _guarded(
            resource,
            ['deleted = await self.connection.scalar(_DELETE, {"_row_id": ' + one + "_id})"],
        )
    lookups = []
    for field in resource["references"] if _lookups(resource, database) else []:
        column, to = field["column"], field["to"]
        lookups += [
            f'        {column} = fields.get("{column}")',
            f"        if {column} is not None:",
            f"            found = select({to}.c.id).where({to}.c.id == {column})",
            "            if await self.connection.scalar(found) is None:",
            f'                return UnknownReference("{field["name"]}", {column},'
            f' "{field["to_label"]}")',
        ]
    nested = []
    for field in shown:
        pad = " " * (8 if field["optional"] else 4)
        if field["optional"]:
            nested += [
                f'    if fields["{field["column"]}"] is None:',
                f'        fields["{field["name"]}"] = None',
                "    else:",
            ]
        nested += [
            f'{pad}fields["{field["name"]}"] = {{',
            f'{pad}    "id": fields["{field["column"]}"],',
        ]
        nested += [
            f'{pad}    "{name}": fields["{field["name"]}_{name}"],' for name in _embedded(field)
        ]
        nested.append(f"{pad}}}")
    name = table.capitalize()
    read = f"with {phrase} in the same statement" if phrase else "in one statement"
    inserted = (
        f"Insert {py.a(resource['label'])}; the database's constraints decide whether it may be."
    )
    view.update(
        returning=returning,
        docstring=py.docstring(
            f"{name} in SQLAlchemy Core: the statements below, rows read by column name"
            + (f", each with {phrase}" if phrase else "")
            + "."
        ),
        imports=imports,
        statements=statements,
        class_docstring=py.docstring(f"{name}, each read {read}, on one connection.", 4),
        create_docstring=py.docstring(inserted, 8),
        created="\n".join(created),
        row_fields="_fields(row)" if shown else "row",
        page_rows="[_fields(row) for row in rows]" if shown else "rows",
        deleting=deleting,
        changed_by_signature=py.call(
            "async def _changed_by",
            ["self", f"{one}_id: int", "changed_by: int | None"],
            4,
            f" -> {resource['class_name']}Public | None:",
        ),
        lookups="\n".join(lookups),
        nested="\n".join(nested),
        **_page(resource, table + ".c.", table + ".c.id"),
        **_writes(resource, owner, "which the {} itself checks"),
    )
    # Core's delete() reads as written, never wrapped.
    owned = ", *, changed_by: int | None" if owner else ""
    view["delete_signature"] = f"    async def delete(self, {one}_id: int{owned}) -> bool:"
    if owner:
        view["forbidden"] = _forbidden(resource, owner, 12)
    return view
