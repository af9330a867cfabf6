"""Dark mode: the theme a signed-in user chose is saved by a CSRF-checked POST
and rendered on <html> by the server; the palette in site.css holds every
colour, its dark blocks agree, and its contrast figures are true."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Preferences

CSS = Path(settings.BASE_DIR) / "static" / "css"
SITE_CSS = (CSS / "site.css").read_text()
THEME_URL = reverse("theme")


def html_tag(response) -> str:
    return re.search(r"<html[^>]*>", response.content.decode()).group(0)


# --- the preference -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_signed_in_user_sets_the_theme_and_every_page_renders_it(alice_client, alice):
    assert 'data-theme="' not in html_tag(alice_client.get(reverse("challenges:list")))  # system: no attribute
    for theme in ("dark", "light"):
        assert alice_client.post(THEME_URL, {"theme": theme}).status_code == 204
        assert Preferences.objects.get(user=alice).theme == theme
        tag = html_tag(alice_client.get(reverse("challenges:list")))
        assert f'data-theme="{theme}"' in tag and f'data-theme-url="{THEME_URL}"' in tag
    assert alice_client.post(THEME_URL, {"theme": "system"}).status_code == 204
    assert 'data-theme="' not in html_tag(alice_client.get(reverse("challenges:list")))
    assert Preferences.objects.filter(user=alice).count() == 1


@pytest.mark.django_db
def test_the_toggle_shows_the_current_theme_and_offers_the_next(alice_client, alice):
    Preferences.objects.create(user=alice, theme="light")
    page = alice_client.get(reverse("challenges:list")).content.decode()
    button = re.search(r'<button class="link theme-toggle"[^>]*>[^<]*</button>', page).group(0)
    assert 'value="dark"' in button and 'data-theme-choice="light"' in button and "Theme: Light" in button


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["", "blue", "DARK", "dark "])
def test_a_bad_value_is_refused_and_nothing_is_saved(alice_client, alice, value):
    response = alice_client.post(THEME_URL, {"theme": value})
    assert response.status_code == 400 and b"system, light, dark" in response.content
    assert not Preferences.objects.filter(user=alice).exists()
    assert alice_client.post(THEME_URL).status_code == 400


@pytest.mark.django_db
def test_the_post_needs_a_signed_in_user(client):
    response = client.post(THEME_URL, {"theme": "dark"})
    assert response.status_code == 302 and "/login/" in response["Location"]
    assert not Preferences.objects.exists()


@pytest.mark.django_db
def test_the_post_needs_the_csrf_token(alice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    assert client.post(THEME_URL, {"theme": "dark"}).status_code == 403
    assert not Preferences.objects.exists()
    # the token the page's own toggle form carries is accepted (the header, as fetch sends it)
    page = client.get(reverse("challenges:list")).content.decode()
    token = re.search(
        r'class="inline theme-form">\s*<input type="hidden" name="csrfmiddlewaretoken" value="([^"]+)"', page
    )
    response = client.post(THEME_URL, {"theme": "dark"}, headers={"X-CSRFToken": token.group(1)})
    assert response.status_code == 204 and Preferences.objects.get(user=alice).theme == "dark"


@pytest.mark.django_db
def test_get_is_not_allowed(alice_client):
    assert alice_client.get(THEME_URL).status_code == 405


@pytest.mark.django_db
def test_without_javascript_the_form_goes_back_to_the_page_it_was_on(alice_client, alice):
    back = reverse("challenges:list") + "?tag=numerics"
    response = alice_client.post(THEME_URL, {"theme": "dark", "next": back})
    assert response.status_code == 302 and response["Location"] == back
    response = alice_client.post(THEME_URL, {"theme": "light", "next": "https://evil.example/"})
    assert response.status_code == 302 and response["Location"] == reverse("profile")
    assert Preferences.objects.get(user=alice).theme == "light"


@pytest.mark.django_db
def test_an_anonymous_page_leaves_the_theme_to_the_browser(client):
    page = client.get(reverse("challenges:list")).content.decode()
    assert re.search(r"<html[^>]*>", page).group(0) == '<html lang="en">'
    assert "js/theme-init.js" in page  # localStorage, read before the page is drawn
    assert re.search(r'<button type="button" class="link theme-toggle"[^>]*hidden', page)  # shown by site.js


@pytest.mark.django_db
def test_the_theme_costs_no_query(alice_client, alice):
    """The user comes from the session with their preferences (one join), so
    every page's <html data-theme> adds no query."""
    Preferences.objects.create(user=alice, theme="dark")
    alice_client.get(reverse("challenges:list"))  # the nav's role, remembered from here
    with CaptureQueriesContext(connection) as queries:
        response = alice_client.get(reverse("challenges:list"))
    assert 'data-theme="dark"' in html_tag(response)
    assert [q["sql"] for q in queries if "accounts_preferences" in q["sql"]] == [
        next(q["sql"] for q in queries if "auth_user" in q["sql"])
    ]


# --- the palette --------------------------------------------------------------------------------


def palette(selector: str) -> dict[str, str]:
    """The colour variables set by the block after *selector* (its first occurrence)."""
    start = SITE_CSS.index(selector + " {")
    body = SITE_CSS[start : SITE_CSS.index("}", start)]
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", body))


LIGHT = palette(":root")
DARK = palette(':root[data-theme="dark"]')


def luminance(colour: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(int(colour[i : i + 2], 16) / 255) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def figures(kind: str) -> list[tuple[str, str, str, str]]:
    """(foreground, background, light figure, dark figure) as the CSS comment states them."""
    return re.findall(rf"{kind} +--([a-z-]+) on --([a-z-]+) +(\d+\.\d\d) +/ +(\d+\.\d\d)", SITE_CSS)


def test_the_dark_palette_is_the_same_for_the_system_and_for_the_toggle():
    system = SITE_CSS.index('@media (prefers-color-scheme: dark) {\n  :root:not([data-theme="light"]) {')
    body = SITE_CSS[system : SITE_CSS.index("}", system)]
    assert dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6});", body)) == DARK
    assert set(DARK) == set(LIGHT) and len(LIGHT) > 20


COLOUR_LITERAL = re.compile(r"#[0-9a-fA-F]{3,8}\b|rgba?\(|hsla?\(|\b(?:white|black)\b")


def test_every_colour_comes_from_the_palette():
    rules = SITE_CSS[SITE_CSS.index(':root[data-theme="dark"] {') :]
    rules = rules[rules.index("}") + 1 :]  # everything after the palette blocks
    for name, text in (
        ("site.css", rules),
        *((p.name, p.read_text()) for p in CSS.glob("*.css") if p.name != "site.css"),
    ):
        assert not COLOUR_LITERAL.findall(text.replace("white-space", "")), name


@pytest.mark.parametrize("kind, minimum", [("text", 4.5), ("border", 3.0)])
def test_the_stated_contrast_is_true_and_enough(kind, minimum):
    stated = figures(kind)
    assert len(stated) >= (20 if kind == "text" else 3)
    for fg, bg, light, dark in stated:
        for name, colours, figure in (("light", LIGHT, light), ("dark", DARK, dark)):
            actual = contrast(colours[fg], colours[bg])
            assert f"{actual:.2f}" == figure, (kind, fg, bg, name, actual)
            assert actual >= minimum, (kind, fg, bg, name, actual)
