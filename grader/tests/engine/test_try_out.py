"""Try your own input: the learner's own calls of their code, run a statement
at a time in a learner process (Judge.try_out), no tests. Values and printed
output come back as text, cut to a bound; an exception or a limit stops the
run and says so; the calls reach nothing a test or the reference holds."""

import numpy as np
import pytest

from grader.engine.judge import TRY_OUTPUT_CHARS, TRY_SHOWN_CHARS, TRY_VALUE_CHARS
from grader.engine.sandbox.messages import (
    MAX_STATEMENTS,
    ReplyError,
    TryLine,
    Tryout,
    read_request,
    read_tried,
    tried_spans,
)

from .conftest import PACKS


def test_each_expressions_value_is_shown_and_statements_share_a_namespace_with_the_modules_names(judge, pack):
    result = judge.try_out(pack, pack.solution, "x = np.array([1., 2.])\ndouble(x)\nx.sum()\n")
    assert not result.error and not result.internal
    assert [(r.line, r.source, r.value) for r in result.lines] == [
        (1, "x = np.array([1., 2.])", None),
        (2, "double(x)", "array([2., 4.])"),
        (3, "x.sum()", "np.float64(3.0)" if np.__version__ >= "2" else "3.0"),
    ]


def test_what_the_calls_assign_stays_out_of_the_modules_globals(judge, pack):
    code = "import numpy as np\nk = 2\ndef double(x):\n    return k * np.asarray(x)\n"
    result = judge.try_out(pack, code, "k = 10\ndouble(1)\nk\n")
    assert [r.value for r in result.lines] == [None, "np.int64(2)", "10"]


def test_numpy_is_at_hand_even_if_the_code_does_not_import_it(judge, pack):
    result = judge.try_out(pack, "def double(x):\n    return np.asarray(x) * 2\n", "np.ones(2)\ndouble(1)\n")
    assert result.lines[0].value == "array([1., 1.])"
    assert "NameError: name 'np' is not defined" in result.lines[1].error  # as a Run would find it


def test_a_function_returning_none_shows_none_and_print_does_not(judge, pack):
    code = "def double(x):\n    print('doubling', x)\n"
    result = judge.try_out(pack, code, "double(2)\nprint('after')\n")
    assert [(r.value, r.output) for r in result.lines] == [("None", "doubling 2\n"), (None, "after\n")]


def test_a_statement_of_several_lines_runs_as_one(judge, pack):
    result = judge.try_out(pack, pack.solution, "for i in range(3):\n    print(double(i))\n")
    [row] = result.lines
    assert (row.line, row.end, row.output) == (1, 2, "0.0\n2.0\n4.0\n")


def test_an_exception_shows_its_traceback_with_the_learners_frames_and_stops_the_run(judge, pack):
    code = "def double(x):\n    return x / 0\n"
    result = judge.try_out(pack, code, "print('first')\ndouble(1)\nprint('never')\n")
    assert [r.line for r in result.lines] == [1, 2]
    error = result.lines[1].error
    assert 'File "input.py", line 2' in error and 'File "solution.py", line 2, in double' in error
    assert error.rstrip().endswith("ZeroDivisionError: division by zero")
    assert "grader" not in error and "learner.py" not in error


def test_an_infinite_loop_is_stopped_by_the_cpu_limit_with_a_clear_message(judge, pack):
    code = "def double(x):\n    while True:\n        pass\n"
    result = judge.try_out(pack, code, "print('before')\ndouble(1)\nprint('after')\n")
    assert [r.output for r in result.lines] == ["before\n", ""]
    assert result.lines[1].error.startswith("Stopped: it used ")
    assert f"of CPU; the limit is {pack.limits.time_per_test:g} s" in result.lines[1].error
    assert judge.try_out(pack, pack.solution, "double(1)").lines[0].value == "np.float64(2.0)"  # the next one runs


def test_sleeping_is_stopped_by_the_idle_limit(judge, pack):
    result = judge.try_out(pack, pack.solution, "import time\ntime.sleep(60)\n")
    assert "without using the CPU" in result.lines[1].error


def test_memory_past_the_packs_limit_is_a_memory_error(judge, pack):
    result = judge.try_out(pack, pack.solution, "np.ones(10**10)\n")
    assert "MemoryError" in result.lines[0].error


@pytest.mark.parametrize("name", ["tests.py", "solution.py"])
def test_the_calls_cannot_reach_the_tests_or_the_reference(judge, pack, name):
    secret = (PACKS / "double" / name).read_text()
    path = str(PACKS / "double" / name)
    result = judge.try_out(pack, "x = 1\n", f"sorted(globals())\nopen({path!r}).read()\n")
    assert result.lines[0].value == "['__builtins__', '__file__', '__name__', 'np', 'x']"  # no learner, reference
    assert "PermissionError" in result.lines[1].error
    shown = [result.error, result.stdout, *(f"{r.value} {r.output} {r.error}" for r in result.lines)]
    assert not any(secret.strip() in text for text in shown)


def test_what_is_shown_is_cut_to_a_bound(judge, pack):
    source = "print('x' * 10**6)\n'y' * 10**6\nnp.arange(10**6)\nimport os\nos.write(1, b'z' * 2**21)\n"
    result = judge.try_out(pack, pack.solution, source)
    printed, string, array, _, _ = result.lines
    assert len(printed.output) <= TRY_OUTPUT_CHARS and "[output cut: " in printed.output
    assert len(string.value) <= TRY_VALUE_CHARS and string.value.endswith(" (cut)")
    assert array.value == "array([     0,      1,      2, ..., 999997, 999998, 999999], shape=(1000000,))"
    assert len(result.stdout) == TRY_OUTPUT_CHARS + len(" (cut)") and result.stdout.endswith(
        " (cut)"
    )  # past sys.stdout


def test_a_try_out_shows_a_bounded_total(judge, pack):
    result = judge.try_out(pack, pack.solution, "print('x' * 10**5)\n" * 20)  # each line shows its most
    shown = [len(r.output) for r in result.lines]
    assert sum(shown[:-1]) < TRY_SHOWN_CHARS <= sum(shown) and len(result.lines) < 20  # then no more is run
    assert result.error == f"Not run further: the lines above showed {TRY_SHOWN_CHARS // 1024} KiB already."


def test_numpys_warnings_are_shown_with_the_line_that_warned(judge, pack):
    result = judge.try_out(
        pack, "import numpy as np\ndef double(x):\n    return np.exp(x)\n", "double(np.array([1000.]))"
    )
    [row] = result.lines
    assert row.value == "array([inf])" and "RuntimeWarning: overflow encountered in exp" in row.output


def test_only_the_first_statements_are_run(judge, pack):
    result = judge.try_out(pack, pack.solution, "".join(f"{i}\n" for i in range(MAX_STATEMENTS + 5)))
    assert len(result.lines) == MAX_STATEMENTS
    assert result.error == f"Only the first {MAX_STATEMENTS} statements are run."


def test_a_syntax_error_in_the_input_or_code_that_does_not_load_is_shown(judge, pack):
    result = judge.try_out(pack, pack.solution, "double(\n")
    assert result.lines == [] and "SyntaxError" in result.error and 'File "input.py", line 1' in result.error
    result = judge.try_out(pack, "import numpy as np\n\nraise ValueError('at import')\n", "double(1)\n")
    assert result.lines == [] and result.error.startswith("Your code did not load:") and result.error_line == 3


def test_the_requests_and_replies_are_read_strictly():
    assert read_request({"op": "tryout", "id": 5, "source": "f(1)"}) == Tryout("f(1)", 5)
    assert read_request({"op": "try_line", "id": 6, "index": 2}) == TryLine(2, 6)
    assert tried_spans([[1, 1], [2, 4]], lines=4) == [(1, 1), (2, 4)]
    for spans in ([[1, 5]], [[2, 2], [1, 1]], [[0, 1]], [[1, True]], [[1, 1]] * (MAX_STATEMENTS + 1), {"a": 1}):
        with pytest.raises(ReplyError):
            tried_spans(spans, lines=4)
    assert read_tried({"value": "1", "output": "", "error": None}).value == "1"
    for body in ({"value": 1, "output": "", "error": None}, {"value": None, "output": "", "error": None, "x": 1},
                 {"value": None, "output": b"", "error": None}):  # fmt: skip
        with pytest.raises(ReplyError):
            read_tried(body)
