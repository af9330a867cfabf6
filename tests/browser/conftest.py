"""Browser tests: Debian's chromium driven by Playwright against pytest-django's
live_server, with a real Celery worker (the `worker` fixture) grading.

Playwright cannot download its own browsers here, so the system chromium is
launched instead; without it the tests skip (and fail in CI, see `require`).
"""

import contextlib
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from conftest import require

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
GRADING_TIMEOUT_MS = 30_000  # a real worker starts and grades; generous, never a sleep

HERE = Path(__file__).resolve().parent
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"

# Playwright's sync API runs an asyncio loop in this thread, and once it has
# started the loop counts as running in the test's thread until the session
# ends. Django then refuses database access ("SynchronousOnlyOperation") from
# the tests, from pytest-django's flush after each, and from any test after
# them. The tests are synchronous; only the loop's presence trips the check. So:
# these tests run last, and DJANGO_ALLOW_ASYNC_UNSAFE is set only around them (a
# fixture could not wrap the flush), not for the whole run: `manage.py check
# --deploy` warns about it, in a subprocess too.


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(items):
    browser = [item for item in items if HERE in item.path.parents]
    if browser:
        items[:] = [item for item in items if HERE not in item.path.parents] + browser


@contextlib.contextmanager
def _async_unsafe_allowed():
    saved = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        yield
    finally:
        if saved is None:
            del os.environ[ASYNC_UNSAFE]
        else:
            os.environ[ASYNC_UNSAFE] = saved


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item):
    with _async_unsafe_allowed():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    with _async_unsafe_allowed():
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with _async_unsafe_allowed():
        return (yield)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    require(os.access(CHROMIUM, os.X_OK), f"{CHROMIUM} is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,  # keeps --headed / --slowmo working for debugging
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def base_url(django_db_setup, live_server):
    """page.goto("/path/") goes to the live server, started once the test
    database exists. (This also replaces pytest-playwright's own base_url
    fixture, which pytest 9.2 warns about.)"""
    return live_server.url


def login(page, client, live_server, user) -> None:
    """Sign *user* in without the UI: Django's test client makes the session,
    the browser gets its cookie."""
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])


def open_challenge(page, slug: str) -> None:
    page.goto(reverse("challenges:detail", args=[slug]))
    editor_ready(page)


def editor_ready(page) -> None:
    # The CodeMirror bundle and challenge.js loaded (static files are served by
    # live_server) and the editor replaced the textarea.
    expect(page.locator("#editor-form .cm-editor .cm-content")).to_be_visible()
    assert page.evaluate("() => !!(window.htmx && document.querySelector('#code').graderEditor)")


def editor_text(page) -> str:
    return page.evaluate("() => document.querySelector('#code').graderEditor.getValue()")


def set_editor_text(page, text: str) -> None:
    page.evaluate("(text) => document.querySelector('#code').graderEditor.setValue(text)", text)


@pytest.fixture
def learner_page(page, client, live_server, alice, softmax):
    """Alice signed in, on the softmax challenge, the editor loaded."""
    login(page, client, live_server, alice)
    open_challenge(page, "softmax")
    return page


@pytest.fixture(autouse=True)
def no_csp_violations(page):
    """Every browser test also proves the Content-Security-Policy blocks
    nothing the app itself needs: the browser reports each refusal."""
    refused = []
    page.on("console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None)
    yield
    assert not refused, refused
