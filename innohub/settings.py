"""Settings for innohub: one file, driven by environment variables with safe laptop defaults.

DATABASE_URL          database (default: SQLite file db.sqlite3 in the project root)
DJANGO_DEBUG          "1"/"true" turns debug on (default: off)
DJANGO_SECRET_KEY     required when debug is off
DJANGO_ALLOWED_HOSTS  comma-separated host names (default: localhost names only)
DJANGO_HTTPS          "1": the site is served over HTTPS only: redirect, HSTS, secure cookies
DJANGO_BEHIND_PROXY   N: the site is reached through N trusted proxies (a load balancer: 1);
                      trust X-Forwarded-Proto and X-Request-ID, and X-Forwarded-For as far
                      as N hops back
DJANGO_HSTS_SECONDS   how long browsers must use HTTPS (default: a year when DJANGO_HTTPS)
DJANGO_HSTS_PRELOAD   "0" leaves the site off browsers' preload lists (default: on with HTTPS)
DJANGO_ADMIN_URL      where the admin lives (default "admin/")
DJANGO_SITE_URL       the site's address in absolute URLs: "https://catalogue.example.org"
REDIS_URL             a shared page cache for several servers; else each process's memory
REDIS_LIMITS_URL      a Redis of their own for rate limits (noeviction); else the database
DJANGO_ADMINS         who is e-mailed a server error's report: "Name <a@x.org>, b@y.org"
SENTRY_DSN            send errors to Sentry (sentry-sdk) as well as to the log
DJANGO_LOG_LEVEL      the least level logged to standard error (default INFO)
INNOHUB_BENCHMARK_VIEW  "1" adds /benchmark/constant/, the bare view `make bench` compares to
INNOHUB_API_RATE      requests an address may make to /api/ (default "120/minute")
INNOHUB_EDITORS_EMAIL   more addresses told of suggested cases (comma-separated)
INNOHUB_TASKS_BACKEND   the task queue's backend (default: the database's; at once with debug)
INNOHUB_PAGE_SECONDS_PER_MINUTE  a process's time for one visitor's pages a minute (default 10)
DJANGO_EMAIL_BACKEND, DJANGO_EMAIL_HOST, DJANGO_EMAIL_PORT, DJANGO_EMAIL_HOST_USER,
DJANGO_EMAIL_HOST_PASSWORD, DJANGO_EMAIL_USE_TLS, DJANGO_DEFAULT_FROM_EMAIL
                      how e-mail is sent (default: printed to the console)
"""

from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

# django-environ reads each variable as the type it is (bool, int, list, database and cache
# URLs), with the default given where it is read.
env = environ.Env()

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY (a long random string), or set DJANGO_DEBUG=1 on a laptop."
        )
    SECRET_KEY = "django-insecure-only-for-local-debugging"

BENCHMARK_VIEW = env.bool("INNOHUB_BENCHMARK_VIEW", default=False)

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
# Persistent connections: opening a PostgreSQL connection per request costs more than the
# whole page. Health checks drop connections the server has closed.
DATABASES["default"].update(CONN_MAX_AGE=600, CONN_HEALTH_CHECKS=True)
USING_POSTGRES = DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"
if USING_POSTGRES:
    # A database that does not answer is an error after 3 seconds (a 503 page, see
    # cases/health.py), not a request that hangs until gunicorn kills the worker.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("connect_timeout", 3)
    # No just-in-time compilation: compiling a page's query for its estimated cost took
    # longer than running it (docs/performance.md).
    DATABASES["default"]["OPTIONS"].setdefault("options", "-c jit=off")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "reversion",
    "reversion_compare",  # the history: what changed between two versions
    "axes",
    "django_tasks",
    "django_tasks_db",
    "cases",
    # After cases: its ready() registers the history's models before the admin's screens are
    # built; and after axes, whose admin screens cases/admin/accounts.py restricts.
    "django.contrib.admin",
]
if USING_POSTGRES:
    INSTALLED_APPS.append("django.contrib.postgres")

MIDDLEWARE = [
    # First: /healthz and /readyz answer before host checks, HTTPS redirects or sessions.
    "cases.health.HealthMiddleware",
    "cases.observability.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # Absolute URLs name the site as configured, never as a Host header spelled it.
    "cases.address.SiteAddressMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: from its address (/fr/, /es/, /de/; English unprefixed); a first
    # visit to an English address follows the browser's Accept-Language, the API and the admin
    # the language asked (cases/languages.py).
    "django.middleware.locale.LocaleMiddleware",
    "cases.languages.LanguageMiddleware",
    # A page this process sent from the page cache lately, sent again before the rest.
    "cases.pagecache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",  # last, as django-axes asks
]

ROOT_URLCONF = "innohub.urls"
WSGI_APPLICATION = "innohub.wsgi.application"

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

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# The ISSA's four languages, each named in itself: the languages a case can be written in
# (Innovation.original_language) and, with the languages issue, the site's.
LANGUAGES = [("en", "English"), ("fr", "Français"), ("es", "Español"), ("de", "Deutsch")]
# The interface's catalogues (make messages). Text from the catalogue's records that is not in
# the page's language carries its own `lang` (templatetags/catalogue.py, lang_of).
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["innohub.formats"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Pages are cached per address and catalogue version (cases/pagecache.py), so a cache that
# each process keeps for itself is still never stale; Redis (REDIS_URL) shares them between
# servers, and when it stops, pages are served uncached (cases/cache.py). Rate-limit counters
# and the like have a cache of their own ("limits", cases/limits.py) that page traffic cannot
# evict, held across workers and servers: a Redis of their own (REDIS_LIMITS_URL, with
# maxmemory-policy noeviction: docs/deploying.md), else a table in the database (migration
# 0006), never the page cache's Redis, whose eviction policy is the server's.


def redis_cache(variable, prefix):
    cache = env.cache_url(variable, backend="cases.cache.ForgivingRedisCache")
    cache["KEY_PREFIX"] = prefix
    cache.setdefault("OPTIONS", {}).update(socket_connect_timeout=0.5, socket_timeout=0.5)
    return cache


CACHES = {
    "default": (
        redis_cache("REDIS_URL", "pages")
        if env.str("REDIS_URL", default="")
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    ),
    "limits": (
        redis_cache("REDIS_LIMITS_URL", "limits")
        if env.str("REDIS_LIMITS_URL", default="")
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "innohub_limits",
            # Expired counters are culled; live ones are never crowded out below this.
            "OPTIONS": {"MAX_ENTRIES": 1_000_000},
        }
    ),
}

# The time a process may spend making pages for one visitor in a minute (cases/limits.py,
# PageTime); 0 for none. Ten seconds is hundreds of pages at the usual cost.
PAGE_SECONDS_PER_MINUTE = env.float("INNOHUB_PAGE_SECONDS_PER_MINUTE", default=10)

# The task queue (django-tasks; cases/bulk.py): its database backend, whose tasks
# `manage.py db_worker` runs beside the app (docs/deploying.md); with DJANGO_DEBUG (make run),
# at once in the request instead, so that nothing else has to run on a laptop.
TASKS = {
    "default": {
        "BACKEND": env.str(
            "INNOHUB_TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend"
            if DEBUG
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The read-only API (cases/api.py): JSON only, anonymous, throttled per address.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["cases.limits.VisitorRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("INNOHUB_API_RATE", default="120/minute")},
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "ISSA Collaborative Innovation Hub case catalogue API",
    "DESCRIPTION": "Read-only: published innovation cases, institutions and themes. The "
    "catalogue's data and its editors' text under CC BY 4.0; wording taken from a source is "
    "credited to its author (each case's sources).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",  # from static files, not a CDN
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# E-mail: the editors hear of suggested cases. Printed to the console unless a backend is set.
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend"
)
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="catalogue@localhost")
# Also told of suggested cases, beside the members of the Editors group: "a@x.org,b@y.org".
MANAGERS = [("", address) for address in env.list("INNOHUB_EDITORS_EMAIL", default=[])]

# Security ---------------------------------------------------------------------------------

ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/").strip("/") + "/"

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# The site's address in absolute URLs, "https://catalogue.example.org" (cases/address.py); the
# HTTPS redirect goes to its host too. Empty: the host each request names.
SITE_URL = env.str("DJANGO_SITE_URL", default="").rstrip("/")
SECURE_SSL_HOST = urlsplit(SITE_URL).netloc or None
if SECURE_SSL_HOST:
    ALLOWED_HOSTS.append(urlsplit(SITE_URL).hostname)

# No use of the browser's devices and features: no page asks for any.
PERMISSIONS_POLICY = {
    feature: []
    for feature in "accelerometer autoplay camera display-capture encrypted-media fullscreen "
    "geolocation gyroscope magnetometer microphone midi payment publickey-credentials-get "
    "screen-wake-lock usb xr-spatial-tracking".split()
}

# HTTPS: on in production (DJANGO_HTTPS=1), off for `make run` and the tests on plain HTTP.
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=365 * 24 * 3600 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env.bool("DJANGO_HSTS_PRELOAD", default=True)
# How many proxies stand between the visitor and this server (cases/limits.py decides the
# visitor's address from it). 0: none, and forwarded headers are ignored.
TRUSTED_PROXIES = env.int("DJANGO_BEHIND_PROXY", default=0)
if TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# Content Security Policy (django-csp): only this site's own scripts, styles and images; no
# inline script or style anywhere, no frames, forms posting only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Passwords: Argon2 first; older hashes are upgraded at the next sign-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

# Repeated failed sign-ins (django-axes): 5 failures for one user name from one address lock
# that pair out for an hour.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env.int("INNOHUB_LOGIN_FAILURES", default=5)
AXES_COOLOFF_TIME = 1  # hours
# A name tried from one address, and an address trying many names: either is locked out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "cases.admin.accounts.sign_in_name"
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "cases.limits.client_address"

# Logging -----------------------------------------------------------------------------------

# One line per event on standard error (cases/observability.py): time, level, request id,
# method, path, status, logger and message; the traceback follows for errors. Server errors
# are also e-mailed to ADMINS, and sent to Sentry when SENTRY_DSN is set.
ADMINS = [
    (name, address)
    for name, address in getaddresses([env.str("DJANGO_ADMINS", default="")])
    if address
]
SERVER_EMAIL = DEFAULT_FROM_EMAIL
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "cases.observability.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "line": {
            "()": "cases.observability.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s [%(request_id)s] %(method)s %(path)s "
            "%(status)s %(name)s: %(message)s",
        }
    },
    "handlers": {
        "stderr": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stderr",
            "filters": ["request"],
            "formatter": "line",
        },
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["stderr", "mail_admins"], "level": LOG_LEVEL},
    # Django's own records go to the root's handlers, once (not also to its console).
    "loggers": {
        "django": {"handlers": [], "level": LOG_LEVEL, "propagate": True},
        "axes": {"level": "WARNING"},  # its start-up banner on every command
        # Requests for hosts not in ALLOWED_HOSTS (scanners): logged, not e-mailed.
        "django.security.DisallowedHost": {"handlers": ["stderr"], "propagate": False},
    },
}

SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk

    # Errors (and error log lines) go to Sentry; no visitor's personal data, no tracing.
    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0)
