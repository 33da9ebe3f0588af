"""The validator of the `resources` answer: one line per problem, naming the resource and the
field; nothing at all when the answer is valid. Copier refuses the answer, before anything is
written, when `refusal` returns any text.

Pure logic on the parsed answer, with the standard library only: the template's extension
(`resources.py`) loads this file by its path, and the tests import it the same way.
"""

import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

_IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*\Z")
_DECIMAL_TEXT = re.compile(r"^-?[0-9]+(\.[0-9]+)?\Z")
_CHOICE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_ .-]{0,63}\Z")
# Types whose filter is a value to equal (the others filter by ranges).
_EQUALITY_FILTERS = ("string", "choice", "boolean", "reference")
RESOURCE_KEYS = ["name", "singular", "owner", "fields", "search", "order", "renamed_from"]
# The keys each type of field takes beside COMMON_KEYS.
FIELD_KEYS: dict[str, list[str]] = {
    "string": ["min_length", "max_length"],
    "text": ["min_length", "max_length"],
    "integer": ["min", "max"],
    "decimal": ["digits", "places", "min", "max"],
    "boolean": [],
    "date": [],
    "datetime": [],
    "choice": ["choices"],
    "reference": ["to", "on_delete", "embed"],
}
COMMON_KEYS = ["type", "optional", "default", "unique", "filter", "sort", "renamed_from"]
# What every list takes already: a field filtering by one of these names would shadow it.
LIST_PARAMETERS = ["limit", "offset", "cursor", "sort", "q"]
# Names the package's modules already have, in any layer or among the tests.
TAKEN_MODULES = [
    "access", "auth", "auth_settings", "base", "body_limit", "clock", "columns", "configuration",
    "conftest", "connection_queue", "database", "database_settings", "databases", "dependencies",
    "errors", "factories", "health", "integrity", "joined_transaction", "limits", "logs", "main",
    "migrations", "observability", "openapi", "pagination", "passwords", "search_indexes",
    "settings", "tcp_proxy", "timestamps", "transaction", "transactions", "users",
]  # fmt: skip
# Attributes every row or every Pydantic model has already.
TAKEN_FIELDS = [
    "id", "created_at", "updated_at", "metadata", "registry", "copy", "dict", "json", "schema",
    "construct", "validate", "fields", "q", "limit", "offset", "cursor",
]  # fmt: skip
MAX_NAME = 18
INT32 = (-2147483648, 2147483647)
# What a reference may name beside the resources listed: the built-in users.
_USERS = {"fields": {"name": {"type": "string"}, "email": {"type": "string"}}}


def to_json(value: Any) -> str:
    """A value as the messages quote it: JSON, as Copier's `to_json` filter writes it."""
    return json.dumps(value, default=_jsonable)


def _jsonable(value: Any) -> Any:
    try:
        from pydantic_core import to_jsonable_python  # Copier's own dependency
    except ImportError:  # pragma: no cover - outside Copier
        return str(value)
    return to_jsonable_python(value)


def _is_list(value: Any) -> bool:
    """A YAML sequence: what Jinja's `is sequence` holds, but for text and mappings."""
    return (
        hasattr(value, "__len__")
        and hasattr(value, "__getitem__")
        and not isinstance(value, str | Mapping)
    )


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_identifier(value: Any) -> bool:
    return isinstance(value, str) and _IDENTIFIER.search(value) is not None


def _contains(container: Any, item: Any) -> bool:
    """`item in container`, false where the question makes no sense (a list as a key)."""
    try:
        return item in container
    except TypeError:
        return False


def _has_duplicates(items: Iterable[Any]) -> bool:
    """Whether an item is listed twice, text compared regardless of case."""
    seen: list[Any] = []
    for item in items:
        key = item.lower() if isinstance(item, str) else item
        if key in seen:
            return True
        seen.append(key)
    return False


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


class _Refusal:
    """The problems of one answer, in the order the answer lists what has them."""

    def __init__(self, keywords: Iterable[str], builtins: Iterable[str]) -> None:
        self.keywords = list(keywords)
        self.builtins = list(builtins)
        self.problems: list[str] = []

    def problem(self, where: str, text: str) -> None:
        self.problems.append(f"{where}: {text}")

    def check_name(self, where: str, name: Any, what: str, *, allow_builtins: bool = False) -> None:
        """Note what is wrong with a name the generated code uses, if anything."""
        if not _is_identifier(name):
            self.problem(
                where,
                f"{what} must be a lowercase identifier (letters, digits, underscores, starting "
                f"with a letter); got {to_json(name)}",
            )
        elif len(name) > MAX_NAME:
            self.problem(
                where,
                f"{what} must be at most {MAX_NAME} characters, so that constraint names fit "
                "PostgreSQL's 63",
            )
        elif name in self.keywords:
            self.problem(where, f'{what} "{name}" is a Python keyword')
        elif name in self.builtins and not allow_builtins:
            self.problem(
                where, f'{what} "{name}" is a Python builtin, which the generated code would shadow'
            )

    def check(self, resources: Any) -> None:
        if not _is_list(resources):
            self.problem(
                "resources",
                "must be a list of resources, each a mapping with a name and its fields",
            )
            return
        # First, every name: references are checked against every resource.
        names = [
            resource["name"]
            for resource in resources
            if isinstance(resource, Mapping) and isinstance(resource.get("name"), str)
        ]
        by_name: dict[str, Any] = {"users": _USERS}
        for resource in resources:
            if isinstance(resource, Mapping) and isinstance(resource.get("name"), str):
                by_name.setdefault(resource["name"], resource)
        seen: list[Any] = ["users"]
        singulars: list[Any] = []
        for index, resource in enumerate(resources):
            if not isinstance(resource, Mapping):
                self.problem(f"resources[{index}]", "must be a mapping with a name and its fields")
            elif "name" not in resource:
                self.problem(f"resources[{index}]", "has no name")
            else:
                self.check_resource(resource, names, singulars, seen, by_name)
                seen.append(resource["name"])

    def check_resource(
        self,
        resource: Mapping[str, Any],
        names: list[str],
        singulars: list[Any],
        seen: list[Any],
        by_name: dict[str, Any],
    ) -> None:
        name = resource["name"]
        where = str(name)
        for key in resource:
            if key not in RESOURCE_KEYS:
                self.problem(
                    where, f'unknown key "{key}"; a resource has {", ".join(RESOURCE_KEYS)}'
                )
        self.check_name(where, name, "the name")
        if name == "users":
            self.problem(
                where,
                "users are built in (accounts, and the owners of owned resources); choose "
                "another name",
            )
        elif _contains(TAKEN_MODULES, name):
            self.problem(
                where, f'the package already has modules named "{name}"; choose another name'
            )
        elif _contains(seen, name):
            self.problem(where, "is listed twice")
        if "renamed_from" in resource:
            renamed_from = resource["renamed_from"]
            if not _is_identifier(renamed_from) or renamed_from in names:
                self.problem(
                    where,
                    "renamed_from must name the resource as it was called before, which no "
                    f"resource here is called now; got {to_json(renamed_from)}",
                )
        singular = self.singular(resource, where)
        if singular is not None:
            if singular == name:
                self.problem(where, "the singular must differ from the name, which names the list")
            elif _contains(singulars, singular) or _contains(names, singular) or singular == "user":
                self.problem(
                    where, f'the singular "{singular}" is another resource\'s name or singular'
                )
            singulars.append(singular)
        fields = resource.get("fields", {})
        called = singular or name
        columns: list[Any] = []
        if "owner" in resource:
            owner = resource["owner"]
            self.check_name(f"{where}.owner", owner, "the owner")
            if _contains(TAKEN_FIELDS, owner) or _contains(fields, owner):
                self.problem(f"{where}.owner", f'"{owner}" is already a field of every {called}')
            columns.append(f"{owner}_id")
        if not isinstance(fields, Mapping) or not fields:
            self.problem(
                f"{where}.fields",
                "must map each field's name to its type and limits, and name at least one field",
            )
        else:
            for field_name, field in fields.items():
                self.check_field(f"{where}.{field_name}", field_name, field, fields, called, name)
                if isinstance(field, Mapping) and _contains(FIELD_KEYS, field.get("type")):
                    at = f"{where}.{field_name}"
                    self.check_column(at, field_name, field["type"], fields, columns)
                    self.check_type(at, field_name, field, fields, name, seen, by_name)
        self.check_search(where, resource, fields, name)
        self.check_order(where, resource, fields)

    def singular(self, resource: Mapping[str, Any], where: str) -> Any:
        """The resource's singular, checked; None when there is none to check further."""
        name = resource["name"]
        if "singular" in resource:
            singular = resource["singular"]
            self.check_name(f"{where}.singular", singular, "the singular")
            return singular
        if isinstance(name, str) and name.endswith("s") and len(name) > 1:
            singular = name[:-1]
            self.check_name(where, singular, 'the singular (the name less its "s")')
            return singular
        self.problem(
            where,
            'the name does not end in "s": say what one of them is called, with singular: ...',
        )
        return None

    def check_field(
        self,
        at: str,
        field_name: Any,
        field: Any,
        fields: Mapping[Any, Any],
        called: Any,
        name: Any,
    ) -> None:
        """A field's name, and that it is a mapping with a known type."""
        self.check_name(at, field_name, "the field name", allow_builtins=True)
        if _contains(TAKEN_FIELDS, field_name):
            self.problem(
                at, f'every {called} already has a field named "{field_name}"; choose another name'
            )
        elif isinstance(field_name, str) and field_name.startswith("model_"):
            self.problem(at, "names starting with model_ belong to Pydantic; choose another name")
        types = ", ".join(FIELD_KEYS)
        if not isinstance(field, Mapping) or "type" not in field:
            self.problem(at, f"must be a mapping with a type: one of {types}")
        elif not _contains(FIELD_KEYS, field["type"]):
            self.problem(at, f"unknown type {to_json(field['type'])}; one of {types}")

    def check_column(
        self, at: str, field_name: Any, kind: str, fields: Mapping[Any, Any], columns: list[Any]
    ) -> None:
        """That the field's column is no other field's."""
        reference = kind == "reference"
        column = f"{field_name}_id" if reference else field_name
        if _contains(columns, column) or (
            not reference
            and isinstance(field_name, str)
            and field_name.endswith("_id")
            and _contains(fields, field_name[:-3])
        ):
            self.problem(at, f'its column "{column}" is another field\'s')
        columns.append(column)

    def check_type(
        self,
        at: str,
        field_name: Any,
        field: Mapping[str, Any],
        fields: Mapping[Any, Any],
        name: Any,
        seen: list[Any],
        by_name: dict[str, Any],
    ) -> None:
        """A field of a known type: its keys, and the limits and default its type takes."""
        kind = field["type"]
        for key in field:
            if key not in COMMON_KEYS and key not in FIELD_KEYS[kind]:
                self.problem(
                    at,
                    f'unknown key "{key}" for {_article(kind)} {kind} field; it takes '
                    f"{', '.join(COMMON_KEYS + FIELD_KEYS[kind])}",
                )
        if "renamed_from" in field:
            renamed_from = field["renamed_from"]
            if not _is_identifier(renamed_from):
                self.problem(
                    at,
                    "renamed_from must name the field as it was called before (a lowercase "
                    f"identifier); got {to_json(renamed_from)}",
                )
            elif renamed_from == field_name or renamed_from in fields:
                self.problem(
                    at,
                    f"renamed_from names {renamed_from}, which is a field here now; it names the "
                    "field's name before",
                )
        for key in ("optional", "unique", "filter", "sort"):
            if key in field and not isinstance(field[key], bool):
                self.problem(at, f"{key} must be true or false")
        unique = field.get("unique", False) is True
        self.check_listing(at, field_name, field)
        if unique and kind in ("text", "boolean"):
            self.problem(at, f"a {kind} field cannot be unique")
        has_default = "default" in field
        default = field.get("default")
        if has_default and kind in ("date", "datetime", "reference"):
            self.problem(at, f"a {kind} field takes no default; make it optional instead")
            has_default = False
        if has_default and unique:
            self.problem(at, "a unique field takes no default: two rows left at it would collide")
        if kind in ("string", "text"):
            indexed = unique or field.get("filter") is True or field.get("sort") is True
            self.check_text(at, field, kind, indexed, has_default, default)
        elif kind == "integer":
            self.check_integer(at, field, has_default, default)
        elif kind == "decimal":
            self.check_decimal(at, field)
        elif kind == "boolean" and has_default and not isinstance(default, bool):
            self.problem(
                at, f"the default {to_json(default)} does not fit the field: true or false"
            )
        elif kind == "choice":
            self.check_choices(at, field, has_default, default)
        elif kind == "reference":
            self.check_reference(at, field, name, seen, by_name)

    def check_listing(self, at: str, field_name: Any, field: Mapping[str, Any]) -> None:
        """What a field that filters or sorts its resource's list must be."""
        kind = field["type"]
        filters, sorts = field.get("filter") is True, field.get("sort") is True
        if kind == "text" and (filters or sorts):
            self.problem(
                at,
                "a text field cannot filter or sort: no index holds it whole; search it with q "
                "(the resource's search) instead",
            )
        elif sorts and kind in ("boolean", "reference"):
            self.problem(at, f"a {kind} field cannot sort; filter by it instead")
        elif sorts and field.get("optional") is True:
            self.problem(
                at,
                "an optional field cannot sort: databases disagree on where rows without it go, "
                "and a cursor could not name a place among them",
            )
        column = f"{field_name}_id" if kind == "reference" else field_name
        if filters and kind in _EQUALITY_FILTERS and _contains(LIST_PARAMETERS, column):
            self.problem(
                at,
                f'a field filtering by "{column}" would take the place of the list\'s own '
                f"parameter; choose another name (a list takes {', '.join(LIST_PARAMETERS)})",
            )

    def check_text(
        self, at: str, field: Mapping[str, Any], kind: str, indexed: bool, has: bool, default: Any
    ) -> None:
        limit = 255 if indexed else (4000 if kind == "string" else 65535)
        max_length = field.get("max_length")
        min_length = field.get("min_length", 1 if kind == "string" else 0)
        if max_length is None:
            self.problem(at, f"a {kind} field needs max_length")
        elif not _is_whole(max_length) or max_length < 1 or max_length > limit:
            index_key = (
                " (an index key: the string is unique, filters or sorts)" if limit == 255 else ""
            )
            self.problem(
                at,
                f"max_length must be a whole number from 1 to {limit}{index_key}; got "
                f"{to_json(max_length)}",
            )
        elif not _is_whole(min_length) or min_length < 0 or min_length > max_length:
            self.problem(
                at,
                "min_length must be a whole number from 0 to max_length; got "
                + to_json(min_length),
            )
        elif has and (
            not isinstance(default, str)
            or not min_length <= len(default) <= max_length
            or "\x00" in default
        ):
            empty = " (set min_length: 0 to allow empty text)" if default == "" else ""
            self.problem(
                at,
                f"the default {to_json(default)} does not fit the field: text of {min_length} to "
                f"{max_length} characters{empty}",
            )

    def check_integer(self, at: str, field: Mapping[str, Any], has: bool, default: Any) -> None:
        low, high = field.get("min", INT32[0]), field.get("max", INT32[1])
        if not _is_whole(low) or not _is_whole(high) or low < INT32[0] or high > INT32[1]:
            self.problem(
                at,
                "min and max must be whole numbers within 32 bits (-2147483648 to 2147483647)",
            )
        elif low > high:
            self.problem(at, f"min {low} is above max {high}")
        elif has and (not _is_whole(default) or default < low or default > high):
            self.problem(
                at,
                f"the default {to_json(default)} does not fit the field: a whole number from "
                f"{low} to {high}",
            )

    def check_decimal(self, at: str, field: Mapping[str, Any]) -> None:
        digits, places = field.get("digits"), field.get("places")
        if not _is_whole(digits) or digits < 1 or digits > 15:
            self.problem(
                at,
                "digits must be a whole number from 1 to 15, which every database keeps exactly; "
                f"got {to_json(digits)}",
            )
            return
        if not _is_whole(places) or places < 0 or places > digits:
            self.problem(
                at, f"places must be a whole number from 0 to digits; got {to_json(places)}"
            )
            return
        largest = 10 ** (digits - places) - 10 ** (0 - places)
        for key in ("min", "max", "default"):
            if key not in field:
                continue
            value = field[key]
            number = (
                float(value) if isinstance(value, str) and _DECIMAL_TEXT.search(value) else value
            )
            decimals = "".join(str(value).split(".")[1:])
            if (
                not isinstance(number, int | float)
                or isinstance(number, bool)
                or number > largest
                or number < 0 - largest
                or len(decimals) > places
            ):
                self.problem(
                    at,
                    f"{key} {to_json(value)} does not fit {digits} digits with {places} after "
                    "the point",
                )

    def check_choices(self, at: str, field: Mapping[str, Any], has: bool, default: Any) -> None:
        choices = field.get("choices")
        if not _is_list(choices) or not choices:
            self.problem(at, "choices must be a list of at least one value")
        elif not all(isinstance(choice, str) and _CHOICE.search(choice) for choice in choices):
            self.problem(
                at,
                "each choice must be text of 1 to 64 letters, digits, spaces, dots, dashes or "
                "underscores, starting with a letter or digit",
            )
        elif _has_duplicates(choices):
            self.problem(at, "a choice is listed twice")
        elif has and default not in choices:
            self.problem(at, f"the default {to_json(default)} is not one of the choices")

    def check_reference(
        self,
        at: str,
        field: Mapping[str, Any],
        name: Any,
        seen: list[Any],
        by_name: dict[str, Any],
    ) -> None:
        to = field.get("to")
        if to is None:
            self.problem(at, "a reference needs to: the resource it refers to (or users)")
        elif not _contains(by_name, to):
            self.problem(at, f"refers to {to_json(to)}, which is not a resource here (nor users)")
        elif not _contains(seen, to):
            self.problem(
                at,
                f"refers to {to}, listed after {name} (or {name} itself): a resource may refer "
                "only to users and to resources listed before it, so that references never "
                "form a cycle in which no row could be created first",
            )
        else:
            embed = field.get("embed", [])
            target_fields = by_name[to].get("fields", {})
            if not _is_list(embed):
                self.problem(at, f"embed must be a list of {to}'s fields")
            else:
                for shown in embed:
                    target = (
                        target_fields.get(shown)
                        if isinstance(target_fields, Mapping) and _contains(target_fields, shown)
                        else None
                    )
                    if not isinstance(target, Mapping) or target.get("type", "") == "reference":
                        self.problem(
                            at,
                            f"embed names {to_json(shown)}, which is not a field of {to} "
                            "(references are not embedded)",
                        )
                if _has_duplicates(embed):
                    self.problem(at, "embed names a field twice")
        if "on_delete" in field and field["on_delete"] not in ("restrict", "cascade"):
            self.problem(
                at,
                "on_delete must be restrict (the default: a referenced row cannot be deleted) or "
                f"cascade; got {to_json(field['on_delete'])}",
            )

    def check_search(self, where: str, resource: Mapping[str, Any], fields: Any, name: Any) -> None:
        search = resource.get("search", [])
        if not _is_list(search):
            self.problem(f"{where}.search", "must be a list of the text fields that q searches")
            return
        for searched in search:
            field = (
                fields.get(searched)
                if isinstance(fields, Mapping) and _contains(fields, searched)
                else None
            )
            if not isinstance(field, Mapping) or field.get("type", "") not in ("string", "text"):
                self.problem(
                    f"{where}.search",
                    f"{to_json(searched)} is not a string or text field of {name}",
                )
        if _has_duplicates(search):
            self.problem(f"{where}.search", "names a field twice")

    def check_order(self, where: str, resource: Mapping[str, Any], fields: Any) -> None:
        if "order" not in resource:
            return
        order = resource["order"]
        key = order.removeprefix("-") if isinstance(order, str) else None
        field = fields.get(key) if isinstance(fields, Mapping) and _contains(fields, key) else None
        if key != "id" and not (isinstance(field, Mapping) and field.get("sort") is True):
            self.problem(
                f"{where}.order",
                "must be id or a field with sort: true, after a - for descending order; got "
                f"{to_json(order)}",
            )


def refusal(resources: Any, keywords: Iterable[str], builtins: Iterable[str]) -> str:
    """Every problem of the `resources` answer, one a line; empty when there is none.

    `keywords` and `builtins` are the names a resource, its singular or its owner must not
    take (copier.yml's `python_keywords` and `python_builtins`); field names may be builtins.
    """
    refused = _Refusal(keywords, builtins)
    refused.check(resources)
    return "\n".join(refused.problems)
