"""Only instructors and admins see the gradebook: learners get 403, anonymous visitors the login page."""

import pytest
from django.urls import reverse

from gradebook.urls import urlpatterns

pytestmark = pytest.mark.django_db


def every_url(user_id: int) -> list[str]:
    args = {"slug": "softmax", "user_id": user_id}
    return [reverse(f"gradebook:{p.name}", kwargs={k: args[k] for k in p.pattern.converters}) for p in urlpatterns]


def test_there_are_six_gradebook_urls():
    assert len(urlpatterns) == 6  # a new one must be added to the walks below


def test_anonymous_visitors_are_sent_to_log_in(client, softmax, alice):
    for url in every_url(alice.pk):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_learners_are_refused_even_their_own_page(alice_client, softmax, alice):
    for url in every_url(alice.pk):
        assert alice_client.get(url).status_code == 403, url


def test_instructors_and_admins_see_every_page(client, softmax, alice, teacher, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    for user in (teacher, admin):
        client.force_login(user)
        for url in every_url(alice.pk):
            assert client.get(url).status_code == 200, (user, url)


def test_a_staff_learner_without_the_instructor_permission_is_refused(client, softmax, django_user_model):
    staff = django_user_model.objects.create_user("staff", is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("gradebook:index")).status_code == 403


def test_the_pages_answer_only_get(teacher_client, softmax):
    assert teacher_client.post(reverse("gradebook:index")).status_code == 405
    assert teacher_client.post(reverse("gradebook:export")).status_code == 405
