"""The site on a phone: at 360 px wide no page scrolls sideways, and on a challenge the editor
is one tap away."""

import pytest
from django.urls import reverse

from grader.models import Submission
from tests.browser.conftest import editor_ready, login

PHONE = {"width": 360, "height": 740}


def assert_fits(page, path: str) -> None:
    page.goto(path)
    page.wait_for_load_state("networkidle")
    widths = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    wide = page.evaluate(
        """() => { function* ancestors(e) { for (let a = e.parentElement; a; a = a.parentElement) yield a; }
           return [...document.querySelectorAll('body *')]
             .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
             .filter((e) => ![...ancestors(e)].some((a) => ['auto', 'scroll', 'hidden'].includes(getComputedStyle(a).overflowX)))
             .slice(0, 5).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)); }"""
    )
    assert widths[0] <= widths[1], f"{path} is {widths[0]} px wide at {widths[1]}: {wide}"


@pytest.fixture
def phone(page):
    page.set_viewport_size(PHONE)
    return page


def test_no_learner_page_scrolls_sideways_on_a_phone(phone, client, live_server, alice, softmax):
    submission = Submission.objects.create(
        user=alice, challenge=softmax, version=softmax.current_version, code="x = 1\n", kind="submit", seed=1,
        status="done", verdict="failed", score=0.25,
        tests=[{"name": "test_a_rather_long_name_of_a_test_that_goes_on", "status": "failed", "hidden": False,
                "message": "softmax(Z) does not match the expected values: " + "x" * 200, "duration_ms": 1.0}],
    )  # fmt: skip
    for path in ("/", reverse("challenges:list")):
        assert_fits(phone, path)
    login(phone, client, live_server, alice)
    for path in (reverse("challenges:list"), reverse("challenges:detail", args=["softmax"]),
                 reverse("grader:submission", args=[submission.pk]), reverse("courses:dashboard")):  # fmt: skip
        assert_fits(phone, path)


def test_no_instructor_page_scrolls_sideways_on_a_phone(phone, client, live_server, teacher, softmax):
    login(phone, client, live_server, teacher)
    for path in ("/studio/", "/studio/softmax/", "/studio/tracks/", reverse("gradebook:index"),
                 reverse("gradebook:challenges"), reverse("courses:create")):  # fmt: skip
        assert_fits(phone, path)


def test_on_a_phone_the_editor_is_one_tap_away(phone, client, live_server, alice, softmax):
    login(phone, client, live_server, alice)
    phone.goto(reverse("challenges:detail", args=["softmax"]))
    editor_ready(phone)
    phone.get_by_role("link", name="Go to the editor").click()
    box = phone.locator("#editor-form .cm-editor").bounding_box()
    assert box["y"] < PHONE["height"] and box["y"] + 40 > 0, box
