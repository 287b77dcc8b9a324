#!/usr/bin/env bash
# gunicorn against granian under the same load through the same edge (issue #15: "measure both and
# choose"): for each server both application servers are restarted with it (deploy/cluster/app.sh
# restart-app, warmed), then bench/load/run.py at 1.5× and 3× for DURATION seconds each.
#
#   flock /tmp/yiwang-bench.lock bench/load/compare_servers.sh [DURATION]
#
# The cluster must be up. It is left running with gunicorn (the choice, docs/benchmarks.md).
set -euo pipefail
cd "$(dirname "$0")/../.."
DURATION="${1:-90}"
for server in gunicorn granian; do
    for i in 1 2; do APP_SERVER=$server deploy/cluster/app.sh restart-app "$i"; done
    for scale in 1.5 3; do
        APP_SERVER=$server .venv/bin/python bench/load/run.py --scale "$scale" --duration "$DURATION" \
            --label "cmp-$server-${scale}x"
    done
done
for i in 1 2; do APP_SERVER=gunicorn deploy/cluster/app.sh restart-app "$i"; done
