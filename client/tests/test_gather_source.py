"""What the notebook helper sends: a function's source with the helpers,
imports and constants it uses, enough to run on its own (no Django here)."""

import math
import warnings

import numpy as np
import pytest
from numpy_grader.notebook import gather_source

CELLS = """
import numpy as np
import numpy.linalg as la
from math import sqrt
from numpy_grader import submit

EPS = 1e-12
NAMES = ("a", "b")
TABLE = np.arange(3)


def _shift(Z):
    return Z - Z.max(axis=-1, keepdims=True)


class Scale:
    factor = 1.0


def _norm(Z):
    return la.norm(Z) + sqrt(EPS) * Scale.factor


def softmax(Z):
    def inner(x):
        return np.exp(_shift(x))

    e = inner(Z)
    return e / e.sum(axis=-1, keepdims=True)


def uses_unsendable(Z):
    return Z + TABLE


def unused():
    return submit
"""


@pytest.fixture
def notebook(tmp_path):
    """Functions as a notebook defines them: module __main__, their source known only by file name."""
    path = tmp_path / "cells.py"
    path.write_text(CELLS)
    namespace = {"__name__": "__main__"}
    exec(compile(CELLS, str(path), "exec"), namespace)
    return namespace


def run_alone(source: str) -> dict:
    namespace = {"__name__": "sent"}
    exec(compile(source, "<sent>", "exec"), namespace)
    return namespace


def test_a_notebook_function_is_sent_with_the_helpers_and_imports_it_uses_and_nothing_else(notebook):
    source = gather_source(notebook["softmax"])
    assert "import numpy as np" in source and "def _shift(Z)" in source and "def softmax(Z)" in source
    assert "numpy_grader" not in source and "def unused" not in source and "_norm" not in source
    sent = run_alone(source)
    Z = np.array([[1.0, 2.0, 1000.0]])
    assert np.allclose(sent["softmax"](Z), notebook["softmax"](Z))


def test_helpers_of_helpers_constants_classes_and_aliased_imports_are_followed(notebook):
    sent = run_alone(gather_source(notebook["_norm"]))
    assert sent["_norm"](np.array([3.0, 4.0])) == pytest.approx(5.0 + math.sqrt(1e-12))
    source = gather_source(notebook["_norm"])
    assert "import numpy.linalg as la" in source and "from math import sqrt" in source
    assert "EPS = 1e-12" in source and "class Scale" in source


def test_several_functions_are_sent_together(notebook):
    sent = run_alone(gather_source(notebook["softmax"], notebook["_norm"]))
    assert {"softmax", "_norm", "_shift", "Scale"} <= set(sent)


def test_a_global_that_cannot_be_sent_is_named_in_a_warning(notebook):
    with pytest.warns(UserWarning, match="not sent: TABLE"):
        source = gather_source(notebook["uses_unsendable"])
    assert "TABLE" not in source.split("def uses_unsendable")[0]


def test_a_function_from_a_module_file_sends_that_module(tmp_path, monkeypatch):
    (tmp_path / "my_solution.py").write_text("import numpy as np\n\n\ndef relu(x):\n    return np.maximum(x, 0)\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    import my_solution

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert gather_source(my_solution.relu) == (tmp_path / "my_solution.py").read_text()


def test_nothing_to_send_is_a_clear_error():
    with pytest.raises(TypeError, match="Pass the function"):
        gather_source()
