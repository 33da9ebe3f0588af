"""Jinja's compiled templates, kept across renders: the suite renders the template hundreds of
times, and each render builds a new Jinja environment that compiles every file, path and
question default afresh (two thirds of a render's time). Source compiled the same way compiles
to the same code, so it is compiled once per test process."""

from typing import Any

import jinja2

_compile = jinja2.Environment.compile
_compiled: dict[tuple[Any, ...], Any] = {}


def _how_it_compiles(environment: jinja2.Environment) -> tuple[Any, ...]:
    """What, beside the source, decides the code a template compiles to."""
    return (
        type(environment),
        environment.block_start_string,
        environment.block_end_string,
        environment.variable_start_string,
        environment.variable_end_string,
        environment.comment_start_string,
        environment.comment_end_string,
        environment.line_statement_prefix,
        environment.line_comment_prefix,
        environment.trim_blocks,
        environment.lstrip_blocks,
        environment.newline_sequence,
        environment.keep_trailing_newline,
        tuple(environment.extensions),
        environment.optimized,
        environment.is_async,
        environment.finalize,
        frozenset(environment.filters),
        frozenset(environment.tests),
    )


def _compile_once(
    self: jinja2.Environment,
    source: Any,
    name: str | None = None,
    filename: str | None = None,
    raw: bool = False,
    defer_init: bool = False,
) -> Any:
    if not isinstance(source, str):
        # An already parsed template: nothing to key it by.
        return _compile(self, source, name, filename, raw, defer_init)
    key = (source, name, filename, raw, defer_init, _how_it_compiles(self))
    if key not in _compiled:
        _compiled[key] = _compile(self, source, name, filename, raw, defer_init)
    else:
        # Extensions' preprocess hooks run on every compile, and some keep state by them:
        # Copier's `yield` tag resets its context there.
        self.preprocess(source, name, filename)
    return _compiled[key]


def reuse_compiled_templates() -> None:
    """Compile each template source once in this process, for every environment after."""
    jinja2.Environment.compile = _compile_once  # type: ignore[method-assign]
