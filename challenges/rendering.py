"""Statements and takeaways: Markdown with $math$, rendered once per version, sanitised."""

from __future__ import annotations

import ast
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.dollarmath import dollarmath_plugin

# Raw HTML in Markdown is escaped, and nh3 cleans the output as a second guard.
_markdown = MarkdownIt("commonmark", {"html": False}).use(dollarmath_plugin).enable("table")
_TAGS = {
    "p", "a", "em", "strong", "code", "pre", "ul", "ol", "li", "blockquote", "h1", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "hr", "br", "span", "div",
}  # fmt: skip
_ATTRIBUTES = {
    "a": {"href", "title"},
    "span": {"class"},
    "div": {"class"},
    "code": {"class"},
    "th": {"style"},
    "td": {"style"},
}
# a code block may scroll sideways: focusable, so the keyboard can scroll it too
_SET = {"pre": {"tabindex": "0"}}


@lru_cache(maxsize=512)
def render_markdown(text: str) -> str:
    """HTML for *text*; math is left in span/div.math elements for KaTeX in the browser."""
    return nh3.clean(
        _markdown.render(text),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        link_rel="noopener noreferrer",
        set_tag_attribute_values=_SET,
    )


@lru_cache(maxsize=512)
def sample_test_sources(tests_code: str) -> tuple[tuple[str, str], ...]:
    """(name, source) of each @sample test: what learners may see of the checks.
    Cached like the statement: parsing the tests on every page view cost a fifth of it."""
    try:
        tree = ast.parse(tests_code)
    except SyntaxError:
        return ()
    return tuple(
        (node.name, ast.get_source_segment(tests_code, node) or "")
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and node.name.startswith("test_") and _is_sample(node)
    )


def _is_sample(node: ast.FunctionDef) -> bool:
    for d in node.decorator_list:
        target = d.func if isinstance(d, ast.Call) else d
        if isinstance(target, ast.Name) and target.id == "sample":
            return True
    return False
