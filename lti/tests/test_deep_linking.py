"""Deep linking: an instructor picks an assignment or challenge; the tool answers
with a JWT signed by its key, which the platform verifies with the tool's JWKS."""

import re

import pytest

from lti.models import LtiContext
from lti.tests.conftest import LAUNCH_URL, launch, make_assignment, signed_in

pytestmark = pytest.mark.django_db
DEEP_LINKING = "LtiDeepLinkingRequest"


def picker_token(page: str) -> str:
    return re.search(r'name="token" value="([^"]+)"', page).group(1)


def test_an_instructor_places_a_challenge_and_the_platform_verifies_the_response(
    client, registered, lms_course, lms, instructor, softmax, tool_keys_known
):
    response, _, _ = launch(client, lms, instructor, message_type=DEEP_LINKING)
    assert response.status_code == 200 and signed_in(client)
    page = response.content.decode()
    assert "Place in your LMS" in page and 'value="challenge:softmax"' in page
    response = client.post("/lti/deep-link/", {"token": picker_token(page), "item": "challenge:softmax"})
    assert response.status_code == 200
    page = response.content.decode()
    assert f'action="{lms.url}/deep-link-return"' in page
    assert f"form-action 'self' {lms.url}" in response["Content-Security-Policy"]
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', page).group(1)
    claims = lms.verify_from_tool(jwt_value, audience=lms.issuer)  # signed by the key our JWKS publishes
    assert claims["iss"] == lms.client_id
    assert claims["https://purl.imsglobal.org/spec/lti/claim/message_type"] == "LtiDeepLinkingResponse"
    assert claims["https://purl.imsglobal.org/spec/lti/claim/deployment_id"] == lms.deployment_id
    assert claims["https://purl.imsglobal.org/spec/lti-dl/claim/data"] == "opaque-platform-data"
    [item] = claims["https://purl.imsglobal.org/spec/lti-dl/claim/content_items"]
    assert (item["type"], item["url"], item["custom"]) == ("ltiResourceLink", LAUNCH_URL, {"challenge": "softmax"})
    assert item["lineItem"] == {"scoreMaximum": 100, "label": softmax.title, "resourceId": "challenge-softmax"}


def test_an_assignment_of_the_course_can_be_placed_and_another_courses_cannot(
    client, registered, lms_course, lms, instructor, softmax, teacher, tool_keys_known
):
    from courses.services import course_create

    response, _, _ = launch(client, lms, instructor, message_type=DEEP_LINKING)
    course = LtiContext.objects.get().course
    mine = make_assignment(course, [softmax])
    theirs = make_assignment(course_create(user=teacher, title="Other", now=mine.opens), [softmax])
    token = picker_token(response.content.decode())
    refused = client.post("/lti/deep-link/", {"token": token, "item": f"assignment:{theirs.pk}"})
    assert refused.status_code == 400 and b"Pick an assignment or a challenge" in refused.content
    placed = client.post("/lti/deep-link/", {"token": token, "item": f"assignment:{mine.pk}"})
    jwt_value = re.search(r'name="JWT" value="([^"]+)"', placed.content.decode()).group(1)
    [item] = lms.verify_from_tool(jwt_value, audience=lms.issuer)[
        "https://purl.imsglobal.org/spec/lti-dl/claim/content_items"
    ]
    assert item["custom"] == {"assignment": str(mine.pk)} and item["title"] == "Week 1"


def test_learners_may_not_deep_link(client, registered, lms_course, lms, learner):
    response, _, _ = launch(client, lms, learner, message_type=DEEP_LINKING)
    assert response.status_code == 403 and b"Only the course" in response.content and signed_in(client) is None


def test_a_forged_picker_token_is_refused(client, registered, lms_course, lms, instructor):
    response = client.post("/lti/deep-link/", {"token": "forged", "item": "challenge:softmax"})
    assert response.status_code == 400 and b"not valid" in response.content
