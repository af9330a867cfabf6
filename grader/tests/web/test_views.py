"""The learner's pages and endpoints: permissions, limits, drafts, results."""

import re

import numpy as np
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grader.models import Draft, Submission
from grader.selectors import HIDDEN_MESSAGE
from grader.services import submission_create, submission_grade

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def graded(user, challenge, code, kind="submit") -> Submission:
    submission = submission_create(user=user, challenge=challenge, code=code, kind=kind)
    submission_grade(submission_id=submission.pk)
    submission.refresh_from_db()
    return submission


def test_anonymous_visitors_read_statements_but_cannot_run(client, softmax):
    page = client.get(reverse("challenges:detail", args=["softmax"]))
    assert page.status_code == 200
    assert b"overflow" in page.content and b"Log in</a> or" in page.content
    assert b'id="editor-form"' not in page.content
    response = client.post(reverse("grader:submit", args=["softmax"]), {"code": "x = 1"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert not Submission.objects.exists()


@pytest.mark.parametrize("name", ["profile", "password_change"])
def test_account_pages_need_a_signed_in_user(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_sign_up_logs_the_new_learner_in(client, library):
    response = client.post(
        reverse("signup"),
        {
            "username": "carol",
            "email": "carol@example.com",
            "password1": "a-Long-passw0rd!",
            "password2": "a-Long-passw0rd!",
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("profile")).status_code == 200


def test_sign_up_applies_the_password_validators(client, db):
    response = client.post(
        reverse("signup"), {"username": "dave", "email": "dave@example.com", "password1": "123", "password2": "123"}
    )
    assert response.status_code == 200
    assert b"too short" in response.content


def test_password_reset_sends_a_mail(client, alice, mailoutbox):
    client.post(reverse("password_reset"), {"email": "alice@example.com"})
    assert len(mailoutbox) == 1 and "alice" in mailoutbox[0].body


def test_the_list_shows_progress_in_one_query(alice_client, alice, softmax, django_assert_num_queries):
    graded(alice, softmax, softmax.current_version.solution)
    # session, user, the role (for the nav), then the list itself: the same count for 5 challenges as for 500
    with django_assert_num_queries(4):
        page = alice_client.get(reverse("challenges:list"))
    rows = {c.slug: c for c in page.context["challenges"]}
    assert rows["softmax"].status == "solved" and rows["softmax"].best_score == 1.0
    assert rows["batch-norm"].status == "new"


def test_the_challenge_page_reads_draft_history_and_totals_in_two_queries(
    alice_client, alice, softmax, django_assert_num_queries
):
    graded(alice, softmax, "def softmax(Z):\n    return Z\n")  # fails
    graded(alice, softmax, softmax.current_version.solution)  # passes
    graded(alice, softmax, "# a run\n", kind="run")  # no attempt
    alice_client.post(reverse("grader:draft", args=["softmax"]), {"code": "# still typing\n"})
    alice_client.get(reverse("challenges:list"))  # the nav's role, remembered from here
    # session, user, then the challenge with the draft and its track, the history with the totals,
    # and the published list for the track's previous, next and related challenges
    with django_assert_num_queries(5):
        page = alice_client.get(reverse("challenges:detail", args=["softmax"]))
    assert page.context["code"] == "# still typing\n"
    assert (page.context["attempts"], page.context["best_score"], page.context["solved"]) == (2, 1.0, True)
    assert [s.kind for s in page.context["history"]] == ["run", "submit", "submit"]


def test_every_history_row_links_to_its_own_submission(alice_client, alice, softmax):
    # one URL is reversed for the whole table and each row's pk put in it (history_table)
    runs = [graded(alice, softmax, f"# attempt {i}\n", kind="run") for i in range(3)]
    page = alice_client.get(reverse("challenges:detail", args=["softmax"])).content.decode()
    final = alice_client.get(reverse("grader:result", args=[runs[-1].pk]), **HTMX).content.decode()
    for html in (page, final.split('id="history"')[1]):  # the final fragment's history catches up (OOB)
        links = re.findall(r'<a href="(/submissions/\d+/)">just now</a>', html)
        assert links == [reverse("grader:submission", args=[s.pk]) for s in reversed(runs)]


def test_the_polled_fragment_reads_neither_the_code_nor_the_pack(alice_client, alice, softmax):
    submission = graded(alice, softmax, "# secret-looking code\n", kind="run")
    with CaptureQueriesContext(connection) as queries:
        fragment = alice_client.get(reverse("grader:result", args=[submission.pk]), **HTMX)
    assert fragment.status_code == 200 and b'data-status="done"' in fragment.content
    read = " ".join(q["sql"] for q in queries if "grader_submission" in q["sql"])
    assert '"grader_submission"."status"' in read
    assert '"grader_submission"."code"' not in read and "challenges_challengeversion" not in read


def test_the_list_shows_the_tracks_in_order_each_easy_to_hard(client, whole_library):
    from challenges.models import Track

    groups = client.get(reverse("challenges:list")).context["groups"]
    assert [g.track for g in groups] == list(Track.objects.all()) and len(groups) == 8
    for group in groups:
        positions = [c.track_position for c in group.challenges]
        assert positions == sorted(positions) and len(set(positions)) == len(positions), group.track
        difficulties = [c.difficulty for c in group.challenges]
        assert difficulties == sorted(difficulties, key=["easy", "medium", "hard"].index), group.track


def test_the_list_filters_by_difficulty_tag_and_status(alice_client, alice, softmax):
    graded(alice, softmax, "def softmax(Z):\n    return Z\n")
    by_status = alice_client.get(reverse("challenges:list"), {"status": "attempted"}).context["challenges"]
    assert [c.slug for c in by_status] == ["softmax"]
    by_tag = alice_client.get(reverse("challenges:list"), {"tag": "activations"}).context["challenges"]
    assert "softmax" in [c.slug for c in by_tag] and "batch-norm" not in [c.slug for c in by_tag]
    hard = alice_client.get(reverse("challenges:list"), {"difficulty": "hard"}).context["challenges"]
    assert all(c.difficulty == "hard" for c in hard)


def test_submit_through_htmx_answers_with_a_polling_fragment(alice_client, softmax):
    response = alice_client.post(
        reverse("grader:submit", args=["softmax"]), {"code": softmax.current_version.solution}, **HTMX
    )
    assert response.status_code == 200
    submission = Submission.objects.get()
    assert submission.kind == "submit"
    assert f'hx-get="{reverse("grader:result", args=[submission.pk])}"'.encode() in response.content
    assert b"position 1 in the queue" in response.content
    assert b'hx-trigger="load delay:150ms"' in response.content


def test_far_back_in_the_queue_the_fragment_polls_less_often(alice_client, bob, softmax):
    for n in range(20):  # twenty gradings ahead of alice's
        Submission.objects.create(
            user=bob, challenge=softmax, version=softmax.current_version, code="", kind="run", seed=n
        )
    alice_client.post(reverse("grader:submit", args=["softmax"]), {"code": "x = 1\n"}, **HTMX)
    mine = Submission.objects.get(user__username="alice")
    fragment = alice_client.get(reverse("grader:result", args=[mine.pk]), **HTMX).content
    assert b"position 21 in the queue" in fragment and b'hx-trigger="load delay:1150ms"' in fragment
    Submission.objects.exclude(pk=mine.pk).update(status="done", verdict="failed")
    Submission.objects.filter(pk=mine.pk).update(status="running")
    fragment = alice_client.get(reverse("grader:result", args=[mine.pk]), **HTMX).content
    assert b'hx-trigger="load delay:150ms"' in fragment


def test_without_javascript_a_submit_redirects_to_the_submission(alice_client, softmax):
    response = alice_client.post(reverse("grader:run", args=["softmax"]), {"code": "x = 1\n"})
    submission = Submission.objects.get()
    assert submission.kind == "run"
    assert response["Location"] == reverse("grader:submission", args=[submission.pk])


def test_the_final_fragment_stops_polling_and_hides_hidden_tests(alice_client, alice, softmax):
    submission = graded(alice, softmax, "import numpy as np\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum()\n")
    response = alice_client.get(reverse("grader:result", args=[submission.pk]), **HTMX)
    assert b"hx-get" not in response.content.split(b'id="history"')[0]
    assert b'data-verdict="failed"' in response.content
    rows = response.context["tests"]
    hidden_failed = [r for r in rows if r["hidden"] and r["status"] != "passed"]
    assert hidden_failed and all(r["message"].startswith(HIDDEN_MESSAGE + " What failed: ") for r in hidden_failed)
    kinds = {r["name"]: r["message"].removeprefix(HIDDEN_MESSAGE + " What failed: ") for r in hidden_failed}
    # the kind of check, then what the checks noted: the digits matched and the input's probe, not its values
    assert kinds["test_extreme_logits"] == (
        "NaN or inf in the result: a numerical-stability check. What this input probes: logits of about 1000 and "
        "more: exp(z) overflows float64 past z ≈ 709 and inf / inf is NaN; subtract each row's max first (softmax "
        "does not change)."
    )
    assert kinds["test_matches_reference_on_random_batches"] == (
        "the values differ from the reference's. No matching digits where the tolerance asks for 6."
    )
    sample_failed = [r for r in rows if not r["hidden"] and r["status"] == "failed"]
    assert any("NaN" in r["message"] for r in sample_failed)
    # the stored messages of hidden tests never reach the page
    stored = next(t["message"] for t in submission.tests if t["hidden"] and t["status"] == "failed")
    assert stored.encode() not in response.content


def test_a_syntax_error_shows_its_line(alice_client, alice, softmax):
    submission = graded(alice, softmax, "import numpy as np\n\ndef softmax(Z)\n    return Z\n")
    response = alice_client.get(reverse("grader:result", args=[submission.pk]), **HTMX)
    assert b"Line 3" in response.content and b"SyntaxError" in response.content
    # the submission's page numbers its code and marks that line, as the editor does
    page = alice_client.get(reverse("grader:submission", args=[submission.pk])).content.decode()
    lines = re.findall(r'<span class="code-line( error)?"[^>]*>([^<]*)\n</span>', page)
    assert [text for _, text in lines] == ["import numpy as np", "", "def softmax(Z)", "    return Z"]
    assert [mark for mark, _ in lines] == ["", "", " error", ""]


def test_another_learner_gets_404_on_submission_result_and_draft(client, alice, bob, softmax):
    submission = graded(alice, softmax, "secret_code = 42\n")
    client.force_login(bob)
    assert client.get(reverse("grader:submission", args=[submission.pk])).status_code == 404
    assert client.get(reverse("grader:result", args=[submission.pk])).status_code == 404
    # nor can bob pull alice's code into his editor, or see her draft
    page = client.get(reverse("challenges:detail", args=["softmax"]), {"from": submission.pk})
    assert b"secret_code" not in page.content
    assert page.context["code"] == softmax.current_version.starter


def test_drafts_are_saved_and_restored(alice_client, alice, softmax):
    response = alice_client.post(reverse("grader:draft", args=["softmax"]), {"code": "# my work in progress\n"})
    assert response.status_code == 200 and response.json()["saved"]
    page = alice_client.get(reverse("challenges:detail", args=["softmax"]))
    assert page.context["code"] == "# my work in progress\n"
    assert Draft.objects.get(user=alice).code == "# my work in progress\n"


def test_a_past_submission_can_be_loaded_into_the_editor(alice_client, alice, softmax):
    submission = graded(alice, softmax, "# attempt one\n", kind="run")
    alice_client.post(reverse("grader:draft", args=["softmax"]), {"code": "# later draft\n"})
    page = alice_client.get(reverse("challenges:detail", args=["softmax"]), {"from": submission.pk})
    assert page.context["code"] == "# attempt one\n"
    history = page.context["history"]
    assert [s.pk for s in history] == [submission.pk]


def test_takeaways_unlock_after_the_first_passing_submit(alice_client, alice, softmax):
    page = alice_client.get(reverse("challenges:detail", args=["softmax"]))
    assert "takeaways_html" not in page.context
    graded(alice, softmax, softmax.current_version.solution, kind="run")  # a Run does not count
    assert "takeaways_html" not in alice_client.get(reverse("challenges:detail", args=["softmax"])).context
    graded(alice, softmax, softmax.current_version.solution)
    page = alice_client.get(reverse("challenges:detail", args=["softmax"]))
    assert page.context["takeaways_html"] and b"Takeaways" in page.content


def test_a_second_submit_while_one_is_queued_says_so(alice_client, softmax):
    url = reverse("grader:submit", args=["softmax"])
    alice_client.post(url, {"code": "first = 1\n"}, **HTMX)
    response = alice_client.post(url, {"code": "second = 2\n"}, **HTMX)
    assert response.status_code == 409
    assert b"still in progress" in response.content
    assert Submission.objects.count() == 1
    # the panel follows the grading in flight: its fragment, polling
    first = Submission.objects.get()
    assert f'data-submission="{first.pk}"'.encode() in response.content and b'data-status="queued"' in response.content
    assert reverse("grader:result", args=[first.pk]).encode() in response.content
    assert alice_client.get(reverse("challenges:detail", args=["softmax"])).context["code"] == "second = 2\n"


def test_a_grading_in_flight_on_another_challenge_is_only_named(alice_client, softmax):
    alice_client.post(reverse("grader:submit", args=["batch-norm"]), {"code": "first = 1\n"}, **HTMX)
    response = alice_client.post(reverse("grader:submit", args=["softmax"]), {"code": "x = 2\n"}, **HTMX)
    assert response.status_code == 409 and b'data-status="refused"' in response.content
    assert b"data-submission" not in response.content and b"still in progress" in response.content


def test_oversized_and_non_utf8_code_is_refused_with_a_message(alice_client, softmax):
    url = reverse("grader:submit", args=["softmax"])
    big = alice_client.post(url, {"code": "#" * (65 * 1024)}, **HTMX)
    assert big.status_code == 413 and b"limit is 64 KiB" in big.content
    paste = alice_client.post(url, {"code": "#" * (10 * 1024 * 1024)}, **HTMX)
    assert paste.status_code == 413 and b"larger than the 64 KiB limit" in paste.content
    bad = alice_client.post(url, b"code=%FF%FEx", content_type="application/x-www-form-urlencoded", **HTMX)
    assert bad.status_code == 400 and b"not valid UTF-8" in bad.content
    assert not Submission.objects.exists()


def test_state_changing_endpoints_need_post_and_csrf(alice, softmax):
    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(alice)
    for name in ("grader:run", "grader:submit", "grader:draft"):
        url = reverse(name, args=["softmax"])
        assert csrf_client.get(url).status_code == 405
        assert csrf_client.post(url, {"code": "x = 1"}).status_code == 403
    assert not Submission.objects.exists() and not Draft.objects.exists()


def test_profile_shows_progress_across_challenges(alice_client, alice, softmax):
    graded(alice, softmax, softmax.current_version.solution)
    page = alice_client.get(reverse("profile"))
    assert page.context["solved"] == 1
    assert page.context["points"] == softmax.current_version.points


def test_results_read_as_sentences_with_one_casing_and_say_what_they_count(alice_client, alice, softmax):
    graded(alice, softmax, "def softmax(Z):\n    return Z\n", kind="run")
    submit = graded(alice, softmax, "def softmax(Z):\n    return Z\n")
    page = alice_client.get(reverse("challenges:detail", args=["softmax"])).content.decode()
    assert "Your submissions · 1 Submit" in page and ">just now</a>" in page  # a Run and a Submit listed
    assert re.search(r'<span class="verdict failed">Failed</span>', page)
    fragment = alice_client.get(reverse("grader:result", args=[submit.pk]), **HTMX).content.decode()
    assert (
        '<td title="test_probabilities_sum_to_one_and_keep_order">Probabilities sum to one and keep order' in fragment
    )
    assert 'id="verdict">Failed</span>' in fragment and '<span class="status failed">Failed</span>' in fragment
    assert 'rel="icon"' in page


WRONG_SOFTMAX = "import numpy as np\n\ndef softmax(Z):\n    return np.exp(Z) / np.exp(Z).sum(axis=-1, keepdims=True)\n"


def test_hints_unlock_one_per_failed_submit_and_all_once_solved(alice_client, alice, softmax):
    url = reverse("challenges:detail", args=["softmax"])
    hints = softmax.current_version.pack().hint_list()
    assert len(hints) == 3
    assert (
        alice_client.get(url).context["hints"] == [] and "first hint unlocks" in alice_client.get(url).content.decode()
    )
    graded(alice, softmax, WRONG_SOFTMAX, kind="run")  # a Run unlocks nothing
    assert alice_client.get(url).context["hints"] == []
    for n in (1, 2, 3, 3):
        graded(alice, softmax, WRONG_SOFTMAX)
        page = alice_client.get(url)
        assert len(page.context["hints"]) == n and f'Hints <span class="muted">{n} of 3' in page.content.decode()
    assert "hint unlocks" not in page.content.decode()


def test_the_final_fragment_of_a_submit_brings_the_hint_then_the_solved_moment_in_place(
    alice_client, alice, softmax, whole_library
):
    failed = graded(alice, softmax, WRONG_SOFTMAX)
    fragment = alice_client.get(reverse("grader:result", args=[failed.pk]), **HTMX).content.decode()
    assert '<section class="hints" id="hints" aria-live="polite" hx-swap-oob="true">' in fragment
    assert "Hint 1" in fragment and "Hint 2" not in fragment and "Solved!" not in fragment
    assert 'id="takeaways"' not in fragment  # nothing earned there yet: the page keeps its note

    passed = graded(alice, softmax, softmax.current_version.solution)
    fragment = alice_client.get(reverse("grader:result", args=[passed.pk]), **HTMX).content.decode()
    assert "<strong>Solved!</strong> 100% on every test." in fragment
    assert 'Next in Numerics and activations: <a href="/challenges/log-sum-exp/" rel="next">' in fragment
    assert '<section class="takeaways" id="takeaways" hx-swap-oob="true"><h2>Takeaways: ' in fragment
    assert fragment.count("<h1") == 0  # the pack's own heading became the section's one heading


def test_a_run_brings_no_hints(alice_client, alice, softmax):
    run = graded(alice, softmax, WRONG_SOFTMAX, kind="run")
    assert 'id="hints"' not in alice_client.get(reverse("grader:result", args=[run.pk]), **HTMX).content.decode()


@pytest.mark.parametrize(
    "status, message, kind",
    [
        (
            "failed",
            "your function took 2 s of CPU on a (4000, 5) input, 40x the reference's 5 ms; the limit is 10x",
            "too slow: over the speed limit against the reference",
        ),
        (
            "failed",
            "the speed test's result on a (4000, 5) input is wrong: out has shape (5,), expected (4000, 5)",
            "a wrong result on the speed test's large input",
        ),
        (
            "failed",
            "dx does not match the finite-difference gradient: 3 of 12 elements differ",
            "the gradient does not match finite differences",
        ),
        ("failed", "out has shape (3,), expected (2, 3)", "the result has the wrong shape or type"),
        ("failed", "assert 0.31 < 0.25", "one of its checks failed"),
        ("timeout", "used 2 s of CPU; the limit is 2 s", "it ran out of time"),
        ("error", "ValueError: secret input [1.5, 2.5]", "your code raised an exception"),
    ],
)
def test_a_hidden_failure_says_which_kind_of_check_failed_and_nothing_of_its_data(status, message, kind):
    from grader.selectors import hidden_failure

    said = hidden_failure(status, message)
    assert said == f"{HIDDEN_MESSAGE} What failed: {kind}." and "4000" not in said and "1.5" not in said


def test_a_hidden_failure_shows_the_checks_notes_but_not_the_values():
    from grader.engine.checks import assert_allclose, current_metrics
    from grader.selectors import hidden_failure

    expected = np.array([1.5, 2.5])
    metrics: dict = {}
    token = current_metrics.set(metrics)
    try:
        with pytest.raises(AssertionError) as info:
            assert_allclose(expected * (1 + 1e-4), expected, rtol=1e-6, name="out", probe="data offset by 100")
    finally:
        current_metrics.reset(token)
    said = hidden_failure("failed", str(info.value), metrics)
    assert said == (
        f"{HIDDEN_MESSAGE} What failed: the values differ from the reference's. "
        "About 4 matching digits where the tolerance asks for 6. What this input probes: data offset by 100."
    )
    assert "1.5" not in said and "2.5" not in said
    # Only the checks' own notes: the same lines in a message (say, quoting a string the learner
    # returned) without them in the metrics stay hidden, and so do notes of another failure.
    assert (
        hidden_failure("failed", str(info.value))
        == f"{HIDDEN_MESSAGE} What failed: the values differ from the reference's."
    )
    assert "probes" not in hidden_failure("failed", "assert False", metrics)
    assert "probes" not in hidden_failure("error", str(info.value), metrics)
