"""Assignment and Grade Services line items: a link the LMS launches with no
grade column of its own (placed by hand, not by our deep-linking response)
gets one, found or made on the LMS, and its learners' scores go there."""

import pytest

from lti.models import LtiUser, ResourceLink
from lti.tests.conftest import launch
from lti.tests.test_scores import graded

pytestmark = pytest.mark.django_db


def test_a_launch_without_a_line_item_makes_one_and_the_score_arrives_on_it(
    client, registered, lms_course, lms, learner, softmax, eager, tool_keys_known, django_capture_on_commit_callbacks
):
    launch(client, lms, learner, custom={"challenge": "softmax"})  # lineitems URL, no lineitem
    [made] = lms.lineitems
    assert (made["label"], made["scoreMaximum"], made["resourceLinkId"]) == (softmax.title, 100, "link-1")
    assert made["resourceId"] == "challenge-softmax"
    link = ResourceLink.objects.get()
    assert link.lineitem_url == made["id"] == lms.lineitem_url("made-1")
    client.logout()
    launch(client, lms, learner, custom={"challenge": "softmax"})  # the next launch makes no second one
    assert len(lms.lineitems) == 1
    user = LtiUser.objects.get(sub=learner.sub).user
    with django_capture_on_commit_callbacks(execute=True):
        graded(user, softmax, 1.0)
    [score] = lms.scores_for(learner.sub)
    assert (score["lineitem"], score["scoreGiven"]) == ("/lineitems/made-1", 100)


def test_a_line_item_the_lms_already_holds_for_the_link_is_found_not_made_again(
    client, registered, lms_course, lms, learner, softmax, tool_keys_known
):
    lms.lineitems = [
        {"id": lms.lineitem_url("other"), "label": "Another link's", "scoreMaximum": 10, "resourceLinkId": "link-2"},
        {"id": lms.lineitem_url("ours"), "label": "Softmax", "scoreMaximum": 100, "resourceLinkId": "link-1"},
    ]
    launch(client, lms, learner, custom={"challenge": "softmax"})
    assert len(lms.lineitems) == 2 and ResourceLink.objects.get().lineitem_url == lms.lineitem_url("ours")


def test_the_lmss_own_line_item_is_kept_and_a_link_opening_nothing_gets_none(
    client, registered, lms_course, lms, learner, softmax, tool_keys_known
):
    launch(client, lms, learner, resource_link="bare")  # opens nothing: no title to give a column
    client.logout()
    launch(client, lms, learner, custom={"challenge": "softmax"}, lineitem=lms.lineitem_url("given"))
    assert lms.lineitems == [] and ResourceLink.objects.get(resource_link_id="link-1").lineitem_url.endswith("/given")
    assert ResourceLink.objects.get(resource_link_id="bare").lineitem_url == ""


def test_an_lms_that_will_not_make_one_leaves_the_launch_working_and_tells_staff(
    client, registered, lms_course, lms, instructor, softmax
):
    # tool_keys_known is not used: the LMS cannot check our assertion, so it grants no service token
    response, _, _ = launch(client, lms, instructor, custom={"challenge": "softmax"})
    assert response.status_code == 302 and response["Location"] == "/challenges/softmax/"
    page = client.get(response["Location"]).content.decode()
    assert "The LMS did not make a grade column for this link" in page
    assert ResourceLink.objects.get().lineitem_url == "" and lms.lineitems == []
