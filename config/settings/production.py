"""Production: everything that differs between installations comes from the environment."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403


def _required(name: str) -> str:
    value = os.environ.get(name, "").strip()
    if not value:
        raise ImproperlyConfigured(f"The environment variable {name} must be set in production.")
    return value


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = False
SECRET_KEY = _required("SECRET_KEY")
ALLOWED_HOSTS = _list("ALLOWED_HOSTS") or _required("ALLOWED_HOSTS").split(",")
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")
# The address printed on sign-in slips and in their QR codes (core.addresses): without the variable, the first
# allowed host over HTTPS, never the development default of base.py.
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "").strip() or f"https://{ALLOWED_HOSTS[0]}"

STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}  # noqa: F405

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = os.environ.get("SECURE_SSL_REDIRECT", "true").lower() == "true"
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# SAMEORIGIN, not DENY: the Wagtail editor shows its live preview of a lesson in a same-origin frame.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = [*SILENCED_SYSTEM_CHECKS, "security.W019"]  # noqa: F405
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
QINGDUN_2FA_REQUIRED = os.environ.get("QINGDUN_2FA_REQUIRED", "true").lower() == "true"  # staff two-factor on

if os.environ.get("REDIS_URL"):
    CACHES = {  # noqa: F811
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        },
        # Without REDIS_URL the counters stay in the database cache of base.py, which every process shares too.
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "ratelimit",
        },
        "shared": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "shared",
        },
    }
    SESSION_ENGINE = "core.sessions.cached_db"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("EMAIL_USE_TLS", "false").lower() == "true"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@localhost")

LOGGING["root"]["level"] = os.environ.get("LOG_LEVEL", "INFO")  # noqa: F405

# Past one machine (deploy/start-topology, docs/scaling.md): a streaming replica serves the read-only screens
# named here, through core/dbrouter.py; everything else and every write goes to the primary.
if os.environ.get("DATABASE_REPLICA_URL"):
    import dj_database_url

    DATABASES["replica"] = dj_database_url.parse(  # noqa: F405
        os.environ["DATABASE_REPLICA_URL"],
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
    MIDDLEWARE = [*MIDDLEWARE, "core.dbrouter.ReplicaReadsMiddleware"]  # noqa: F405
REPLICA_VIEWS = ["plans:dashboard", "plans:report", "plans:report_csv", "plans:school", "plans:samples"]
# Read right after they are written, by the same request or task: never from a replica that may lag.
REPLICA_NEVER = [
    "sessions.Session",
    "people.User",
    "axes.AccessAttempt",
    "django_tasks_database.DBTaskResult",
    "plans.TableExport",
    "plans.TaskLease",
]
REPLICA_MAX_LAG_SECONDS = float(os.environ.get("REPLICA_MAX_LAG_SECONDS", "5"))
REPLICA_CHECK_SECONDS = float(os.environ.get("REPLICA_CHECK_SECONDS", "2"))
REPLICA_DOWN_SECONDS = float(os.environ.get("REPLICA_DOWN_SECONDS", "10"))
# The replica server itself, not the pooler, for the health check (core/dbrouter.py).
REPLICA_CHECK_DSN = os.environ.get("DATABASE_REPLICA_CHECK_URL", "")
# Longer than the lag the replica may have and still be used, so one's own write is always seen.
REPLICA_READ_YOUR_WRITES_SECONDS = int(os.environ.get("REPLICA_READ_YOUR_WRITES_SECONDS", "15"))

# PgBouncer in transaction mode hands each transaction to any server connection: server-side cursors (which
# outlive a transaction) must be off, as Django's documentation says for transaction pooling.
if os.environ.get("DATABASE_POOLER", "").lower() == "pgbouncer":
    for _alias in DATABASES:  # noqa: F405
        DATABASES[_alias]["DISABLE_SERVER_SIDE_CURSORS"] = True  # noqa: F405
