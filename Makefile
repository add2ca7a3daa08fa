# SiteTrack — the two commands: `make demo` and `make test`. Everything else they need is
# installed by the targets below (you are expected to be root on a Debian machine for the
# system packages; they are skipped when already present).

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_PORT ?= 5432
PG_URL := postgres://sitetrack:sitetrack@127.0.0.1:$(PG_PORT)/sitetrack
PYTEST_ARGS ?=
# Debian packages the project needs at run and test time: PDF rendering (WeasyPrint's
# Pango), PDF to PNG (poppler), Chromium for browser tests, gettext for translations.
SYSTEM_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core poppler-utils chromium gettext

.PHONY: install system-deps demo serve test test-postgres postgres lint migrations-check messages bench bench-small clean
.PHONY: test-slow test-slow-postgres

install: $(STAMP)

$(STAMP): pyproject.toml package.json
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	npm ci --no-audit --no-fund --silent || npm install --no-audit --no-fund --silent
	touch $(STAMP)

system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing system packages:$$missing"; \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null) \
	  || echo "WARNING: could not install$$missing (not root?); PDF and browser tests will fail"; \
	fi

demo: install system-deps
	$(BIN)/sitetrack migrate --noinput
	DEBUG=1 $(BIN)/sitetrack load-demo
	@echo ""
	@echo "SiteTrack demo: http://127.0.0.1:8000/"
	@$(BIN)/sitetrack demo-logins
	@echo ""
	@mkdir -p var; DEBUG=1 $(BIN)/sitetrack db_worker --interval 1 --no-reload >>var/worker.log 2>&1 & echo "Task worker started (pid $$!; log var/worker.log): web imports run in it."
	DEBUG=1 $(BIN)/sitetrack runserver 127.0.0.1:8000

serve: install
	DEBUG=1 $(BIN)/sitetrack runserver 127.0.0.1:8000

test: install system-deps
	$(BIN)/pytest -q -n 2 $(PYTEST_ARGS)

postgres: system-deps
	@command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null)
	@ver=$$(ls /usr/lib/postgresql | sort -n | tail -1); \
	  pg_lsclusters -h | grep -q "^$$ver main" || pg_createcluster $$ver main >/dev/null; \
	  pg_ctlcluster $$ver main start 2>/dev/null || true; \
	  for i in $$(seq 1 30); do pg_isready -q -h 127.0.0.1 -p $(PG_PORT) && break; sleep 1; done
	@su postgres -c "psql -p $(PG_PORT) -tAc \"SELECT 1 FROM pg_roles WHERE rolname='sitetrack'\"" | grep -q 1 || \
	  su postgres -c "psql -p $(PG_PORT) -c \"CREATE ROLE sitetrack LOGIN SUPERUSER PASSWORD 'sitetrack'\"" >/dev/null
	@su postgres -c "psql -p $(PG_PORT) -tAc \"SELECT 1 FROM pg_database WHERE datname='sitetrack'\"" | grep -q 1 || \
	  su postgres -c "createdb -p $(PG_PORT) -O sitetrack sitetrack"

test-postgres: install postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -q -n 2 $(PYTEST_ARGS)

# The slow guards (minutes each): an import killed with SIGKILL at 20 points, and 64
# clients of mixed reads and writes on gunicorn. `make test` skips them; CI runs both.
SLOW_TESTS := sitetrack/intake/tests/test_crash_consistency.py sitetrack/accounts/tests/test_mixed_load.py

test-slow: install system-deps
	SITETRACK_SLOW_TESTS=1 $(BIN)/pytest -q -p no:randomly $(SLOW_TESTS) $(PYTEST_ARGS)

test-slow-postgres: install postgres
	DATABASE_URL=$(PG_URL) SITETRACK_SLOW_TESTS=1 $(BIN)/pytest -q -p no:randomly $(SLOW_TESTS) $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

migrations-check: install
	$(BIN)/sitetrack makemigrations --check --dry-run

messages: install
	cd sitetrack && for app in */locale; do (cd $$(dirname $$app) && ../../$(BIN)/sitetrack makemessages -l fr --no-obsolete >/dev/null && ../../$(BIN)/sitetrack compilemessages -l fr >/dev/null); done

bench: install system-deps postgres
	$(BIN)/python -m bench.run --size national

bench-small: install system-deps postgres
	$(BIN)/python -m bench.run --size small

clean:
	rm -rf $(VENV) node_modules var
