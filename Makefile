# Qingdun: the two commands are `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
DEV_SETTINGS := config.settings.dev
HOST ?= 127.0.0.1
PORT ?= 8000
# The site's address: printed by seed_demo and on sign-in slips and their QR codes (core.addresses).
ADDRESS ?= http://$(HOST):$(PORT)

.PHONY: run test browser bench bench-full lint format messages translations setup clean

$(PY):
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "Python 3.11 is needed: install it and run make again."; exit 1; }
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the lock file changes.
$(STAMP): requirements.lock | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	@touch $(STAMP)

setup: $(STAMP) translations

translations: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py compile_translations

## Run the platform with demo data on SQLite at http://$(HOST):$(PORT)/
run: setup
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py migrate --no-input
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py seed_demo --address $(ADDRESS)
	WAGTAILADMIN_BASE_URL=$(ADDRESS) DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py runserver $(HOST):$(PORT)

## Run the test suite on SQLite (set DATABASE_URL to run it on PostgreSQL)
test: setup
	$(PY) -m pytest -n 2 --dist loadfile -q

## Browser tests: a real Chromium driven by Playwright (needs Debian's chromium package)
browser: setup
	$(PY) -m pytest -m browser tests/browser -q -p no:xdist

## Benchmarks against gunicorn and PostgreSQL (quick preset; `make bench-full` for the full one)
bench: setup
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench run --preset quick

bench-full: setup
	$(PY) -m pip install --quiet -r bench/requirements.txt
	$(PY) -m bench run --preset full

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-logo
	$(VENV)/bin/bandit -c pyproject.toml -r config core people lessons quizzes classroom plans -ll -q

format: $(STAMP)
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Extract translatable strings into locale/ (needs GNU gettext; developers only)
messages: $(STAMP)
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=media --ignore=bench --no-obsolete
	# Wagtail's admin JavaScript reads the djangojs domain; core/wagtail_strings.js keeps the strings we translate for it.
	DJANGO_SETTINGS_MODULE=$(DEV_SETTINGS) $(PY) manage.py makemessages -d djangojs -l zh_Hans -l en --ignore=.venv --ignore=staticfiles --ignore=media --ignore=bench --no-obsolete

clean:
	rm -rf $(VENV) staticfiles db.sqlite3 db.sqlite3-wal db.sqlite3-shm
