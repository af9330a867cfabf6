"""Regrading past Submits after a test is tightened, and previewing as a learner."""

import pytest

from challenges.models import Challenge, ChallengeVersion
from grader.models import Submission
from grader.selectors import challenge_progress
from grader.services import submission_create, submission_grade
from studio.models import Regrade, RegradeItem
from studio.selectors import regrade_progress
from studio.services import regrade_item_execute, regrade_start
from studio.tests.conftest import ABS_DOUBLE, pack_fields
from studio.tests.test_authoring import validate_now

pytestmark = pytest.mark.django_db

CORRECT = "def double(x):\n    return 2 * x\n"
TRIPLE = "def double(x):\n    return 3 * x\n"


def publish(teacher, teacher_client, capture, **fields) -> Challenge:
    """Save, validate and publish the double challenge with *fields*."""
    url = "/studio/double/" if Challenge.objects.filter(slug="double").exists() else "/studio/new/"
    teacher_client.post(url, pack_fields(**fields))
    challenge = Challenge.objects.get(slug="double")
    assert validate_now(challenge, teacher, capture).valid
    teacher_client.post("/studio/double/publish/")
    challenge.refresh_from_db()
    return challenge


def graded_submit(user, challenge, code, capture) -> Submission:
    with capture(execute=False):
        submission = submission_create(user=user, challenge=challenge, code=code, kind="submit")
    return submission_grade(submission_id=submission.pk)


def run_regrade(challenge, scope, user, capture) -> Regrade:
    """Start a regrade as the button does, then run its items here instead of in workers."""
    with capture(execute=False) as callbacks:
        regrade = regrade_start(challenge=challenge, scope=scope, user=user)
    assert len(callbacks) == regrade.items.count()
    for item in regrade.items.all():
        regrade_item_execute(item_id=item.pk)
    regrade.refresh_from_db()
    return regrade


@pytest.fixture
def graded(teacher, teacher_client, alice, bob, django_user_model, django_capture_on_commit_callbacks):
    """double v1 (tests with positive numbers only), three learners' Submits graded against it."""
    capture = django_capture_on_commit_callbacks
    challenge = publish(teacher, teacher_client, capture)
    carol = django_user_model.objects.create_user("carol", "carol@example.com", "carol-password-1")
    first = graded_submit(alice, challenge, TRIPLE, capture)
    subs = {
        "alice": graded_submit(alice, challenge, ABS_DOUBLE, capture),
        "bob": graded_submit(bob, challenge, CORRECT, capture),
        "carol": graded_submit(carol, challenge, TRIPLE, capture),
    }
    assert [s.verdict for s in subs.values()] == ["passed", "passed", "failed"]
    # the author tightens the hidden test with a negative number: abs_double now fails it
    mutant = {"mutants-1-name": "abs_double", "mutants-1-code": ABS_DOUBLE}
    challenge = publish(teacher, teacher_client, capture, tighten=True, **mutant)
    assert challenge.current_version.number == 2
    return challenge, subs, first


def test_a_regrade_after_a_tightened_test_changes_verdicts_and_reports_them(
    graded, teacher, teacher_client, django_capture_on_commit_callbacks
):
    challenge, subs, first = graded
    regrade = run_regrade(challenge, Regrade.Scope.LATEST, teacher, django_capture_on_commit_callbacks)
    assert regrade.finished is not None
    assert sorted(regrade.items.values_list("submission_id", flat=True)) == sorted(s.pk for s in subs.values())

    alice_submit = Submission.objects.get(pk=subs["alice"].pk)
    assert (alice_submit.verdict, alice_submit.version.number, alice_submit.status) == ("failed", 2, "done")
    assert alice_submit.seed == ChallengeVersion.grading_seed(challenge.current_version_id) != subs["alice"].seed
    assert Submission.objects.get(pk=first.pk).version.number == 1  # not her latest: left alone
    assert Submission.objects.get(pk=subs["bob"].pk).verdict == "passed"

    progress = regrade_progress(regrade)
    assert (progress["total"], progress["done"], progress["changed"], progress["learners_changed"]) == (3, 3, 1, 1)
    [change] = progress["transitions"]
    assert (change["old"], change["new"], [i.submission_id for i in change["items"]]) == (
        "passed", "failed", [subs["alice"].pk]
    )  # fmt: skip

    page = teacher_client.get(f"/studio/regrades/{regrade.pk}/")
    assert b"1 learner</strong> changed verdict" in page.content
    assert f"/submissions/{subs['alice'].pk}/".encode() in page.content


def test_a_second_regrade_does_no_work_twice(graded, teacher, django_capture_on_commit_callbacks):
    challenge, subs, first = graded
    run_regrade(challenge, Regrade.Scope.LATEST, teacher, django_capture_on_commit_callbacks)
    again = run_regrade(challenge, Regrade.Scope.LATEST, teacher, django_capture_on_commit_callbacks)
    assert again.items.count() == 0 and again.finished is not None
    # every Submit: only the one not regraded yet remains
    everything = run_regrade(challenge, Regrade.Scope.ALL, teacher, django_capture_on_commit_callbacks)
    assert list(everything.items.values_list("submission_id", flat=True)) == [first.pk]


def test_a_regrade_in_progress_is_returned_not_doubled(graded, teacher, django_capture_on_commit_callbacks):
    challenge, subs, first = graded
    with django_capture_on_commit_callbacks(execute=False):
        one = regrade_start(challenge=challenge, scope=Regrade.Scope.LATEST, user=teacher)
        two = regrade_start(challenge=challenge, scope=Regrade.Scope.ALL, user=teacher)
    assert one.pk == two.pk and RegradeItem.objects.count() == 3


def test_a_regrade_item_is_graded_once_even_if_its_message_comes_twice(
    graded, teacher, django_capture_on_commit_callbacks
):
    challenge, subs, first = graded
    with django_capture_on_commit_callbacks(execute=False):
        regrade = regrade_start(challenge=challenge, scope=Regrade.Scope.LATEST, user=teacher)
    item = regrade.items.first()
    assert regrade_item_execute(item_id=item.pk) is not None
    assert regrade_item_execute(item_id=item.pk) is None
    assert RegradeItem.objects.get(pk=item.pk).attempts == 1


def test_the_regrade_button_starts_one_and_shows_its_progress(graded, teacher_client):
    challenge, subs, first = graded
    response = teacher_client.post("/studio/double/regrade/", {"scope": "latest"})
    regrade = Regrade.objects.get()
    assert response["Location"] == f"/studio/regrades/{regrade.pk}/"
    page = teacher_client.get(response["Location"])
    assert b"0 of 3 submissions regraded" in page.content and b'hx-get="/studio/regrades/' in page.content


def test_a_preview_grades_the_draft_and_counts_in_no_score(teacher, teacher_client, django_capture_on_commit_callbacks):
    teacher_client.post("/studio/new/", pack_fields())  # a draft only: not published
    page = teacher_client.get("/studio/double/preview/")
    assert page.status_code == 200 and b"Preview of version 1" in page.content
    assert b'action="/studio/double/preview/submit/"' in page.content and b"data-draft-url" not in page.content

    with django_capture_on_commit_callbacks(execute=False):
        response = teacher_client.post("/studio/double/preview/submit/", {"code": CORRECT}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.preview and submission.version.number == 1
    done = submission_grade(submission_id=submission.pk)
    assert done.verdict == "passed"
    challenge = Challenge.objects.get(slug="double")
    progress = challenge_progress(user=teacher, challenge=challenge)
    assert progress["attempts"] == 0 and not progress["solved"] and list(progress["history"]) == []
    assert not teacher.drafts.exists()
    page = teacher_client.get("/studio/double/preview/")  # the previews' own history
    assert f'<a href="/submissions/{submission.pk}/">just now</a>' in page.content.decode()


def test_learners_cannot_preview(alice_client, softmax):
    assert alice_client.get("/studio/softmax/preview/").status_code == 403
    assert alice_client.post("/studio/softmax/preview/submit/", {"code": "x = 1"}).status_code == 403


def test_a_stuck_regrade_can_be_cancelled_and_a_new_one_started(
    graded, teacher_client, django_capture_on_commit_callbacks
):
    challenge, subs, first = graded
    with django_capture_on_commit_callbacks(execute=False):  # messages lost: nothing regrades it
        response = teacher_client.post("/studio/double/regrade/", {"scope": "latest"})
        stuck = Regrade.objects.get()
        RegradeItem.objects.filter(pk=stuck.items.first().pk).update(status="running", attempts=1)  # a dead worker's
        assert teacher_client.post("/studio/double/regrade/", {"scope": "all"})["Location"] == response["Location"]
    page = teacher_client.get(response["Location"])
    assert f'action="/studio/regrades/{stuck.pk}/cancel/"'.encode() in page.content

    response = teacher_client.post(f"/studio/regrades/{stuck.pk}/cancel/", follow=True)
    assert response.redirect_chain == [(f"/studio/regrades/{stuck.pk}/", 302)]
    assert b"Regrade cancelled" in response.content and b'id="regrade-cancelled"' in response.content
    assert b'action="/studio/double/regrade/"' in response.content and b"hx-get" not in response.content
    stuck.refresh_from_db()
    assert stuck.cancelled is not None and stuck.finished == stuck.cancelled
    assert set(stuck.items.values_list("status", flat=True)) == {"cancelled"}
    assert all(regrade_item_execute(item_id=item.pk) is None for item in stuck.items.all())  # late messages
    assert Submission.objects.get(pk=subs["alice"].pk).version.number == 1  # untouched
    again = teacher_client.post(f"/studio/regrades/{stuck.pk}/cancel/", follow=True)
    assert b"had finished already" in again.content

    with django_capture_on_commit_callbacks(execute=False) as sent:
        response = teacher_client.post("/studio/double/regrade/", {"scope": "latest"})
    fresh = Regrade.objects.exclude(pk=stuck.pk).get()
    assert response["Location"] == f"/studio/regrades/{fresh.pk}/" and len(sent) == 3
    for item in fresh.items.all():
        regrade_item_execute(item_id=item.pk)
    fresh.refresh_from_db()
    assert fresh.finished is not None and fresh.cancelled is None
    assert Submission.objects.get(pk=subs["alice"].pk).verdict == "failed"


def test_a_regrade_cancelled_while_an_item_grades_keeps_its_old_result(
    graded, teacher, monkeypatch, django_capture_on_commit_callbacks
):
    from studio import services
    from studio.services import regrade_cancel

    challenge, subs, first = graded
    with django_capture_on_commit_callbacks(execute=False):
        regrade = regrade_start(challenge=challenge, scope=Regrade.Scope.LATEST, user=teacher)
    real_judge = services.default_judge()

    class CancelledMeanwhile:
        def grade(self, *args, **kwargs):
            assert regrade_cancel(regrade=regrade, user=teacher)
            return real_judge.grade(*args, **kwargs)

    monkeypatch.setattr(services, "default_judge", lambda: CancelledMeanwhile())
    item = regrade.items.get(submission=subs["alice"])
    assert regrade_item_execute(item_id=item.pk) is None
    alice_submit = Submission.objects.get(pk=subs["alice"].pk)
    assert (alice_submit.verdict, alice_submit.version.number) == ("passed", 1)
    assert RegradeItem.objects.get(pk=item.pk).status == "cancelled"


def test_only_instructors_cancel_a_regrade_and_only_by_a_form_of_the_site(
    graded, teacher, teacher_client, alice_client, django_capture_on_commit_callbacks
):
    from django.test import Client

    challenge, subs, first = graded
    with django_capture_on_commit_callbacks(execute=False):
        regrade = regrade_start(challenge=challenge, scope=Regrade.Scope.LATEST, user=teacher)
    url = f"/studio/regrades/{regrade.pk}/cancel/"
    assert alice_client.post(url).status_code == 403
    anonymous = Client().post(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    assert teacher_client.get(url).status_code == 405
    forged = Client(enforce_csrf_checks=True)
    forged.force_login(teacher)
    assert forged.post(url).status_code == 403  # no CSRF token
    regrade.refresh_from_db()
    assert regrade.finished is None and regrade.cancelled is None
    page = forged.get(f"/studio/regrades/{regrade.pk}/")
    token = page.context["csrf_token"]
    assert forged.post(url, {"csrfmiddlewaretoken": str(token)}).status_code == 302
    regrade.refresh_from_db()
    assert regrade.cancelled is not None


def test_hostile_output_in_a_regrade_is_stored_and_the_regrade_finishes(
    graded, teacher, teacher_client, django_user_model, django_capture_on_commit_callbacks
):
    challenge, subs, first = graded
    dave = django_user_model.objects.create_user("dave", "dave@example.com", "dave-password-1")
    v1 = challenge.versions.get(number=1)
    hostile = Submission.objects.create(
        user=dave, challenge=challenge, version=v1, kind="submit", status="done", verdict="failed", score=0.0, seed=7,
        code='print("x\\x00y")\ndef double(x):\n    raise ValueError("bad \\ud800")\n',
    )  # fmt: skip
    regrade = run_regrade(challenge, Regrade.Scope.LATEST, teacher, django_capture_on_commit_callbacks)
    assert regrade.finished is not None
    hostile.refresh_from_db()
    assert (hostile.status, hostile.verdict, hostile.version.number) == ("done", "failed", 2)
    assert "\x00" not in hostile.stdout and "xy" in hostile.stdout
    first, *rest = hostile.tests  # the traceback is shown once, the other rows point to it
    assert "bad \ufffd" in first["message"] and all(t["message"].startswith("the same error as in") for t in rest)
    assert teacher_client.get(f"/submissions/{hostile.pk}/").status_code == 200
    assert teacher_client.get(f"/studio/regrades/{regrade.pk}/").status_code == 200
