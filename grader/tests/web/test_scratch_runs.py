"""Try your own input: scratch_create, scratch_execute and scratch_sweep on a
real database and a real sandbox, and the endpoints (ownership, CSRF, the
limits, the no-JavaScript fallback)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grader.models import Draft, ScratchRun, Submission
from grader.selectors import scratch_example
from grader.services import (
    SCRATCH_MAX_BYTES,
    SubmissionRefused,
    scratch_create,
    scratch_execute,
    scratch_sweep,
    submission_create,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CALLS = "Z = np.array([1000., 0.])\nsoftmax(Z)\nprint(Z.sum())\n"


def tried(user, challenge, code, source=CALLS) -> ScratchRun:
    run = scratch_create(user=user, challenge=challenge, code=code, source=source)
    return scratch_execute(scratch_id=run.pk)


def test_it_stores_a_queued_run_saves_the_draft_and_enqueues_after_commit(
    alice, softmax, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        run = scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
        assert callbacks == []  # nothing is sent before the row is committed
    assert len(callbacks) == 1
    assert (run.status, run.version_id, run.source) == ("queued", softmax.current_version_id, "x\n")
    assert Draft.objects.get(user=alice, challenge=softmax).code == "x = 1\n"
    assert not Submission.objects.exists()  # no Run, no Submit


def test_running_it_stores_each_lines_value_and_output(alice, softmax):
    run = tried(alice, softmax, softmax.current_version.solution)
    assert run.status == "done" and run.attempts == 1 and run.finished
    run.refresh_from_db()
    lines = run.output["lines"]
    assert [(r["line"], r["source"]) for r in lines] == [(1, "Z = np.array([1000., 0.])"), (2, "softmax(Z)"),
                                                         (3, "print(Z.sum())")]  # fmt: skip
    assert lines[1]["value"] == "array([1., 0.])" and lines[2]["output"] == "1000.0\n"
    assert run.output["error"] == ""


def test_the_learners_exception_is_a_result_not_an_error(alice, softmax):
    run = tried(alice, softmax, "def softmax(Z):\n    raise ValueError('mine')\n")
    assert run.status == "done" and "ValueError: mine" in run.output["lines"][1]["error"]
    assert len(run.output["lines"]) == 2  # the run stopped there


def test_running_twice_runs_once(alice, softmax):
    run = scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
    assert scratch_execute(scratch_id=run.pk) is not None
    assert scratch_execute(scratch_id=run.pk) is None
    assert ScratchRun.objects.get(pk=run.pk).attempts == 1


def test_oversized_or_nul_input_and_oversized_code_are_refused(alice, softmax):
    with pytest.raises(SubmissionRefused, match=f"the limit is {SCRATCH_MAX_BYTES}") as exc:
        scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="#" * (SCRATCH_MAX_BYTES + 1))
    assert exc.value.status == 413
    with pytest.raises(SubmissionRefused, match="limit is 64 KiB"):
        scratch_create(user=alice, challenge=softmax, code="#" * (64 * 1024 + 1), source="x\n")
    with pytest.raises(SubmissionRefused, match="NUL") as exc:
        scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\x00\n")
    assert exc.value.status == 400 and not ScratchRun.objects.exists()


def test_one_run_in_flight_per_learner_apart_from_gradings(alice, bob, softmax):
    scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
    with pytest.raises(SubmissionRefused, match="A try-out of yours is still in progress") as exc:
        scratch_create(user=alice, challenge=softmax, code="x = 2\n", source="x\n")
    assert exc.value.status == 409
    assert Draft.objects.get(user=alice, challenge=softmax).code == "x = 2\n"  # the code is saved all the same
    scratch_create(user=bob, challenge=softmax, code="x = 1\n", source="x\n")  # another learner is not held up
    submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")  # nor a grading of alice's


def test_runs_per_window_are_limited_by_their_own_setting(alice, softmax, settings):
    settings.GRADER_SCRATCH_RATE_LIMIT, settings.GRADER_RATE_LIMIT = 3, 1
    for _ in range(3):
        run = scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
        ScratchRun.objects.filter(pk=run.pk).update(status="done")
    with pytest.raises(SubmissionRefused, match="used your 3 try-outs for the last 10 minutes") as exc:
        scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
    assert exc.value.status == 429
    submission_create(user=alice, challenge=softmax, code="x = 1\n", kind="run")  # try-outs are no gradings
    ScratchRun.objects.update(created=timezone.now() - timedelta(seconds=settings.GRADER_RATE_WINDOW + 1))
    scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")  # the window moved on


def test_the_sweeper_resends_lost_runs_gives_up_on_stuck_ones_and_drops_old_ones(
    alice, bob, softmax, settings, django_capture_on_commit_callbacks
):
    long_ago = timezone.now() - timedelta(hours=1)
    lost = scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
    stuck = scratch_create(user=bob, challenge=softmax, code="x = 1\n", source="x\n")
    ScratchRun.objects.filter(pk=lost.pk).update(enqueued=long_ago)
    ScratchRun.objects.filter(pk=stuck.pk).update(
        status="running", started=long_ago, attempts=settings.GRADER_MAX_ATTEMPTS
    )
    with django_capture_on_commit_callbacks() as sent:
        assert scratch_sweep() == {"scratch runs": 1, "gave up": 1, "dropped": 0}
    assert len(sent) == 1
    stuck.refresh_from_db()
    assert stuck.status == "error" and "gave up after" in stuck.output["error"]
    assert scratch_execute(scratch_id=lost.pk).status == "done"  # the resent one runs
    ScratchRun.objects.update(created=timezone.now() - timedelta(days=2))
    settings.GRADER_RATE_WINDOW = 3 * 24 * 3600
    assert scratch_sweep()["dropped"] == 0  # still counted by the rate limit
    settings.GRADER_RATE_WINDOW = 600
    assert scratch_sweep()["dropped"] == 2


def test_a_post_answers_with_a_polling_fragment_then_the_result(alice_client, alice, softmax):
    url = reverse("grader:scratch", args=["softmax"])
    response = alice_client.post(url, {"code": softmax.current_version.solution, "scratch": CALLS}, **HTMX)
    run = ScratchRun.objects.get()
    assert response.status_code == 200 and b'data-status="queued"' in response.content
    assert reverse("grader:scratch_result", args=[run.pk]).encode() in response.content
    scratch_execute(scratch_id=run.pk)
    fragment = alice_client.get(reverse("grader:scratch_result", args=[run.pk]), **HTMX).content.decode()
    assert 'data-status="done"' in fragment and "hx-get" not in fragment
    assert "array([1., 0.])" in fragment and "1000.0" in fragment and "&gt;&gt;&gt; </span><code>softmax(Z)" in fragment


def test_without_javascript_the_form_lands_on_the_runs_page(alice_client, alice, softmax):
    url = reverse("grader:scratch", args=["softmax"])
    response = alice_client.post(url, {"code": softmax.current_version.solution, "scratch": "softmax(np.zeros(2))"})
    run = ScratchRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("grader:scratch_detail", args=[run.pk])
    page = alice_client.get(response["Location"]).content.decode()
    assert 'http-equiv="refresh"' in page and "Queued" in page  # it reloads itself while the run is in flight
    scratch_execute(scratch_id=run.pk)
    page = alice_client.get(response["Location"]).content.decode()
    assert "array([0.5, 0.5])" in page and 'http-equiv="refresh"' not in page
    assert reverse("challenges:detail", args=["softmax"]) in page


def test_a_second_try_while_one_is_in_flight_follows_it_on_its_page_and_is_only_named_elsewhere(alice_client, softmax):
    alice_client.post(reverse("grader:scratch", args=["softmax"]), {"code": "x = 1\n", "scratch": "x"}, **HTMX)
    first = ScratchRun.objects.get()
    again = alice_client.post(reverse("grader:scratch", args=["softmax"]), {"code": "x = 2\n", "scratch": "x"}, **HTMX)
    assert again.status_code == 409 and b"still in progress" in again.content
    assert f'data-scratch="{first.pk}"'.encode() in again.content and b'data-status="queued"' in again.content
    other = alice_client.post(
        reverse("grader:scratch", args=["batch-norm"]), {"code": "x = 2\n", "scratch": "x"}, **HTMX
    )
    assert (
        other.status_code == 409 and b'data-status="refused"' in other.content and b"data-scratch" not in other.content
    )
    assert ScratchRun.objects.count() == 1


def test_refusals_are_a_fragment_with_htmx_and_a_page_without(alice_client, softmax):
    url = reverse("grader:scratch", args=["softmax"])
    big = alice_client.post(url, {"code": "x = 1\n", "scratch": "#" * (SCRATCH_MAX_BYTES + 1)}, **HTMX)
    assert big.status_code == 413 and b'id="scratch-result"' in big.content and b"the limit is" in big.content
    alice_client.post(url, {"code": "x = 1\n", "scratch": "x"}, **HTMX)
    busy = alice_client.post(url, {"code": "x = 1\n", "scratch": "x"})
    assert busy.status_code == 409 and b"still in progress" in busy.content and b"Not graded" in busy.content


def test_only_the_owner_sees_a_run(client, alice, bob, teacher, softmax):
    run = scratch_create(user=alice, challenge=softmax, code="x = 1\n", source="x\n")
    for name in ("grader:scratch_result", "grader:scratch_detail"):
        url = reverse(name, args=[run.pk])
        for other in (bob, teacher):  # staff too: scribbling is not work handed in
            client.force_login(other)
            assert client.get(url).status_code == 404
        client.force_login(alice)
        assert client.get(url).status_code == 200


def test_the_endpoint_needs_post_and_csrf(alice, softmax):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    url = reverse("grader:scratch", args=["softmax"])
    assert csrf_client.get(url).status_code == 405
    assert csrf_client.post(url, {"code": "x = 1", "scratch": "x"}).status_code == 403
    assert not ScratchRun.objects.exists() and not Draft.objects.exists()


def test_the_challenge_page_offers_a_call_of_the_entry_function(alice_client, softmax):
    page = alice_client.get(reverse("challenges:detail", args=["softmax"])).content.decode()
    assert 'id="scratch-source" form="editor-form"' in page
    assert "Z = np.array([1.0, 2.0, 3.0])\nsoftmax(Z)\n</textarea>" in page
    assert f'formaction="{reverse("grader:scratch", args=["softmax"])}"' in page


@pytest.mark.parametrize(
    ("starter", "example"),
    [
        ("def f(X, y, lr=0.1):\n    pass\n", "X = np.array([1.0, 2.0, 3.0])\ny = np.array([1.0, 2.0, 3.0])\nf(X, y)\n"),
        ("def g():\n    pass\n", "f()\n"),  # the entry function is not in the starter
        ("def f(:\n", "f()\n"),
    ],
)
def test_the_example_names_the_entry_functions_parameters(starter, example):
    assert scratch_example(functions=["f"], starter=starter) == example
