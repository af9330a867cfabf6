"""Honest mistakes a learner makes, and what the grading tells them."""

import re
import textwrap

import numpy as np

from grader.engine.results import Status, Verdict
from grader.engine.validate import validate_pack


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def statuses(result) -> dict[str, str]:
    return {t.name: t.status for t in result.tests}


def messages(result) -> dict[str, str]:
    return {t.name: t.message for t in result.tests}


def test_the_pack_is_valid(pack, judge):
    v = validate_pack(pack, judge)
    assert v.valid, v.problems
    assert v.runs["reference"].score == 1.0


def test_the_reference_passes_every_test(pack, judge):
    result = judge.grade(pack, pack.solution)
    assert result.verdict == Verdict.PASSED
    assert result.score == 1.0
    assert statuses(result) == {"test_small": "passed", "test_matrix": "passed", "test_random": "passed"}
    assert result.error == "" and result.stdout == ""


def test_syntax_error(pack, judge):
    result = judge.grade(
        pack,
        code("""
        import numpy as np

        def double(x):
            return 2 * (x
    """),
    )
    assert result.verdict == Verdict.ERROR
    assert result.error_line == 4
    assert 'File "solution.py", line 4' in result.error
    assert "return 2 * (x" in result.error  # the offending line is shown
    assert "SyntaxError" in result.error
    assert all(t.status == Status.SKIPPED for t in result.tests)
    assert result.score == 0.0


def test_indentation_error(pack, judge):
    result = judge.grade(pack, "def double(x):\nreturn 2 * x\n")
    assert result.verdict == Verdict.ERROR
    assert result.error_line == 2
    assert "IndentationError" in result.error


def test_missing_function(pack, judge):
    result = judge.grade(pack, "def twice(x):\n    return 2 * x\n")
    assert result.verdict == Verdict.ERROR
    assert result.error == "Your code does not define double()."
    assert all(t.status == Status.SKIPPED for t in result.tests)


def test_a_name_that_is_not_a_function_is_missing(pack, judge):
    result = judge.grade(pack, "double = 2\n")
    assert result.verdict == Verdict.ERROR
    assert "double()" in result.error


def test_wrong_return_shape(pack, judge):
    result = judge.grade(pack, "def double(x):\n    return (2 * x).reshape(-1, 1)\n")
    assert result.verdict == Verdict.FAILED
    assert messages(result)["test_small"].split("\n\nThe last call: ")[0] == "result has shape (3, 1), expected (3,)"
    assert messages(result)["test_matrix"] == "result has shape (6, 1), expected (2, 3)"


def test_forgetting_to_return(pack, judge):
    result = judge.grade(pack, "def double(x):\n    2 * x\n")
    assert result.verdict == Verdict.FAILED
    assert (
        messages(result)["test_small"].split("\n\nThe last call: ")[0] == "result should be a numpy array, got NoneType"
    )


def test_nan_output(pack, judge):
    result = judge.grade(pack, "import numpy as np\ndef double(x):\n    return x * np.nan\n")
    assert result.verdict == Verdict.FAILED
    assert set(statuses(result).values()) == {Status.FAILED}
    assert (
        messages(result)["test_small"].split("\n\nThe last call: ")[0] == "result contains 3 NaN and non-finite values"
    )


def test_exception_inside_the_function(pack, judge):
    result = judge.grade(
        pack,
        code("""
        import numpy as np

        def helper(x):
            return x[100]

        def double(x):
            y = 2 * x
            return helper(y)
    """),
    )
    assert result.verdict == Verdict.FAILED
    assert set(statuses(result).values()) == {Status.ERROR}
    tb = messages(result)["test_small"]
    # the learner's frames, innermost last, and the exception
    assert re.search(r'File "solution.py", line 8, in double\n.*\n.*File "solution.py", line 4, in helper', tb, re.S), (
        tb
    )
    assert tb.rstrip().endswith("IndexError: index 100 is out of bounds for axis 0 with size 3")
    # and nothing of the engine
    for engine_word in ("zygote", "grader", "judge", "protocol", "site-packages", "Learner"):
        assert engine_word not in tb, tb


def test_the_same_traceback_is_shown_once(pack, judge):
    result = judge.grade(pack, "def double(x):\n    raise ValueError('not yet')\n")
    said = messages(result)
    assert said["test_small"].rstrip().endswith("ValueError: not yet")
    assert (
        said["test_matrix"] == said["test_random"] == ("the same error as in test_small (its traceback is shown there)")
    )


def test_a_failed_sample_test_shows_its_call_the_result_and_the_references(pack, judge):
    said = messages(judge.grade(pack, "def double(x):\n    return 3 * x\n"))
    assert said["test_small"].endswith(
        "\n\nThe last call: double(array([ 1. , -2. ,  0.5]))\n"
        "Your function returned: array([ 3. , -6. ,  1.5])\n"
        "The reference returns: array([ 2., -4.,  1.])"
    )
    # a hidden test's inputs stay out of its message, even the stored one
    assert "The last call" not in said["test_matrix"] and "The last call" not in said["test_random"]


def test_exception_at_import(pack, judge):
    result = judge.grade(
        pack,
        code("""
        import numpy as np

        SCALE = np.array([1.0, 2.0]) @ np.ones(3)

        def double(x):
            return 2 * x
    """),
    )
    assert result.verdict == Verdict.ERROR
    assert result.error_line == 3
    assert 'File "solution.py", line 3, in <module>' in result.error
    assert "ValueError: matmul" in result.error
    assert "zygote" not in result.error and "grader" not in result.error
    assert all(t.status == Status.SKIPPED for t in result.tests)


def test_import_of_a_missing_module_says_what_can_be_imported(pack, judge):
    result = judge.grade(pack, "import numpy as np\nimport scipy.special\ndef double(x):\n    return 2 * x\n")
    assert result.verdict == Verdict.ERROR
    assert result.error_line == 2
    assert "ModuleNotFoundError: No module named 'scipy'" in result.error
    assert result.error.endswith("Only numpy and Python's standard library can be imported here; "
                                 "scipy and other packages are not available.")  # fmt: skip


def test_sys_exit_at_import_is_an_error_not_a_crash(pack, judge):
    result = judge.grade(pack, "import sys\nsys.exit(3)\n")
    assert result.verdict == Verdict.ERROR
    assert "SystemExit" in result.error
    assert judge.grade(pack, pack.solution).verdict == Verdict.PASSED


def test_print_output_is_captured(pack, judge):
    result = judge.grade(
        pack,
        code("""
        import sys
        print("loading")

        def double(x):
            print("called with shape", x.shape)
            print("to stderr", file=sys.stderr)
            return 2 * x
    """),
    )
    assert result.verdict == Verdict.PASSED
    assert result.stdout.startswith("loading\n")
    assert "called with shape (3,)\nto stderr\n" in result.stdout  # the sample test
    # what the hidden tests' inputs made the code print would show them
    assert "(2, 3)" not in result.stdout and "(50, 4)" not in result.stdout
    assert result.stdout.endswith("\n[output from hidden tests is not shown]")
    ran = judge.grade(pack, code("def double(x):\n    print('sample')\n    return 2 * x\n"), run_only=True)
    assert ran.stdout == "sample\n", "a Run has no hidden tests, and says nothing of them"


def test_output_of_a_failing_run_is_kept(pack, judge):
    result = judge.grade(pack, "def double(x):\n    print('before the crash')\n    raise RuntimeError('oops')\n")
    assert result.verdict == Verdict.FAILED
    assert "before the crash" in result.stdout
    assert "RuntimeError: oops" in messages(result)["test_small"]


def test_score_is_passed_weight_over_total_weight(pack, judge):
    # passes test_small (weight 1) and test_matrix (1), fails test_random (2)
    result = judge.grade(pack, "def double(x):\n    return 2 * x if x.shape != (50, 4) else x\n")
    assert statuses(result) == {"test_small": "passed", "test_matrix": "passed", "test_random": "failed"}
    assert [t.weight for t in result.tests] == [1.0, 1.0, 2.0]
    assert result.score == 0.5  # not 2/3
    assert result.verdict == Verdict.FAILED

    # passes only test_small
    result = judge.grade(pack, "def double(x):\n    return 2 * x if x.ndim == 1 else x\n")
    assert result.score == 0.25


def test_run_only_runs_only_the_sample_tests(pack, judge):
    result = judge.grade(pack, pack.solution, run_only=True)
    assert [t.name for t in result.tests] == ["test_small"]
    assert not result.tests[0].hidden
    assert result.verdict == Verdict.PASSED and result.score == 1.0

    # hidden tests are where this one fails: Run does not see it
    wrong = "def double(x):\n    return 2 * x if x.ndim == 1 else x\n"
    assert judge.grade(pack, wrong, run_only=True).verdict == Verdict.PASSED
    full = judge.grade(pack, wrong)
    assert full.verdict == Verdict.FAILED
    assert [t.hidden for t in full.tests] == [False, True, True]


PRINTS_INPUTS = "import numpy as np\ndef double(x):\n    print(repr(x.tolist()))\n    return 2 * x\n"
# Printed output of hidden tests is not shown; a test's own message is kept (and hidden from learners by the page).
RAISES_INPUTS = "def double(x):\n    raise ValueError(repr(x.tolist()))\n"


def test_the_seed_decides_the_hidden_random_inputs(pack, judge):
    a1 = judge.grade(pack, RAISES_INPUTS, seed=1)
    a2 = judge.grade(pack, RAISES_INPUTS, seed=1)
    b = judge.grade(pack, RAISES_INPUTS, seed=2)
    assert a1.seed == 1 and b.seed == 2
    inputs_a1, inputs_a2, inputs_b = ([t.message.rsplit("ValueError: ", 1)[1] for t in r.tests] for r in (a1, a2, b))
    assert inputs_a1 == inputs_a2  # the same seed repeats the inputs
    assert inputs_a1[:2] == inputs_b[:2]  # the fixed inputs of test_small and test_matrix
    assert inputs_a1[2] != inputs_b[2]  # the random input of test_random
    assert np.array(eval(inputs_a1[2])).shape == (50, 4)  # noqa: S307  (our own printout)


def test_without_a_seed_each_grading_draws_one(pack, judge):
    seeds = {judge.grade(pack, PRINTS_INPUTS).seed for _ in range(3)}
    assert len(seeds) == 3


def test_module_state_does_not_leak_between_tests(pack, judge):
    # a learner who counts calls in a global gets a fresh count in every test
    result = judge.grade(
        pack,
        code("""
        calls = []

        def double(x, seen=[]):
            calls.append(1)
            seen.append(1)
            return 2 * x if len(calls) == len(seen) == 1 else x
    """),
    )
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]


def test_numpy_random_differs_between_learner_processes(pack, judge):
    # forked from one zygote, each learner process must reseed numpy's global RNG
    learner = "import numpy as np\nprint(np.random.rand())\ndef double(x):\n    return 2 * x\n"
    outs = {judge.grade(pack, learner, run_only=True).stdout.splitlines()[0] for _ in range(3)}
    assert len(outs) == 3


def test_runaway_recursion(pack, judge):
    result = judge.grade(pack, "def double(x):\n    return double(x) + 1\n", run_only=True)
    assert result.verdict == Verdict.FAILED
    message = result.tests[0].message
    assert message.rstrip().endswith("RecursionError: maximum recursion depth exceeded")
    assert 'File "solution.py", line 2, in double' in message
    assert "more times]" in message  # the repeated frame is shown once, with a count
    assert len(message) <= 8000
