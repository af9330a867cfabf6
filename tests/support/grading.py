"""Grading a submission in the test's own thread while looking at it between
tests: what a page or a client polling at that moment would read; and
counting the service's writes of those rows (the tests and bench.partial_rows)."""

from __future__ import annotations

from collections.abc import Callable

from grader import services


def grade_looking(monkeypatch, submission_id: int, look: Callable[[int], None], *, before=None, every: float = 0):
    """``submission_grade(submission_id=...)`` with ``look(rows so far)``
    called each time right after the service was told the rows so far
    (``on_test``, which writes them), and ``before()`` once the grading is
    claimed, before its first test. The service writes at most every *every*
    seconds (0: after each test). No thread, no sleep: the grading waits
    while *look* reads."""
    real = services.default_judge()
    monkeypatch.setattr(services, "PARTIAL_ROWS_SECONDS", every)

    class Looking:
        def grade(self, *args, on_test, **kwargs):
            def told(tests):
                on_test(tests)  # the service's write first, as in a worker
                look(len(tests))

            if before is not None:
                before()
            return real.grade(*args, on_test=told, **kwargs)

    monkeypatch.setattr(services, "default_judge", lambda: Looking())
    return services.submission_grade(submission_id=submission_id)


def partial_write(sql: str) -> bool:
    """Whether *sql* is the service's write of a grading's rows so far (the
    claim sets the status first, the final store the verdict)."""
    return sql.startswith('UPDATE "grader_submission" SET "tests" = ')


class PartialWrites:
    """A database execute wrapper counting the writes of rows so far."""

    def __init__(self) -> None:
        self.writes = 0

    def __call__(self, execute, sql, params, many, context):
        self.writes += partial_write(sql)
        return execute(sql, params, many, context)
