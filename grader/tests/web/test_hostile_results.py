"""What crosses from the learner's process is stored whatever it holds, and a
grading that cannot end ends anyway: never left running, re-graded forever,
with the learner refused every later Run and Submit."""

import json
import logging
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from grader.models import Submission
from grader.services import clean_text, submission_create, submission_grade, submission_sweep

pytestmark = pytest.mark.django_db

# Learner code, as the learner would type it: the escapes are in the source, so
# the NUL, the surrogate and the line number only appear once it runs.
HOSTILE = {
    "a NUL in printed output": ('print("before\\x00after")\n', "passed"),
    "a NUL in a test's exception": ('def softmax(Z):\n    raise ValueError("a\\x00b")\n', "failed"),
    "a lone surrogate in a test's exception": ('def softmax(Z):\n    raise ValueError("bad \\ud800 x")\n', "failed"),
    "a lone surrogate in the loading error": ('raise ValueError("bad \\ud800 x")\n', "error"),
    "a negative error line": (
        'e = SyntaxError("made up")\ne.filename, e.lineno = "solution.py", -5\nraise e\n',
        "error",
    ),
    "an error line past any column": (
        'e = SyntaxError("made up")\ne.filename, e.lineno = "solution.py", 2**40\nraise e\n',
        "error",
    ),
}


def stored_text(submission: Submission) -> list[str]:
    return [submission.stdout, submission.error, json.dumps(submission.tests, ensure_ascii=False)]


@pytest.mark.parametrize("case", HOSTILE)
def test_hostile_learner_output_is_stored_cleaned_and_shown(case, alice, alice_client, softmax):
    extra, verdict = HOSTILE[case]
    code = softmax.current_version.solution + "\n" + extra if verdict == "passed" else extra
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="submit")
    submission_grade(submission_id=submission.pk)

    submission = Submission.objects.get(pk=submission.pk)
    assert (submission.status, submission.verdict) == ("done", verdict)
    for text in stored_text(submission):
        assert "\x00" not in text
        text.encode("utf-8")  # no lone surrogate left
    assert submission.error_line is None or submission.error_line > 0
    assert alice_client.get(f"/submissions/{submission.pk}/").status_code == 200
    assert alice_client.get(f"/submissions/{submission.pk}/result/", HTTP_HX_REQUEST="true").status_code == 200


def test_what_the_learner_wrote_survives_cleaning(alice, softmax):
    code = 'def softmax(Z):\n    raise ValueError("bad \\ud800 x\\x00y")\n'
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="run")
    submission = submission_grade(submission_id=submission.pk)
    first, *rest = submission.tests
    assert "ValueError: bad \ufffd xy" in first["message"]  # shown once; the other rows point to it
    assert rest and all(
        t["message"] == f"the same error as in {first['name']} (its traceback is shown there)" for t in rest
    )


def test_code_with_a_nul_is_refused_not_a_server_error(alice_client, softmax):
    response = alice_client.post("/challenges/softmax/submit/", {"code": "x = 1\x00\n"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and b"NUL character" in response.content
    assert not Submission.objects.exists()
    draft = alice_client.post("/challenges/softmax/draft/", {"code": "x = 1\x00\n"})
    assert draft.status_code == 400 and draft.json()["saved"] is False


def test_clean_text_drops_nul_pairs_surrogates_and_replaces_lone_ones():
    assert clean_text("a\x00b") == "ab"
    assert clean_text("\ud83d\ude00 \ud800") == "\U0001f600 \ufffd"
    assert clean_text("x" * 10, limit=4) == "xxxx (cut)"
    assert clean_text(None) == ""


@pytest.fixture
def database_refuses_marked_output():
    """The database refuses output holding "refuse-me", a refusal no cleaning
    foresees: a check of its own (PostgreSQL), a trigger (SQLite). Undone with
    the test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "ALTER TABLE grader_submission ADD CONSTRAINT refuse_marked CHECK (stdout NOT LIKE '%refuse-me%')"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER refuse_marked BEFORE UPDATE ON grader_submission "
                "WHEN NEW.stdout LIKE '%refuse-me%' BEGIN SELECT RAISE(ABORT, 'refused'); END"
            )


def test_a_result_the_database_refuses_ends_as_an_internal_error(
    alice, alice_client, softmax, database_refuses_marked_output, caplog
):
    code = softmax.current_version.solution + '\nprint("refuse-me")\n'
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="submit")
    with caplog.at_level(logging.ERROR, logger="grader.services"):
        submission_grade(submission_id=submission.pk)

    submission = Submission.objects.get(pk=submission.pk)
    assert (submission.status, submission.verdict, submission.stdout) == ("done", "internal_error", "")
    assert "could not store this result" in submission.error and submission.finished is not None
    assert "the database refused its result" in caplog.text and "IntegrityError" in caplog.text
    assert alice_client.get(f"/submissions/{submission.pk}/").status_code == 200
    submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")  # not refused with 409


def test_the_sweeper_gives_up_on_a_grading_claimed_too_often(alice, bob, softmax, settings, caplog):
    settings.GRADER_MAX_ATTEMPTS = 3
    long_ago = timezone.now() - timedelta(hours=1)
    spent = submission_create(user=alice, challenge=softmax, code="spent = 1\n", kind="submit")
    again = submission_create(user=bob, challenge=softmax, code="again = 1\n", kind="submit")
    Submission.objects.filter(pk=spent.pk).update(status="running", started=long_ago, attempts=3)
    Submission.objects.filter(pk=again.pk).update(status="running", started=long_ago, attempts=2)

    with caplog.at_level(logging.ERROR, logger="grader.services"):
        assert submission_sweep() == {"running": 1, "queued": 0, "gave up": 1}
    spent.refresh_from_db()
    assert (spent.status, spent.verdict, spent.attempts) == ("done", "internal_error", 3)
    assert "gave up after 3 attempts" in spent.error and spent.finished is not None
    assert f"gave up on submission {spent.pk} after 3 attempts" in caplog.text
    assert Submission.objects.get(pk=again.pk).status == "queued"  # its third attempt still to come
    assert submission_sweep() == {"running": 0, "queued": 0, "gave up": 0}
    submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")  # alice may grade again


def test_a_grading_given_up_meanwhile_keeps_the_give_up(alice, softmax, monkeypatch, settings):
    from grader import services

    settings.GRADER_STUCK_RUNNING_SECONDS = 0
    submission = submission_create(user=alice, challenge=softmax, code=softmax.current_version.solution, kind="run")
    Submission.objects.filter(pk=submission.pk).update(attempts=2)
    real_judge = services.default_judge()

    class GivenUpMeanwhile:
        def grade(self, *args, **kwargs):
            assert submission_sweep()["gave up"] == 1  # this third attempt took too long
            return real_judge.grade(*args, **kwargs)

    monkeypatch.setattr(services, "default_judge", lambda: GivenUpMeanwhile())
    assert submission_grade(submission_id=submission.pk) is None
    submission.refresh_from_db()
    assert (submission.status, submission.verdict) == ("done", "internal_error")
