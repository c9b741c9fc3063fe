# casework — the two commands of the README, and what they need.
#   make run    install, create the SQLite database, load the demo, serve on http://127.0.0.1:5000
#   make test   install the test tools and run the whole suite

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
# Debian packages WeasyPrint needs (Pango for layout; harfbuzz-subset, without which PDFs are written
# 13-36x slower) and the CJK fonts pages and PDFs embed.
APT_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk
# The browser tests drive Debian's Chromium (nothing is downloaded by Playwright); the anchor tests run a local
# time-stamping authority with `openssl ts`; the restore drill on PostgreSQL runs pg_dump and pg_restore.
TEST_APT_PACKAGES := chromium openssl postgresql-client

.PHONY: run test lint system system-test apt venv install install-dev npm

run: install
	$(BIN)/casework init
	$(BIN)/casework demo
	@echo "casework on http://$(HOST):$(PORT)  (stop with Ctrl-C)"
	# Plain HTTP on loopback: cookies cannot be Secure here. Production serves HTTPS and keeps the default.
	# Threaded workers and their timeouts are in casework/gunicorn_conf.py: a slow client holds a thread, not a worker.
	CASEWORK_COOKIE_SECURE=false $(BIN)/gunicorn -c python:casework.gunicorn_conf --bind $(HOST):$(PORT) \
	  --access-logfile - 'casework:create_app()'

# One pytest worker per core (pytest-xdist); TEST_WORKERS=0 runs the suite in one process.
TEST_WORKERS ?= auto

test: install-dev
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist worksteal $(TEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/mypy casework
	$(BIN)/mypy --strict --follow-imports=silent casework/domain

system:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES)"

system-test:
	@$(MAKE) --no-print-directory apt PACKAGES="$(APT_PACKAGES) $(TEST_APT_PACKAGES)"

apt:
	@missing=""; for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing system packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	fi

venv:
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "casework needs Python 3.11+"'
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)

install: system venv npm
	$(BIN)/python -m pip install -q --disable-pip-version-check -e .

install-dev: system-test venv npm
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'

npm:
	npm ci --no-audit --no-fund --loglevel=error
