"""A small LTI 1.3 platform (an LMS, as far as the tool can tell) for tests.

It runs in a thread on 127.0.0.1 with an RSA key made at start, and serves:

- ``/jwks``: its public key;
- ``/start``: sends the browser to the tool's login initiation, as an LMS link does;
- ``/auth``: the OIDC authorisation endpoint. It answers the tool's redirect
  with a page that posts a signed id_token (the launch prepared for that
  ``lti_message_hint``) and the state back to the tool's redirect URI;
- ``/token``: OAuth2 client_credentials, checking the tool's signed assertion
  against the tool's JWKS;
- ``/lineitems``: AGS line items: GET lists ``lineitems``, POST creates one
  (its ``id`` is its URL);
- ``/lineitems/<id>/scores``: AGS scores, recorded in ``scores`` (answers 503 while
  ``down`` is above 0, counting it down);
- ``/memberships``: NRPS, the members in ``members``.

Tests also mint tokens themselves (``id_token``), tampered as they need.
"""

from __future__ import annotations

import html
import json
import secrets
import threading
import time
import urllib.request
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
LEARNER = "http://purl.imsglobal.org/vocab/lis/v2/membership#Learner"
INSTRUCTOR = "http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor"
TEACHING_ASSISTANT = "http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant"
SCOPES = [
    "https://purl.imsglobal.org/spec/lti-ags/scope/lineitem",
    "https://purl.imsglobal.org/spec/lti-ags/scope/score",
]


def rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@dataclass
class Person:
    sub: str
    roles: list[str]
    given_name: str = ""
    family_name: str = ""
    email: str = ""
    status: str = "Active"


@dataclass
class TestPlatform:
    __test__ = False  # a helper, not a test class

    host: str = "127.0.0.1"  # the name the tool and the browser use for it (it listens on 127.0.0.1)
    client_id: str = "grader-tool"
    deployment_id: str = "deployment-1"
    context_id: str = "course-101"
    tool_launch_url: str = ""  # where /auth posts launches (the tool's launch URL)
    tool_login_url: str = ""
    tool_jwks: dict | str | None = None  # the tool's JWKS, or its URL
    scores: list[dict] = field(default_factory=list)
    members: list[Person] = field(default_factory=list)
    lineitems: list[dict] = field(default_factory=list)  # the course's line items (grade columns)
    down: int = 0  # answer this many score posts with 503
    tokens_issued: list[dict] = field(default_factory=list)
    launches: dict[str, dict] = field(default_factory=dict)  # lti_message_hint -> claims to sign

    def __post_init__(self) -> None:
        self.key = rsa_key()
        self.kid = f"platform-{uuid.uuid4().hex[:8]}"
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self.url = f"http://{self.host}:{self._server.server_address[1]}"
        self.issuer = self.url
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        self._access_tokens: set[str] = set()
        self._lock = threading.Lock()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    # --- what the tool's admin registers -----------------------------------------------

    def registration(self) -> dict:
        return {
            "name": "Test LMS", "issuer": self.issuer, "client_id": self.client_id,
            "auth_login_url": self.url + "/auth", "auth_token_url": self.url + "/token",
            "jwks_url": self.url + "/jwks",
        }  # fmt: skip

    def jwks(self) -> dict:
        public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**public, "kid": self.kid, "alg": "RS256", "use": "sig"}]}

    def lineitem_url(self, name: str = "1") -> str:
        return f"{self.url}/lineitems/{name}"

    # --- launches ----------------------------------------------------------------------

    def claims(self, person: Person, *, nonce: str, message_type: str = "LtiResourceLinkRequest",
               resource_link: str = "link-1", custom: dict | None = None, lineitem: str | None = None,
               context_title: str = "Machine learning 101", for_user: str | None = None,
               **extra) -> dict:  # fmt: skip
        now = int(time.time())
        claims = {
            "iss": self.issuer, "aud": self.client_id, "sub": person.sub, "nonce": nonce,
            "iat": now, "exp": now + 300,
            "given_name": person.given_name, "family_name": person.family_name, "email": person.email,
            CLAIM + "message_type": message_type, CLAIM + "version": "1.3.0",
            CLAIM + "deployment_id": self.deployment_id, CLAIM + "target_link_uri": self.tool_launch_url,
            CLAIM + "roles": person.roles,
            CLAIM + "context": {"id": self.context_id, "label": "ML101", "title": context_title},
            "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice": {
                "context_memberships_url": self.url + "/memberships", "service_versions": ["2.0"]},
            "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint": {
                "scope": SCOPES, "lineitems": self.url + "/lineitems",
                **({"lineitem": lineitem} if lineitem else {})},
        }  # fmt: skip
        if message_type != "LtiDeepLinkingRequest":  # a resource link launch, or another message about a link
            claims[CLAIM + "resource_link"] = {"id": resource_link, "title": "Week 1 in the LMS"}
        else:
            claims["https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings"] = {
                "deep_link_return_url": self.url + "/deep-link-return", "accept_types": ["ltiResourceLink"],
                "accept_presentation_document_targets": ["window"], "data": "opaque-platform-data",
            }  # fmt: skip
        if custom:
            claims[CLAIM + "custom"] = custom
        if for_user is not None:  # a submission review: whose work the LMS's gradebook opens
            claims[CLAIM + "for_user"] = {"user_id": for_user}
        claims.update(extra)
        return claims

    def id_token(self, claims: dict, *, key=None, kid: str | None = None) -> str:
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": kid or self.kid})

    def prepare(self, person: Person, **launch) -> str:
        """A launch the browser can start at the returned URL (``/start``)."""
        hint = secrets.token_urlsafe(8)
        self.launches[hint] = {"person": person, **launch}
        return f"{self.url}/start?hint={hint}&sub={person.sub}"

    def login_params(self, person: Person, hint: str = "") -> dict:
        return {"iss": self.issuer, "login_hint": person.sub, "target_link_uri": self.tool_launch_url,
                "lti_message_hint": hint, "client_id": self.client_id, "lti_deployment_id": self.deployment_id}  # fmt: skip

    # --- checking what the tool sends ----------------------------------------------------

    def _tool_keys(self) -> dict:
        if isinstance(self.tool_jwks, str):
            with urllib.request.urlopen(self.tool_jwks, timeout=10) as response:  # noqa: S310 (a test's own URL)
                return json.load(response)
        return self.tool_jwks or {"keys": []}

    def verify_from_tool(self, token: str, audience: str) -> dict:
        """A JWT the tool signed, checked against the tool's published keys."""
        kid = jwt.get_unverified_header(token).get("kid")
        for key in self._tool_keys()["keys"]:
            if key.get("kid") == kid:
                return jwt.decode(
                    token, RSAAlgorithm.from_jwk(json.dumps(key)), algorithms=["RS256"], audience=audience
                )
        raise jwt.InvalidTokenError(f"no tool key with kid {kid!r}")

    def issue_token(self, form: dict) -> dict | None:
        """client_credentials: the tool's assertion, signed by its key, for its client id."""
        if form.get("grant_type") != "client_credentials":
            return None
        try:
            claims = self.verify_from_tool(form.get("client_assertion", ""), audience=self.url + "/token")
        except jwt.InvalidTokenError:
            return None
        if claims.get("iss") != self.client_id or claims.get("sub") != self.client_id:
            return None
        token = secrets.token_urlsafe(16)
        with self._lock:
            self._access_tokens.add(token)
            self.tokens_issued.append({"scope": form.get("scope", "")})
        return {"access_token": token, "token_type": "Bearer", "expires_in": 3600, "scope": form.get("scope", "")}

    def authorised(self, header: str) -> bool:
        return header.startswith("Bearer ") and header[7:] in self._access_tokens

    def scores_for(self, sub: str) -> list[dict]:
        return [s for s in self.scores if s.get("userId") == sub]


def _handler(platform: TestPlatform):
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args) -> None:  # quiet
            pass

        def _send(
            self, status: int, body: str | dict | list, content_type: str = "application/json", headers=()
        ) -> None:
            data = (body if isinstance(body, str) else json.dumps(body)).encode()
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in headers:
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _query(self) -> dict:
            return {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}

        def _form(self) -> dict:
            length = int(self.headers.get("Content-Length") or 0)
            return {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}

        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/jwks":
                return self._send(200, platform.jwks())
            if path == "/start":  # an LMS link: to the tool's login initiation
                q = self._query()
                person = platform.launches[q["hint"]]["person"]
                location = platform.tool_login_url + "?" + urlencode(platform.login_params(person, q["hint"]))
                return self._send(302, "", "text/plain", [("Location", location)])
            if path == "/auth":
                return self._auth(self._query())
            if path == "/lineitems":
                if not platform.authorised(self.headers.get("Authorization", "")):
                    return self._send(401, {"error": "invalid_token"})
                with platform._lock:
                    items = list(platform.lineitems)
                return self._send(200, items, "application/vnd.ims.lis.v2.lineitemcontainer+json")
            if path == "/memberships":
                if not platform.authorised(self.headers.get("Authorization", "")):
                    return self._send(401, {"error": "invalid_token"})
                members = [{"user_id": p.sub, "roles": p.roles, "status": p.status, "given_name": p.given_name,
                            "family_name": p.family_name, "email": p.email} for p in platform.members]  # fmt: skip
                body = {"id": platform.url + "/memberships", "context": {"id": platform.context_id}, "members": members}
                return self._send(200, body, "application/vnd.ims.lti-nrps.v2.membershipcontainer+json")
            return self._send(404, {"error": "not found"})

        def _auth(self, q: dict) -> None:
            launch = platform.launches.get(q.get("lti_message_hint", ""))
            if (launch is None or q.get("client_id") != platform.client_id or q.get("response_mode") != "form_post"
                    or q.get("redirect_uri") != platform.tool_launch_url or not q.get("nonce")):  # fmt: skip
                return self._send(400, {"error": "invalid_request"})
            launch = dict(launch)
            person = launch.pop("person")
            token = platform.id_token(platform.claims(person, nonce=q["nonce"], **launch))
            page = (
                f'<!doctype html><title>LMS</title><form method="post" action="{html.escape(q["redirect_uri"])}">'
                f'<input type="hidden" name="id_token" value="{token}">'
                f'<input type="hidden" name="state" value="{html.escape(q.get("state", ""))}">'
                "<button>Continue</button></form><script>document.forms[0].submit()</script>"
            )
            return self._send(200, page, "text/html")

        def _lineitem_create(self) -> None:
            if not platform.authorised(self.headers.get("Authorization", "")):
                return self._send(401, {"error": "invalid_token"})
            if self.headers.get("Content-Type") != "application/vnd.ims.lis.v2.lineitem+json":
                return self._send(415, {"error": "line item media type expected"})
            item = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)))
            if not item.get("label") or not item.get("scoreMaximum"):
                return self._send(400, {"error": "label and scoreMaximum are required"})
            with platform._lock:
                item = {**item, "id": platform.lineitem_url(f"made-{len(platform.lineitems) + 1}")}
                platform.lineitems.append(item)
            return self._send(201, item, "application/vnd.ims.lis.v2.lineitem+json")

        def do_POST(self) -> None:
            path = urlsplit(self.path).path
            if path == "/token":
                token = platform.issue_token(self._form())
                return self._send(200, token) if token else self._send(400, {"error": "invalid_client"})
            if path == "/lineitems":
                return self._lineitem_create()
            if path.startswith("/lineitems/") and path.endswith("/scores"):
                with platform._lock:
                    if platform.down > 0:
                        platform.down -= 1
                        return self._send(503, {"error": "down for maintenance"})
                if not platform.authorised(self.headers.get("Authorization", "")):
                    return self._send(401, {"error": "invalid_token"})
                if self.headers.get("Content-Type") != "application/vnd.ims.lis.v1.score+json":
                    return self._send(415, {"error": "score media type expected"})
                length = int(self.headers.get("Content-Length") or 0)
                score = json.loads(self.rfile.read(length))
                with platform._lock:
                    platform.scores.append({**score, "lineitem": path.removesuffix("/scores")})
                return self._send(200, {})
            return self._send(404, {"error": "not found"})

    return Handler
