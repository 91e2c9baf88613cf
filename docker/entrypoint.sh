#!/bin/sh
# Container entry point: one image, several roles.
#
#   web      gunicorn (gunicorn.conf.py); applies migrations first unless RUN_MIGRATIONS=0
#   worker   Celery worker on the default and mail queues (CELERY_CONCURRENCY processes, default 2)
#   beat     Celery beat (exactly one per deployment); schedule file in the instance folder
#   migrate  apply database migrations and exit (one-off job before scaling web out)
#   gunicorn ...  as web, with the given command line
#   anything else is executed as given (e.g. `flask --app backend:create_app seed ...`, `sh`)
set -eu

log() {
    printf '%s\n' "entrypoint: $*" >&2
}

migrate() {
    log "applying database migrations"
    flask --app backend:create_app db upgrade
}

maybe_migrate() {
    case "${RUN_MIGRATIONS:-1}" in
        1 | true | yes | on) migrate ;;
        0 | false | no | off) log "RUN_MIGRATIONS=${RUN_MIGRATIONS}: skipping migrations" ;;
        *)
            log "RUN_MIGRATIONS must be 1 or 0, got '${RUN_MIGRATIONS}'"
            exit 64
            ;;
    esac
}

if [ "$#" -eq 0 ]; then
    set -- web
fi

case "$1" in
    web)
        shift
        maybe_migrate
        exec gunicorn --config /app/gunicorn.conf.py "$@"
        ;;
    gunicorn* | */gunicorn)
        maybe_migrate
        exec "$@"
        ;;
    # Name the Celery object explicitly: `celery -A module` would pick any attribute named
    # `app` first.
    worker)
        shift
        exec celery -A backend.worker:celery worker \
            --queues default,mail,results \
            --concurrency "${CELERY_CONCURRENCY:-2}" \
            --loglevel "${LOG_LEVEL:-INFO}" \
            "$@"
        ;;
    beat)
        shift
        exec celery -A backend.worker:celery beat \
            --schedule "${INSTANCE_DIR:-/app/instance}/celerybeat-schedule" \
            --loglevel "${LOG_LEVEL:-INFO}" \
            "$@"
        ;;
    migrate)
        migrate
        ;;
    *)
        exec "$@"
        ;;
esac
