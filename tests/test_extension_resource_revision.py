"""The Alembic revisions of resources (extensions/resource_revision.py), on their own: what a
new service's revision and an update's hold, without rendering a service."""

import ast
import subprocess
import sys
from typing import Any

import pytest

from tests.harness import LIBRARY, NOTES, load_extension
from tests.harness import resource_specs as specs

revisions = load_extension("resource_revision")
_HEADER = {
    "revision": "0123456789ab",
    "down_revision": "ba9876543210",
    "create_date": "2026-01-01 00:00:00",
    "message": "Change the resources.",
}


def fields(**given: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Normalized fields of a resource `things` with `given` fields, by name."""
    (things,) = specs([{"name": "things", "fields": given}]).values()
    return {field["name"]: field for field in things["fields"]}


def new_service(resources: list[dict[str, Any]]) -> str:
    """A new service's one revision, as the template's 0001_schema.py asks for it."""
    text: str = load_extension("resources").schema_revision(list(specs(resources).values()), [])
    ast.parse(text)
    return text


def update(**changes: Any) -> str:
    text: str = revisions.revision(**_HEADER, **changes)
    ast.parse(text)
    return text


def halves(text: str) -> tuple[str, str]:
    """The bodies of a revision's upgrade and downgrade."""
    upgrade, downgrade = text.split("\ndef upgrade() -> None:\n")[1].split(
        "\ndef downgrade() -> None:\n"
    )
    return upgrade.rstrip("\n"), downgrade.rstrip("\n")


def test_a_new_service_creates_its_users_then_its_tables_in_order() -> None:
    text = new_service(LIBRARY)
    upgrade, downgrade = halves(text)

    assert text.startswith(
        '"""Create the service\'s tables: users, authors, books, loans.\n\nRevision ID: 0001\n'
        "Revises:\nCreate Date: when the service was made\n"
    )
    assert 'revision: str = "0001"\ndown_revision: str | Sequence[str] | None = None\n' in text
    assert '_SEARCHED = [\n    ("authors", "name"),\n    ("books", "title"),\n' in text
    created = [
        upgrade.index(f'op.create_table(\n        "{name}",')
        for name in ("users", "authors", "books", "loans")
    ]
    assert created == sorted(created)
    assert '        sa.Column("password_hash", sa.String(length=255), nullable=True),\n' in upgrade
    assert upgrade.rstrip().endswith("_create_trigram_indexes(_SEARCHED)")
    assert [line.strip() for line in downgrade.splitlines()] == [
        "_drop_trigram_indexes(_SEARCHED)",
        'op.drop_table("loans")',
        'op.drop_table("books")',
        'op.drop_table("authors")',
        'op.drop_table("users")',
    ]
    assert '"notes"' not in text
    assert "_refuse_rows" not in text
    assert "_UNSEARCHED" not in text


def test_a_new_service_without_resources_creates_its_users_alone() -> None:
    text = new_service([])
    upgrade, downgrade = halves(text)

    assert upgrade.count("op.create_table(") == 1
    # As ruff formats it: no blank line ends the function.
    assert ")\n\n\ndef downgrade() -> None:\n" in text
    assert downgrade.strip() == 'op.drop_table("users")'


@pytest.mark.parametrize(
    "resources",
    [
        [],
        NOTES,
        LIBRARY,
        [{"name": "tags", "fields": {"label": {"type": "string", "max_length": 40}}}],
    ],
    ids=["no-resources", "notes", "library", "unsearched"],
)
def test_a_new_services_revision_is_formatted_as_ruff_formats_it(
    resources: list[dict[str, Any]],
) -> None:
    text = new_service(resources)

    checked = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--line-length", "100", "-"],
        input=text,
        capture_output=True,
        text=True,
        check=False,
    )

    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_created_table_freezes_its_columns_constraints_and_indexes() -> None:
    (_, things) = specs(
        [
            {"name": "owners", "fields": {"name": {"type": "string", "max_length": 20}}},
            {
                "name": "things",
                "fields": {
                    "code": {"type": "string", "max_length": 12, "unique": True},
                    "size": {"type": "choice", "choices": ["small", "large"]},
                    "count": {"type": "integer", "min": 0, "optional": True},
                    "price": {"type": "decimal", "digits": 8, "places": 2},
                    "owner": {"type": "reference", "to": "owners", "on_delete": "cascade"},
                },
            },
        ]
    ).values()

    assert revisions.create_table(things) == (
        "    op.create_table(\n"
        '        "things",\n'
        '        sa.Column("id", sa.Integer(), nullable=False),\n'
        '        sa.Column("code", sa.String(length=12), nullable=False),\n'
        '        sa.Column("size", sa.String(length=5), nullable=False),\n'
        '        sa.Column("count", sa.Integer(), nullable=True),\n'
        '        sa.Column("price", sa.Numeric(precision=8, scale=2), nullable=False),\n'
        '        sa.Column("owner_id", sa.Integer(), nullable=False),\n'
        "        *_timestamps(),\n"
        "        sa.CheckConstraint(\n"
        '            sa.column("size").in_(["small", "large"]),\n'
        '            name=op.f("ck_things_size_choices"),\n'
        "        ),\n"
        "        sa.CheckConstraint(\n"
        '            sa.column("count").between(0, 2147483647),\n'
        '            name=op.f("ck_things_count_range"),\n'
        "        ),\n"
        "        sa.ForeignKeyConstraint(\n"
        '            ["owner_id"],\n'
        '            ["owners.id"],\n'
        '            name=op.f("fk_things_owner_id_owners"),\n'
        '            ondelete="CASCADE",\n'
        "        ),\n"
        '        sa.PrimaryKeyConstraint("id", name=op.f("pk_things")),\n'
        '        sa.UniqueConstraint("code", name=op.f("uq_things_code")),\n'
        "    )\n"
        '    op.create_index(op.f("ix_things_owner_id"), "things", ["owner_id"])\n'
    )


def test_a_call_too_long_for_one_line_takes_one_argument_a_line() -> None:
    short = revisions.call("f", ["a", "b"], 4, ",")
    long = revisions.call("f", ["a" * 50, "b" * 50], 4)

    assert short == "    f(a, b),"
    assert long == f"    f(\n        {'a' * 50},\n        {'b' * 50},\n    )"


def test_a_narrowed_string_is_checked_then_retyped() -> None:
    old = fields(title={"type": "string", "max_length": 100})["title"]
    new = fields(title={"type": "string", "max_length": 10})["title"]

    change = revisions.field_change("notes", old, new, checked_in="notes")

    assert change["checks"] == ["length"]
    assert (change["retype"], change["rename"], change["drop"], change["create"]) == (
        True,
        False,
        [],
        [],
    )
    assert revisions.rule_check(change, "length") == (
        "    _refuse_rows(\n"
        '        "notes",\n'
        '        sa.func.length(sa.column("title")) > 10,\n'
        '        "hold a title longer than 10 characters",\n'
        "    )"
    )


def test_a_field_made_required_takes_its_default_or_is_checked_for_empty_rows() -> None:
    old = fields(rating={"type": "integer", "optional": True})["rating"]
    with_default = fields(rating={"type": "integer", "default": 3})["rating"]
    without = fields(rating={"type": "integer"})["rating"]

    filled = revisions.field_change("notes", old, with_default, checked_in="notes")
    checked = revisions.field_change("notes", old, without, checked_in="notes")

    assert (filled["fill"], filled["checks"], filled["renull"]) == (True, [], True)
    assert (checked["fill"], checked["checks"], checked["renull"]) == (False, ["null"], True)
    assert revisions.change_field(filled)[:2] == [
        "    # The rows without rating take the default, as a new row would.",
        '    _fill_missing("notes", "rating", sa.text("3"))',
    ]


def test_a_renamed_constrained_field_makes_its_constraint_anew_in_a_batch_of_its_own() -> None:
    old = fields(status={"type": "choice", "choices": ["open", "shut"]})["status"]
    new = fields(state={"type": "choice", "choices": ["open", "shut"]})["state"]

    change = revisions.field_change("notes", old, new, checked_in="notes")

    assert (change["drop"], change["create"], change["create_apart"]) == (
        ["check"],
        ["check"],
        True,
    )
    assert "\n".join(revisions.change_field(change)).splitlines() == [
        '    with op.batch_alter_table("notes") as batch:',
        '        batch.drop_constraint(op.f("ck_notes_status_choices"), type_="check")',
        "        batch.alter_column(",
        '            "status",',
        '            new_column_name="state",',
        "            existing_type=sa.String(length=4),",
        "            existing_nullable=False,",
        "        )",
        "    # A batch of its own: on SQLite, the one renaming a column drops constraints on the "
        "new name.",
        '    with op.batch_alter_table("notes") as batch:',
        "        batch.create_check_constraint(",
        '            op.f("ck_notes_state_choices"),',
        '            sa.column("state").in_(["open", "shut"]),',
        "        )",
    ]


def test_a_field_as_it_was_needs_nothing() -> None:
    field = fields(title={"type": "string", "max_length": 100})["title"]

    assert not revisions.does_something(
        revisions.field_change("notes", field, field, checked_in="notes")
    )


def test_an_update_checks_every_new_rule_before_it_changes_anything() -> None:
    before = fields(
        title={"type": "string", "max_length": 100},
        code={"type": "string", "max_length": 20, "optional": True},
    )
    after = fields(
        title={"type": "string", "max_length": 10},
        code={"type": "string", "max_length": 20, "optional": True, "unique": True},
    )
    changed = [
        {
            "forward": revisions.field_change("things", was, now, checked_in="things"),
            "backward": revisions.field_change("things", now, was, checked_in="things"),
        }
        for was, now in ((before[name], after[name]) for name in ("title", "code"))
    ]

    text = update(changed=changed)
    upgrade, downgrade = halves(text)

    assert "def _refuse_rows(" in text
    assert "def _duplicated(" in text
    assert "def _fill_missing(" not in text
    assert "def _timestamps(" not in text
    assert upgrade.splitlines()[:6] == [
        "    _refuse_rows(",
        '        "things",',
        '        sa.func.length(sa.column("title")) > 10,',
        '        "hold a title longer than 10 characters",',
        "    )",
        '    _refuse_rows("things", _duplicated("things", "code"), '
        '"share their code with another row")',
    ]
    assert upgrade.index("_refuse_rows") < upgrade.index("op.batch_alter_table")
    # Undone in the reverse order: the unique constraint goes, the column widens back.
    assert downgrade.index('op.f("uq_things_code"), type_="unique"') < downgrade.index(
        "type_=sa.String(length=100)"
    )


def test_a_renamed_table_names_its_constraints_and_indexes_anew_and_back() -> None:
    notes = specs(NOTES)["notes"]

    upgrade, downgrade = halves(
        update(renamed=[{"old": "notes", "new": "books", "fields": notes["fields"]}])
    )

    assert upgrade.splitlines() == [
        '    op.rename_table("notes", "books")',
        '    if op.get_bind().dialect.name == "postgresql":',
        '        op.execute(\'ALTER TABLE "books" RENAME CONSTRAINT "pk_notes" TO "pk_books"\')',
        '    op.drop_index(op.f("ix_notes_author_id"), table_name="books")',
        '    with op.batch_alter_table("books") as batch:',
        '        batch.drop_constraint(op.f("fk_notes_author_id_users"), type_="foreignkey")',
        "        batch.create_foreign_key(",
        '            op.f("fk_books_author_id_users"),',
        '            "users",',
        '            ["author_id"],',
        '            ["id"],',
        '            ondelete="CASCADE",',
        "        )",
        '    op.create_index(op.f("ix_books_author_id"), "books", ["author_id"])',
    ]
    assert downgrade.splitlines()[0] == '    op.rename_table("books", "notes")'
    assert '    op.create_index(op.f("ix_notes_author_id"), "notes", ["author_id"])' in downgrade


def test_added_fields_take_their_defaults_where_rows_are_then_keep_none() -> None:
    tags = specs([{"name": "tags", "fields": {"label": {"type": "string", "max_length": 40}}}])
    added = fields(
        pinned={"type": "boolean", "default": False},
        due_on={"type": "date", "optional": True},
    )

    upgrade, downgrade = halves(
        update(extended=[{"resource": tags["tags"], "fields": list(added.values())}])
    )

    assert upgrade.splitlines() == [
        '    with op.batch_alter_table("tags") as batch:',
        "        batch.add_column(",
        '            sa.Column("pinned", sa.Boolean(), nullable=False, server_default=sa.false())',
        "        )",
        '        batch.add_column(sa.Column("due_on", sa.Date(), nullable=True))',
        "    # The rows already there took the defaults. New rows get theirs from the service: "
        "like a",
        "    # new service's table, this one keeps no server default.",
        '    with op.batch_alter_table("tags") as batch:',
        '        batch.alter_column("pinned", server_default=None)',
    ]
    assert downgrade.splitlines() == [
        '    with op.batch_alter_table("tags") as batch:',
        '        batch.drop_column("due_on")',
        '        batch.drop_column("pinned")',
    ]


def test_searches_changed_alone_need_only_the_trigram_helpers() -> None:
    text = update(searched=[["tags", "label"]], unsearched=[["tags", "name"]])
    upgrade, downgrade = halves(text)

    assert '_UNSEARCHED = [\n    ("tags", "name"),\n]\n' in text
    assert "def _create_trigram_indexes(" in text
    assert "def _timestamps(" not in text
    assert upgrade.split() == [
        "_drop_trigram_indexes(_UNSEARCHED)",
        "_create_trigram_indexes(_SEARCHED)",
    ]
    assert downgrade.split() == [
        "_drop_trigram_indexes(_SEARCHED)",
        "_create_trigram_indexes(_UNSEARCHED)",
    ]


def test_a_field_that_comes_to_filter_gains_its_index_on_it_and_the_id_and_back() -> None:
    old = fields(price={"type": "integer"})["price"]
    new = fields(price={"type": "integer", "filter": True})["price"]

    forward = revisions.field_change("books", old, new, checked_in="books")
    backward = revisions.field_change("books", new, old, checked_in="books")

    assert (forward["create"], forward["drop"]) == (["index"], [])
    assert (backward["create"], backward["drop"]) == ([], ["index"])
    upgrade, downgrade = halves(update(changed=[{"forward": forward, "backward": backward}]))
    assert upgrade == '    op.create_index(op.f("ix_books_price"), "books", ["price", "id"])'
    assert downgrade == '    op.drop_index(op.f("ix_books_price"), table_name="books")'


def test_a_new_table_indexes_what_filters_and_sorts_but_not_a_unique_field_again() -> None:
    text = new_service(
        [
            {
                "name": "books",
                "fields": {
                    "price": {"type": "integer", "sort": True},
                    "isbn": {"type": "string", "max_length": 13, "unique": True, "filter": True},
                },
            }
        ]
    )

    assert 'op.create_index(op.f("ix_books_price"), "books", ["price", "id"])' in text
    assert "ix_books_isbn" not in text


def test_with_jobs_a_new_service_creates_the_outbox_last_and_drops_it_first() -> None:
    text: str = load_extension("resources").schema_revision(
        list(specs(NOTES).values()), ["auth", "jobs"]
    )
    upgrade, downgrade = halves(text)

    assert "tables: users, notes, outbox_jobs." in text
    assert upgrade.index('"notes"') < upgrade.index('"outbox_jobs"')
    assert 'op.create_index(op.f("ix_outbox_jobs_offer_after"), "outbox_jobs"' in upgrade
    # Before the resources' tables, after their search indexes.
    dropped = [line for line in downgrade.splitlines() if "op.drop_table" in line]
    assert dropped[0] == '    op.drop_table("outbox_jobs")'
    assert "outbox_jobs" not in new_service(NOTES)


def test_jobs_turned_on_or_off_creates_or_drops_the_outbox_and_back() -> None:
    created_up, created_down = halves(update(outbox="create"))
    dropped_up, dropped_down = halves(update(outbox="drop"))

    assert created_up == dropped_down
    assert created_down == dropped_up == '    op.drop_table("outbox_jobs")'
    assert 'op.create_table(\n        "outbox_jobs",' in created_up


def test_with_webhooks_a_new_service_creates_their_tables_after_the_users_and_outbox() -> None:
    text: str = load_extension("resources").schema_revision(
        list(specs(NOTES).values()), ["jobs", "webhooks"]
    )
    upgrade, downgrade = halves(text)

    assert "tables: users, notes, outbox_jobs, webhooks, webhook_deliveries." in text
    assert upgrade.index('"outbox_jobs"') < upgrade.index('"webhooks"')
    assert upgrade.index('"webhooks",') < upgrade.index('"webhook_deliveries",')
    dropped = [line for line in downgrade.splitlines() if "op.drop_table" in line]
    assert dropped[:3] == [
        '    op.drop_table("webhook_deliveries")',
        '    op.drop_table("webhooks")',
        '    op.drop_table("outbox_jobs")',
    ]


def test_webhooks_turned_on_or_off_creates_or_drops_their_tables_and_back() -> None:
    created_up, created_down = halves(update(webhooks="create"))
    dropped_up, dropped_down = halves(update(webhooks="drop"))

    assert created_up == dropped_down
    assert created_down == dropped_up
    assert dropped_up.splitlines() == [
        '    op.drop_table("webhook_deliveries")',
        '    op.drop_table("webhooks")',
    ]
