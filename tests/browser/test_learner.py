"""A learner in a real browser: sign up, write code, Run and Submit graded by a
real Celery worker, results swapped in by htmx without a reload, drafts, reset."""

import re
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from grader.engine.pack import load_suite
from grader.models import Draft, Submission
from tests.browser.conftest import (
    ARTIFACTS,
    GRADING_TIMEOUT_MS,
    editor_ready,
    editor_text,
    set_editor_text,
)

SEED_SOLUTION = (Path(settings.BASE_DIR) / "grader" / "tests" / "seed_solutions" / "softmax.py").read_text()

# Without the max shift exp overflows: softmax([1000, 1001, 1002]) is inf / inf = NaN.
NAIVE_SOFTMAX = """import numpy as np


def softmax(Z):
    exp_Z = np.exp(Z)
    return exp_Z / exp_Z.sum(axis=-1, keepdims=True)
"""


def suite_of(challenge):
    return load_suite(challenge.current_version.pack()).tests


def verdict(page, worker_log: Path, expected: str) -> None:
    """Wait for the final result fragment (queued → running → done, polled by htmx)."""
    result = page.locator("#result")
    try:
        expect(result).to_have_attribute("data-status", "done", timeout=GRADING_TIMEOUT_MS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker_log.read_text()[-4000:]}") from None
    expect(result).to_have_attribute("data-verdict", expected)


def test_sign_up_then_submit_a_correct_solution(page, live_server, worker, softmax):
    page.goto(reverse("signup"))
    page.fill("#id_username", "carol")
    page.fill("#id_email", "carol@example.com")
    page.fill("#id_password1", "a-Long-passw0rd!")
    page.fill("#id_password2", "a-Long-passw0rd!")
    page.get_by_role("button", name="Sign up").click()
    expect(page).to_have_url(live_server.url + reverse("challenges:list"))
    expect(page.locator("header.top nav")).to_contain_text("carol")

    page.get_by_role("link", name=softmax.title).click()
    expect(page).to_have_url(live_server.url + reverse("challenges:detail", args=["softmax"]))
    editor_ready(page)

    # Select all and put the seed's solution in as one input (like a paste: no
    # auto-indent or bracket closing on the way).
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.insert_text(SEED_SOLUTION)
    assert editor_text(page) == SEED_SOLUTION

    page.evaluate("() => { window.__marker = 1; }")
    url = page.url
    page.locator("#submit-button").click()
    verdict(page, worker, "passed")

    tests = suite_of(softmax)
    rows = page.locator("#result tr.test")
    expect(rows).to_have_count(len(tests))
    expect(page.locator("#result tr.test.passed")).to_have_count(len(tests))
    expect(page.locator("#result tr.test .tag", has_text="hidden")).to_have_count(sum(not t.spec.sample for t in tests))
    expect(page.locator("#result .score")).to_have_text("100%")
    # htmx swapped the fragment in: same document, same URL
    assert page.evaluate("() => window.__marker") == 1
    assert page.url == url
    # the history table caught up out of band
    expect(page.locator("#history")).to_contain_text("Passed")

    submission = Submission.objects.get(user__username="carol")
    assert (submission.kind, submission.verdict, submission.code) == ("submit", "passed", SEED_SOLUTION)

    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#result").screenshot(path=ARTIFACTS / "learner-result.png")


def test_a_naive_softmax_fails_with_the_sample_tests_message(learner_page, worker):
    page = learner_page
    set_editor_text(page, NAIVE_SOFTMAX)
    page.locator("#submit-button").click()
    verdict(page, worker, "failed")

    overflow = page.locator('#result tr.test.failed[data-test="test_large_logits_do_not_overflow"]')
    expect(overflow).to_have_count(1)
    expect(overflow.locator(".message")).to_contain_text(re.compile(r"NaN|non-finite"))
    expect(overflow.locator(".tag", has_text="hidden")).to_have_count(0)


def test_a_syntax_error_typed_in_the_editor_shows_its_line(learner_page, worker):
    page = learner_page
    # Real keystrokes: the editor auto-indents after ":" and types over the ")"
    # it auto-closed, so the lines are typed without indentation.
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.press("Delete")
    page.keyboard.type("# typed by hand;\ndef softmax(Z):\nshifted = Z - Z.max();\nreturn shifted +")
    expected = "# typed by hand;\ndef softmax(Z):\n    shifted = Z - Z.max();\n    return shifted +"
    assert editor_text(page) == expected

    page.locator("#submit-button").click()
    verdict(page, worker, "error")
    expect(page.locator("#result .error-line")).to_have_text("Line 4")
    expect(page.locator("#result .error-box pre")).to_contain_text("SyntaxError")


def test_the_draft_survives_a_reload(learner_page, alice, softmax):
    page = learner_page
    starter = softmax.current_version.starter
    assert editor_text(page) == starter

    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("# remember me")
    typed = editor_text(page)
    assert typed.endswith("# remember me") and typed != starter
    expect(page.locator("#save-state")).to_have_text("Saved")
    assert Draft.objects.get(user=alice, challenge=softmax).code == typed

    page.reload()
    editor_ready(page)
    assert editor_text(page) == typed
    expect(page.locator(".cm-content")).to_contain_text("# remember me")


def test_keyboard_shortcuts_submit_and_run(learner_page, worker, softmax):
    page = learner_page
    tests = suite_of(softmax)
    samples = [t.name for t in tests if t.spec.sample]
    set_editor_text(page, softmax.current_version.solution)
    editor = page.locator(".cm-content")

    editor.click()
    page.keyboard.press("Control+Enter")
    verdict(page, worker, "passed")
    expect(page.locator("#result .verdict-line")).not_to_contain_text("(sample tests)")
    expect(page.locator("#result tr.test")).to_have_count(len(tests))

    submitted = page.locator("#result").get_attribute("data-submission")

    editor.click()
    page.keyboard.press("Control+'")
    # a new submission: wait for its own fragment, then for its verdict
    expect(page.locator("#result")).not_to_have_attribute("data-submission", submitted)
    verdict(page, worker, "passed")
    expect(page.locator("#result .verdict-line")).to_contain_text("Run (sample tests)")
    rows = page.locator("#result tr.test")
    expect(rows).to_have_count(len(samples))
    assert [rows.nth(i).get_attribute("data-test") for i in range(len(samples))] == samples
    expect(page.locator("#result .tag", has_text="hidden")).to_have_count(0)

    kinds = list(Submission.objects.order_by("created").values_list("kind", flat=True))
    assert kinds == ["submit", "run"]
    # neither shortcut typed into the editor
    assert editor_text(page) == softmax.current_version.solution


def test_reset_to_starter_code_asks_first(learner_page, softmax):
    page = learner_page
    set_editor_text(page, "x = 1\n")
    messages = []

    def dismiss(dialog):
        messages.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", dismiss)
    page.locator("#reset-button").click()
    expect(page.locator(".cm-content")).to_have_text("x = 1")
    assert editor_text(page) == "x = 1\n"
    assert messages and "starter code" in messages[0]

    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("#reset-button").click()
    expect(page.locator(".cm-content")).to_contain_text("def softmax(Z):")
    assert editor_text(page) == softmax.current_version.starter


def test_a_run_that_cannot_reach_the_server_saves_the_draft_after_all(learner_page, alice, softmax):
    page = learner_page
    page.route("**" + reverse("grader:run", args=["softmax"]), lambda route: route.abort())
    set_editor_text(page, "x = 1  # written offline\n")
    page.locator("#run-button").click()
    expect(page.locator("#result")).to_contain_text("could not be reached")
    # the Run would have saved the code; it never arrived, so the draft is saved instead
    expect(page.locator("#save-state")).to_have_text("Saved")
    assert Draft.objects.get(user=alice, challenge=softmax).code == "x = 1  # written offline\n"
    assert not Submission.objects.exists()


def test_a_result_poll_that_fails_is_tried_again_until_the_verdict(learner_page, worker, softmax):
    page = learner_page
    failures = []

    def flaky(route):
        if len(failures) < 2:  # the first two polls are lost on the way
            failures.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/submissions/*/result/", flaky)
    set_editor_text(page, softmax.current_version.solution)
    page.locator("#submit-button").click()
    verdict(page, worker, "passed")
    assert len(failures) == 2


def test_code_refused_as_too_large_is_not_shown_as_saved(learner_page, alice, softmax):
    page = learner_page
    set_editor_text(page, "#" * (64 * 1024 + 10) + "\n")
    page.locator("#submit-button").click()
    expect(page.locator("#result")).to_contain_text("the limit is 64 KiB")
    expect(page.locator("#save-state")).to_contain_text("Not saved")
    assert not Submission.objects.exists()


def test_run_and_submit_wait_for_the_grading_in_flight_which_the_panel_keeps_following(
    private_queue, learner_page, alice
):
    from grader.services import submission_grade

    page = learner_page
    set_editor_text(page, SEED_SOLUTION)
    page.locator("#submit-button").click()  # sent to a queue no worker reads: it stays queued
    result = page.locator("#result")
    expect(result).to_have_attribute("data-status", "queued")
    expect(page.locator("#submit-button")).to_be_disabled()
    expect(page.locator("#run-button")).to_be_disabled()
    first = result.get_attribute("data-submission")

    # A second request all the same (another tab, a stale page): refused, and the panel still follows the first.
    # Enabled and clicked in one step: the panel's next poll disables it again.
    page.evaluate("() => { const b = document.querySelector('#run-button'); b.disabled = false; b.click(); }")
    expect(page.locator("#result-notice")).to_have_text(
        "A grading of yours is still in progress; wait for its result. Your code is saved."
    )  # beside the panel: its polls do not wipe it
    expect(result).to_have_attribute("data-submission", first)
    expect(page.locator("#run-button")).to_be_disabled()
    assert Submission.objects.filter(user=alice).count() == 1

    submission_grade(submission_id=int(first))  # a worker takes it
    expect(result).to_have_attribute("data-verdict", "passed")
    expect(result).to_have_attribute("data-submission", first)
    expect(page.locator("#result-notice")).to_be_empty()
    expect(page.locator("#submit-button")).to_be_enabled()
    expect(page.locator("#run-button")).to_be_enabled()


def test_a_failed_submit_unlocks_a_hint_and_solving_brings_the_takeaways_and_the_next_challenge(
    whole_library, learner_page, worker
):
    page = learner_page
    hints = page.locator("#hints")
    expect(hints).to_contain_text("The first hint unlocks after a failed Submit.")
    expect(page.locator("#takeaways")).to_have_text("Takeaways unlock after your first passing Submit.")
    set_editor_text(page, NAIVE_SOFTMAX)
    page.locator("#submit-button").click()
    verdict(page, worker, "failed")
    expect(hints.locator("summary")).to_have_text(["Hint 1"])  # in place, no reload
    expect(hints).to_contain_text("Softmax does not change")

    set_editor_text(page, SEED_SOLUTION)
    page.locator("#submit-button").click()
    verdict(page, worker, "passed")
    banner = page.locator(".solved-banner")
    expect(banner).to_contain_text("Solved! 100% on every test.")
    expect(page.locator("#takeaways h2")).to_have_count(1)
    expect(page.locator("#takeaways h2")).to_contain_text("Takeaways")
    expect(hints.locator("summary")).to_have_text(["Hint 1", "Hint 2", "Hint 3"])
    banner.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/challenges/log-sum-exp/$"))
