"""Every URL of the app, as every kind of visitor: the expected status for each.

A new URL without an entry here fails the first test, so no page ships
without its access rule being decided. Course URLs are walked with the roles
a course gives (COURSE_EXPECTED), and their POSTs too, as those who must be
refused (COURSE_POST_REFUSED): nothing may change.
"""

from datetime import timedelta

import pytest
from django.forms.models import model_to_dict
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from accounts.roles import grant_instructor
from api.models import AccessToken
from api.services import token_create
from courses.models import (
    Assignment,
    AssignmentChallenge,
    Course,
    Extension,
    Membership,
    SimilarityPair,
    SimilarityRun,
)
from courses.services import assignment_save, course_create, extension_grant
from gradebook.tests.conftest import make_submission
from grader.services import scratch_create, submission_create
from lti.models import LtiContext, LtiUser, Platform, ResourceLink, ScoreSync
from studio.models import Regrade, ValidationRun

pytestmark = pytest.mark.django_db

# The API's GET routes: those any token holder reads, and those whose object decides.
API_OPEN = ("api/v1/me", "api/v1/challenges", "api/v1/tracks", "api/v1/challenges/<slug>", "api/v1/submissions",
            "api/v1/courses")  # fmt: skip
API_OWN = ("api/v1/submissions/<int:pk>", "api/v1/courses/<int:course_id>/gradebook")

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
    "challenges/<slug:slug>/try/": (LOGIN, 405, 405, 405, 405),
    # a try-out is its owner's only: practice scribbling, not work an instructor grades
    "scratch/<int:pk>/": (LOGIN, 200, 404, 404, 404),
    "scratch/<int:pk>/result/": (LOGIN, 200, 404, 404, 404),
    "submissions/<int:pk>/": (LOGIN, 200, 404, 200, 200),
    "submissions/<int:pk>/result/": (LOGIN, 200, 404, 200, 200),
    "accounts/signup/": (200, 302, 302, 302, 302),
    "accounts/profile/": (LOGIN, 200, 200, 200, 200),
    "accounts/theme/": (LOGIN, 405, 405, 405, 405),
    "accounts/login/": (200, 200, 200, 200, 200),
    "accounts/logout/": (405, 405, 405, 405, 405),
    "accounts/password_change/": (LOGIN, 200, 200, 200, 200),
    "accounts/password_change/done/": (LOGIN, 200, 200, 200, 200),
    "accounts/password_reset/": (200, 200, 200, 200, 200),
    "accounts/password_reset/done/": (200, 200, 200, 200, 200),
    "accounts/reset/<uidb64>/<token>/": (200, 200, 200, 200, 200),
    "accounts/reset/done/": (200, 200, 200, 200, 200),
    "admin/": (LOGIN, LOGIN, LOGIN, LOGIN, 200),
    "admin/login/": (200, 200, 200, 200, 302),  # the admin itself goes to its index
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
    "studio/tracks/": (LOGIN, 403, 403, 200, 200),
    "studio/tracks/move/": (LOGIN, 403, 403, 405, 405),
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
    "accounts/tokens/new/": (LOGIN, 405, 405, 405, 405),
    "accounts/tokens/<int:pk>/revoke/": (LOGIN, 405, 405, 405, 405),
    # the API takes no session: a signed-in browser is as anonymous there (its token walk is below)
    **{route: (401,) * 5 for route in (*API_OPEN, *API_OWN)},
    "api/v1/challenges/<slug>/runs": (405,) * 5,
    "api/v1/challenges/<slug>/submits": (405,) * 5,
    "api/v1/openapi.json": (200,) * 5,
    "api/v1/docs": (200,) * 5,
    "api/v1/": (404,) * 5,  # django-ninja's root: nothing there
    # LTI: the LMS's way in. Login initiation without an LMS's parameters is refused (400, a clear page);
    # launches and deep-linking picks are POSTs (signed by the LMS, or by us); the JWKS is public.
    "lti/login/": (400, 400, 400, 400, 400),
    "lti/launch/": (405, 405, 405, 405, 405),
    "lti/jwks/": (200, 200, 200, 200, 200),
    "lti/deep-link/": (405, 405, 405, 405, 405),
    # an LMS course's set-up: only for the instructor whose launch waits in the session (lti/tests/test_setup.py)
    "lti/setup/": (LOGIN, 404, 404, 404, 404),
}
# routes whose <pk> is not a submission's: the object the fixture made for them
PK_OF = {"studio/validations/": "validation", "studio/regrades/": "regrade", "accounts/tokens/": "token",
         "scratch/": "scratch"}  # fmt: skip


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
    assert set(routes()) == set(EXPECTED) | set(COURSE_EXPECTED)
    assert set(COURSE_POST_REFUSED) <= set(COURSE_EXPECTED)


def _path(route: str, values: dict) -> str:
    path = "/" + route
    for prefix, name in PK_OF.items():
        if route.startswith(prefix):
            path = path.replace("<int:pk>", values[name])
    for name, value in values.items():
        for converter in ("slug", "int", "str", ""):
            path = path.replace(f"<{converter}:{name}>" if converter else f"<{name}>", value)
    return path


def _check(response, expected, who, path) -> None:
    if expected == LOGIN:
        assert response.status_code == 302 and "/login/" in response["Location"], (who, path)
    elif isinstance(expected, tuple):
        assert response.status_code in expected, (who, path, response.status_code)
    else:
        assert response.status_code == expected, (who, path, response.status_code)


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
    values["token"] = str(token_create(user=alice, name="walk", scopes=["read"])[0].pk)
    values["scratch"] = str(scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n").pk)
    values["course_id"] = str(course_create(user=teacher, title="Walked", now=timezone.now()).pk)
    return values, {"anonymous": None, "owner": alice, "other": bob, "instructor": teacher, "admin": admin}


@pytest.mark.parametrize("route", sorted(EXPECTED))
def test_each_url_answers_each_visitor_as_expected(client, visitors, route):
    values, users = visitors
    path = _path(route, values)
    for (who, user), expected in zip(users.items(), EXPECTED[route], strict=True):
        client.logout()
        if user is not None:
            client.force_login(user)
        _check(client.get(path), expected, who, path)


# API routes -> expected GET status with a token holding every scope, for
# (no token, the learner who owns the submission and is the course's learner,
# another learner, the course's instructor, admin).
API_EXPECTED = {
    **{route: (401, 200, 200, 200, 200) for route in API_OPEN},
    API_OWN[0]: (401, 200, 404, 200, 200),
    API_OWN[1]: (401, 403, 404, 200, 200),
    "api/v1/challenges/<slug>/runs": (405,) * 5,
    "api/v1/challenges/<slug>/submits": (405,) * 5,
    "api/v1/openapi.json": (200,) * 5,
    "api/v1/docs": (200,) * 5,
    "api/v1/": (404,) * 5,
}


def test_every_api_url_has_a_token_access_rule():
    assert set(API_EXPECTED) == {route for route in routes() if route.startswith("api/")}


@pytest.mark.parametrize("route", sorted(API_EXPECTED))
def test_each_api_url_answers_each_token_holder_as_expected(client, visitors, route):
    from courses.models import Course

    values, users = visitors
    course = Course.objects.get(pk=values["course_id"])
    Membership.objects.create(course=course, user=users["owner"], joined=timezone.now())
    path = _path(route, values)
    for (who, user), expected in zip(users.items(), API_EXPECTED[route], strict=True):
        headers = {}
        if user is not None:
            _, secret = token_create(user=user, name="walk", scopes=AccessToken.Scope.values)
            headers = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
        _check(client.get(path, **headers), expected, who, path)


# Course routes -> expected GET status for (anonymous, an instructor of this
# course, an instructor of another course, this course's TA, a learner enrolled
# in it, a learner of another course, admin). Not a member: 404, whatever the
# page, so a course's existence does not leak; a member without the right: 403.
ANY = (LOGIN, 200, 200, 200, 200, 200, 200)
MEMBERS = (LOGIN, 200, 404, 200, 200, 404, 200)  # every member reads it
STAFF = (LOGIN, 200, 404, 200, 403, 404, 200)  # instructors and TAs read it
EDIT = (LOGIN, 200, 404, 403, 403, 404, 200)  # instructors only
POST_ONLY = (LOGIN, 405, 405, 405, 405, 405, 405)
C, A = "courses/<int:course_id>/", "courses/<int:course_id>/assignments/<int:assignment_id>/"
S = A + "challenges/<slug:slug>/similarity/"  # an assignment challenge's similarity checks
L = "lti/courses/<int:course_id>/"  # the course's LMS page
COURSE_EXPECTED = {
    "courses/": ANY,
    "courses/new/": (LOGIN, 200, 200, 403, 403, 403, 200),  # the site's instructors create courses
    "courses/join/": ANY,
    "courses/join/<str:code>/": (LOGIN, 302, 200, 302, 302, 200, 200),  # members go straight to the course
    C: MEMBERS,
    C + "edit/": EDIT,
    C + "leave/": POST_ONLY,
    C + "members/": STAFF,
    C + "members/<int:membership_id>/role/": POST_ONLY,
    C + "members/<int:membership_id>/remove/": POST_ONLY,
    C + "joining/": POST_ONLY,
    C + "rotate/": POST_ONLY,
    C + "roster/": EDIT,
    C + "roster/apply/": POST_ONLY,
    C + "gradebook/": STAFF,
    C + "gradebook.csv": STAFF,
    C + "assignments/new/": EDIT,
    A: MEMBERS,
    A + "analytics/": STAFF,
    A + "edit/": EDIT,
    A + "move/": POST_ONLY,
    A + "extensions/": STAFF,
    A + "extensions/<int:extension_id>/revoke/": POST_ONLY,
    S: EDIT,  # similarity checks: instructors only, not TAs
    S + "start/": POST_ONLY,  # instructors start a check (test_similarity.py)
    S + "<int:run_id>/": EDIT,
    S + "<int:run_id>/pairs/<int:pair_id>/": EDIT,
    L: STAFF,  # the course's LMS links and the scores sent
    L + "roster/": POST_ONLY,  # instructors sync the roster (lti/tests/test_roster.py)
    L + "scores/<int:sync_id>/resend/": POST_ONLY,  # instructors send a failed score again (lti/tests/test_scores.py)
    # a submission review of the learner's work on a link: its staff, and that learner (lti/tests/test_review.py)
    L + "reviews/<int:link_id>/<int:user_id>/": MEMBERS,
}
# staff pages that take no POST at all (405 to everyone signed in, before any access check)
READ_ONLY = (C + "members/", C + "gradebook/", C + "gradebook.csv", A + "analytics/", S, S + "<int:run_id>/",
             S + "<int:run_id>/pairs/<int:pair_id>/")  # fmt: skip
# POSTs, as each visitor who must be refused (None: allowed, and tested with
# what it does in courses/tests/test_views.py).
REFUSED = (LOGIN, None, 404, 403, 403, 404, None)
COURSE_POST_REFUSED = {
    "courses/new/": (LOGIN, None, None, 403, 403, 403, None),
    "courses/join/": (LOGIN, None, None, None, None, None, None),
    "courses/join/<str:code>/": (LOGIN, None, None, None, None, None, None),
    C + "leave/": (LOGIN, None, 404, None, None, 404, None),
    **{
        route: REFUSED
        for route in COURSE_EXPECTED
        if route.startswith(C)
        and route not in (C + "leave/", *READ_ONLY)
        and COURSE_EXPECTED[route] in (EDIT, STAFF, POST_ONLY)
    },
    L + "roster/": REFUSED,
    L + "scores/<int:sync_id>/resend/": REFUSED,
}


@pytest.fixture
def course_visitors(django_user_model, teacher, alice, bob, softmax):
    now = timezone.now()
    make = django_user_model.objects.create_user
    other_teacher, tara = make("teacher2", "t2@example.com"), make("tara", "tara@example.com")
    grant_instructor(other_teacher)
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    course = course_create(user=teacher, title="Ours", now=now)
    other = course_create(user=other_teacher, title="Theirs", now=now)
    Membership.objects.create(course=course, user=tara, role=Membership.Role.TA, joined=now)
    learner = Membership.objects.create(course=course, user=alice, joined=now)
    Membership.objects.create(course=other, user=bob, joined=now)
    fields = {"title": "Week 1", "opens": now - timedelta(days=1), "due": now + timedelta(days=1), "closes": None,
              "late_penalty_per_day": 0.1, "late_floor": 0.5}  # fmt: skip
    assignment = assignment_save(course=course, fields=fields, challenges=[softmax])
    extension = extension_grant(assignment=assignment, user=alice, due=now + timedelta(days=3), closes=None)
    run = SimilarityRun.objects.create(assignment=assignment, challenge=softmax, threshold=0.5, status="done")
    first, last = (make_submission(alice, softmax, at=now) for _ in range(2))
    pair = SimilarityPair.objects.create(run=run, submission_a=first, submission_b=last, similarity=1, similarity_a=1,
                                         similarity_b=1, regions_a=[[0, 3]], regions_b=[[0, 3]])  # fmt: skip
    platform = Platform.objects.create(name="LMS", issuer="https://lms.example", client_id="c", jwks_url="https://lms.example/jwks",
                                       auth_login_url="https://lms.example/auth", auth_token_url="https://lms.example/token")  # fmt: skip
    context = LtiContext.objects.create(platform=platform, context_id="ctx", course=course)
    link = ResourceLink.objects.create(context=context, resource_link_id="rl", challenge=softmax)
    sync = ScoreSync.objects.create(link=link, user=alice, status=ScoreSync.Status.FAILED, error="down")
    values = {"course_id": course.pk, "assignment_id": assignment.pk, "membership_id": learner.pk,
              "extension_id": extension.pk, "code": course.join_code, "slug": softmax.slug, "run_id": run.pk,
              "pair_id": pair.pk, "sync_id": sync.pk, "link_id": link.pk, "user_id": alice.pk}  # fmt: skip
    users = {"anonymous": None, "instructor": teacher, "other instructor": other_teacher, "ta": tara,
             "learner": alice, "other learner": bob, "admin": admin}  # fmt: skip
    return {k: str(v) for k, v in values.items()}, users


def _visit(client, user) -> None:
    client.logout()
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("route", sorted(COURSE_EXPECTED))
def test_each_course_url_answers_each_role_as_expected(client, course_visitors, route):
    values, users = course_visitors
    path = _path(route, values)
    for (who, user), expected in zip(users.items(), COURSE_EXPECTED[route], strict=True):
        _visit(client, user)
        _check(client.get(path), expected, who, path)


def _courses_state() -> list:
    return [
        [model_to_dict(row) for row in model.objects.order_by("pk")]
        for model in (
            Course,
            Membership,
            Assignment,
            AssignmentChallenge,
            Extension,
            SimilarityRun,
            SimilarityPair,
            LtiContext,
            LtiUser,
            ScoreSync,
        )  # fmt: skip
    ]


@pytest.mark.parametrize("route", sorted(COURSE_POST_REFUSED))
def test_each_course_post_is_refused_to_those_it_must_be(client, course_visitors, route):
    values, users = course_visitors
    path = _path(route, values)
    before = _courses_state()
    for (who, user), expected in zip(users.items(), COURSE_POST_REFUSED[route], strict=True):
        if expected is None:
            continue
        _visit(client, user)
        # a POST that would change something if it were let through
        data = {"role": "instructor", "open": "0", "direction": "up", "text": "bob", "title": "Taken over",
                "code": values["code"], "threshold": "50"}  # fmt: skip
        _check(client.post(path, data), expected, who, path)
    assert _courses_state() == before, route
