#!/usr/bin/env bash
# The figures of docs/benchmarks.md "Production: load, overload and soak" in one sitting (the
# cluster up, gunicorn): design load 1× and 1.5×, the 3× spike with recovery, the edge drills.
#
#   flock /tmp/yiwang-bench.lock bench/load/overload_sequence.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
$PY bench/load/run.py --scale 1 --duration 120 --label final-1x
$PY bench/load/run.py --scale 1.5 --duration 120 --label final-1.5x
$PY bench/load/run.py --spike 3 --before 60 --spike-s 120 --after 120 --label final-spike3x
$PY deploy/drills/edge_body.py --push-mb 30
$PY deploy/drills/slowloris.py --connections 10000 --seconds 60 --baseline 20
