"""Judge.grade's on_test: each test's row handed on as soon as the test ends,
without the caller's work changing what the learner is graded on."""

import logging
import time

from grader.engine.results import Status, Verdict
from grader.engine.sandbox.client import WAIT_FACTOR


def rows(tests) -> list[tuple[str, str]]:
    return [(t.name, t.status) for t in tests]


def test_each_tests_row_is_handed_on_as_it_ends(pack, judge):
    told = []
    result = judge.grade(pack, pack.solution, on_test=lambda tests: told.append(rows(tests)))
    assert result.verdict == Verdict.PASSED
    final = rows(result.tests)
    assert told == [final[:1], final[:2], final]  # one call per test, each with the rows so far


def test_the_rows_of_tests_a_failed_load_skips_come_in_one_call(pack, judge):
    told = []
    result = judge.grade(pack, "def double(x)\n", on_test=lambda tests: told.append(rows(tests)))
    assert result.verdict == Verdict.ERROR
    assert told == [rows(result.tests)] and {t.status for t in result.tests} == {Status.SKIPPED}


def test_a_failing_callback_is_logged_and_the_grading_goes_on(pack, judge, caplog):
    calls = []

    def broken(tests):
        calls.append(len(tests))
        raise RuntimeError("the database went away")

    with caplog.at_level(logging.ERROR, logger="grader.engine.judge"):
        result = judge.grade(pack, pack.solution, on_test=broken)
    assert (result.verdict, result.score, result.error) == (Verdict.PASSED, 1.0, "")
    assert calls == [1, 2, 3]  # asked again after each test: the caller decides whether to stop
    assert sum("on_test failed" in r.message for r in caplog.records) == 3


def test_a_slow_callback_costs_the_learner_nothing(pack, judge):
    # A caller slower than a test's whole idle limit, between tests: neither
    # the limit nor the test's time counts it (the learner waits on the judge).
    pause = WAIT_FACTOR * pack.limits.time_per_test + 0.2
    slow = []

    def slow_once(tests):
        if not slow:
            slow.append(len(tests))
            time.sleep(pause)  # stands in for a slow database write, not for synchronisation

    result = judge.grade(pack, pack.solution, on_test=slow_once)
    assert result.verdict == Verdict.PASSED, [t.message for t in result.tests]
    assert all(t.duration_ms < pause * 1000 / 2 for t in result.tests)
    assert result.duration_ms > pause * 1000  # the grading's wall time did include it
