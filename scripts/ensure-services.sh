#!/usr/bin/env bash
# Start PostgreSQL and Redis for the tests when they are not answering.
# On a Debian machine without them, as root, installs them first.
set -euo pipefail
url=${TEST_DATABASE_URL:-postgresql://postgres@127.0.0.1:5432/test}

pg_up() { python3 - "$url" <<'PY'
import socket, sys
from urllib.parse import urlsplit
u = urlsplit(sys.argv[1].replace("+psycopg", ""))
try:
    socket.create_connection((u.hostname or "127.0.0.1", u.port or 5432), timeout=2).close()
except OSError:
    sys.exit(1)
PY
}
redis_up() { (exec 3<>/dev/tcp/127.0.0.1/6379) 2>/dev/null; }

as_root() { [[ $(id -u) -eq 0 ]]; }

if ! pg_up; then
  if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
    as_root || { echo "PostgreSQL is not running at $url; start it or set TEST_DATABASE_URL" >&2; exit 1; }
    echo "Installing PostgreSQL"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    version=$(ls /etc/postgresql | sort -V | tail -1)
    conf=/etc/postgresql/$version/main
    sed -i 's/^\(host\|local\)\(.*\)\(peer\|scram-sha-256\|md5\)$/\1\2trust/' "$conf/pg_hba.conf"
    grep -q "^listen_addresses" "$conf/postgresql.conf" || echo "listen_addresses = '127.0.0.1'" >>"$conf/postgresql.conf"
  fi
  version=$(ls /etc/postgresql | sort -V | tail -1)
  echo "Starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 30); do pg_up && break; sleep 1; done
  pg_up || { echo "PostgreSQL did not start" >&2; exit 1; }
fi
# The database named in the URL must exist.
db=$(python3 -c "import sys; from urllib.parse import urlsplit; print(urlsplit(sys.argv[1]).path.lstrip('/') or 'test')" "$url")
if command -v psql >/dev/null 2>&1; then
  base=${url%/*}/postgres
  base=${base/+psycopg/}
  if ! psql "$base" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" 2>/dev/null | grep -q 1; then
    psql "$base" -c "CREATE DATABASE \"$db\"" >/dev/null 2>&1 || true
  fi
fi

if ! redis_up; then
  if ! command -v redis-server >/dev/null 2>&1; then
    as_root || { echo "Redis is not running on 127.0.0.1:6379" >&2; exit 1; }
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server >/dev/null
  fi
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
    --dir /var/lib/redis --logfile /var/log/redis/ci.log
  for _ in $(seq 1 20); do redis_up && break; sleep 0.5; done
fi
exit 0
