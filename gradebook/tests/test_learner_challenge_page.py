"""/gradebook/learners/<user_id>/<slug>/: one learner's gradings on one challenge."""

import pytest
from django.urls import reverse

from gradebook.tests.conftest import make_submission

pytestmark = pytest.mark.django_db


def url(user, slug="softmax") -> str:
    return reverse("gradebook:learner_challenge", args=[user.pk, slug])


def test_it_lists_the_learners_runs_and_submits_newest_first_with_links(teacher_client, classroom):
    response = teacher_client.get(url(classroom.alice))
    shown = list(response.context["page"])
    assert [(s.kind, s.verdict) for s in shown] == [
        ("run", "failed"), ("submit", "passed"), ("submit", "passed"), ("submit", "failed"),
    ]  # fmt: skip
    for s in shown:
        assert f'href="{reverse("grader:submission", args=[s.pk])}"'.encode() in response.content
    assert response.context["cell"].attempts == 3 and response.context["cell"].best_score == 1.0


def test_it_leaves_out_previews(teacher_client, classroom):
    shown = list(teacher_client.get(url(classroom.alice, "cross-entropy")).context["page"])
    assert [(s.verdict, s.score) for s in shown] == [("failed", 0.25)]


def test_the_cell_on_the_gradebook_leads_here_and_this_page_leads_back(teacher_client, classroom):
    response = teacher_client.get(url(classroom.bob))
    assert b"75%" in response.content
    assert f'href="{reverse("gradebook:challenge", args=["softmax"])}"'.encode() in response.content


def test_a_learner_without_gradings_gets_an_empty_list(teacher_client, classroom):
    response = teacher_client.get(url(classroom.carol))
    assert response.status_code == 200 and b"No Run or Submit" in response.content


def test_an_unknown_learner_or_challenge_is_not_found(teacher_client, classroom):
    assert teacher_client.get(reverse("gradebook:learner_challenge", args=[999999, "softmax"])).status_code == 404
    assert teacher_client.get(url(classroom.alice, "no-such-challenge")).status_code == 404


def test_it_pages_long_histories(teacher_client, classroom):
    for _ in range(105):
        make_submission(classroom.bob, classroom.xent)
    response = teacher_client.get(url(classroom.bob, "cross-entropy"), {"page": 2})
    assert len(response.context["page"]) == 5
