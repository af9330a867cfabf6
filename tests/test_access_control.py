"""Every URL of the app, as every kind of visitor: the expected status for each.

A new URL without an entry here fails the first test, so no page ships
without its access rule being decided.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.roles import grant_instructor
from grader.services import submission_create
from studio.models import Regrade, ValidationRun

pytestmark = pytest.mark.django_db

# route -> expected GET status for
# (anonymous, learner who owns the object, another learner, instructor, admin)
LOGIN = "login"  # a redirect to the login page
EXPECTED = {
    "": (200, 200, 200, 200, 200),
    "healthz": ((200, 503),) * 5,
    "challenges/": (200, 200, 200, 200, 200),
    "challenges/<slug:slug>/": (200, 200, 200, 200, 200),
    "challenges/<slug:slug>/run/": (LOGIN, 405, 405, 405, 405),
    "challenges/<slug:slug>/submit/": (LOGIN, 405, 405, 405, 405),
    "challenges/<slug:slug>/draft/": (LOGIN, 405, 405, 405, 405),
    "submissions/<int:pk>/": (LOGIN, 200, 404, 200, 200),
    "submissions/<int:pk>/result/": (LOGIN, 200, 404, 200, 200),
    "accounts/signup/": (200, 302, 302, 302, 302),
    "accounts/profile/": (LOGIN, 200, 200, 200, 200),
    "accounts/login/": (200, 200, 200, 200, 200),
    "accounts/logout/": (405, 405, 405, 405, 405),
    "accounts/password_change/": (LOGIN, 200, 200, 200, 200),
    "accounts/password_change/done/": (LOGIN, 200, 200, 200, 200),
    "accounts/password_reset/": (200, 200, 200, 200, 200),
    "accounts/password_reset/done/": (200, 200, 200, 200, 200),
    "accounts/reset/<uidb64>/<token>/": (200, 200, 200, 200, 200),
    "accounts/reset/done/": (200, 200, 200, 200, 200),
    "admin/": (LOGIN, LOGIN, LOGIN, LOGIN, 200),
    "gradebook/": (LOGIN, 403, 403, 200, 200),
    "gradebook/export.csv": (LOGIN, 403, 403, 200, 200),
    "gradebook/submissions.csv": (LOGIN, 403, 403, 200, 200),
    "gradebook/challenges/": (LOGIN, 403, 403, 200, 200),
    "gradebook/challenges/<slug:slug>/": (LOGIN, 403, 403, 200, 200),
    "gradebook/learners/<int:user_id>/<slug:slug>/": (LOGIN, 403, 403, 200, 200),
    "studio/": (LOGIN, 403, 403, 200, 200),
    "studio/new/": (LOGIN, 403, 403, 200, 200),
    "studio/markdown/": (LOGIN, 403, 403, 405, 405),
    "studio/validations/<int:pk>/": (LOGIN, 403, 403, 200, 200),
    "studio/regrades/<int:pk>/": (LOGIN, 403, 403, 200, 200),
    "studio/regrades/<int:pk>/cancel/": (LOGIN, 403, 403, 405, 405),
    "studio/<slug:slug>/": (LOGIN, 403, 403, 200, 200),
    "studio/<slug:slug>/validate/": (LOGIN, 403, 403, 405, 405),
    "studio/<slug:slug>/publish/": (LOGIN, 403, 403, 405, 405),
    "studio/<slug:slug>/unpublish/": (LOGIN, 403, 403, 405, 405),
    "studio/<slug:slug>/versions/": (LOGIN, 403, 403, 200, 200),
    "studio/<slug:slug>/regrade/": (LOGIN, 403, 403, 405, 405),
    "studio/<slug:slug>/preview/": (LOGIN, 403, 403, 200, 200),
    "studio/<slug:slug>/preview/run/": (LOGIN, 403, 403, 405, 405),
    "studio/<slug:slug>/preview/submit/": (LOGIN, 403, 403, 405, 405),
    "studio/upload/": (LOGIN, 403, 403, 200, 200),
    "studio/<slug:slug>/export.zip": (LOGIN, 403, 403, 200, 200),
}
# routes whose <pk> is not a submission's: the object the fixture made for them
PK_OF = {"studio/validations/": "validation", "studio/regrades/": "regrade"}


def routes(resolver=None, prefix=""):
    for p in (resolver or get_resolver()).url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route == "admin/":
                yield route  # Django's own admin site: its index stands for it
                continue
            yield from routes(p, route)
        elif isinstance(p, URLPattern):
            yield route


def test_every_url_has_an_access_rule():
    assert set(routes()) == set(EXPECTED)


@pytest.fixture
def visitors(client, django_user_model, alice, bob, softmax):
    submission = submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    teacher = django_user_model.objects.create_user("teacher", "teacher@example.com", "teacher-password-1")
    grant_instructor(teacher)
    values = {"slug": "softmax", "pk": str(submission.pk), "uidb64": "MQ", "token": "set-password"}
    values["user_id"] = str(alice.pk)  # the gradebook's learner pages
    values["validation"] = str(ValidationRun.objects.create(version=softmax.current_version).pk)
    values["regrade"] = str(Regrade.objects.create(challenge=softmax, version=softmax.current_version).pk)
    return values, {"anonymous": None, "owner": alice, "other": bob, "instructor": teacher, "admin": admin}


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_each_url_answers_each_visitor_as_expected(client, visitors, route):
    values, users = visitors
    path = "/" + route
    for prefix, name in PK_OF.items():
        if route.startswith(prefix):
            path = path.replace("<int:pk>", values[name])
    for name, value in values.items():
        for converter in ("slug", "int", "str", ""):
            path = path.replace(f"<{converter}:{name}>" if converter else f"<{name}>", value)
    for (who, user), expected in zip(users.items(), EXPECTED[route], strict=True):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get(path)
        if expected == LOGIN:
            assert response.status_code == 302 and "/login/" in response["Location"], (who, path)
        elif isinstance(expected, tuple):
            assert response.status_code in expected, (who, path, response.status_code)
        else:
            assert response.status_code == expected, (who, path, response.status_code)
