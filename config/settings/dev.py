"""Settings for trying the platform on one machine: SQLite, debug pages, tasks run in-process."""

from .base import *  # noqa: F403

DEBUG = True
# A fixed key is fine here: this settings file never serves real users (production.py refuses to start without one).
SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-insecure-key-not-for-production")  # noqa: F405
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"

# runserver and the test live server serve static files from the apps; WhiteNoise is for production.
MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("whitenoise")]  # noqa: F405
