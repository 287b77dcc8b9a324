#!/usr/bin/env bash
# The application tier of the loopback topology (issue #15; docs/deployment.md, "Edge and
# application servers"): migrations, two application servers (127.0.0.1:8101, 8102), two task
# workers (django-tasks db_worker), the notification sender and nginx on 127.0.0.1:8080 in front, everything under
# var/cluster/ (logs JSON in var/cluster/logs/, pid files in var/cluster/run/).
#
#   deploy/cluster/app.sh up|down|status|restart-app N|edge|env
#
# Environment:
#   DATABASE_URL          the database entry (E's PgBouncer, 127.0.0.1:6432, when the db tier is up);
#                         default: the machine's PostgreSQL 5432, database yiwang_cluster (created)
#   DATABASE_REPLICA_URL  passed to the application unchanged (read-only pages)
#   APP_SERVER            gunicorn (default; chosen by measurement, docs/benchmarks.md) | granian
#   APP_WORKERS           worker processes per application server (default 2)
#   APP_THREADS           threads per worker process (default 8)
#   MAX_IN_FLIGHT         admission control per worker process (default 4)
#   EDGE_RATE_TOTAL       nginx's total request rate (default 20r/s: 2.5× the design load, what this
#                         shared 2-core machine answers well), EDGE_BURST_TOTAL (30)
#   CLUSTER_SEED          1 (default): seed_demo on an empty database
#   CLUSTER_MODE          production (default): DEMO_MODE off, the settings production requires
#                         (SECRET_KEY, 国密 keys, DIVISION_CODE, ALLOWED_HOSTS) from the env file
#                         var/cluster/secrets/production.env, written once by `up` with generated
#                         secrets (mode 0600, outside git) and kept, so the data stays readable;
#                         demo: DEMO_MODE=1 with the demo secret and keys generated under var/cluster/state
#
# Production mode on loopback differs from a county's deployment in two written-down ways (the env
# file says so too): nginx listens on plain HTTP on 127.0.0.1, so the HTTPS redirect and the
# secure-only cookies are off (on real hosts TLS ends at nginx: deploy/nginx, docs/deployment.md);
# and the data is the demo county's (seed_demo: its accounts and password), with the load's staff
# accounts given TOTP devices by bench/load/seed.py, since staff need a second factor here.
set -euo pipefail

# Long-lived processes must not inherit descriptors of whoever called this script: run under
# `flock /tmp/yiwang-bench.lock …`, a restarted server would hold the benchmark lock for its life.
for fd in /proc/$$/fd/*; do
    fd="${fd##*/}"
    [ "$fd" -gt 2 ] 2>/dev/null && [ "$fd" -lt 255 ] && eval "exec $fd>&-"
done
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
[ -f deploy/cluster/ports.env ] && . deploy/cluster/ports.env
C="$ROOT/var/cluster"
LOGS="$C/logs"
RUN="$C/run"
PY="$ROOT/.venv/bin/python"
APP_PORTS=("${APP1_PORT:-8101}" "${APP2_PORT:-8102}")
EDGE_PORT="${EDGE_PORT:-8080}"
APP_SERVER="${APP_SERVER:-gunicorn}"
APP_WORKERS="${APP_WORKERS:-2}"
APP_THREADS="${APP_THREADS:-8}"
TASK_WORKERS="${TASK_WORKERS:-2}"
DEFAULT_DB="postgres://postgres@127.0.0.1:5432/yiwang_cluster"
CLUSTER_MODE="${CLUSTER_MODE:-production}"
SECRETS="$C/secrets"
PROD_ENV="$SECRETS/production.env"
# `up` remembers the database it was given: `env`, `restart-app` and the load tools use the same one.
if [ -z "${DATABASE_URL:-}" ] && [ -f "$RUN/database.env" ] && [ "${1:-}" != up ]; then
    set -a; . "$RUN/database.env"; set +a
fi
export DATABASE_URL="${DATABASE_URL:-$DEFAULT_DB}"

app_env() {
    # Everything the application processes share. YIWANG_VAR_DIR keeps the cluster's demo keys,
    # static files and models apart from `make run`'s var/.
    export DJANGO_SETTINGS_MODULE=yiwang.settings
    case "$CLUSTER_MODE" in
    production)
        [ -f "$PROD_ENV" ] || write_production_env
        export DEMO_MODE=0 DEBUG=0
        set -a; . "$PROD_ENV"; set +a
        ;;
    demo) export DEMO_MODE=1 DEBUG=0 ;;
    *) log "CLUSTER_MODE must be production or demo"; exit 2 ;;
    esac
    export YIWANG_VAR_DIR="$C/state"
    export MEDIA_ROOT="$C/state/media"
    export FILE_UPLOAD_TEMP_DIR="$C/state/upload-tmp"
    export ALLOWED_HOSTS="127.0.0.1,localhost"
    export LOG_FORMAT=json LOG_LEVEL="${LOG_LEVEL:-WARNING}" TASKS_LOG_LEVEL=INFO
    export MAX_IN_FLIGHT="${MAX_IN_FLIGHT:-4}"
    export ADMISSION_RETRY_AFTER_SECONDS="${ADMISSION_RETRY_AFTER_SECONDS:-2}"
    export CONN_MAX_AGE="${CONN_MAX_AGE:-60}"
    export DB_CONNECT_TIMEOUT="${DB_CONNECT_TIMEOUT:-3}"
    [ -n "${DATABASE_REPLICA_URL:-}" ] && export DATABASE_REPLICA_URL
    mkdir -p "$YIWANG_VAR_DIR" "$MEDIA_ROOT" "$FILE_UPLOAD_TEMP_DIR"
}

log() { printf '%s app.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

write_production_env() {
    # Once: the secrets of this loopback deployment, generated here and never in git (var/ is
    # ignored). Kept across down/up, since the database holds what these keys encrypt and sign.
    ( umask 077
      mkdir -p "$SECRETS"
      openssl genpkey -algorithm SM2 -out "$SECRETS/sm2-signing.pem" 2>/dev/null
      "$PY" - "$PROD_ENV" "$SECRETS/sm2-signing.pem" <<'PYEOF'
import datetime, secrets, sys
path, pem = sys.argv[1], sys.argv[2]
lines = [
    "# Production settings of the loopback cluster (deploy/cluster/app.sh); generated once, mode 0600.",
    "# Deleting this file makes new keys: the existing database's encrypted fields become unreadable.",
    f"SECRET_KEY={secrets.token_urlsafe(50)}",
    f"YIWANG_SM4_KEYS=k{datetime.date.today():%Y%m%d}:{secrets.token_hex(16)}",
    f"YIWANG_BLIND_INDEX_KEY={secrets.token_hex(32)}",
    f"YIWANG_SM2_SIGNING_KEY_FILE={pem}",
    "DIVISION_CODE=330999",
    "ALLOWED_HOSTS=127.0.0.1,localhost",
    f"METRICS_TOKEN={secrets.token_urlsafe(32)}",
    "# Loopback serves plain HTTP (no TLS at this nginx): no HTTPS redirect, no secure-only cookies.",
    "# On real hosts leave both unset (on) and end TLS at nginx.",
    "SECURE_SSL_REDIRECT=0",
    "SECURE_COOKIES=0",
]
with open(path, "w", encoding="utf-8") as f:
    f.write("\n".join(lines) + "\n")
PYEOF
    )
    chmod 600 "$PROD_ENV" "$SECRETS/sm2-signing.pem"
    log "production settings written to $PROD_ENV (mode 0600; generated secrets)"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_deps() {
    if ! command -v nginx >/dev/null; then
        log "installing nginx (Debian)"
        apt-get install -y -qq -o DPkg::Lock::Timeout=600 nginx >/dev/null
        # the package starts its own nginx on port 80: stop it, this topology runs its own
        (systemctl stop nginx && systemctl disable nginx) >/dev/null 2>&1 || true
        [ -f /run/nginx.pid ] && kill "$(cat /run/nginx.pid)" 2>/dev/null || true
    fi
    if [ "$APP_SERVER" = granian ] && ! "$PY" -c 'import granian' 2>/dev/null; then
        "$ROOT/.venv/bin/pip" install -q "$(grep -E '^granian==' requirements.txt)"
    fi
}

create_database() {
    # Only the default path creates its database; E's tier creates `yiwang` itself.
    [ "$DATABASE_URL" = "$DEFAULT_DB" ] || return 0
    "$PY" - <<'PYEOF'
import psycopg
with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
    if not c.execute("SELECT 1 FROM pg_database WHERE datname = 'yiwang_cluster'").fetchone():
        c.execute("CREATE DATABASE yiwang_cluster")
PYEOF
}

prepare() {
    app_env
    log "migrate, collectstatic ($(printf '%s' "$DATABASE_URL" | sed -E 's#//[^@]*@#//…@#'))"  # never the password
    "$PY" manage.py migrate --noinput -v 0
    "$PY" manage.py collectstatic --noinput -v 0
    if [ "${CLUSTER_SEED:-1}" = 1 ] && ! "$PY" manage.py shell -v 0 -c \
        "from django.contrib.auth import get_user_model as g; raise SystemExit(0 if g().objects.filter(username='citizen').exists() else 1)"; then
        log "seed_demo (first start)"
        "$PY" manage.py seed_demo >"$LOGS/seed_demo.log" 2>&1
        "$PY" manage.py supervise_appeals --schedule >>"$LOGS/seed_demo.log" 2>&1
        "$PY" manage.py refresh_hot_topics --schedule >>"$LOGS/seed_demo.log" 2>&1
    fi
}

start_app() {  # $1 = index (1, 2)
    local i="$1" port="${APP_PORTS[$(($1 - 1))]}" pidf="$RUN/app$1.pid"
    alive "$pidf" && { log "app$i already running"; return 0; }
    app_env
    local metrics="$RUN/metrics-app$i"
    mkdir -p "$metrics"
    case "$APP_SERVER" in
    gunicorn)
        PROMETHEUS_MULTIPROC_DIR="$metrics" GUNICORN_BIND="127.0.0.1:$port" GUNICORN_WORKERS="$APP_WORKERS" \
        GUNICORN_THREADS="$APP_THREADS" setsid "$ROOT/.venv/bin/gunicorn" -c deploy/gunicorn/gunicorn.conf.py \
            --pid "$pidf" --daemon --error-logfile "$LOGS/app$i.log" --capture-output \
            --control-socket "$RUN/app$i.ctl" yiwang.wsgi
        ;;
    granian)
        rm -rf "$metrics" && mkdir -p "$metrics"
        PROMETHEUS_MULTIPROC_DIR="$metrics" setsid nohup "$ROOT/.venv/bin/granian" --interface wsgi \
            --host 127.0.0.1 --port "$port" --workers "$APP_WORKERS" --blocking-threads "$APP_THREADS" \
            --backpressure "$APP_THREADS" --respawn-failed-workers --no-access-log \
            --log-config deploy/granian/log-json.json yiwang.wsgi:application \
            >>"$LOGS/app$i.log" 2>&1 </dev/null &
        echo $! >"$pidf"
        ;;
    *) log "APP_SERVER must be gunicorn or granian"; exit 2 ;;
    esac
    for _ in $(seq 1 60); do
        curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null && { log "app$i ($APP_SERVER) on $port"; return 0; }
        sleep 1
    done
    log "app$i did not answer /healthz within 60 s; see $LOGS/app$i.log"; return 1
}

warm_app() {  # the first request of each worker process loads templates, translations, models
    local port="${APP_PORTS[$(($1 - 1))]}" path
    for path in / /items/ /api/v1/items?limit=5 /progress/; do
        for _ in $(seq 1 $((APP_WORKERS * 2))); do curl -s -o /dev/null --max-time 60 "http://127.0.0.1:$port$path" || true; done
    done
}

start_workers() {
    app_env
    for i in $(seq 1 "$TASK_WORKERS"); do
        local pidf="$RUN/worker$i.pid"
        alive "$pidf" && continue
        # restarted whenever it exits (a lost database connection ends db_worker): keep-running.sh,
        # as systemd's Restart=always does in production; TERM to the pid file's process stops both
        setsid nohup "$ROOT/deploy/cluster/keep-running.sh" "task worker $i" \
            "$PY" manage.py db_worker --no-reload --queue-name '*' --worker-id "cluster-worker$i" \
            >>"$LOGS/worker$i.log" 2>&1 </dev/null &
        echo $! >"$pidf"
    done
    log "$TASK_WORKERS task workers"
    # the notification sender (the outbox's SMS and email; yiwang-sender.service in production)
    if ! alive "$RUN/sender.pid"; then
        setsid nohup "$ROOT/deploy/cluster/keep-running.sh" "notification sender" \
            "$PY" manage.py send_notifications --loop >>"$LOGS/sender.log" 2>&1 </dev/null &
        echo $! >"$RUN/sender.pid"
    fi
}

render_nginx() {
    mkdir -p "$C/nginx/tmp"
    local ups=() p
    for p in "${APP_PORTS[@]}"; do ups+=(--upstream "127.0.0.1:$p"); done
    python3 deploy/nginx/render_site.py "${ups[@]}" --listen "127.0.0.1:$EDGE_PORT" \
        --static-root "$C/state/staticfiles" --access-log "$LOGS/nginx.access.log" \
        --rate-total "${EDGE_RATE_TOTAL:-20r/s}" --burst-total "${EDGE_BURST_TOTAL:-30}" >"$C/nginx/yiwang.conf"
    cat >"$C/nginx/nginx.conf" <<EOF
# Generated by deploy/cluster/app.sh: nginx for the loopback topology.
user $(id -un);
worker_processes 2;
worker_rlimit_nofile 20000;
pid $RUN/nginx.pid;
error_log $LOGS/nginx.error.log warn;
events { worker_connections 16384; }
http {
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    sendfile on;
    server_tokens off;
    client_body_temp_path $C/nginx/tmp/body;
    proxy_temp_path $C/nginx/tmp/proxy;
    fastcgi_temp_path $C/nginx/tmp/fastcgi;
    uwsgi_temp_path $C/nginx/tmp/uwsgi;
    scgi_temp_path $C/nginx/tmp/scgi;
    include $C/nginx/yiwang.conf;
}
EOF
    nginx -t -q -c "$C/nginx/nginx.conf"
}

start_nginx() {
    render_nginx
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    if alive "$RUN/nginx.pid"; then
        nginx -c "$C/nginx/nginx.conf" -s reload
    else
        nginx -c "$C/nginx/nginx.conf"
    fi
    log "nginx on 127.0.0.1:$EDGE_PORT"
}

stop_pidfile() {  # $1 pid file, $2 name: TERM, then KILL after 30 s
    local pidf="$1" pid
    [ -f "$pidf" ] || return 0
    pid="$(cat "$pidf")"
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -0 "$pid" 2>/dev/null && { log "$2 ($pid) still running: KILL"; kill -KILL "$pid" 2>/dev/null || true; }
    fi
    rm -f "$pidf"
}

up() {
    mkdir -p "$LOGS" "$RUN"
    umask 077
    { echo "DATABASE_URL='$DATABASE_URL'"
      [ -n "${DATABASE_REPLICA_URL:-}" ] && echo "DATABASE_REPLICA_URL='$DATABASE_REPLICA_URL'"; } >"$RUN/database.env"
    umask 022
    install_deps
    create_database
    prepare
    start_workers
    for i in $(seq 1 "${#APP_PORTS[@]}"); do start_app "$i"; done
    local warmers=()
    for i in $(seq 1 "${#APP_PORTS[@]}"); do warm_app "$i" & warmers+=($!); done
    wait "${warmers[@]}"  # only these: a bare `wait` would wait for the task workers too
    start_nginx
    curl -fsS -o /dev/null "http://127.0.0.1:$EDGE_PORT/healthz" && log "up: http://127.0.0.1:$EDGE_PORT/"
}

down() {
    [ -f "$RUN/nginx.pid" ] && { nginx -c "$C/nginx/nginx.conf" -s quit 2>/dev/null || true; sleep 1; }
    stop_pidfile "$RUN/nginx.pid" nginx
    for i in $(seq 1 "${#APP_PORTS[@]}"); do stop_pidfile "$RUN/app$i.pid" "app$i"; done
    for f in "$RUN"/worker*.pid "$RUN"/sender.pid; do [ -e "$f" ] && stop_pidfile "$f" "$(basename "$f" .pid)"; done
    rm -f "$RUN/database.env"
    log "down"
}

status() {
    local rc=0 f
    for f in "$RUN"/nginx.pid "$RUN"/app*.pid "$RUN"/worker*.pid "$RUN"/sender.pid; do
        [ -e "$f" ] || continue
        if alive "$f"; then echo "$(basename "$f" .pid): running (pid $(cat "$f"))"; else echo "$(basename "$f" .pid): DEAD"; rc=1; fi
    done
    for p in "${APP_PORTS[@]}" "$EDGE_PORT"; do
        printf '127.0.0.1:%s /readyz: ' "$p"
        curl -s -o /dev/null -w '%{http_code}\n' "http://127.0.0.1:$p/readyz" || { echo down; rc=1; }
    done
    return $rc
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    edge) start_nginx ;;  # render the site again (EDGE_* variables) and reload nginx
    restart-app) app_env; stop_pidfile "$RUN/app$2.pid" "app$2"; start_app "$2"; warm_app "$2" ;;
    env) app_env; env | grep -E '^(DJANGO_SETTINGS_MODULE|DEMO_MODE|DEBUG|YIWANG_VAR_DIR|MEDIA_ROOT|DATABASE_URL|DATABASE_REPLICA_URL|LOG_FORMAT|MAX_IN_FLIGHT|CONN_MAX_AGE)=' | sed 's/^/export /'
         # production mode: the secrets are read from their file by whoever evaluates this, never printed
         [ "$CLUSTER_MODE" = production ] && echo "set -a; . '$PROD_ENV'; set +a" ;;
    *) echo "usage: $0 up|down|status|restart-app N|edge|env" >&2; exit 2 ;;
esac
