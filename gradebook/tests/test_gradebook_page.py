"""/gradebook/: learners x published challenges, sorted, filtered, paginated."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from gradebook.selectors import gradebook_build
from gradebook.tests.conftest import T0, make_submission
from gradebook.views import LEARNERS_PER_PAGE
from grader.models import Submission

pytestmark = pytest.mark.django_db


def usernames(response) -> list[str]:
    return [row.username for row, _ in response.context["rows"]]


def cell(book, username: str, slug: str):
    row = next(r for r in book.rows if r.username == username)
    i = next(i for i, col in enumerate(book.columns) if col.challenge.slug == slug)
    return row.cells[i]


def test_it_shows_each_learners_best_score_attempts_and_first_solve(classroom):
    book = gradebook_build()
    softmax = cell(book, "alice", "softmax")
    assert (softmax.best_score, softmax.attempts, softmax.first_solved) == (1.0, 3, T0 + timedelta(hours=1))
    xent = cell(book, "alice", "cross-entropy")
    assert (xent.best_score, xent.attempts, xent.solved) == (0.25, 1, False)
    assert cell(book, "bob", "softmax").best_score == 0.75
    assert cell(book, "carol", "softmax").attempts == 0 and cell(book, "carol", "softmax").best_score is None


def test_it_totals_best_score_times_points_per_learner(classroom):
    rows = {r.username: r for r in gradebook_build().rows}
    assert rows["alice"].total == pytest.approx(1.0 * 100 + 0.25 * 150)
    assert rows["alice"].solved == 1
    assert rows["bob"].total == pytest.approx(75) and rows["carol"].total == 0


def test_it_totals_each_challenge_over_the_learners(classroom):
    columns = {col.challenge.slug: col for col in gradebook_build().columns}
    assert len(columns) == 5
    assert (columns["softmax"].attempted, columns["softmax"].solved) == (2, 1)
    assert columns["softmax"].mean_best == pytest.approx((1.0 + 0.75) / 2)
    assert (columns["cross-entropy"].attempted, columns["cross-entropy"].solved) == (1, 0)
    assert columns["batch-norm"].mean_best is None
    assert gradebook_build().max_total == 100 + 100 + 150 + 150 + 200


def test_only_active_learners_have_rows(classroom):
    # the instructor, the superuser and the inactive user all passed softmax
    assert [r.username for r in gradebook_build().rows] == ["alice", "bob", "carol"]


def test_previews_and_runs_count_in_no_cell(classroom):
    Submission.objects.filter(user=classroom.alice, challenge=classroom.softmax, kind="submit").delete()
    book = gradebook_build()
    assert cell(book, "alice", "softmax").attempts == 0  # only her Run is left
    assert cell(book, "alice", "cross-entropy").solved is False  # her passing one was a preview


def test_unpublished_challenges_have_no_column(classroom):
    classroom.softmax.published = False
    classroom.softmax.save(update_fields=["published"])
    assert "softmax" not in [col.challenge.slug for col in gradebook_build().columns]


def test_the_page_renders_each_cell_as_a_link_to_the_learners_submissions(teacher_client, classroom):
    response = teacher_client.get(reverse("gradebook:index"))
    assert response.status_code == 200
    assert usernames(response) == ["alice", "bob", "carol"]
    link = reverse("gradebook:learner_challenge", args=[classroom.alice.pk, "softmax"])
    assert f'href="{link}"'.encode() in response.content
    assert b"teacher</td>" not in response.content
    assert b"style=" not in response.content and b"<script>" not in response.content  # the CSP allows neither


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("name", ["alice", "bob", "carol"]),
        ("-name", ["carol", "bob", "alice"]),
        ("-total", ["alice", "bob", "carol"]),
        ("total", ["carol", "bob", "alice"]),
        ("-c.softmax", ["alice", "bob", "carol"]),
        ("c.softmax", ["carol", "bob", "alice"]),
        ("-c.cross-entropy", ["alice", "bob", "carol"]),  # bob and carol tie at nothing: name order
        ("-solved", ["alice", "bob", "carol"]),
        ("no-such-column", ["alice", "bob", "carol"]),
    ],
)
def test_it_sorts_by_any_column(teacher_client, classroom, sort, expected):
    response = teacher_client.get(reverse("gradebook:index"), {"sort": sort})
    assert usernames(response) == expected


def test_a_sorted_column_header_links_to_the_other_direction(teacher_client, classroom):
    response = teacher_client.get(reverse("gradebook:index"), {"sort": "-total", "q": "a"})
    assert b'href="?sort=total&amp;q=a"' in response.content
    assert b'href="?sort=-c.softmax&amp;q=a"' in response.content


def test_it_filters_learners_by_a_part_of_their_name(teacher_client, classroom):
    assert usernames(teacher_client.get(reverse("gradebook:index"), {"q": "LIC"})) == ["alice"]
    assert usernames(teacher_client.get(reverse("gradebook:index"), {"q": "carol smi"})) == ["carol"]
    assert usernames(teacher_client.get(reverse("gradebook:index"), {"q": "nobody"})) == []


def test_it_filters_challenges_by_tag_and_totals_only_those(teacher_client, classroom):
    response = teacher_client.get(reverse("gradebook:index"), {"tag": "losses"})
    book = response.context["book"]
    assert [col.challenge.slug for col in book.columns] == ["cross-entropy"]
    assert {r.username: r.total for r in book.rows}["alice"] == pytest.approx(0.25 * 150)
    assert "activations" in book.tags  # the filter still offers every tag


def test_it_shows_fifty_learners_a_page(teacher_client, classroom):
    User = get_user_model()
    User.objects.bulk_create(User(username=f"learner{i:03}") for i in range(120))  # 123 learners
    page3 = teacher_client.get(reverse("gradebook:index"), {"page": 3})
    assert len(usernames(page3)) == 123 - 2 * LEARNERS_PER_PAGE
    assert usernames(page3)[-1] == "learner119"
    assert b"Page 3 of 3" in page3.content and b'href="?page=2"' in page3.content
    # a page number past the end shows the last page, not an error
    assert usernames(teacher_client.get(reverse("gradebook:index"), {"page": 99})) == usernames(page3)


def populate(challenges, learners: int, submits: int) -> None:
    """*learners* learners, each with *submits* Submits on every challenge."""
    User = get_user_model()
    users = User.objects.bulk_create(User(username=f"l{learners}-{i}") for i in range(learners))
    Submission.objects.bulk_create(
        Submission(
            user=u,
            challenge=c,
            version=c.current_version,
            code="",
            kind="submit",
            status="done",
            verdict="passed" if n == submits - 1 else "failed",
            score=n / submits,
            seed=n,
        )  # fmt: skip
        for u in users
        for c in challenges
        for n in range(submits)
    )


@pytest.mark.parametrize("learners, submits", [(2, 1), (80, 4)])
def test_the_page_takes_the_same_few_queries_whatever_the_size(
    teacher_client, library, django_assert_num_queries, learners, submits
):
    from challenges.models import Challenge

    populate(list(Challenge.objects.select_related("current_version")), learners, submits)
    # session, user, the instructor's role (one lookup); challenges, learners, scores
    with django_assert_num_queries(6):
        response = teacher_client.get(reverse("gradebook:index"), {"sort": "-total"})
    assert response.status_code == 200
    assert response.context["page"].paginator.count == learners


def test_an_instructors_previews_do_not_make_them_a_learner(teacher_client, classroom, teacher):
    make_submission(teacher, classroom.softmax, verdict="passed", score=1.0, preview=True)
    assert "teacher" not in usernames(teacher_client.get(reverse("gradebook:index")))


def test_the_export_link_carries_the_pages_filters(teacher_client, classroom):
    response = teacher_client.get(reverse("gradebook:index"), {"q": "ali", "tag": "losses", "sort": "-total"})
    assert f'href="{reverse("gradebook:export")}?q=ali&amp;tag=losses"'.encode() in response.content
