"""Settings shared by every environment. Environment-specific files import from here."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

SECRET_KEY = os.environ.get("SECRET_KEY", "")
DEBUG = False
ALLOWED_HOSTS: list[str] = []

INSTALLED_APPS = [
    # Project apps, listed in the one-way dependency order of docs/architecture.md.
    "core",
    "people",
    "lessons",
    "quizzes",
    "classroom",
    "plans",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.simple_translation",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.locales",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    # django-ninja for /api/v1/ (config/api.py); installed so its docs page uses the bundled Swagger UI, no CDN.
    "ninja",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # A database that cannot be reached, here or in the session and auth middleware below, is answered 503 with
    # Retry-After (JSON to JSON clients) instead of the HTML 500 page (core/outage.py). Reads no database.
    "core.outage.DatabaseOutageMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The signed device id and the network hash that integrity rules read (core/clientid.py); no database.
    "core.clientid.ClientIdMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Marks request.user.is_verified() when the session passed a second factor (staff two-factor sign-in).
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # people: sign out after idle time, then hold staff at the second sign-in step (before the password change).
    "people.middleware.IdleTimeoutMiddleware",
    "people.middleware.TwoFactorMiddleware",
    "people.middleware.PasswordChangeRequiredMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # Axes last, as its docs require, so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "site" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# SQLite in the project folder unless DATABASE_URL names another database (PostgreSQL in production).
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        # Health checks make a persistent connection survive a PostgreSQL restart: a dead connection is
        # replaced before the request uses it instead of failing the request.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the demo server and a background worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "people.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Refuses a name under attack from networks that are not hers before its password is checked (people/security.py).
    "people.security.SignInThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Argon2id at OWASP's parameters first (people/hashers.py); PBKDF2 stays so older hashes still verify, and Django
# re-hashes them with the first hasher at the next sign-in.
PASSWORD_HASHERS = [
    "people.hashers.OwaspArgon2idPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

# Children type passwords on phones: length matters more than symbol rules (NIST SP 800-63B).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "people:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# Internationalisation: Simplified Chinese first, English kept in step.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [
    ("zh-hans", "简体中文"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = [
    ("zh-hans", _("Simplified Chinese")),
    ("en", _("English")),
]
WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "site" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Big page editors post many fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# Uploads above this go to a temporary file, not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "qingdun",
    },
    # Rate-limit counters (core/ratelimit.py) must be the same for every process, or each gunicorn worker grants
    # the whole limit again. The database is the one store every process shares without extra services; its table
    # is made by core's migration 0002. production.py moves this to Redis when REDIS_URL is set.
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qingdun_ratelimit",
        # A full table is culled, live counters included: keep the ceiling far above one key per active client.
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    },
    # Small values every process must agree on at once: the curriculum's render generation, which ends the lesson
    # page's cached responses when a page is unpublished or its privacy changes (lessons/render_cache.py). The
    # same shared table as the counters, under its own prefix; Redis with REDIS_URL (production.py).
    "shared": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "qingdun_ratelimit",
        "KEY_PREFIX": "shared",
        "OPTIONS": {"MAX_ENTRIES": 200_000},
    },
}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# plans/leases.py (docs/operations.md "Background tasks"): a running export or refresh renews its lease every
# third of SECONDS; the sweep (`manage.py sweep_task_leases`, or its task every SWEEP_EVERY seconds) retries a
# run whose lease expired, as a new task, until MAX_ATTEMPTS runs have started, then marks it failed.
QINGDUN_TASK_LEASE = {
    "SECONDS": int(os.environ.get("QINGDUN_TASK_LEASE_SECONDS", "60")),
    "MAX_ATTEMPTS": int(os.environ.get("QINGDUN_TASK_MAX_ATTEMPTS", "3")),
    "SWEEP_EVERY": int(os.environ.get("QINGDUN_TASK_SWEEP_EVERY", "60")),
}

# core/outage.py: the Retry-After, in seconds, of a 503 answered while the database is unreachable; a random
# whole number in this range, so that clients refused together do not return together.
QINGDUN_OUTAGE_RETRY_AFTER = (2, 6)

# Wagtail
WAGTAIL_SITE_NAME = "青盾 Qingdun"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://127.0.0.1:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "pptx", "xlsx", "txt"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
# The CMS's uploads meet the same inspector as everyone's (core/uploads/cms.py, docs/security.md "Upload
# inspection"): documents through this form, images under the same pixel limit as evidence photos.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "core.uploads.cms.DocumentForm"
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 40_000_000
# Documents are served by the platform so the privacy of each collection is checked on every download.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "people:login"
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILEMBEDS_RESPONSIVE_HTML = True

# django-axes: five wrong passwords lock a sign-in name on the network they came from, for 15 minutes. Keyed by
# name alone, a stranger could lock a whole class out (names are a school code and sequential numbers); keyed by
# address alone, one computer room would lock itself out. Axes keeps "ip_address" in its tables: it gets the
# network's keyed hash dressed as a documentation-range IPv6 address (people.security.axes_network_address), so
# no raw address is stored and an IPv6 household's /64 counts as one network. Guesses spread over many networks
# meet the per-name limit in people.security (docs/security.md, "Rate limits and lockout").
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "people.security.axes_network_address"
AXES_LOCKOUT_TEMPLATE = "people/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Axes would also keep a row per successful sign-in (user agent, network, session hash) that nothing reads and
# nothing purges: the audit log already records every sign-in (core.audit, "signin", with the network's hash)
# under its retention rules. Dropping it also takes three statements off each sign-in of an exam start.
AXES_DISABLE_ACCESS_LOG = True
# Axes' database handler, without the two deletes a right password does not need (people/lockout.py).
AXES_HANDLER = "people.lockout.LockoutHandler"

# Content Security Policy: every asset is ours, no inline script.
from csp.constants import NONE, SELF  # noqa: E402

CONTENT_SECURITY_POLICY = {
    # The Wagtail admin still carries inline scripts; it is staff-only and behind two-factor sign-in.
    "EXCLUDE_URL_PREFIXES": ["/admin/"],
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, "'unsafe-inline'"],  # the Wagtail admin sets inline styles
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-src": [SELF],
        "frame-ancestors": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60
CSRF_COOKIE_HTTPONLY = False  # the quiz page reads it to post answers

# Quiz pages load after 9 pm on phones: keep sessions in the database by default, cache in production.
SESSION_ENGINE = "core.sessions.db"

# Qingdun's own knobs.
QINGDUN = {
    # A lesson counts as read only after this share of its estimated minutes (see classroom completion rule).
    "MIN_READING_SHARE": float(os.environ.get("QINGDUN_MIN_READING_SHARE", "0.5")),
    "MAX_EVIDENCE_FILE_BYTES": 10 * 1024 * 1024,
    "MAX_EVIDENCE_RECORD_BYTES": 50 * 1024 * 1024,
    "MAX_IMPORT_BYTES": 5 * 1024 * 1024,
    # Upload inspection (core/uploads/limits.py, docs/security.md "Upload inspection"): what a zip container may
    # inflate to, in all and per member, its inflated/packed ratio and number of parts; a picture's pixels; what a
    # PDF's object streams may inflate to while searched; the columns an imported sheet may span.
    "MAX_UNZIPPED_BYTES": 100 * 1024 * 1024,
    "MAX_ZIP_MEMBER_BYTES": 50 * 1024 * 1024,
    "MAX_ZIP_RATIO": 200,
    "MAX_ZIP_MEMBERS": 5_000,
    "MAX_IMAGE_PIXELS": 40_000_000,
    "MAX_PDF_INFLATED_BYTES": 50 * 1024 * 1024,
    "MAX_TABLE_COLUMNS": 200,
    # Notifications (people/notifications.py, docs/operations.md "Reminders and notifications"): when the URL is
    # set, every new notification is also POSTed there as JSON signed with HMAC-SHA256 of the secret.
    "NOTIFY_WEBHOOK_URL": os.environ.get("QINGDUN_NOTIFY_WEBHOOK_URL", ""),
    "NOTIFY_WEBHOOK_SECRET": os.environ.get("QINGDUN_NOTIFY_WEBHOOK_SECRET", ""),
}

# people: account security (docs/security.md, "Accounts and sign-in").
# Staff roles (bureau, school admins, editors, reviewers) must pass a TOTP code when this is on; production turns it on.
QINGDUN_2FA_REQUIRED = os.environ.get("QINGDUN_2FA_REQUIRED", "false").lower() == "true"
OTP_TOTP_ISSUER = "Qingdun"
# Idle sign-out: staff roles after 30 minutes without a request, everyone else after 8 hours.
QINGDUN_STAFF_IDLE_SECONDS = int(os.environ.get("QINGDUN_STAFF_IDLE_SECONDS", str(30 * 60)))
QINGDUN_IDLE_SECONDS = int(os.environ.get("QINGDUN_IDLE_SECONDS", str(8 * 60 * 60)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

SILENCED_SYSTEM_CHECKS: list[str] = []
