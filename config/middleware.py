"""Request body limits, Content-Security-Policy, and the viewer's time zone.

Content-Security-Policy: only the app's own scripts, styles, fonts and images.
A fresh nonce per response lets the editor's generated <style> elements in
(CodeMirror takes it through EditorView.cspNonce); KaTeX positions glyphs with
style attributes, hence style-src-attr. No inline script runs anywhere.
"""

import secrets
import zoneinfo
from functools import cache

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils import timezone


def allow_body(max_bytes: int):
    """Let a view accept a request body up to *max_bytes* (REQUEST_BODY_MAX_BYTES otherwise)."""

    def decorate(view):
        view.max_body_bytes = max_bytes
        return view

    return decorate


class RequestBodyLimitMiddleware:
    """Refuse a body larger than its view allows (413) from its declared length,
    before anything reads it: Django itself caps only form fields in memory and
    would spool any size of multipart upload to disk. A body without a length
    is not read at all under WSGI. The proxy in front should refuse earlier
    still (README, Production)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return HttpResponse("The request's Content-Length is not a number.", status=400, content_type="text/plain")
        if length > settings.REQUEST_BODY_MAX_BYTES:
            allowed = self._allowed(request)
            if length > allowed:
                message = f"The request is {length} bytes; this page accepts at most {allowed}."
                if request.content_type == "application/json":  # an API client reads the reason as the API's errors
                    return JsonResponse({"detail": message}, status=413)
                return HttpResponse(message, status=413, content_type="text/plain")
        return self.get_response(request)

    @staticmethod
    def _allowed(request: HttpRequest) -> int:
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return settings.REQUEST_BODY_MAX_BYTES
        return max(settings.REQUEST_BODY_MAX_BYTES, getattr(view, "max_body_bytes", 0))


POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.csp_nonce = secrets.token_urlsafe(16)
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", POLICY.format(nonce=request.csp_nonce))
        return response


def csp_nonce(request: HttpRequest) -> dict:
    """Templates read it as {{ csp_nonce }}; django-htmx's script tag uses it too."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}


TIME_ZONE_COOKIE = "tz"  # written by static/js/site.js from the browser's Intl time zone


@cache
def _zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def viewer_time_zone(request: HttpRequest) -> zoneinfo.ZoneInfo | None:
    """The zone the browser said it is in, if it names a real one; None: UTC.
    Only names from the zone database are read, never a path."""
    name = request.COOKIES.get(TIME_ZONE_COOKIE, "")
    return zoneinfo.ZoneInfo(name) if name in _zones() else None


class TimeZoneMiddleware:
    """Times are stored in UTC and shown in the viewer's zone: the one their
    browser reports (a cookie, so no query and no account setting; every
    device shows its own local time). Without it, UTC, and every time shown
    carries its zone's abbreviation, so neither is ever mistaken for the other."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with timezone.override(viewer_time_zone(request)):
            return self.get_response(request)
