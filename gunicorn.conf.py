"""Gunicorn settings for the web process (``gunicorn -c gunicorn.conf.py``).

Every value can be tuned from the environment, so one image serves every deployment. On a
2-core machine scale with processes, not threads (STACK.md): CPU-bound work (marshmallow,
argon2, PDF) holds the GIL, so sync workers give the best throughput per core.
"""

from __future__ import annotations

import os


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


# The container is the network boundary; TLS ends at the reverse proxy in front of it.
bind = f"0.0.0.0:{_int_env('PORT', 8000)}"
workers = _int_env("WEB_CONCURRENCY", 2)
worker_class = "sync"
timeout = 30
graceful_timeout = 30
keepalive = 5
# Heartbeat files in memory: an overlay or network file system can stall workers into timeouts.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None  # noqa: S108

# Recycle workers now and then so a slow leak never grows without bound; the jitter keeps them
# from all restarting at the same moment.
max_requests = 2000
max_requests_jitter = 200

# Each worker builds its own app: no database connections or Celery pools shared across fork.
preload_app = False
wsgi_app = "backend:create_app()"

# Only these addresses may set X-Forwarded-Proto and friends for gunicorn itself; the app
# trusts proxy headers through TRUSTED_PROXY_COUNT (werkzeug ProxyFix).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

# Logs go to stdout/stderr for the container runtime. One JSON object per request, joined to
# the application's logs by the X-Request-ID response header. The query string is left out on
# purpose: it can carry one-time tokens (password reset, e-mail confirmation links).
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
access_log_format = (
    '{"time": "%(t)s", "request_id": "%({x-request-id}o)s", "remote_addr": "%(h)s", '
    '"forwarded_for": "%({x-forwarded-for}i)s", "method": "%(m)s", "path": "%(U)s", '
    '"status": %(s)s, "bytes": "%(b)s", "duration_us": %(D)s, "referer": "%(f)s", '
    '"user_agent": "%(a)s"}'
)
proc_name = "dvc-web"
