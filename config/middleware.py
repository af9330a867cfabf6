"""Content-Security-Policy: only the app's own scripts, styles, fonts and images.

A fresh nonce per response lets the editor's generated <style> elements in
(CodeMirror takes it through EditorView.cspNonce); KaTeX positions glyphs with
style attributes, hence style-src-attr. No inline script runs anywhere.
"""

import secrets

from django.http import HttpRequest, HttpResponse

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
