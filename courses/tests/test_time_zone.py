"""Times are stored in UTC and shown in the zone the viewer's browser reports."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from config.middleware import TIME_ZONE_COOKIE, TimeZoneMiddleware
from courses.tests.conftest import DAY, HOUR, make_assignment

HTMX = {"HTTP_HX_REQUEST": "true"}


def zone_seen(cookie: str | None) -> str:
    request = RequestFactory().get("/")
    if cookie is not None:
        request.COOKIES[TIME_ZONE_COOKIE] = cookie
    seen = []
    TimeZoneMiddleware(lambda r: seen.append(timezone.get_current_timezone_name()) or HttpResponse())(request)
    return seen[0]


@pytest.mark.parametrize(
    ("cookie", "zone"),
    [("Europe/London", "Europe/London"), ("America/New_York", "America/New_York"), (None, "UTC"), ("", "UTC"),
     ("Mars/Olympus", "UTC"), ("/etc/localtime", "UTC"), ("../../../etc/passwd", "UTC")],
)  # fmt: skip
def test_the_request_runs_in_the_browsers_zone_if_it_is_a_real_one(cookie, zone):
    assert zone_seen(cookie) == zone


def test_the_zone_does_not_outlive_the_request():
    zone_seen("Asia/Tokyo")
    assert timezone.get_current_timezone_name() == "UTC"


@pytest.mark.django_db
def test_the_refusal_names_the_close_in_the_viewers_zone(alice_client, course, challenges):
    now = timezone.now()
    make_assignment(course, [challenges.softmax], opens=now - 3 * DAY, due=now - 2 * DAY, closes=now - HOUR)
    url = reverse("grader:submit", args=["softmax"])
    assert b" UTC: Submits" in alice_client.post(url, {"code": "x = 1\n"}, **HTMX).content
    alice_client.cookies[TIME_ZONE_COOKIE] = "Asia/Tokyo"
    assert b" JST: Submits" in alice_client.post(url, {"code": "x = 1\n"}, **HTMX).content
