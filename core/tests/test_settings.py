import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "x" * 64 + "-a-long-random-production-secret-for-the-check",
    "ALLOWED_HOSTS": "qingdun.example.edu.cn",
    "CSRF_TRUSTED_ORIGINS": "https://qingdun.example.edu.cn",
    "DATABASE_URL": f"sqlite:///{ROOT / 'db.sqlite3'}",
}


def _manage(*args, env):
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**base, **env}, capture_output=True, text=True, timeout=120
    )


def test_production_refuses_to_start_without_secret_key():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "ALLOWED_HOSTS"}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_production_deploy_check_is_clean():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_slips_print_the_sites_address():
    """Without WAGTAILADMIN_BASE_URL the slips' address is the first allowed host over HTTPS, never 127.0.0.1."""
    code = "from core.addresses import site_url; print(site_url('/signin/'))"
    result = _manage("shell", "--no-imports", "-c", code, env=PRODUCTION_ENV)
    assert result.stdout.strip() == "https://qingdun.example.edu.cn/signin/", result.stderr
    configured = {**PRODUCTION_ENV, "WAGTAILADMIN_BASE_URL": "https://jd.example.edu.cn/"}
    result = _manage("shell", "--no-imports", "-c", code, env=configured)
    assert result.stdout.strip() == "https://jd.example.edu.cn/signin/", result.stderr


def test_the_wsgi_application_freezes_what_it_loaded():
    """config/wsgi.py leaves Django, Wagtail and the apps out of the garbage collector's passes (gc.freeze)."""
    base = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    code = "import gc; assert gc.get_freeze_count() == 0; import config.wsgi; print(gc.get_freeze_count())"
    env = {**base, **PRODUCTION_ENV}
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 100_000, "what the worker loaded is no longer frozen"
