# Production image: Flask API + built SPA, served by gunicorn; the same image runs the Celery
# worker and beat (see docker/entrypoint.sh and docker-compose.yml).
#
#   docker build -t dvc-platform .
#   docker run --env-file prod.env -p 8000:8000 dvc-platform            # web (migrates first)
#   docker run --env-file prod.env dvc-platform worker                  # or: beat, migrate
#
# Stages: frontend-src (pick frontend/ out of the context, if it exists) -> frontend (npm build)
#         python-deps (virtualenv) -> runtime.

# --- frontend-src: the SPA sources, or nothing ----------------------------------------------
# COPY fails on a missing path, and frontend/ does not exist yet, so copy the whole (filtered,
# see .dockerignore) context and pick the SPA out with a shell test. Only the picked files reach
# the next stage, and BuildKit keys COPY --from by content, so a backend change does not
# invalidate `npm ci` or the SPA build.
FROM node:22-bookworm-slim AS frontend-src
COPY . /ctx
RUN set -eu; \
    mkdir -p /deps /frontend /extra; \
    if [ -f /ctx/frontend/package.json ]; then \
        cp -a /ctx/frontend/. /frontend/; \
        for f in package.json package-lock.json npm-shrinkwrap.json .npmrc; do \
            if [ -e "/ctx/frontend/$f" ]; then cp -a "/ctx/frontend/$f" /deps/; fi; \
        done; \
    fi; \
    if [ -f /ctx/openapi.yaml ]; then cp /ctx/openapi.yaml /extra/; fi

# --- frontend: npm ci && npm run build -> /src/frontend/dist (empty without an SPA) ----------
FROM node:22-bookworm-slim AS frontend
WORKDIR /src/frontend
# Dependencies first: this layer is reused until package.json / the lock file change.
COPY --from=frontend-src /deps/ ./
RUN if [ -f package.json ]; then npm ci --no-audit --no-fund; fi
COPY --from=frontend-src /frontend/ ./
RUN set -eu; \
    if [ -f package.json ]; then \
        npm run build; \
        if [ ! -f dist/index.html ]; then \
            echo "frontend build produced no dist/index.html" >&2; exit 1; \
        fi; \
    else \
        echo "no frontend/package.json: shipping an empty dist (the app serves its placeholder)"; \
        mkdir -p dist; \
    fi

# --- python-deps: the pinned runtime dependencies in /opt/venv --------------------------------
FROM python:3.11-slim-bookworm AS python-deps
ENV PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install --no-cache-dir -r /tmp/requirements.txt

# --- runtime -----------------------------------------------------------------------------------
FROM python:3.11-slim-bookworm AS runtime

# Pango/HarfBuzz for WeasyPrint (PDF results); Noto has every Vietnamese letter.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core \
    && rm -rf /var/lib/apt/lists/*

# Fixed uid/gid so volume ownership is predictable; the home holds gunicorn's control socket.
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /home/app --create-home \
        --shell /usr/sbin/nologin app

COPY --from=python-deps /opt/venv /opt/venv

ENV VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    APP_ENV=production \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    FRONTEND_DIST=/app/frontend/dist \
    INSTANCE_DIR=/app/instance

WORKDIR /app
# Code stays owned by root (read-only for the app user); only instance/ is writable.
COPY backend/ /app/backend/
COPY migrations/ /app/migrations/
COPY gunicorn.conf.py /app/gunicorn.conf.py
COPY docker/entrypoint.sh /app/docker/entrypoint.sh
# openapi.yaml when the repository has one (copied through a stage: COPY needs it to exist).
COPY --from=frontend-src /extra/ /app/
COPY --from=frontend /src/frontend/dist/ /app/frontend/dist/

# Bytecode compiled at build time: PYTHONDONTWRITEBYTECODE stops the read-only code from being
# written at run time, and workers start faster.
RUN chmod 0755 /app/docker/entrypoint.sh \
    && python -m compileall -q /app/backend /app/migrations \
    && mkdir -p /app/instance \
    && chown app:app /app/instance \
    && chmod 0750 /app/instance

USER 10001:10001

EXPOSE 8000

# /healthz answers without touching dependencies (/readyz checks the database and Redis).
# Worker and beat containers run the same image: give them their own check (docker-compose.yml).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, sys, urllib.request; url = 'http://127.0.0.1:%s/healthz' % (os.environ.get('PORT') or '8000'); sys.exit(0 if urllib.request.urlopen(url, timeout=3).status == 200 else 1)"]

ENTRYPOINT ["/app/docker/entrypoint.sh"]
CMD ["gunicorn", "--config", "/app/gunicorn.conf.py"]
