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
import urllib.parse
from dataclasses import dataclass, field

POLL_SECONDS = 0.15  # the result fragment's first hx-trigger delay; later ones say their own
_POLL_DELAY = re.compile(r'hx-trigger="load delay:(\d+)ms"')


# --- the learner side: browsers, as asyncio tasks (one thread can drive hundreds) ---


class Connection:
    """One keep-alive HTTP/1.1 connection, as a browser keeps one per site."""

    def __init__(self, address: tuple[str, int]) -> None:
        self.address = address
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None

    async def request(self, method: str, path: str, headers: dict, body: bytes = b"") -> tuple[int, str]:
        for attempt in (1, 2):
            reused = self.writer is not None
            if not reused:
                self.reader, self.writer = await asyncio.open_connection(*self.address)
            try:
                return await asyncio.wait_for(self._exchange(method, path, headers, body), 60)
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                # a kept-alive connection the server had closed: a GET may go again, a POST never
                if attempt == 2 or not reused or method != "GET":
                    raise
        raise AssertionError("unreachable")

    async def _exchange(self, method: str, path: str, headers: dict, body: bytes) -> tuple[int, str]:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.address[0]}:{self.address[1]}"]
        lines += [f"{k}: {v}" for k, v in headers.items()]
        lines.append(f"Content-Length: {len(body)}")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("closed by the server")
        status = int(status_line.split()[1])
        length, chunked, close = None, False, status_line.startswith(b"HTTP/1.0")
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            name, value = name.strip().lower(), value.strip().lower()
            if name == "content-length":
                length = int(value)
            elif name == "transfer-encoding":
                chunked = "chunked" in value
            elif name == "connection":
                close = value == "close"
        if chunked:
            data = b""
            while size := int((await self.reader.readline()).split(b";")[0], 16):
                data += await self.reader.readexactly(size + 2)
                data = data[:-2]
            await self.reader.readline()
        elif length is not None:
            data = await self.reader.readexactly(length)
        else:
            data, close = await self.reader.read(), True
        if close:
            self.close()
        return status, data.decode()


class Learner:
    """A logged-in learner's browser: a session cookie, a CSRF token, one connection."""

    def __init__(self, address: tuple[str, int], session_key: str) -> None:
        self.conn = Connection(address)
        token = secrets.token_hex(16)  # 32 letters and digits: a CSRF secret Django takes as it is
        self.headers = {"Cookie": f"sessionid={session_key}; csrftoken={token}", "X-CSRFToken": token}
        self.polls = 0

    async def get(self, path: str, htmx: bool = False) -> tuple[int, str]:
        headers = {**self.headers, "HX-Request": "true"} if htmx else self.headers
        return await self.conn.request("GET", path, headers)

    async def submit(self, slug: str, code: str) -> tuple[int, float]:
        """POST a Submit as the editor does (htmx); the new submission's id, and
        the seconds its result fragment asks htmx to wait before the first poll."""
        headers = {**self.headers, "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded"}
        body = urllib.parse.urlencode({"code": code}).encode()
        status, text = await self.conn.request("POST", f"/challenges/{slug}/submit/", headers, body)
        start = text.find('data-submission="')
        if status != 200 or start < 0:
            raise RuntimeError(f"Submit to {slug} answered {status}: {text[:300]}")
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
            browser.conn.close()

    async def reader(session: str) -> None:
        browser = Learner(address, session)
        while not learners_done.is_set() or time.monotonic() - start < page_for:
            t0 = time.monotonic()
            try:
                status, _ = await browser.get(page)
            except (TimeoutError, OSError, asyncio.IncompleteReadError):
                status = 0
            out.pages.append((status, time.monotonic() - t0))
            if page_pause:
                await asyncio.sleep(page_pause)  # a reader's pace
        browser.conn.close()

    readers = [asyncio.create_task(reader(sessions[i % len(sessions)])) for i in range(page_clients if page else 0)]
    await asyncio.gather(*(learner(s, p) for s, p in zip(sessions, plans, strict=True)))
    learners_done.set()
    await asyncio.gather(*readers)
    out.seconds = time.monotonic() - start
    return out


def session_key_for(user) -> str:
    """A logged-in session for *user*, stored as the login view stores it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    return session.session_key
