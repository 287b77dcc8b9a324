#!/usr/bin/env bash
# Run a command again whenever it exits, as systemd's Restart=always does in production
# (deploy/systemd/yiwang-worker@.service); app.sh runs each task worker under it.
#
#   deploy/cluster/keep-running.sh NAME COMMAND [ARG...]
#
# Why: db_worker exits (status 1) on a lost database connection (django-tasks re-raises every
# OperationalError but SQLite's "database is locked"; pg_terminate_backend on a worker's
# connection ends it), so after a failover nothing would start it again. The command is restarted
# RESTART_DELAY seconds (default 2) after it exits, whatever its status, each exit logged on
# stderr. TERM or INT stops the loop: the running command gets TERM and is waited for (a pause
# between runs is cut short), then the loop exits 0 — so TERM to this script's pid (app.sh's pid
# file) stops both.
set -u
name="$1"
shift
delay="${RESTART_DELAY:-2}"
child=""
pause=""

stop() {
    # every job of the loop, not only "$child": a TERM that arrives between starting the worker and
    # setting "$child" must still reach it (and the pause, if that is what runs)
    local running
    running=$(jobs -p)
    [ -n "$running" ] && kill -TERM $running 2>/dev/null
    wait 2>/dev/null
    exit 0
}
trap stop TERM INT

while :; do
    # in the background and waited for: bash runs a trap only between commands, and `wait` returns
    # at once when a trapped signal arrives, where a foreground command would delay it to its end
    "$@" &
    child=$!
    wait "$child"
    rc=$?
    child=""
    echo "$(date -u +%FT%TZ) $name exited ($rc): restarting in $delay s" >&2
    sleep "$delay" &
    pause=$!
    wait "$pause"
    pause=""
done
