"""The grader's token API over urllib: JSON in, JSON out, errors as ApiError."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator

from numpy_grader import config

USER_AGENT = "numpy-grader/0.1"
TIMEOUT = 30  # seconds for one request
FOLLOW_SECONDS = 15 * 60  # give up following a grading after this long (the server's own bound is ~7 minutes)


class ApiError(Exception):
    """The server refused (status and its ``detail``), or could not be reached (status 0)."""

    def __init__(self, status: int, detail: str, body: dict | None = None, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.body = body or {}
        self.retry_after = retry_after  # seconds, from a 429's Retry-After

    def said(self) -> str:
        """The refusal as shown: its detail, and when to try again if the server said."""
        wait = f" (try again in {self.retry_after} s)" if self.retry_after is not None else ""
        return f"{self.detail}{wait}"


def _seconds(header: str | None) -> int | None:
    """A Retry-After in seconds (the API sends no HTTP date), or None."""
    try:
        return max(0, int(header)) if header is not None else None
    except ValueError:
        return None


class Client:
    def __init__(self, url: str | None = None, token: str | None = None) -> None:
        saved = config.load()
        self.url = (url or saved["url"]).rstrip("/")
        self.token = token or saved["token"]
        if not self.url or not self.token:
            raise ApiError(
                0, "Not logged in: run `numpy-grader login` (or set NUMPY_GRADER_URL and NUMPY_GRADER_TOKEN)."
            )

    def request(self, method: str, path: str, body: dict | None = None, **query) -> object:
        query = {k: v for k, v in query.items() if v is not None}
        url = f"{self.url}/api/v1/{path}" + (f"?{urllib.parse.urlencode(query)}" if query else "")
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Authorization": f"Bearer {self.token}", "Accept": "application/json", "User-Agent": USER_AGENT}
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            with urllib.request.urlopen(
                urllib.request.Request(url, data, headers, method=method), timeout=TIMEOUT
            ) as r:
                return json.loads(r.read() or b"null")
        except urllib.error.HTTPError as exc:
            raw = exc.read()
            try:
                answer = json.loads(raw)
            except ValueError:
                answer = {"detail": raw.decode("utf-8", "replace").strip() or exc.reason}
            detail = answer.get("detail") if isinstance(answer, dict) else None
            if exc.code == 401:
                detail = (
                    "The token was refused (revoked, mistyped or expired): make a new one and `numpy-grader login`."
                )
            raise ApiError(
                exc.code, str(detail or exc.reason), answer if isinstance(answer, dict) else None,
                _seconds(exc.headers.get("Retry-After")),
            ) from exc  # fmt: skip
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise ApiError(0, f"Could not reach {self.url}: {reason}") from exc

    def me(self) -> dict:
        return self.request("GET", "me")

    def challenges(self) -> list[dict]:
        return self.request("GET", "challenges")

    def challenge(self, slug: str) -> dict:
        return self.request("GET", f"challenges/{urllib.parse.quote(slug)}")

    def grade(self, slug: str, code: str, *, kind: str = "submit") -> dict:
        """Start a Run (kind "run") or a Submit; the first, queued, result."""
        return self.request("POST", f"challenges/{urllib.parse.quote(slug)}/{kind}s", {"code": code})

    def result(self, pk: int) -> dict:
        return self.request("GET", f"submissions/{int(pk)}")

    def history(self, slug: str | None = None, limit: int = 20) -> list[dict]:
        return self.request("GET", "submissions", challenge=slug, limit=limit)

    def follow(self, first: dict, sleep: Callable[[float], None] = time.sleep) -> Iterator[dict]:
        """Each state of a grading from *first* until its final one, asking
        again as soon as the server says to (``poll_ms``)."""
        result, deadline = first, time.monotonic() + FOLLOW_SECONDS
        yield result
        while not result["final"]:
            if time.monotonic() > deadline:
                raise ApiError(0, f"No verdict after {FOLLOW_SECONDS // 60} minutes; see {result['url']}")
            sleep((result.get("poll_ms") or 500) / 1000)
            result = self.result(result["id"])
            yield result
