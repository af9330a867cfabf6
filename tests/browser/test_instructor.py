"""An instructor in a real browser: create a challenge, see validation catch a
passing mutant, fix the test, validate, publish; a learner solves it; the
gradebook shows the score and its CSV download contains it."""

import csv
import io
from pathlib import Path

from django.test import Client
from playwright.sync_api import expect

from accounts.roles import grant_instructor
from studio.tests.conftest import ABS_DOUBLE, pack_fields
from tests.browser.conftest import ARTIFACTS, GRADING_TIMEOUT_MS, editor_ready, login, set_editor_text

CORRECT = "def double(x):\n    return 2 * x\n"


def set_code(page, field: str, text: str) -> None:
    page.evaluate("([id, text]) => document.getElementById(id).graderEditor.setValue(text)", [f"id_{field}", text])


def validate(page, expected: str) -> None:
    page.get_by_role("button", name="Validate version").click()
    badge = page.locator("#validation h2 .status")
    expect(badge).to_have_text(expected, timeout=GRADING_TIMEOUT_MS)


def test_an_instructor_authors_validates_and_publishes_and_a_learner_solves_it(
    page, browser, client, live_server, worker, django_user_model, alice
):
    teacher = django_user_model.objects.create_user("teacher", "teacher@example.com", "teacher-password-1")
    grant_instructor(teacher)
    login(page, client, live_server, teacher)
    page.goto("/studio/")
    page.get_by_role("link", name="New challenge").click()
    expect(page.locator("#id_tests + .cm-editor")).to_be_visible()  # code fields are CodeMirror editors

    fields = pack_fields()
    for name in ("slug", "title", "tags", "functions", "points"):
        page.fill(f"#id_{name}", fields[name])
    page.fill("#id_statement", fields["statement"])
    expect(page.locator("#statement-preview .katex")).to_be_visible()  # live preview, typeset
    for name in ("starter", "solution", "tests"):
        set_code(page, name, fields[name])
    page.fill("#id_mutants-0-name", "abs_double")
    set_code(page, "mutants-0-code", ABS_DOUBLE)
    page.get_by_role("button", name="Create").click()
    expect(page.locator(".messages")).to_contain_text("Saved as draft version 1")

    # abs(x) * 2 passes tests that only use positive numbers: validation says so, publishing refuses
    validate(page, "invalid")
    expect(page.locator("#validation .problems")).to_contain_text("mutant 'abs_double' (abs double) passes every test")
    page.get_by_role("button", name="Publish version 1").click()
    expect(page.locator(".messages")).to_contain_text("Not published")

    set_code(page, "tests", pack_fields(tighten=True)["tests"])
    page.fill("#id_change_note", "a negative number in the hidden test")
    page.get_by_role("button", name="Save as a new draft version").click()
    expect(page.locator(".messages")).to_contain_text("Saved as draft version 2")
    validate(page, "valid")
    page.get_by_role("button", name="Publish version 2").click()
    expect(page.locator(".messages")).to_contain_text("Published: learners now get version 2")
    page.screenshot(path=ARTIFACTS / "instructor-published.png", full_page=True)

    learner = browser.new_context(base_url=live_server.url).new_page()
    login(learner, Client(), live_server, alice)  # a client of her own: logging in on the teacher's ends his session
    learner.goto("/challenges/double/")
    editor_ready(learner)
    set_editor_text(learner, CORRECT)
    learner.get_by_role("button", name="Submit").click()
    expect(learner.locator("#result")).to_have_attribute("data-verdict", "passed", timeout=GRADING_TIMEOUT_MS)
    learner.context.close()

    page.get_by_role("link", name="Gradebook").click()
    page.fill("input[name=q]", "alice")
    page.get_by_role("button", name="Filter").click()
    row = page.locator("table.gradebook tbody tr", has_text="alice")
    expect(row).to_have_count(1)
    expect(row.locator("td.cell.solved")).to_contain_text("100%")
    page.screenshot(path=ARTIFACTS / "instructor-gradebook.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    rows = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    column = rows[0].index(next(h for h in rows[0] if "double" in h or "Double it" in h))
    [alice_row] = [r for r in rows[1:] if "alice" in r]
    assert float(alice_row[column]) in (1.0, 100.0), (rows[0], alice_row)
