"""Names and Role Provisioning: the roster synced on demand from the test platform."""

import pytest
from django.utils import timezone

from courses.models import Membership
from courses.services import course_join
from lti.models import LtiContext, LtiUser
from lti.tests.conftest import launch
from tests.support.lti_platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT, Person

pytestmark = pytest.mark.django_db
Role = Membership.Role


def test_syncing_the_roster_adds_members_gives_roles_and_ends_learners_who_left(
    client, registered, lms, instructor, learner, alice, tool_keys_known, django_capture_on_commit_callbacks
):
    gone = Person("lms-gone", [LEARNER])
    launch(client, lms, gone)  # launched once, since dropped in the LMS
    client.logout()
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    course.joining_open = True
    course.save()
    course_join(user=alice, code=course.join_code, now=timezone.now())  # joined here, not through the LMS
    ta = Person("lms-ta", [INSTRUCTOR, TEACHING_ASSISTANT], given_name="Tom")
    lms.members = [instructor, learner, ta, Person("lms-parent", ["http://purl.imsglobal.org/vocab/lis/v2/membership#Mentor"]),
                   Person("lms-inactive", [LEARNER], status="Inactive")]  # fmt: skip
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert b"2 added, 0 with a new role, 1 ended, 1 unchanged" in response.content, response.content
    roles = {m.user.lti_accounts.get().sub if m.user.lti_accounts.exists() else m.user.username: m.role
             for m in Membership.objects.filter(course=course, left=None).select_related("user")}  # fmt: skip
    assert roles == {
        instructor.sub: Role.INSTRUCTOR,
        learner.sub: Role.LEARNER,
        "lms-ta": Role.TA,
        "alice": Role.LEARNER,
    }
    assert not LtiUser.objects.filter(sub__in=["lms-parent", "lms-inactive"]).exists()
    assert LtiContext.objects.get().roster_synced is not None
    # a learner's new role in the LMS follows
    lms.members[1] = Person(learner.sub, [INSTRUCTOR, TEACHING_ASSISTANT])
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert b"0 added, 1 with a new role, 0 ended, 2 unchanged" in response.content


def test_only_the_courses_instructors_sync(client, registered, lms, instructor, tool_keys_known):
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    client.logout()
    launch(client, lms, Person("lms-ta", [INSTRUCTOR, TEACHING_ASSISTANT]))
    assert client.post(f"/lti/courses/{course.pk}/roster/").status_code == 403


def test_an_lms_that_does_not_answer_gives_a_clear_message(client, registered, lms, instructor, tool_keys_known):
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    LtiContext.objects.update(memberships_url="http://127.0.0.1:9/memberships")  # nothing listens there
    response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert b"The LMS did not give its roster" in response.content
    assert Membership.objects.filter(course=course, left=None).count() == 1
