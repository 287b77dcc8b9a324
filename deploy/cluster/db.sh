#!/usr/bin/env bash
# The database tier of the production topology, on one machine (loopback):
#   etcd x3  ->  Patroni x3 (PostgreSQL 15: pg1 + pg2 main site, primary + synchronous replica;
#   pg3 the DR site, asynchronous, nofailover)  ->  HAProxy (Patroni REST checks)  ->  PgBouncer
#   on 6432 (read-write, the current primary) and 6433 (read-only, a replica).
# Everything lives under var/cluster/ (data, logs, pids, generated configs, secrets).
#
#   deploy/cluster/db.sh up       install what is missing, start (or resume) the tier, print URLs
#   deploy/cluster/db.sh down     stop everything this script started; data is kept
#   deploy/cluster/db.sh status   processes, Patroni members and lag, the entries
#   deploy/cluster/db.sh env      print DATABASE_URL / DATABASE_REPLICA_URL (for `eval`)
#   deploy/cluster/db.sh destroy  down, then delete var/cluster/db (a fresh cluster on next up)
#
# The multi-host version of the same configuration: deploy/patroni, deploy/haproxy,
# deploy/pgbouncer, deploy/systemd; see docs/deployment.md "Database cluster".
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
# shellcheck source=ports.env
set -a
source "$HERE/ports.env"
set +a

VAR="${YIWANG_CLUSTER_DIR:-$ROOT/var/cluster}"
DB="$VAR/db"                       # everything of the database tier
RUN="$DB/run" LOG="$DB/log" CONF="$DB/conf" SECRETS="$DB/secrets"
WAL_ARCHIVE="${WAL_ARCHIVE_DIR:-$VAR/wal-archive}"
PG_BIN_DIR="${PG_BIN_DIR:-/usr/lib/postgresql/15/bin}"
HOST=127.0.0.1
DB_NAME=yiwang
DB_USER=yiwang
SERVICE_USER=postgres               # PostgreSQL refuses to run as root; the whole tier runs as postgres
NODES=(pg1 pg2 pg3)

log() { printf '%s db.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }

as_service() { setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- "$@"; }

node_index() { case "$1" in pg1) echo 1;; pg2) echo 2;; pg3) echo 3;; esac; }
node_pg_port() { local v="PG$(node_index "$1")_PORT"; echo "${!v}"; }
node_rest_port() { local v="PATRONI$(node_index "$1")_REST_PORT"; echo "${!v}"; }

alive() { # pidfile -> 0 when its process runs
    [[ -s "$1" ]] && kill -0 "$(head -n1 "$1")" 2>/dev/null
}

secret() { cat "$SECRETS/$1.password"; }

# ---------------------------------------------------------------- install
install_packages() {
    local missing=()
    command -v patroni >/dev/null || missing+=(patroni)
    command -v etcd >/dev/null || missing+=(etcd-server)
    command -v etcdctl >/dev/null || missing+=(etcd-client)
    command -v pgbouncer >/dev/null || missing+=(pgbouncer)
    command -v haproxy >/dev/null || missing+=(haproxy)
    command -v envsubst >/dev/null || missing+=(gettext-base)
    [[ -x "$PG_BIN_DIR/postgres" ]] || missing+=(postgresql-15)
    ((${#missing[@]})) || return 0
    log "installing ${missing[*]} (Debian)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
    # A package's postinst may start its daemon on its default port (etcd 2379 would collide with
    # ours, PgBouncer 6432 with ours): stop those at once. The machine's own PostgreSQL (5432) is
    # never touched.
    local svc
    for svc in etcd patroni pgbouncer haproxy; do
        service "$svc" stop >/dev/null 2>&1 || true
    done
}

# ---------------------------------------------------------------- configuration
make_secrets() {
    mkdir -p "$SECRETS"
    chmod 700 "$SECRETS"
    local name
    for name in superuser replication rewind yiwang pgbouncer_admin; do
        [[ -s "$SECRETS/$name.password" ]] || openssl rand -hex 24 >"$SECRETS/$name.password"
    done
    chown -R "$SERVICE_USER:" "$SECRETS"
    chmod 600 "$SECRETS"/*.password
}

render() { # template output VAR... : envsubst with only the named variables
    local template="$1" output="$2"; shift 2
    local names="" v
    for v in "$@"; do names+="\${$v} "; done
    envsubst "$names" <"$template" >"$output"
}

write_configs() {
    mkdir -p "$RUN" "$LOG" "$CONF" "$WAL_ARCHIVE" "$DB/data" "$DB/etcd"
    local etcd_hosts="$HOST:$ETCD1_CLIENT_PORT,$HOST:$ETCD2_CLIENT_PORT,$HOST:$ETCD3_CLIENT_PORT"
    local node
    for node in "${NODES[@]}"; do
        mkdir -p "$LOG/$node"
        local nofailover=false nosync=false
        [[ "$node" == pg3 ]] && nofailover=true nosync=true
        NODE_NAME="$node" NODE_HOST="$HOST" PG_PORT="$(node_pg_port "$node")" \
        REST_PORT="$(node_rest_port "$node")" DATA_DIR="$DB/data/$node" RUN_DIR="$RUN" \
        LOG_DIR="$LOG/$node" PG_BIN_DIR="$PG_BIN_DIR" ETCD_HOSTS="$etcd_hosts" \
        CLUSTER_CIDR="127.0.0.1/32" SHARED_BUFFERS=64MB NOFAILOVER="$nofailover" NOSYNC="$nosync" \
        ARCHIVE_COMMAND="$ROOT/deploy/cluster/archive-wal.sh %p %f $WAL_ARCHIVE" \
            render "$ROOT/deploy/patroni/patroni.yml.template" "$CONF/$node.yml" \
                NODE_NAME NODE_HOST PG_PORT REST_PORT DATA_DIR RUN_DIR LOG_DIR PG_BIN_DIR ETCD_HOSTS \
                CLUSTER_CIDR ARCHIVE_COMMAND SHARED_BUFFERS NOFAILOVER NOSYNC
    done
    HAPROXY_BIND="$HOST" RUN_DIR="$RUN" \
    PG1_HOST="$HOST" PG2_HOST="$HOST" PG3_HOST="$HOST" REST1_PORT="$PATRONI1_REST_PORT" \
    REST2_PORT="$PATRONI2_REST_PORT" REST3_PORT="$PATRONI3_REST_PORT" \
        render "$ROOT/deploy/haproxy/haproxy.cfg.template" "$CONF/haproxy.cfg" \
            HAPROXY_BIND HAPROXY_PRIMARY_PORT HAPROXY_REPLICA_PORT HAPROXY_STATS_PORT RUN_DIR \
            PG1_HOST PG1_PORT REST1_PORT PG2_HOST PG2_PORT REST2_PORT PG3_HOST PG3_PORT REST3_PORT
    local pair name port upstream
    for pair in "pgbouncer-rw:$PGBOUNCER_PORT:$HAPROXY_PRIMARY_PORT" "pgbouncer-ro:$PGBOUNCER_REPLICA_PORT:$HAPROXY_REPLICA_PORT"; do
        IFS=: read -r name port upstream <<<"$pair"
        PGB_NAME="$name" PGB_BIND="$HOST" PGB_PORT="$port" UPSTREAM_HOST="$HOST" \
        UPSTREAM_PORT="$upstream" DB_NAME="$DB_NAME" RUN_DIR="$RUN" LOG_DIR="$LOG" CONF_DIR="$CONF" \
            render "$ROOT/deploy/pgbouncer/pgbouncer.ini.template" "$CONF/$name.ini" \
                PGB_NAME PGB_BIND PGB_PORT UPSTREAM_HOST UPSTREAM_PORT DB_NAME RUN_DIR LOG_DIR CONF_DIR
    done
    printf '"%s" "%s"\n"%s" "%s"\n' "$DB_USER" "$(secret yiwang)" pgbouncer_admin "$(secret pgbouncer_admin)" >"$CONF/userlist.txt"
    chmod 600 "$CONF/userlist.txt"
    chown -R "$SERVICE_USER:" "$DB" "$WAL_ARCHIVE"
    chmod 700 "$DB/data"
}

# ---------------------------------------------------------------- processes
start_etcd() {
    local cluster="e1=http://$HOST:$ETCD1_PEER_PORT,e2=http://$HOST:$ETCD2_PEER_PORT,e3=http://$HOST:$ETCD3_PEER_PORT"
    local i
    for i in 1 2 3; do
        alive "$RUN/etcd$i.pid" && continue
        local client="ETCD${i}_CLIENT_PORT" peer="ETCD${i}_PEER_PORT"
        local state=new
        [[ -d "$DB/etcd/e$i/member" ]] && state=existing
        log "etcd e$i on ${!client}"
        ETCD_UNSUPPORTED_ARCH="" setsid setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- \
            etcd --name "e$i" --data-dir "$DB/etcd/e$i" \
            --listen-client-urls "http://$HOST:${!client}" --advertise-client-urls "http://$HOST:${!client}" \
            --listen-peer-urls "http://$HOST:${!peer}" --initial-advertise-peer-urls "http://$HOST:${!peer}" \
            --initial-cluster "$cluster" --initial-cluster-state "$state" --initial-cluster-token yiwang-etcd \
            --heartbeat-interval 200 --election-timeout 2000 --logger zap --log-outputs stderr \
            >>"$LOG/etcd$i.log" 2>&1 </dev/null &
        echo $! >"$RUN/etcd$i.pid"
    done
    wait_for "etcd quorum" 60 etcd_healthy
}

etcd_endpoints() { echo "http://$HOST:$ETCD1_CLIENT_PORT,http://$HOST:$ETCD2_CLIENT_PORT,http://$HOST:$ETCD3_CLIENT_PORT"; }
etcd_healthy() { ETCDCTL_API=3 etcdctl --endpoints "$(etcd_endpoints)" --command-timeout=2s endpoint health >/dev/null 2>&1; }

start_patroni() { # node
    local node="$1"
    alive "$RUN/patroni-$node.pid" && return 0
    log "patroni $node (PostgreSQL on $(node_pg_port "$node"), REST on $(node_rest_port "$node"))"
    PATRONI_SUPERUSER_PASSWORD="$(secret superuser)" PATRONI_REPLICATION_PASSWORD="$(secret replication)" \
    PATRONI_REWIND_PASSWORD="$(secret rewind)" \
        setsid setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- \
        patroni "$CONF/$node.yml" >>"$LOG/patroni-$node.out" 2>&1 </dev/null &
    echo $! >"$RUN/patroni-$node.pid"
}

rest() { # node path -> HTTP status of Patroni's REST endpoint
    curl -s -o /dev/null -m 2 -w '%{http_code}' "http://$HOST:$(node_rest_port "$1")$2" || true
}
leader() {
    local node
    for node in "${NODES[@]}"; do [[ "$(rest "$node" /primary)" == 200 ]] && { echo "$node"; return 0; }; done
    return 1
}
has_leader() { leader >/dev/null; }
has_sync() { local n; for n in "${NODES[@]}"; do [[ "$(rest "$n" /sync)" == 200 ]] && return 0; done; return 1; }
replicas_streaming() { local n c=0; for n in "${NODES[@]}"; do [[ "$(rest "$n" /replica)" == 200 ]] && c=$((c + 1)); done; ((c >= 2)); }

wait_for() { # what seconds command...
    local what="$1" seconds="$2"; shift 2
    local deadline=$((SECONDS + seconds))
    until "$@"; do
        ((SECONDS < deadline)) || die "$what not reached within ${seconds}s (logs: $LOG)"
        sleep 1
    done
}

leader_accepts() { local node; node="$(leader)" && as_service pg_isready -q -h "$RUN" -p "$(node_pg_port "$node")"; }

psql_leader() { # sql... (as the superuser on the leader's unix socket)
    local node; node="$(leader)"
    as_service psql -X -q -v ON_ERROR_STOP=1 -h "$RUN" -p "$(node_pg_port "$node")" -U postgres -d postgres "$@"
}

ensure_database() {
    local pw; pw="$(secret yiwang)"
    psql_leader -v pw="$pw" -v role="$DB_USER" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role') WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SET password_encryption = 'scram-sha-256';
ALTER ROLE :"role" PASSWORD :'pw';
SQL
    psql_leader -v role="$DB_USER" -v db="$DB_NAME" <<'SQL'
SELECT format('CREATE DATABASE %I OWNER %I', :'db', :'role') WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'db') \gexec
SQL
}

start_routers() {
    if ! alive "$RUN/haproxy.pid"; then
        log "haproxy on $HAPROXY_PRIMARY_PORT (primary) / $HAPROXY_REPLICA_PORT (replica)"
        haproxy -f "$CONF/haproxy.cfg" -c -q || die "haproxy configuration invalid"
        setsid setpriv --reuid="$SERVICE_USER" --regid="$SERVICE_USER" --init-groups -- \
            haproxy -f "$CONF/haproxy.cfg" -db >>"$LOG/haproxy.log" 2>&1 </dev/null &
        echo $! >"$RUN/haproxy.pid"
    fi
    local name
    for name in pgbouncer-rw pgbouncer-ro; do
        alive "$RUN/$name.pid" && continue
        log "$name"
        as_service pgbouncer -d -q "$CONF/$name.ini"
    done
}

database_url() { echo "postgres://$DB_USER:$(secret yiwang)@$HOST:$PGBOUNCER_PORT/$DB_NAME"; }
replica_url() { echo "postgres://$DB_USER:$(secret yiwang)@$HOST:$PGBOUNCER_REPLICA_PORT/$DB_NAME"; }

entry_answers() { # port
    PGPASSWORD="$(secret yiwang)" PGCONNECT_TIMEOUT=3 psql -X -q -At -h "$HOST" -p "$1" -U "$DB_USER" -d "$DB_NAME" -c 'select 1' >/dev/null 2>&1
}

up() {
    [[ $EUID -eq 0 ]] || die "run as root (it installs packages and runs the tier as $SERVICE_USER)"
    install_packages
    make_secrets
    write_configs
    start_etcd
    local first=1 node
    for node in "${NODES[@]}"; do [[ -f "$DB/data/$node/PG_VERSION" ]] && first=0; done
    if ((first)); then
        # a fresh cluster: pg1 initialises it, the others clone from it
        start_patroni pg1
        wait_for "a Patroni leader" 120 has_leader
        start_patroni pg2
        start_patroni pg3
    else
        for node in "${NODES[@]}"; do start_patroni "$node"; done
        wait_for "a Patroni leader" 120 has_leader
    fi
    wait_for "the leader accepting connections" 60 leader_accepts
    ensure_database
    start_routers
    wait_for "PgBouncer read-write entry ($PGBOUNCER_PORT)" 60 entry_answers "$PGBOUNCER_PORT"
    wait_for "two streaming replicas" 180 replicas_streaming
    wait_for "a synchronous standby" 60 has_sync
    wait_for "PgBouncer read-only entry ($PGBOUNCER_REPLICA_PORT)" 60 entry_answers "$PGBOUNCER_REPLICA_PORT"
    status_members
    echo "DATABASE_URL=$(database_url)"
    echo "DATABASE_REPLICA_URL=$(replica_url)"
}

stop_pidfile() { # pidfile seconds
    local pidfile="$1" seconds="${2:-30}"
    alive "$pidfile" || { rm -f "$pidfile"; return 0; }
    local pid; pid="$(head -n1 "$pidfile")"
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + seconds))
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && { log "pid $pid did not stop in ${seconds}s: SIGKILL"; kill -KILL "$pid" 2>/dev/null || true; }
    rm -f "$pidfile"
}

down() {
    [[ -d "$DB" ]] || { log "nothing to stop"; return 0; }
    local name node
    for name in pgbouncer-rw pgbouncer-ro haproxy; do stop_pidfile "$RUN/$name.pid" 15; done
    # the DR replica first, then the replicas, the leader last (no needless failover on the way down)
    local lead; lead="$(leader || true)"
    for node in pg3 pg2 pg1; do [[ "$node" != "$lead" ]] && stop_pidfile "$RUN/patroni-$node.pid" 90; done
    [[ -n "$lead" ]] && stop_pidfile "$RUN/patroni-$lead.pid" 90
    # a postmaster left without its Patroni (e.g. by a drill): stop it too
    for node in "${NODES[@]}"; do
        local pm="$DB/data/$node/postmaster.pid"
        if [[ -s "$pm" ]] && kill -0 "$(head -n1 "$pm")" 2>/dev/null; then
            log "stopping orphan postmaster of $node"
            as_service "$PG_BIN_DIR/pg_ctl" -D "$DB/data/$node" -m fast -w -t 60 stop >/dev/null || true
        fi
    done
    for name in etcd3 etcd2 etcd1; do stop_pidfile "$RUN/$name.pid" 15; done
    log "database tier down (data kept in $DB)"
}

status_members() {
    patronictl -c "$CONF/pg1.yml" list 2>/dev/null || log "patronictl: no answer from etcd"
}

status() {
    [[ -d "$RUN" ]] || { echo "database tier: not set up"; return 3; }
    local f any=0
    for f in "$RUN"/*.pid; do
        [[ -e "$f" ]] || continue
        if alive "$f"; then echo "running  $(basename "$f" .pid) (pid $(head -n1 "$f"))"; any=1
        else echo "stopped  $(basename "$f" .pid)"; fi
    done
    ((any)) || { echo "database tier: down"; return 3; }
    status_members
    local port
    for port in "$PGBOUNCER_PORT" "$PGBOUNCER_REPLICA_PORT"; do
        if entry_answers "$port"; then echo "entry $port: answers"; else echo "entry $port: NOT answering"; fi
    done
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    env) echo "DATABASE_URL=$(database_url)"; echo "DATABASE_REPLICA_URL=$(replica_url)" ;;
    destroy) down; rm -rf "$DB" "$WAL_ARCHIVE"; log "removed $DB and $WAL_ARCHIVE" ;;
    *) echo "usage: $0 up|down|status|env|destroy" >&2; exit 2 ;;
esac
