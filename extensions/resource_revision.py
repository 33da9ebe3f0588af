"""The Alembic revision a change of resources needs, as text: what autogenerate would write,
with Alembic's operations and frozen values. A revision never imports the service's code,
which later changes while the revision must not.

- `revision(...)`: a revision's text. A new service's only one (through the template's
  `schema_revision` filter) creates the users' table and its resources'; an update's
  (upgrades/every_update_resources.py) makes the tables follow what changed in the answer,
  each field change as `field_change()` says.

Every check that rows could fail runs before anything changes. The text is formatted as ruff
formats it (an update formats it again, as Alembic does its own).

Pure logic with the standard library only: the template's extension (`resources.py`) loads
this file by its path, as do the tests and the update step that writes revisions.
"""

import json
from collections.abc import Sequence
from typing import Any, NamedTuple

# The constraints and indexes a column can have, in the order they are made.
_KINDS = ("check", "unique", "foreignkey", "index")
_LINE_LENGTH = 100

# The parts of a revision that hold no value of the resources.
_TIMESTAMPS = """

def _timestamps() -> list[sa.Column[object]]:
    return [
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
    ]
"""
_TRIGRAM_INDEXES = """

def _create_trigram_indexes(searched: list[tuple[str, str]]) -> None:
    if op.get_bind().dialect.name == "postgresql":
        # A trusted extension: the database's owner may create it, no superuser needed.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        for table, column in searched:
            op.create_index(
                op.f(f"ix_{table}_{column}_trgm"),
                table,
                [column],
                postgresql_using="gin",
                postgresql_ops={column: "gin_trgm_ops"},
            )


def _drop_trigram_indexes(searched: list[tuple[str, str]]) -> None:
    # pg_trgm stays: other tables of the database, or other services', may use it.
    if op.get_bind().dialect.name == "postgresql":
        for table, column in searched:
            op.drop_index(op.f(f"ix_{table}_{column}_trgm"), table_name=table)
"""
_REFUSE_ROWS = '''

def _refuse_rows(table: str, where: sa.ColumnElement[bool], rule: str) -> None:
    """Stop, before this revision changes anything, if rows of `table` break a new rule."""
    row_id = sa.column("id", sa.Integer)
    found = sa.select(row_id).select_from(sa.table(table)).where(where)
    ids = op.get_bind().execute(found.order_by(row_id).limit(10)).scalars().all()
    if ids:
        listed = ", ".join(map(str, ids)) + (", ..." if len(ids) == 10 else "")
        raise SystemExit(
            f"alembic: revision {revision} stopped before changing anything: rows of {table} "
            f"{rule} (id {listed}); change or delete them, then upgrade again"
        )
'''
_DUPLICATED = '''

def _duplicated(table: str, column: str) -> sa.ColumnElement[bool]:
    """Whether a row's value of `column` is another row's too."""
    value: sa.ColumnClause[object] = sa.column(column)
    shared = sa.select(value).select_from(sa.table(table)).group_by(value)
    return value.in_(shared.having(sa.func.count() > 1))
'''
_FILL_MISSING = '''

def _fill_missing(table: str, column: str, value: object) -> None:
    """Give the rows without a value in `column` the default a new row gets."""
    missing: sa.ColumnClause[object] = sa.column(column)
    op.execute(sa.table(table, missing).update().where(missing.is_(None)).values({column: value}))
'''
# A new service's users, as the template's first revisions (0001, 0002) made them for earlier
# services.
_USERS = """\
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        # Nullable: a user made before `auth` was turned on has no password until they set one.
        sa.Column("password_hash", sa.String(length=255), nullable=True),
        *_timestamps(),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("email", name=op.f("uq_users_email")),
    )
"""

# The `created_at` column of the features' tables, as `_timestamps()` has it (they have no
# `updated_at`).
_CREATED_AT = """\
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=False,
        ),
"""

# The outbox of the `jobs` feature: the jobs units of work enqueued, kept with their data.
_OUTBOX = f"""\
    op.create_table(
        "outbox_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job", sa.String(length=100), nullable=False),
        sa.Column("arguments", sa.JSON(), nullable=False),
{_CREATED_AT}        sa.Column(
            "offer_after",
            sa.DateTime(timezone=True),
            server_default=sa.func.now(),
            nullable=True,
        ),
        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_jobs")),
    )
    op.create_index(op.f("ix_outbox_jobs_offer_after"), "outbox_jobs", ["offer_after"])
    op.create_index(op.f("ix_outbox_jobs_finished_at"), "outbox_jobs", ["finished_at"])
"""
_DROP_OUTBOX = '    op.drop_table("outbox_jobs")\n'

# The subscriptions and deliveries of the `webhooks` feature.
_WEBHOOKS = f"""\
    op.create_table(
        "webhooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("events", sa.JSON(), nullable=False),
        sa.Column("secret", sa.String(length=50), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
{_CREATED_AT}        sa.ForeignKeyConstraint(
            ["owner_id"],
            ["users.id"],
            name=op.f("fk_webhooks_owner_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhooks")),
    )
    op.create_index(op.f("ix_webhooks_owner_id"), "webhooks", ["owner_id"])
    op.create_table(
        "webhook_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=100), nullable=False),
        sa.Column("body", sa.JSON(), nullable=False),
{_CREATED_AT}        sa.Column("attempts", sa.Integer(), server_default="0", nullable=False),
        sa.Column("response_status", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("failed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["webhook_id"],
            ["webhooks.id"],
            name=op.f("fk_webhook_deliveries_webhook_id_webhooks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_deliveries")),
    )
    op.create_index(op.f("ix_webhook_deliveries_event_id"), "webhook_deliveries", ["event_id"])
    op.create_index(
        op.f("ix_webhook_deliveries_webhook_id_id"),
        "webhook_deliveries",
        ["webhook_id", "id"],
    )
"""
_DROP_WEBHOOKS = '    op.drop_table("webhook_deliveries")\n    op.drop_table("webhooks")\n'


def call(head: str, args: Sequence[str], indent: int = 0, tail: str = "") -> str:
    """`head(args)` then `tail` at `indent` spaces: on one line if it fits, else one argument a
    line, with the trailing comma that keeps ruff from joining them again. No newline after."""
    pad = " " * indent
    one = f"{pad}{head}({', '.join(args)}){tail}"
    if len(one) <= _LINE_LENGTH:
        return one
    lines = "".join(f"{pad}    {arg},\n" for arg in args)
    return f"{pad}{head}(\n{lines}{pad}){tail}"


def _quoted(name: str) -> str:
    return f'"{name}"'


def sa_type(field: dict[str, Any]) -> str:
    """A field's column type, as Alembic writes it: frozen, without the service's own types."""
    kind = field["type"]
    if kind == "string":
        return f"sa.String(length={field['max_length']})"
    if kind == "choice":
        return f"sa.String(length={max(len(choice) for choice in field['choices'])})"
    if kind == "decimal":
        return f"sa.Numeric(precision={field['digits']}, scale={field['places']})"
    if kind == "datetime":
        return "sa.DateTime(timezone=True)"
    named = {
        "text": "Text",
        "integer": "Integer",
        "boolean": "Boolean",
        "date": "Date",
        "reference": "Integer",
    }
    return f"sa.{named[kind]}()"


def check_condition(field: dict[str, Any], column: str | None = None) -> str:
    """The condition of a field's check constraint, with its values written out, on `column`
    (the field's name unless given)."""
    quoted = _quoted(column or field["name"])
    if field["type"] == "choice":
        choices = ", ".join(json.dumps(choice) for choice in field["choices"])
        return f"sa.column({quoted}).in_([{choices}])"
    if field["min"] is not None and field["max"] is not None:
        return f"sa.column({quoted}).between({field['min']}, {field['max']})"
    if field["min"] is not None:
        return f"sa.column({quoted}) >= {field['min']}"
    return f"sa.column({quoted}) <= {field['max']}"


def _checked(field: dict[str, Any]) -> bool:
    return field["type"] == "choice" or bool(field.get("bounded", False))


def kinds(field: dict[str, Any]) -> list[str]:
    """The kinds of constraint and index a field's column has, in the order they are made."""
    reference = field["type"] == "reference"
    wanted = {
        "check": _checked(field),
        "unique": bool(field["unique"]),
        "foreignkey": reference,
        "index": (reference or _listed(field)) and not field["unique"],
    }
    return [kind for kind in _KINDS if wanted[kind]]


def _listed(field: dict[str, Any]) -> bool:
    """Whether a field filters or sorts its resource's lists."""
    return bool(field.get("filter") or field.get("sort"))


def index_columns(field: dict[str, Any]) -> list[str]:
    """The columns of a field's index: a reference's alone, to find the rows that refer to
    one; another field's, then the id, the order in which its lists page."""
    return [field["column"]] if field["type"] == "reference" else [field["column"], "id"]


def _constraints(field: dict[str, Any]) -> list[str]:
    """The kinds of constraint (not index) a field's column has."""
    return [kind for kind in kinds(field) if kind != "index"]


def _indexed(field: dict[str, Any]) -> bool:
    return "index" in kinds(field)


def object_name(table: str, field: dict[str, Any], kind: str) -> str:
    """The name of a field's constraint or index of `kind` on `table`, inside op.f()."""
    if kind == "check":
        suffix = "choices" if field["type"] == "choice" else "range"
        return f'op.f("ck_{table}_{field["name"]}_{suffix}")'
    if kind == "unique":
        return f'op.f("uq_{table}_{field["column"]}")'
    if kind == "foreignkey":
        return f'op.f("fk_{table}_{field["column"]}_{field["to"]}")'
    return f'op.f("ix_{table}_{field["column"]}")'


def server_default(field: dict[str, Any]) -> str:
    """A literal the database fills existing rows with: a new required field's default."""
    if field["type"] == "boolean":
        return f"sa.{'true' if field['default'] else 'false'}()"
    if field["type"] in ("integer", "decimal"):
        return f"sa.text({json.dumps(str(field['default']))})"
    return json.dumps(field["default"])


def _nullable(field: dict[str, Any]) -> str:
    return f"nullable={bool(field['optional'])}"


def create_table(resource: dict[str, Any]) -> str:
    """The operations that create a resource's table, its constraints and its indexes."""
    name = resource["name"]
    lines = [
        "    op.create_table(",
        f"        {_quoted(name)},",
        '        sa.Column("id", sa.Integer(), nullable=False),',
    ]
    lines += [
        call("sa.Column", [_quoted(field["column"]), sa_type(field), _nullable(field)], 8, ",")
        for field in resource["fields"]
    ]
    lines.append("        *_timestamps(),")
    for field in resource["fields"]:
        if _checked(field):
            lines += [
                "        sa.CheckConstraint(",
                f"            {check_condition(field)},",
                f"            name={object_name(name, field, 'check')},",
                "        ),",
            ]
    for field in resource["references"]:
        lines += [
            "        sa.ForeignKeyConstraint(",
            f'            ["{field["column"]}"],',
            f'            ["{field["to"]}.id"],',
            f"            name={object_name(name, field, 'foreignkey')},",
            f'            ondelete="{field["on_delete"].upper()}",',
            "        ),",
        ]
    lines.append(f'        sa.PrimaryKeyConstraint("id", name=op.f("pk_{name}")),')
    lines += [
        call(
            "sa.UniqueConstraint",
            [_quoted(field["column"]), f"name={object_name(name, field, 'unique')}"],
            8,
            ",",
        )
        for field in resource["fields"]
        if field["unique"]
    ]
    lines.append("    )")
    lines += [create_index(name, field) for field in resource["fields"] if _indexed(field)]
    return "".join(f"{line}\n" for line in lines)


def create_constraint(table: str, field: dict[str, Any], kind: str) -> str:
    """In a batch: create the constraint of `kind` on a field's column (lines, each ending in
    a newline)."""
    name = object_name(table, field, kind)
    if kind == "check":
        return (
            "        batch.create_check_constraint(\n"
            f"            {name},\n"
            f"            {check_condition(field)},\n"
            "        )\n"
        )
    if kind == "foreignkey":
        return (
            "        batch.create_foreign_key(\n"
            f"            {name},\n"
            f'            "{field["to"]}",\n'
            f'            ["{field["column"]}"],\n'
            '            ["id"],\n'
            f'            ondelete="{field["on_delete"].upper()}",\n'
            "        )\n"
        )
    if kind == "unique":
        return call("batch.create_unique_constraint", [name, f'["{field["column"]}"]'], 8) + "\n"
    return ""


def drop_constraint(table: str, field: dict[str, Any], kind: str) -> str:
    """In a batch: drop the constraint of `kind` on a field's column."""
    return call("batch.drop_constraint", [object_name(table, field, kind), f'type_="{kind}"'], 8)


def create_index(table: str, field: dict[str, Any]) -> str:
    """The index of a field's column (`index_columns`), created."""
    columns = ", ".join(_quoted(column) for column in index_columns(field))
    args = [object_name(table, field, "index"), _quoted(table), f"[{columns}]"]
    return call("op.create_index", args, 4)


def drop_index(table: str, field: dict[str, Any], named_after: str | None = None) -> str:
    """The index of a field's column dropped: named after `table`, or the table it had."""
    args = [object_name(named_after or table, field, "index"), f'table_name="{table}"']
    return call("op.drop_index", args, 4)


def rename_table(old: str, new: str, fields: list[dict[str, Any]]) -> list[str]:
    """A table renamed from `old` to `new`, with its constraints and indexes named anew."""
    lines = [
        f'    op.rename_table("{old}", "{new}")',
        '    if op.get_bind().dialect.name == "postgresql":',
        f'        op.execute(\'ALTER TABLE "{new}" RENAME CONSTRAINT "pk_{old}" TO "pk_{new}"\')',
    ]
    lines += [drop_index(new, field, named_after=old) for field in fields if _indexed(field)]
    if any(_constraints(field) for field in fields):
        lines.append(f'    with op.batch_alter_table("{new}") as batch:')
        lines += [
            drop_constraint(old, field, kind) for field in fields for kind in _constraints(field)
        ]
        created = "".join(
            create_constraint(new, field, kind) for field in fields for kind in _constraints(field)
        )
        lines += created.splitlines()
    lines += [create_index(new, field) for field in fields if _indexed(field)]
    return lines


def add_fields(resource: dict[str, Any], fields: list[dict[str, Any]]) -> list[str]:
    """The operations that add `fields` to the existing table of `resource`."""
    name = resource["name"]
    lines = [f'    with op.batch_alter_table("{name}") as batch:']
    for field in fields:
        args = [_quoted(field["column"]), sa_type(field), _nullable(field)]
        if not field["optional"]:
            args.append(f"server_default={server_default(field)}")
        one = f"        batch.add_column({call('sa.Column', args)})"
        if len(one) <= _LINE_LENGTH:
            lines.append(one)
        else:
            lines += ["        batch.add_column(", call("sa.Column", args, 12), "        )"]
    if any(not field["optional"] or _constraints(field) for field in fields):
        lines += [
            "    # The rows already there took the defaults. New rows get theirs from the "
            "service: like a",
            "    # new service's table, this one keeps no server default.",
            f'    with op.batch_alter_table("{name}") as batch:',
        ]
        lines += [
            f'        batch.alter_column("{field["column"]}", server_default=None)'
            for field in fields
            if not field["optional"]
        ]
        created = "".join(
            create_constraint(name, field, kind)
            for kind in ("check", "foreignkey", "unique")
            for field in fields
            if kind in kinds(field)
        )
        lines += created.splitlines()
    lines += [create_index(name, field) for field in fields if _indexed(field)]
    return lines


def drop_fields(table: str, fields: list[dict[str, Any]]) -> list[str]:
    """The operations that drop the columns of `fields` from the table `table`."""
    lines = [drop_index(table, field) for field in fields if _indexed(field)]
    lines.append(f'    with op.batch_alter_table("{table}") as batch:')
    for field in reversed(fields):
        lines += [drop_constraint(table, field, kind) for kind in reversed(_constraints(field))]
        lines.append(f'        batch.drop_column("{field["column"]}")')
    return lines


def _bound(value: object, missing: str) -> str:
    return missing if value is None else str(value)


def rule_check(change: dict[str, Any], check: str) -> str:
    """The check that refuses rows breaking a changed field's new rule: which rows do, and the
    rule in words."""
    new, column = change["new"], change["old"]["column"]
    if check == "length":
        where = f'sa.func.length(sa.column("{column}")) > {new["max_length"]}'
        rule = f"hold a {column} longer than {new['max_length']} characters"
    elif check == "check" and new["type"] == "choice":
        where = f"sa.not_({check_condition(new, column)})"
        rule = f"hold a {column} that is not one of {', '.join(new['choices'])}"
    elif check == "check":
        where = f"sa.not_({check_condition(new, column)})"
        low, high = _bound(new["min"], "-inf"), _bound(new["max"], "inf")
        rule = f"hold a {column} outside {low} to {high}"
    elif check == "unique":
        where = f'_duplicated("{change["checked_in"]}", "{column}")'
        rule = f"share their {column} with another row"
    else:
        where = f'sa.column("{column}").is_(None)'
        rule = f"have no {column}"
    return call("_refuse_rows", [_quoted(change["checked_in"]), where, json.dumps(rule)], 4)


def change_field(change: dict[str, Any]) -> list[str]:
    """The operations of a field's change (see `field_change`)."""
    table, old, new = change["table"], change["old"], change["new"]
    lines = []
    if change["fill"]:
        lines.append(
            f"    # The rows without {old['column']} take the default, as a new row would."
        )
        args = [_quoted(table), _quoted(old["column"]), server_default(new)]
        lines.append(call("_fill_missing", args, 4))
    if "index" in change["drop"]:
        lines.append(drop_index(table, old))
    dropped = [drop_constraint(table, old, kind) for kind in change["drop"] if kind != "index"]
    altered = []
    if change["rename"] or change["retype"] or change["renull"]:
        args = [_quoted(old["column"])]
        if change["rename"]:
            args.append(f'new_column_name="{new["column"]}"')
        args.append(f"existing_type={sa_type(old)}")
        if change["retype"]:
            args.append(f"type_={sa_type(new)}")
        args.append(f"existing_nullable={old['optional']}")
        if change["renull"]:
            args.append(f"nullable={new['optional']}")
        altered.append(call("batch.alter_column", args, 8))
    created = "".join(
        create_constraint(table, new, kind) for kind in change["create"] if kind != "index"
    ).splitlines()
    # A change to the index alone needs no batch.
    if dropped or altered or created:
        lines.append(f'    with op.batch_alter_table("{table}") as batch:')
        lines += dropped + altered
        if change["create_apart"]:
            lines += [
                "    # A batch of its own: on SQLite, the one renaming a column drops constraints "
                "on the new name.",
                f'    with op.batch_alter_table("{table}") as batch:',
            ]
        lines += created
    if "index" in change["create"]:
        lines.append(create_index(table, new))
    return lines


def _column_type(field: dict[str, Any]) -> tuple[object, ...]:
    """What a field's column type is made of."""
    if field["type"] == "string":
        return ("string", field["max_length"])
    if field["type"] == "choice":
        return ("string", max(len(choice) for choice in field["choices"]))
    if field["type"] == "decimal":
        return ("decimal", field["digits"], field["places"])
    return (field["type"],)


def _objects(field: dict[str, Any]) -> dict[str, object]:
    """A field's constraints and indexes by kind, each with what defines it."""
    objects: dict[str, object] = {}
    if field["type"] == "choice":
        objects["check"] = field["choices"]
    elif field.get("bounded"):
        objects["check"] = (field["min"], field["max"])
    if field["unique"]:
        objects["unique"] = True
    if field["type"] == "reference":
        objects["foreignkey"] = (field["to"], field["on_delete"])
    if "index" in kinds(field):
        objects["index"] = index_columns(field)
    return objects


def field_change(
    table: str, old: dict[str, Any], new: dict[str, Any], *, checked_in: str
) -> dict[str, Any]:
    """What turns the column of field `old` into that of `new` (normalized fields) on `table`;
    its checks run first, when the table is still called `checked_in`. The kinds of constraint
    or index to `drop` before and `create` after (in a batch of their own if `create_apart`),
    whether the column is renamed, retyped or made (not) nullable, the `checks` rows must pass
    first, and whether rows without a value `fill` them with the new default."""
    rename = old["column"] != new["column"]
    was, now = _objects(old), _objects(new)
    retype = _column_type(old) != _column_type(new)
    checks = []
    if retype and new["type"] == "string" and new["max_length"] < old["max_length"]:
        checks.append("length")
    checks += [kind for kind in ("check", "unique") if kind in now and was.get(kind) != now[kind]]
    required_now = old["optional"] and not new["optional"]
    if required_now and not new["has_default"]:
        checks.append("null")
    create = [kind for kind in _KINDS if kind in now and (rename or was.get(kind) != now[kind])]
    return {
        "table": table,
        "checked_in": checked_in,
        "old": old,
        "new": new,
        "drop": [kind for kind in _KINDS if kind in was and (rename or now.get(kind) != was[kind])],
        "create": create,
        # On SQLite a batch rebuilds the table keeping only the constraints on the columns it
        # started with: one on the column's new name, made in the batch that renames it, would
        # be left out without a word. They are made in a batch of their own, after the rename.
        "create_apart": rename and any(kind != "index" for kind in create),
        "rename": rename,
        "retype": retype,
        "renull": old["optional"] != new["optional"],
        "checks": checks,
        "fill": required_now and new["has_default"],
    }


def does_something(change: dict[str, Any]) -> bool:
    """Whether a field change (`field_change`) needs any operation."""
    return any(change[key] for key in ("drop", "create", "rename", "retype", "renull", "checks"))


class _Changes(NamedTuple):
    """What a revision changes (see `revision`), `searched` with the created tables' searches."""

    created: list[dict[str, Any]]
    dropped: list[dict[str, Any]]
    renamed: list[dict[str, Any]]
    extended: list[dict[str, Any]]
    reduced: list[dict[str, Any]]
    changed: list[dict[str, Any]]
    searched: list[list[str]]
    unsearched: list[list[str]]
    users: bool
    outbox: str | None
    webhooks: str | None


def _pairs(name: str, pairs: list[list[str]], comment: str) -> str:
    listed = "".join(f'    ("{table}", "{column}"),\n' for table, column in pairs)
    return f"# {comment}\n{name} = [\n{listed}]\n" if pairs else ""


def _block(lines: list[str]) -> str:
    return "".join(f"{line}\n" for line in lines)


def revision(
    *,
    revision: str,
    down_revision: str | None,
    create_date: str,
    message: str,
    created: Sequence[dict[str, Any]] = (),
    dropped: Sequence[dict[str, Any]] = (),
    renamed: Sequence[dict[str, Any]] = (),
    extended: Sequence[dict[str, Any]] = (),
    reduced: Sequence[dict[str, Any]] = (),
    changed: Sequence[dict[str, Any]] = (),
    searched: Sequence[list[str]] = (),
    unsearched: Sequence[list[str]] = (),
    users: bool = False,
    outbox: str | None = None,
    webhooks: str | None = None,
) -> str:
    """The text of an Alembic revision `revision` on `down_revision` that changes the tables:
    - `created`: normalized resources whose tables it creates, in an order where each refers
      only to those before it; `users`: the users' table is created before them (a new
      service's first revision, `down_revision` None);
    - `dropped`: resources (as the previous answer had them) whose tables it drops;
    - `renamed`: [{"old", "new", "fields"}], tables it renames (`fields` as they were), first;
    - `extended` / `reduced`: [{"resource", "fields"}], fields whose columns it adds (each
      optional or with a default the rows there take) / drops;
    - `changed`: [{"forward", "backward"}], each a field change (`field_change`) and its
      undoing;
    - `searched` / `unsearched`: [[table, column]], trigram indexes it creates (beside those
      of the created resources' searches) / drops;
    - `outbox`: "create" or "drop", the outbox's table (`jobs` turned on, or off);
    - `webhooks`: "create" or "drop", the webhooks' tables (`webhooks` turned on, or off)."""
    searched = [[spec["name"], name] for spec in created for name in spec["search"]] + [
        list(pair) for pair in searched
    ]
    unsearched = [list(pair) for pair in unsearched]
    checks = [
        check
        for change in changed
        for way in ("forward", "backward")
        for check in change[way]["checks"]
    ]
    text = f'''"""{message}

Revision ID: {revision}
Revises:{f" {down_revision}" if down_revision else ""}
Create Date: {create_date}
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "{revision}"
down_revision: str | Sequence[str] | None = {f'"{down_revision}"' if down_revision else None}
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None
'''
    text += _pairs(
        "_SEARCHED",
        searched,
        "Trigram indexes on PostgreSQL, for searches that match anywhere in the text "
        "(ILIKE '%...%').",
    )
    text += _pairs(
        "_UNSEARCHED",
        unsearched,
        "Those of the searches gone: this revision drops them, and its downgrade brings them back.",
    )
    helpers = [
        (bool(created or dropped or users), _TIMESTAMPS),
        (bool(searched or unsearched), _TRIGRAM_INDEXES),
        (bool(checks), _REFUSE_ROWS),
        ("unique" in checks, _DUPLICATED),
        (
            any(change[way]["fill"] for change in changed for way in ("forward", "backward")),
            _FILL_MISSING,
        ),
    ]
    text += "".join(helper for wanted, helper in helpers if wanted)
    changes = _Changes(
        list(created),
        list(dropped),
        list(renamed),
        list(extended),
        list(reduced),
        list(changed),
        searched,
        unsearched,
        users,
        outbox,
        webhooks,
    )
    return text + _upgrade(changes) + _downgrade(changes)


def _upgrade(changes: "_Changes") -> str:
    lines = [
        rule_check(change["forward"], check)
        for change in changes.changed
        for check in change["forward"]["checks"]
    ]
    if changes.unsearched:
        lines.append("    _drop_trigram_indexes(_UNSEARCHED)")
    for table in changes.renamed:
        lines += rename_table(table["old"], table["new"], table["fields"])
    for change in changes.reduced:
        lines += drop_fields(change["resource"]["name"], change["fields"])
    for change in changes.changed:
        lines += change_field(change["forward"])
    lines += [f'    op.drop_table("{resource["name"]}")' for resource in reversed(changes.dropped)]
    text = _block(lines) + (_DROP_WEBHOOKS if changes.webhooks == "drop" else "")
    text += _DROP_OUTBOX if changes.outbox == "drop" else ""
    tables = [_USERS] if changes.users else []
    tables += [create_table(resource) for resource in changes.created]
    tables += [_OUTBOX] if changes.outbox == "create" else []
    tables += [_WEBHOOKS] if changes.webhooks == "create" else []
    lines = []
    for change in changes.extended:
        lines += add_fields(change["resource"], change["fields"])
    if changes.searched:
        lines.append("    _create_trigram_indexes(_SEARCHED)")
    # A blank line between the created tables, and after them if more follows.
    text += "\n".join([*tables, ""] if tables and lines else tables)
    return "\n\ndef upgrade() -> None:\n" + text + _block(lines)


def _downgrade(changes: "_Changes") -> str:
    lines = [
        rule_check(change["backward"], check)
        for change in changes.changed
        for check in change["backward"]["checks"]
    ]
    if changes.searched:
        lines.append("    _drop_trigram_indexes(_SEARCHED)")
    for change in reversed(changes.extended):
        lines += drop_fields(change["resource"]["name"], change["fields"])
    if changes.webhooks == "create":
        lines += ['    op.drop_table("webhook_deliveries")', '    op.drop_table("webhooks")']
    if changes.outbox == "create":
        lines.append('    op.drop_table("outbox_jobs")')
    lines += [f'    op.drop_table("{resource["name"]}")' for resource in reversed(changes.created)]
    if changes.users:
        lines.append('    op.drop_table("users")')
    text = _block(lines)
    text += "".join(create_table(resource) for resource in changes.dropped)
    text += _OUTBOX if changes.outbox == "drop" else ""
    text += _WEBHOOKS if changes.webhooks == "drop" else ""
    # A renamed table's own changes are undone under its new name, then it takes its old one,
    # which the changes to other tables' references need.
    renamed_names = [table["new"] for table in changes.renamed]
    lines = []
    for own in (True, False):
        for change in reversed(changes.changed):
            if (change["forward"]["table"] in renamed_names) == own:
                lines += change_field(change["backward"])
        for change in reversed(changes.reduced):
            if (change["resource"]["name"] in renamed_names) == own:
                lines.append(
                    "    # The values these columns held are gone: they come back with their "
                    "defaults, or empty."
                )
                lines += add_fields(change["resource"], change["fields"])
        if own:
            for table in reversed(changes.renamed):
                lines += rename_table(table["new"], table["old"], table["fields"])
    if changes.unsearched:
        lines.append("    _create_trigram_indexes(_UNSEARCHED)")
    return "\n\ndef downgrade() -> None:\n" + text + _block(lines)
