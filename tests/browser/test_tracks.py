"""A learner walks a track in a real browser: from the list to its first challenge, along the
track by its "next" links to the end, then solves one and sees the track's progress move."""

from django.urls import reverse
from playwright.sync_api import expect

from challenges.models import Track
from tests.browser.conftest import editor_ready, login, set_editor_text
from tests.browser.test_learner import SEED_SOLUTION, verdict


def test_a_learner_walks_a_track_and_sees_its_progress(
    page, client, live_server, whole_library, alice, softmax, worker
):
    track = Track.objects.get(challenges=softmax)
    titles = list(track.challenges.order_by("track_position").values_list("title", flat=True))
    login(page, client, live_server, alice)
    page.goto(reverse("challenges:list"))
    section = page.locator(f"#track-{track.slug}")
    expect(section.locator("h2")).to_contain_text(f"0 solved · 0 attempted · {len(titles)} in all")
    expect(section.locator("tbody tr td:nth-child(2)")).to_have_text(titles)

    section.get_by_role("link", name=titles[0], exact=True).click()
    for k, title in enumerate(titles, start=1):
        expect(page).to_have_title(f"{title} · NumPy ML grader")
        nav = page.get_by_role("navigation", name="Track")
        expect(nav).to_contain_text(f"{track.title}, {k} of {len(titles)}")
        following = nav.locator("a[rel=next]")
        if k == len(titles):
            expect(following).to_have_count(0)
        else:
            expect(nav.locator("a[rel=prev]")).to_have_count(1 if k > 1 else 0)
            following.click()

    # Back along the track to softmax, by its "previous" links.
    while page.title() != f"{softmax.title} · NumPy ML grader":
        page.get_by_role("navigation", name="Track").locator("a[rel=prev]").click()
    editor_ready(page)
    set_editor_text(page, SEED_SOLUTION)
    page.locator("#submit-button").click()
    verdict(page, worker, "passed")

    page.get_by_role("navigation", name="Track").get_by_role("link", name=track.title).click()
    expect(section.locator("h2")).to_contain_text(f"1 solved · 0 attempted · {len(titles)} in all")
    row = section.locator("tbody tr", has=page.get_by_role("link", name=softmax.title, exact=True))
    expect(row.locator(".status")).to_have_text("Solved")
