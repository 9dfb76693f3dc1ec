# CoE Hub. `make run` sets everything up and starts the product; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: messages run test lint format bench fuzz install install-dev migrate demo demo-check clean entra-demo

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

migrate: install
	mkdir -p var/broker/processed var/broker/control var/media
	$(PY) manage.py migrate --noinput
	$(PY) manage.py compile_translations

demo: migrate
	$(PY) manage.py load_content
	PORT=$(PORT) $(PY) manage.py seed_demo

## run: set up, migrate, load content and demo data, then serve the web app, worker and beat.
run: demo
	PORT=$(PORT) bin/serve

## entra-demo: like run, with "Sign in with Microsoft" against a local test OpenID provider.
entra-demo: demo
	PORT=$(PORT) bin/entra-demo

## test: lint, Django checks, migrations up to date, and the whole test suite.
test: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py check
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py compile_translations
	$(VENV)/bin/pytest
	$(MAKE) --no-print-directory demo-check

## demo-check: the demo organisation builds, twice, on the embedded set-up `make run` uses (SQLite,
## folder broker), whatever database the tests ran on.
demo-check: install
	mkdir -p var/broker/processed var/broker/control
	rm -f var/demo-check.sqlite3
	export DATABASE_URL=sqlite:///$(CURDIR)/var/demo-check.sqlite3 REDIS_URL= && \
	  $(PY) manage.py migrate --noinput -v0 && \
	  $(PY) manage.py load_content >/dev/null && \
	  $(PY) manage.py seed_demo >/dev/null && \
	  $(PY) manage.py seed_demo >/dev/null
	rm -f var/demo-check.sqlite3
	@echo "Demo organisation builds on SQLite (twice)."

## messages: collect the interface text into locale/de/LC_MESSAGES/django.po (needs GNU gettext:
## Debian's `gettext` package), then translate the new entries and remove their fuzzy flags.
messages: install
	DJANGO_SETTINGS_MODULE=config.settings.test $(PY) manage.py makemessages -l de \
	  --ignore=.venv --ignore=node_modules --ignore=var --no-obsolete

lint: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

bench: install-dev
	$(PY) manage.py bench

## fuzz: schemathesis with every check over the whole API as admin, maker and executive, with 50
## examples per operation and role and the coverage phase (the suite runs it with 5, without).
fuzz: install-dev
	FUZZ_DEEP=1 $(VENV)/bin/pytest config/tests/test_api_schema.py -q \
	  -p no:randomly -k every_check

clean:
	rm -rf var
