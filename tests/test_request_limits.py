"""A request body larger than its page allows is refused before anything reads it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from config.middleware import RequestBodyLimitMiddleware
from studio.packs import MAX_UPLOAD_BYTES

pytestmark = pytest.mark.django_db


class Unreadable(io.RawIOBase):
    def read(self, *args):
        raise AssertionError("the body was read")

    readline = read


def through_middleware(path: str, length: str, view=lambda request: pytest.fail("the view ran")) -> HttpResponse:
    request = RequestFactory().post(path, content_type="multipart/form-data; boundary=x")
    request.META["CONTENT_LENGTH"] = length
    request.META["wsgi.input"] = Unreadable()
    return RequestBodyLimitMiddleware(view)(request)


def test_a_huge_multipart_post_to_the_login_page_is_refused_unread():
    response = through_middleware(reverse("login"), str(300 * 1024 * 1024))
    assert response.status_code == 413
    assert response.content == f"The request is {300 * 1024 * 1024} bytes; this page accepts at most 1048576.".encode()


def test_a_length_that_is_not_a_number_is_refused():
    assert through_middleware(reverse("login"), "12abc").status_code == 400


def test_a_body_past_the_limit_is_refused_on_any_page(client):
    for path in (reverse("login"), "/no/such/page/"):
        upload = SimpleUploadedFile("x.bin", b"\0" * (1024 * 1024 + 1))
        assert client.post(path, {"username": "a", "file": upload}).status_code == 413


def test_the_pack_upload_may_carry_the_largest_pack_and_a_little_more():
    allowed = MAX_UPLOAD_BYTES + 1024 * 1024  # a zip a little too large gets the form's own message
    passed = through_middleware(reverse("studio:upload"), str(allowed), view=lambda request: HttpResponse("view"))
    assert passed.content == b"view"
    assert through_middleware(reverse("studio:upload"), str(allowed + 1)).status_code == 413


def test_a_paste_far_past_the_code_limit_reaches_the_learner_message(alice_client, softmax):
    response = alice_client.post(
        reverse("grader:submit", args=["softmax"]), {"code": "#" * (3 * 1024 * 1024)}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 413 and b"far larger than the 64 KiB limit" in response.content
