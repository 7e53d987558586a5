"""The Jinja environments of the two output formats.

Both escape every printed value for their format (Markdown or WordprocessingML), so data is
always text, never markup or template code, and a template author writes plain ``{{ value }}``.
Undefined names are errors (StrictUndefined); printing None is an error too.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Hashable, MutableMapping
from pathlib import Path
from types import CodeType
from typing import Any

import jinja2
import markupsafe
from markupsafe import Markup

from ametigen.errors import TemplateProblem
from ametigen.recent import Recent
from ametigen.render.filters import FILTERS
from ametigen.render.mdescape import escape as md_escape
from ametigen.render.package import xml_text

_BREAK = '</w:t><w:br/><w:t xml:space="preserve">'
_TAB = '</w:t><w:tab/><w:t xml:space="preserve">'


def docx_text(text: str) -> str:
    """Text as the inside of a ``<w:t>``: XML-escaped, newlines and tabs as Word elements."""
    return xml_text(text).replace("\n", _BREAK).replace("\t", _TAB)


ESCAPED_KEPT = 50_000
"""Escaped texts an escaping function keeps (then it starts again): see :func:`_kept`."""


def _kept(escape: Callable[[str], str]) -> Callable[[str], Markup]:
    """``escape`` as Markup, each text escaped once: the same texts come back in every
    document (labels, block items, units: at 1,000 positions 3,200 distinct of the 88,000
    printed), and ``escape`` is a function of the text alone."""
    escaped: dict[str, Markup] = {}

    def kept(text: str) -> Markup:
        found = escaped.get(text)
        if found is None:
            if len(escaped) >= ESCAPED_KEPT:
                escaped.clear()
            found = escaped[text] = Markup(escape(text))
        return found

    return kept


def _finalize(escape: Callable[[str], str]) -> Callable[[Any], Markup]:
    escaped = _kept(escape)

    def finalize(value: Any) -> Markup:
        if isinstance(value, Markup):
            return value
        if value is None:
            raise TemplateProblem(
                "mall trükib väärtuse, mis on siin tühi; pane see {% if … %} sisse"
            )
        return escaped(value if type(value) is str else str(value))

    return finalize


class Undefined(jinja2.StrictUndefined):
    """Undefined names are errors, told in Estonian in the names templates use (``doc``)."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        from ametigen.render.names import unknown_name

        if self._undefined_hint:
            return self._undefined_hint
        return unknown_name(self._undefined_obj, self._undefined_name)


def markdown_environment() -> jinja2.Environment:
    # autoescape only marks template text and macro output as safe (Markup); every value is
    # escaped for Markdown by finalize before Jinja's HTML escaping could see it.
    env = jinja2.Environment(
        undefined=Undefined,
        autoescape=True,
        finalize=_finalize(md_escape),
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    cell = _kept(lambda text: md_escape(text, "<br>"))
    env.filters["cell"] = lambda value: cell(value if type(value) is str else str(value))
    env.filters.update(FILTERS)
    return env


def docx_environment() -> jinja2.Environment:
    env = jinja2.Environment(
        undefined=Undefined,
        autoescape=True,
        finalize=_finalize(docx_text),
    )
    env.filters["cell"] = lambda value: value
    env.filters.update(FILTERS)
    return env


def compile_template(
    env: jinja2.Environment,
    source: str,
    path: Path,
    part: str = "",
    describe: Callable[[int], str] = str,
) -> jinja2.Template:
    """Compile ``source`` (``part`` of the file ``path``) so that errors can name the file.

    ``describe`` turns a line of ``source`` into words for the error message (the line
    number itself, unless the source is not what the author wrote). With a bytecode cache on
    ``env``, code compiled by an earlier build is reused; code compiled earlier in this
    process from the same source is reused in any case (see :func:`_compiled`).
    """
    name = f"{path.name}!{part}" if part else path.name
    try:
        code = compiled_code(env, source, name, str(path))
    except jinja2.TemplateSyntaxError as error:
        where = describe(error.lineno) if error.lineno else "?"
        raise TemplateProblem(f"malli süntaksiviga: {error.message}", path, where) from None
    return template_of(env, code, env.make_globals(None), None)


class TemplateLoader(jinja2.FileSystemLoader):
    """Loads the templates that a layout imports (``{% import "macros/…" %}``) as
    :func:`compile_template` prepares the layout's own: from the bytecode cache, from this
    process or compiled."""

    def load(
        self,
        environment: jinja2.Environment,
        name: str,
        globals: MutableMapping[str, Any] | None = None,
    ) -> jinja2.Template:
        source, filename, uptodate = self.get_source(environment, name)
        code = compiled_code(environment, source, name, filename or name)
        return template_of(environment, code, environment.make_globals(globals), uptodate)


def template_of(
    env: jinja2.Environment,
    code: CodeType,
    globals: MutableMapping[str, Any],
    uptodate: Callable[[], bool] | None,
) -> jinja2.Template:
    """The template of compiled ``code``, printing through :func:`_escape`.

    Jinja's code prints each value as ``escape(finalize(value))``; finalize (see
    ``_finalize``) has escaped it for the format already and made it Markup, which markupsafe's
    ``escape`` then copies twice. The template module's ``escape`` (its functions' globals:
    the root, its blocks and macros) is replaced by one that passes Markup through as it is: the
    same text, a third less time per printed value."""
    template = env.template_class.from_code(env, code, globals, uptodate)
    namespace = template.root_render_func.__globals__
    if namespace.get("escape") is markupsafe.escape:
        namespace["escape"] = _escape
    return template


def _escape(value: Any) -> Markup:
    """``markupsafe.escape``, but Markup is returned as it is (not copied)."""
    return value if type(value) is Markup else markupsafe.escape(value)


def compiled_code(env: jinja2.Environment, source: str, name: str, filename: str) -> CodeType:
    """The code of ``source``: from ``env``'s bytecode cache (an earlier build), else as
    :func:`_compiled` gives it (kept there for the next build)."""
    cache = env.bytecode_cache
    bucket = cache.get_bucket(env, name, filename, source) if cache else None
    if bucket and bucket.code:
        return bucket.code
    code = _compiled(env, source, name, filename)
    if cache and bucket:
        bucket.code = code
        cache.set_bucket(bucket)
    return code


_COMPILED: Recent[tuple[Hashable, ...], CodeType] = Recent(32)
"""The templates this process compiled lately, by source and settings (see :func:`_compiled`)."""

_COMPILE_OPTIONS = (
    "block_start_string",
    "block_end_string",
    "variable_start_string",
    "variable_end_string",
    "comment_start_string",
    "comment_end_string",
    "line_statement_prefix",
    "line_comment_prefix",
    "trim_blocks",
    "lstrip_blocks",
    "newline_sequence",
    "keep_trailing_newline",
    "autoescape",
    "optimized",
    "is_async",
    "code_generator_class",
)
"""The settings of an environment that the compiled code depends on (with its filters, tests,
extensions and whether it finalizes)."""


def _compiled(env: jinja2.Environment, source: str, name: str, filename: str) -> CodeType:
    """``env.compile(source)``, or the code compiled earlier in this process from the same
    source with the same settings, moved to ``filename``.

    The same templates are compiled many times in one process: ``diff`` and ``redline``
    compile each revision's templates (mostly the same text, from another folder); a build
    without a cache folder compiles them every time. Compiled code does not depend on the file
    it came from, except for the name that tracebacks show: that is set to ``filename``.
    """
    key = (
        *(getattr(env, option) for option in _COMPILE_OPTIONS),
        env.finalize is not None and getattr(env.finalize, "jinja_pass_arg", True),
        frozenset(env.filters),
        frozenset(env.tests),
        tuple(env.extensions),
        name,
        source,
    )
    code = _COMPILED.get(key)
    if code is None:
        code = env.compile(source, name=name, filename=filename)
        _COMPILED.keep(key, code)
    return code if code.co_filename == filename else _located(code, filename)


def _located(code: CodeType, filename: str) -> CodeType:
    """``code`` and the code objects inside it (its functions), as if from ``filename``."""
    constants = tuple(
        _located(constant, filename) if isinstance(constant, CodeType) else constant
        for constant in code.co_consts
    )
    return code.replace(co_filename=filename, co_consts=constants)


def render(
    template: jinja2.Template, path: Path, describe: Callable[[int], str], **context: Any
) -> str:
    """Render; a failure becomes a TemplateProblem naming the template file and where in it."""
    try:
        return template.render(**context)
    except TemplateProblem as problem:
        raise TemplateProblem(problem.message, path, _line(problem, path, describe)) from None
    except jinja2.TemplateError as error:
        raise TemplateProblem(str(error), path, _line(error, path, describe)) from None
    except Exception as error:  # e.g. arithmetic on a text: the template's fault, not the data's
        message = f"malli avaldis ei õnnestu: {error}"
        raise TemplateProblem(message, path, _line(error, path, describe)) from None


def _line(error: BaseException, path: Path, describe: Callable[[int], str]) -> str:
    lines = [f.lineno for f in traceback.extract_tb(error.__traceback__) if f.filename == str(path)]
    return describe(lines[-1]) if lines and lines[-1] else "?"
