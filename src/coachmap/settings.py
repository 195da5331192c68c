"""One settings module, configured by the environment.

DATABASE_URL     database (default: SQLite at var/coachmap.sqlite3)
SECRET_KEY       required unless DEBUG is on
DEBUG            "true" for development
ALLOWED_HOSTS    comma-separated host names
TIME_ZONE        the district's time zone (default America/New_York)
TASKS_BACKEND    "database" (default) or "immediate" (runs background work inline)

Hardened edges (sign-in lockout, transport security; see the block near the end):
LOGIN_LOCKOUT            "true" (default) locks sign-in after repeated failures; "false" only for tests
LOGIN_LOCKOUT_ATTEMPTS   failed sign-ins per username and address before the lock (default 5)
LOGIN_LOCKOUT_MINUTES    how long the lock lasts, counted from the last failed try (default 15)
BEHIND_PROXY             "true" when a reverse proxy terminates HTTPS and sets X-Forwarded-Proto/-For
SECURE_SSL_REDIRECT      redirect plain HTTP to HTTPS (default true unless DEBUG)
SECURE_HSTS_SECONDS      Strict-Transport-Security max-age (default one year unless DEBUG; 0 turns it off)
SECURE_HSTS_PRELOAD      "true" to ask browsers to preload HTTPS for the whole domain (default false)
EMAIL_HOST       the SMTP server; when set, mail goes by SMTP (docs/notifications.md); when unset,
                 mail is printed on the console (the demo)
EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS ("true"/"false"), EMAIL_USE_SSL,
EMAIL_TIMEOUT    the SMTP connection (defaults 25, none, none, false, false, 10 seconds)
EMAIL_BACKEND    a Django email backend, to override the choice above
EMAIL_FILE_PATH  the folder the file-based email backend writes to
DEFAULT_FROM_EMAIL  the sender of password links and notifications (default coachmap@localhost)
SITE_URL         the address people open coachmap at, for links in emails (default http://localhost:8000)
WEBHOOKS_ALLOW_HTTP  "true" lets webhooks go to plain http:// addresses (tests, demos); default false
NOTIFICATION_DIGEST_HOUR  the local hour digests are due (default 7)
NOTIFICATION_WAITING_DAYS the program lead hears of a request waiting longer than this (default 7)
PASSWORD_RESET_TIMEOUT  seconds a set-your-password link stays valid (default 86400, one day)
INVITATION_TIMEOUT  seconds an invitation (the first set-your-password link of an account nobody
                 has used yet) stays valid (default 604800, seven days)

Production serving (docs/deploy.md):
REQUEST_LOG      "true" writes one JSON line per request to the log (`coachmap serve` turns it on)
HEALTH_MAX_QUEUE_AGE_SECONDS  /healthz fails once a task has waited longer than this (default 600)
HEALTH_MIN_FREE_BYTES         /healthz fails when the uploads' disk has less free (default 100 MB)
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("COACHMAP_VAR_DIR", PROJECT_DIR / "var"))


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    """A yes/no setting: only "true" or "false" (any case). Anything else stops start-up with a message,
    so `SECURE_COOKIES=ture` can never quietly mean "no" (healthchecks' envbool does the same)."""
    value = os.environ.get(name, "").strip().lower()
    if value == "":
        return default
    if value not in {"true", "false"}:
        raise ImproperlyConfigured(f'{name} must be "true" or "false", not {os.environ[name]!r}.')
    return value == "true"


def env_whole(name: str, default: int, minimum: int) -> int:
    raw = os.environ.get(name, "").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be a whole number of at least {minimum}, not {raw!r}.")
    return value


DEBUG = env_bool("DEBUG")
SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set it to a long random string in production, "
            "or set DEBUG=true for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"  # noqa: S105

ALLOWED_HOSTS = [h.strip() for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in env("CSRF_TRUSTED_ORIGINS").split(",") if o.strip()]

INSTALLED_APPS = [
    # First, so its management commands replace Django's (`changepassword` refuses,
    # `createsuperuser` runs only on an empty database).
    "coachmap.core",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    # django-ninja as an app serves Swagger UI from our own static files (its fallback is a CDN
    # page with inline script, which the Content-Security-Policy refuses).
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "coachmap.notifications",
    # Single sign-on (coachmap.signin): allauth's provider flows only; its account pages are not served.
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.google",
    "allauth.socialaccount.providers.microsoft",
    "allauth.socialaccount.providers.openid_connect",
    "coachmap.roster",
    "coachmap.signin",
    "coachmap.people",
    "coachmap.improvement",
    "coachmap.coaching",
    "coachmap.feedback",
    "coachmap.library",
    "coachmap.reports",
    "coachmap.families",
    "coachmap.program",
    "coachmap.impact",
    "coachmap.api",
    "coachmap.home",
    "coachmap.demo",
]

MIDDLEWARE = [
    # Outermost, so its duration and status are the whole request's (REQUEST_LOG).
    "coachmap.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The language of a page (family reports, docs/families.md): the language cookie, then the
    # browser's Accept-Language; a family report's ?lang= overrides both.
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coachmap.core.middleware.DistrictTimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Hardened edges: a Content-Security-Policy on every response, and the sign-in lockout
    # (AxesMiddleware last, as django-axes asks, so it turns a locked-out attempt into its page).
    "csp.middleware.CSPMiddleware",
    "coachmap.signin.middleware.provider_form_action",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "coachmap.urls"
WSGI_APPLICATION = "coachmap.wsgi.application"

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
                "coachmap.core.context_processors.roles",
                "coachmap.notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'coachmap.sqlite3'}",
        conn_max_age=int(env("CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
    DATABASES["default"]["TEST"] = {"NAME": env("SQLITE_TEST_NAME") or None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

# Passwords are set by their owners through a single-use emailed link (core/services.py).
# Notifications are emailed too (docs/notifications.md): by SMTP once EMAIL_HOST is set, else on
# the console (the demo); tests use Django's locmem outbox whatever is set here.
EMAIL_BACKEND = env(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if env("EMAIL_HOST")
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env("EMAIL_HOST", "localhost")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend: the folder mail is written to.
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH") or None
EMAIL_PORT = env_whole("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured(
        "EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true; choose the one your mail server uses."
    )
EMAIL_TIMEOUT = env_whole("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "coachmap@localhost")
SITE_URL = env("SITE_URL", "http://localhost:8000")
NOTIFICATION_WAITING_DAYS = env_whole("NOTIFICATION_WAITING_DAYS", 7, minimum=1)
NOTIFICATION_DIGEST_HOUR = env_whole("NOTIFICATION_DIGEST_HOUR", 7, minimum=0)
# Webhooks go to https:// addresses only; "true" lets a test or a demo send to a plain http:// one.
WEBHOOKS_ALLOW_HTTP = env_bool("WEBHOOKS_ALLOW_HTTP", False)
if NOTIFICATION_DIGEST_HOUR > 23:  # noqa: PLR2004 - the last hour of a day
    raise ImproperlyConfigured(
        f"NOTIFICATION_DIGEST_HOUR must be an hour from 0 to 23, not {NOTIFICATION_DIGEST_HOUR}."
    )
PASSWORD_RESET_TIMEOUT = int(env("PASSWORD_RESET_TIMEOUT", str(24 * 60 * 60)))
INVITATION_TIMEOUT = int(env("INVITATION_TIMEOUT", str(7 * 24 * 60 * 60)))

LANGUAGE_CODE = "en-us"
# The languages family reports are written in: add a language here and its catalog under
# src/coachmap/locale/<code>/LC_MESSAGES/ (docs/families.md).
LANGUAGES = [("en", "English"), ("es", "Español")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env("TIME_ZONE", "America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "media/"

TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if env("TASKS_BACKEND", "database") == "immediate"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)

# --- Hardened edges (issue 12, item 6) -------------------------------------------------------
# Kept in one block: sign-in lockout, Content-Security-Policy, transport security.


# Sign-in throttling (django-axes): after LOGIN_LOCKOUT_ATTEMPTS failed sign-ins for one username
# from one address, that pair is refused for LOGIN_LOCKOUT_MINUTES (a failed try while locked
# starts the wait again), with a page saying so. The check sits in front of every password
# check (an authentication backend), so the sign-in page and the admin (which sends people to
# the sign-in page) are both covered. A password reset link still works while locked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = env_whole("LOGIN_LOCKOUT_ATTEMPTS", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_whole("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "coachmap.core.lockout.locked_out"
AXES_CLIENT_IP_CALLABLE = "coachmap.core.lockout.client_address"
AXES_VERBOSE = False
# Keep only what the lock needs (failed attempts, deleted once the pause has passed): no
# per-person log of every successful sign-in with address and browser.
AXES_DISABLE_ACCESS_LOG = True

# Content-Security-Policy (django-csp 4): scripts and styles only from our own static files; no
# inline script, no inline style, no eval; no framing; forms post only back here. The API docs
# page loosens img-src for Swagger UI's icons (coachmap.api.api).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# Transport security: production defaults are safe (HTTPS only, HSTS for a year); DEBUG turns
# them off so `make demo` works over plain HTTP. Behind a proxy that terminates HTTPS, set
# BEHIND_PROXY=true so Django trusts X-Forwarded-Proto and the lockout counts the client's
# address from X-Forwarded-For (one proxy), not the proxy's.
BEHIND_PROXY = env_bool("BEHIND_PROXY", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_whole("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    # Preloading is a one-way commitment for the district's whole registrable domain, so it is
    # the district's choice (SECURE_HSTS_PRELOAD=true), not a default; check --deploy's reminder
    # about it is silenced only while it is off.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# --- end of hardened edges ----------------------------------------------------------------------

# Single sign-on (docs/sign-in.md). Providers are turned on per district in Settings, not here;
# allauth never creates a person (`coachmap.signin.adapter`), keeps no provider tokens, and sends
# no email of its own.
ACCOUNT_ADAPTER = "coachmap.signin.adapter.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "coachmap.signin.adapter.SocialAdapter"
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_OPENID_CONNECT_URL_PREFIX = "oidc"

# Production serving (docs/deploy.md): the request log and what /healthz calls unhealthy.
REQUEST_LOG = env_bool("REQUEST_LOG", False)
HEALTH_MAX_QUEUE_AGE_SECONDS = env_whole("HEALTH_MAX_QUEUE_AGE_SECONDS", 600, minimum=1)
HEALTH_MIN_FREE_BYTES = env_whole("HEALTH_MIN_FREE_BYTES", 100 * 1024 * 1024, minimum=0)
# A load balancer asks over plain HTTP on the private network: answer it rather than redirect.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"bare": {"format": "%(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"},
        # One JSON object per line, nothing around it, for a log collector.
        "request_lines": {"class": "logging.StreamHandler", "formatter": "bare"},
    },
    "loggers": {
        "coachmap.requests": {"handlers": ["request_lines"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
}
