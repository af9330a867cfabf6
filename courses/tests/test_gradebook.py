"""The course gradebook: course scores per learner and challenge (late factor,
extensions and floors applied), totals by points, sorting and filters, the
CSV for an LMS, an assignment's analytics, and who may open the submissions
behind the cells."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.gradebook import assignment_analytics, course_gradebook
from courses.models import Membership
from courses.services import extension_grant, membership_end
from courses.tests.conftest import DAY, HOUR, T0, enrol, make_assignment
from gradebook.tests.conftest import make_submission
from grader.selectors import submission_for_user

pytestmark = pytest.mark.django_db
NOW = T0 + 40 * DAY
FAR = T0 + 3650 * DAY  # an assignment opening here is upcoming whatever the clock says


@pytest.fixture
def carol(django_user_model):
    return django_user_model.objects.create_user("carol", "carol@example.com", first_name="Carol", last_name="Smith")


@pytest.fixture
def book(course, alice, bob, carol, challenges):
    """Three learners; Week 1 (softmax 100 + cross-entropy 150 points) with a
    hard close and an extension for bob, Week 2 (softmax-gradient-step, 200)
    with a floor and no close, Week 3 not open yet."""
    enrol(course, bob)
    enrol(course, carol)
    week1 = make_assignment(course, [challenges.softmax, challenges.cross_entropy], due=T0 + 7 * DAY,
                            closes=T0 + 9 * DAY, per_day=0.1, floor=0.5, title="Week 1")  # fmt: skip
    week2 = make_assignment(course, [challenges.softmax_gradient_step], due=T0 + DAY, per_day=0.2, floor=0.3,
                            title="Week 2")  # fmt: skip
    week3 = make_assignment(course, [challenges.batch_norm], opens=FAR, due=FAR + DAY, title="Week 3")
    extension_grant(assignment=week1, user=bob, due=T0 + 10 * DAY, closes=None)
    sm, xe, step = challenges.softmax, challenges.cross_entropy, challenges.softmax_gradient_step
    make_submission(alice, sm, verdict="failed", score=0.6, at=T0 + 6 * DAY)  # on time: 0.6
    late = make_submission(alice, sm, verdict="passed", score=1.0, at=T0 + 7 * DAY + HOUR)  # a day late: 0.9
    make_submission(alice, xe, verdict="failed", score=0.4, at=T0 + DAY)
    make_submission(bob, sm, verdict="passed", score=1.0, at=T0 + 8 * DAY)  # before his extended due: 1.0
    make_submission(bob, step, verdict="passed", score=1.0, at=T0 + 3 * DAY + HOUR)  # three days late: 0.4
    make_submission(carol, step, verdict="passed", score=1.0, at=T0 + 30 * DAY)  # the floor: 0.3
    make_submission(carol, sm, verdict="passed", score=1.0, at=T0 + 9 * DAY)  # at the hard close: nothing
    make_submission(carol, challenges.batch_norm, verdict="passed", score=1.0, at=T0 + DAY)  # before Week 3 opens
    return {"week1": week1, "week2": week2, "week3": week3, "alice_late": late}


def _rows(book_):
    return {r.user.username: r for r in book_.rows}


def _cells(row):
    return [[(i.best.course_score, i.best.days_late) if i.best else None for i in p.items] for p in row.progress]


def test_cells_apply_late_penalties_extensions_and_floors(course, book):
    rows = _rows(course_gradebook(course=course, now=NOW))
    assert _cells(rows["alice"]) == [[(0.9, 1), (0.4, 0)], [None], [None]]
    assert _cells(rows["bob"]) == [[(1.0, 0), None], [(0.4, 3)], [None]]
    assert _cells(rows["carol"]) == [[None, None], [(0.3, 29)], [None]]
    assert rows["carol"].progress[0].items[0].status == "new"  # a Submit at the close is not accepted
    assert rows["alice"].progress[0].items[0].best.submission_id == book["alice_late"].pk


def test_assignment_totals_and_the_course_total_go_by_points_over_opened_assignments(course, book):
    rows = _rows(course_gradebook(course=course, now=NOW))
    assert [p.fraction for p in rows["alice"].progress] == [pytest.approx(150 / 250), 0.0, 0.0]
    # Week 3 has not opened: out of the total (450 points: Weeks 1 and 2)
    assert rows["alice"].total == pytest.approx(150 / 450)
    assert rows["bob"].total == pytest.approx((100 + 80) / 450)
    assert rows["carol"].total == pytest.approx(60 / 450)
    assert rows["alice"].progress[2].state == "upcoming"


def test_sorting_by_name_total_assignment_and_cell(course, book):
    def order(sort, **kwargs):
        result = course_gradebook(course=course, now=NOW, sort=sort, **kwargs)
        return result.sort, [r.user.username for r in result.rows]

    week1 = book["week1"]
    softmax_item = week1.items.get(challenge__slug="softmax")
    assert order("name") == ("name", ["alice", "bob", "carol"])
    assert order("-name") == ("-name", ["carol", "bob", "alice"])
    assert order("-total") == ("-total", ["bob", "alice", "carol"])
    assert order(f"-a.{week1.pk}") == (f"-a.{week1.pk}", ["alice", "bob", "carol"])  # 60%, 40%, 0%
    assert order(f"-c.{softmax_item.pk}") == (f"-c.{softmax_item.pk}", ["bob", "alice", "carol"])
    assert order(f"c.{softmax_item.pk}")[1] == ["carol", "alice", "bob"]  # never scored sorts lowest
    assert order("bogus") == ("name", ["alice", "bob", "carol"])
    # a column the assignment filter hides cannot be sorted by
    assert order(f"-c.{softmax_item.pk}", assignment_id=book["week2"].pk)[0] == "name"


def test_filters_by_name_and_assignment(course, book):
    assert [r.user.username for r in course_gradebook(course=course, now=NOW, name="SMITH").rows] == ["carol"]
    filtered = course_gradebook(course=course, now=NOW, assignment_id=str(book["week2"].pk))
    assert [c.assignment.title for c in filtered.shown_assignments] == ["Week 2"]
    assert len(filtered.rows) == 3 and filtered.rows[0].total == pytest.approx(150 / 450)  # the total is the course's
    assert len(course_gradebook(course=course, now=NOW, assignment_id="nope").shown_assignments) == 3


def test_only_current_learners_are_rows(course, book, bob, tara, teacher):
    membership_end(membership=Membership.objects.get(course=course, user=bob, left=None), now=NOW)
    assert [r.user.username for r in course_gradebook(course=course, now=NOW).rows] == ["alice", "carol"]


def test_the_page_shows_cells_late_markers_and_links_to_the_counted_submit(client, course, book, tara):
    client.force_login(tara)  # a TA reads it
    page = client.get(reverse("courses:gradebook", args=[course.pk]), {"sort": "-total"})
    assert page.status_code == 200
    html = page.content.decode()
    html = html[html.index("<tbody>") :]
    assert reverse("grader:submission", args=[book["alice_late"].pk]) in html
    assert html.count('<span class="late">late</span>') == 3  # alice's softmax, bob's and carol's Week 2
    assert html.index('learner">bob') < html.index('learner">alice') < html.index('learner">carol')
    filtered = client.get(reverse("courses:gradebook", args=[course.pk]), {"q": "carol"}).content.decode()
    assert 'learner">carol' in filtered and 'learner">alice' not in filtered


def test_the_course_page_links_the_gradebook_for_staff_only(client, course, book, tara, alice):
    url = reverse("courses:gradebook", args=[course.pk])
    client.force_login(tara)
    assert url in client.get(reverse("courses:detail", args=[course.pk])).content.decode()
    client.force_login(alice)
    assert url not in client.get(reverse("courses:detail", args=[course.pk])).content.decode()
    assert client.get(url).status_code == 403


def test_the_csv_has_one_row_per_learner_with_assignment_percentages(teacher_client, course, book):
    response = teacher_client.get(reverse("courses:gradebook_export", args=[course.pk]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0] == ["username", "email", "full_name", "Week 1", "Week 2", "Week 3", "course_total"]
    by_name = {r[0]: r for r in rows[1:]}
    # alice's softmax counts 0.9 (a day late): (90 + 60) of Week 1's 250 points
    assert by_name["alice"] == ["alice", "alice@example.com", "", "60.0", "0.0", "", "33.33"]
    assert by_name["carol"] == ["carol", "carol@example.com", "Carol Smith", "0.0", "30.0", "", "13.33"]
    assert len(rows) == 4


def _gradebook_queries(client, course) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("courses:gradebook", args=[course.pk])).status_code == 200
    return len(captured)


def test_the_page_costs_the_same_queries_for_3_and_30_learners(
    teacher_client, course, book, challenges, django_user_model
):
    _gradebook_queries(teacher_client, course)  # the nav's role is asked once, then remembered
    few = _gradebook_queries(teacher_client, course)
    for n in range(27):
        learner = django_user_model.objects.create_user(f"learner{n:02}")
        enrol(course, learner)
        make_submission(learner, challenges.softmax, verdict="passed", score=1.0, at=T0 + 8 * DAY)
        make_submission(learner, challenges.cross_entropy, verdict="failed", score=0.5, at=T0 + DAY)
    assert course.memberships.filter(role="learner", left=None).count() == 30
    assert _gradebook_queries(teacher_client, course) == few


def test_an_assignments_analytics_count_its_course_learners_only(course, book, django_user_model, challenges):
    outsider = django_user_model.objects.create_user("dave")
    make_submission(outsider, challenges.softmax, verdict="failed", score=0.1, at=T0 + DAY)  # in no course
    softmax, xent = assignment_analytics(assignment=book["week1"], now=NOW)
    assert (softmax.solved, softmax.attempted, softmax.not_started, softmax.late) == (2, 0, 1, 1)
    assert [(b.label, b.count) for b in softmax.distribution][-1] == ("80–100%", 2)
    assert (xent.solved, xent.attempted, xent.not_started, xent.late) == (0, 1, 2, 0)
    assert [b.count for b in xent.distribution] == [0, 0, 1, 0, 0]
    # the global analytics, over these learners: dave's Submit is not among them
    assert softmax.analytics.submits == 4 and softmax.analytics.attempted == 3


def test_the_analytics_page_answers_staff(client, course, book, tara):
    client.force_login(tara)
    page = client.get(reverse("courses:analytics", args=[course.pk, book["week1"].pk]))
    assert page.status_code == 200 and b"Not started" in page.content and b"Misconceptions" in page.content


# --- who may open the submissions behind the cells ----------------------------------


@pytest.fixture
def course_only_instructor(course, django_user_model):
    """An instructor of the course without the site's instructor role."""
    user = django_user_model.objects.create_user("ivy")
    enrol(course, user, Membership.Role.INSTRUCTOR)
    return user


def test_a_courses_staff_open_its_learners_submissions_of_its_challenges(
    course, book, tara, course_only_instructor, alice
):
    submission = book["alice_late"]
    for user in (tara, course_only_instructor):
        assert submission_for_user(user=user, pk=submission.pk) == submission
        assert submission_for_user(user=user, pk=submission.pk, result_only=True) == submission


def test_nobody_else_opens_them(course, book, tara, alice, bob, carol, challenges, django_user_model, teacher):
    from courses.services import course_create

    submission = book["alice_late"]
    outside = make_submission(alice, challenges.cosine_similarity, verdict="passed", score=1.0, at=T0 + DAY)
    other_teacher = django_user_model.objects.create_user("otto")
    other = course_create(user=teacher, title="Other", now=T0)
    enrol(other, other_teacher, Membership.Role.INSTRUCTOR)
    make_assignment(other, [challenges.softmax])
    assert submission_for_user(user=tara, pk=outside.pk) is None  # a challenge the course does not set
    assert submission_for_user(user=other_teacher, pk=submission.pk) is None  # not their course's learner
    # alice learns in their course too, but it does not set softmax: still not through it
    enrol(other, alice)
    make_assignment(other, [challenges.cosine_similarity], title="Their week")
    other.assignments.filter(title="Week 1").delete()
    assert submission_for_user(user=other_teacher, pk=submission.pk) is None
    assert submission_for_user(user=other_teacher, pk=outside.pk) == outside
    for learner in (bob, carol):  # learners of the course
        assert submission_for_user(user=learner, pk=submission.pk) is None
    # a TA who has left, or a learner who has: no more
    membership_end(membership=Membership.objects.get(course=course, user=alice, left=None), now=NOW)
    assert submission_for_user(user=tara, pk=submission.pk) is None


def test_a_ta_reads_a_learners_submission_with_hidden_tests_redacted(client, course, tara, alice, challenges):
    make_assignment(course, [challenges.softmax])
    tests = [{"name": "test_secret", "status": "failed", "hidden": True, "message": "expected 42", "duration_ms": 1.0}]
    submission = make_submission(alice, challenges.softmax, verdict="failed", score=0.0, at=T0 + DAY, tests=tests)
    client.force_login(tara)
    page = client.get(reverse("grader:submission", args=[submission.pk]))
    assert page.status_code == 200 and b"test_secret" in page.content and b"expected 42" not in page.content
