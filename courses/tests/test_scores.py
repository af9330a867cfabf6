"""Progress and course scores: best over accepted Submits of score x late factor,
computed from the learner's dates; the practice score is untouched."""

import pytest

from courses.models import Course, Extension
from courses.selectors import (
    assignment_scores,
    challenge_assignment_context,
    course_access,
    dashboard,
    learner_progress,
)
from courses.services import assignment_move, assignment_save, extension_grant
from courses.tests.conftest import DAY, HOUR, T0, enrol, make_assignment
from gradebook.tests.conftest import make_submission
from grader.selectors import challenge_progress

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(course, challenges):
    # due a week after opening, hard close two days later, 10% a day down to 50%
    return make_assignment(
        course, [challenges.softmax, challenges.cross_entropy], due=T0 + 7 * DAY, closes=T0 + 9 * DAY, per_day=0.1,
        floor=0.5,
    )  # fmt: skip


def items(progress):
    return {p.item.challenge.slug: p for p in progress.items}


def test_statuses_follow_accepted_submits(week, alice, challenges):
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + DAY)
    make_submission(alice, challenges.cross_entropy, verdict="failed", score=0.25, at=T0 + DAY)
    make_submission(alice, challenges.batch_norm, verdict="passed", score=1.0, at=T0 + DAY)  # not in it
    [p] = learner_progress(user=alice, assignments=[week], now=T0 + 2 * DAY)
    assert {s: i.status for s, i in items(p).items()} == {"softmax": "solved", "cross-entropy": "attempted"}
    assert p.state == "open" and p.solved == 1
    assert p.points == 250 and p.earned == pytest.approx(100 + 0.25 * 150)


def test_runs_previews_internal_errors_and_submits_outside_the_window_count_for_nothing(week, alice, challenges):
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 - HOUR)  # before it opened
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, kind="run", at=T0 + DAY)
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, preview=True, at=T0 + DAY)
    make_submission(alice, challenges.softmax, verdict="internal_error", score=0.0, at=T0 + DAY)
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + 9 * DAY)  # at the hard close
    [p] = learner_progress(user=alice, assignments=[week], now=T0 + 10 * DAY)
    assert items(p)["softmax"].status == "new" and items(p)["softmax"].best is None and p.earned == 0
    assert p.state == "closed"


def test_a_late_submit_is_scaled_by_the_days_it_is_late(week, alice, challenges):
    make_submission(alice, challenges.softmax, verdict="failed", score=0.6, at=T0 + 6 * DAY)  # on time: 0.6
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + 7 * DAY + HOUR)  # 1 day: 0.9
    [p] = learner_progress(user=alice, assignments=[week], now=T0 + 8 * DAY)
    best = items(p)["softmax"].best
    assert (best.days_late, best.factor, best.course_score) == (1, 0.9, 0.9)
    assert p.state == "late"
    # the practice score is the grader's own, unscaled
    assert challenge_progress(user=alice, challenge=challenges.softmax)["best_score"] == 1.0


def test_the_floor_holds_however_late(course, alice, challenges):
    open_ended = make_assignment(course, [challenges.softmax], due=T0 + DAY, per_day=0.2, floor=0.3)
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + 40 * DAY)
    [p] = learner_progress(user=alice, assignments=[open_ended], now=T0 + 41 * DAY)
    assert items(p)["softmax"].best.factor == 0.3 and p.state == "late"


def test_ties_go_to_the_earliest_so_an_on_time_solve_is_not_replaced(week, alice, challenges):
    first = make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + DAY)
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + 2 * DAY)
    [p] = learner_progress(user=alice, assignments=[week], now=T0 + 3 * DAY)
    assert items(p)["softmax"].best.submission_id == first.pk


def test_an_extension_moves_this_learners_dates_only(week, course, alice, bob, challenges):
    enrol(course, bob)
    extension_grant(assignment=week, user=alice, due=T0 + 10 * DAY, closes=T0 + 12 * DAY)
    for who in (alice, bob):
        make_submission(who, challenges.softmax, verdict="passed", score=1.0, at=T0 + 8 * DAY)
    scores = {s.user.username: s.progress for s in assignment_scores(assignment=week, now=T0 + 10 * DAY + HOUR)}
    assert scores["alice"].dates.extended and items(scores["alice"])["softmax"].best.factor == 1.0
    assert items(scores["bob"])["softmax"].best.factor == 0.9
    assert scores["alice"].state == "late" and scores["bob"].state == "closed"


def test_an_extension_is_one_per_learner_and_checked(week, alice):
    from courses.services import CourseRefused

    extension_grant(assignment=week, user=alice, due=T0 + 10 * DAY, closes=None)
    extension_grant(assignment=week, user=alice, due=T0 + 11 * DAY, closes=None)
    assert list(Extension.objects.values_list("due", flat=True)) == [T0 + 11 * DAY]
    with pytest.raises(CourseRefused):
        extension_grant(assignment=week, user=alice, due=T0 + 11 * DAY, closes=T0 + 10 * DAY)


def test_the_same_challenge_in_two_courses_counts_for_each_by_its_own_dates(week, teacher, alice, challenges):
    other = Course.objects.create(title="Other", join_code="OTHER")
    enrol(other, alice)
    early = make_assignment(other, [challenges.softmax], due=T0 + DAY, closes=T0 + 2 * DAY)
    make_submission(alice, challenges.softmax, verdict="passed", score=1.0, at=T0 + 3 * DAY)
    by_course = {
        p.assignment.course_id: p for p in learner_progress(user=alice, assignments=[week, early], now=T0 + 3 * DAY)
    }
    assert items(by_course[week.course_id])["softmax"].status == "solved"
    assert items(by_course[other.pk])["softmax"].status == "new"  # after that course's close


def test_the_dashboard_shows_open_assignments_to_learners_only(week, course, alice, teacher, challenges):
    make_assignment(course, [challenges.softmax], opens=T0 + 20 * DAY, due=T0 + 21 * DAY, title="Later")
    [mine] = dashboard(user=alice, now=T0 + DAY)
    assert [p.assignment.title for p in mine.assignments] == ["Week 1"]
    [theirs] = dashboard(user=teacher, now=T0 + DAY)
    assert theirs.assignments == []


def test_learners_cannot_see_an_assignment_before_it_opens(course, alice, teacher, challenges):
    from courses.selectors import assignment_list

    later = make_assignment(course, [challenges.softmax], opens=T0 + DAY, due=T0 + 2 * DAY)
    learner, staff = (course_access(user=u, course_id=course.pk) for u in (alice, teacher))
    assert list(assignment_list(access=learner, now=T0)) == []
    assert list(assignment_list(access=learner, now=T0 + DAY)) == [later]
    assert list(assignment_list(access=staff, now=T0)) == [later]
    assert (
        challenge_assignment_context(user=alice, challenge=challenges.softmax, assignment_id=later.pk, now=T0) is None
    )
    assert challenge_assignment_context(user=teacher, challenge=challenges.softmax, assignment_id=later.pk, now=T0)


def test_the_challenge_page_context_needs_membership_and_the_challenge_in_it(week, alice, bob, challenges):
    context = challenge_assignment_context(user=alice, challenge=challenges.softmax, assignment_id=str(week.pk), now=T0)
    assert context.assignment == week
    for user, challenge, assignment_id in [(bob, challenges.softmax, week.pk), (alice, challenges.batch_norm, week.pk),
                                           (alice, challenges.softmax, "x"), (alice, challenges.softmax, None)]:  # fmt: skip
        assert challenge_assignment_context(user=user, challenge=challenge, assignment_id=assignment_id, now=T0) is None


def test_challenges_keep_their_order_and_assignments_move(course, challenges):
    a = make_assignment(course, [challenges.softmax, challenges.batch_norm, challenges.cross_entropy], title="A")
    b = make_assignment(course, [challenges.softmax], title="B")
    assert [i.challenge.slug for i in a.items.all()] == ["softmax", "batch-norm", "cross-entropy"]
    fields = {f: getattr(a, f) for f in ("title", "opens", "due", "closes", "late_penalty_per_day", "late_floor")}
    assignment_save(
        course=course, assignment=a, fields=fields, challenges=[challenges.cross_entropy, challenges.softmax]
    )
    assert [i.challenge.slug for i in a.items.all()] == ["cross-entropy", "softmax"]
    assert [x.title for x in course.assignments.all()] == ["A", "B"]
    assignment_move(assignment=b, step=-1)
    assert [x.title for x in course.assignments.all()] == ["B", "A"]
    assignment_move(assignment=b, step=-1)  # already first: stays
    assert [x.title for x in course.assignments.all()] == ["B", "A"]
