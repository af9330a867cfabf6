"""Accessibility in a real browser: axe-core finds no violation on the main
pages, in both themes. axe is evaluated into the page by the test
(tests/browser/vendor/, an npm devDependency copied by `npm run build:axe`),
never served by the app."""

from pathlib import Path

import pytest
from django.urls import reverse

from courses.services import assignment_save, course_create
from gradebook.tests.conftest import T0, make_submission, results
from tests.browser.conftest import editor_ready, login

AXE_SOURCE = (Path(__file__).resolve().parent / "vendor" / "axe.min.js").read_text()


def violations(page) -> list[dict]:
    # evaluated by the driver, which the page's CSP does not govern (a <script>
    # tag, even add_script_tag's, would be refused as inline)
    page.evaluate(AXE_SOURCE)
    # WCAG 2.x A and AA, plus best practices (landmarks, one h1, ...)
    return page.evaluate(
        """() => axe.run(document, {resultTypes: ["violations"]}).then((r) => r.violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map((n) => n.target.join(" ") + ": " + n.failureSummary.replace(/\\s+/g, " ")),
        })))"""
    )


def readable(found: list[dict]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']}\n" + "\n".join(f"    {n}" for n in v["nodes"][:8]) for v in found
    )


def check(page, path: str, ready=None) -> str:
    """Every violation on *path*, in the light theme and the dark one."""
    report = []
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        response = page.goto(path)
        assert response.ok and response.url.endswith(path), (path, response.status, response.url)
        if ready:
            ready(page)
        page.wait_for_load_state("networkidle")
        found = violations(page)
        if found:
            report.append(f"--- {path} ({scheme})\n{readable(found)}")
    return "\n".join(report)


@pytest.fixture
def pages(library, alice, teacher, softmax):
    submission = make_submission(
        alice, softmax, verdict="failed", score=0.5, tests=results(test_a="passed", test_b="failed")
    )
    course = course_create(user=teacher, title="Deep learning from scratch", term="Autumn 2026", now=T0)
    fields = {"title": "Week 1", "opens": T0, "due": T0.replace(day=8), "closes": None,
              "late_penalty_per_day": 0.1, "late_floor": 0.5}  # fmt: skip
    assignment = assignment_save(course=course, fields=fields, challenges=[softmax])
    return {"submission": submission, "course": course, "assignment": assignment}


def test_axe_finds_no_violation_on_the_learners_pages(page, client, live_server, alice, pages):
    report = [check(page, reverse("challenges:list"))]
    login(page, client, live_server, alice)
    report += [
        check(page, reverse("challenges:list")),
        check(page, reverse("challenges:detail", args=["softmax"]), ready=editor_ready),
        check(page, reverse("grader:submission", args=[pages["submission"].pk])),
    ]
    report = "\n".join(r for r in report if r)
    assert not report, "\n" + report


def test_axe_finds_no_violation_on_the_instructors_pages(page, client, live_server, teacher, pages):
    login(page, client, live_server, teacher)
    report = [
        check(page, reverse("studio:edit", args=["softmax"])),
        check(page, reverse("gradebook:index")),
        check(page, reverse("courses:detail", args=[pages["course"].pk])),
        check(page, reverse("grader:submission", args=[pages["submission"].pk])),
    ]
    report = "\n".join(r for r in report if r)
    assert not report, "\n" + report


def test_axe_finds_no_violation_on_the_instructors_forms(page, client, live_server, teacher, pages):
    """Every control labelled: the studio's and the courses' forms and filters."""
    login(page, client, live_server, teacher)
    course, assignment = pages["course"].pk, pages["assignment"].pk
    report = [
        check(page, reverse("studio:create")),
        check(page, reverse("studio:index")),
        check(page, reverse("courses:create")),
        check(page, reverse("courses:edit", args=[course])),
        check(page, reverse("courses:members", args=[course])),
        check(page, reverse("courses:roster", args=[course])),
        check(page, reverse("courses:gradebook", args=[course])),
        check(page, reverse("courses:assignment_create", args=[course])),
        check(page, reverse("courses:assignment", args=[course, assignment])),
        check(page, reverse("courses:extensions", args=[course, assignment])),
    ]
    report = "\n".join(r for r in report if r)
    assert not report, "\n" + report
