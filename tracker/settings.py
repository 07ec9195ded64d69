"""Settings for the ASEAN–China commitment tracker, read from environment variables.

Local defaults are safe for a developer machine; a production deployment must set
SECRET_KEY (DEBUG off refuses to start without one) and DATABASE_URL.
"""

import os
from datetime import timedelta
from email.utils import getaddresses
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when DEBUG is off (the names the site answers to).")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_filters",
    "django_tables2",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",  # installed whatever the backend, so that switching to it needs no migration
    "commitments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions: during maintenance nothing touches the database.
    "tracker.errors.MaintenanceMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "tracker.middleware.BadInputMiddleware",  # after LocaleMiddleware: its messages are translated
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "commitments.sessions.SessionTimeoutMiddleware",  # before LoginRequired: see its docstring
    "tracker.middleware.SecurityHeadersMiddleware",
    "tracker.middleware.ContentSecurityPolicyMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tracker.errors.PermissionRefusalLogMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused log-in into the lock-out page.
    "axes.middleware.AxesMiddleware",
]

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
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "commitments.context_processors.roles",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:")):
    raise ImproperlyConfigured("DATABASE_URL must be an sqlite:// or postgres:// URL.")
# A connection is kept for a minute, and checked before a request uses it again: a database that
# restarted or dropped idle connections would otherwise fail the next request of every worker.
# DATABASE_POOL=true (PostgreSQL only) uses Django's connection pool (psycopg_pool) instead: each
# process keeps DATABASE_POOL_MIN_SIZE to DATABASE_POOL_MAX_SIZE connections, checked before each
# use; Django requires CONN_MAX_AGE = 0 with it (the pool, not the request, decides what is kept).
DATABASE_POOL = env_bool("DATABASE_POOL", False)
if DATABASE_POOL and not DATABASE_URL.startswith(("postgres:", "postgresql:")):
    raise ImproperlyConfigured("DATABASE_POOL needs a postgres:// DATABASE_URL.")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=0 if DATABASE_POOL else 60, conn_health_checks=True
    )
}
if DATABASE_POOL:
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(env_str("DATABASE_POOL_MIN_SIZE", "1")),
        "max_size": int(env_str("DATABASE_POOL_MAX_SIZE", "4")),
        "timeout": 10,  # seconds a request waits for a free connection before it fails
    }

# The cache, and through it the sessions: Redis (REDIS_URL, e.g. redis://127.0.0.1:6379/0) shared
# by every app server, else each process's own memory. Sessions are written to the database too
# and read from it when the cache has lost them (cached_db), so a Redis restart logs nobody out.
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must be a redis://, rediss:// or unix:// URL.")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    if REDIS_URL
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Jakarta"
# One date format per language (29 Nov 2026; 2026年11月29日): tracker/formats/<locale>/formats.py.
FORMAT_MODULE_PATH = ["tracker.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Evidence and report edition files: a private folder with no URL (EVIDENCE_ROOT), or, when
# S3_BUCKET is set, a private bucket of an S3-compatible object store. Either way they are read
# only through the download views, which check who asks (commitments/storage.py).
S3_BUCKET = env_str("S3_BUCKET") or env_str("AWS_STORAGE_BUCKET_NAME")
EVIDENCE_STORAGE = (
    {
        "BACKEND": "commitments.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,  # unset: AWS itself
            "region_name": env_str("S3_REGION") or None,
            # Unset: boto3 finds them itself (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, an instance role).
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX"),
        },
    }
    if S3_BUCKET
    else {"BACKEND": "commitments.storage.PrivateFileStorage"}
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "evidence": EVIDENCE_STORAGE,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "login"
# Each role starts on its work (commitments.permissions.Roles.home); a "next" given at log-in wins.
LOGIN_REDIRECT_URL = "commitments:home"
LOGOUT_REDIRECT_URL = "login"

# Log-in throttling (django-axes), kept in the database so that it holds across app servers:
# after AXES_FAILURE_LIMIT failed log-ins for one user name, or from one address, every attempt
# for it is refused, even with the right password, until AXES_COOLOFF_MINUTES have passed since
# the last failure. A success forgets that user's failures; a secretariat officer unlocks sooner.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: it refuses a locked-out attempt before any other
    "commitments.permissions.PermissionBackend",  # Django's ModelBackend, in one query fewer
]
AXES_FAILURE_LIMIT = int(env_str("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env_str("AXES_COOLOFF_MINUTES", "15")))
if AXES_FAILURE_LIMIT < 1 or AXES_COOLOFF_TIME <= timedelta(0):
    raise ImproperlyConfigured("AXES_FAILURE_LIMIT and AXES_COOLOFF_MINUTES must be at least 1.")
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # either one alone locks
AXES_HANDLER = "commitments.logins.LoginAttemptHandler"
AXES_RESET_ON_SUCCESS = True
# Attempts refused during a lock-out do not restart its cool-off: it ends when it said it would.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "commitments.views.accounts.locked_out"
AXES_CLIENT_IP_CALLABLE = "commitments.logins.client_ip"
AXES_USERNAME_CALLABLE = "commitments.logins.client_username"
# How many reverse proxies stand in front of the app and append to X-Forwarded-For. With 0, the
# default, the header is ignored (anyone can write it) and the address is REMOTE_ADDR.
# With DEBUG off the proxy header is trusted by default (SECURE_PROXY_SSL_HEADER below), so the
# number of proxies must be said, or every visitor would share the proxy's address and five wrong
# passwords from anyone would lock everyone out.
if not DEBUG and not env_str("TRUSTED_PROXIES"):
    raise ImproperlyConfigured(
        "TRUSTED_PROXIES must be set when DEBUG is off: 1 behind one reverse proxy, 0 when clients "
        "connect to the app directly."
    )
TRUSTED_PROXIES = int(env_str("TRUSTED_PROXIES", "0"))

# Sessions end 12 hours after log-in, and after SESSION_IDLE_MINUTES without a request (OWASP
# ASVS 3.3; commitments.sessions.SessionTimeoutMiddleware, which keeps what an ended session posted).
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_IDLE_MINUTES = int(env_str("SESSION_IDLE_MINUTES", "30"))
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 1.")
SESSION_COOKIE_HTTPONLY = True

# HTTPS, on by default when DEBUG is off: the site is expected behind a proxy that ends TLS and says
# so in X-Forwarded-Proto (which it must then set, or strip from what clients send). Each can be
# turned off, e.g. SECURE_SSL_REDIRECT=false where the proxy redirects itself.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("SECURE_PROXY_SSL_HEADER", not DEBUG) else None
)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = int(env_str("SECURE_HSTS_SECONDS", "0" if DEBUG else str(365 * 24 * 60 * 60)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
# Only says the domain's owner agrees to be on the browsers' preload lists; nothing is submitted.
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
# The load balancer asks the app servers for /health/ directly, over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp, through tracker.middleware): the pages have no script and
# load nothing from elsewhere. The style attributes that remain (a status's colour, the width of a
# bar on the dashboard) are allowed; a <style> element is not. The admin's pages may run the
# admin's own scripts, and the report's HTML its own <style> (commitments/views/reports.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [NONE],
        "style-src": [SELF],
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

DJANGO_TABLES2_TEMPLATE = "commitments/_table.html"

# The folder the importer reads the source documents from.
SEEDS_DIR = Path(env_str("SEEDS_DIR", str(BASE_DIR / "seeds")))

# Whether create_demo_accounts (run by `make run`) also loads the demo tracking data: on for a
# local try-out, off where DEBUG is off.
TRACKER_DEMO_DATA = env_bool("TRACKER_DEMO_DATA", DEBUG)

# Evidence files live outside any public URL and are served through a view that checks
# who may see them.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
EVIDENCE_ROOT = Path(env_str("EVIDENCE_ROOT", str(BASE_DIR / "private")))
EVIDENCE_MAX_BYTES = int(env_str("EVIDENCE_MAX_BYTES", str(25 * 1024 * 1024)))
# Every uploaded file goes through one handler that stops keeping it past EVIDENCE_MAX_BYTES, or
# once the files of one request together pass UPLOAD_MAX_REQUEST_BYTES, so that an oversized
# upload is never written out in full; the form then says the file is too large. The other
# fields of a request stay bounded by DATA_UPLOAD_MAX_MEMORY_SIZE (Django's 2.5 MB).
UPLOAD_MAX_REQUEST_BYTES = int(env_str("UPLOAD_MAX_REQUEST_BYTES", str(4 * EVIDENCE_MAX_BYTES)))
FILE_UPLOAD_HANDLERS = ["commitments.upload_limits.SizeLimitedUploadHandler"]

# E-mail: printed to the console unless a deployment names an SMTP server. SITE_URL is the
# address people open the tracker at; e-mails are read outside any request, so their links
# are built from it.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "tracker@localhost")
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)


def env_addresses(name: str) -> list[tuple[str, str]]:
    """ "Name <a@example.org>, b@example.org" as Django's list of (name, address)."""
    value = env_str(name)
    addresses = getaddresses([value]) if value.strip() else []
    if any("@" not in address for _name, address in addresses):
        raise ImproperlyConfigured(f'{name} must be e-mail addresses, e.g. "Name <name@example.org>, ...".')
    return addresses


# Who is e-mailed each server error (and each error logged) when DEBUG is off.
ADMINS = env_addresses("ADMINS")

# Logging: everything at LOG_LEVEL and above to stderr, where the process manager (systemd,
# Docker) keeps it; errors also by e-mail to ADMINS. What is logged: server errors and refused
# requests (django.request), failed log-ins, lock-outs, unlocks and permission refusals
# (commitments.security), finalised and withdrawn report editions and edition files found
# changed on disk (commitments.editions).
LOG_LEVEL = env_str("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured("LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "{asctime} {levelname} {name}: {message}", "style": "{"}},
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "stderr": {"class": "logging.StreamHandler", "stream": "ext://sys.stderr", "formatter": "plain"},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr", "mail_admins"], "level": LOG_LEVEL},
    "loggers": {
        # Django's records go to the root's handlers (Django would otherwise print them only with
        # DEBUG on).
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        # django-axes logs every step, failures twice; the tracker logs the failures and lock-outs
        # itself (commitments.logins), once each.
        "axes": {"handlers": [], "level": "ERROR", "propagate": True},
    },
}

# Maintenance (tracker.errors.MaintenanceMiddleware): every request gets the 503 page while
# MAINTENANCE is true or the file MAINTENANCE_FILE exists (`touch` it before a restore, remove
# it after; no restart needed).
MAINTENANCE = env_bool("MAINTENANCE", False)
MAINTENANCE_FILE = Path(env_str("MAINTENANCE_FILE", str(BASE_DIR / "MAINTENANCE")))
MAINTENANCE_RETRY_AFTER = 600  # seconds

# The annual progress report: who prepares it (printed on its cover, in each language), and the
# Chromium that prints its PDF (by default `chromium` on the PATH; without one, no PDF is offered).
REPORT_PREPARED_BY = {
    "en": env_str("REPORT_PREPARED_BY_EN", "ASEAN Secretariat"),
    "zh": env_str("REPORT_PREPARED_BY_ZH", "东盟秘书处"),
}
CHROMIUM = env_str("CHROMIUM", "") or None
PDF_TIMEOUT = int(env_str("PDF_TIMEOUT", "120"))

# Background tasks (django-tasks, the backport of Django 6's tasks framework): report builds and
# e-mail. TASKS_BACKEND=immediate (the default: `make run`, `make test`) runs a task at once in the
# process that asks for it; TASKS_BACKEND=database queues it in the database (django-tasks-db, which
# django-tasks 0.12 split off) for `manage.py db_worker` to run. README.md, "Background tasks".
TASKS_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env_str("TASKS_BACKEND", "immediate") or "immediate"
if TASKS_BACKEND not in TASKS_BACKENDS:
    raise ImproperlyConfigured(f"TASKS_BACKEND must be immediate or database, not {TASKS_BACKEND!r}.")
TASKS = {"default": {"BACKEND": TASKS_BACKENDS[TASKS_BACKEND]}}
# A generated draft is a cache: `manage.py prune_report_builds` deletes builds older than this.
REPORT_BUILDS_KEEP_DAYS = int(env_str("REPORT_BUILDS_KEEP_DAYS", "7"))
