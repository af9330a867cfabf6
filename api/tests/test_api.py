"""The API's contract: status codes and bodies, the web's limits through the same
service, the result page's redaction of hidden tests, and course gradebooks."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from courses.models import Membership
from courses.services import assignment_save, course_create
from gradebook.tests.conftest import make_submission
from grader.models import Draft, Submission
from grader.selectors import HIDDEN_MESSAGE
from grader.services import submission_create, submission_grade
from tests.support.grading import grade_looking

pytestmark = pytest.mark.django_db

JSON = "application/json"


def post_code(client, slug, code, headers, kind="submits"):
    return client.post(f"/api/v1/challenges/{slug}/{kind}", {"code": code}, content_type=JSON, **headers)


def test_the_openapi_schema_is_served_and_names_every_endpoint_and_the_bearer_scheme(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.") and schema["info"]["title"] == "NumPy ML grader API"
    assert {"/api/v1/challenges", "/api/v1/tracks", "/api/v1/challenges/{slug}", "/api/v1/challenges/{slug}/runs",
            "/api/v1/challenges/{slug}/submits", "/api/v1/submissions", "/api/v1/submissions/{pk}",
            "/api/v1/courses", "/api/v1/courses/{course_id}/gradebook"} <= set(schema["paths"])  # fmt: skip
    assert schema["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "429" in schema["paths"]["/api/v1/challenges/{slug}/submits"]["post"]["responses"]
    docs = client.get("/api/v1/docs")
    assert docs.status_code == 200 and b"/static/ninja/swagger-ui-bundle.js" in docs.content
    assert b"cdn" not in docs.content.lower()  # served from our own static files, as the CSP requires


def test_challenges_and_tracks_list_the_published_with_my_progress(client, whole_library, alice, token_for):
    from challenges.models import Challenge, Track

    softmax = Challenge.objects.get(slug="softmax")
    make_submission(alice, softmax, verdict="passed", score=1.0)
    Challenge.objects.filter(slug="batch-norm").update(published=False)
    headers = token_for(alice, "read")
    listed = {c["slug"]: c for c in client.get("/api/v1/challenges", **headers).json()}
    assert "batch-norm" not in listed and len(listed) == Challenge.objects.filter(published=True).count()
    assert listed["softmax"] | {"url": None} == {
        "slug": "softmax", "title": softmax.title, "difficulty": softmax.difficulty, "tags": softmax.tags,
        "points": softmax.current_version.points, "track": softmax.track.slug, "status": "solved",
        "best_score": 1.0, "attempts": 1, "url": None,
    }  # fmt: skip
    assert listed["softmax"]["url"].endswith("/challenges/softmax/")
    assert listed["cross-entropy"]["status"] == "new"
    tracks = client.get("/api/v1/tracks", **headers).json()
    assert [t["slug"] for t in tracks] == list(Track.objects.values_list("slug", flat=True))
    track = next(t for t in tracks if t["slug"] == softmax.track.slug)
    expected = Challenge.objects.filter(track=softmax.track, published=True).order_by("track_position", "title")
    assert track["challenges"] == [c.slug for c in expected] and "softmax" in track["challenges"]
    assert all("batch-norm" not in t["challenges"] for t in tracks)


def test_a_statement_comes_with_its_starter_and_sample_tests(client, softmax, alice, token_for):
    body = client.get("/api/v1/challenges/softmax", **token_for(alice, "read")).json()
    version = softmax.current_version
    assert (body["statement"], body["starter"], body["functions"]) == (version.statement, version.starter, ["softmax"])
    assert body["version"] == version.number and body["sample_tests"]
    assert all(t["name"].startswith("test_") and "def " + t["name"] in t["source"] for t in body["sample_tests"])
    assert version.solution not in str(body)  # the reference stays on the trusted side
    missing = client.get("/api/v1/challenges/nope", **token_for(alice, "read"))
    assert missing.status_code == 404 and missing.json() == {"detail": "No published challenge 'nope'."}


def test_a_submit_is_stored_like_the_pages_and_its_result_follows(client, softmax, alice, token_for):
    response = post_code(client, "softmax", "def softmax(Z):\n    return Z\n", token_for(alice, "submit", "read"))
    assert response.status_code == 201
    body = response.json()
    submission = Submission.objects.get()
    assert (submission.user, submission.kind, submission.preview, submission.code) == (
        alice, "submit", False, "def softmax(Z):\n    return Z\n")  # fmt: skip
    assert Draft.objects.get(user=alice).code == submission.code  # as a page's Submit saves the draft
    assert body["id"] == submission.pk and body["status"] == "queued" and body["final"] is False
    assert body["position"] == 1 and body["poll_ms"] == 150 and body["tests"] == []
    assert body["url"].endswith(reverse("grader:submission", args=[submission.pk]))
    run = post_code(client, "softmax", "x = 1\n", token_for(alice, "submit"), kind="runs")
    assert run.status_code == 409  # one in flight, as on the page


def test_the_webs_limits_apply_unchanged_with_json_refusals(client, softmax, alice, token_for, settings):
    headers = token_for(alice, "submit")
    too_big = post_code(client, "softmax", "#" * (settings.GRADER_MAX_CODE_BYTES + 1), headers)
    assert too_big.status_code == 413 and "the limit is 64 KiB" in too_big.json()["detail"]
    nul = post_code(client, "softmax", "x = '\x00'\n", headers)
    assert nul.status_code == 400 and "NUL" in nul.json()["detail"]
    first = post_code(client, "softmax", "x = 1\n", headers).json()
    busy = post_code(client, "softmax", "x = 2\n", headers)
    assert busy.status_code == 409 and busy.json() == {
        "detail": "A grading of yours is still in progress; wait for its result. Your code is saved.",
        "in_flight": first["id"],
    }
    assert Draft.objects.get(user=alice).code == "x = 2\n"  # refused, and nothing lost
    Submission.objects.update(status="done", verdict="failed")
    settings.GRADER_RATE_LIMIT = 1
    limited = post_code(client, "softmax", "x = 3\n", headers)
    assert limited.status_code == 429 and "You have used your 1 gradings" in limited.json()["detail"]
    # when the window frees: the one grading in it leaves it a window's length after it was made
    assert settings.GRADER_RATE_WINDOW - 5 <= int(limited["Retry-After"]) <= settings.GRADER_RATE_WINDOW
    assert "Retry-After" not in busy
    assert Submission.objects.count() == 1
    # a body far past every limit is refused before it is read, still as JSON
    huge = client.post("/api/v1/challenges/softmax/submits", "{}", content_type=JSON, CONTENT_LENGTH=str(20 * 2**20),
                       **headers)  # fmt: skip
    assert huge.status_code == 413 and "at most" in huge.json()["detail"]
    bad = client.post("/api/v1/challenges/softmax/submits", {"source": "x"}, content_type=JSON, **headers)
    assert bad.status_code == 422 and Submission.objects.count() == 1


def test_a_submit_after_the_courses_hard_close_is_refused_as_on_the_page(client, softmax, alice, teacher, token_for):
    now = timezone.now()
    course = course_create(user=teacher, title="ML", now=now)
    Membership.objects.create(course=course, user=alice, joined=now)
    fields = {"title": "Week 1", "opens": now - timedelta(days=3), "due": now - timedelta(days=2),
              "closes": now - timedelta(days=1), "late_penalty_per_day": 0, "late_floor": 0}  # fmt: skip
    assignment_save(course=course, fields=fields, challenges=[softmax])
    refused = post_code(client, "softmax", "x = 1\n", token_for(alice, "submit"))
    assert refused.status_code == 403 and "Week 1" in refused.json()["detail"]
    assert post_code(client, "softmax", "x = 1\n", token_for(alice, "submit"), kind="runs").status_code == 201


def test_a_result_redacts_hidden_tests_exactly_as_the_result_page(client, alice_client, alice, softmax, token_for):
    code = "import numpy as np\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum()\n"
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="submit")
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    body = client.get(f"/api/v1/submissions/{submission.pk}", **token_for(alice, "read")).json()
    page = alice_client.get(reverse("grader:result", args=[submission.pk]))
    assert body["tests"] == page.context["tests"]
    assert (body["verdict"], body["final"], body["poll_ms"], body["position"]) == ("failed", True, None, None)
    hidden = [t for t in body["tests"] if t["hidden"] and t["status"] != "passed"]
    assert hidden and all(t["message"].startswith(HIDDEN_MESSAGE) for t in hidden)
    stored = next(t["message"] for t in submission.tests if t["hidden"] and t["status"] == "failed")
    assert stored not in str(body)


def test_while_a_grading_runs_its_rows_so_far_come_redacted_as_at_the_end(client, alice, softmax, token_for,
                                                                          monkeypatch):  # fmt: skip
    code = "import numpy as np\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum()\n"
    submission = submission_create(user=alice, challenge=softmax, code=code, kind="submit")
    headers = token_for(alice, "read")
    bodies = []
    done = grade_looking(
        monkeypatch, submission.pk, lambda n: bodies.append(client.get(f"/api/v1/submissions/{submission.pk}",
                                                                       **headers).json())
    )  # fmt: skip
    final = client.get(f"/api/v1/submissions/{submission.pk}", **headers).json()
    assert len(bodies) == len(final["tests"]) > 2
    for n, body in enumerate(bodies, start=1):
        assert (body["status"], body["final"], body["verdict"], body["poll_ms"]) == ("running", False, "", 150)
        assert body["tests"] == final["tests"][:n]  # the same rows, redacted the same way, as they arrive
    hidden = [t for t in bodies[-1]["tests"] if t["hidden"] and t["status"] != "passed"]
    assert hidden and all(t["message"].startswith(HIDDEN_MESSAGE) for t in hidden)
    secret = next(t["message"] for t in done.tests if t["hidden"] and t["status"] == "failed")
    assert secret not in str(bodies)


def test_my_submissions_newest_first_filtered_by_challenge(client, library, alice, bob, token_for):
    from challenges.models import Challenge

    softmax, ce = Challenge.objects.get(slug="softmax"), Challenge.objects.get(slug="cross-entropy")
    now = timezone.now()
    older = make_submission(alice, softmax, at=now - timedelta(hours=2), verdict="failed", score=0.5)
    newer = make_submission(alice, softmax, at=now - timedelta(hours=1), verdict="passed", score=1.0, kind="run")
    make_submission(alice, ce, at=now)
    make_submission(alice, softmax, at=now, preview=True)  # an instructor's preview is not history
    make_submission(bob, softmax, at=now)
    headers = token_for(alice, "read")
    listed = client.get("/api/v1/submissions?challenge=softmax", **headers).json()
    assert [(s["id"], s["kind"], s["verdict"], s["score"]) for s in listed] == [
        (newer.pk, "run", "passed", 1.0), (older.pk, "submit", "failed", 0.5)]  # fmt: skip
    assert len(client.get("/api/v1/submissions", **headers).json()) == 3
    assert len(client.get("/api/v1/submissions?limit=1", **headers).json()) == 1
    assert client.get("/api/v1/submissions?limit=1000", **headers).status_code == 422


@pytest.fixture
def course(softmax, teacher, alice, bob, django_user_model):
    now = timezone.now()
    course = course_create(user=teacher, title="ML", now=now)
    tara = django_user_model.objects.create_user("tara", "tara@example.com")
    Membership.objects.create(course=course, user=tara, role=Membership.Role.TA, joined=now)
    Membership.objects.create(course=course, user=alice, joined=now)
    fields = {"title": "Week 1", "opens": now - timedelta(days=3), "due": now - timedelta(days=1), "closes": None,
              "late_penalty_per_day": 0.1, "late_floor": 0.5}  # fmt: skip
    assignment = assignment_save(course=course, fields=fields, challenges=[softmax])
    late = make_submission(alice, softmax, verdict="passed", score=1.0, at=now)  # one day late: 90%
    return course, assignment, late, tara


def test_a_courses_staff_read_its_gradebook_as_the_page_computes_it(client, course, teacher, token_for, softmax):
    course, assignment, late, tara = course
    for user in (teacher, tara):
        response = client.get(f"/api/v1/courses/{course.pk}/gradebook", **token_for(user, "instructor"))
        assert response.status_code == 200
        body = response.json()
        assert body["course"]["id"] == course.pk
        assert [(a["id"], a["title"], a["opened"], a["points"]) for a in body["assignments"]] == [
            (assignment.pk, "Week 1", True, softmax.current_version.points)]  # fmt: skip
        [row] = body["learners"]
        assert (row["username"], row["total_percent"]) == ("alice", 90.0)
        [score] = row["assignments"]
        assert score["percent"] == 90.0
        assert score["cells"] == [{"challenge": "softmax", "status": "solved", "score": pytest.approx(0.9),
                                   "days_late": 1, "submission": late.pk}]  # fmt: skip
    assert [c["id"] for c in client.get("/api/v1/courses", **token_for(tara, "instructor")).json()] == [course.pk]


def test_a_gradebook_is_404_to_outsiders_and_403_to_learners(client, course, alice, bob, teacher, django_user_model,
                                                             token_for):  # fmt: skip
    course = course[0]
    url = f"/api/v1/courses/{course.pk}/gradebook"
    other = django_user_model.objects.create_user("other", "o@example.com")
    assert client.get(url, **token_for(other, "instructor")).status_code == 404  # its existence does not leak
    assert (
        client.get(f"/api/v1/courses/{course.pk + 99}/gradebook", **token_for(teacher, "instructor")).status_code == 404
    )
    learner = client.get(url, **token_for(alice, "instructor"))
    assert learner.status_code == 403 and "instructors and TAs" in learner.json()["detail"]
    assert client.get("/api/v1/courses", **token_for(alice, "instructor")).json() == []
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "root-password-1")
    assert client.get(url, **token_for(admin, "instructor")).status_code == 200
