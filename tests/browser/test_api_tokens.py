"""The profile page's API tokens and the API's docs page, in a real browser,
under the strict Content-Security-Policy (no_csp_violations)."""

from django.urls import reverse
from playwright.sync_api import expect

from api.models import AccessToken
from tests.browser.conftest import login


def test_a_learner_makes_a_token_sees_it_once_and_revokes_it(page, client, live_server, alice, softmax):
    login(page, client, live_server, alice)
    page.goto(reverse("profile"))
    page.get_by_label("Name").fill("laptop")
    page.get_by_role("button", name="Make a token").click()
    secret = page.get_by_label("Token").input_value()
    token = AccessToken.objects.get(user=alice)
    assert secret.startswith(token.hint) and token.scopes == ["read", "submit"]
    page.get_by_role("link", name="Back to your profile").click()
    expect(page.locator("table.tokens")).to_contain_text("laptop")
    assert secret not in page.content()
    page.get_by_role("button", name="Revoke the token laptop").click()
    expect(page.locator(".messages")).to_contain_text("Token revoked")
    token.refresh_from_db()
    assert token.revoked is not None


def test_the_api_docs_render_every_operation_from_our_own_static_files(page, live_server):
    page.goto("/api/v1/docs")
    expect(page.locator(".opblock-summary-path").first).to_be_visible(timeout=15_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/challenges/{slug}/submits" in [p.replace("\u200b", "") for p in paths]
