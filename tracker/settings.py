"""Settings for the claim tracker, read from environment variables.

Every variable is documented in ``.env.example``. Defaults are safe for a local
checkout: SQLite, DEBUG off, and a secret key kept in an untracked file.
"""

import logging
import math
import os
import re
import secrets
import warnings
import zoneinfo
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import NoReturn

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


# The readers below take each variable's documented forms and refuse anything else with
# ImproperlyConfigured naming the variable, so a typo stops start-up instead of quietly
# reading as a default. Booleans and numbers ignore surrounding spaces and take an empty
# value as the default; text is taken as it is unless a reader is told what to check.

_TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
_FALSE_WORDS = frozenset({"0", "false", "no", "off"})


def _refuse(name: str, expected: str, value: str) -> NoReturn:
    raise ImproperlyConfigured(f"{name} must be {expected}, got {value!r}")


def _set_value(name: str) -> str | None:
    """The variable's value without surrounding spaces, or None when unset or blank."""
    value = os.environ.get(name, "").strip()
    return value or None


def _number_text(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _check_range(
    name: str, number: float, text: str, minimum: float | None, maximum: float | None
) -> None:
    low = minimum is not None and number < minimum
    high = maximum is not None and number > maximum
    if minimum is not None and maximum is not None:
        if low or high:
            _refuse(name, f"between {_number_text(minimum)} and {_number_text(maximum)}", text)
    elif low and minimum is not None:
        _refuse(name, f"at least {_number_text(minimum)}", text)
    elif high and maximum is not None:
        _refuse(name, f"at most {_number_text(maximum)}", text)


def env_str(
    name: str,
    default: str = "",
    *,
    required: bool = False,
    choices: tuple[str, ...] = (),
    check: Callable[[str], bool] | None = None,
    expected: str = "",
) -> str:
    """The variable as text. Without options the value is taken as it is (an empty value
    stays empty). ``required``: a blank value is refused. ``choices``: one of these,
    case-insensitive, returned as spelled in ``choices``. ``check``: a test the value must
    pass, described by ``expected`` in the refusal."""
    value = os.environ.get(name, default)
    if not (required or choices or check):
        return value
    value = value.strip()
    if choices:
        for choice in choices:
            if value.lower() == choice.lower():
                return choice
        _refuse(name, "one of " + ", ".join(choices), value)
    if not value and (required or check):
        _refuse(name, expected or "a value, not empty", value)
    if check is not None and not check(value):
        _refuse(name, expected, value)
    return value


def env_bool(name: str, default: bool = False) -> bool:
    """1/0, true/false, yes/no or on/off, case-insensitive; empty or unset: ``default``."""
    value = _set_value(name)
    if value is None:
        return default
    if value.lower() in _TRUE_WORDS:
        return True
    if value.lower() in _FALSE_WORDS:
        return False
    _refuse(name, "one of 1/0, true/false, yes/no, on/off", value)


def env_int(
    name: str, default: int, *, minimum: int | None = None, maximum: int | None = None
) -> int:
    """A whole number within the bounds given; empty or unset: ``default``."""
    value = _set_value(name)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        _refuse(name, "a whole number", value)
    _check_range(name, number, value, minimum, maximum)
    return number


def env_float(
    name: str, default: float, *, minimum: float | None = None, maximum: float | None = None
) -> float:
    """A finite number (``90``, ``87.5``) within the bounds given; empty or unset:
    ``default``."""
    value = _set_value(name)
    if value is None:
        return float(default)
    try:
        number = float(value)
    except ValueError:
        _refuse(name, "a number", value)
    if not math.isfinite(number):
        _refuse(name, "a number", value)
    _check_range(name, number, value, minimum, maximum)
    return number


_RATE = re.compile(r"^[1-9][0-9]*/(?:s|sec|second|m|min|minute|h|hour|d|day)$")


def env_rate(name: str, default: str) -> str:
    """A request rate such as ``60/min`` (per s, min, hour or day), or "" when set to
    ``off``; unset or empty: ``default``."""
    value = _set_value(name)
    if value is None:
        return default
    if value.lower() == "off":
        return ""
    if not _RATE.match(value):
        _refuse(name, "a rate such as 60/min (per s, min, hour or day) or off", value)
    return value


def env_list(
    name: str,
    default: str = "",
    *,
    check: Callable[[str], bool] | None = None,
    expected: str = "",
) -> list[str]:
    """Comma-separated items, spaces around each ignored; an empty value is an empty list.
    ``check``: a test each item must pass, described by ``expected`` in the refusal."""
    items = [item.strip() for item in env_str(name, default).split(",") if item.strip()]
    for item in items:
        if check is not None and not check(item):
            _refuse(name, expected, item)
    return items


def _is_time_zone(value: str) -> bool:
    try:
        zoneinfo.ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        return False
    return True


def _local_secret_key() -> str:
    """A random key kept in ``.secret_key`` so sessions survive restarts of a local server.

    Production sets SECRET_KEY; the deploy check ``tracker.W001`` reports when it does not.
    """
    path = BASE_DIR / ".secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        key = secrets.token_urlsafe(50)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_text().strip()
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
        return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY_FROM_ENV = bool(env_str("SECRET_KEY"))
SECRET_KEY = env_str("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list(
    "CSRF_TRUSTED_ORIGINS",
    check=lambda origin: "://" in origin,
    expected="origins with a scheme, such as https://tracker.example.org",
)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "simple_history",
    "axes",
    # The project's apps, in the order they may import each other (README, "Where the code
    # is"; import-linter checks it). access comes last in this list only because it gives
    # the roles their permissions after migrate, once the other apps' permissions exist.
    "articles",
    "sources",
    "claims",
    "crosscheck",
    "suggestions",
    "interchange",
    "pages",
    "access",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

# Failed logins (django-axes), on every login form (the site's and the admin's): after
# TRACKER_LOGIN_FAILURE_LIMIT failures for one account, or from one address, logging in is
# refused for TRACKER_LOGIN_LOCKOUT_MINUTES, even with the right password. Editors unlock an
# account in the admin (Axes › Access attempts) or with `manage.py axes_reset_username`.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("TRACKER_LOGIN_FAILURE_LIMIT", 10, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TRACKER_LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# Invalid API tokens from one address within the same window before its token requests get
# 429 (access/authentication.py); 0 turns the count off.
TRACKER_TOKEN_FAILURE_LIMIT = env_int("TRACKER_TOKEN_FAILURE_LIMIT", 20, minimum=0)
# Days an API token works when issued without an expiry of its own (access.ApiToken); a
# token that never expires is only issued when asked for explicitly.
TRACKER_TOKEN_DAYS = env_int("TRACKER_TOKEN_DAYS", 90, minimum=1, maximum=3650)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

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
            ],
        },
    },
]


# SQLite by default; DATABASE_URL (postgres://user:password@host:port/name) switches. Empty
# counts as unset.
def database_config(name: str = "DATABASE_URL") -> dict:
    url = os.environ.get(name, "").strip() or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    try:
        config = dj_database_url.parse(
            url,
            conn_max_age=env_int("CONN_MAX_AGE", 60, minimum=0),
            conn_health_checks=True,
        )
    except ValueError:
        _refuse(name, "a database URL such as postgres://USER:PASSWORD@HOST:5432/NAME", url)
    if not config.get("ENGINE"):
        _refuse(name, "a database URL such as postgres://USER:PASSWORD@HOST:5432/NAME", url)
    return dict(config)


DATABASES = {"default": database_config()}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Persistent connections would keep SQLite's file locked between requests.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers work while one request writes; IMMEDIATE takes the write lock
        # at the start of a transaction instead of failing halfway with "database is locked".
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }


# The default cache holds the API's rate-limit counts, the invalid-token counts and the
# cached credentials of API tokens (access/credentials.py). Unset: memory of each process.
# Several processes (gunicorn workers, several servers) need one cache they share:
# CACHE_URL=redis://HOST:6379/DB (Django's Redis cache).
def cache_config() -> dict:
    url = env_str("CACHE_URL").strip()
    if not url:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    if not re.match(r"^rediss?://[^/\s]+(?:/\d*)?$", url):
        _refuse("CACHE_URL", "a Redis URL such as redis://127.0.0.1:6379/0", url)
    return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}


CACHES = {"default": cache_config()}
CACHE_IS_SHARED = CACHES["default"]["BACKEND"].endswith("RedisCache")
# Seconds an API token's credentials (the token, its user and their permissions) stay in
# the cache between requests, sparing the three queries that read them; every change to
# them invalidates the entry at once (access/credentials.py). 0 turns it off. The default
# is 300 with a shared cache (CACHE_URL) and 0 without one: a process-local cache cannot
# hear of a change made in another process. A single-process server may turn it on.
TRACKER_AUTH_CACHE_SECONDS = env_int(
    "TRACKER_AUTH_CACHE_SECONDS", 300 if CACHE_IS_SHARED else 0, minimum=0, maximum=86400
)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = env_str(
    "TIME_ZONE",
    "UTC",
    check=_is_time_zone,
    expected="a time zone name such as UTC or Europe/Berlin",
)
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(
    env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"), required=True, expected="a folder path")
)
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Without collected, hashed files, WhiteNoise serves straight from the apps' static folders.
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    warnings.filterwarnings("ignore", message="No directory at", category=UserWarning)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "pages:dashboard"

# Security. Cookies are secure unless DEBUG is on; the TLS settings are for deployments
# behind HTTPS and documented in .env.example.
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("USE_X_FORWARDED_PROTO", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Scripts only from this site, never inline (the pages, the admin and the API docs load
# every script from a file); inline style attributes are allowed (the admin and the API
# docs set some).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        # Redoc (/api/redoc/) searches in a web worker it starts from a blob of its own
        # script; no page runs a worker of any other origin.
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# No page needs these browser features.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
        "interest-cohort",
        "browsing-topics",
    )
}

# Named levels only, any case: CRITICAL, FATAL, ERROR, WARN, WARNING, INFO, DEBUG, NOTSET.
_LOG_LEVELS = tuple(logging.getLevelNamesMapping())
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO", choices=_LOG_LEVELS)},
}

REST_FRAMEWORK = {
    # Token first, so an unauthenticated request gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "access.authentication.CountingTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["access.permissions.RolePermission"],
    # Rates: TRACKER_THROTTLE_RATES below (access/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": [
        "access.throttling.AnonThrottle",
        "access.throttling.UserSustainedThrottle",
        "access.throttling.UserBurstThrottle",
        "access.throttling.ExpensiveThrottle",
    ],
    "DEFAULT_PAGINATION_CLASS": "access.pagination.TrackerCursorPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "access.filters.TrackerFilterBackend",
        "access.filters.StrictOrderingFilter",
    ],
    # JSON only: form encodings cannot tell null from an empty string, nor a list from one
    # value, so the same request could mean two things.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "access.schema.TrackerAutoSchema",
    "EXCEPTION_HANDLER": "access.api.exception_handler",
    "DEFAULT_RENDERER_CLASSES": [
        "access.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Claim tracker API",
    "DESCRIPTION": (
        "Record who said what in the news: outlets, articles, sources, claims and the "
        "attributions that tie them together. Authenticate with `Authorization: Token <key>` "
        "(an editor issues a key in the admin or with `manage.py api_token issue USER`; keys "
        "expire) or a session. Collections use "
        "cursor pagination: follow `next` and `previous`. Detail responses carry an `ETag`; "
        "send it back in `If-Match` when you change the resource, and a 412 tells you someone "
        "changed it first."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and docs are shown to the users who may read the API.
    "SERVE_PERMISSIONS": ["access.permissions.ReadAccess"],
    # No call to the online validator at validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "access.schema.blank_strings_any_of",
        "access.schema.links_from_created",
    ],
    "ENUM_NAME_OVERRIDES": {
        "SourceKindEnum": "sources.models.Source.Kind",
        "AttributionKindEnum": "claims.models.Attribution.Kind",
        "ClaimRelationKindEnum": "claims.models.ClaimRelation.Kind",
        "OutletKindEnum": "articles.models.Outlet.Kind",
        "MetadataSpanKindEnum": "articles.models.MetadataSpan.Kind",
        "ArticleStatusEnum": "articles.models.Article.Status",
        "ClaimStatusEnum": "claims.models.Claim.Status",
        "SuggestionKindEnum": "suggestions.models.Suggestion.KINDS",
        "StatusReasonKindEnum": "crosscheck.serializers.REASON_KINDS",
        "StatusReasonCodeEnum": "crosscheck.serializers.REASON_CODES",
    },
}

# A 1,000,000-character body can take up to about 6 MB as JSON.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 8 * 1024 * 1024, minimum=1)

# --- The tracker's own settings ---------------------------------------------------------

# Longest article body accepted, in characters (a 20,000-word article is about 130,000).
TRACKER_MAX_BODY_CHARS = env_int("TRACKER_MAX_BODY_CHARS", 1_000_000, minimum=1)
# When a body is edited, a span whose text changed is re-anchored to a close match scoring
# at least this (0-100, rapidfuzz partial ratio); below it the span is flagged as orphaned.
TRACKER_REANCHOR_FUZZY_THRESHOLD = env_float(
    "TRACKER_REANCHOR_FUZZY_THRESHOLD", 90, minimum=0, maximum=100
)
# Cross-check thresholds (0-100 similarity after normalising quote marks, case, spacing and
# punctuation). Quotes this alike from different sources are one quote misattributed:
TRACKER_MISATTRIBUTION_MIN_SIMILARITY = env_float(
    "TRACKER_MISATTRIBUTION_MIN_SIMILARITY", 90, minimum=0, maximum=100
)
# One source's direct quotes this alike (but not identical) are one quote reworded:
TRACKER_DRIFT_MIN_SIMILARITY = env_float("TRACKER_DRIFT_MIN_SIMILARITY", 60, minimum=0, maximum=100)
# Quotes shorter than this many words are too common to compare.
TRACKER_MIN_QUOTE_WORDS = env_int("TRACKER_MIN_QUOTE_WORDS", 4, minimum=1)
# Near-duplicate candidates taken from the index for exact re-ranking.
TRACKER_QUOTE_CANDIDATES = env_int("TRACKER_QUOTE_CANDIDATES", 300, minimum=1)
# Processes that pair the archive's near-duplicate quotes in a full recompute
# (`manage.py recheck`); 0 means one per core.
TRACKER_RECHECK_WORKERS = env_int("TRACKER_RECHECK_WORKERS", 0, minimum=0)
# Shards of a full recomputation sent to the task queue (`recheck --queue` without
# --shards): each map chunk, pair shard and check shard is a task any worker takes.
TRACKER_RECOMPUTE_SHARDS = env_int("TRACKER_RECOMPUTE_SHARDS", 16, minimum=1)
# Recheck findings after every change, once the transaction commits. Bulk imports may turn
# it off and run `manage.py recheck` afterwards.
TRACKER_CROSSCHECK_ON_SAVE = env_bool("TRACKER_CROSSCHECK_ON_SAVE", True)
# API rate limits (access/throttling.py): requests per second, minute, hour or day, such as
# "60/min"; empty turns that limit off.
TRACKER_THROTTLE_RATES = {
    "anon": env_rate("TRACKER_THROTTLE_ANON", "60/min"),
    "user": env_rate("TRACKER_THROTTLE_USER", "20000/hour"),
    "burst": env_rate("TRACKER_THROTTLE_BURST", "600/min"),
    "expensive": env_rate("TRACKER_THROTTLE_EXPENSIVE", "30/min"),
}
# Long jobs (bulk accept) run on a thread of their own after the request that asked for them
# commits (on/off; off runs them inline, as the test suite does).
TRACKER_TASKS_IN_BACKGROUND = env_bool("TRACKER_TASKS_IN_BACKGROUND", True)

# The task queue (tracker/celery.py, access/tasks.py). Empty: no broker, tasks run in-process
# after the commit (the embedded default). Set, e.g. redis://127.0.0.1:6379/0: the rechecks,
# extraction on import, bulk accepts and the full recompute are sent to Celery workers
# (`make worker`), through an outbox table written with each change.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "").strip()
if CELERY_BROKER_URL and not re.match(r"^[a-z][a-z0-9+]*://", CELERY_BROKER_URL):
    _refuse(
        "CELERY_BROKER_URL",
        "a broker URL such as redis://127.0.0.1:6379/0 (or empty for no task queue)",
        CELERY_BROKER_URL,
    )
# The queue the tasks are sent to and the workers read (one per deployment sharing a broker).
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_TASK_DEFAULT_QUEUE", "tracker")
CELERY_TASK_ACKS_LATE = True  # acknowledged after the run: a killed worker's task comes back
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1  # a long task does not hold others behind it
CELERY_TASK_IGNORE_RESULT = True  # the outbox rows (access.QueuedTask) say how runs ended
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # the LOGGING setting's handlers stay in charge
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A request must not wait on a dead broker: give up sending quickly (the outbox row stays
# queued and the sweep sends it).
CELERY_BROKER_CONNECTION_TIMEOUT = env_float(
    "CELERY_BROKER_CONNECTION_TIMEOUT", 2.0, minimum=0.1, maximum=60
)
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    "interval_max": 0.2,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Redis: a message taken by a worker that vanished (the whole worker killed, not just
    # its pool process) is delivered again after this many seconds; longer than any task.
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600, minimum=10),
    "socket_connect_timeout": CELERY_BROKER_CONNECTION_TIMEOUT,
}
# Queued runs that fail on a database error that may pass are retried this many times,
# after 1, 2, 4 ... seconds (times TRACKER_TASK_RETRY_BACKOFF, at most ..._BACKOFF_MAX,
# with full jitter), then marked failed with an error in the log.
TRACKER_TASK_MAX_RETRIES = env_int("TRACKER_TASK_MAX_RETRIES", 5, minimum=0, maximum=100)
TRACKER_TASK_RETRY_BACKOFF = env_int("TRACKER_TASK_RETRY_BACKOFF", 2, minimum=1)
TRACKER_TASK_RETRY_BACKOFF_MAX = env_int("TRACKER_TASK_RETRY_BACKOFF_MAX", 300, minimum=1)
# The outbox sweep (`manage.py send_queued_tasks`; Celery beat runs it every SWEEP seconds):
# queued runs whose message was sent more than RESEND_AFTER seconds ago (or never), and
# runs still "running" that long past their time limit, are sent again.
TRACKER_TASK_RESEND_AFTER = env_int("TRACKER_TASK_RESEND_AFTER", 300, minimum=0)
TRACKER_TASK_SWEEP_SECONDS = env_int("TRACKER_TASK_SWEEP_SECONDS", 60, minimum=1)
# Outbox rows of runs done are deleted by the sweep this many days after they finished.
TRACKER_TASK_KEEP_DAYS = env_int("TRACKER_TASK_KEEP_DAYS", 7, minimum=1)
CELERY_BEAT_SCHEDULE = {
    "send-queued-tasks": {
        "task": "access.send_queued_tasks",
        "schedule": float(TRACKER_TASK_SWEEP_SECONDS),
    },
}
# Claim suggestions (suggestions/claim_links.py), on the 0-1 proposition score: a match at
# or above AUTO is linked at once (marked suggested), one between SUGGEST and AUTO waits in
# the review queue, anything lower gets a new claim. No automatic link for a statement of
# fewer than MIN_WORDS words (short statements are too common to say which claim they make).
TRACKER_CLAIM_LINK_SUGGEST = env_float("TRACKER_CLAIM_LINK_SUGGEST", 0.7, minimum=0, maximum=1)
TRACKER_CLAIM_LINK_AUTO = env_float("TRACKER_CLAIM_LINK_AUTO", 0.875, minimum=0, maximum=1)
TRACKER_CLAIM_LINK_MIN_WORDS = env_int("TRACKER_CLAIM_LINK_MIN_WORDS", 8, minimum=1)
if TRACKER_CLAIM_LINK_SUGGEST > TRACKER_CLAIM_LINK_AUTO:
    _refuse(
        "TRACKER_CLAIM_LINK_SUGGEST",
        f"a number no higher than TRACKER_CLAIM_LINK_AUTO ({TRACKER_CLAIM_LINK_AUTO})",
        str(TRACKER_CLAIM_LINK_SUGGEST),
    )
# The publisher named as author of ClaimReview markup.
TRACKER_PUBLISHER_NAME = env_str(
    "TRACKER_PUBLISHER_NAME", "Claim tracker", required=True, expected="a name"
)
# Let anonymous visitors read pages and the API (writes always need a role).
TRACKER_PUBLIC_READING = env_bool("TRACKER_PUBLIC_READING", False)
# Largest file the admin's "Import articles" page takes; larger files go through the
# import_articles command.
TRACKER_IMPORT_MAX_UPLOAD_BYTES = env_int(
    "TRACKER_IMPORT_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1
)
