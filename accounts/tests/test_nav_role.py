"""The nav's instructor links come from a cached role: a query less per page,
and a grant or a revocation shows on the next page."""

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.roles import INSTRUCTORS_GROUP, grant_instructor

pytestmark = pytest.mark.django_db

STUDIO_LINK = f'href="{reverse("studio:index")}"'.encode()


def page(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("challenges:list"))
    assert response.status_code == 200
    role_queries = [q["sql"] for q in queries if "auth_permission" in q["sql"]]
    return response.content, role_queries


def test_the_role_is_asked_once_then_remembered(alice_client):
    content, asked = page(alice_client)
    assert STUDIO_LINK not in content and len(asked) == 1
    content, asked = page(alice_client)
    assert STUDIO_LINK not in content and asked == []


def test_a_grant_shows_on_the_next_page(alice_client, alice):
    page(alice_client)  # remembered as a learner
    grant_instructor(alice)
    content, _ = page(alice_client)
    assert STUDIO_LINK in content


def test_a_grant_from_the_group_side_shows_too(alice_client, alice):
    page(alice_client)
    Group.objects.get(name=INSTRUCTORS_GROUP).user_set.add(alice)
    assert STUDIO_LINK in page(alice_client)[0]


def test_a_revocation_hides_the_links_and_access_was_never_cached(alice_client, alice):
    grant_instructor(alice)
    assert STUDIO_LINK in page(alice_client)[0]
    alice.groups.clear()
    assert STUDIO_LINK not in page(alice_client)[0]
    assert alice_client.get(reverse("studio:index")).status_code == 403
