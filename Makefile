# The two commands that matter: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint migrate demo messages bench clean

$(VENV)/.runtime: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: requirements.txt requirements-dev.txt $(VENV)/.runtime
	$(PIP) install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.runtime
	$(PY) manage.py compile_translations
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo

## Serve the app with demo data, a Celery worker and Celery beat (Ctrl-C stops all).
run: setup
	@echo "telephony-admin: serving http://$(HOST):$(PORT)/ (demo logins: see README, password demo1234; Ctrl-C stops)"
	DEBUG=$${DEBUG:-true} HOST=$(HOST) PORT=$(PORT) $(VENV)/bin/honcho -f Procfile.dev start

## Lint, migration check and the whole suite (unit, PostgreSQL, Redis/Celery, browser).
test: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py compile_translations
	$(PY) manage.py makemigrations --check --dry-run
	$(VENV)/bin/pytest -n 2 --dist loadgroup

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

## Regenerate the .po catalogues after changing strings (needs GNU gettext).
messages: $(VENV)/.dev
	cd telephony_admin && ../$(VENV)/bin/django-admin makemessages -l zh_Hans -i 'org/*' -i 'core/*' -i 'workcal/*' -i 'approvals/*' || true
	for d in telephony_admin/core telephony_admin/org telephony_admin/approvals telephony_admin/workcal extensions billing callcenter; do \
	  (cd $$d && mkdir -p locale && $(CURDIR)/$(VENV)/bin/django-admin makemessages -l zh_Hans); done

bench: $(VENV)/.dev
	$(PY) bench/import_bill.py

clean:
	rm -rf var/ $(VENV)
