"""pylti1p3 wired to our models and to Django's shared cache.

pylti1p3 does the protocol: the OIDC login redirect, and a launch's checks
(the state cookie set at login, the nonce we issued, issuer and client id
against a registration, the signature against the platform's JWKS by key id,
expiry, the deployment id, the message's required claims). What it leaves to
the tool, and this module adds:

- registrations and deployments come from the admin's rows (``DbToolConf``),
  not a JSON file; a platform switched off has none;
- a nonce is good for one launch: pylti1p3 only checks that it was issued (and
  even remembers a state as valid for a repeat of the same token), so a
  replayed launch would pass. ``OneLaunchPerNonce`` deletes the nonce as it
  checks it, atomically in the cache, and always asks for the state cookie;
- every request to a platform has a timeout (pylti1p3 sets none);
- a token must carry ``exp`` and ``iat`` (PyJWT checks them only if present),
  read with LTI_CLOCK_SKEW_SECONDS of leeway for the platform's clock;
- the platform's JWKS is cached, and fetched again once when a token names a
  key the cached set lacks (the platform rotated its keys).
"""

from __future__ import annotations

import hashlib

import jwt
import requests
from django.conf import settings
from django.core.cache import caches
from jwcrypto.jwk import JWK
from pylti1p3.contrib.django import DjangoCacheDataStorage, DjangoMessageLaunch, DjangoOIDCLogin
from pylti1p3.contrib.django.session import DjangoSessionService
from pylti1p3.deployment import Deployment as LibDeployment
from pylti1p3.exception import LtiException
from pylti1p3.launch_data_storage.base import DisableSessionId
from pylti1p3.registration import Registration
from pylti1p3.service_connector import REQUESTS_USER_AGENT
from pylti1p3.tool_config import ToolConfAbstract

from lti.models import Deployment, Platform, ToolKey


class TimeoutSession(requests.Session):
    """A requests session whose every request gives up after LTI_HTTP_TIMEOUT seconds."""

    def __init__(self) -> None:
        super().__init__()
        self.headers["User-Agent"] = REQUESTS_USER_AGENT

    def request(self, *args, **kwargs):
        kwargs.setdefault("timeout", settings.LTI_HTTP_TIMEOUT)
        return super().request(*args, **kwargs)


def tool_key() -> ToolKey:
    """Our newest active key, made on first need (RSA 2048, as LTI's RS256 asks)."""
    key = ToolKey.objects.filter(active=True).order_by("-created").first()
    if key is not None:
        return key
    jwk = JWK.generate(kty="RSA", size=2048)
    kid = jwk.thumbprint()
    public = jwk.export_public(as_dict=True) | {"kid": kid, "alg": "RS256", "use": "sig"}
    private = jwk.export_to_pem(private_key=True, password=None).decode()
    key, _ = ToolKey.objects.get_or_create(kid=kid, defaults={"private_key": private, "public_jwk": public})
    return key


def jwks() -> dict:
    """Our public keys, for the platforms (every active one: a platform may hold a token signed by the last)."""
    if not ToolKey.objects.filter(active=True).exists():
        tool_key()
    return {"keys": [k.public_jwk for k in ToolKey.objects.filter(active=True)]}


class ToolRegistration(Registration):
    """pylti1p3's Registration with our key id (it would derive none from a PEM)."""

    def __init__(self, platform: Platform, key: ToolKey) -> None:
        self.platform = platform
        self._key = key
        self.set_issuer(platform.issuer).set_client_id(platform.client_id)
        self.set_auth_login_url(platform.auth_login_url).set_auth_token_url(platform.auth_token_url)
        self.set_key_set_url(platform.jwks_url).set_tool_private_key(key.private_key)
        if platform.auth_audience:
            self.set_auth_audience(platform.auth_audience)

    def get_kid(self) -> str:
        return self._key.kid

    def get_jwks(self) -> list:
        return [self._key.public_jwk]


def registration_for(platform: Platform) -> ToolRegistration:
    return ToolRegistration(platform, tool_key())


class DbToolConf(ToolConfAbstract):
    """Registrations from the Platform rows: an issuer may register us several
    times (one client id each), so lookups go by issuer and client id."""

    def check_iss_has_one_client(self, iss: str) -> bool:
        return False

    def check_iss_has_many_clients(self, iss: str) -> bool:
        return True

    def _platform(self, iss: str, client_id: str | None) -> Platform | None:
        platforms = Platform.objects.filter(issuer=iss, active=True)
        if client_id:
            return platforms.filter(client_id=client_id).first()
        # A login initiation may leave out client_id; then the issuer must name one registration.
        found = list(platforms[:2])
        return found[0] if len(found) == 1 else None

    def find_registration_by_issuer(self, iss: str, *args, **kwargs):
        return self.find_registration_by_params(iss, None)

    def find_registration_by_params(self, iss: str, client_id, *args, **kwargs):
        platform = self._platform(iss, client_id)
        return registration_for(platform) if platform else None

    def find_deployment(self, iss: str, deployment_id: str):
        return None  # never asked: every issuer is looked up with its client id

    def find_deployment_by_params(self, iss: str, deployment_id: str, client_id: str, *args, **kwargs):
        found = Deployment.objects.filter(
            platform__issuer=iss, platform__client_id=client_id, platform__active=True, deployment_id=deployment_id
        ).exists()
        return LibDeployment().set_deployment_id(deployment_id) if found else None


class OneUseCacheStorage(DjangoCacheDataStorage):
    def pop(self, key: str) -> bool:
        """Delete *key*; whether it was there. One delete wins, however many race."""
        return bool(caches["default"].delete(self._prepare_key(key)))


class OneLaunchPerNonce(DjangoSessionService):
    def check_nonce(self, nonce: str) -> bool:
        return self.data_storage.pop(self._get_key("nonce", nonce))

    def check_state_is_valid(self, state: str, id_token_hash: str) -> bool:
        return False  # never "seen this token before, fine": the login's state cookie must come with it


def _storage() -> OneUseCacheStorage:
    return OneUseCacheStorage()


class ToolMessageLaunch(DjangoMessageLaunch):
    @property
    def platform(self) -> Platform:
        return self._registration.platform  # set by validate_registration, from DbToolConf

    def _forget_key_set(self) -> None:
        url = self._registration.get_key_set_url()
        with DisableSessionId(self._public_key_cache_data_storage):  # the same key fetch_public_key reads
            self._public_key_cache_data_storage.set_value(f"key-set-url-{hashlib.md5(url.encode()).hexdigest()}", None)
        self._registration.set_key_set(None)

    def validate_jwt_signature(self) -> ToolMessageLaunch:
        try:
            public_key, alg = self.get_public_key()
        except LtiException:
            self._forget_key_set()
            public_key, alg = self.get_public_key()
        try:
            jwt.decode(
                self._get_id_token(), public_key, algorithms=[alg], options=self._jwt_verify_options,
                leeway=settings.LTI_CLOCK_SKEW_SECONDS,
            )  # fmt: skip
        except jwt.InvalidTokenError as exc:
            raise LtiException(f"Can't decode id_token: {exc}") from exc
        return self


def oidc_login(request) -> DjangoOIDCLogin:
    return DjangoOIDCLogin(
        request, DbToolConf(), session_service=OneLaunchPerNonce(request), launch_data_storage=_storage()
    )


def message_launch(request) -> ToolMessageLaunch:
    launch = ToolMessageLaunch(
        request, DbToolConf(), session_service=OneLaunchPerNonce(request), launch_data_storage=_storage(),
        requests_session=TimeoutSession(),
    )  # fmt: skip
    launch.set_jwt_verify_options({"verify_aud": False, "require": ["exp", "iat"]})  # aud: checked by registration
    launch.set_public_key_caching(_storage(), cache_lifetime=settings.LTI_JWKS_CACHE_SECONDS)
    return launch


def restored_launch(request, launch_id: str) -> ToolMessageLaunch:
    """A launch validated earlier (a deep-linking selection continues it), from the cache."""
    return ToolMessageLaunch.from_cache(
        launch_id, request, DbToolConf(), session_service=OneLaunchPerNonce(request), launch_data_storage=_storage(),
        requests_session=TimeoutSession(),
    )  # fmt: skip
