"""Try your own input in a real browser: the learner's calls of the code in the
editor, run by a real worker in the sandbox, each value shown under its line
without a reload; no Run or Submit is made. Without JavaScript the form lands
on the try-out's own page, which reloads itself until the calls have run."""

from django.urls import reverse
from playwright.sync_api import expect

from grader.models import ScratchRun, Submission
from tests.browser.conftest import ARTIFACTS, GRADING_TIMEOUT_MS, login, set_editor_text
from tests.browser.test_learner import SEED_SOLUTION


def tried(page, worker_log) -> None:
    """Wait for the try-out's final fragment (queued → running → done, polled by htmx)."""
    try:
        expect(page.locator("#scratch-result")).to_have_attribute("data-status", "done", timeout=GRADING_TIMEOUT_MS)
    except AssertionError as exc:
        raise AssertionError(f"{exc}\nworker log:\n{worker_log.read_text()[-4000:]}") from None


def test_a_learner_tries_a_call_of_their_function_and_sees_its_value(learner_page, worker, alice):
    page = learner_page
    set_editor_text(page, SEED_SOLUTION)
    expect(page.locator("#scratch-source")).to_have_value("Z = np.array([1.0, 2.0, 3.0])\nsoftmax(Z)\n")
    page.get_by_label("Your calls (Python)").fill("softmax(np.array([1., 2.]))\nprint('printed here')")
    page.evaluate("() => { window.__marker = 1; }")
    page.get_by_role("button", name="Try it").click()
    tried(page, worker)

    first, second = page.locator("#scratch-result .scratch-line").all()
    expect(first.locator(".scratch-source")).to_have_text(">>> softmax(np.array([1., 2.]))")
    expect(first.locator(".scratch-value")).to_have_text("Value: array([0.26894142, 0.73105858])")
    expect(second.locator(".scratch-output")).to_have_text("Printed: printed here")
    expect(page.locator("#scratch-results")).to_have_attribute("aria-live", "polite")
    assert page.evaluate("() => window.__marker") == 1  # swapped in by htmx, no reload
    assert ScratchRun.objects.get(user=alice).code == SEED_SOLUTION  # the editor's code is what ran
    assert not Submission.objects.exists()  # no Run, no Submit
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#scratch").screenshot(path=ARTIFACTS / "learner-scratch.png")


def test_ctrl_enter_in_the_box_tries_it_and_an_exception_shows_its_traceback(learner_page, worker):
    page = learner_page
    set_editor_text(page, "def softmax(Z):\n    raise ValueError('not yet')\n")
    box = page.locator("#scratch-source")
    box.fill("softmax(1)\nprint('never')")
    box.press("Control+Enter")
    tried(page, worker)
    lines = page.locator("#scratch-result .scratch-line")
    expect(lines).to_have_count(1)  # the run stopped at the exception
    expect(lines.locator(".scratch-error")).to_contain_text('File "solution.py", line 2, in softmax')
    expect(lines.locator(".scratch-error")).to_contain_text("ValueError: not yet")
    assert not Submission.objects.exists()  # Ctrl-Enter there is no Submit


def test_try_waits_while_a_try_out_is_in_flight(private_queue, learner_page, alice):
    page = learner_page  # no worker listens on this queue: the try-out stays queued
    page.get_by_role("button", name="Try it").click()
    expect(page.locator("#scratch-result")).to_have_attribute("data-status", "queued")
    expect(page.locator("#scratch-result")).to_contain_text("Queued")
    expect(page.get_by_role("button", name="Try it")).to_be_disabled()
    expect(page.locator("#run-button")).to_be_enabled()  # gradings have limits of their own
    assert ScratchRun.objects.filter(user=alice).count() == 1


def test_without_javascript_the_form_lands_on_a_page_that_shows_the_result(
    browser, client, live_server, worker, alice, softmax
):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, client, live_server, alice)
        page.goto(live_server.url + reverse("challenges:detail", args=["softmax"]))
        page.locator("#code").fill(SEED_SOLUTION)  # no editor without JavaScript: the plain textarea
        page.locator("#scratch-source").fill("softmax(np.array([0., 0.]))")
        page.get_by_role("button", name="Try it").click()
        run = ScratchRun.objects.get(user=alice)
        expect(page).to_have_url(live_server.url + reverse("grader:scratch_detail", args=[run.pk]))
        value = page.locator(".scratch-value")
        try:  # the page reloads itself (a meta refresh) until the calls have run
            expect(value).to_have_text("Value: array([0.5, 0.5])", timeout=GRADING_TIMEOUT_MS)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\nworker log:\n{worker.read_text()[-4000:]}") from None
    finally:
        context.close()
