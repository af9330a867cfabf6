"""A grading's per-test rows are stored as each test ends, so the result
fragment shows them while it runs; only while the grading owns the
submission, and never at the cost of its result."""

import logging

import pytest
from django.db import OperationalError, connection
from django.urls import reverse

from grader.models import Submission
from grader.selectors import HIDDEN_MESSAGE
from grader.services import submission_create
from tests.support.grading import PartialWrites, grade_looking, partial_write

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WRONG = "import numpy as np\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum()\n"  # fails hidden tests


def stored(submission) -> Submission:
    return Submission.objects.get(pk=submission.pk)


def test_the_rows_so_far_are_stored_and_shown_while_the_grading_runs(alice, alice_client, softmax, monkeypatch):
    submission = submission_create(user=alice, challenge=softmax, code=WRONG, kind="submit")
    seen = []

    def look(n):
        row = stored(submission)
        fragment = alice_client.get(reverse("grader:result", args=[submission.pk]), **HTMX)
        seen.append((n, row.status, [t["name"] for t in row.tests], fragment))

    done = grade_looking(monkeypatch, submission.pk, look)
    names = [t["name"] for t in done.tests]
    assert done.verdict == "failed" and len(seen) == len(names) > 2
    for n, (told, status, rows, fragment) in enumerate(seen, start=1):
        assert (told, status, rows) == (n, "running", names[:n])  # each row stored as its test ended
        html = fragment.content.decode()
        assert 'data-status="running"' in html and "hx-get" in html  # still polling
        assert f"Running your code… {n} test{'s' if n > 1 else ''} done so far." in html
        assert html.count('<tr class="test ') == n
        assert [t["name"] for t in fragment.context["tests"]] == names[:n]
    # a hidden test's failure shows mid-grading only as it does at the end: its kind, never its message
    last = seen[-1][3]
    hidden = [t for t in last.context["tests"] if t["hidden"] and t["status"] != "passed"]
    assert hidden and all(t["message"].startswith(HIDDEN_MESSAGE) for t in hidden)
    secret = next(t["message"] for t in done.tests if t["hidden"] and t["status"] == "failed")
    assert secret.encode() not in last.content


def test_the_partial_rows_are_the_final_rows_cleaned_alike(alice, softmax, monkeypatch):
    code = 'def softmax(Z):\n    raise ValueError("bad \\ud800 x\\x00y")\n'
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="run")
    partial = []
    done = grade_looking(monkeypatch, submission.pk, lambda n: partial.append(stored(submission).tests))
    assert partial[-1] == done.tests == stored(submission).tests
    assert "ValueError: bad \ufffd xy" in partial[0][0]["message"]


def test_the_rows_are_written_at_most_so_often(alice, softmax, monkeypatch):
    submission = submission_create(user=alice, challenge=softmax, code=WRONG, kind="submit")
    seen = []
    with connection.execute_wrapper(tried := PartialWrites()):
        done = grade_looking(monkeypatch, submission.pk, lambda n: seen.append(stored(submission).tests), every=1e9)
    assert tried.writes == 0 and seen and all(tests == [] for tests in seen)  # none within the interval
    assert len(stored(submission).tests) == len(done.tests) > 2  # the final store writes them all


def test_a_grading_taken_over_writes_no_rows(alice, softmax, monkeypatch):
    submission = submission_create(user=alice, challenge=softmax, code=WRONG, kind="submit")
    seen = []

    def taken_over():
        # the sweeper hands it on, and another worker claims it as the next attempt
        Submission.objects.filter(pk=submission.pk).update(status="running", attempts=2)

    with connection.execute_wrapper(tried := PartialWrites()):
        result = grade_looking(monkeypatch, submission.pk, lambda n: seen.append(stored(submission).tests),
                               before=taken_over)  # fmt: skip
    assert result is None  # its result dropped, as before
    assert seen and all(tests == [] for tests in seen)  # and not one row of it written
    assert tried.writes == 1  # nor tried again once it found the grading taken over
    assert (stored(submission).status, stored(submission).tests) == ("running", [])


def test_a_new_attempt_starts_with_no_rows_of_the_lost_one(alice, softmax, monkeypatch):
    submission = submission_create(user=alice, challenge=softmax, code=WRONG, kind="submit")
    lost_rows = [{"name": "test_from_the_lost_attempt", "status": "passed", "hidden": False, "message": ""}]
    Submission.objects.filter(pk=submission.pk).update(tests=lost_rows, attempts=1)  # re-queued by the sweeper
    first = []
    grade_looking(monkeypatch, submission.pk, lambda n: first.append(stored(submission).tests),
                  before=lambda: first.append(stored(submission).tests))  # fmt: skip
    assert first[0] == [] and "test_from_the_lost_attempt" not in str(first)


def test_a_database_hiccup_on_the_rows_so_far_loses_nothing(alice, softmax, monkeypatch, caplog):
    submission = submission_create(user=alice, challenge=softmax, code=WRONG, kind="submit")
    refused = []

    def hiccup(execute, sql, params, many, context):
        if partial_write(sql):
            refused.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(hiccup), caplog.at_level(logging.WARNING, logger="grader.services"):
        done = grade_looking(monkeypatch, submission.pk, lambda n: None)
    assert len(refused) == 1  # one refusal, and no more tries during this grading
    assert any("rows so far not stored (OperationalError" in r.message for r in caplog.records)
    row = stored(submission)
    assert (row.status, row.verdict) == ("done", "failed") and row.tests == done.tests and len(row.tests) > 2
