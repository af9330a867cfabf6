"""Learners as browsers, over HTTP: the driver of the fault tests' burst and
of the throughput benchmark (bench/throughput.py).

Each learner Submits, then polls the result fragment after the delay each
answer asks for (htmx's hx-trigger), one grading in flight at a time, as the
server enforces.
"""

from __future__ import annotations

import asyncio
import re
import secrets
import time
from dataclasses import dataclass, field

import aiohttp

POLL_SECONDS = 0.15  # the result fragment's first hx-trigger delay; later ones say their own
_POLL_DELAY = re.compile(r'hx-trigger="load delay:(\d+)ms"')


# --- the learner side: browsers, as asyncio tasks (one thread can drive hundreds) ---


class Refused(RuntimeError):
    """A Submit or Run the server did not accept, with its HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class Learner:
    """A logged-in learner's browser: a session cookie, a CSRF token, one
    keep-alive connection, as a browser keeps one per site."""

    def __init__(self, address: tuple[str, int], session_key: str) -> None:
        token = secrets.token_hex(16)  # 32 letters and digits: a CSRF secret Django takes as it is
        self.http = aiohttp.ClientSession(
            f"http://{address[0]}:{address[1]}",
            connector=aiohttp.TCPConnector(limit=1),
            # the cookies as set here, whatever the answers set: every request the same
            cookie_jar=aiohttp.DummyCookieJar(),
            headers={"Cookie": f"sessionid={session_key}; csrftoken={token}", "X-CSRFToken": token},
            timeout=aiohttp.ClientTimeout(total=60),
        )
        self.polls = 0

    async def close(self) -> None:
        await self.http.close()

    async def get(self, path: str, htmx: bool = False) -> tuple[int, str]:
        # aiohttp sends a GET again, once, on a kept-alive connection the server had closed; a POST never
        async with self.http.get(path, headers={"HX-Request": "true"} if htmx else None) as response:
            return response.status, (await response.read()).decode()

    async def submit(self, slug: str, code: str, kind: str = "submit") -> tuple[int, float]:
        """POST a Submit (or a Run) as the editor does (htmx); the new submission's id,
        and the seconds its result fragment asks htmx to wait before the first poll."""
        async with self.http.post(f"/challenges/{slug}/{kind}/", data={"code": code},
                                  headers={"HX-Request": "true"}) as response:  # fmt: skip
            status, text = response.status, (await response.read()).decode()
        start = text.find('data-submission="')
        if status != 200 or start < 0:
            raise Refused(status, f"{kind.title()} to {slug} answered {status}: {text[:300]}")
        return int(text[start + 17 : text.index('"', start + 17)]), _poll_delay(text, POLL_SECONDS)

    async def verdict(self, pk: int, deadline: float, first: float, poll: float = POLL_SECONDS) -> str:
        """Poll the result fragment, as htmx does, until it shows a verdict:
        *first* seconds after the Submit, then as each fragment asks (never
        sooner than *poll*)."""
        pace = max(first, poll)
        while time.monotonic() < deadline:
            await asyncio.sleep(pace)  # the browser's own pace, not a wait for the server
            self.polls += 1
            status, text = await self.get(f"/submissions/{pk}/result/", htmx=True)
            if status != 200:
                raise RuntimeError(f"the result of {pk} answered {status}: {text[:300]}")
            if 'data-status="done"' in text:
                start = text.index('data-verdict="') + 14
                return text[start : text.index('"', start)]
            pace = max(poll, _poll_delay(text, poll))
        raise RuntimeError(f"submission {pk} showed no verdict in time")


def _poll_delay(fragment: str, default: float) -> float:
    """The delay a result fragment asks htmx for (its hx-trigger), in seconds."""
    m = _POLL_DELAY.search(fragment)
    return int(m[1]) / 1000 if m else default


@dataclass
class Graded:
    pk: int
    slug: str
    expected: str
    verdict: str
    submitted: float  # time.monotonic()
    shown: float
    polls: int  # result fragments fetched until the verdict showed


@dataclass
class Drive:
    graded: list[Graded] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    pages: list[tuple[int, float]] = field(default_factory=list)  # (status, seconds) of each page GET
    seconds: float = 0.0


def drive(
    address: tuple[str, int],
    sessions: list[str],
    plans: list[list[tuple[str, str, str]]],
    *,
    seconds: float,
    poll: float = POLL_SECONDS,
    stop_after: float | None = None,
    page: str | None = None,
    page_clients: int = 1,
    page_pause: float = 0.0,
    page_for: float = 0.0,
) -> Drive:
    """Each learner works through its plan of (slug, code, expected verdict):
    Submit, wait for the verdict, next; until all are done, *seconds* are up,
    or (*stop_after*) no new Submit after that many seconds. Meanwhile
    *page_clients* GET *page* back to back (*page_pause* apart), for at least
    *page_for* seconds."""
    return asyncio.run(
        _drive(address, sessions, plans, seconds, poll, stop_after, page, page_clients, page_pause, page_for)
    )


async def _drive(address, sessions, plans, seconds, poll, stop_after, page, page_clients, page_pause, page_for):
    out = Drive()
    start = time.monotonic()
    deadline = start + seconds
    learners_done = asyncio.Event()

    async def learner(session: str, plan: list[tuple[str, str, str]]) -> None:
        browser = Learner(address, session)
        try:
            for slug, code, expected in plan:
                if stop_after is not None and time.monotonic() - start > stop_after:
                    break
                t0, polls = time.monotonic(), browser.polls
                pk, first = await browser.submit(slug, code)
                verdict = await browser.verdict(pk, deadline, first, poll)
                out.graded.append(Graded(pk, slug, expected, verdict, t0, time.monotonic(), browser.polls - polls))
        except Exception as exc:  # noqa: BLE001  (reported: the caller decides)
            out.errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            await browser.close()

    async def reader(session: str) -> None:
        browser = Learner(address, session)
        while not learners_done.is_set() or time.monotonic() - start < page_for:
            t0 = time.monotonic()
            try:
                status, _ = await browser.get(page)
            except (TimeoutError, aiohttp.ClientError):
                status = 0
            out.pages.append((status, time.monotonic() - t0))
            if page_pause:
                await asyncio.sleep(page_pause)  # a reader's pace
        await browser.close()

    readers = [asyncio.create_task(reader(sessions[i % len(sessions)])) for i in range(page_clients if page else 0)]
    await asyncio.gather(*(learner(s, p) for s, p in zip(sessions, plans, strict=True)))
    learners_done.set()
    await asyncio.gather(*readers)
    out.seconds = time.monotonic() - start
    return out


def session_key_for(user) -> str:
    """A logged-in session for *user*, stored as the login view stores it."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key
