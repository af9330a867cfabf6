"""``submit("softmax", softmax)`` from a notebook or a script: send the
function's source, with the helpers, imports and constants it uses, and show
the per-test results as a table (HTML under IPython, text elsewhere).

A function from a module file is sent as that module's whole source. A
function defined in a notebook (or in the script being run) has no module to
send, so its source is gathered: the function itself, and for each global
name it (or a helper it calls) uses, the helper's source, an import of the
module or object it names, or a literal constant. Anything else (an array made
in another cell, say) is not sent, and a warning names it.
"""

from __future__ import annotations

import ast
import inspect
import linecache
import sys
import textwrap
import types
import warnings

from numpy_grader.api import ApiError, Client
from numpy_grader.report import Progress, html_table, status_line, summary_line

LITERALS = (int, float, complex, str, bytes, bool, type(None), tuple, list, dict, set, frozenset)


def _names(code: types.CodeType) -> list[str]:
    """Global names *code* and the functions nested in it use, in order of first use."""
    found = list(code.co_names)
    for const in code.co_consts:
        if isinstance(const, types.CodeType):
            found += _names(const)
    return list(dict.fromkeys(found))


def _literal(value) -> str | None:
    if not isinstance(value, LITERALS):
        return None
    text = repr(value)
    try:
        return text if len(text) < 10_000 and ast.literal_eval(text) == value else None
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None


def _import(name: str, value) -> str | None:
    if isinstance(value, types.ModuleType):
        module = value.__name__
        return f"import {module}" if module == name else f"import {module} as {name}"
    module, own = getattr(value, "__module__", None), getattr(value, "__name__", None)
    if module and own and module not in ("__main__", "builtins") and not module.startswith("numpy_grader"):
        return f"from {module} import {own}" + ("" if own == name else f" as {name}")
    return None


def _defined_here(value, module: str) -> bool:
    return isinstance(value, types.FunctionType | type) and value.__module__ == module


def _class_source(cls: type, near: str) -> str:
    """A class's source. Before Python 3.13 inspect finds a class only through its
    module's file, which a notebook's __main__ has not: look for it where its
    methods were defined, or else in *near*, the file of the code that uses it."""
    try:
        return inspect.getsource(cls)
    except (OSError, TypeError):
        pass
    files = [v.__code__.co_filename for v in vars(cls).values() if isinstance(v, types.FunctionType)] + [near]
    for filename in dict.fromkeys(files):
        text = "".join(linecache.getlines(filename))
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        found = [n for n in ast.walk(tree) if isinstance(n, ast.ClassDef) and n.name == cls.__name__]
        if found:
            node = found[-1]  # the latest definition, as a re-run cell makes it
            start = min([node.lineno, *(d.lineno for d in node.decorator_list)])
            return "\n".join(text.splitlines()[start - 1 : node.end_lineno]) + "\n"
    raise OSError("could not find class definition")


def gather_source(*functions) -> str:
    """The code to send for *functions* (see the module's docstring)."""
    if not functions:
        raise TypeError("Pass the function(s) the challenge asks for, e.g. submit('softmax', softmax).")
    first = inspect.unwrap(functions[0])
    module = sys.modules.get(first.__module__)
    if module is not None and module.__name__ != "__main__" and getattr(module, "__file__", None):
        return inspect.getsource(module)  # a module file: all of it, as it would be imported
    imports, constants, definitions, skipped = {}, {}, {}, []
    used_in: dict[str, str] = {}  # a class's name -> the file of a function that uses it
    todo = [inspect.unwrap(f) for f in functions]
    while todo:
        function = todo.pop(0)
        if function.__name__ in definitions:
            continue
        try:
            if isinstance(function, type):
                source = _class_source(function, near=used_in.get(function.__name__, ""))
            else:
                source = inspect.getsource(function)
            definitions[function.__name__] = textwrap.dedent(source)
        except (OSError, TypeError) as exc:
            raise ValueError(f"The source of {function.__name__} cannot be found ({exc}).") from exc
        if not isinstance(function, types.FunctionType):
            continue  # a class: its methods' globals are not followed
        globals_ = function.__globals__
        for name in _names(function.__code__):
            if name not in globals_ or name in imports or name in constants or name in definitions:
                continue
            value = globals_[name]
            if _defined_here(value, function.__module__):
                used_in.setdefault(name, function.__code__.co_filename)
                todo.append(value)
            elif (line := _import(name, value)) is not None:
                imports[name] = line
            elif (literal := _literal(value)) is not None:
                constants[name] = f"{name} = {literal}"
            elif name not in skipped:
                skipped.append(name)
    if skipped:
        warnings.warn(
            f"not sent: {', '.join(skipped)} (neither a function, an import nor a constant); "
            "define them inside your function or in the code you send.",
            stacklevel=3,
        )
    parts = ["\n".join(imports.values()), "\n".join(constants.values()), *definitions.values()]
    return "\n\n\n".join(part.strip("\n") for part in parts if part) + "\n"


class Result:
    """A finished grading: ``verdict``, ``score``, ``tests`` (each a dict), ``passed``, ``url``, ``data``."""

    def __init__(self, data: dict) -> None:
        self.data = data
        self.verdict, self.score, self.tests, self.url = data["verdict"], data["score"], data["tests"], data["url"]

    @property
    def passed(self) -> bool:
        return self.verdict == "passed"

    def __repr__(self) -> str:
        return f"<Result {summary_line(self.data)}>"


def _ipython_display():
    """IPython's display function and HTML, when running under IPython; else None."""
    shell = sys.modules.get("IPython")
    if shell is None or shell.get_ipython() is None:
        return None
    from IPython.display import HTML, display

    return display, HTML


def _grade(slug: str, functions, kind: str, client: Client | None) -> Result:
    client = client or Client()
    code = gather_source(*functions)
    progress = Progress()
    ipython = _ipython_display()
    handle = None
    try:
        first = client.grade(slug, code, kind=kind)
    except ApiError as exc:
        raise ApiError(exc.status, f"Refused ({exc.status}): {exc.said()}", exc.body) from None
    for result in client.follow(first):
        if ipython is not None:
            display, HTML = ipython
            # the rows so far while it runs, under its state
            view = HTML(html_table(result) if result["final"] or result["tests"] else f"<p>{status_line(result)}…</p>")
            if handle is None:
                handle = display(view, display_id=True)
            else:
                handle.update(view)
        else:
            for line in progress.lines(result):
                print(line, flush=True)
    if ipython is None:
        if result["error"]:
            print(result["error"].rstrip())
        print(summary_line(result))
    return Result(result)


def submit(slug: str, *functions, client: Client | None = None) -> Result:
    """Submit *functions* (their source and what they use) to challenge *slug*; every test, counted."""
    return _grade(slug, functions, "submit", client)


def run(slug: str, *functions, client: Client | None = None) -> Result:
    """Run *functions* on challenge *slug*'s sample tests (counts for nothing)."""
    return _grade(slug, functions, "run", client)
