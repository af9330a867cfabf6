"""Creating a course, joining it by code, closing and rotating, leaving and removal."""

import pytest

from courses.models import Course, Membership
from courses.selectors import course_access, membership_list_active
from courses.services import (
    CODE_LENGTH,
    CourseRefused,
    course_create,
    course_join,
    course_rotate_code,
    course_set_joining,
    membership_end,
    membership_set_role,
)
from courses.tests.conftest import DAY, T0, enrol

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_the_creator_is_its_first_instructor_and_gets_a_code(teacher):
    course = course_create(user=teacher, title="ML", term="Spring", now=T0)
    [m] = course.memberships.all()
    assert (m.user, m.role, m.left) == (teacher, Role.INSTRUCTOR, None)
    assert len(course.join_code) == CODE_LENGTH and course.joining_open


def test_a_learner_joins_by_code_as_typed_and_twice_is_once(course, bob):
    code = course.join_code
    typed = f" {code[:5].lower()}-{code[5:]} "
    membership, new = course_join(user=bob, code=typed, now=T0)
    assert new and membership.role == Role.LEARNER and membership.joined == T0
    again, new = course_join(user=bob, code=code, now=T0 + DAY)
    assert not new and again.pk == membership.pk
    assert Membership.objects.filter(course=course, user=bob).count() == 1


def test_a_wrong_code_joins_nothing(course, bob):
    with pytest.raises(CourseRefused, match="No course has this join code"):
        course_join(user=bob, code="NOPE", now=T0)
    assert course_access(user=bob, course_id=course.pk) is None


def test_a_closed_course_refuses_joins_but_keeps_its_members(course, bob, alice):
    course_set_joining(course=course, open=False)
    with pytest.raises(CourseRefused, match="not taking new members"):
        course_join(user=bob, code=course.join_code, now=T0)
    assert course_join(user=alice, code=course.join_code, now=T0)[1] is False  # already in: no error
    course_set_joining(course=course, open=True)
    assert course_join(user=bob, code=course.join_code, now=T0)[1]


def test_rotating_the_code_makes_old_links_stop_working(course, bob):
    old = course.join_code
    new = course_rotate_code(course=course)
    assert new != old and Course.objects.get(pk=course.pk).join_code == new
    with pytest.raises(CourseRefused):
        course_join(user=bob, code=old, now=T0)
    assert course_join(user=bob, code=new, now=T0)[1]


def test_leaving_keeps_the_stint_and_joining_again_starts_a_new_one(course, alice):
    [stint] = Membership.objects.filter(course=course, user=alice)
    membership_end(membership=stint, now=T0 + DAY)
    stint.refresh_from_db()
    assert stint.left == T0 + DAY and stint.removed_by is None
    assert course_access(user=alice, course_id=course.pk) is None
    assert list(membership_list_active(user=alice)) == []
    again, new = course_join(user=alice, code=course.join_code, now=T0 + 2 * DAY)
    assert new and again.pk != stint.pk
    assert list(Membership.objects.filter(course=course, user=alice).values_list("left", flat=True)) == [T0 + DAY, None]


def test_someone_removed_cannot_rejoin_by_code_but_stays_in_the_history(course, alice, teacher):
    [stint] = Membership.objects.filter(course=course, user=alice)
    membership_end(membership=stint, by=teacher, now=T0 + DAY)
    stint.refresh_from_db()
    assert stint.removed_by == teacher and stint.left == T0 + DAY
    with pytest.raises(CourseRefused, match="removed"):
        course_join(user=alice, code=course.join_code, now=T0 + 2 * DAY)
    enrol(course, alice, at=T0 + 3 * DAY)  # an instructor adds them back (the roster import)
    assert course_access(user=alice, course_id=course.pk).is_learner


def test_the_last_instructor_can_neither_leave_nor_be_demoted(course, teacher, tara):
    mine = Membership.objects.get(course=course, user=teacher)
    with pytest.raises(CourseRefused, match="at least one instructor"):
        membership_end(membership=mine, now=T0)
    with pytest.raises(CourseRefused, match="at least one instructor"):
        membership_set_role(membership=mine, role=Role.LEARNER)
    membership_set_role(membership=Membership.objects.get(course=course, user=tara), role=Role.INSTRUCTOR)
    membership_end(membership=mine, now=T0)  # now another instructor remains
    assert course_access(user=teacher, course_id=course.pk) is None


def test_access_says_what_each_is(course, teacher, tara, alice, bob, django_user_model):
    root = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    by = {u.username: course_access(user=u, course_id=course.pk) for u in (teacher, tara, alice, root)}
    assert by["teacher"].can_edit and by["teacher"].is_staff
    assert not by["tara"].can_edit and by["tara"].is_staff
    assert by["alice"].is_learner and not by["alice"].is_staff
    assert by["root"].can_edit and by["root"].membership is None
    assert course_access(user=bob, course_id=course.pk) is None
    assert course_access(user=root, course_id=course.pk + 999) is None
