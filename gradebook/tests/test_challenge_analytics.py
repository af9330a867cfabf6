"""/gradebook/challenges/<slug>/: how learners fare on one challenge, and what they get wrong."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from challenges.models import ChallengeVersion
from gradebook.selectors import challenge_analytics
from gradebook.tests.conftest import T0, make_submission, results
from studio.models import ValidationRun

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol")


@pytest.fixture
def attempts(softmax, alice, bob, carol, teacher):
    """alice passes on her third Submit, 3 h after her first; bob on his first; carol times out."""
    make_submission(alice, softmax, at=T0, tests=results(sums="passed", overflow="failed", batch="failed"))
    make_submission(alice, softmax, at=T0 + HOUR, tests=results(sums="passed", overflow="failed", batch="passed"))
    make_submission(alice, softmax, kind="run", at=T0 + 2 * HOUR)  # Runs are not attempts
    make_submission(alice, softmax, verdict="passed", score=1.0, at=T0 + 3 * HOUR)
    make_submission(alice, softmax, verdict="passed", score=1.0, at=T0 + 4 * HOUR)
    make_submission(bob, softmax, verdict="passed", score=1.0, at=T0 + 5 * HOUR)
    make_submission(carol, softmax, verdict="timeout", at=T0, tests=results(sums="passed", overflow="timeout"))
    make_submission(carol, softmax, verdict="internal_error", at=T0 + HOUR)  # the grader's fault
    make_submission(teacher, softmax, at=T0, preview=True, tests=results(overflow="failed"))


def test_it_counts_learners_attempted_and_solved(attempts, softmax):
    stats = challenge_analytics(challenge=softmax)
    assert (stats.attempted, stats.solved, stats.submits) == (3, 2, 7)
    assert stats.solve_rate == pytest.approx(2 / 3)


def test_it_gives_the_median_attempts_and_time_to_the_first_solve(attempts, softmax):
    stats = challenge_analytics(challenge=softmax)
    assert stats.median_attempts_to_solve == 2  # alice 3, bob 1
    assert stats.median_time_to_solve == timedelta(hours=1.5)  # alice 3 h, bob at once


def test_it_breaks_submits_down_by_verdict(attempts, softmax):
    verdicts = {v.verdict: (v.count, v.share) for v in challenge_analytics(challenge=softmax).verdicts}
    assert verdicts == {"passed": (3, 3 / 7), "failed": (2, 2 / 7), "timeout": (1, 1 / 7), "internal_error": (1, 1 / 7)}


def test_it_ranks_the_tests_failing_submits_fail_most(attempts, softmax):
    stats = challenge_analytics(challenge=softmax)
    assert stats.failing == 3  # two failed, one timeout; the internal error is not the learner's
    assert [(t.name, t.count, t.share) for t in stats.failed_tests] == [("overflow", 3, 1.0), ("batch", 1, 1 / 3)]


def test_a_challenge_nobody_tried_has_no_figures(softmax):
    stats = challenge_analytics(challenge=softmax)
    assert (stats.attempted, stats.solve_rate, stats.median_attempts_to_solve, stats.median_time_to_solve) == (
        0, None, None, None,
    )  # fmt: skip


def validation(version, runs: dict, *, status="done", tests=("sums", "overflow", "batch")) -> ValidationRun:
    """A validation run with each run's {test: status}."""
    return ValidationRun.objects.create(
        version=version, status=status, valid=True, tests=list(tests),
        runs={
            name: {"verdict": "failed", "description": f"{name} misconception", "statuses": statuses}
            for name, statuses in runs.items()
        },
    )  # fmt: skip


REFERENCE = {"sums": "passed", "overflow": "passed", "batch": "passed"}


@pytest.fixture
def validated(softmax):
    validation(softmax.current_version, {"reference": REFERENCE, "naive": {"overflow": "passed"}})  # older: ignored
    return validation(
        softmax.current_version,
        {
            "reference": REFERENCE,
            "naive": {"sums": "passed", "overflow": "failed", "batch": "failed"},
            "global_max": {"sums": "passed", "overflow": "passed", "batch": "failed"},
            "only_2d": {"sums": "passed", "overflow": "passed", "batch": "error"},  # same tests: indistinguishable
        },
    )


def test_failing_submits_are_grouped_by_the_mutant_whose_failures_they_share(softmax, validated, alice, bob, carol):
    make_submission(alice, softmax, tests=results(sums="passed", overflow="failed", batch="failed"))  # naive
    make_submission(bob, softmax, tests=results(sums="passed", overflow="error", batch="timeout"))  # naive
    make_submission(bob, softmax, tests=results(sums="passed", overflow="failed", batch="failed"))  # naive again
    make_submission(carol, softmax, tests=results(sums="passed", overflow="passed", batch="failed"))  # global max
    make_submission(carol, softmax, tests=results(sums="failed", overflow="passed", batch="passed"))  # none
    make_submission(carol, softmax, verdict="error", tests=[])  # did not load: like no mutant
    make_submission(carol, softmax, verdict="passed", score=1.0)  # passing: not classified
    make_submission(carol, softmax, verdict="internal_error")  # the grader's fault: not classified

    report = challenge_analytics(challenge=softmax).misconceptions
    assert (report.classified, report.unvalidated, report.unmatched) == (6, 0, 2)
    assert [(m.mutants, m.submissions, m.learners, m.share) for m in report.misconceptions] == [
        (("naive",), 3, 2, 0.5),
        (("global_max", "only_2d"), 1, 1, 1 / 6),
    ]
    assert report.misconceptions[0].descriptions == ("naive misconception",)
    assert report.unmatched_share == pytest.approx(1 / 3)


def test_submits_graded_against_an_unvalidated_version_are_counted_apart(softmax, validated, alice):
    v2 = ChallengeVersion.objects.create(
        challenge=softmax, number=2, **ChallengeVersion.fields_from_pack(softmax.current_version.pack())
    )
    validation(v2, {"reference": REFERENCE}, status="running")  # not finished: does not count
    make_submission(alice, softmax, version=v2, tests=results(sums="passed", overflow="failed", batch="failed"))
    make_submission(alice, softmax, tests=results(sums="passed", overflow="failed", batch="failed"))
    report = challenge_analytics(challenge=softmax).misconceptions
    assert (report.classified, report.unvalidated, report.validated_versions) == (1, 1, [1])


def test_previews_and_other_challenges_are_not_classified(softmax, validated, teacher, alice, library):
    from challenges.models import Challenge

    make_submission(teacher, softmax, preview=True, tests=results(sums="passed", overflow="failed", batch="failed"))
    make_submission(alice, Challenge.objects.get(slug="cross-entropy"), tests=results(overflow="failed"))
    assert challenge_analytics(challenge=softmax).misconceptions.classified == 0


def test_the_page_names_the_misconceptions_with_their_share(teacher_client, softmax, validated, alice, bob):
    make_submission(alice, softmax, tests=results(sums="passed", overflow="failed", batch="failed"))
    make_submission(bob, softmax, tests=results(sums="failed", overflow="failed", batch="failed"))
    response = teacher_client.get(reverse("gradebook:challenge", args=["softmax"]))
    assert response.status_code == 200
    text = " ".join(re.sub(r"<[^>]+>", "", response.content.decode()).split())
    assert "50% of failing submissions behave like 'naive misconception'" in text
    assert "50% match no mutant" in text
    assert b'<td title="overflow">Overflow</td><td>2</td>' in response.content


def test_without_a_validation_the_page_asks_for_one(teacher_client, softmax, alice):
    make_submission(alice, softmax, tests=results(overflow="failed"))
    response = teacher_client.get(reverse("gradebook:challenge", args=["softmax"]))
    assert b"to see misconceptions" in response.content
    assert not challenge_analytics(challenge=softmax).misconceptions.has_validation


def test_the_page_takes_the_same_few_queries_whatever_the_size(
    teacher_client, softmax, validated, django_user_model, django_assert_num_queries
):
    for n in (2, 40):
        for i in range(n):
            user = django_user_model.objects.create_user(f"n{n}-{i}")
            make_submission(user, softmax, tests=results(sums="passed", overflow="failed", batch="failed"))
            make_submission(user, softmax, verdict="passed", score=1.0, at=T0 + HOUR)
        # session, user, the role; challenge, timeline, validations, failing Submits (read once)
        with django_assert_num_queries(7):
            assert teacher_client.get(reverse("gradebook:challenge", args=["softmax"])).status_code == 200


def test_the_challenge_index_links_each_challenge_to_its_analytics(teacher_client, attempts, softmax):
    response = teacher_client.get(reverse("gradebook:challenges"))
    summary = next(s for s in response.context["summaries"] if s.challenge.slug == "softmax")
    assert (summary.attempted, summary.solved, summary.submits) == (3, 2, 7)
    assert f'href="{reverse("gradebook:challenge", args=["softmax"])}"'.encode() in response.content
    assert len(response.context["summaries"]) == 5


def test_it_counts_the_learners_who_unlocked_each_hint_before_solving(attempts, softmax, teacher_client):
    # alice failed twice before passing, bob never, carol twice without passing; softmax has 3 hints
    assert challenge_analytics(challenge=softmax).hints_unlocked == [2, 2, 0]
    page = teacher_client.get(reverse("gradebook:challenge", args=["softmax"])).content.decode()
    assert "<td>Hint 2</td><td>2 of 3</td>" in page and "<td>Hint 3</td><td>0 of 3</td>" in page
