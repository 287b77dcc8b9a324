#!/usr/bin/env bash
# Fault drill: the disk that holds uploads is full.
#
#   DEMO_MODE=1 deploy/drills/faults.sh diskfull [DATABASE_URL]
#
# Mounts a 2 MB tmpfs as MEDIA_ROOT (var/cluster/faults/media; root needed), starts one gunicorn on
# 127.0.0.1:8204 with it against DATABASE_URL (default: the machine's PostgreSQL, database `crash`,
# holding the demo data), fills the tmpfs, and then, as the demo citizen: an upload must be
# answered 507 storage_full with no row and no partial file left; after space is freed the same
# upload is 201. Prints each answer; exits non-zero if any expectation fails. Unmounts and stops
# everything it started on exit.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
what=${1:-}
[ "$what" = diskfull ] || { echo "usage: $0 diskfull [DATABASE_URL]" >&2; exit 2; }
DB=${2:-postgres://postgres@127.0.0.1:5432/crash}
RUN=$ROOT/var/cluster/faults
MEDIA=$RUN/media
PORT=8204
mkdir -p "$MEDIA"
PID=""
cleanup() {
  [ -n "$PID" ] && kill -TERM -- "-$PID" 2>/dev/null && wait "$PID" 2>/dev/null || true
  mountpoint -q "$MEDIA" && umount "$MEDIA" || true
}
trap cleanup EXIT
mountpoint -q "$MEDIA" || mount -t tmpfs -o size=2m tmpfs "$MEDIA"
export DEMO_MODE=1 DATABASE_URL=$DB MEDIA_ROOT=$MEDIA GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=1 \
  GUNICORN_THREADS=4 LOG_LEVEL=ERROR
unset PROMETHEUS_MULTIPROC_DIR || true
setsid .venv/bin/gunicorn -c deploy/gunicorn/gunicorn.conf.py yiwang.wsgi >"$RUN/gunicorn.log" 2>&1 &
PID=$!
for _ in $(seq 1 240); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.5; done
token=$(curl -fs -X POST "http://127.0.0.1:$PORT/api/v1/auth/token" -H 'Content-Type: application/json' \
  -d '{"username":"citizen","password":"yiwang2026"}' | .venv/bin/python -c 'import json,sys;print(json.load(sys.stdin)["token"])')
pdf=$RUN/scan.pdf
{ printf '%%PDF-1.4\n'; head -c 300000 /dev/urandom | base64; printf '\n%%%%EOF\n'; } >"$pdf"
rows() { psql "$DB" -Atc "SELECT count(*) FROM cases_casematerial"; }
upload() {
  curl -s -o "$RUN/answer.json" -w '%{http_code}' -H "Authorization: Bearer $token" \
    -F "file=@$pdf;type=application/pdf" "http://127.0.0.1:$PORT/api/v1/uploads"
}
fail=0
dd if=/dev/zero of="$MEDIA/filler" bs=64k 2>/dev/null || true  # until the disk is full
echo "MEDIA_ROOT: $(df -h --output=size,used,avail "$MEDIA" | tail -1)"
before=$(rows)
code=$(upload)
after=$(rows)
partial=$(find "$MEDIA" -type f ! -name filler | wc -l)
echo "disk full: HTTP $code $(cat "$RUN/answer.json")"
echo "  material rows before/after: $before/$after; files other than the filler: $partial"
[ "$code" = 507 ] && [ "$before" = "$after" ] && [ "$partial" = 0 ] || { echo "  FAIL"; fail=1; }
rm -f "$MEDIA/filler"
code=$(upload)
echo "space freed: HTTP $code $(head -c 200 "$RUN/answer.json")"
[ "$code" = 201 ] || { echo "  FAIL"; fail=1; }
# the staged upload's file lives on the tmpfs, which goes away: the drill's own row goes with it
id=$(.venv/bin/python -c 'import json,sys;print(int(json.load(open(sys.argv[1])).get("id",0)))' "$RUN/answer.json")
[ "$id" != 0 ] && psql "$DB" -qAtc "DELETE FROM cases_casematerial WHERE id = $id AND case_id IS NULL"
[ $fail = 0 ] && echo "OK: a full disk is a 507 that saves nothing; the same upload succeeds once space is back"
exit $fail
