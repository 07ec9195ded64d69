# Two commands on a fresh machine with Python 3.11: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1:8000

.PHONY: run setup test lint messages clean stack stack-down stack-test

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "$(PYTHON) not found; set PYTHON=/path/to/python3.11"; exit 1; }
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# `NO_DEMO=1 make run` creates the demo accounts without the demo tracking data.
setup: $(VENV)/.installed
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_seeds
	$(PY) manage.py suggest_links
	$(PY) manage.py create_demo_accounts $(if $(NO_DEMO),--no-demo)

# `make run` serves as a deployment would (DEBUG off: the app's own error pages, static files from
# WhiteNoise), over plain HTTP on the machine; `DEBUG=true make run` shows Django's debug pages.
# The secret key is made once per clone and kept in .local-secret-key (ignored by git).
# Links in e-mails (SITE_URL) point at the address served, unless SITE_URL says otherwise.
RUN_HOSTNAME = $(firstword $(subst :, ,$(HOST)))
RUN_ENV = DEBUG="$${DEBUG:-false}" SECRET_KEY="$${SECRET_KEY:-$$(cat .local-secret-key)}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-localhost,127.0.0.1,[::1],$(RUN_HOSTNAME)}" TRUSTED_PROXIES=0 \
	SECURE_SSL_REDIRECT=false SECURE_PROXY_SSL_HEADER=false SESSION_COOKIE_SECURE=false \
	CSRF_COOKIE_SECURE=false SECURE_HSTS_SECONDS=0 SITE_URL="$${SITE_URL:-http://$(HOST)}"
run: setup
	test -s .local-secret-key || $(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > .local-secret-key
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST)/"
	$(RUN_ENV) $(PY) manage.py runserver $(HOST)

# The browser tests drive Debian's Chromium; without it they are deselected, and said so.
CHROMIUM ?= $(shell command -v chromium 2>/dev/null)
# The suite spreads over one worker a core (pytest-xdist); tests marked with an xdist_group stay on
# one worker together. TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= auto
PYTEST := $(PY) -m pytest -n $(TEST_WORKERS) --dist loadgroup
test: $(VENV)/.installed
	@command -v java >/dev/null 2>&1 || echo "*** Java is not installed: the Nu HTML checker test is skipped (apt-get install openjdk-17-jre-headless)."
ifeq ($(CHROMIUM),)
	@echo "*** Chromium is not installed: the browser tests (tests/browser) are NOT run."
	@echo "*** Install it with: apt-get install chromium fonts-noto-cjk"
	$(PYTEST) -m "not browser"
	@echo "*** Reminder: the browser tests were NOT run (no chromium on PATH)."
else
	CHROMIUM=$(CHROMIUM) $(PYTEST)
endif

# The production-like stack on loopback (docs/deployment.md): nginx, two gunicorn app servers, a task
# worker, Redis, moto's S3 and the machine's PostgreSQL. `stack-down` stops exactly what it started.
stack: $(VENV)/.installed
	$(PY) deploy/stack.py start

stack-down:
	@test -x $(PY) || exit 0; $(PY) deploy/stack.py stop

# Starts the stack if it is not running, runs tests/stack against it, and stops it whatever the result.
stack-test: $(VENV)/.installed
	$(PY) deploy/stack.py start
	STACK_TEST=1 $(PY) -m pytest -p no:cacheprovider tests/stack; status=$$?; $(PY) deploy/stack.py stop; exit $$status

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Refresh the translation catalogue after changing interface strings.
messages: $(VENV)/.installed
	$(PY) manage.py makemessages -l zh_Hans --no-obsolete --ignore=.venv
	$(PY) manage.py compilemessages -l zh_Hans --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .stack
