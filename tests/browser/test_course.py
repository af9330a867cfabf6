"""A class in a real browser, graded by a real worker: an instructor creates a course and an
assignment already due, a learner joins by its code, gets an extension and solves it on time, a
second learner submits late, and the course gradebook and its CSV show the late penalty."""

import csv
import io
import re
import zoneinfo
from datetime import timedelta
from pathlib import Path

from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import GRADING_TIMEOUT_MS, editor_ready, login, set_editor_text
from tests.browser.test_learner import SEED_SOLUTION


def fill_when(page, field: str, moment) -> None:
    """A datetime-local field, in the zone the form says it reads (the browser's)."""
    zone = re.search(r"In your time zone, ([^ .]+)", page.locator(f"#id_{field}").locator("xpath=..").inner_text())
    local = moment.astimezone(zoneinfo.ZoneInfo(zone.group(1)))
    page.fill(f"#id_{field}", local.strftime("%Y-%m-%dT%H:%M"))


def join(page, code: str) -> None:
    page.goto("/courses/join/")
    page.fill("#id_code", code)
    page.get_by_role("button", name="Join").click()
    expect(page.locator("h1")).to_contain_text("ML from scratch")


def solve_from_the_course(page, course: str, assignment: str) -> None:
    page.goto("/courses/")
    page.get_by_role("link", name=course).first.click()
    page.get_by_role("link", name=assignment).first.click()
    page.get_by_role("link", name="Numerically stable softmax").click()
    editor_ready(page)
    expect(page.locator("#assignment-context")).to_contain_text(assignment)
    set_editor_text(page, SEED_SOLUTION)
    page.get_by_role("button", name="Submit").click()
    expect(page.locator("#result")).to_have_attribute("data-verdict", "passed", timeout=GRADING_TIMEOUT_MS)


def test_a_class_from_creation_to_a_late_penalty_in_the_gradebook_csv(
    page, browser, client, live_server, worker, teacher, alice, bob, softmax
):
    login(page, client, live_server, teacher)
    page.goto("/courses/new/")
    page.fill("#id_title", "ML from scratch")
    page.fill("#id_term", "Winter 2027")
    page.get_by_role("button", name="Create the course").click()
    code = page.locator(".join-code").inner_text()
    course_url = page.url

    page.goto(course_url + "assignments/new/")
    now = timezone.now()
    page.fill("#id_title", "Week 1")
    fill_when(page, "opens", now - timedelta(days=5))
    fill_when(page, "due", now - timedelta(days=2, hours=12))  # a Submit now is three started days late
    page.fill("#id_penalty_percent", "10")
    page.fill("#id_floor_percent", "50")
    page.fill("#id_challenges", "softmax")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("h1")).to_have_text("Week 1")
    assignment_url = page.url

    alice_page = browser.new_context(base_url=live_server.url).new_page()
    login(alice_page, Client(), live_server, alice)  # clients of their own: one login does not end another's
    join(alice_page, code)
    # alice asked for more time: her due time is tomorrow
    page.goto(assignment_url + "extensions/")
    page.select_option("#id_learner", "alice")
    fill_when(page, "due", now + timedelta(days=1))
    page.get_by_role("button", name="Grant").click()
    expect(page.locator("table")).to_contain_text("alice")
    solve_from_the_course(alice_page, "ML from scratch", "Week 1")
    expect(alice_page.locator("#assignment-context")).to_contain_text("your extension")
    alice_page.context.close()

    bob_page = browser.new_context(base_url=live_server.url).new_page()
    login(bob_page, Client(), live_server, bob)
    join(bob_page, code)
    solve_from_the_course(bob_page, "ML from scratch", "Week 1")
    expect(bob_page.locator("#assignment-context")).to_contain_text("Late")
    bob_page.context.close()

    page.goto(course_url + "gradebook/")
    rows = page.locator("table.gradebook tbody tr")
    expect(rows.filter(has_text="alice").locator("td.cell.solved .best")).to_have_text("100%")
    bob_cell = rows.filter(has_text="bob").locator("td.cell.solved")
    expect(bob_cell.locator(".best")).to_have_text("70%")  # 3 started days late at 10% a day
    expect(bob_cell.locator(".late")).to_have_text("late")
    with page.expect_download() as download:
        page.get_by_role("link", name="Export CSV").click()
    table = list(csv.reader(io.StringIO(Path(download.value.path()).read_text())))
    by_name = {r[0]: dict(zip(table[0], r, strict=True)) for r in table[1:]}
    assert (by_name["alice"]["Week 1"], by_name["bob"]["Week 1"]) == ("100.0", "70.0"), table
