"""The challenge page by keyboard and screen reader: Tab never traps focus in
the editor nor changes the code until the learner has typed there, Escape then
Tab leaves it, the shortcuts work from anywhere (but not while a grading is in
flight), results are announced, and an error's line is marked in the gutter."""

from playwright.sync_api import expect

from grader.models import Submission
from grader.services import submission_grade
from tests.browser.conftest import editor_text, set_editor_text
from tests.browser.test_accessibility import readable, violations

IN_EDITOR = "() => !!document.activeElement.closest('#editor-form .cm-editor')"
FOCUSED = "() => document.activeElement.id || document.activeElement.className"

SYNTAX_ERROR = "import numpy as np\n\ndef softmax(Z):\n    return Z +\n"


def test_the_skip_link_comes_first_and_goes_to_the_main_content(learner_page):
    page = learner_page
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    expect(page.locator(".skip-link")).to_be_visible()
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_tabbing_through_the_page_passes_the_editor_and_never_changes_the_code(learner_page, softmax):
    page = learner_page
    starter = softmax.current_version.starter
    reached, after = False, None
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate(IN_EDITOR):
            reached = True
        elif reached:
            after = page.evaluate(FOCUSED)
            break
    assert reached, "Tab never reached the editor"
    assert after == "run-button"  # the next stop after the editor
    assert editor_text(page) == starter
    # Shift-Tab goes back through it the same way
    page.keyboard.press("Shift+Tab")
    assert page.evaluate(IN_EDITOR)
    page.keyboard.press("Shift+Tab")
    assert not page.evaluate(IN_EDITOR)
    assert editor_text(page) == starter
    expect(page.locator("#editor-help")).to_contain_text("Esc then Tab")
    assert page.locator("#editor-form .cm-content").get_attribute("aria-describedby") == "editor-help"


def test_once_typed_in_tab_indents_and_escape_then_tab_leaves(learner_page):
    page = learner_page
    page.locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type("x = 1")
    page.keyboard.press("Home")
    page.keyboard.press("Tab")
    assert editor_text(page) == "    x = 1"
    assert page.evaluate(IN_EDITOR)
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert not page.evaluate(IN_EDITOR)
    assert page.evaluate(FOCUSED) == "run-button"
    assert editor_text(page) == "    x = 1"


def test_shortcuts_work_from_anywhere_but_not_while_a_grading_is_in_flight_and_results_are_announced(
    private_queue, learner_page, alice, softmax
):
    page = learner_page
    set_editor_text(page, softmax.current_version.solution)
    page.locator("h2.history-title").click()  # focus on the page, not in the editor
    assert not page.evaluate(IN_EDITOR)
    page.keyboard.press("Control+'")
    result = page.locator("#result")
    expect(result).to_have_attribute("data-status", "queued")
    expect(page.locator("#result-status")).to_have_text("Run queued")
    expect(page.locator("#submit-button")).to_be_disabled()

    page.keyboard.press("Control+Enter")  # a grading is in flight: nothing is sent
    page.locator("#reset-button").focus()
    page.keyboard.press("Control+Enter")
    assert list(Submission.objects.filter(user=alice).values_list("kind", flat=True)) == ["run"]

    submission_grade(submission_id=int(result.get_attribute("data-submission")))
    expect(result).to_have_attribute("data-verdict", "passed")
    expect(page.locator("#result-status")).to_have_text("Run: Passed, 100%")
    expect(page.locator("#submit-button")).to_be_enabled()

    page.locator("#reset-button").focus()
    page.keyboard.press("Control+Enter")
    expect(page.locator("#result-status")).to_have_text("Submit queued")
    assert Submission.objects.filter(user=alice, kind="submit").count() == 1
    assert editor_text(page) == softmax.current_version.solution


def test_a_syntax_errors_line_is_marked_in_the_gutter_until_the_next_edit(private_queue, learner_page):
    page = learner_page
    set_editor_text(page, SYNTAX_ERROR)
    page.locator("#submit-button").click()
    result = page.locator("#result")
    expect(result).to_have_attribute("data-status", "queued")
    submission_grade(submission_id=int(result.get_attribute("data-submission")))
    expect(result).to_have_attribute("data-verdict", "error")
    expect(result).to_have_attribute("data-error-line", "4")
    expect(page.locator("#result-status")).to_have_text("Submit: Error, 0%, an error on line 4")

    marker = page.locator("#editor-form .cm-error-marker")
    expect(marker).to_have_count(1)
    expect(marker).to_have_attribute("aria-label", "Error on line 4: SyntaxError: invalid syntax")
    expect(page.locator("#editor-form .cm-error-line")).to_have_text("    return Z +")
    assert page.evaluate("() => document.querySelector('#code').graderEditor.errorLine()") == 4
    found = violations(page)  # the result panel and the marked line pass too
    assert not found, readable(found)

    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("#")
    expect(marker).to_have_count(0)
    expect(page.locator("#editor-form .cm-error-line")).to_have_count(0)
