"""Settings, read from environment variables; embedded defaults need no server."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in ("1", "true", "yes", "on")


def envint(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


DEBUG = envbool("DJANGO_DEBUG", True)
_DEV_KEY = "dev-only-insecure-key-change-me"
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", _DEV_KEY if DEBUG else "")
if not SECRET_KEY or (not DEBUG and SECRET_KEY == _DEV_KEY):
    raise RuntimeError("DJANGO_SECRET_KEY must be set to a secret value when DJANGO_DEBUG is off")
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "ninja",  # the API: its Swagger UI served from our static files, not a CDN (CSP)
    "accounts",
    "challenges",
    "grader",
    "studio",
    "gradebook",
    "courses",
    "api",
    "lti",
]

MIDDLEWARE = [
    "config.middleware.RequestBodyLimitMiddleware",  # first: nothing reads an oversized body
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "config.middleware.csp_nonce",
                "accounts.roles.context",
                "accounts.views.theme_context",
            ],
        },
    },
]

# SQLite by default (WAL, IMMEDIATE transactions so writers queue instead of
# failing with "database is locked"); DATABASE_URL switches, e.g. to PostgreSQL.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'var' / 'db.sqlite3'}",
        # Reuse a connection across requests and tasks: opening one to PostgreSQL
        # costs more than most requests here (make bench). Checked before reuse,
        # so one the server dropped is replaced, not failed on.
        conn_max_age=envint("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": envint("DB_SQLITE_TIMEOUT", 20),  # seconds a writer waits for another's lock
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    # A file, not memory: tests that start a real worker share the database with
    # it. One per test run, so two runs side by side do not trample each other.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-{os.getpid()}.sqlite3")}
    (BASE_DIR / "var").mkdir(exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# the user comes with their preferences (the theme every page renders) in one query
AUTHENTICATION_BACKENDS = ["accounts.backends.UserWithPreferencesBackend"]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "var" / "static"))
WHITENOISE_USE_FINDERS = DEBUG  # in development, straight from static/
if DEBUG:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
else:  # whitenoise serves hashed, compressed files collected by collectstatic
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }

# HTTP hardening. Off in development (plain HTTP on localhost); production
# defaults on, each switchable, e.g. behind a proxy that terminates TLS.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True  # the pages read the token from the form, never the cookie
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = envbool("DJANGO_SECURE_COOKIES", not DEBUG)
SECURE_SSL_REDIRECT = envbool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
if envbool("DJANGO_SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("DJANGO_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_PRELOAD = envbool("DJANGO_HSTS_PRELOAD", not DEBUG)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Celery: filesystem:// needs no server (make run); CELERY_BROKER_URL=redis://... in production.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    _queue = Path(os.environ.get("CELERY_FILESYSTEM_DIR", BASE_DIR / "var" / "celery"))
    for _sub in ("out", "processed", "control"):
        (_queue / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue / "out"),
        "data_folder_out": str(_queue / "out"),
        "control_folder": str(_queue / "control"),
        "processed_folder": str(_queue / "processed"),
        "store_processed": False,
        "polling_interval": 0.05,
    }
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_QUEUE", "grading")
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True  # results live in the database
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes the database connection before and after every
# task unless told to reuse it, and a new PostgreSQL connection costs more than
# a grading's own queries (a backend process forked per connection). Reused
# here; config.worker applies DB_CONN_MAX_AGE and the health check before each
# task, as Django does before each request.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = envint("CELERY_TASK_SOFT_TIME_LIMIT", 330)
CELERY_TASK_TIME_LIMIT = envint("CELERY_TASK_TIME_LIMIT", 360)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

CHALLENGE_LIBRARY = BASE_DIR / "challenges" / "library"

# Shared by every web process in production (login throttling counts there).
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL.startswith("redis")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
if CACHE_URL.startswith("redis"):
    # Sessions read from the shared cache, written through to the database: one
    # query less on every request, the polled result fragment included. Only
    # with a shared cache: a per-process one would keep a logged-out session alive
    # in the other processes.
    SESSION_ENGINE = "config.sessions"
# Throttles on every way in (accounts/throttle.py); a client address gets 4x a username's or an email's.
LOGIN_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)  # failed logins (site and admin) per username ...
LOGIN_FAILURE_WINDOW = envint("LOGIN_FAILURE_WINDOW", 900)  # ... per this many seconds
PASSWORD_RESET_LIMIT = envint("PASSWORD_RESET_LIMIT", 3)  # reset mails asked for per address ...
PASSWORD_RESET_WINDOW = envint("PASSWORD_RESET_WINDOW", 3600)  # ... per this many seconds
SIGNUP_LIMIT = envint("SIGNUP_LIMIT", 10)  # sign-ups per client ...
SIGNUP_WINDOW = envint("SIGNUP_WINDOW", 3600)  # ... per this many seconds
API_TOKEN_FAILURE_LIMIT = envint("API_TOKEN_FAILURE_LIMIT", 20)  # API requests with a bad token per client ...
API_TOKEN_FAILURE_WINDOW = envint("API_TOKEN_FAILURE_WINDOW", 900)  # ... per this many seconds
# Behind a proxy every request comes from the proxy: name the header it puts
# the client's address in (as a META key, e.g. HTTP_X_REAL_IP), or the
# throttles count everyone as one client.
RATELIMIT_IP_META_KEY = os.environ.get("CLIENT_ADDRESS_META_KEY") or None

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "challenges:list"
LOGOUT_REDIRECT_URL = "challenges:landing"

# Password-reset mail goes to the console unless an SMTP server is configured.
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = envint("EMAIL_PORT", 587)
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "grader@localhost")

# Limits on grading, enforced by the server.
GRADER_MAX_CODE_BYTES = envint("GRADER_MAX_CODE_BYTES", 64 * 1024)
GRADER_RATE_LIMIT = envint("GRADER_RATE_LIMIT", 30)  # gradings per user ...
GRADER_RATE_WINDOW = envint("GRADER_RATE_WINDOW", 600)  # ... per this many seconds
GRADER_SCRATCH_RATE_LIMIT = envint("GRADER_SCRATCH_RATE_LIMIT", 60)  # try-outs (own input) per user per window
# The sweeper re-enqueues a submission queued this long without a worker
# claiming it, or running this long (longer than the task's hard time limit).
GRADER_STUCK_QUEUED_SECONDS = envint("GRADER_STUCK_QUEUED_SECONDS", 120)
GRADER_STUCK_RUNNING_SECONDS = envint("GRADER_STUCK_RUNNING_SECONDS", CELERY_TASK_TIME_LIMIT + 30)
# Claimed this many times and never finished (each worker died, or could not
# store), a grading, validation or regrade item is ended by the sweeper, not sent again.
GRADER_MAX_ATTEMPTS = envint("GRADER_MAX_ATTEMPTS", 3)
# a validation grades the reference and every mutant, so it may take far longer than one grading
GRADER_VALIDATION_TIME_LIMIT = envint("GRADER_VALIDATION_TIME_LIMIT", 1800)
# Workers (and the learner processes they start) run at this lower priority,
# so pages and Submits stay quick when grading fills the CPU (make bench).
GRADER_WORKER_NICE = envint("GRADER_WORKER_NICE", 10)
GRADER_HOUSEKEEPING_SECONDS = envint("GRADER_HOUSEKEEPING_SECONDS", 15)  # heartbeat and sweep, in each worker
# A little above the code limit, so an oversized paste gets the friendly message.
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("DATA_UPLOAD_MAX_MEMORY_SIZE", 512 * 1024)
# A request body larger than this is refused (413) before anything reads it
# (config.middleware.RequestBodyLimitMiddleware); the pack upload is allowed
# the largest pack zip (studio.packs.MAX_UPLOAD_BYTES) and its form around it.
REQUEST_BODY_MAX_BYTES = envint("REQUEST_BODY_MAX_BYTES", 1024 * 1024)
# Uploads up to this size stay in memory; none may be larger than the body limits above.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# LTI 1.3 (lti/): requests to an LMS (keys, tokens, grades, rosters) give up after this many seconds
LTI_HTTP_TIMEOUT = envint("LTI_HTTP_TIMEOUT", 10)
LTI_JWKS_CACHE_SECONDS = envint("LTI_JWKS_CACHE_SECONDS", 300)  # a platform's public keys are kept this long
LTI_CLOCK_SKEW_SECONDS = envint("LTI_CLOCK_SKEW_SECONDS", 60)  # leeway on a launch token's times, for the LMS's clock
# A score the LMS did not take is tried again this many times, 5 s doubling to 10 min apart (about 20 min in
# all), then marked failed; one still pending this long after its last try is sent again by the sweeper.
LTI_SCORE_MAX_RETRIES = envint("LTI_SCORE_MAX_RETRIES", 8)
LTI_SCORE_RESEND_SECONDS = envint("LTI_SCORE_RESEND_SECONDS", 3600)
# Origins that may frame the launch and deep-linking pages (space-separated, e.g. https://canvas.example.edu);
# empty: none, and LMS links open in a new window. Every other page stays unframeable.
LTI_FRAME_ANCESTORS = os.environ.get("LTI_FRAME_ANCESTORS", "").split()
