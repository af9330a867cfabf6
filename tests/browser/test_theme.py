"""Dark mode in a real browser: the system's preference, the header's toggle
(applied at once, saved on the server when signed in, in localStorage when
not), and the editor and the math following it."""

from django.urls import reverse
from playwright.sync_api import expect

from accounts.models import Preferences
from tests.browser.conftest import editor_ready, login

BACKGROUND = "(selector) => getComputedStyle(document.querySelector(selector)).backgroundColor"
COLOUR = "(selector) => getComputedStyle(document.querySelector(selector)).color"


def rgb(page, script: str, selector: str) -> tuple[int, ...]:
    value = page.evaluate(script, selector)  # "rgb(r, g, b)"
    return tuple(int(part) for part in value[value.index("(") + 1 : value.index(")")].split(",")[:3])


def is_dark(colour: tuple[int, ...]) -> bool:
    return max(colour) < 80


def is_light(colour: tuple[int, ...]) -> bool:
    return min(colour) > 200


def toggle(page):
    return page.locator("header.top .theme-toggle")


def test_a_signed_in_learner_switches_to_light_at_once_and_it_stays(page, client, live_server, alice, softmax):
    page.emulate_media(color_scheme="dark")
    login(page, client, live_server, alice)
    page.goto(reverse("challenges:detail", args=["softmax"]))
    editor_ready(page)

    # the system is dark and alice chose nothing: everything dark
    expect(toggle(page)).to_have_accessible_name("Theme: System")
    assert is_dark(rgb(page, BACKGROUND, "body"))
    assert is_dark(rgb(page, BACKGROUND, "#editor-form .cm-editor"))
    assert is_light(rgb(page, COLOUR, ".statement .katex"))  # math in the text's colour
    page.evaluate("() => { window.__marker = 1; }")

    with page.expect_response(lambda r: r.url.endswith(reverse("theme")) and r.request.method == "POST") as saved:
        toggle(page).click()
    expect(toggle(page)).to_have_accessible_name("Theme: Light")
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    assert is_light(rgb(page, BACKGROUND, "body"))
    assert is_light(rgb(page, BACKGROUND, "#editor-form .cm-editor"))
    assert is_dark(rgb(page, COLOUR, ".statement .katex"))
    assert page.evaluate("() => window.__marker") == 1  # at once: no reload
    assert saved.value.status == 204
    assert Preferences.objects.get(user=alice).theme == "light"

    page.reload()
    editor_ready(page)
    expect(page.locator("html")).to_have_attribute("data-theme", "light")  # rendered by the server
    expect(toggle(page)).to_have_accessible_name("Theme: Light")
    assert is_light(rgb(page, BACKGROUND, "body"))
    assert is_light(rgb(page, BACKGROUND, "#editor-form .cm-editor"))

    # Light -> Dark, against a light system this time
    page.emulate_media(color_scheme="light")
    with page.expect_response(lambda r: r.url.endswith(reverse("theme"))):
        toggle(page).click()
    expect(toggle(page)).to_have_accessible_name("Theme: Dark")
    assert is_dark(rgb(page, BACKGROUND, "body"))
    assert is_dark(rgb(page, BACKGROUND, "#editor-form .cm-editor"))
    assert Preferences.objects.get(user=alice).theme == "dark"


def test_with_system_chosen_the_page_and_editor_follow_the_system_as_it_changes(
    page, client, live_server, alice, softmax
):
    page.emulate_media(color_scheme="light")
    login(page, client, live_server, alice)
    page.goto(reverse("challenges:detail", args=["softmax"]))
    editor_ready(page)
    assert is_light(rgb(page, BACKGROUND, "body"))
    assert is_light(rgb(page, BACKGROUND, "#editor-form .cm-editor"))
    page.emulate_media(color_scheme="dark")
    expect(page.locator("body")).to_have_css("background-color", "rgb(20, 23, 28)")
    expect(page.locator("#editor-form .cm-editor")).not_to_have_css("background-color", "rgb(255, 255, 255)")
    assert is_dark(rgb(page, BACKGROUND, "#editor-form .cm-editor"))


def test_an_anonymous_visitors_choice_is_kept_in_the_browser(page):
    page.emulate_media(color_scheme="dark")
    page.goto(reverse("challenges:list"))
    expect(toggle(page)).to_be_visible()
    expect(toggle(page)).to_have_accessible_name("Theme: System")
    assert is_dark(rgb(page, BACKGROUND, "body"))

    toggle(page).click()
    expect(toggle(page)).to_have_accessible_name("Theme: Light")
    assert is_light(rgb(page, BACKGROUND, "body"))
    assert page.evaluate("() => localStorage.getItem('theme')") == "light"

    page.reload()  # theme-init.js applies it before the page is drawn
    expect(page.locator("html")).to_have_attribute("data-theme", "light")
    expect(toggle(page)).to_have_accessible_name("Theme: Light")
    assert is_light(rgb(page, BACKGROUND, "body"))

    toggle(page).click()  # Light -> Dark -> System
    toggle(page).click()
    expect(toggle(page)).to_have_accessible_name("Theme: System")
    assert page.evaluate("() => localStorage.getItem('theme')") is None
    assert page.evaluate("() => document.documentElement.hasAttribute('data-theme')") is False
    assert is_dark(rgb(page, BACKGROUND, "body"))
