"""Submission review launches (the LMS's gradebook opening one learner's work on
a link): who may review whom, what the review page shows, and that the launch's
checks still refuse a bad token."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Membership
from gradebook.tests.conftest import make_submission
from lti.models import LtiContext, LtiUser, ResourceLink
from lti.tests.conftest import launch, make_assignment, signed_in
from tests.support.lti_platform import INSTRUCTOR, LEARNER, TEACHING_ASSISTANT, Person

pytestmark = pytest.mark.django_db
REVIEW = "LtiSubmissionReviewRequest"


def review(client, lms, person, for_user: str, resource_link: str = "link-1", **claims):
    """A submission review launch by *person* of *for_user*'s work on *resource_link*."""
    client.logout()
    response, _, _ = launch(client, lms, person, message_type=REVIEW, resource_link=resource_link,
                            lineitem=lms.lineitem_url(), for_user=for_user, **claims)  # fmt: skip
    return response


def lms_user(person):
    return LtiUser.objects.get(sub=person.sub).user


@pytest.fixture
def placed(client, registered, lms_course, lms, learner, softmax):
    """The learner has opened link-1 (an assignment of softmax) and link-2 (the
    softmax challenge itself); they have two Submits, the second counting; a
    classmate has one of their own."""
    assignment = make_assignment(lms_course, [softmax])
    custom = {"assignment": str(assignment.pk)}
    launch(client, lms, learner, custom=custom, lineitem=lms.lineitem_url())
    client.logout()
    launch(
        client, lms, learner, resource_link="link-2", custom={"challenge": "softmax"}, lineitem=lms.lineitem_url("2")
    )
    classmate = Person("lms-learner-2", [LEARNER], given_name="Charles")
    client.logout()
    launch(client, lms, classmate, custom=custom)
    now = timezone.now()
    ada = lms_user(learner)
    first = make_submission(ada, softmax, score=0.25, at=now - timedelta(hours=2))
    counted = make_submission(ada, softmax, score=0.75, at=now - timedelta(hours=1))
    theirs = make_submission(lms_user(classmate), softmax, score=1.0, verdict="passed", at=now)
    client.logout()
    return {"assignment": assignment, "first": first, "counted": counted, "theirs": theirs, "classmate": classmate}


@pytest.mark.parametrize("roles", [[INSTRUCTOR], [INSTRUCTOR, TEACHING_ASSISTANT]], ids=["instructor", "ta"])
def test_the_courses_staff_review_a_learners_assignment_as_the_gradebook_counts_it(
    client, lms_course, lms, learner, placed, roles
):
    from courses.services import extension_grant

    ada = lms_user(learner)
    extension_grant(assignment=placed["assignment"], user=ada, due=timezone.now() + timedelta(days=9), closes=None)
    staff = Person(f"lms-staff-{len(roles)}", roles)
    response = review(client, lms, staff, learner.sub)
    link = ResourceLink.objects.get(resource_link_id="link-1")
    assert response.status_code == 302
    assert response["Location"] == f"/lti/courses/{lms_course.pk}/reviews/{link.pk}/{ada.pk}/"
    assert signed_in(client) == str(lms_user(staff).pk)
    page = client.get(response["Location"])
    assert page.status_code == 200
    html = page.content.decode()
    assert "Submission review: " + ada.username in html and "Week 1" in html and "their extension" in html
    assert f'data-submission="{placed["first"].pk}"' in html
    assert f'class="review-submit counts" data-submission="{placed["counted"].pk}"' in html
    assert f'data-submission="{placed["theirs"].pk}"' not in html  # the classmate's work is not on Ada's page
    assert 'class="review-score">75<' in html  # 0.75 of the assignment's points (softmax's, 100)
    # each Submit opens the grader's page for the course's staff (they hold no site instructor role)
    assert client.get(f"/submissions/{placed['counted'].pk}/").status_code == 200


def test_a_late_submit_shows_its_penalty_and_one_outside_the_dates_is_not_accepted(
    client, lms_course, lms, learner, placed, softmax
):
    assignment = placed["assignment"]
    now = timezone.now()
    type(assignment).objects.filter(pk=assignment.pk).update(
        due=now - timedelta(hours=1, minutes=30), late_penalty_per_day=0.5, late_floor=0.2
    )
    early = make_submission(lms_user(learner), softmax, score=1.0, at=assignment.opens - timedelta(days=1))
    review(client, lms, Person("lms-teacher-1", [INSTRUCTOR]), learner.sub)
    link = ResourceLink.objects.get(resource_link_id="link-1")
    html = client.get(f"/lti/courses/{lms_course.pk}/reviews/{link.pk}/{lms_user(learner).pk}/").content.decode()
    assert "1 day late, ×0.5" in html and "on time" in html
    assert "not accepted (outside its dates)" in html and f'data-submission="{early.pk}"' in html
    # the late 0.75 keeps half (0.375), the on-time 0.25 stays below it: the late one counts
    assert f'class="review-submit counts" data-submission="{placed["counted"].pk}"' in html
    assert 'class="review-score">37.50<' in html


def test_a_learner_reviews_their_own_challenge_submits(client, lms_course, lms, learner, placed):
    response = review(client, lms, learner, learner.sub, resource_link="link-2")
    link = ResourceLink.objects.get(resource_link_id="link-2")
    assert response["Location"] == f"/lti/courses/{lms_course.pk}/reviews/{link.pk}/{lms_user(learner).pk}/"
    html = client.get(response["Location"]).content.decode()
    assert "Submission review: your work" in html and "the best graded Submit" in html
    assert f'class="review-submit counts" data-submission="{placed["counted"].pk}"' in html
    assert f'data-submission="{placed["first"].pk}"' in html and f'data-submission="{placed["theirs"].pk}"' not in html


def test_staff_open_a_challenge_links_submits_though_no_assignment_holds_it(
    client, lms_course, lms, instructor, learner, placed
):
    placed["assignment"].delete()  # softmax is now set by the LMS link alone
    response = review(client, lms, instructor, learner.sub, resource_link="link-2")
    assert response.status_code == 302 and client.get(response["Location"]).status_code == 200
    assert client.get(f"/submissions/{placed['counted'].pk}/").status_code == 200
    Membership.objects.filter(user=lms_user(learner)).update(left=timezone.now())  # no longer their learner
    assert client.get(f"/submissions/{placed['counted'].pk}/").status_code == 404
    assert client.get(response["Location"]).status_code == 404
    again = review(client, lms, instructor, learner.sub, resource_link="link-2")
    assert again.status_code == 200 and b"so there is nothing to review" in again.content


def test_a_learner_reviewing_another_learner_is_refused_and_signed_in_nowhere(client, lms_course, lms, learner, placed):
    response = review(client, lms, learner, placed["classmate"].sub)
    assert response.status_code == 403
    html = response.content.decode()
    assert "<h1>Launch refused</h1>" in html and "only your own submissions" in html
    assert f"#{placed['theirs'].pk}" not in html and signed_in(client) is None
    # nor by the page's own address, signed in as themselves
    client.force_login(lms_user(learner))
    link = ResourceLink.objects.get(resource_link_id="link-1")
    other = lms_user(placed["classmate"])
    assert client.get(f"/lti/courses/{lms_course.pk}/reviews/{link.pk}/{other.pk}/").status_code == 403


def test_a_learner_who_never_launched_has_nothing_to_review(client, lms_course, lms, instructor, learner, placed):
    response = review(client, lms, instructor, "lms-never-came")
    assert response.status_code == 200 and signed_in(client)
    assert b"has not launched the tool from Machine learning 101 yet, so there is nothing to review" in response.content
    assert not LtiUser.objects.filter(sub="lms-never-came").exists()


def test_a_review_of_a_link_that_opens_nothing_here_is_refused(client, lms_course, lms, instructor, placed):
    response = review(client, lms, instructor, "lms-learner-1", resource_link="link-unknown")
    assert response.status_code == 403 and b"no submissions to review" in response.content
    assert not ResourceLink.objects.filter(resource_link_id="link-unknown").exists()


def test_an_expired_review_token_is_refused(client, registered, lms_course, lms, instructor, learner, placed):
    expired = {"exp": int(time.time()) - 120, "iat": int(time.time()) - 600}
    response = review(client, lms, instructor, learner.sub, change=expired)
    assert response.status_code == 403 and b"The launch token has expired" in response.content
    assert signed_in(client) is None


def test_the_review_page_never_shows_another_courses_link_or_learner(
    client, lms_course, lms, instructor, learner, placed, teacher, bob, softmax
):
    from courses.services import course_create

    review(client, lms, instructor, learner.sub)
    other = course_create(user=teacher, title="Not yours", now=timezone.now())
    Membership.objects.create(course=other, user=bob, joined=timezone.now())
    context = LtiContext.objects.create(platform=lms_course.lti_contexts.get().platform, context_id="c2", course=other)
    theirs = ResourceLink.objects.create(context=context, resource_link_id="x", challenge=softmax)
    ours = ResourceLink.objects.get(resource_link_id="link-1")
    ada, base = lms_user(learner), f"/lti/courses/{lms_course.pk}/reviews/"
    assert client.get(f"{base}{theirs.pk}/{ada.pk}/").status_code == 404  # another course's link
    assert client.get(f"{base}{ours.pk}/{bob.pk}/").status_code == 404  # a learner of another course only
    assert client.get(f"/lti/courses/{other.pk}/reviews/{theirs.pk}/{bob.pk}/").status_code == 404  # not a member
    bobs = make_submission(bob, softmax, score=1.0)
    assert client.get(f"/submissions/{bobs.pk}/").status_code == 404  # nor another course's learner's Submit
