"""The 403, 404 and 500 pages are the site's own, styled like every page, as
served with DEBUG off; the 500 page renders with no request and no database."""

import pytest
from django.template import loader
from django.test import override_settings
from django.urls import path, reverse

from config.urls import urlpatterns as site_urlpatterns


def boom(request):
    raise RuntimeError("a bug")


urlpatterns = [path("boom/", boom), *site_urlpatterns]


def assert_styled(response, status: int, heading: str) -> str:
    assert response.status_code == status
    page = response.content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert "css/site.css" in page and 'class="skip-link"' in page and '<main id="main"' in page
    return page


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_404(client):
    page = assert_styled(client.get("/no/such/page/"), 404, "Not found")
    assert "/no/such/page/" in page


@pytest.mark.django_db
@override_settings(DEBUG=False)
def test_403_says_why(alice_client):
    page = assert_styled(alice_client.get(reverse("gradebook:index")), 403, "Not allowed")
    assert "Signed in as alice" in page


@pytest.mark.django_db
@override_settings(DEBUG=False, ROOT_URLCONF=__name__)
def test_500(client):
    client.raise_request_exception = False
    page = assert_styled(client.get("/boom/"), 500, "Something went wrong")
    assert "a bug" not in page  # nothing of the failure is shown


def test_the_500_page_needs_no_request_and_no_database():
    # no django_db mark: a query here would fail the test
    page = loader.get_template("500.html").render()
    assert "<h1>Something went wrong</h1>" in page and "Log in" in page
