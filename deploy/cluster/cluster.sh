#!/usr/bin/env bash
# The whole loopback topology of issue #15 (docs/deployment.md): the database tier
# (deploy/cluster/db.sh: etcd, Patroni, HAProxy, PgBouncer on 127.0.0.1:6432) then the application
# tier (deploy/cluster/app.sh: two application servers, two task workers, nginx on 127.0.0.1:8080);
# down in reverse. `make cluster-up` / `make cluster-down` call it.
#
#   deploy/cluster/cluster.sh up|down|status
#
# Without deploy/cluster/db.sh (or with CLUSTER_DB=machine) the application tier uses the
# machine's PostgreSQL on 5432 with its own database yiwang_cluster: what a machine without the
# database tier runs.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
DB="$ROOT/deploy/cluster/db.sh"
APP="$ROOT/deploy/cluster/app.sh"

use_db_tier() { [ "${CLUSTER_DB:-tier}" != machine ] && [ -x "$DB" ]; }

case "${1:-}" in
up)
    if use_db_tier; then
        "$DB" up
        set -a; eval "$("$DB" env)"; set +a
    else
        echo "cluster.sh: no database tier (deploy/cluster/db.sh); the machine's PostgreSQL 5432, database yiwang_cluster" >&2
        unset DATABASE_URL DATABASE_REPLICA_URL
    fi
    "$APP" up
    ;;
down)
    "$APP" down
    if use_db_tier; then "$DB" down; fi
    ;;
status)
    rc=0
    "$APP" status || rc=1
    if use_db_tier; then "$DB" status || rc=1; fi
    exit $rc
    ;;
*) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
