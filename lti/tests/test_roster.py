"""Names and Role Provisioning: the roster synced on demand from the test platform,
in a worker's task (run eagerly here, as the on-commit callbacks are run): the
request only starts it, and the course's LMS page shows its result."""

import pytest
from django.utils import timezone

from courses.models import Membership
from courses.services import course_join
from lti.models import LtiContext, LtiUser
from lti.tests.conftest import launch
from tests.support.lti_platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT, Person

pytestmark = pytest.mark.django_db
Role = Membership.Role


def synced(client, course, capture) -> str:
    """Ask for a sync, let its task run, and read the LMS page."""
    with capture(execute=True):
        assert client.post(f"/lti/courses/{course.pk}/roster/").status_code == 302
    return client.get(f"/lti/courses/{course.pk}/").content.decode()


def test_syncing_the_roster_adds_members_gives_roles_and_ends_learners_who_left(
    client,
    registered,
    lms_course,
    lms,
    instructor,
    learner,
    alice,
    eager,
    tool_keys_known,
    django_capture_on_commit_callbacks,
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
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
        # the request only started it: the page says so, and nobody is added yet
        assert b"roster sync started" in response.content and b"reload to see its result" in response.content
        assert Membership.objects.filter(course=course, left=None).count() == 3
    page = client.get(f"/lti/courses/{course.pk}/").content.decode()
    assert "2 added, 0 with a new role, 1 ended, 1 unchanged" in page and "reload" not in page
    roles = {m.user.lti_accounts.get().sub if m.user.lti_accounts.exists() else m.user.username: m.role
             for m in Membership.objects.filter(course=course, left=None).select_related("user")}  # fmt: skip
    assert roles == {
        instructor.sub: Role.INSTRUCTOR,
        learner.sub: Role.LEARNER,
        "lms-ta": Role.TA,
        "alice": Role.LEARNER,
    }
    assert not LtiUser.objects.filter(sub__in=["lms-parent", "lms-inactive"]).exists()
    context = LtiContext.objects.get()
    assert context.roster_synced is not None and context.roster_ok and not context.roster_running
    # a learner's new role in the LMS follows
    lms.members[1] = Person(learner.sub, [INSTRUCTOR, TEACHING_ASSISTANT])
    assert "0 added, 1 with a new role, 0 ended, 2 unchanged" in synced(
        client, course, django_capture_on_commit_callbacks
    )


def test_a_second_click_while_a_sync_is_under_way_starts_no_other(
    client, registered, lms_course, lms, instructor, eager, tool_keys_known, django_capture_on_commit_callbacks
):
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    with django_capture_on_commit_callbacks() as started:
        client.post(f"/lti/courses/{course.pk}/roster/")
        response = client.post(f"/lti/courses/{course.pk}/roster/", follow=True)
    assert b"a roster sync is already under way" in response.content and len(started) == 1


def test_only_the_courses_instructors_sync(client, registered, lms_course, lms, instructor, tool_keys_known):
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    client.logout()
    launch(client, lms, Person("lms-ta", [INSTRUCTOR, TEACHING_ASSISTANT]))
    assert client.post(f"/lti/courses/{course.pk}/roster/").status_code == 403


def test_an_lms_that_does_not_answer_gives_a_clear_message(
    client, registered, lms_course, lms, instructor, eager, tool_keys_known, django_capture_on_commit_callbacks
):
    launch(client, lms, instructor)
    course = LtiContext.objects.get().course
    LtiContext.objects.update(memberships_url="http://127.0.0.1:9/memberships")  # nothing listens there
    page = synced(client, course, django_capture_on_commit_callbacks)
    assert "<strong>failed</strong>: " in page and "The LMS did not give its roster" in page
    assert Membership.objects.filter(course=course, left=None).count() == 1
    assert LtiContext.objects.get().roster_ok is False
