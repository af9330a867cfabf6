# The README's commands. Each target sets up what it needs on a fresh machine.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.PHONY: run test test-fast bench soak lint format install browser

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py import_challenges
	$(PY) manage.py create_demo_users
	$(VENV)/bin/honcho start -p 8000

# Browser tests drive Debian's chromium; install it when we can (root with apt).
browser:
	@test -x /usr/bin/chromium || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null && \
	  { apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }; } || \
	  echo "chromium is not installed: browser tests will be skipped (and fail in CI)"

test: install browser
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

# The quick loop: no real worker, no browser (tests marked slow).
test-fast: install
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -m "not slow" -q

bench: install
	$(PY) -m bench.engine
	$(PY) -m bench.engine --saturated 10
	$(PY) -m bench.http_submit
	$(PY) -m bench.throughput
	$(PY) -m bench.partial_rows
	$(PY) -m bench.gradebook
	$(PY) -m bench.library

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Not in CI (tests/test_soak.py runs two minutes of it): 30 minutes of mixed
# traffic, worker and Redis restarts, then lost/stuck/wrong counts and memory.
soak: install
	$(PY) -m tests.support.soak --minutes $(or $(MINUTES),30)
