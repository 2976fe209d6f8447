"""Settings gunicorn runs with during a benchmark: production settings plus the bench app (the district
generator) and the plain-Wagtail baseline URL.

Only what a loopback benchmark needs differs from production: plain HTTP on 127.0.0.1 (TLS is the reverse
proxy's job in production, so the secure-cookie flags would only stop the load client from sending cookies).
"""

import os

from config.settings.production import *  # noqa: F403

# The bench app (the district generator's command) is installed here only: production does not ship it.
INSTALLED_APPS = [*INSTALLED_APPS, "bench"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# The in-process SQLite micro-benchmark builds its tables from the models, as Django's test runner does with
# migrations switched off, so it does not spend a minute replaying every migration.
if os.environ.get("BENCH_SYNCDB") == "1":

    class _NoMigrations(dict):
        def __contains__(self, item):
            return True

        def __getitem__(self, item):
            return None

    MIGRATION_MODULES = _NoMigrations()

# The manifest (hashed names, as in production) without WhiteNoise's compression pass, which spends most of a
# minute gzipping the admin's assets that no benchmark request fetches.
STORAGES["staticfiles"] = {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"}  # noqa: F405
