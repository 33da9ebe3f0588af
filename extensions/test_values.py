"""Values for a resource's factories and tests, as Python expressions: valid ones that differ
from row to row, and invalid ones, each with the reason the API refuses it; and the lines that
open or check a test.

The templates reach these as `values.<function>(...)`: the template's extension
(`resources.py`) loads this file by its path and gives the module to Jinja as the global
`values`. Resources and fields are those of `resource_specs.py` (plain dicts).

Pure logic with the standard library only.
"""

import json
from typing import Any

# The rest of a generated line is its own: `python_code.py` wraps calls the same way.
LINE_LENGTH = 100


def _label(field: dict[str, Any]) -> str:
    return str(field["name"].replace("_", " ").capitalize())


def example(field: dict[str, Any]) -> str:
    """A valid value of `field` for row `number` (a name in the factory), unique where it must
    be."""
    kind = field["type"]
    if kind in ("string", "text"):
        return (
            f'unique_text(number, {field["min_length"]}, {field["max_length"]}, "{_label(field)}")'
        )
    if kind == "integer":
        if field["unique"]:
            return f"{field['min']} + number"
        return str(min(max(1, field["min"]), field["max"]))
    if kind == "decimal":
        if field["unique"]:
            return f"str(Decimal(number).scaleb(-{field['places']}))"
        if field["min"] is not None:
            value = field["min"]
        else:
            value = min(0, field["max"]) if field["max"] is not None else 1
        return decimal_text(field, value)
    if kind == "boolean":
        return "False" if field["default"] is True else "True"
    if kind == "date":
        return "unique_day(number)"
    if kind == "datetime":
        return "unique_moment(number)"
    if kind == "choice":
        return json.dumps(field["choices"][-1])
    return ""


def decimal_text(field: dict[str, Any], value: Any) -> str:
    """A decimal as the API writes it: text with exactly its places."""
    return '"' + f"%.{field['places']}f" % float(value) + '"'


def longest(field: dict[str, Any]) -> str:
    """The longest valid value of a text field, unique for row `number`."""
    return f'unique_text(number, {field["max_length"]}, {field["max_length"]}, "{_label(field)}")'


def _invalid_values(field: dict[str, Any]) -> list[tuple[Any, str]]:
    """A field's invalid values by its type, each with its case's name (after the column's)."""
    kind = field["type"]
    if kind in ("string", "text"):
        cases: list[tuple[Any, str]] = [(f'"x" * {field["max_length"] + 1}', "too-long")]
        if field["min_length"] > 0:
            short = f'"x" * {field["min_length"] - 1}' if field["min_length"] > 1 else '""'
            cases.append((short, "too-short"))
        return [*cases, ('"a\\x00b"', "with-nul"), ("123", "not-text")]
    if kind == "integer":
        return [
            (field["min"] - 1, "below-min"),
            (field["max"] + 1, "above-max"),
            ("1.5", "fractional"),
            ('"1"', "as-text"),
            ("True", "boolean"),
        ]
    if kind == "decimal":
        places, step = field["places"], 10 ** (0 - field["places"])
        cases = [
            ("1.5", "as-json-number"),
            ('"one"', "not-a-number"),
            ('"1e2"', "with-exponent"),
            ('"0.' + "1" * (places + 1) + '"', "too-many-places"),
            ('"' + "1" * (field["digits"] - places + 1) + '"', "too-many-digits"),
        ]
        if field["min"] is not None:
            cases.append((decimal_text(field, float(field["min"]) - step), "below-min"))
        if field["max"] is not None:
            cases.append((decimal_text(field, float(field["max"]) + step), "above-max"))
        return cases
    return {
        "boolean": [('"true"', "as-text"), ("1", "as-number")],
        "date": [('"2024-02-30"', "not-a-day"), ("20240101", "as-number")],
        "datetime": [
            ('"2024-01-01T00:00:00"', "without-offset"),
            ('"yesterday"', "not-a-moment"),
            ('"0001-01-01T00:00:00+01:00"', "before-year-1-in-utc"),
        ],
        "choice": [('"(none of them)"', "not-a-choice"), ("1", "not-text")],
        "reference": [("0", "zero"), ('"1"', "as-text")],
    }.get(kind, [])


def _param(name: str, value: Any, case: str) -> str:
    """`pytest.param({name: value}, id=case),` at 4 spaces, wrapped as ruff wraps it."""
    args = ["{" + json.dumps(name) + ": " + str(value) + "}", "id=" + json.dumps(case)]
    one = f"    pytest.param({', '.join(args)}),"
    if len(one) <= LINE_LENGTH:
        return one
    return "    pytest.param(\n" + "".join(f"        {arg},\n" for arg in args) + "    ),"


def invalid_cases(field: dict[str, Any], creating: bool) -> str:
    """The invalid values of a field, as `pytest.param({...}, id=...)` lines at 4 spaces, each
    ending with a newline; with `creating`, also those that only a creation refuses (a
    required field left out)."""
    cases = _invalid_values(field)
    if not field["optional"]:
        cases.append(("None", "null"))
        if creating and not field["has_default"]:
            cases.append(("OMITTED", "left-out"))
    prefix = field["column"].replace("_", "-") + "-"
    return "".join(_param(field["column"], value, prefix + case) + "\n" for value, case in cases)


def arrange(resource: dict[str, Any]) -> str:
    """The opening of a test on an existing row: the row, and the headers of who may change it.
    For an owned resource, its owner too. Lines at 4 spaces, each ending with a newline."""
    one = resource["singular"]
    if resource["owner"]:
        owner = resource["owner"]["name"]
        return (
            f"    {owner} = await create_user(client)\n"
            f"    {one} = await create_{one}(client, {owner})\n"
            f"    headers = await user_headers(client, {owner})\n"
        )
    return f"    {one} = await create_{one}(client)\n    headers = await caller_headers(client)\n"


def new_body(resource: dict[str, Any]) -> str:
    """The opening of a test that writes a new row: its body, and the headers of who writes it.
    Lines at 4 spaces, each ending with a newline."""
    one = resource["singular"]
    if resource["owner"]:
        owner = resource["owner"]["name"]
        return (
            f"    {owner} = await create_user(client)\n"
            f"    body = await {one}_body(client, {owner})\n"
            f"    headers = await user_headers(client, {owner})\n"
        )
    return f"    body = await {one}_body(client)\n    headers = await caller_headers(client)\n"


def shows(resource: dict[str, Any], auth: bool, row: str, body: str) -> str:
    """The asserts that `row` shows what `body` gave it (and, with `auth`, its owner), a line
    each, each ending with a newline."""
    lines = []
    for field in resource["fields"]:
        name, column = field["name"], field["column"]
        if field["owner"] and auth:
            shown = f'{{"id": {name}["id"], "name": {name}["name"]}}'
            lines.append(f'    assert {row}["{name}"] == {shown}\n')
        elif field["embedded"]:
            lines.append(f'    assert {row}["{name}"]["id"] == {body}["{column}"]\n')
        elif field["type"] == "datetime":
            lines.append(f'    assert timestamp({row}["{name}"]) == timestamp({body}["{name}"])\n')
        else:
            lines.append(f'    assert {row}["{column}"] == {body}["{column}"]\n')
    return "".join(lines)


def creator(resource_specs: list[dict[str, Any]], name: str) -> str:
    """The `create_` function of the resource named `name`, in its factory module."""
    return "create_" + next(spec for spec in resource_specs if spec["name"] == name)["singular"]


def invalid_bodies(resource: dict[str, Any], auth: bool, creating: bool) -> str:
    """Every invalid body of a resource, for a creation or (not `creating`) a change: each
    field's invalid values, an owner named in the body where the caller is the owner, an
    unknown field. Lines at 4 spaces, the last without a newline."""
    lines = [
        invalid_cases(field, creating)
        for field in resource["fields"]
        if not (field["owner"] and auth)
    ]
    owner = resource["owner"]
    if owner and auth:
        named = f'{{"{owner["column"]}": 1}}, id="{owner["name"]}-named-in-the-body"'
        lines.append(f"    pytest.param({named}),\n")
    lines.append('    pytest.param({"unknown_field": 1}, id="unknown-field"),')
    return "".join(lines)


def texts(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields that hold text: their longest values are stored whole."""
    return [field for field in resource["fields"] if field["type"] in ("string", "text")]


def _defaulted(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The fields a body may leave out: those with a default, then the other optional ones."""
    fields = resource["fields"]
    return [field for field in fields if field["has_default"]] + [
        field for field in fields if field["optional"] and not field["has_default"]
    ]


def _literal(value: Any) -> str:
    """A default that is not a decimal, as a Python literal."""
    return str(value) if isinstance(value, bool) else json.dumps(value, ensure_ascii=False)


def left_out(resource: dict[str, Any]) -> str:
    """The entries of a body that leaves out every field it may, at 8 spaces; empty if none."""
    return "\n".join(f'        "{field["column"]}": OMITTED,' for field in _defaulted(resource))


def defaults_taken(resource: dict[str, Any]) -> str:
    """The asserts that each field left out took its default (None if it has none), a line
    each at 4 spaces, the last without a newline."""
    lines = []
    for field in _defaulted(resource):
        shown = f'    assert response.json()["{field["column"]}"]'
        value = field["default"]
        if not field["has_default"]:
            lines.append(f"{shown} is None")
        elif field["type"] == "boolean":
            lines.append(f"{shown} is {_literal(value)}")
        elif field["type"] == "decimal":
            lines.append(f"{shown} == {decimal_text(field, value)}")
        else:
            lines.append(f"{shown} == {_literal(value)}")
    return "\n".join(lines)


def longest_texts(resource: dict[str, Any]) -> str:
    """The entries of a body whose texts are each as long as they may be, at 8 spaces."""
    return "\n".join(f'        "{field["name"]}": {longest(field)},' for field in texts(resource))


def patched(resource: dict[str, Any]) -> dict[str, Any] | None:
    """The field a test of PATCH changes: the first text or date, else the first boolean."""
    fields = resource["fields"]
    first = [field for field in fields if field["type"] in ("string", "text", "date")]
    first += [field for field in fields if field["type"] == "boolean"]
    return first[0] if first else None


def change(resource: dict[str, Any]) -> str:
    """The line at 4 spaces that sets `change`, a PATCH body that changes `patched()`."""
    field = patched(resource)
    assert field is not None, resource["name"]
    one, column = resource["singular"], field["column"]
    if field["type"] == "boolean":
        return f'    change = {{"{column}": not {one}["{column}"]}}'
    owner = ", " + resource["owner"]["name"] if resource["owner"] else ""
    return f'    change = {{"{column}": (await {one}_body(client{owner}))["{column}"]}}'


def statements_creating(
    resource: dict[str, Any], data_access: str, database: str, features: list[str]
) -> str:
    """What creating a row runs, each statement's first word, as the test expects them: the
    lines at 4 spaces, comments first, that set `expected`."""
    orm = data_access == "orm"
    looked_up = len(resource["references"]) if orm and database == "sqlite" else 0
    loaded = len([field for field in resource["references"] if field["embedded"]]) if orm else 0
    written = ["SELECT"] * looked_up + ["INSERT"] + ["SELECT"] * loaded
    webhooks = "webhooks" in features
    written += ["INSERT"] * webhooks
    lines = []
    if orm and looked_up:
        lines.append(
            "    # SQLite names no foreign key that fails: the rows referred to are looked up"
            " first."
        )
    if orm and written[-1] == "SELECT":
        lines.append(
            "    # The INSERT, then what the new row shows of each row it refers to, loaded by"
            " its id."
        )
    if webhooks:
        lines.append("    # Then the change's event, a job in the outbox, in the same transaction.")
    lines.append(
        "    # With `auth` (`headers` carry a token), the caller is looked up before anything else."
    )
    lines.append(f'    expected = (["SELECT"] if headers else []) + {json.dumps(written)}')
    return "\n".join(lines)


def singular(resource_specs: list[dict[str, Any]], name: str) -> str:
    """The singular of the resource named `name`."""
    found: str = next(spec for spec in resource_specs if spec["name"] == name)["singular"]
    return found


def listed_by(resource: dict[str, Any]) -> list[dict[str, Any]]:
    """The references a resource is listed by (`/<to>/{id}/<name>`): one a table referred to,
    neither the owner nor another reference to the users."""
    fields: dict[str, dict[str, Any]] = {}
    for field in resource["references"]:
        if not field["owner"] and field["to"] != "users":
            fields.setdefault(field["to"], field)
    return list(fields.values())


def refuses(resource: dict[str, Any]) -> bool:
    """Whether a test of its references expects a refusal: an unknown row referred to, or a
    delete that a restricting reference holds back."""
    restricting = [rule for rule in resource["referenced_by"] if rule["on_delete"] != "cascade"]
    return bool(resource["checked_references"] or restricting)


def reference_factories(resource: dict[str, Any], resource_specs: list[dict[str, Any]]) -> str:
    """The imports of the factories a test of a resource's references needs, one module a line,
    in ruff's order."""
    one = resource["singular"]
    body = ", " + one + "_body" if resource["checked_references"] else ""
    factories = {resource["name"]: "create_" + one + body}
    for field in listed_by(resource):
        if field["to"] != resource["name"]:
            factories[field["to"]] = creator(resource_specs, field["to"])
    for referrer in resource["referenced_by"]:
        factories[referrer["resource"]] = creator(resource_specs, referrer["resource"])
    return "\n".join(
        f"from tests.factories.{name} import "
        + ", ".join(sorted(dict.fromkeys(factories[name].split(", ")), key=str.lower))
        for name in sorted(factories)
    )


def theirs(resource: dict[str, Any], field: dict[str, Any], by: str) -> str:
    """The line (or lines) at 4 spaces that create three rows referring to the row `by`."""
    made = f'await create_{resource["singular"]}(client, {field["column"]}={by}["id"])'
    made += " for _ in range(3)"
    if len(made) < 84:
        return f"    theirs = [{made}]"
    return f"    theirs = [\n        {made}\n    ]"


def _pair(field: dict[str, Any]) -> tuple[str, str]:
    """Two valid values of a field that filters or sorts, the first ordered before the second,
    as Python expressions (a reference's are the ids of `first` and `second`)."""
    kind = field["type"]
    if kind == "string":
        size = min(max(field["min_length"], 5), field["max_length"])
        return json.dumps("a" * size), json.dumps("b" * size)
    if kind == "integer":
        low = field["min"] if field["bounded"] else 1
        return str(low), str(min(low + 1, field["max"]))
    if kind == "decimal":
        step = 10 ** -field["places"]
        low = field["min"] if field["min"] is not None else min(0, (field["max"] or 1) - step)
        return decimal_text(field, low), decimal_text(field, float(low) + step)
    if kind == "date":
        return '"2026-01-01"', '"2026-01-02"'
    if kind == "datetime":
        return '"2026-01-01T00:00:00Z"', '"2026-01-01T01:00:00Z"'
    if kind == "choice":
        return json.dumps(field["choices"][0]), json.dumps(field["choices"][1])
    if kind == "boolean":
        return "True", "False"
    return 'first["id"]', 'second["id"]'


def _bad_value(param: dict[str, Any]) -> str:
    """A value a filter's query parameter refuses, as a Python expression."""
    field = param["field"]
    if param["op"] == "present" or field["type"] == "boolean":
        return '"maybe"'
    if field["type"] == "string":
        return '""' if field["min_length"] else json.dumps("x" * (field["max_length"] + 1))
    return {
        "integer": '"many"',
        "decimal": '"12,5"',
        "date": '"2026-02-30"',
        "datetime": '"2026-01-01"',
        "choice": '"none-of-them"',
    }.get(field["type"], '"0"')


def _rows(resource: dict[str, Any], column: str, values: list[str]) -> str:
    """Lines at 4 spaces that create a row for each value of `column`, as `rows`."""
    one = resource["singular"]
    made = [f"await create_{one}(client, {column}={value})" for value in values]
    return "    rows = [\n" + "".join(f"        {each},\n" for each in made) + "    ]\n"


def _references_made(field: dict[str, Any], resource_specs: list[dict[str, Any]]) -> str:
    """The lines that create `first` and `second` for a reference's values: nothing for others."""
    if field["type"] != "reference":
        return ""
    make = _maker(resource_specs, field["to"])
    return f"    first = await {make}(client)\n    second = await {make}(client)\n"


def _listed_check(query: str, expected: str) -> str:
    """An assert, at 4 spaces, that `_listed` shows `expected` under `query`: on one line if it
    fits, else the call's arguments a line each."""
    line = f"    assert await _listed(client, rows, {query}) == {expected}\n"
    if len(line) <= LINE_LENGTH + 1:
        return line
    arguments = "".join(
        f"        {argument},\n" for argument in ["client", "rows", *query.split(", ")]
    )
    return f"    listed = await _listed(\n{arguments}    )\n    assert listed == {expected}\n"


def _filter_test(
    resource: dict[str, Any], field: dict[str, Any], specs: list[dict[str, Any]]
) -> str:
    params = [param for param in resource["filters"] if param["field"]["name"] == field["name"]]
    low, high = _pair(field)
    values = [low, high] + (["None"] if field["optional"] else [])
    lines = []
    for param in params:
        name = param["name"]
        if param["op"] == "present":
            lines += [(f"{name}=True", "[0, 1]"), (f"{name}=False", "[2]")]
        elif param["op"] == "==":
            lines += [(f"{name}={high}", "[1]"), (f"{name}={low}", "[0]")]
        elif param["op"] in (">=",):
            lines.append((f"{name}={high}", "[1]"))
        elif param["op"] == "<=":
            lines.append((f"{name}={low}", "[0]"))
        else:
            lines.append((f"{name}={high}", "[0]"))
    ranged = [param["name"] for param in params if param["op"] not in ("==", "present")]
    if ranged:
        # Both ends at once: the range that holds both, and one that holds none.
        both = "[0, 1]" if params[1]["op"] == "<=" else "[0]"
        lines.append((f"{ranged[0]}={low}, {ranged[1]}={high}", both))
        lines.append((f"{ranged[0]}={high}, {ranged[1]}={low}", "[]"))
    checks = "".join(_listed_check(query, expected) for query, expected in lines)
    test = f"test_{resource['name']}_filter_by_{field['name']}"
    return (
        f"\n\nasync def {test}(client: AsyncClient) -> None:\n"
        + _references_made(field, specs)
        + _rows(resource, field["column"], values)
        + "\n"
        + checks
    )


def _default_order_test(resource: dict[str, Any]) -> str:
    """The test that a list without `sort` is in the resource's `order`: nothing for id order."""
    order = resource["order"]
    if order == "id":
        return ""
    name, one = resource["name"], resource["singular"]
    key = order.removeprefix("-")
    if key == "id":
        made = f"    rows = [await create_{one}(client) for _ in range(2)]\n"
    else:
        field = next(field for field in resource["fields"] if field["name"] == key)
        made = _rows(resource, field["column"], list(_pair(field)))
    expected = "[1, 0]" if order.startswith("-") else "[0, 1]"
    return (
        f"\n\nasync def test_{name}_are_listed_in_their_order_unless_a_sort_is_named(\n"
        "    client: AsyncClient,\n) -> None:\n"
        + made
        + f'\n    items = await every_item(client, "/{name}")\n\n'
        + '    ids = [row["id"] for row in rows]\n'
        + '    listed = [ids.index(item["id"]) for item in items if item["id"] in ids]\n'
        + f"    assert listed == {expected}\n"
    )


def _forged_keys(field: dict[str, Any]) -> list[str]:
    """Keys a forged cursor could name for a sorting field that no row of it could hold."""
    return {
        "string": ['"a\\x00"', '"\\ud800"', "5"],
        "integer": ["2**40", '"5"'],
        "decimal": ['"NaN"', '"Infinity"', '"1e-20000"', '"ten"'],
        "date": ['"2026-02-30"', "5"],
        "datetime": ['"2026-01-01T00:00:00"', '"soon"'],
        "choice": ["5"],
    }[field["type"]]


def _maker(resource_specs: list[dict[str, Any]], name: str) -> str:
    return "create_user" if name == "users" else creator(resource_specs, name)


def _sort_test(resource: dict[str, Any], field: dict[str, Any]) -> str:
    low, high = _pair(field)
    name = field["name"]
    if field["unique"]:
        return (
            f"\n\nasync def test_{resource['name']}_sort_by_{name}(client: AsyncClient) -> None:\n"
            + _rows(resource, field["column"], [high, low])
            + "\n"
            + f'    assert await _listed(client, rows, 1, sort="{name}") == [1, 0]\n'
            + f'    assert await _listed(client, rows, 1, sort="-{name}") == [0, 1]\n'
        )
    return (
        f"\n\nasync def test_{resource['name']}_sort_by_{name}_ties_going_by_id(\n"
        "    client: AsyncClient,\n) -> None:\n"
        + _rows(resource, field["column"], [high, low, high, low])
        + "\n"
        + "    # A page of one: each tie is split across pages.\n"
        + f'    assert await _listed(client, rows, 1, sort="{name}") == [1, 3, 0, 2]\n'
        + f'    assert await _listed(client, rows, 1, sort="-{name}") == [2, 0, 3, 1]\n'
    )


def _index_name(resource: dict[str, Any], field: dict[str, Any]) -> str:
    kind = "uq" if field["unique"] else "ix"
    return f"{kind}_{resource['name']}_{field['column']}"


def _explain_test(
    resource: dict[str, Any], resource_specs: list[dict[str, Any]], pagination: str
) -> str:
    """The PostgreSQL test that each filter and sort can use an index: rows where one stands
    out on each field, then the plan of each list that picks it out, or orders by the field."""
    name, one = resource["name"], resource["singular"]
    filtering = list({p["field"]["name"]: p["field"] for p in resource["filters"]}.values())
    made, common, odd, checks = [], [], [], []
    for field in filtering:
        low, high = _pair(field)
        if field["type"] == "reference":
            make = _maker(resource_specs, field["to"])
            made += [f"    {field['name']}_low = await {make}(client)\n"]
            made += [f"    {field['name']}_high = await {make}(client)\n"]
            low, high = f'{field["name"]}_low["id"]', f'{field["name"]}_high["id"]'
        if not field["unique"]:
            common.append(f"{field['column']}={low}")
        odd.append(f"{field['column']}={high}")
        param = next(p for p in resource["filters"] if p["field"]["name"] == field["name"])
        checks.append(f'({{"{param["name"]}": {high}}}, "{_index_name(resource, field)}")')
        if field["optional"]:
            checks.append(f'({{"has_{field["name"]}": False}}, "{_index_name(resource, field)}")')
    missing = [f"{field['column']}=None" for field in filtering if field["optional"]]
    text = (
        "\n\nasync def _plan(\n"
        "    client: AsyncClient,\n"
        "    connection: AsyncConnection,\n"
        "    engine: AsyncEngine,\n"
        "    query: dict[str, Any],\n"
        ") -> str:\n"
        '    """The plan PostgreSQL makes for the list\'s statement under `query`, reading whole\n'
        "    tables forbidden, and sorting too when the query sorts: a handful of rows is read\n"
        '    and sorted fastest whole, and what is asked is which index could serve."""\n'
        "    sent: list[tuple[str, Any]] = []\n\n"
        "    def record(*args: Any) -> None:\n"
        '        if "LIMIT" in args[2]:\n'
        "            sent.append((args[2], args[3]))\n\n"
        '    event.listen(engine.sync_engine, "before_cursor_execute", record)\n'
        "    try:\n"
        f'        response = await client.get("/{name}", params=query)\n'
        "    finally:\n"
        '        event.remove(engine.sync_engine, "before_cursor_execute", record)\n'
        "    assert response.status_code == 200, response.text\n"
        "    (statement, parameters) = sent[-1]\n"
        '    sorting = "on" if "sort" not in query else "off"\n'
        '    await connection.exec_driver_sql("SET LOCAL enable_seqscan = off")\n'
        '    await connection.exec_driver_sql(f"SET LOCAL enable_sort = {sorting}")\n'
        '    plan = await connection.exec_driver_sql(f"EXPLAIN {statement}", parameters)\n'
        '    return "\\n".join(plan.scalars())\n'
    )
    text += (
        "\n\nasync def test_each_filter_and_sort_can_use_an_index(\n"
        "    client: AsyncClient, connection: AsyncConnection, engine: AsyncEngine\n"
        ") -> None:\n"
        + "".join(made)
        + "    # Rows enough, one standing out on each field, and fresh statistics: the planner\n"
        + "    # then weighs the indexes as it would on real data.\n"
        + "    for _ in range(50):\n"
        + _indented_call(f"await create_{one}", ["client", *common], 8)
        + _indented_call(f"await create_{one}", ["client", *odd], 4)
        + (_indented_call(f"await create_{one}", ["client", *missing], 4) if missing else "")
        + f"    await connection.exec_driver_sql('ANALYZE \"{name}\"')\n"
    )
    sorted_by = [field for field in resource["fields"] if field["sort"]]
    checks += [
        f'({{"sort": "{way}{field["name"]}"}}, "{_index_name(resource, field)}")'
        for field in sorted_by
        for way in ("", "-")
    ]
    if checks:
        text += "\n    # Each query, and the index that can serve it.\n"
        text += "    checks: list[tuple[dict[str, Any], str]] = [\n"
        text += "".join(f"        {check},\n" for check in checks) + "    ]\n"
        text += "    for query, index in checks:\n"
        text += "        plan = await _plan(client, connection, engine, query)\n"
        text += '        assert f" {index} " in plan, (query, plan)\n'
    if sorted_by and pagination == "cursor":
        sorts = ", ".join(f'"{way}{field["name"]}"' for field in sorted_by for way in ("", "-"))
        text += (
            "    # A page past the first: the index seeks to the row its cursor names.\n"
            f"    for sort in [{sorts}]:\n"
            f'        first = await client.get("/{name}", params={{"sort": sort, "limit": 1}})\n'
            '        query = {"sort": sort, "limit": 1, "cursor": first.json()["next_cursor"]}\n'
            "        plan = await _plan(client, connection, engine, query)\n"
            f"        assert f\" ix_{name}_{{sort.removeprefix('-')}} \" in plan, (query, plan)\n"
            '        assert "Index Cond" in plan, (query, plan)\n'
        )
    return text


def _indented_call(head: str, arguments: list[str], indent: int) -> str:
    """A call statement at `indent` spaces, its arguments a line each if it is too long."""
    pad = " " * indent
    line = f"{pad}{head}({', '.join(arguments)})\n"
    if len(line) <= LINE_LENGTH + 1:
        return line
    lines = "".join(f"{pad}    {argument},\n" for argument in arguments)
    return f"{pad}{head}(\n{lines}{pad})\n"


def forges_cursors(resource: dict[str, Any], pagination: str) -> bool:
    """Whether a resource's list tests forge cursors: under cursor pagination, with sorts."""
    return pagination == "cursor" and bool(resource["sorts"])


def explained(resource: dict[str, Any], database: str) -> bool:
    """Whether a resource's list tests check its indexes: on PostgreSQL, with filters or sorts."""
    return database == "postgresql" and bool(resource["filters"] or resource["sorts"])


def list_tests(
    resource: dict[str, Any], resource_specs: list[dict[str, Any]], pagination: str, database: str
) -> str:
    """The tests of a resource's list query, after the module's imports: each filter and sort,
    bad values, and the lists of one row it refers to."""
    name, one = resource["name"], resource["singular"]
    text = (
        "\n\nasync def _listed(\n"
        "    client: AsyncClient, rows: list[dict[str, Any]], limit: int = 1, **query: Any\n"
        ") -> list[int]:\n"
        '    """The positions in `rows` of those the list shows, in the order it shows them (id\n'
        '    order unless `query` names a sort), read `limit` at a time."""\n'
        '    ids = [row["id"] for row in rows]\n'
        f'    items = await every_item(client, "/{name}", limit, **{{"sort": "id", **query}})\n'
        '    return [ids.index(item["id"]) for item in items if item["id"] in ids]\n'
    )
    text += _default_order_test(resource)
    text += (
        f"\n\nasync def test_{name}_sort_by_id_either_way(client: AsyncClient) -> None:\n"
        f"    rows = [await create_{one}(client) for _ in range(3)]\n\n"
        '    assert await _listed(client, rows, sort="id") == [0, 1, 2]\n'
        '    assert await _listed(client, rows, sort="-id") == [2, 1, 0]\n'
    )
    filtering = list({p["field"]["name"]: p["field"] for p in resource["filters"]}.values())
    text += "".join(_filter_test(resource, field, resource_specs) for field in filtering)
    text += "".join(_sort_test(resource, field) for field in resource["fields"] if field["sort"])
    cases = [('{"sort": "nope"}', "sort-unknown"), ('{"nope": "1"}', "parameter-unknown")]
    cases += [
        (f'{{"{param["name"]}": {_bad_value(param)}}}', param["name"].replace("_", "-"))
        for param in resource["filters"]
    ]
    params = "".join(f'        pytest.param({query}, id="{case}"),\n' for query, case in cases)
    text += (
        '\n\n@pytest.mark.parametrize(\n    "query",\n    [\n' + params + "    ],\n)\n"
        f"async def test_a_bad_list_query_is_refused_naming_the_parameter(\n"
        "    client: AsyncClient, query: dict[str, Any]\n"
        ") -> None:\n"
        f'    response = await client.get("/{name}", params=query)\n\n'
        "    assert response.status_code == 422\n"
        '    assert_error(response.json(), "invalid_request")\n'
        "    assert next(iter(query)) in response.text\n"
    )
    if pagination == "cursor":
        # A sort's cursor under its reverse: refused by what it names, not by its version.
        given = resource["sorts"][0] if resource["sorts"] else "-id"
        other = "-" + given if resource["sorts"] else "id"
        text += (
            "\n\nasync def test_a_cursor_of_another_sort_is_refused(client: AsyncClient) -> None:\n"
            f"    for _ in range(2):\n        await create_{one}(client)\n"
            f'    params: dict[str, Any] = {{"sort": "{given}", "limit": 1}}\n'
            f'    response = await client.get("/{name}", params=params)\n\n'
            f'    params = {{"sort": "{other}", "cursor": response.json()["next_cursor"]}}\n'
            f'    response = await client.get("/{name}", params=params)\n\n'
            "    assert response.status_code == 422\n"
            '    assert "cursor" in response.text\n'
        )
    sorted_by = [field for field in resource["fields"] if field["sort"]]
    if forges_cursors(resource, pagination):
        forged = [(field["name"], key) for field in sorted_by for key in _forged_keys(field)]
        cases = "".join(f'        ("{sort}", {key}),\n' for sort, key in forged)
        text += (
            f'\n\n@pytest.mark.parametrize(\n    ("sort", "key"),\n    [\n{cases}    ],\n)\n'
            "async def test_a_cursor_naming_a_key_no_row_could_hold_is_refused(\n"
            "    client: AsyncClient, sort: str, key: Any\n"
            ") -> None:\n"
            "    named = json.dumps([sort, 1, key])\n"
            '    cursor = base64.urlsafe_b64encode(f"v2:{named}".encode()).decode()\n\n'
            '    params = {"sort": sort, "cursor": cursor}\n'
            f'    response = await client.get("/{name}", params=params)\n\n'
            "    assert response.status_code == 422\n"
            '    assert "cursor" in response.text\n'
        )
    for field in listed_by(resource):
        by = singular(resource_specs, field["to"])
        text += (
            f"\n\nasync def test_the_{name}_of_one_{by}_take_the_list_query(\n"
            "    client: AsyncClient,\n) -> None:\n"
            f"    {by} = await {_maker(resource_specs, field['to'])}(client)\n"
            + _one_line_or_split(
                f'    rows = [await create_{one}(client, {field["column"]}={by}["id"])'
                " for _ in range(2)]"
            )
            + "\n"
            f"    await create_{one}(client)\n\n"
            f"    path = f\"/{field['to']}/{{{by}['id']}}/{name}\"\n"
            '    response = await client.get(path, params={"sort": "-id"})\n\n'
            "    assert response.status_code == 200, response.text\n"
            '    listed = [item["id"] for item in response.json()["items"]]\n'
            '    assert listed == [rows[1]["id"], rows[0]["id"]]\n'
        )
    if explained(resource, database):
        text += _explain_test(resource, resource_specs, pagination)
    return text.rstrip("\n")


def _one_line_or_split(line: str) -> str:
    """A list comprehension at 4 spaces, split inside its brackets as ruff does if too long."""
    if len(line) <= LINE_LENGTH:
        return line
    head, rest = line.split("[", 1)
    return f"{head}[\n        {rest[:-1]}\n    ]"


def list_test_imports(resource: dict[str, Any], resource_specs: list[dict[str, Any]]) -> str:
    """The imports of the factories a resource's list tests use, one module a line."""
    factories = {resource["name"]: {f"create_{resource['singular']}"}}
    referred = [p["field"]["to"] for p in resource["filters"] if p["field"]["type"] == "reference"]
    referred += [field["to"] for field in listed_by(resource)]
    shared = ["assert_error", "create_user" if "users" in referred else "", "every_item"]
    factories["."] = {name for name in shared if name}
    for to in referred:
        if to != "users":
            factories.setdefault(to, set()).add(creator(resource_specs, to))
    return "\n".join(
        f"from tests.factories{'' if module == '.' else '.' + module} import "
        + ", ".join(sorted(factories[module]))
        for module in sorted(factories)
    )


def resource_creators(resource_specs: list[dict[str, Any]]) -> str:
    """The imports of each resource's `create_<singular>` factory, a module a line."""
    return "\n".join(
        f"from tests.factories.{spec['name']} import create_{spec['singular']}"
        for spec in sorted(resource_specs, key=lambda spec: spec["name"])
    )


def webhook_shapes(resource_specs: list[dict[str, Any]]) -> str:
    """`SHAPES` of the webhooks' tests: each resource's path, event prefix, factory and whether
    a user owns it."""
    lines = []
    for spec in resource_specs:
        one = spec["singular"]
        args = [
            f'"/{spec["name"]}"',
            f'"{one}"',
            f"create_{one}",
            f"owned={spec['owner'] is not None}",
        ]
        line = f"    Shape({', '.join(args)}),"
        if len(line) > LINE_LENGTH:
            line = "    Shape(\n" + "".join(f"        {arg},\n" for arg in args) + "    ),"
        lines.append(line)
    return "SHAPES = [\n" + "".join(f"{line}\n" for line in lines) + "]"
